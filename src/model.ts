// The values the modules pass each other: the answers, and the parts of a blueprint that the kinds
// and the runtimes both build. A leaf (it imports nothing), so that answers, kinds and runtimes
// need not import each other for their types.

/** Answer key → value, as given or as far as resolved (src/answers.ts validates them). */
export type Answers = Record<string, string>;

declare const RESOLVED: unique symbol;

/**
 * The answers as resolveAnswers leaves them: every answer that applies is there and keeps its rule
 * (a picked answer is one of its choices). Nothing else makes one, so what reads it need not check.
 */
export type Resolved = Readonly<Answers> & { readonly [RESOLVED]: true };

/** A validation rule: undefined when the value is fine, else a short statement of the rule it breaks. */
export type Rule = (value: string) => string | undefined;

export interface Choice {
  value: string;
  name: string;
  description?: string;
}

/**
 * One answer, defined once: the commander option, the prompt and the answers-file check all come
 * from it (src/answers.ts holds the common ones, each kind module its own).
 */
export interface AnswerDef {
  /** Long option name; also the key in answers files and .keptn-integration.json. */
  key: string;
  /** Commander flag syntax. */
  flag: string;
  /** --help text. */
  help: string;
  /** An example value for --help. */
  example: string;
  /** Prompt text and a one-line explanation under it. */
  message: string;
  /** One line under the prompt: fixed, or what applies to the answers so far (undefined: none). */
  hint?: string | ((a: Answers) => string | undefined);
  choices?: (a: Answers) => Choice[];
  /** A comma-separated list (answers files may also give an array). */
  list?: boolean;
  /** Asked by the kinds that list it in Kind.answers only (a kind's own answers are its alone). */
  perKind?: true;
  /** Among the answers only worth changing for some people, asked after one "change …?" question. */
  advanced?: true;
  /** Why it does not apply to the answers so far, when it sometimes does not (beyond the kind). */
  skip?(a: Answers): string | undefined;
  default(a: Answers): string | undefined;
  rule(a: Answers): Rule;
  /** What a missing answer's error says, where the general "required; pass --flag, e.g. …" misleads. */
  whenMissing?(a: Answers): string | undefined;
  /** What to tell about a valid value that is likely not what was meant (printed, not refused). */
  warn?(value: string, a: Answers): string[];
}

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
