// The values the modules pass each other: the answers, and the parts of a blueprint that the kinds
// and the runtimes both build. A leaf (it imports nothing), so that answers, kinds and runtimes
// need not import each other for their types.

/** Answer key → value, as given or resolved (src/answers.ts validates them). */
export type Answers = Record<string, string>;

/** A file the integration needs in Keptn, uploaded by keptn/add-resources.sh. */
export interface KeptnResource {
  /**
   * The resource URI in Keptn's configuration (what the service reads at run time). The file
   * itself is keptn/resources/<uri> in the generated project.
   */
  uri: string;
  why: string;
}

/** An action of the job executor's job/config.yaml (apiVersion v2): events it matches, jobs it runs. */
export interface JobAction {
  name: string;
  events: { name: string; jsonpath?: { property: string; match: string } }[];
  tasks: JobTask[];
}

/** One Kubernetes Job of an action; files are Keptn resources mounted under /keptn/. */
export interface JobTask {
  name: string;
  image: string;
  files: string[];
  cmd: string[];
  args: string[];
  env: { name: string; value: string; valueFrom: 'event' | 'secret' | 'string' }[];
  /** The job container's working directory (the image's WORKDIR when absent). */
  workingDir?: string;
  /** Seconds the job may run before the job executor gives up (its default is 300). */
  maxPollDuration?: number;
}

/** One webhook of webhook/webhook.yaml: the request made for one event type. */
export interface Webhook {
  type: string;
  /** Send .finished with the call's outcome (tasks); a notification sends nothing back. */
  sendFinished: boolean;
  /** A notification must not send .started either, where the release lets it choose (0.13 on). */
  sendStarted: boolean;
  /** Keys of the integration's Keptn secret the request reads as {{.env.<key>}}. */
  secretKeys: string[];
  url: string;
  headers: { key: string; value: string }[];
  payload: string;
}
