// prometheus-sli: answers Keptn's get-sli requests for sliProvider "prometheus-sli".
// Keptn's lighthouse sends sh.keptn.event.get-sli.triggered while it runs an evaluation; this
// handler looks up each requested indicator's query in prometheus-sli/sli.yaml and asks the metrics
// backend for its value over the evaluation's time frame.
import { parse } from 'yaml';
import { readUrl } from './keptn/config.js';
import type { HandlerContext, Integration } from './keptn/integration.js';
import type { KeptnEvent, Outcome } from './keptn/events.js';

export const SLI_PROVIDER = 'prometheus-sli';
export const SLI_RESOURCE = 'prometheus-sli/sli.yaml';

interface GetSli {
  sliProvider?: string;
  start?: string;
  end?: string;
  indicators?: string[];
  /** slo.yaml's `filter` map, as the lighthouse sends it (1.4.5:lighthouse-service/event_handler/start_evaluation_handler.go). */
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
        const value = await queryMetric(fillPlaceholders(query, event, INSERT), sli, ctx);
        indicatorValues.push({ metric, value, success: true });
      } catch (err) {
        indicatorValues.push({ metric, value: 0, success: false, message: (err as Error).message });
      }
    }
    const payload = { start: sli.start ?? '', end: sli.end ?? '', indicatorValues };
    const failed = indicatorValues.filter((v) => !v.success);
    if (failed.length === 0) return { result: 'pass', message: `retrieved ${indicators.length} indicator(s)`, payload };
    if (failed.length === indicators.length) {
      // Nothing could be retrieved (the backend down, METRICS_URL wrong): errored, with the reason
      // in the message, because that is the reply whose reason every lighthouse shows.
      // - From 0.14 on, an errored get-sli.finished ends the evaluation with "evaluation performed
      //   by lighthouse received an unexpected error: <message>" (0.14.0, 1.0.0 and 1.4.5:
      //   lighthouse-service/event_handler/evaluate_sli_handler.go, processGetSliFinishedEvent).
      // - A succeeded one with result fail would show it too, except on 1.0 and 1.1, which say only
      //   "error with response_time_p95: cannot evaluate invalid SLI result" (1.0.0: same file,
      //   evaluateSingleCriteria's error returned by evaluateObjectives; 1.2.0 fails the objective
      //   with the value's message instead).
      // - Before 0.14 the status is not read (0.8.7: same file): the indicators are scored as sent,
      //   so each keeps its own message, which the Bridge shows beside it.
      const reasons = new Set(failed.map((f) => f.message));
      const why = reasons.size === 1 ? failed[0].message : failed.map((f) => `${f.metric}: ${f.message}`).join('; ');
      return { status: 'errored', result: 'fail', message: `no indicator could be retrieved: ${why}`, payload };
    }
    // Some values arrived: succeeded, so the lighthouse scores them; the failed ones fail their
    // objectives (1.4.5 names a failed key SLI by its displayName, with this indicator's message).
    const message = `${failed.length} of ${indicators.length} indicator(s) failed: ${failed.map((f) => `${f.metric}: ${f.message}`).join('; ')}`;
    return { result: 'warning', message, payload };
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

/** Turns a placeholder's value into text for the query, at `offset` of `query`; throws to refuse it. */
export type Insert = (value: string, name: string, query: string, offset: number) => string;

/**
 * Fills the placeholders of a query as keptn-contrib/prometheus-service does (0.9.1:
 * utils/prometheus/prometheus.go, replaceQueryParameters): `$<key>` and `$<KEY>` for each filter
 * of slo.yaml (the lighthouse sends them as customFilters), $PROJECT, $STAGE, $SERVICE and
 * $DEPLOYMENT, and `$LABEL.<key>` for each label of the event; a filter wins over a name of the
 * same spelling. Unlike there, the query is filled in one pass (a value that holds `$SERVICE`
 * stays as it is), a name ends where it ends (`$SERVICE_NAME` is not `$SERVICE`), and every value
 * goes through `insert`, so that label text cannot change what the query asks.
 */
export function fillPlaceholders(query: string, event: KeptnEvent, insert: Insert): string {
  const d = event.data ?? {};
  const values = new Map<string, string>([
    ['PROJECT', String(d.project ?? '')],
    ['STAGE', String(d.stage ?? '')],
    ['SERVICE', String(d.service ?? '')],
    ['DEPLOYMENT', String(d.deployment ?? '')],
  ]);
  for (const [key, value] of Object.entries(d.labels ?? {})) values.set(`LABEL.${key}`, String(value));
  const filters = request(event).customFilters;
  for (const { key, value } of Array.isArray(filters) ? filters : []) {
    if (typeof key !== 'string' || key === '') continue;
    values.set(key, String(value ?? ''));
    values.set(key.toUpperCase(), String(value ?? ''));
  }
  // Longest first, so that $LABEL.team-lead is not read as $LABEL.team followed by "-lead".
  const names = [...values.keys()].sort((x, y) => y.length - x.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const placeholder = new RegExp(`\\$(${names.join('|')})(?![\\w])`, 'g');
  return query.replace(placeholder, (_, name: string, offset: number) => insert(values.get(name)!, name, query, offset));
}

/** GETs `url` and returns its JSON, with errors that say which side failed and why. */
async function getJson(url: URL, ctx: HandlerContext): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(10_000)]) });
  } catch (err) {
    const why = (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new Error(`metrics backend ${url.origin} unreachable: ${why}`, { cause: err });
  }
  if (!res.ok) throw new Error(`metrics backend answered HTTP ${res.status} for ${url.origin}${url.pathname}${await reasonOf(res)}`);
  return res.json();
}

/**
 * The reason in an error answer, as Prometheus gives it ({"errorType": "bad_data", "error": "…"},
 * a wrong query) and many JSON APIs alike; nothing for other bodies. Cut short: it goes into a
 * Keptn event.
 */
async function reasonOf(res: Response): Promise<string> {
  const body = (await res.json().catch(() => undefined)) as { errorType?: unknown; error?: unknown; message?: unknown } | undefined;
  const error = body?.error ?? body?.message;
  if (typeof error !== 'string' || error === '') return '';
  const why = typeof body?.errorType === 'string' ? `${body.errorType}: ${error}` : error;
  return `: ${why.length > 300 ? `${why.slice(0, 300)}…` : why}`;
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
 * A placeholder's value as PromQL text, by where it lands: inside quotes it is escaped for them,
 * outside any it must be a plain token (a name, a number, a duration), or the indicator fails
 * saying why. Prometheus reads "…" and '…' with Go's escapes, `\"` only inside "…" and `\'` only
 * inside '…', a raw line break inside them is an error, and `…` takes no escapes at all
 * (prometheus/prometheus promql/parser/lex.go: lexString, lexEscape, lexRawString).
 */
export const INSERT: Insert = (value, name, query, offset) => {
  const quote = quoteAt(query, offset);
  if (quote === '`') {
    if (value.includes('`')) throw new Error(`$${name} holds a backquote, which cannot go into the raw string it lands in`);
    return value;
  }
  if (quote) {
    // eslint-disable-next-line no-control-regex -- control characters are what a PromQL string must escape
    return value.replace(/[\\\x00-\x1f\x7f"']/g, (c) =>
      c === '\\' || c === quote ? `\\${c}` : c === '"' || c === "'" ? c : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
    );
  }
  if (!/^[\w:.]*$/.test(value)) {
    throw new Error(
      `$${name} is outside quotes in the query, where only letters, digits, _ : and . are taken, not ${JSON.stringify(value)}`,
    );
  }
  return value;
};

/** The quote character of the string literal open at `offset` of a PromQL query, or '' outside one. */
function quoteAt(query: string, offset: number): string {
  let quote = '';
  for (let i = 0; i < offset; i++) {
    const c = query[i];
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '#') {
      // A comment runs to the end of the line.
      const eol = query.indexOf('\n', i);
      if (eol === -1 || eol >= offset) return '';
      i = eol;
    }
  }
  return quote;
}

/**
 * One indicator's value: this is the place to plug in another metrics backend. The default asks
 * the Prometheus HTTP API at METRICS_URL for an instant query at the end of the evaluation window;
 * $DURATION_SECONDS in a query becomes the window's length (e.g. rate(x[$DURATION_SECONDS])).
 *
 * An empty vector fails the indicator, and is not read as 0: here "no failed request" cannot be
 * told from a query that names no series (a typo in a label), and 0 would pass a latency objective
 * without a single request. Where no data means 0, the query says so with `or vector(0)`, as
 * error_rate in sli.yaml does. (prometheus-service read an empty vector as 0 up to 0.7.4 and
 * fails it from 0.7.5 on, "query did not return any values": 0.7.4 and 0.7.5:
 * utils/prometheus/prometheus.go, GetSLIValue.)
 */
export async function queryMetric(query: string, sli: GetSli, ctx: HandlerContext): Promise<number> {
  const { end, seconds } = window(sli);
  const url = new URL('api/v1/query', metricsUrl(ctx));
  url.searchParams.set('query', query.replace(/\$DURATION_SECONDS\b/g, `${seconds}s`));
  url.searchParams.set('time', String(end.getTime() / 1000));
  const { data } = (await getJson(url, ctx)) as { data?: { resultType?: string; result?: unknown } };
  let raw: unknown;
  if (data?.resultType === 'scalar') raw = (data.result as [number, string])[1];
  else if (data?.resultType === 'vector') {
    const series = data.result as { value: [number, string] }[];
    if (series.length === 0) throw new Error('the query returned no series (where no data means 0, end it with "or vector(0)")');
    if (series.length > 1) throw new Error(`the query returned ${series.length} series, not one (aggregate them, e.g. with sum())`);
    raw = series[0].value[1];
  } else throw new Error(`the query returned a ${String(data?.resultType)}, not a vector or a scalar`);
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`the query returned ${String(raw)}, not a number`);
  return value;
}
