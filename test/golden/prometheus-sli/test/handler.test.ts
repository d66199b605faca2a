import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fillPlaceholders, parseSliFile } from '../src/handler.js';
import { expectReplyTo, startStack, testEvent, type Stack } from './harness.js';

const EVENT_FILE = 'get-sli.triggered.json';

/** What these tests write goes into this folder, removed when they end (also when one fails). */
const scratch = mkdtempSync(join(tmpdir(), 'handler-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Part of the request that names the p95 indicator. */
const P95 = 'histogram_quantile';

/** A Prometheus stand-in: answers each query with `values(url)` (undefined → empty result). */
async function backend(values: (url: string) => number | undefined) {
  const requests: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api/v1/query') return void res.writeHead(404).end();
    requests.push(url);
    const value = values(decodeURIComponent(url.toString()));
    const result = value === undefined ? [] : [{ metric: {}, value: [0, String(value)] }];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, requests };
}

let stack: Stack | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  servers.splice(0).forEach((s) => s.close());
});

async function evaluate(metricsUrl: string, mode: 'binary' | 'structured' = 'binary', resourcesDir?: string) {
  stack = await startStack({ env: { METRICS_URL: metricsUrl }, resourcesDir });
  const event = testEvent(EVENT_FILE);
  expect((await stack.post(event, mode)).status).toBe(202);
  await stack.broker.until(() => stack!.replies().length >= 2);
  const [started, finished] = stack.replies();
  expectReplyTo(event, started, 'started');
  expectReplyTo(event, finished, 'finished');
  return finished;
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

  it('answers warning when some indicators fail', async () => {
    const prom = await backend((q) => (q.includes(P95) ? undefined : 1));
    servers.push(prom.server);
    const finished = await evaluate(prom.url);
    expect(finished.data).toMatchObject({ status: 'succeeded', result: 'warning' });
    expect(finished.data['get-sli'].indicatorValues[2]).toMatchObject({ metric: 'response_time_p95', success: false });
  });

  it('answers fail when the metrics backend is down', async () => {
    const finished = await evaluate('http://127.0.0.1:9');
    expect(finished.data).toMatchObject({ status: 'succeeded', result: 'fail' });
    expect(finished.data.message).toMatch(/unreachable/);
  });

  it('reports errored when sli.yaml is missing from Keptn', async () => {
    const finished = await evaluate('http://127.0.0.1:9', 'binary', mkdtempSync(join(scratch, 'no-resources-')));
    expect(finished.data).toMatchObject({ status: 'errored', result: 'fail' });
    expect(finished.data.message).toMatch(/not found/);
    expect(finished.data['get-sli']).toEqual({ start: '2019-10-28T15:44:27.152330783Z', end: '2019-10-28T15:54:27.152330783Z' });
  });

  it('stays silent for another SLI provider', async () => {
    stack = await startStack();
    const event = testEvent(EVENT_FILE, { 'get-sli': { sliProvider: 'someone-else', indicators: ['throughput'] } });
    expect((await stack.post(event)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(stack.replies()).toEqual([]);
  });
});

describe('sli.yaml', () => {
  it('parses the generated file and fills placeholders', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL("../keptn/resources/prometheus-sli/sli.yaml", import.meta.url), 'utf8');
    const queries = parseSliFile(text);
    expect(Object.keys(queries)).toEqual(['throughput', 'error_rate', 'response_time_p95']);
    expect(fillPlaceholders('$SERVICE-$PROJECT-$STAGE', testEvent(EVENT_FILE) as never)).toBe(
      "carts-sockshop-dev",
    );
  });

  it('names what is wrong in a broken file', () => {
    expect(() => parseSliFile('indicators: [a, b]')).toThrow(/map "indicators"/);
  });
});
