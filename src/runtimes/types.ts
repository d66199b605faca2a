// What a runtime is: how an integration runs, and everything the pipeline asks of that (its layers,
// whether it builds an image, what the prompts say, the next steps, its templates' own values), so
// that no module outside src/runtimes/ and src/kinds/ branches on a runtime's name.
import type { JobAction, KeptnResource, Webhook } from '../model.js';
import type { KeptnVersion } from '../keptn-versions.js';

export type RuntimeId = 'service' | 'job-executor' | 'webhook-service';

/** What the next steps after creating a project are made of (after-create.ts fills it in). */
export interface StepsView {
  /** `cd <dir>`, when the project is not the current directory. */
  cd: string[];
  name: string;
  /** keptn CLI commands that bring project, service and resources into Keptn (Blueprint.wiring). */
  wiring: string[];
  subscriptions: string[];
  keptn: KeptnVersion;
  /** Was npm install run already? */
  installed: boolean;
  sampleEvent: string;
  /** The image it builds; absent when it builds none. */
  image?: string;
  /** ` --set integration.<key>=<VARIABLE>` for each secret setting of the chart. */
  secretSets: string;
}

/** What a runtime's own template values are worked out from (the blueprint's parts). */
export interface RuntimeFacts {
  keptn: KeptnVersion;
  tasks: string[];
  resources: KeptnResource[];
  jobActions: JobAction[];
  webhooks: Webhook[];
}

export interface Runtime {
  id: RuntimeId;
  /** One line for the runtime prompt and --help. */
  summary: string;
  /**
   * Template layers before the kind's own (Kind.layers): the service's shared code and chart, or
   * the Keptn files, Git settings and workflow a no-code definition shares with the service layout.
   */
  layers: readonly string[];
  /** The Keptn file that says what runs for which event, uploaded before the kind's resources. */
  config?: KeptnResource;
  /** Why --owner and --image do not apply: it builds no image of its own. Absent: it builds one. */
  noImage?: string;
  /** Is there a package to install (npm install after writing)? */
  install: boolean;
  /**
   * It has a distributor of its own, which a remote execution plane may run: the create command
   * then says which subscriptions would reach it only in Keptn's cluster.
   */
  ownDistributor: boolean;
  /** Does it call an HTTP endpoint (--endpoint)? */
  callsEndpoint: boolean;
  /** The line under the events prompt. */
  eventsHint: string;
  /** Why a task integration running this way may subscribe to task triggers only, where it must. */
  triggersOnly?: string;
  /** Why it takes no NATS wildcard in a subscription, where it takes none. */
  noWildcards?: string;
  /**
   * What it does to someone else's task when subscribed to its .triggered event, where it answers
   * such an event itself (a listener must then not subscribe to one).
   */
  answersTriggers?(keptn: KeptnVersion): string;
  /** Why the Keptn release cannot run it, where it cannot. */
  unavailable?(keptn: KeptnVersion, given: string): string | undefined;
  /** How the example events are sent (their `triggered-by` label). */
  sendEvent: string;
  /** Where `npm run dev` serves the stand-in of a deployed service; absent: no local run. */
  devTarget?: string;
  /** The next steps after creating the project. */
  nextSteps(s: StepsView): string[];
  /** Values only its templates use, added to their view (beside the kind's, Kind.view). */
  view?(facts: RuntimeFacts): Record<string, unknown>;
}
