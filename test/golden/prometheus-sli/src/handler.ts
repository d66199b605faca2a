// prometheus-sli: answers Keptn's get-sli requests for sliProvider "prometheus-sli".
// Keptn's lighthouse sends sh.keptn.event.get-sli.triggered while it runs an evaluation; this
// handler looks up each requested indicator's query in prometheus-sli/sli.yaml and asks the metrics
// backend for its value over the evaluation's time frame.
import { parse } from 'yaml';
import { readUrl } from './keptn/config.js';
import type { HandlerContext, Integration } from './keptn/integration.js';
import type { KeptnEvent, Outcome } from './keptn/events.js';

export const SLI_PROVIDER = "prometheus-sli";
export const SLI_RESOURCE = "prometheus-sli/sli.yaml";

interface GetSli {
  sliProvider?: string;
  start?: string;
  end?: string;
  indicators?: string[];
  customFilters?: { key: string; value: string }[];
}

export interface IndicatorValue {
  metric: string;
  value: number;
  success: boolean;
  message?: string;
}

const request = (event: KeptnEvent) => (event.data?.['get-sli'] ?? {}) as GetSli;

export const integration: Integration = {
  // Requests for other providers are not ours: no reply at all, another provider answers them.
  classify: (event) =>
    event.type === 'sh.keptn.event.get-sli.triggered' && request(event).sliProvider === SLI_PROVIDER ? 'task' : 'ignore',

  async handle(event, ctx): Promise<Outcome> {
    const sli = request(event);
    const queries = parseSliFile(await ctx.resources.get(event, SLI_RESOURCE));
    const indicators = sli.indicators ?? [];
    const indicatorValues: IndicatorValue[] = [];
    for (const metric of indicators) {
      const query = queries[metric];
      if (query === undefined) {
        indicatorValues.push({ metric, value: 0, success: false, message: `no query for ${metric} in ${SLI_RESOURCE}` });
        continue;
      }
      try {
        const value = await queryMetric(fillPlaceholders(query, event), sli, ctx);
        indicatorValues.push({ metric, value, success: true });
      } catch (err) {
        indicatorValues.push({ metric, value: 0, success: false, message: (err as Error).message });
      }
    }
    const failed = indicatorValues.filter((v) => !v.success);
    const result = failed.length === 0 ? 'pass' : failed.length === indicators.length ? 'fail' : 'warning';
    const message =
      failed.length === 0
        ? `retrieved ${indicators.length} indicator(s)`
        : `${failed.length} of ${indicators.length} indicator(s) failed: ${failed.map((f) => `${f.metric}: ${f.message}`).join('; ')}`;
    return { result, message, payload: { start: sli.start ?? '', end: sli.end ?? '', indicatorValues } };
  },

  // get-sli.finished must carry start and end even when nothing could be retrieved.
  errorPayload: (event) => ({ start: request(event).start ?? '', end: request(event).end ?? '' }),

  checkSettings(config, log) {
    if (config.env.METRICS_URL) readUrl('METRICS_URL', config.env.METRICS_URL);
    else log.warn('METRICS_URL is not set: every indicator will fail until it is');
  },
};

/** `indicators: {name: query}` of an sli.yaml file. */
export function parseSliFile(text: string): Record<string, string> {
  const doc = parse(text) as { indicators?: unknown } | null;
  const indicators = doc?.indicators;
  if (!indicators || typeof indicators !== 'object' || Array.isArray(indicators)) {
    throw new Error(`${SLI_RESOURCE} must have a map "indicators" of name: query`);
  }
  return Object.fromEntries(Object.entries(indicators).map(([k, v]) => [k, String(v)]));
}

/** Replaces $PROJECT, $STAGE, $SERVICE and $DEPLOYMENT, as Keptn's SLI providers do. */
export function fillPlaceholders(query: string, event: KeptnEvent): string {
  const d = event.data ?? {};
  const values: Record<string, string> = {
    PROJECT: String(d.project ?? ''),
    STAGE: String(d.stage ?? ''),
    SERVICE: String(d.service ?? ''),
    DEPLOYMENT: String(d.deployment ?? ''),
  };
  return query.replace(/\$(PROJECT|STAGE|SERVICE|DEPLOYMENT)\b/g, (_, key: string) => values[key]);
}

/** GETs `url` and returns its JSON, with errors that say which side failed. */
async function getJson(url: URL, ctx: HandlerContext): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(10_000)]) });
  } catch (err) {
    const why = (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new Error(`metrics backend ${url.origin} unreachable: ${why}`);
  }
  if (!res.ok) throw new Error(`metrics backend answered HTTP ${res.status} for ${url.origin}${url.pathname}`);
  return res.json();
}

/** The evaluation window; a missing start or end means "now". */
function window(sli: GetSli) {
  const end = sli.end ? new Date(sli.end) : new Date();
  const start = sli.start ? new Date(sli.start) : end;
  return { start, end, seconds: Math.max(1, Math.round((end.getTime() - start.getTime()) / 1000)) };
}

function metricsUrl(ctx: HandlerContext): string {
  const base = ctx.config.env.METRICS_URL;
  if (!base) throw new Error('METRICS_URL is not set');
  return base.endsWith('/') ? base : `${base}/`;
}

/**
 * One indicator's value: this is the place to plug in another metrics backend. The default asks
 * the Prometheus HTTP API at METRICS_URL for an instant query at the end of the evaluation window;
 * $DURATION_SECONDS in a query becomes the window's length (e.g. rate(x[$DURATION_SECONDS])).
 */
export async function queryMetric(query: string, sli: GetSli, ctx: HandlerContext): Promise<number> {
  const { end, seconds } = window(sli);
  const url = new URL('api/v1/query', metricsUrl(ctx));
  url.searchParams.set('query', query.replace(/\$DURATION_SECONDS\b/g, `${seconds}s`));
  url.searchParams.set('time', String(end.getTime() / 1000));
  const body = (await getJson(url, ctx)) as { data?: { result?: { value?: [number, string] }[] } };
  const raw = body.data?.result?.[0]?.value?.[1];
  const value = Number(raw);
  if (raw === undefined || !Number.isFinite(value)) throw new Error('the query returned no value');
  return value;
}
