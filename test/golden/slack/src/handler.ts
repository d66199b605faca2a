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
  /** The event's labels (data.labels), e.g. a build id or a link; text only. */
  labels?: Record<string, string>;
  shkeptncontext?: string;
  /** The sequence in the Keptn Bridge, when KEPTN_BRIDGE_URL is set. */
  link?: string;
}

/**
 * The event's text as text: well-formed (a lone surrogate becomes U+FFFD) and without control
 * characters other than line breaks and tabs. Whoever can publish an event chooses it, so each
 * format below also escapes it for the markup it lands in.
 */
export function plain(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '' || typeof v === 'object') return undefined;
  return (
    String(v)
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
  );
}

export function summarize(event: KeptnEvent, bridgeUrl?: string): Summary {
  const d = event.data ?? {};
  const score = Number((d.evaluation as { score?: unknown } | undefined)?.score);
  const project = plain(d.project);
  const context = plain(event.shkeptncontext);
  const labels = Object.entries(d.labels && typeof d.labels === 'object' ? d.labels : {}).flatMap(([k, v]) => {
    const value = plain(v);
    return value === undefined ? [] : [[plain(k) ?? '', value] as const];
  });
  return {
    what: plain(
      event.type
        .replace(/^sh\.keptn\.event\./, '')
        .split('.')
        .join(' '),
    )!,
    project,
    stage: plain(d.stage),
    service: plain(d.service),
    result: plain(d.result),
    status: plain(d.status),
    score: Number.isFinite(score) ? score : undefined,
    message: plain(d.message),
    ...(labels.length > 0 ? { labels: Object.fromEntries(labels) } : {}),
    shkeptncontext: context,
    // Both parts are path segments: a context of "../x?y#z" stays inside the sequence's path.
    link:
      bridgeUrl && project && context
        ? `${bridgeUrl.replace(/\/+$/, '')}/project/${encodeURIComponent(project)}/sequence/${encodeURIComponent(context)}`
        : undefined,
  };
}

/** One line for people: what happened, where, and how it went. */
export function headline(s: Summary): string {
  const where = [s.project, s.stage, s.service].filter(Boolean).join(' / ');
  return [`Keptn: ${s.what}`, where && `in ${where}`, s.result && `result: ${s.result}`, s.score !== undefined && `score: ${s.score}`]
    .filter(Boolean)
    .join(' · ');
}

/** `text` cut to `max` characters, saying so. */
const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * Event text in Slack's mrkdwn: &, < and > as entities, as Slack asks for text that is not markup
 * (https://api.slack.com/reference/surfaces/formatting, "Escaping text"), so that `<!channel>`
 * pings no one and `<https://…|Keptn Bridge>` is no link. Slack has no escape for * _ ~ `: they
 * may change emphasis, never link or mention.
 */
export const mrkdwn = (text: string) => text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);

/**
 * The message for one event, for a Slack incoming webhook: this is the place to change what people
 * read. `text` is the notification line; the blocks show the details and a button to the Bridge.
 * `verbatim` keeps Slack from turning names in the event's text into mentions or channel links; a
 * block's text holds at most 3,000 characters, so a long message is cut.
 */
export function formatMessage(event: KeptnEvent, bridgeUrl?: string) {
  const s = summarize(event, bridgeUrl);
  const quote =
    s.message &&
    s.message
      .split('\n')
      .map((line) => `> ${mrkdwn(line)}`)
      .join('\n');
  const labels = Object.entries(s.labels ?? {})
    .map(([k, v]) => `${mrkdwn(k)}: ${mrkdwn(v)}`)
    .join(' · ');
  const details = [`*${mrkdwn(headline(s))}*`, quote].filter(Boolean).join('\n');
  return {
    text: mrkdwn(headline(s)),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: cut(details, 3000), verbatim: true } },
      ...(labels ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: cut(labels, 3000), verbatim: true }] }] : []),
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
