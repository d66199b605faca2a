import { keptnVersion } from '../keptn-versions.js';
import type { Resolved } from '../model.js';
import { endpointRule, isWildcard, listOf, partsOf, pick, shortType, tasksNamed } from '../rules.js';
import { runtimeOf } from '../runtimes/index.js';
import { BRIDGE_LINK, eventLabel, FROM_EVENT, ifBridge, resultAs } from '../runtimes/webhook-service.js';
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
  const named = new Set(tasksNamed(listOf(events)));
  const known = ORDER.filter((t) => named.has(t));
  const custom = [...named].filter((t) => !ORDER.includes(t));
  const tasks = known.includes('release') ? [...known.slice(0, -1), ...custom, 'release'] : [...known, ...custom];
  // Wildcards only: an evaluation is the lightest sequence that emits events.
  return tasks.length > 0 ? tasks : ['evaluation'];
}

/** A concrete event type that a subscription matches: `*` becomes test, `>` what is missing. */
function example(subscription: string): string {
  const segs = subscription
    .replace(/^sh\.keptn\.(event\.)?/, '')
    .split('.')
    .map((s) => (s === '*' ? 'test' : s));
  if (segs.at(-1) === '>') segs.splice(-1, 1, ...(segs.length === 1 ? ['evaluation', 'finished'] : ['finished']));
  return `sh.keptn.event.${segs.join('.')}`;
}

/**
 * The message formats a notification posts (--webhook), each with one line for the prompt, the
 * scheme and host of its incoming webhooks, its keyword in Keptn's ArtifactHub listing and what
 * the README says is sent.
 */
export const WEBHOOK_FORMATS = [
  {
    id: 'slack',
    name: 'Slack',
    summary: 'Slack incoming webhook: text and blocks, a button to the Keptn Bridge',
    origin: 'https://hooks.slack.com',
    keyword: 'slack',
    sent: 'A Slack message (text and blocks)',
  },
  // A Workflows webhook's URL: https://<region host>:443/workflows/<id>/triggers/manual/paths/invoke?…&sig=…
  {
    id: 'teams',
    name: 'Microsoft Teams',
    summary: 'Microsoft Teams Workflows webhook: an Adaptive Card with facts, a button to the Keptn Bridge',
    origin: 'https://prod-00.westeurope.logic.azure.com',
    keyword: 'microsoft-teams',
    sent:
      'A Microsoft Teams message for a Workflows webhook ("Post to a channel when a webhook request is ' +
      'received"): an Adaptive Card 1.4',
  },
  {
    id: 'generic',
    name: 'JSON',
    summary: 'plain JSON with the event facts, for your own receiver',
    origin: 'https://hooks.example.com',
    keyword: 'webhook',
    sent: 'A JSON object',
  },
] as const;

/** Keptn's own tasks' payloads, as in the spec's example of each type (for test-events/). */
const EXAMPLE_PAYLOADS: Record<string, object> = {
  'evaluation.finished': { evaluation: { timeStart: '2019-11-18T11:21:06Z', timeEnd: '2019-11-18T11:29:36Z', result: 'pass', score: 95 } },
  'approval.triggered': { approval: { pass: 'automatic', warning: 'manual' } },
  'test.finished': { test: { start: '2019-10-20T07:57:27Z', end: '2019-10-20T08:57:27Z', gitCommit: '' } },
};

/**
 * An example event of a type it listens to, shaped like the spec's example of the type: replies
 * carry triggeredid, status and result; Keptn's own tasks add their payload.
 */
function exampleEvent(a: Resolved, type: string): object {
  const { subject, phase } = partsOf(type);
  const data = {
    project: a.project,
    stage: a.stage,
    service: a.service,
    labels: { 'triggered-by': runtimeOf(a).sendEvent },
    ...(phase === 'finished' ? { status: 'succeeded', result: 'pass', message: `${subject} finished` } : {}),
    ...EXAMPLE_PAYLOADS[`${subject}.${phase}`],
  };
  return {
    specversion: '1.0',
    id: 'c4d3a334-6cb9-4e8c-a372-7e0b45942f53',
    source: 'shipyard-controller',
    type,
    datacontenttype: 'application/json',
    shkeptncontext: 'a3e5f16d-8888-4720-82c7-6995062905c1',
    ...(phase === 'triggered' ? {} : { triggeredid: '3f9640b6-1d2a-4f11-95f5-23259f1d82d6' }),
    shkeptnspecversion: keptnVersion(a.keptn)!.specVersion,
    data,
  };
}

/** The format of a --webhook answer. */
const formatOf = (webhook: string) => WEBHOOK_FORMATS.find((f) => f.id === webhook);

/** The scheme and host of a format's incoming webhook, as an example (Slack's is the default). */
export const originExample = (webhook: string) => formatOf(webhook)?.origin ?? 'https://hooks.example.com';

/** The message of each format for one event type, as a webhook-service payload template. */
const PAYLOADS: Record<string, (type: string) => string> = {
  slack: (type) => {
    const e = FROM_EVENT;
    const outcome = type.endsWith('.finished') ? `: ${e.result}` : '';
    const where = `${e.project}/${e.stage}/${e.service}`;
    const button =
      `,{"type":"actions","elements":[{"type":"button","text":{"type":"plain_text","text":"Open in Keptn ` +
      `Bridge"},"url":"${BRIDGE_LINK}"}]}`;
    return (
      `{"text":"Keptn: ${eventLabel(type)} in ` +
      `${where}${outcome}","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"*${eventLabel(type)}* ` +
      `in *${where}*${outcome}"}}${ifBridge(button)}]}`
    );
  },
  // A Workflows webhook message with an Adaptive Card 1.4 (no "$schema": `$` is refused).
  teams: (type) => {
    const e = FROM_EVENT;
    const finished = type.endsWith('.finished');
    const result = finished
      ? `,{"type":"TextBlock","text":"Result: ${e.result}","weight":"Bolder",` +
        `"color":"${resultAs({ pass: 'Good', warning: 'Warning', fail: 'Attention' }, 'Default')}"}`
      : '';
    const facts = [
      ['Project', e.project],
      ['Stage', e.stage],
      ['Service', e.service],
      ['Event', type],
      ['Keptn context', e.context],
    ]
      .map(([title, value]) => `{"title":"${title}","value":"${value}"}`)
      .join(',');
    const action = `{"type":"Action.OpenUrl","title":"Open in Keptn Bridge","url":"${BRIDGE_LINK}"}`;
    const card =
      `{"type":"AdaptiveCard","version":"1.4","body":[` +
      `{"type":"TextBlock","text":"Keptn: ${eventLabel(type)}","size":"Medium","weight":"Bolder","wrap":true}${result},` +
      `{"type":"FactSet","facts":[${facts}]}],"actions":[${ifBridge(action)}]}`;
    const attachment = `{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,"content":${card}}`;
    return `{"type":"message","attachments":[${attachment}]}`;
  },
  generic: (type) => {
    const e = FROM_EVENT;
    const result = type.endsWith('.finished') ? `,"result":"${e.result}"` : '';
    const where = `"project":"${e.project}","stage":"${e.stage}","service":"${e.service}"`;
    return `{"type":"${type}",${where},"shkeptncontext":"${e.context}","id":"${e.id}"${result}${ifBridge(`,"bridge":"${BRIDGE_LINK}"`)}}`;
  },
};

export const notification: Kind = {
  id: 'notification',
  summary: 'posts a message to a webhook (Slack, MS Teams or generic JSON) when chosen events happen',
  sampleName: 'my-notifier',
  describe: (a) => `posts a ${formatOf(a.webhook)?.name ?? ''} message when chosen events happen`,
  runtimes: ['service', 'webhook-service'],
  answers: ['events', 'runtime', 'endpoint'],
  questions: [
    {
      key: 'webhook',
      flag: '--webhook <format>',
      help: `notification: message format: ${WEBHOOK_FORMATS.map((f) => f.id).join(', ')}`,
      example: '--webhook teams',
      message: 'Which message format does the webhook take?',
      ...pick(() => WEBHOOK_FORMATS.map((f) => ({ value: f.id, name: f.id, description: f.summary }))),
      default: () => 'slack',
    },
  ],
  defaults: {
    // A runtime that answers a .triggered event itself would take part in the task (see check).
    events: (a) =>
      runtimeOf(a).answersTriggers
        ? 'sh.keptn.event.evaluation.finished'
        : 'sh.keptn.event.evaluation.finished,sh.keptn.event.approval.triggered',
    // Slack's incoming webhooks all live on one host; a Teams workflow's host depends on its region.
    endpoint: (a) => (a.webhook === 'slack' ? originExample('slack') : undefined),
  },
  listing: (a) => {
    const format = formatOf(a.webhook);
    return { kinds: ['notification'], keywords: format ? [format.keyword] : [] };
  },
  // The incoming webhook's origin only: the rest of its URL is its secret, kept in a Keptn secret.
  endpoint: {
    rule: (a) => endpointRule(originExample(a.webhook)),
    whenMissing: (a) =>
      `required for --webhook ${a.webhook} (only slack has a default, ${originExample('slack')}): pass the ` +
      `scheme and host of its incoming webhook, e.g. --endpoint ${originExample(a.webhook)}`,
  },
  wildcardEvents: true,
  check(a, keptn) {
    const runtime = runtimeOf(a);
    const events = listOf(a.events);
    const wildcard = events.find(isWildcard);
    if (wildcard && runtime.noWildcards)
      return {
        key: 'events',
        value: a.events,
        rule: `must name each event type with --runtime ${runtime.id} (${wildcard} is a wildcard): ${runtime.noWildcards}`,
      };
    // A .triggered event belongs to someone else's task (an approval): a notification must neither
    // start nor end it.
    const trigger = events.find((t) => t.endsWith('.triggered'));
    if (trigger && runtime.answersTriggers) {
      return {
        key: 'events',
        value: a.events,
        rule:
          `must not include ${trigger} with --runtime ${runtime.id}: ${runtime.answersTriggers(keptn)}; use --runtime ` +
          `service for notifications on .triggered events`,
      };
    }
    return undefined;
  },
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
  sampleEvent: (a) => `${shortType(example(listOf(a.events)[0]))}.json`,
  resources: () => [],
  // Resolved: --webhook is one of WEBHOOK_FORMATS (its pick rule).
  view: (a) => ({ format: formatOf(a.webhook)!, exampleEvent: (type: string) => exampleEvent(a, type) }),
  // Through the webhook-service it needs only its example events.
  layers: (a) => (runtimeOf(a).id === 'service' ? ['notification'] : ['notification/test-events']),
  // One webhook per event type, none of which takes part in a task: no .started, no .finished.
  webhooks: (a) =>
    listOf(a.events).map((type) => ({
      type,
      sendFinished: false,
      sendStarted: false,
      secretKeys: ['path', 'bridge'],
      // The slash is written out: Go's url.Parse, which the webhook-service runs on the URL before
      // filling it in, would read a template right after the host as part of the host.
      url: `${a.endpoint}/{{.env.path}}`,
      headers: [{ key: 'Content-Type', value: 'application/json' }],
      payload: PAYLOADS[a.webhook](type),
    })),
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
