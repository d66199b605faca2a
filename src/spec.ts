// From validated answers to everything the templates need: one plain object, computed once.
import type { Answers } from './answers.js';
import { kindById, type Kind } from './kinds/index.js';
import type { KeptnResource, KindEnv, ShipyardSequence } from './kinds/types.js';
import { KEPTN_VERSIONS, type KeptnVersion } from './keptn-versions.js';
import { GENERATOR } from './version.js';

export interface Spec {
  answers: Answers;
  name: string;
  kind: Kind;
  keptn: KeptnVersion;
  /** PUBSUB_TOPIC: every event type the integration receives. */
  subscriptions: string[];
  /** Tasks answered with .started/.finished. */
  tasks: string[];
  sequences: ShipyardSequence[];
  resources: KeptnResource[];
  exampleEvents: string[];
  /** test-events/<file> used for `npm run send-event` in README and banner. */
  sampleEvent: string;
  commands: string[];
  env: readonly KindEnv[];
  generator: { name: string; version: string };
}

export function toSpec(answers: Answers): Spec {
  const kind = kindById(answers.kind);
  const keptn = KEPTN_VERSIONS[answers.keptn];
  if (!kind || !keptn) throw new Error(`unvalidated answers: kind ${answers.kind}, keptn ${answers.keptn}`);
  return {
    answers,
    name: answers.name,
    kind,
    keptn,
    subscriptions: kind.subscriptions(answers),
    tasks: kind.tasks(answers),
    sequences: kind.sequences(answers),
    resources: kind.resources(answers),
    exampleEvents: kind.exampleEvents?.(answers) ?? [],
    sampleEvent: kind.sampleEvent(answers),
    commands: kind.commands?.(answers, keptn) ?? [],
    env: kind.env,
    generator: GENERATOR,
  };
}
