// From validated answers to everything the templates need: one plain object, computed once.
import { NODE, NPM } from './generated-versions.js';
import { kindById, type Kind } from './kinds/index.js';
import type { DockerAdditions, KindEnv, ShipyardSequence } from './kinds/types.js';
import type { JobAction, KeptnResource, Resolved, Webhook } from './model.js';
import { keptnVersion, since, type KeptnVersion } from './keptn-versions.js';
import { LICENSES, licenseLayers, type License } from './licenses.js';
import { isWildcard, taskOf } from './rules.js';
import { runtimeOf, type Runtime } from './runtimes/index.js';
import { serviceSettings, type ServiceSetting } from './service-settings.js';
import { inJobVolume } from './runtimes/job-executor.js';
import { GENERATOR } from './version.js';

export interface Blueprint {
  answers: Resolved;
  name: string;
  /** One line saying what it does (--description). */
  description: string;
  /** The task it serves (--task), for the kinds that serve one. */
  task?: string;
  /** The example Keptn project, stage and service of the shipyard, the commands and the test events. */
  example: { project: string; stage: string; service: string };
  /** The image it builds (--image) and the registry that holds it; absent for a no-code runtime. */
  image?: { repository: string; registry: string };
  /** Where the webhook-service calls (--endpoint), for that runtime. */
  endpoint?: string;
  /** The first release with a Keptn fact the prose names ("from Keptn 0.10 on"), from the version table. */
  since: Record<keyof typeof SINCE, string>;
  kind: Kind;
  /** What it does, for these answers (a chosen format, a runtime): the kind's summary or describe(). */
  summary: string;
  /** Does the description say no more than that (the default)? The README then says it once. */
  defaultDescription: boolean;
  keptn: KeptnVersion;
  /** PUBSUB_TOPIC: every event type the integration receives. */
  subscriptions: string[];
  /**
   * PUBSUB_TOPIC for a remote execution plane. Its distributor polls Keptn's API, which serves open
   * `.triggered` events only (1.0.0:shipyard-controller/internal/handler/eventhandler.go reads the
   * triggeredEvents collection, matching the type exactly): the concrete `.triggered` subscriptions,
   * with wildcards replaced by the example events. Empty: the integration cannot run there.
   */
  remoteSubscriptions: string[];
  /** Subscriptions that a remote execution plane never receives (the CLI and README say so). */
  inClusterOnly: string[];
  /** Tasks answered with .started/.finished. */
  tasks: string[];
  sequences: ShipyardSequence[];
  resources: KeptnResource[];
  exampleEvents: string[];
  /** test-events/<file> used for `npm run send-event` in README and banner. */
  sampleEvent: string;
  commands: string[];
  /** keptn CLI commands that bring the integration's project, service and resources into Keptn. */
  wiring: string[];
  /** How to start the example sequence with the keptn CLI, once everything is in place. */
  trigger: string;
  env: readonly KindEnv[];
  /**
   * The settings of the service's machinery by variable name, with their defaults
   * (src/service-settings.ts): config.ts, the README, the Dockerfile and the chart render them.
   */
  settings: Record<string, ServiceSetting>;
  /** Runtime npm dependencies of the generated project. */
  dependencies: Record<string, string>;
  /** A service of its own, or a definition for one of Keptn's no-code routes (no code, no chart). */
  runtime: Runtime;
  /** Template layers rendered, in order: the runtime's, the kind's (see Kind.layers), the licence's. */
  layers: string[];
  /** What it is published under (src/licenses.ts). */
  license: License;
  /** job/config.yaml's actions (job-executor runtime). */
  jobActions: JobAction[];
  /** webhook/webhook.yaml's webhooks (webhook-service runtime). */
  webhooks: Webhook[];
  /** What the service's Dockerfile adds for the tool it runs. */
  docker: DockerAdditions;
  /** The Node.js line it runs on, and its npm packages' versions (src/generated-versions.ts). */
  node: typeof NODE;
  npm: typeof NPM;
  /** Its entry in Keptn's integrations listing on ArtifactHub (artifacthub-pkg.yml). */
  listing: Listing;
  /** The runtime's and the kind's own template values (Runtime.view, Kind.view). */
  view: Record<string, unknown>;
  generator: { name: string; version: string };
}

export interface Listing {
  displayName: string;
  /** The repository the links assume: https://github.com/<owner>/<name> (no owner, no image: none). */
  repo?: string;
  /** keptn/kind (Kind.listing). */
  kinds: string[];
  /** "keptn", the kinds, then the kind's own keywords, each once. */
  keywords: string[];
  /**
   * keptn/org: the Keptn GitHub organisation it lives in (keptn, keptn-contrib, keptn-sandbox); an
   * integration outside them is a community one, which Keptn's listing calls sandbox.
   */
  org: 'keptn' | 'contrib' | 'sandbox';
}

function listing(kind: Kind, a: Resolved): Listing {
  const { kinds, keywords } = kind.listing(a);
  const orgs: Record<string, Listing['org']> = { keptn: 'keptn', 'keptn-contrib': 'contrib', 'keptn-sandbox': 'sandbox' };
  return {
    displayName: a.name
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(' '),
    repo: a.owner === undefined ? undefined : `https://github.com/${a.owner}/${a.name}`,
    kinds,
    keywords: [...new Set(['keptn', ...kinds, ...keywords])],
    org: orgs[a.owner] ?? 'sandbox',
  };
}

/** Keptn facts the generated prose dates, each the table's own test (see since()). */
const SINCE = {
  queueGroup: (v: KeptnVersion) => v.queueGroup,
  gitUpstream: (v: KeptnVersion) => v.cli.gitUpstream,
  maxPayload: (v: KeptnVersion) => v.maxPayloadKB !== undefined,
  webhookService: (v: KeptnVersion) => v.webhook,
  /** Its webhook-service answers no event but a task's .triggered when no webhook has its subscription. */
  quietWebhook: (v: KeptnVersion) => v.webhook?.unmatchedReplies.length === 0,
};

let dated: Blueprint['since'] | undefined;

/** SINCE's releases, the same for every blueprint: each walks the version table, so once a run. */
const datedReleases = () =>
  (dated ??= Object.fromEntries(Object.entries(SINCE).map(([key, fact]) => [key, since(fact)])) as Blueprint['since']);

/** Docker's reading of an image name: a first part with a dot, a colon or localhost is a registry. */
function registryOf(repository: string): string {
  const [first, ...rest] = repository.split('/');
  return rest.length > 0 && (/[.:]/.test(first) || first === 'localhost') ? first : 'docker.io';
}

export function toBlueprint(answers: Resolved): Blueprint {
  // Resolved: --kind, --keptn and --license passed their rules (one of the table's entries).
  const kind = kindById(answers.kind)!;
  const keptn = keptnVersion(answers.keptn)!;
  const license = LICENSES.find((l) => l.id === answers.license)!;
  const sequences = kind.sequences(answers);
  const subscriptions = kind.subscriptions(answers);
  const exampleEvents = kind.exampleEvents?.(answers) ?? [];
  const wildcard = subscriptions.some(isWildcard);
  const sampleEvent = kind.sampleEvent(answers);
  const runtime = runtimeOf(answers);
  const summary = kind.describe?.(answers) ?? kind.summary;
  const tasks = kind.tasks(answers);
  const resources = [...(runtime.config ? [runtime.config] : []), ...kind.resources(answers)];
  const jobActions = (kind.jobActions?.(answers, keptn) ?? []).map(inJobVolume);
  const webhooks = kind.webhooks?.(answers, keptn) ?? [];
  return {
    answers,
    name: answers.name,
    description: answers.description,
    task: answers.task,
    example: { project: answers.project, stage: answers.stage, service: answers.service },
    image: answers.image === undefined ? undefined : { repository: answers.image, registry: registryOf(answers.image) },
    endpoint: answers.endpoint,
    since: datedReleases(),
    kind,
    summary,
    defaultDescription: answers.description?.includes(summary) ?? false,
    keptn,
    subscriptions,
    remoteSubscriptions: (wildcard ? exampleEvents : subscriptions).filter((t) => taskOf(t) !== undefined),
    inClusterOnly: subscriptions.filter((t) => taskOf(t) === undefined),
    tasks,
    sequences,
    resources,
    exampleEvents,
    sampleEvent,
    commands: kind.commands?.(answers) ?? [],
    wiring: wiring(answers, keptn),
    trigger: triggerCommand(sequences[0].name, answers, keptn, sampleEvent),
    // A runtime that builds no image has no container to set.
    env: runtime.noImage ? [] : kind.env(answers),
    settings: serviceSettings(keptn),
    dependencies: { cloudevents: NPM.cloudevents, ...kind.dependencies?.(answers) },
    runtime,
    layers: [...runtime.layers, ...(kind.layers?.(answers) ?? [kind.id]), ...licenseLayers(license.id)],
    license,
    jobActions,
    webhooks,
    docker: kind.docker?.(answers) ?? { stages: [], install: [] },
    node: NODE,
    npm: NPM,
    listing: listing(kind, answers),
    view: { ...runtime.view?.({ keptn, tasks, resources, jobActions, webhooks }), ...kind.view?.(answers) },
    generator: GENERATOR,
  };
}

/** Create the project (with its Git upstream where the release needs one), the service, the resources. */
function wiring(a: Resolved, keptn: KeptnVersion): string[] {
  // From 0.16 on Keptn refuses a project without a Git upstream (cli.gitUpstream in keptn-versions.ts).
  const upstream = keptn.cli.gitUpstream ? ' --git-user="$GIT_USER" --git-token="$GIT_TOKEN" --git-remote-url="$GIT_REMOTE_URL"' : '';
  return [
    `keptn create project ${a.project} --shipyard=keptn/shipyard.yaml${upstream}`,
    `keptn create service ${a.service} --project=${a.project}`,
    './keptn/add-resources.sh',
  ];
}

/** `keptn trigger …` for the sequence: delivery and evaluation have their own commands. */
function triggerCommand(sequence: string, a: Resolved, keptn: KeptnVersion, sampleEvent: string): string {
  const where = `--project=${a.project} --stage=${a.stage} --service=${a.service}`;
  if (sequence === 'delivery')
    return `keptn trigger delivery --project=${a.project} --service=${a.service} --image=<image of ${a.service}>`;
  if (sequence === 'evaluation') return `keptn trigger evaluation ${where} --timeframe=5m`;
  switch (keptn.cli.trigger) {
    case 'sequence':
      return `keptn trigger sequence ${sequence} ${where}`;
    case 'sequence-flag':
      return `keptn trigger sequence --sequence=${sequence} ${where}`;
    default:
      // Before 0.14 a custom sequence has no trigger command: send the task event itself.
      return `keptn send event --file=test-events/${sampleEvent}`;
  }
}
