import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKS_RESOURCE, checkURL, failureMessage, integration, MAX_MESSAGE_LENGTH, parseChecks } from '../src/handler.js';
import { runTask, startStack, testEvent, type Stack } from './keptn/harness.js';

const EVENT_FILE = 'test.triggered.json';
const TASK = 'test';

/** A service under test that answers each request with `status` (or what it says for the URL), and keeps the URLs asked for. */
async function target(status: number | ((url: string) => number)): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(typeof status === 'number' ? status : status(req.url ?? '')).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, requests };
}

let stack: Stack | undefined;
const servers: Server[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  servers.splice(0).forEach((s) => s.close());
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A resources folder, removed after the test; with `checks`, it holds them as the test definition. */
function resources(checks?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'resources-'));
  dirs.push(dir);
  if (checks !== undefined) {
    mkdirSync(dirname(join(dir, CHECKS_RESOURCE)), { recursive: true });
    writeFileSync(join(dir, CHECKS_RESOURCE), checks);
  }
  return dir;
}

// These tests bring their own checks: keptn/resources/ holds yours, which only have to be valid
// (see parseChecks below), so adding a check there fails nothing here.
const TWO_CHECKS = 'checks: [{path: /health}, {path: /items, expectStatus: 200}]';

/** Send the task for a service under test answering `status`, whose deployment URI ends in `path`. */
async function run(
  status: number | ((url: string) => number),
  options: { mode?: 'binary' | 'structured'; resourcesDir?: string; path?: string } = {},
) {
  const svc = await target(status);
  servers.push(svc.server);
  stack = await startStack(integration, { resourcesDir: options.resourcesDir });
  const event = testEvent(EVENT_FILE, { deployment: { deploymentURIsLocal: [svc.url + (options.path ?? '')] } });
  return { finished: await runTask(stack, event, options.mode), requests: svc.requests };
}

describe(`${TASK}.triggered`, () => {
  it.each(['binary', 'structured'] as const)('passes when every check passes (%s mode)', async (mode) => {
    const { finished } = await run(200, { mode, resourcesDir: resources(TWO_CHECKS) });
    expect(finished.data).toMatchObject({ status: 'succeeded', result: 'pass' });
    expect(finished.data.message).toMatch(/2 of 2 HTTP checks passed/);
    const { start, end, gitCommit } = finished.data[TASK];
    expect(Date.parse(start)).toBeLessThanOrEqual(Date.parse(end));
    expect(typeof gitCommit).toBe('string');
  });

  it('fails when the service under test answers with an error', async () => {
    const { finished } = await run(500, { resourcesDir: resources(TWO_CHECKS) });
    expect(finished.data).toMatchObject({ status: 'succeeded', result: 'fail' });
    expect(finished.data.message).toMatch(/answered 500, expected 200/);
  });

  it("requests each check path under the deployment URI's own path", async () => {
    const checks = 'checks: [{path: /health}, {path: health}, {path: "/items?limit=1"}]';
    const { finished, requests } = await run(200, { resourcesDir: resources(checks), path: '/app' });
    expect(finished.data).toMatchObject({ status: 'succeeded', result: 'pass' });
    expect(requests).toEqual(['/app/health', '/app/health', '/app/items?limit=1']);
  });

  it('keeps the .finished under 64 KiB when 1,100 checks fail', async () => {
    // Keptn's distributor refuses events over 64 KiB: listing every failure would lose the .finished.
    const checks = `checks:\n${Array.from({ length: 1100 }, (_, i) => `  - path: /check-${i}\n`).join('')}`;
    const { finished } = await run(500, { resourcesDir: resources(checks) });
    expect(finished.data).toMatchObject({ status: 'succeeded', result: 'fail' });
    const message: string = finished.data.message;
    expect(message).toMatch(/^1100 of 1100 HTTP checks failed \(functional\): /);
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    // The first ten are named, the other 1,090 counted.
    expect(message).toMatch(/\/check-9 answered 500, expected 200; … and 1090 more$/);
    expect(message).not.toMatch(/\/check-10 /);
    expect(JSON.stringify(finished).length).toBeLessThan(64 * 1024);
  });

  it('reports errored when its test definition is missing from Keptn', async () => {
    const { finished } = await run(200, { resourcesDir: resources() });
    expect(finished.data).toMatchObject({ status: 'errored', result: 'fail' });
    expect(finished.data.message).toMatch(/not found/);
    expect(Object.keys(finished.data[TASK]).sort()).toEqual(['end', 'gitCommit', 'start']);
  });

  it('acknowledges and ignores other events', async () => {
    stack = await startStack(integration);
    const other = testEvent(EVENT_FILE).cloneWith({ type: 'sh.keptn.event.deployment.triggered' });
    const res = await stack.post(other);
    expect(res.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(stack.replies()).toEqual([]);
  });
});

describe('your checks in keptn/resources/', () => {
  const yours = () => readFileSync(new URL('../keptn/resources/tests/checks.yaml', import.meta.url), 'utf8');

  it('are a valid definition: each check a path and an HTTP status', () => {
    const checks = parseChecks(yours());
    expect(checks.length).toBeGreaterThan(0);
    for (const check of checks) expect(check.expectStatus).toSatisfy((s: number) => Number.isInteger(s) && s >= 100 && s <= 599);
  });

  it('pass against a service that answers each as it expects', async () => {
    const requested = (path: string) => {
      const url = new URL(checkURL('http://svc', path));
      return url.pathname + url.search;
    };
    const expected = new Map(parseChecks(yours()).map((c) => [requested(c.path), c.expectStatus]));
    const { finished } = await run((url) => expected.get(url) ?? 404);
    expect(finished.data).toMatchObject({ status: 'succeeded', result: 'pass' });
  });
});

describe('parseChecks', () => {
  it('names what is wrong in a broken definition', () => {
    expect(() => parseChecks('checks: [{expectStatus: 200}]')).toThrow(/checks\[0\]\.path must be a string/);
    expect(() => parseChecks('nothing: here')).toThrow(/non-empty list "checks"/);
  });
});

describe('checkURL', () => {
  // Appended like Locust, JMeter and k6 do, not resolved: the service's own path stays.
  it.each([
    ['http://host/app', '/health', 'http://host/app/health'],
    ['http://host/app', 'health', 'http://host/app/health'],
    ['http://host/app/', 'health', 'http://host/app/health'],
    ['http://host/app/', '/health', 'http://host/app/health'],
    ['http://host/', '/health', 'http://host/health'],
    ['http://host:8080', '/', 'http://host:8080/'],
    ['http://host/app', '/items?limit=1&sort=id', 'http://host/app/items?limit=1&sort=id'],
  ])('%s + %s = %s', (uri, path, url) => {
    expect(checkURL(uri, path)).toBe(url);
  });
});

describe('failureMessage', () => {
  it('names every failure when there are few', () => {
    expect(failureMessage('2 of 3 HTTP checks failed', ['a failed', 'b failed'])).toBe('2 of 3 HTTP checks failed: a failed; b failed');
  });

  it('names fewer failures when they are long, and counts the others', () => {
    const failures = Array.from({ length: 20 }, (_, i) => `http://host/${'x'.repeat(300)}/${i} answered 500, expected 200`);
    const message = failureMessage('20 of 20 HTTP checks failed', failures);
    expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    const named = message.split('; ').filter((part) => part.includes('answered 500')).length;
    expect(named).toBeGreaterThan(0);
    expect(message.endsWith(`; … and ${20 - named} more`)).toBe(true);
  });

  it('cuts a single failure longer than the message may be', () => {
    const message = failureMessage('2 of 2 HTTP checks failed', [
      `http://host/${'x'.repeat(5000)} unreachable`,
      'http://host/b unreachable',
    ]);
    expect(message.length).toBe(MAX_MESSAGE_LENGTH);
    expect(message).toMatch(/^2 of 2 HTTP checks failed: http:\/\/host\/x+…; … and 1 more$/);
  });
});
