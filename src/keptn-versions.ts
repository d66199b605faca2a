// Every fact that differs between Keptn releases lives here, and only here. Each was read from
// Keptn's source at the release's tag (keptn/keptn, keptn-contrib/job-executor-service; the comments
// cite TAG:path) and agrees with ../shared/KEPTN.md "Versions" unless a comment says otherwise.
// Facts are stated as "from release X on", so that a full release number (1.4.5, 0.8.2) gets
// exactly what that release has, and a minor (1.4) what its last release has.

import { compareVersions } from './version.js';

/** The Keptn v1 line: every minor and its last patch release (all patches from .0 exist). */
const MINORS: readonly [minor: string, lastPatch: number][] = [
  ['0.8', 7],
  ['0.9', 2],
  ['0.10', 0],
  ['0.11', 4],
  ['0.12', 7],
  ['0.13', 6],
  ['0.14', 3],
  ['0.15', 1],
  ['0.16', 2],
  ['0.17', 1],
  ['0.18', 2],
  ['0.19', 3],
  ['1.0', 0],
  ['1.1', 0],
  ['1.2', 0],
  ['1.3', 0],
  ['1.4', 5],
];

export const DEFAULT_KEPTN = '1.4';
export const KEPTN_MINORS = MINORS.map(([minor]) => minor);
export const KEPTN_RANGE = `${KEPTN_MINORS[0]} to ${KEPTN_MINORS.at(-1)}`;

/**
 * The distributor's settings that the chart may set, each with the first release whose
 * distributor reads it (distributor/pkg/config/envconfig.go; before 0.8.4 the EnvConfig of
 * distributor/cmd/main.go). The chart sets none that its release does not know.
 */
const DISTRIBUTOR_ENV: Record<string, string> = {
  PUBSUB_URL: '0.8.0',
  PUBSUB_TOPIC: '0.8.0',
  PUBSUB_RECIPIENT: '0.8.0',
  PUBSUB_RECIPIENT_PORT: '0.8.0',
  PUBSUB_RECIPIENT_PATH: '0.8.0',
  PROJECT_FILTER: '0.8.0',
  STAGE_FILTER: '0.8.0',
  SERVICE_FILTER: '0.8.0',
  KEPTN_API_ENDPOINT: '0.8.0',
  KEPTN_API_TOKEN: '0.8.0',
  HTTP_SSL_VERIFY: '0.8.0',
  // 0.8.4:distributor/pkg/config/envconfig.go (absent from 0.8.3:distributor/cmd/main.go).
  VERSION: '0.8.4',
  DISTRIBUTOR_VERSION: '0.8.4',
  LOCATION: '0.8.4',
  K8S_DEPLOYMENT_NAME: '0.8.4',
  K8S_POD_NAME: '0.8.4',
  K8S_NAMESPACE: '0.8.4',
  K8S_NODE_NAME: '0.8.4',
  // The queue group: 0.10.0:distributor/pkg/config/envconfig.go (not in any 0.9 tag).
  PUBSUB_GROUP: '0.10.0',
  // 0.17.0:distributor/pkg/config/envconfig.go, default 64. The limit wraps every route of the
  // local proxy, /event too (1.4.5:distributor/pkg/forwarder/forwarder.go, httpMiddleWare with
  // http.MaxBytesReader): a larger reply is answered 500 and never reaches Keptn.
  API_PROXY_MAX_PAYLOAD_BYTES_KB: '0.17.0',
};

/**
 * The phases of a task's events, the last part of `sh.keptn.event.<task>.<phase>`: go-utils'
 * pkg/lib/v0_2_0/events.go (keptnTriggeredEventSuffix … keptnInvalidatedEventSuffix), alike from
 * v0.8.5 to v0.20.4. A sequence's events (`sh.keptn.event.<stage>.<sequence>.<phase>`) end in them too.
 */
export const KEPTN_PHASES = ['triggered', 'started', 'status.changed', 'finished', 'invalidated'];

/**
 * Keptn's built-in task names of one segment: go-utils pkg/lib/v0_2_0/*.go (`…TaskName`, alike
 * from v0.8.5 to v0.20.4; `remediation` is a sequence, its tasks get-action and action,
 * 0.8.7:remediation-service/README.md). A task name one typo away from one of them is warned about.
 */
export const KEPTN_TASKS = [
  'action',
  'approval',
  'configure-monitoring',
  'deployment',
  'evaluation',
  'get-action',
  'get-sli',
  'release',
  'rollback',
  'test',
];

/**
 * Deployment names the distributor never registers with Keptn's control plane ("Skipping
 * Registration because service name … is actively filtered"): isOneOfFilteredServices() in
 * distributor/cmd/main.go (0.9.0–0.12.7) and distributor/pkg/config/envconfig.go (0.13.0–1.4.5),
 * checked against K8S_DEPLOYMENT_NAME. 0.8.x registers every name (0.8.7:distributor/cmd/main.go,
 * shallRegister). Unregistered, a remote plane's poller gets no subscription (1.4.5:distributor/cmd/
 * main.go, uniformWatch only when ValidateRegistrationConstraints()). lighthouse-service is not on
 * the list at any tag.
 */
export const KEPTN_OWN_SERVICES: readonly { name: string; releases: string }[] = [
  { name: 'api-service', releases: '0.9.0–1.4.5' },
  { name: 'configuration-service', releases: '0.9.0–0.17.1' },
  { name: 'mongodb-datastore', releases: '0.9.0–1.4.5' },
  { name: 'resource-service', releases: '0.18.0–1.4.5' },
  { name: 'secret-service', releases: '0.9.0–1.4.5' },
  { name: 'shipyard-controller', releases: '0.9.0–1.4.5' },
  { name: 'statistics-service', releases: '0.9.0–1.4.5' },
];

export interface JobExecutor {
  /** The job-executor-service release for this Keptn (its README's compatibility matrix at 0.3.0). */
  version: string;
  /**
   * How it is installed and subscribed: `manifest` (0.1.3, 0.1.4: deploy/service.yaml, subscribed
   * to sh.keptn.> until PUBSUB_TOPIC is set), `helm` (a chart on its release) with the Helm value
   * that sets its subscription; 0.1.6–0.1.8 read theirs only for a remote plane, so in-cluster they
   * subscribe to everything (chart/templates/deployment.yaml at each tag).
   */
  install: 'manifest' | 'helm';
  topicValue?: 'remoteControlPlane.topicSubscription' | 'subscription.pubsubTopic';
  /**
   * A manifest Kubernetes refuses as published, mended on the way to kubectl by this sed
   * expression: 0.1.4:deploy/service.yaml sets ALWAYS_SEND_FINISHED_EVENT to an unquoted `false`,
   * and an env value must be a string.
   */
  manifestSed?: string;
  /** `$` as JSON (0.1.4 on); 0.1.3 prints objects as Go maps (pkg/k8sutils/job.go, %v). */
  eventJson: boolean;
  /** Sets LABELS_<KEY> from the event's labels (0.1.8 on, pkg/k8sutils/job.go). */
  labels: boolean;
  /**
   * Jobs run with a read-only root filesystem (0.2.0 on): the chart's default job security
   * context, `jobConfig.jobSecurityContext` (readOnlyRootFilesystem, runAsUser 1000, runAsGroup
   * 2000, runAsNonRoot, every capability dropped: 0.2.0:chart/values.yaml, the same at 0.3.0),
   * read from /config/job-defaultSecurityContext.json (0.2.0:cmd/job-executor-service/main.go) and
   * set on the job's containers (0.2.0:pkg/k8sutils/job.go CreateK8sJob). Before, the pod runs as
   * uid 1000, gid 2000 with no container security context (0.1.3:pkg/k8sutils/job.go, to 0.1.8):
   * the image's own permissions decide. In every release the job's one volume is /keptn, an
   * emptyDir of at most 20Mi (JOB_VOLUME, src/runtimes/job-executor.ts).
   */
  readOnlyRootFilesystem: boolean;
  /** What this release lacks that a user would expect, for the README. */
  notes: string[];
}

/** Everything the templates need to know about the targeted release. */
export interface KeptnVersion {
  /** The value given to --keptn: a minor ('1.4') or a full release ('1.4.5'). */
  id: string;
  minor: string;
  /** The exact release the facts are for: the given one, or the minor's last. */
  release: string;
  /** Docker Hub carries Keptn's images up to 1.2.0; 1.3.0 on are on ghcr.io (and quay.io) only. */
  distributorImage: string;
  distributorTag: string;
  natsUrl: string;
  /** shkeptnspecversion put on every event the integration sends. */
  specVersion: string;
  shipyardApiVersion: string;
  /** Path of the resource API behind the distributor's proxy on localhost:8081. */
  resourceServicePath: string;
  /** The distributor settings this release reads (keys of DISTRIBUTOR_ENV). */
  distributorEnv: string[];
  /** Port of the distributor's own health endpoint, where a probe can reach it. */
  distributorHealthPort?: number;
  /** The distributor's queue group (PUBSUB_GROUP) exists. */
  queueGroup: boolean;
  /** The distributor refuses request bodies over this many KiB (API_PROXY_MAX_PAYLOAD_BYTES_KB). */
  maxPayloadKB?: number;
  /**
   * keptn CLI rules of this release (cli/cmd at each tag). Alike at every release: add-resource's
   * --service needs --stage or --all-stages ("Flag 'stage' is missing"), and `trigger delivery`,
   * `trigger evaluation` and `send event --file` exist.
   */
  cli: {
    /** add-resource: --all-stages without --service adds to every stage (0.19.3:cli/cmd/add_resource.go). */
    allStagesAlone: boolean;
    /**
     * How a custom sequence is started: `send-event` (no trigger command for it), `sequence-flag`
     * (`keptn trigger sequence --sequence=S`; 0.14 and 0.15 ignore a positional name), `sequence`
     * (positional `keptn trigger sequence S`, no --sequence flag) — cli/cmd/trigger_sequence.go.
     */
    trigger: 'send-event' | 'sequence-flag' | 'sequence';
    /**
     * Every project needs a Git upstream: resource-service, the default from 0.16.0, refuses one
     * without ("could not find upstream repository credentials", 0.16.2:resource-service/
     * common/credentials.go). The CLI sends it only with --git-user and --git-remote-url (0.14–0.17,
     * cli/cmd/create_project.go) plus a token, so all three are given.
     */
    gitUpstream: boolean;
  };
  jobExecutor: JobExecutor;
  /** Keptn's webhook-service, from 0.10.0 on (webhook-service/ at each tag); absent before. */
  webhook?: {
    /** Each request a curl command (v1alpha1), or url/method/headers/payload (v1beta1, 0.15.0 on). */
    apiVersion: 'webhookconfig.keptn.sh/v1alpha1' | 'webhookconfig.keptn.sh/v1beta1';
    /** `sendStarted` exists (0.13.0:webhook-service/lib/webhook_config.go); before, .triggered always gets .started. */
    sendStarted: boolean;
    /** Seconds until a new subscription reaches it: 10 with the distributor, 5 with go-utils' SDK (0.17 on). */
    pickUpSeconds: number;
    /**
     * What it sends back for an event whose subscription id no webhook in webhook.yaml has (before
     * keptn/subscribe.sh uploaded it), when that event is no task's `.triggered`: onPreExecutionError
     * in webhook-service/handler/handler.go sends `.started` for any event up to 0.17.1 (0.18.0 returns
     * first unless it is a task's `.triggered`), and 0.10.0's sendFinishedEvent an errored `.finished`
     * too (0.11.0 checks the type); the SDK names them by replacing the phase (0.12.7:go-sdk/pkg/sdk/
     * keptn.go, ReplaceEventTypeKind). Empty from 0.18.0 on.
     */
    unmatchedReplies: string[];
  };
}

/** Every release of the line, oldest first. */
export const KEPTN_RELEASES = MINORS.flatMap(([minor, last]) => Array.from({ length: last + 1 }, (_, p) => `${minor}.${p}`));

/**
 * The first release that has a fact, as prose names it: its minor when it came with the minor's
 * first release ("0.10"), the release otherwise ("0.8.4"). Prose such as "from Keptn 0.10 on" is
 * built with it, so that it says what the table says.
 */
export function since(fact: (v: KeptnVersion) => unknown): string {
  const first = KEPTN_RELEASES.find((r) => fact(keptnVersion(r)!));
  if (!first) throw new Error('no Keptn release has this fact');
  return first.endsWith('.0') ? first.slice(0, -2) : first;
}

/** The facts for a --keptn value, or undefined when it is not a Keptn v1 release or minor. */
export function keptnVersion(id: string): KeptnVersion | undefined {
  const minor = MINORS.find(([m]) => id === m || (id.startsWith(`${m}.`) && KEPTN_RELEASES.includes(id)));
  if (!minor) return undefined;
  const release = id === minor[0] ? `${minor[0]}.${minor[1]}` : id;
  const from = (since: string) => compareVersions(release, since) >= 0;
  const distributorEnv = Object.keys(DISTRIBUTOR_ENV).filter((name) => from(DISTRIBUTOR_ENV[name]));
  return {
    id,
    minor: minor[0],
    release,
    // 1.3.0:.github/workflows/release.yml pushes to quay.io and ghcr.io only (Docker Hub until 1.2.0).
    distributorImage: from('1.3.0') ? 'ghcr.io/keptn/distributor' : 'docker.io/keptn/distributor',
    distributorTag: release,
    // Keptn's chart: keptn-nats-cluster to 0.13.6, keptn-nats from 0.14.0
    // (0.14.3:installer/manifests/keptn/charts/control-plane/templates/_helpers.tpl).
    natsUrl: from('0.14.0') ? 'nats://keptn-nats' : 'nats://keptn-nats-cluster',
    // The spec submodule describes as 0.2.4 from 0.13.0 on (go-utils v0.13.0 config/config.yaml).
    specVersion: from('0.13.0') ? '0.2.4' : '0.2.3',
    // shipyard-controller accepts any spec.keptn.sh/ >= 0.2 at every tag; Keptn's docs used 0.2.2
    // for 0.8–0.9 and 0.2.3 from 0.10 on.
    shipyardApiVersion: from('0.10.0') ? 'spec.keptn.sh/0.2.3' : 'spec.keptn.sh/0.2.2',
    // The proxy knows /configuration-service to 0.17.1 and only /resource-service from 0.18.0
    // (distributor/pkg/config/const.go at those tags); any other prefix is answered 500.
    resourceServicePath: from('0.18.0') ? '/resource-service' : '/configuration-service',
    distributorEnv,
    // /health on :10999 to 0.10.0 (distributor/cmd/main.go, RunHealthEndpoint); from 0.11.0 only
    // on localhost:8081, which no probe reaches (0.11.4:distributor/pkg/lib/events/forwarder.go).
    distributorHealthPort: from('0.11.0') ? undefined : 10999,
    queueGroup: distributorEnv.includes('PUBSUB_GROUP'),
    maxPayloadKB: distributorEnv.includes('API_PROXY_MAX_PAYLOAD_BYTES_KB') ? 64 : undefined,
    cli: {
      allStagesAlone: from('0.19.0'),
      trigger: from('0.16.0') ? 'sequence' : from('0.14.0') ? 'sequence-flag' : 'send-event',
      gitUpstream: from('0.16.0'),
    },
    jobExecutor: jobExecutorFor(minor[0]),
    webhook: from('0.10.0')
      ? {
          apiVersion: from('0.15.0') ? 'webhookconfig.keptn.sh/v1beta1' : 'webhookconfig.keptn.sh/v1alpha1',
          sendStarted: from('0.13.0'),
          pickUpSeconds: from('0.17.0') ? 5 : 10,
          unmatchedReplies: from('0.18.0') ? [] : from('0.11.0') ? ['.started'] : ['.started', '.finished'],
        }
      : undefined,
  };
}

/**
 * job-executor-service per Keptn minor: its README's compatibility matrix (0.3.0:README.md); the
 * rest from its source at each tag (pkg/config/config.go, pkg/k8sutils/job.go, chart/).
 */
function jobExecutorFor(minor: string): JobExecutor {
  const helm = (version: string, topicValue?: JobExecutor['topicValue']): JobExecutor => ({
    version,
    install: 'helm',
    topicValue,
    eventJson: true,
    labels: compareVersions(version, '0.1.8') >= 0,
    readOnlyRootFilesystem: compareVersions(version, '0.2.0') >= 0,
    notes: [],
  });
  switch (minor) {
    case '0.8':
      return {
        version: '0.1.3',
        install: 'manifest',
        eventJson: false,
        labels: false,
        readOnlyRootFilesystem: false,
        notes: [
          'job-executor-service 0.1.3 (for Keptn 0.8) puts no `start` and `end` into `.finished` (0.1.4 and ' +
            'later do): an evaluation after the task needs its own timeframe. It passes an event value that is ' +
            'an object as Go prints it (`map[…]`), not as JSON, and its events have no `type`: the jobs get ' +
            'single values by JSON path instead.',
        ],
      };
    case '0.9':
      return {
        version: '0.1.4',
        install: 'manifest',
        manifestSed: 's/value: false$/value: "false"/',
        eventJson: true,
        labels: false,
        readOnlyRootFilesystem: false,
        notes: [],
      };
    // The matrix has no row for 0.11: 0.1.6 (built against Keptn 0.10) is the nearest release
    // before 0.1.7 (built for 0.12.2).
    case '0.10':
    case '0.11':
      return helm('0.1.6');
    case '0.12':
      return helm('0.1.8');
    case '0.13':
      return helm('0.2.0', 'remoteControlPlane.topicSubscription');
    case '0.14':
      return helm('0.2.1', 'remoteControlPlane.topicSubscription');
    case '0.15':
      return helm('0.2.2', 'remoteControlPlane.topicSubscription');
    case '0.16':
      return helm('0.2.4', 'remoteControlPlane.topicSubscription');
    case '0.17':
      return helm('0.2.5', 'remoteControlPlane.topicSubscription');
    // 0.3.0 is the last release; the matrix names it for 0.18 ("newer might be compatible"). It
    // reads subscription.pubsubTopic and ignores remoteControlPlane.topicSubscription
    // (0.3.0:chart/templates/deployment.yaml).
    default:
      return helm('0.3.0', 'subscription.pubsubTopic');
  }
}

/** The rule of --keptn: a minor of the v1 line or one of its releases. */
export function keptnRule(v: string): string | undefined {
  if (keptnVersion(v)) return undefined;
  const minor = MINORS.find(([m]) => v.startsWith(`${m}.`) && v.split('.').length === 3);
  if (minor) return `must be a Keptn v1 release from ${KEPTN_RANGE}: ${minor[0]} has ${minor[0]}.0 to ${minor[0]}.${minor[1]}`;
  return `must be a Keptn v1 release from ${KEPTN_RANGE}: a minor (${KEPTN_MINORS.join(', ')}) or a full release such as 1.4.5`;
}
