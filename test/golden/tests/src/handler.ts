// tests: runs tests when Keptn's shipyard reaches the `test` task.
// The service answers with .started at once; handle() below produces the .finished.
import { parse } from 'yaml';
import { readNumber } from './keptn/config.js';
import type { HandlerContext, Integration } from './keptn/integration.js';
import type { Outcome } from './keptn/events.js';
import { deploymentURIs, testTimes } from './keptn/test-event.js';

export const TASK = 'test';
/** The test definition this integration reads from Keptn (uploaded by keptn/add-resources.sh). */
export const CHECKS_RESOURCE = 'tests/checks.yaml';

export interface Check {
  /** Path requested on every deployment URI, appended to it (see checkURL), e.g. /health. */
  path: string;
  /** Status code that counts as a pass. */
  expectStatus: number;
}

export interface TestReport {
  passed: boolean;
  /** One line for the .finished message. */
  summary: string;
}

export const integration: Integration = {
  classify: (event) => (event.type === `sh.keptn.event.${TASK}.triggered` ? 'task' : 'ignore'),

  async handle(event, ctx): Promise<Outcome> {
    const start = new Date();
    const test = (event.data?.[TASK] ?? {}) as { teststrategy?: string };
    const targets = deploymentURIs(event);
    if (targets.length === 0) {
      return { result: 'fail', message: 'no deployment URI in the event: nothing to test', payload: testTimes(event, start) };
    }
    const definition = await ctx.resources.get(event, CHECKS_RESOURCE);
    const report = await runTests({ strategy: test.teststrategy ?? '', targets, definition, ctx });
    return { result: report.passed ? 'pass' : 'fail', message: report.summary, payload: testTimes(event, start) };
  },

  // test.finished must carry start, end and gitCommit even when the test could not run.
  errorPayload: (event, startedAt) => testTimes(event, startedAt),

  checkSettings: (config) => void requestTimeoutMs(config.env),
};

/** TEST_REQUEST_TIMEOUT_SECONDS: how long each HTTP check may take. */
function requestTimeoutMs(env: NodeJS.ProcessEnv): number {
  return readNumber(env, 'TEST_REQUEST_TIMEOUT_SECONDS', env.TEST_REQUEST_TIMEOUT_SECONDS || '10', 0.001, 3600) * 1000;
}

/**
 * Run the tests: this is the place to plug in a real tool. Replace the body with, for example,
 * `await promisify(execFile)('locust', ['-f', file, '--host', targets[0], '--headless', ...])`
 * (node:child_process and node:util: no dependency to add) using a test definition read with
 * ctx.resources.get(event, 'locust/locustfile.py'), and map its exit code or thresholds to
 * `passed`. `--test-tool locust` (or jmeter, k6, artillery) generates exactly that. The default makes each HTTP check of the definition against every
 * deployment URI.
 */
export async function runTests(input: {
  strategy: string;
  targets: string[];
  definition: string;
  ctx: HandlerContext;
}): Promise<TestReport> {
  const checks = parseChecks(input.definition);
  const timeout = requestTimeoutMs(input.ctx.config.env);
  const failures: string[] = [];
  for (const target of input.targets) {
    for (const check of checks) {
      const url = checkURL(target, check.path);
      try {
        const res = await fetch(url, { signal: AbortSignal.any([input.ctx.signal, AbortSignal.timeout(timeout)]) });
        if (res.status !== check.expectStatus) failures.push(`${url} answered ${res.status}, expected ${check.expectStatus}`);
      } catch (err) {
        failures.push(`${url} unreachable: ${(err as Error).message}`);
      }
    }
  }
  const total = input.targets.length * checks.length;
  const strategy = input.strategy ? ` (${input.strategy})` : '';
  return failures.length === 0
    ? { passed: true, summary: `${total} of ${total} HTTP checks passed${strategy}` }
    : { passed: false, summary: failureMessage(`${failures.length} of ${total} HTTP checks failed${strategy}`, failures) };
}

/**
 * The URL a check requests: its path appended to the deployment URI with exactly one slash
 * between, the way Locust, JMeter and k6 join a host and a path, so http://host/app and /health
 * give http://host/app/health. Resolving with new URL(path, uri) would drop the service's own
 * /app for any path that starts with a slash.
 */
export function checkURL(target: string, path: string): string {
  return `${target.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/** How many failures the .finished message names; the rest are only counted. */
export const LISTED_FAILURES = 10;
/**
 * The longest .finished message. Keptn's distributor refuses an event over 64 KiB, and the task's
 * .finished is then lost, so the message must not grow with the number of checks.
 */
export const MAX_MESSAGE_LENGTH = 2000;

/** `head: first failures; … and K more`, at most MAX_MESSAGE_LENGTH characters in all. */
export function failureMessage(head: string, failures: string[]): string {
  const listed = failures.slice(0, LISTED_FAILURES);
  const message = () => {
    const more = failures.length - listed.length;
    return `${head}: ${listed.join('; ')}${more > 0 ? `; … and ${more} more` : ''}`;
  };
  // Long failures (a long path, a long error) leave room for fewer of them.
  while (listed.length > 1 && message().length > MAX_MESSAGE_LENGTH) listed.pop();
  // One failure alone too long is cut, so that the message still says how many more there are.
  const over = message().length - MAX_MESSAGE_LENGTH;
  if (over > 0) listed[0] = clip(listed[0], listed[0].length - over);
  // Still too long only if the head is (a teststrategy of thousands of characters).
  return clip(message(), MAX_MESSAGE_LENGTH);
}

/** `text` cut to at most `max` characters, ending in … when cut. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** The checks of a definition file; a broken file is an error that names what is wrong. */
export function parseChecks(text: string): Check[] {
  const doc = parse(text) as { checks?: unknown } | null;
  if (!doc || !Array.isArray(doc.checks) || doc.checks.length === 0) {
    throw new Error(`${CHECKS_RESOURCE} must have a non-empty list "checks"`);
  }
  return doc.checks.map((c: { path?: unknown; expectStatus?: unknown }, i: number) => {
    if (typeof c?.path !== 'string') throw new Error(`${CHECKS_RESOURCE}: checks[${i}].path must be a string`);
    const status = c.expectStatus ?? 200;
    if (typeof status !== 'number') throw new Error(`${CHECKS_RESOURCE}: checks[${i}].expectStatus must be a number`);
    return { path: c.path, expectStatus: status };
  });
}
