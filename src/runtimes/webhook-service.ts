// What every kind that can run through Keptn's webhook-service shares: no code and no chart, only
// Keptn files (shipyard, webhook/webhook.yaml, add-resources.sh, subscribe.sh) and a secret.
// Requests are Go templates the webhook-service fills in from the event (text/template with
// missingkey=error and no functions beyond Go's own: webhook-service/lib/template_engine.go at
// 0.10.0–1.4.5). So a request inserts only values whose alphabet is known and that every event it
// gets carries: Keptn's names (project, stage, service; the webhook-service answers nothing to an
// event without them, lib/eventmod.go), ids, and a result mapped onto pass|warning|fail|unknown.
// Nothing free-text (messages, labels) goes in: a quote or `$` there would break the request.
import { since } from '../keptn-versions.js';
import { shortType, withPhase } from '../rules.js';
import { NO_CODE_LAYERS } from './service.js';
import type { Runtime } from './types.js';

/** The first Keptn with a webhook-service. */
const FIRST = since((v) => v.webhook);

export const webhookService: Runtime = {
  id: 'webhook-service',
  summary: `no code: Keptn's webhook-service makes an HTTP call per event (Keptn ${FIRST} on)`,
  layers: [...NO_CODE_LAYERS, 'webhook-service'],
  config: { uri: 'webhook/webhook.yaml', why: 'which HTTP call the webhook-service makes for which event' },
  noImage: '--runtime webhook-service builds no image',
  install: false,
  ownDistributor: false,
  callsEndpoint: true,
  eventsHint: 'The webhook-service is subscribed to these types; each gets its own webhook.',
  // It answers only a .triggered event with .started and .finished.
  triggersOnly: 'the webhook-service reports only on a task it was triggered for',
  unavailable: (keptn, given) =>
    keptn.webhook ? undefined : `needs Keptn's webhook-service, which came with Keptn ${FIRST}: --keptn ${given} has none`,
  // Each webhook of webhook.yaml answers one subscription, an event type written out.
  noWildcards: 'each webhook answers one subscription',
  // A .triggered event belongs to someone's task, and the webhook-service answers it: before 0.13
  // always with .started (0.12.7:webhook-service/handler/handler.go), and at every release with an
  // errored .finished when the call fails (1.4.5:webhook-service/handler/handler.go).
  answersTriggers: (keptn) =>
    keptn.webhook?.sendStarted
      ? 'when its call fails (the chat down, a timeout), the webhook-service reports the task as errored, ending it'
      : `before Keptn ${since((v) => v.webhook?.sendStarted)} the webhook-service answers it with .started, and the ` +
        'task would wait for a .finished no notification sends',
  sendEvent: 'keptn send event',
  nextSteps: (s) => [
    ...s.cd,
    `# create the Keptn secret ${s.name} (see README.md), then:`,
    ...s.wiring.slice(0, 2),
    'KEPTN_ENDPOINT=… KEPTN_API_TOKEN=… ./keptn/subscribe.sh',
  ],
  // What it sends back for the first webhook's event before webhook.yaml has its subscription id.
  view: ({ keptn, webhooks }) => ({
    unmatchedReplies: (keptn.webhook?.unmatchedReplies ?? []).map((r) => withPhase(webhooks[0].type, r.slice(1))),
  }),
};

/** Template expressions for the event's values that are safe to insert (see the top). */
export const FROM_EVENT = {
  project: '{{.data.project}}',
  stage: '{{.data.stage}}',
  service: '{{.data.service}}',
  context: '{{.shkeptncontext}}',
  id: '{{.id}}',
  /** data.result as one of pass, warning, fail, unknown: whatever the event says, nothing else gets in. */
  result: resultAs({ pass: 'pass', warning: 'warning', fail: 'fail' }, 'unknown'),
};

/** data.result mapped onto words of our choosing; `index` tolerates an event without a result. */
export function resultAs(words: Record<'pass' | 'warning' | 'fail', string>, otherwise: string): string {
  const result = '(print (index .data "result"))';
  return (
    `{{if eq ${result} "pass"}}${words.pass}{{else if eq ${result} "warning"}}${words.warning}{{else if ` +
    `eq ${result} "fail"}}${words.fail}{{else}}${otherwise}{{end}}`
  );
}

/** The sequence in the Keptn Bridge, when the secret names one (its `bridge` key may be empty). */
export const BRIDGE_LINK = `{{.env.bridge}}/project/${FROM_EVENT.project}/sequence/${FROM_EVENT.context}`;

/** `text` only when the secret names a Bridge. */
export const ifBridge = (text: string) => `{{if .env.bridge}}${text}{{end}}`;

/** `sh.keptn.event.evaluation.finished` → `evaluation finished`. */
export const eventLabel = (type: string) => shortType(type).split('.').join(' ');
