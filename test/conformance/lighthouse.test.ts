// The lighthouse model (./lighthouse.ts) held to what Keptn's source shows at each tag, and the
// generated slo.yaml held to it: a healthy service passes, a failed key SLI is named.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedTemplates, generate } from '../helpers.js';
import { evaluate, LIGHTHOUSE_TAGS, reasonShown, sloProblems, type GetSliFinished, type SliResult } from './lighthouse.js';

const SLO = 'keptn/resources/slo.yaml';
const sloOf = async (templates?: string) => readFileSync(join((await generate('sli-provider', '1.4', templates)).dir, SLO), 'utf8');

/** An slo.yaml like the generated one, without displayNames (as it was before issue 20). */
const PLAIN = `
spec_version: "1.0"
comparison: {compare_with: single_result, include_result_with_score: pass, number_of_comparison_results: 1, aggregate_function: avg}
objectives:
  - sli: response_time_p95
    pass: [{criteria: ["<=+10%", "<0.6"]}]
    warning: [{criteria: ["<=1"]}]
  - sli: error_rate
    pass: [{criteria: ["<=0.05"]}]
    key_sli: true
  - sli: throughput
total_score: {pass: "90%", warning: "75%"}
`;

const value = (metric: string, v: number) => ({ metric, value: v, success: true });
const failed = (metric: string, message: string) => ({ metric, value: 0, success: false, message });
const reply = (status: string, result: string, message: string, indicatorValues: SliResult[]): GetSliFinished => ({
  status,
  result,
  message,
  'get-sli': { indicatorValues },
});

describe('the lighthouse model, as the source reads', () => {
  const healthy = reply('succeeded', 'pass', 'ok', [value('response_time_p95', 0.2), value('error_rate', 0), value('throughput', 3)]);
  const down = 'metrics backend http://prometheus unreachable: ECONNREFUSED';
  const allFailed = ['response_time_p95', 'error_rate', 'throughput'].map((m) => failed(m, down));

  it.each(LIGHTHOUSE_TAGS)('%s: values within every objective pass with 100', (tag) => {
    expect(evaluate(tag, healthy, PLAIN)).toMatchObject({ status: 'succeeded', result: 'pass', score: 100 });
  });

  it('an error_rate the SLI provider could not retrieve fails every release (issue 20: "no value" where Prometheus had no series)', () => {
    const noErrorRate = reply('succeeded', 'warning', '1 of 3 failed', [
      value('response_time_p95', 0.2),
      failed('error_rate', 'the query returned no value'),
      value('throughput', 3),
    ]);
    // 0.8.7: the key SLI's criterion does not hold (evaluateSingleCriteria: !Success is false).
    expect(evaluate('0.8.7', noErrorRate, PLAIN)).toMatchObject({ result: 'fail', score: 50, message: '' });
    // 1.0.0: evaluateSingleCriteria's error stops the evaluation, named by the SLI.
    expect(evaluate('1.0.0', noErrorRate, PLAIN)).toMatchObject({
      result: 'fail',
      score: 0,
      message: 'error with error_rate: cannot evaluate invalid SLI result',
      indicatorResults: null,
    });
    // 1.4.5: the key SLI fails, named by its displayName: '' when there is none.
    expect(evaluate('1.4.5', noErrorRate, PLAIN)).toMatchObject({
      result: 'fail',
      score: 50,
      message: "Evaluation failed due to key_sli objective '': the query returned no value",
    });
  });

  // What decides the SLI provider's reply when nothing could be retrieved (src/handler.ts).
  it('errored shows the reason on every release; succeeded with result fail hides it on 1.0.0', () => {
    const errored = reply('errored', 'fail', `no indicator could be retrieved: ${down}`, allFailed);
    const succeeded = reply('succeeded', 'fail', `3 of 3 failed: ${down}`, allFailed);
    for (const tag of LIGHTHOUSE_TAGS) expect(reasonShown(evaluate(tag, errored, PLAIN), down), tag).toBe(true);
    expect(evaluate('1.0.0', errored, PLAIN)).toMatchObject({
      status: 'errored',
      result: 'fail',
      message: `evaluation performed by lighthouse received an unexpected error: no indicator could be retrieved: ${down}`,
    });
    // 0.8.7 reads no status: the values are scored, each with its message.
    expect(evaluate('0.8.7', errored, PLAIN)).toMatchObject({ status: 'succeeded', result: 'fail', score: 0 });
    expect(evaluate('0.8.7', errored, PLAIN).indicatorResults?.map((r) => r.message)).toEqual([down, down, down]);

    expect(reasonShown(evaluate('0.8.7', succeeded, PLAIN), down)).toBe(true);
    expect(evaluate('1.0.0', succeeded, PLAIN)).toMatchObject({
      result: 'fail',
      message: 'error with response_time_p95: cannot evaluate invalid SLI result',
    });
    expect(reasonShown(evaluate('1.0.0', succeeded, PLAIN), down)).toBe(false);
    expect(evaluate('1.4.5', succeeded, PLAIN).message).toBe(`lighthouse failed because SLI failed with message 3 of 3 failed: ${down}`);
  });

  it('0.8.7 skips an objective without a value, 1.0.0 and 1.4.5 fail it', () => {
    const missing = reply('succeeded', 'pass', 'ok', [value('error_rate', 0), value('throughput', 3)]);
    expect(evaluate('0.8.7', missing, PLAIN)).toMatchObject({ result: 'fail', score: 50 });
    expect(evaluate('0.8.7', missing, PLAIN).indicatorResults?.map((r) => r.metric)).toEqual(['error_rate', 'throughput']);
    for (const tag of ['1.0.0', '1.4.5'] as const) {
      expect(evaluate(tag, missing, PLAIN).indicatorResults?.[0]).toMatchObject({
        metric: 'response_time_p95',
        status: 'fail',
        message: 'no value received from SLI provider',
      });
    }
  });

  it('1.0.0 and 1.4.5 name the values no objective asked for', () => {
    const extra = reply('succeeded', 'pass', 'ok', [...healthy['get-sli']!.indicatorValues!, value('cpu', 1)]);
    expect(evaluate('0.8.7', extra, PLAIN).message).toBe('');
    expect(evaluate('1.4.5', extra, PLAIN)).toMatchObject({
      result: 'pass',
      message: expect.stringContaining('not specified as SLO: cpu'),
    });
  });
});

describe('the generated slo.yaml', () => {
  it.each(LIGHTHOUSE_TAGS)('%s: a healthy service (no failed request, error rate 0) passes with 100', async (tag) => {
    const healthy = reply('succeeded', 'pass', 'ok', [value('response_time_p95', 0.25), value('error_rate', 0), value('throughput', 0.25)]);
    expect(evaluate(tag, healthy, await sloOf())).toMatchObject({ status: 'succeeded', result: 'pass', score: 100 });
  });

  it('names every objective, and 1.4.5 names a failed key SLI with the reason', async () => {
    const slo = await sloOf();
    expect(sloProblems(slo)).toEqual([]);
    const noErrorRate = reply('succeeded', 'warning', '1 of 3', [
      value('response_time_p95', 0.25),
      failed('error_rate', 'the query returned no series'),
      value('throughput', 1),
    ]);
    expect(evaluate('1.4.5', noErrorRate, slo).message).toBe(
      "Evaluation failed due to key_sli objective 'Error rate': the query returned no series",
    );
  });

  it('a key SLI without its displayName is caught', async () => {
    const slo = await sloOf(changedTemplates([['sli-provider/keptn/resources/slo.yaml', '    displayName: Error rate\n', '']]));
    expect(sloProblems(slo).join('\n')).toMatch(
      /objective error_rate has no displayName\nkey SLI error_rate failing: 1\.4\.5 says fail "Evaluation failed due to key_sli objective '': the reason/,
    );
  });
});
