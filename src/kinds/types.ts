import type { AnswerDef, Answers, JobAction, KeptnResource, Resolved, Rule, Webhook } from '../model.js';
import type { KeptnVersion } from '../keptn-versions.js';
import type { RuntimeId } from '../runtimes/types.js';

/** One task of a shipyard sequence. */
export interface ShipyardTask {
  name: string;
  properties?: Record<string, string>;
}

export interface ShipyardSequence {
  name: string;
  tasks: ShipyardTask[];
}

/**
 * A kind of integration. What it is asked while the answers are being resolved (defaults, rules,
 * describe, check) takes the answers so far; what builds the project takes Resolved answers, in
 * which every answer the kind asks is there and valid.
 *
 * Each kind is one module: adding a kind means adding a module here, a
 * template folder templates/<id>/, and one line in kinds/index.ts.
 */
export interface Kind {
  id: string;
  /** One line shown in the kind prompt and in --help. */
  summary: string;
  /** The integration name offered at the prompt when no directory was given to suggest one. */
  sampleName: string;
  /** The summary for the answers given (a chosen format rather than every one): the default description. */
  describe?(a: Answers): string;
  /** The runtimes it offers (see runtimes/index.ts), its default first; only 'service' when absent. */
  runtimes?: readonly RuntimeId[];
  /**
   * The answers of src/answers.ts that only some kinds ask (perKind: task, events, runtime,
   * endpoint) which this one asks; the answers every kind asks are asked anyway.
   */
  answers: readonly string[];
  /** Its defaults for those; one it asks without a default is required. */
  defaults: Partial<Record<string, (a: Answers) => string | undefined>>;
  /**
   * Answers only this kind asks, defined here as src/answers.ts defines the common ones (flag,
   * prompt, default, rule); asked after the common ones it lists, before --endpoint.
   */
  questions?: readonly AnswerDef[];
  /** May NATS wildcards appear in --events? Only listeners may use them. */
  wildcardEvents?: boolean;
  /**
   * How Keptn's integrations listing on ArtifactHub files it: `keptn/kind` values (those ArtifactHub
   * documents for Keptn: webhook, testing, deployment, notification, observability, remediation,
   * sli-provider, finops, security) and keywords beside "keptn" (the tool, format or backend).
   */
  listing(a: Resolved): { kinds: string[]; keywords: string[] };
  /** --endpoint's rule, and what to say when it is missing, for kinds not content with any https URL. */
  endpoint?: { rule(a: Answers): Rule; whenMissing?(a: Answers): string | undefined };
  /** Extra checks that span answers, e.g. "events must include the task's trigger". */
  check?(a: Answers, keptn: KeptnVersion): { key: string; value: string; rule: string } | undefined;
  /** Every event type the distributor subscribes to (PUBSUB_TOPIC). */
  subscriptions(a: Resolved): string[];
  /** Task names answered with .started and .finished. */
  tasks(a: Resolved): string[];
  /** Sequences of the example shipyard; every stage gets them. */
  sequences(a: Resolved): ShipyardSequence[];
  /**
   * Event types that get an example in test-events/ from a template named `[event].json.ejs`
   * (one file each, `event` in its view). Kinds with a fixed event name their file directly.
   */
  exampleEvents?(a: Resolved): string[];
  /** The file in test-events/ that README and banner use for `npm run send-event`. */
  sampleEvent(a: Resolved): string;
  /**
   * Resources it reads at run time, uploaded by add-resources.sh, after the runtime's own file
   * (job/config.yaml, webhook/webhook.yaml: Runtime.config).
   */
  resources(a: Resolved): KeptnResource[];
  /**
   * Extra shell lines for add-resources.sh, e.g. `keptn configure monitoring`. They may use the
   * script's $PROJECT, $STAGE and $SERVICE; only validated answers (safe characters) go in.
   */
  commands?(a: Resolved): string[];
  /** Environment variables of the service container, with their chart values key and default. */
  env(a: Resolved): KindEnv[];
  /** Runtime npm dependencies beyond the common ones (name → version range). */
  dependencies?(a: Resolved): Record<string, string>;
  /**
   * Its template layers, in order, after the runtime's (Runtime.layers; a later layer overrides an
   * earlier one's file of the same path): a folder of templates/, or a sub-folder or file of one
   * ('generic/test-events'), whose paths stay relative to the top folder. Default: [id].
   */
  layers?(a: Resolved): string[];
  /** The job executor's actions, for kinds that can run as a job-executor definition. */
  jobActions?(a: Resolved, keptn: KeptnVersion): JobAction[];
  /** The webhooks of webhook/webhook.yaml, for kinds that can run through the webhook-service. */
  webhooks?(a: Resolved, keptn: KeptnVersion): Webhook[];
  /** Values only this kind's templates use, added to their view. */
  view?(a: Resolved): Record<string, unknown>;
  /** What the service's Dockerfile adds, for a tool the service runs. */
  docker?(a: Resolved): DockerAdditions;
}

/** Dockerfile additions of a service that runs a tool (see kinds/test-tool-presets.ts). */
export interface DockerAdditions {
  stages: string[];
  base?: string;
  install: string[];
  /** What the install lines add, said above them (a comment line of the Dockerfile). */
  what?: string;
  /** Memory the container needs with the tool running beside the service (chart defaults). */
  memory?: { request: string; limit: string };
}

/** A setting of the kind's handler, passed in from the chart. */
export interface KindEnv {
  name: string;
  /** Key under `integration:` in values.yaml. */
  value: string;
  default: string;
  /** Comes from a Kubernetes Secret (webhook URLs, tokens), never from a plain value. */
  secret?: boolean;
  /** Value used by `npm run dev` when the variable is unset; http://localhost:8081 is its distributor stand-in. */
  dev?: string;
  help: string;
}
