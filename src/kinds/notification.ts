import { listOf } from '../rules.js';
import type { Kind, ShipyardTask } from './types.js';

const DELIVERY: ShipyardTask[] = [
  { name: 'deployment', properties: { deploymentstrategy: 'direct' } },
  { name: 'test', properties: { teststrategy: 'functional' } },
  { name: 'evaluation' },
  { name: 'release' },
];

/** A concrete event type that a subscription matches: `*` becomes test, `>` what is missing. */
function example(subscription: string): string {
  const segs = subscription.replace(/^sh\.keptn\.(event\.)?/, '').split('.').map((s) => (s === '*' ? 'test' : s));
  if (segs.at(-1) === '>') segs.splice(-1, 1, ...(segs.length === 1 ? ['evaluation', 'finished'] : ['finished']));
  return `sh.keptn.event.${segs.join('.')}`;
}

export const notification: Kind = {
  id: 'notification',
  summary: 'posts a message to a webhook (Slack-compatible) when chosen events happen',
  answers: ['events'],
  defaults: { events: () => 'sh.keptn.event.evaluation.finished,sh.keptn.event.approval.triggered' },
  wildcardEvents: true,
  subscriptions: (a) => listOf(a.events),
  tasks: () => [],
  // A delivery sequence that emits the subscribed task events: every task named in a
  // `sh.keptn.event.<task>.<phase>` subscription joins it before release.
  sequences: (a) => {
    const tasks = [...DELIVERY];
    for (const type of listOf(a.events)) {
      const segs = type.split('.').slice(3);
      const task = segs[0];
      if (segs.length !== 2 || task === '*' || tasks.some((t) => t.name === task)) continue;
      const props = task === 'approval' ? { pass: 'automatic', warning: 'manual' } : undefined;
      tasks.splice(tasks.length - 1, 0, { name: task, properties: props });
    }
    return [{ name: 'delivery', tasks }];
  },
  exampleEvents: (a) => [...new Set(listOf(a.events).map(example))],
  sampleEvent: (a) => `${example(listOf(a.events)[0]).replace(/^sh\.keptn\.event\./, '')}.json`,
  resources: () => [],
  env: [
    {
      name: 'WEBHOOK_URL',
      value: 'webhookUrl',
      default: '',
      secret: true,
      dev: 'http://localhost:8081/webhook',
      help: 'where messages are posted (Slack incoming webhook or any endpoint taking {"text": ...})',
    },
  ],
};
