// Runs k6 against the deployment; the test's thresholds decide (k6 exits 99 when one is crossed).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec, tail, type TestReport, type ToolRun } from './keptn/run-tool.js';

const THRESHOLDS_CROSSED = 99;

export async function runTool(run: ToolRun): Promise<TestReport> {
  const summaryFile = join(run.dir, 'summary.json');
  const args = ['run', '--quiet', '--summary-export', summaryFile, '--env', `TARGET_URL=${run.target}`, run.file];
  const { exitCode, output } = await exec('k6', args, run);
  if (exitCode !== 0 && exitCode !== THRESHOLDS_CROSSED) throw new Error(`k6 ended with exit code ${exitCode}: ${tail(output)}`);
  const totals = summarize(await readFile(summaryFile, 'utf8'));
  const verdict = exitCode === 0 ? 'thresholds met' : 'thresholds crossed';
  return { passed: exitCode === 0, summary: `k6 ${run.strategy} test: ${totals.requests} requests, ${totals.failed} failed, ${verdict}` };
}

/** Totals from k6's --summary-export file. */
export function summarize(json: string): { requests: number; failed: number } {
  const metrics = (JSON.parse(json) as { metrics?: Record<string, Record<string, number>> }).metrics;
  if (!metrics) throw new Error('k6 summary has no metrics');
  // http_req_failed is true for a failed request, so its "passes" are the failures.
  return { requests: metrics.http_reqs?.count ?? 0, failed: metrics.http_req_failed?.passes ?? 0 };
}
