import { listOf } from '../rules.js';
import type { Kind } from './types.js';

/** Keptn's own tasks in the order a sequence runs them, with the properties they need. */
const ORDER = ['deployment', 'test', 'evaluation', 'approval', 'release'];
const PROPERTIES: Record<string, Record<string, string>> = {
  deployment: { deploymentstrategy: 'direct' },
  test: { teststrategy: 'functional' },
  approval: { pass: 'automatic', warning: 'manual' },
};

/** Tasks named by `sh.keptn.event.<task>.<phase>` subscriptions, in running order. */
function subscribedTasks(events: string): string[] {
  const named = new Set(
    listOf(events)
      .map((t) => t.split('.').slice(3))
      .filter((segs) => segs.length === 2 && segs[0] !== '*')
      .map((segs) => segs[0]),
  );
  const known = ORDER.filter((t) => named.has(t));
  const custom = [...named].filter((t) => !ORDER.includes(t));
  const tasks = known.includes('release') ? [...known.slice(0, -1), ...custom, 'release'] : [...known, ...custom];
  // Wildcards only: an evaluation is the lightest sequence that emits events.
  return tasks.length > 0 ? tasks : ['evaluation'];
}

/** A concrete event type that a subscription matches: `*` becomes test, `>` what is missing. */
function example(subscription: string): string {
  const segs = subscription.replace(/^sh\.keptn\.(event\.)?/, '').split('.').map((s) => (s === '*' ? 'test' : s));
  if (segs.at(-1) === '>') segs.splice(-1, 1, ...(segs.length === 1 ? ['evaluation', 'finished'] : ['finished']));
  return `sh.keptn.event.${segs.join('.')}`;
}

export const notification: Kind = {
  id: 'notification',
  summary: 'posts a message to a webhook (Slack, MS Teams or generic JSON) when chosen events happen',
  answers: ['events', 'webhook'],
  defaults: { events: () => 'sh.keptn.event.evaluation.finished,sh.keptn.event.approval.triggered', webhook: () => 'slack' },
  wildcardEvents: true,
  subscriptions: (a) => listOf(a.events),
  tasks: () => [],
  // One sequence that emits the subscribed task events, and no task it does not need: a
  // deployment only when deployment events are wanted (it needs a deployment service).
  sequences: (a) => {
    const tasks = subscribedTasks(a.events);
    const name = tasks.includes('deployment') ? 'delivery' : tasks[0] === 'evaluation' ? 'evaluation' : 'notify';
    return [{ name, tasks: tasks.map((t) => ({ name: t, properties: PROPERTIES[t] })) }];
  },
  exampleEvents: (a) => [...new Set(listOf(a.events).map(example))],
  sampleEvent: (a) => `${example(listOf(a.events)[0]).replace(/^sh\.keptn\.event\./, '')}.json`,
  resources: () => [],
  env: () => [
    {
      name: 'WEBHOOK_URL',
      value: 'webhookUrl',
      default: '',
      secret: true,
      dev: 'http://localhost:8081/webhook',
      help: 'where messages are posted (the incoming webhook of the chat, or your receiver)',
    },
    {
      name: 'KEPTN_BRIDGE_URL',
      value: 'bridgeUrl',
      default: '',
      help: 'the Keptn Bridge, e.g. https://keptn.example.com/bridge; messages then link to the sequence',
    },
  ],
};
