// What every kind that can run through Keptn's webhook-service shares: no code and no chart, only
// Keptn files (shipyard, webhook/webhook.yaml, add-resources.sh, subscribe.sh) and a secret.
// Requests are Go templates the webhook-service fills in from the event (text/template with
// missingkey=error and no functions beyond Go's own: webhook-service/lib/template_engine.go at
// 0.10.0–1.4.5). So a request inserts only values whose alphabet is known and that every event it
// gets carries: Keptn's names (project, stage, service; the webhook-service answers nothing to an
// event without them, lib/eventmod.go), ids, and a result mapped onto pass|warning|fail|unknown.
// Nothing free-text (messages, labels) goes in: a quote or `$` there would break the request.
import type { Answers, KeptnResource } from '../model.js';
import { shortType } from '../rules.js';

/**
 * The template layers of such a project: Keptn files, Git settings and the regeneration workflow of
 * the service layout, and the webhook's own.
 */
export const WEBHOOK_LAYERS = [
  'base/keptn',
  'base/dot-gitignore',
  'base/dot-gitattributes',
  'base/dot-github/workflows/keptn-integration.yml.ejs',
  'webhook-service',
];

export const WEBHOOK_CONFIG: KeptnResource = {
  uri: 'webhook/webhook.yaml',
  why: 'which HTTP call the webhook-service makes for which event',
};

export const isWebhook = (a: Answers) => a.runtime === 'webhook-service';

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
