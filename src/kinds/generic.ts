import { listOf } from '../rules.js';
import type { Kind } from './types.js';

const trigger = (task: string) => `sh.keptn.event.${task}.triggered`;
/** Tasks are the `sh.keptn.event.<task>.triggered` subscriptions; the rest is only listened to. */
const tasksOf = (events: string) =>
  listOf(events)
    .map((t) => /^sh\.keptn\.event\.([a-z0-9-]+)\.triggered$/.exec(t)?.[1])
    .filter((t): t is string => t !== undefined);

export const generic: Kind = {
  id: 'generic',
  summary: 'serves any shipyard task of yours (.started, your handler, .finished)',
  answers: ['task', 'events'],
  defaults: { events: (a) => trigger(a.task) },
  check: (a) =>
    listOf(a.events).includes(trigger(a.task))
      ? undefined
      : { key: 'events', value: a.events, rule: `must include ${trigger(a.task)}, the trigger of --task ${a.task}` },
  subscriptions: (a) => listOf(a.events),
  tasks: (a) => tasksOf(a.events),
  sequences: (a) => [{ name: a.task, tasks: tasksOf(a.events).map((name) => ({ name })) }],
  sampleEvent: (a) => `${a.task}.triggered.json`,
  resources: () => [],
  env: () => [],
};
