import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fillPlaceholders, INSERT, integration, parseSliFile, SLI_RESOURCE } from '../src/handler.js';
import { RESOURCES, runTask, startStack, testEvent, type Stack } from './keptn/harness.js';

const EVENT_FILE = 'get-sli.triggered.json';

/** What these tests write goes into this folder, removed when they end (also when one fails). */
const scratch = mkdtempSync(join(tmpdir(), 'handler-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * The machinery is tested with an sli.yaml of its own, so that these tests hold whatever yours in
 * keptn/resources/ says; the tests at the end hold your sli.yaml and slo.yaml to being valid.
 */
const FIXTURE = {
  throughput: 'sum(rate(http_requests_total{job="$SERVICE-$PROJECT-$STAGE"}[$DURATION_SECONDS]))',
  error_rate: 'sum(rate(http_requests_total{job="$SERVICE",status!~"2.."}[$DURATION_SECONDS])) or vector(0)',
  response_time_p95: 'histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket[$DURATION_SECONDS])) by (le))',
};
const INDICATORS = Object.keys(FIXTURE);
const FIXTURES = resourcesWith(FIXTURE);

/** A resource folder of this test's own, holding an sli.yaml with these queries. */
function resourcesWith(indicators: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, 'resources-'));
  mkdirSync(dirname(join(dir, SLI_RESOURCE)), { recursive: true });
  writeFileSync(join(dir, SLI_RESOURCE), JSON.stringify({ indicators }));
  return dir;
}

/** Part of the request that names the p95 indicator. */
const P95 = 'histogram_quantile';

/** What the Prometheus stand-in answers a query: a value, no series (undefined), or an error. */
type Answer = number | undefined | { status: number; errorType: string; error: string };

/** A Prometheus stand-in: answers each query with `values(url)`. */
async function backend(values: (url: string) => Answer) {
  const requests: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api/v1/query') return void res.writeHead(404).end();
    requests.push(url);
    const value = values(url.searchParams.get('query') ?? '');
    if (typeof value === 'object') {
      res.writeHead(value.status, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ status: 'error', errorType: value.errorType, error: value.error }));
    }
    const result = value === undefined ? [] : [{ metric: {}, value: [0, String(value)] }];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, requests };
}

/**
 * Prometheus over a service that answered every request with 200: the rate of failed requests
 * (status!~"2..") has no series, so Prometheus returns an empty vector for it and for a ratio
 * over it, and 0 where the query falls back with `or vector(0)`. Every other query has a value.
 */
const healthy = (query: string): Answer => (!query.includes('status!~') ? 3 : /\bor\s+vector\(0\)/.test(query) ? 0 : undefined);

let stack: Stack | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  servers.splice(0).forEach((s) => s.close());
});

/** A get-sli request for these indicators (the fixture's by default), window and provider from the sample event. */
function getSli(extra: Record<string, unknown> = {}) {
  return { ...(testEvent(EVENT_FILE).data?.['get-sli'] as object), indicators: INDICATORS, customFilters: [], ...extra };
}

async function evaluate(
  metricsUrl: string,
  mode: 'binary' | 'structured' = 'binary',
  resourcesDir = FIXTURES,
  data: Record<string, unknown> = {},
) {
  stack = await startStack(integration, { env: { METRICS_URL: metricsUrl }, resourcesDir });
  return runTask(stack, testEvent(EVENT_FILE, { 'get-sli': getSli(), ...data }), mode);
}

describe('get-sli.triggered', () => {
  it.each(['binary', 'structured'] as const)('returns one value per indicator (%s mode)', async (mode) => {
    const prom = await backend((q) => (q.includes(P95) ? 0.42 : 7));
    servers.push(prom.server);
    const finished = await evaluate(prom.url, mode);
    expect(finished.data).toMatchObject({ status: 'succeeded', result: 'pass' });
    const sli = finished.data['get-sli'];
    expect(sli.start).toBe('2019-10-28T15:44:27.152330783Z');
    expect(sli.indicatorValues).toEqual([
      { metric: 'throughput', value: 7, success: true },
      { metric: 'error_rate', value: 7, success: true },
      { metric: 'response_time_p95', value: 0.42, success: true },
    ]);
    // Placeholders are filled and the query is asked at the end of the window.
    const query = prom.requests[0].searchParams.get('query');
    expect(query).toContain(`job="${finished.data.service}-${finished.data.project}-${finished.data.stage}"`);
    expect(query).toContain('[600s]');
    expect(Number(prom.requests[0].searchParams.get('time'))).toBeCloseTo(Date.parse('2019-10-28T15:54:27.152Z') / 1000, 0);
  });

  it('passes a healthy service: no failed request is an error rate of 0, not a failed indicator', async () => {
    const prom = await backend(healthy);
    servers.push(prom.server);
    const finished = await evaluate(prom.url);
    expect(finished.data).toMatchObject({ status: 'succeeded', result: 'pass' });
    expect(finished.data['get-sli'].indicatorValues).toContainEqual({ metric: 'error_rate', value: 0, success: true });
  });

  it("fails the indicator of a query Prometheus refuses, with Prometheus's reason", async () => {
    const refused = { status: 400, errorType: 'bad_data', error: '1:18: parse error: unexpected "}"' };
    const prom = await backend((q) => (q.includes(P95) ? refused : 1));
    servers.push(prom.server);
    const finished = await evaluate(prom.url);
    expect(finished.data).toMatchObject({ status: 'succeeded', result: 'warning' });
    expect(finished.data['get-sli'].indicatorValues[2]).toEqual({
      metric: 'response_time_p95',
      value: 0,
      success: false,
      message: expect.stringMatching(/HTTP 400 .*bad_data: 1:18: parse error/),
    });
  });

  it('fails the indicator of a query that returns no series, saying so', async () => {
    const prom = await backend((q) => (q.includes(P95) ? undefined : 1));
    servers.push(prom.server);
    const finished = await evaluate(prom.url);
    expect(finished.data['get-sli'].indicatorValues[2]).toMatchObject({ success: false, message: expect.stringMatching(/no series/) });
  });

  it('answers warning when some indicators fail', async () => {
    const prom = await backend((q) => (q.includes(P95) ? undefined : 1));
    servers.push(prom.server);
    const finished = await evaluate(prom.url);
    expect(finished.data).toMatchObject({ status: 'succeeded', result: 'warning' });
    expect(finished.data['get-sli'].indicatorValues[2]).toMatchObject({ metric: 'response_time_p95', success: false });
  });

  // errored, so that the lighthouse shows the reason (src/handler.ts says why, per Keptn release);
  // each indicator still carries it for the releases before 0.14, which score them anyway.
  it('answers errored with the reason when the metrics backend is down', async () => {
    const finished = await evaluate('http://127.0.0.1:9');
    expect(finished.data).toMatchObject({ status: 'errored', result: 'fail' });
    expect(finished.data.message).toMatch(/^no indicator could be retrieved: metrics backend http:\/\/127\.0\.0\.1:9 unreachable/);
    const values = finished.data['get-sli'].indicatorValues;
    expect(values.map((v: { metric: string }) => v.metric)).toEqual(['throughput', 'error_rate', 'response_time_p95']);
    for (const v of values) expect(v).toMatchObject({ value: 0, success: false, message: expect.stringMatching(/unreachable/) });
  });

  it("fills slo.yaml's filters and the event's labels into the queries, escaped", async () => {
    const resources = resourcesWith({
      throughput: 'sum(rate(http_requests_total{handler="$handler",team=\'$LABEL.team\'}[$DURATION_SECONDS]))',
    });
    const prom = await backend(() => 5);
    servers.push(prom.server);
    const hostile = 'x"} or vector(1) #';
    const finished = await evaluate(prom.url, 'binary', resources, {
      labels: { team: "o'neil" },
      'get-sli': getSli({ indicators: ['throughput'], customFilters: [{ key: 'handler', value: hostile }] }),
    });
    expect(finished.data['get-sli'].indicatorValues).toEqual([{ metric: 'throughput', value: 5, success: true }]);
    expect(prom.requests[0].searchParams.get('query')).toBe(
      `sum(rate(http_requests_total{handler="x\\"} or vector(1) #",team='o\\'neil'}[600s]))`,
    );
  });

  it('reports errored when sli.yaml is missing from Keptn', async () => {
    const finished = await evaluate('http://127.0.0.1:9', 'binary', mkdtempSync(join(scratch, 'no-resources-')));
    expect(finished.data).toMatchObject({ status: 'errored', result: 'fail' });
    expect(finished.data.message).toMatch(/not found/);
    expect(finished.data['get-sli']).toEqual({ start: '2019-10-28T15:44:27.152330783Z', end: '2019-10-28T15:54:27.152330783Z' });
  });

  it('stays silent for another SLI provider', async () => {
    stack = await startStack(integration, { resourcesDir: FIXTURES });
    const event = testEvent(EVENT_FILE, { 'get-sli': getSli({ sliProvider: 'someone-else' }) });
    expect((await stack.post(event)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(stack.replies()).toEqual([]);
  });
});

describe('placeholders', () => {
  it("fills the event's coordinates", () => {
    const event = testEvent(EVENT_FILE, { project: 'shop', stage: 'prod', service: 'cart' }) as never;
    expect(fillPlaceholders('job="$SERVICE-$PROJECT-$STAGE"', event, INSERT)).toBe('job="cart-shop-prod"');
  });

  it('fills each placeholder once, by its whole name, a filter before a name of the same spelling', () => {
    const event = testEvent(EVENT_FILE, {
      service: '$PROJECT',
      labels: { team: 'a', 'team-lead': 'b' },
      'get-sli': { customFilters: [{ key: 'stage', value: 'filtered' }] },
    });
    expect(fillPlaceholders('"$SERVICE $SERVICE_NAME $LABEL.team-lead $LABEL.team $STAGE $stage $unknown"', event as never, INSERT)).toBe(
      '"$PROJECT $SERVICE_NAME b a filtered filtered $unknown"',
    );
  });

  it('escapes a value for the quotes it lands in, and refuses one outside quotes that is not a plain token', () => {
    const event = (value: string) => testEvent(EVENT_FILE, { labels: { v: value } }) as never;
    expect(fillPlaceholders('{a="$LABEL.v"}', event('say "hi" \\ \n'), INSERT)).toBe('{a="say \\"hi\\" \\\\ \\x0a"}');
    expect(fillPlaceholders("{a='$LABEL.v'}", event(`it's "ok"`), INSERT)).toBe(`{a='it\\'s "ok"'}`);
    expect(fillPlaceholders('{a=`$LABEL.v`}', event('raw \\d'), INSERT)).toBe('{a=`raw \\d`}');
    expect(() => fillPlaceholders('{a=`$LABEL.v`}', event('`'), INSERT)).toThrow(/backquote/);
    expect(fillPlaceholders('x[$LABEL.v]', event('5m'), INSERT)).toBe('x[5m]');
    expect(() => fillPlaceholders('x[$LABEL.v]', event('5m]) or vector(1'), INSERT)).toThrow(/outside quotes/);
    // A quote inside a string or a comment does not end or open one.
    expect(() => fillPlaceholders('{a="\\"", b=$LABEL.v}', event('"'), INSERT)).toThrow(/outside quotes/);
    expect(() => fillPlaceholders('x # "\n$LABEL.v', event('"'), INSERT)).toThrow(/outside quotes/);
  });

  it('names what is wrong in a broken file', () => {
    expect(() => parseSliFile('indicators: [a, b]')).toThrow(/map "indicators"/);
  });
});

describe('your sli.yaml and slo.yaml (keptn/resources/, yours to edit)', () => {
  // Read in each test, so that a file that does not parse fails a test that names it.
  const yours = () => {
    const queries = parseSliFile(readFileSync(join(RESOURCES, SLI_RESOURCE), 'utf8'));
    const slo = parse(readFileSync(join(RESOURCES, 'slo.yaml'), 'utf8')) as {
      objectives?: { sli: string }[];
      filter?: Record<string, string>;
    };
    return { queries, slo, scored: (slo?.objectives ?? []).map((o) => o.sli) };
  };

  it('slo.yaml scores only indicators that sli.yaml defines', () => {
    const { queries, scored } = yours();
    expect(scored.length, 'slo.yaml has no objectives').toBeGreaterThan(0);
    expect(
      scored.filter((sli) => !(sli in queries)),
      'objectives with no query in sli.yaml',
    ).toEqual([]);
  });

  // A healthy service (see `healthy`): a query over failed requests needs `or vector(0)`.
  it("gives each objective a value on a healthy service, with slo.yaml's filters", async () => {
    const metrics = await backend(healthy);
    servers.push(metrics.server);
    const { slo, scored } = yours();
    const customFilters = Object.entries(slo.filter ?? {}).map(([key, value]) => ({ key, value }));
    const finished = await evaluate(metrics.url, 'binary', RESOURCES, { 'get-sli': getSli({ indicators: scored, customFilters }) });
    const values = finished.data['get-sli'].indicatorValues as { metric: string; success: boolean; message?: string }[];
    expect(values.filter((v) => !v.success)).toEqual([]);
    expect(values.map((v) => v.metric)).toEqual(scored);
  });
});
