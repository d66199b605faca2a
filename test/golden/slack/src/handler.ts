// slack: posts a message to a webhook when one of its subscribed Keptn events happens.
// A notification only listens: it sends no .started or .finished back to Keptn.
import { readUrl } from './keptn/config.js';
import type { HandlerContext, Integration } from './keptn/integration.js';
import { matches, type KeptnEvent } from './keptn/events.js';

/** The event types the distributor subscribes to (chart value distributor.pubsubTopic). */
export const SUBSCRIPTIONS: string[] = ['sh.keptn.event.evaluation.finished', 'sh.keptn.event.approval.triggered'];

export const integration: Integration = {
  classify: (event) => (SUBSCRIPTIONS.some((s) => matches(event.type, s)) ? 'listen' : 'ignore'),

  async handle(event, ctx) {
    await postMessage(formatMessage(event, ctx.config.env.KEPTN_BRIDGE_URL), ctx);
  },

  checkSettings(config, log) {
    if (config.env.WEBHOOK_URL) readUrl('WEBHOOK_URL', config.env.WEBHOOK_URL);
    else log.warn('WEBHOOK_URL is not set: no message will be posted until it is');
    if (config.env.KEPTN_BRIDGE_URL) readUrl('KEPTN_BRIDGE_URL', config.env.KEPTN_BRIDGE_URL);
  },
};

/** What a message says about an event, whatever its format. */
export interface Summary {
  /** sh.keptn.event.evaluation.finished → "evaluation finished" */
  what: string;
  project?: string;
  stage?: string;
  service?: string;
  result?: string;
  status?: string;
  score?: number;
  message?: string;
  shkeptncontext?: string;
  /** The sequence in the Keptn Bridge, when KEPTN_BRIDGE_URL is set. */
  link?: string;
}

export function summarize(event: KeptnEvent, bridgeUrl?: string): Summary {
  const d = event.data ?? {};
  const text = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : String(v));
  const score = Number((d.evaluation as { score?: unknown } | undefined)?.score);
  const context = text(event.shkeptncontext);
  return {
    what: event.type.replace(/^sh\.keptn\.event\./, '').split('.').join(' '),
    project: text(d.project),
    stage: text(d.stage),
    service: text(d.service),
    result: text(d.result),
    status: text(d.status),
    score: Number.isFinite(score) ? score : undefined,
    message: text(d.message),
    shkeptncontext: context,
    link: bridgeUrl && d.project && context ? `${bridgeUrl.replace(/\/+$/, '')}/project/${encodeURIComponent(String(d.project))}/sequence/${context}` : undefined,
  };
}

/** One line for people: what happened, where, and how it went. */
export function headline(s: Summary): string {
  const where = [s.project, s.stage, s.service].filter(Boolean).join(' / ');
  return [`Keptn: ${s.what}`, where && `in ${where}`, s.result && `result: ${s.result}`, s.score !== undefined && `score: ${s.score}`]
    .filter(Boolean)
    .join(' · ');
}

/**
 * The message for one event, for a Slack incoming webhook: this is the place to change what people
 * read. `text` is the notification line; the blocks show the details and a button to the Bridge.
 */
export function formatMessage(event: KeptnEvent, bridgeUrl?: string) {
  const s = summarize(event, bridgeUrl);
  const details = [`*${headline(s)}*`, s.message && `> ${s.message}`].filter(Boolean).join('\n');
  return {
    text: headline(s),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: details } },
      ...(s.link
        ? [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Keptn Bridge' }, url: s.link }] }]
        : []),
    ],
  };
}

/** Posts to WEBHOOK_URL (from a Kubernetes Secret in the chart). */
export async function postMessage(message: object, ctx: HandlerContext): Promise<void> {
  const url = ctx.config.env.WEBHOOK_URL;
  if (!url) throw new Error('WEBHOOK_URL is not set: message not posted');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
    signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(10_000)]),
  });
  if (!res.ok) throw new Error(`webhook answered HTTP ${res.status}`);
}
