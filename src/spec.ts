// From validated answers to everything the templates need: one plain object, computed once.
import type { Answers } from './answers.js';
import { kindById, type Kind } from './kinds/index.js';
import { isJob } from './kinds/job-executor.js';
import type { DockerAdditions, JobAction, KeptnResource, KindEnv, ShipyardSequence } from './kinds/types.js';
import { KEPTN_VERSIONS, type KeptnVersion } from './keptn-versions.js';
import { GENERATOR } from './version.js';

export interface Spec {
  answers: Answers;
  name: string;
  kind: Kind;
  keptn: KeptnVersion;
  /** PUBSUB_TOPIC: every event type the integration receives. */
  subscriptions: string[];
  /**
   * PUBSUB_TOPIC for a remote execution plane, which cannot subscribe with NATS wildcards: the
   * subscriptions, with wildcards replaced by the concrete example events.
   */
  remoteSubscriptions: string[];
  /** Tasks answered with .started/.finished. */
  tasks: string[];
  sequences: ShipyardSequence[];
  resources: KeptnResource[];
  exampleEvents: string[];
  /** test-events/<file> used for `npm run send-event` in README and banner. */
  sampleEvent: string;
  commands: string[];
  /** How to start the example sequence with the keptn CLI, once everything is in place. */
  trigger: string;
  env: readonly KindEnv[];
  /** Runtime npm dependencies of the generated project. */
  dependencies: Record<string, string>;
  /** A service of its own, or a job-executor definition (no code, no chart). */
  runtime: 'service' | 'job-executor';
  /** Template layers rendered, in order (see Kind.layers). */
  layers: string[];
  /** job/config.yaml's actions (job-executor runtime). */
  jobActions: JobAction[];
  /** What the service's Dockerfile adds for the tool it runs. */
  docker: DockerAdditions;
  /** The kind's own template values (Kind.view). */
  view: Record<string, unknown>;
  generator: { name: string; version: string };
}

export function toSpec(answers: Answers): Spec {
  const kind = kindById(answers.kind);
  const keptn = KEPTN_VERSIONS[answers.keptn];
  if (!kind || !keptn) throw new Error(`unvalidated answers: kind ${answers.kind}, keptn ${answers.keptn}`);
  const sequences = kind.sequences(answers);
  const subscriptions = kind.subscriptions(answers);
  const exampleEvents = kind.exampleEvents?.(answers) ?? [];
  const wildcard = subscriptions.some((t) => /(^|\.)(\*|>)(\.|$)/.test(t));
  const sampleEvent = kind.sampleEvent(answers);
  return {
    answers,
    name: answers.name,
    kind,
    keptn,
    subscriptions,
    remoteSubscriptions: wildcard ? exampleEvents : subscriptions,
    tasks: kind.tasks(answers),
    sequences,
    resources: kind.resources(answers),
    exampleEvents,
    sampleEvent,
    commands: kind.commands?.(answers) ?? [],
    trigger: triggerCommand(sequences[0].name, answers, keptn, sampleEvent),
    env: kind.env(answers),
    dependencies: { cloudevents: '^10.0.0', ...kind.dependencies?.(answers) },
    runtime: isJob(answers) ? 'job-executor' : 'service',
    layers: kind.layers?.(answers) ?? ['base', kind.id],
    jobActions: kind.jobActions?.(answers) ?? [],
    docker: kind.docker?.(answers) ?? { stages: [], install: [] },
    view: kind.view?.(answers) ?? {},
    generator: GENERATOR,
  };
}

/** `keptn trigger …` for the sequence: delivery and evaluation have their own commands. */
function triggerCommand(sequence: string, a: Answers, keptn: KeptnVersion, sampleEvent: string): string {
  const where = `--project=${a.project} --stage=${a.stage} --service=${a.service}`;
  if (sequence === 'delivery') return `keptn trigger delivery --project=${a.project} --service=${a.service} --image=<image of ${a.service}>`;
  if (sequence === 'evaluation') return `keptn trigger evaluation ${where} --timeframe=5m`;
  // Before 0.14 a custom sequence has no trigger command: send the task event itself.
  return keptn.triggerSequence ? `keptn trigger sequence ${sequence} ${where}` : `keptn send event --file=test-events/${sampleEvent}`;
}
