// Runs Artillery against the deployment; the scenario's `ensure` checks decide (Artillery exits
// non-zero when one fails).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec, tail, type TestReport, type ToolRun } from './keptn/run-tool.js';

export async function runTool(run: ToolRun): Promise<TestReport> {
  const report = join(run.dir, 'report.json');
  const { exitCode, output } = await exec('artillery', ['run', '--target', run.target, '--output', report, run.file], run);
  const text = await readFile(report, 'utf8').catch(() => undefined);
  if (text === undefined) throw new Error(`artillery ended with exit code ${exitCode} and no report: ${tail(output)}`);
  const totals = counters(text);
  const verdict = exitCode === 0 ? 'ensure checks met' : 'ensure checks failed';
  return {
    passed: exitCode === 0,
    summary: `artillery ${run.strategy} test: ${totals.requests} requests, ${totals.notOk} not 2xx, ${totals.errors} errors, ${verdict}`,
  };
}

/** Totals from Artillery's --output report (its aggregate counters). */
export function counters(json: string): { requests: number; notOk: number; errors: number } {
  const counts = (JSON.parse(json) as { aggregate?: { counters?: Record<string, number> } }).aggregate?.counters;
  if (!counts) throw new Error('artillery report has no aggregate counters');
  const sum = (match: (key: string) => boolean) =>
    Object.entries(counts)
      .filter(([k]) => match(k))
      .reduce((n, [, v]) => n + v, 0);
  return {
    requests: counts['http.requests'] ?? 0,
    notOk: sum((k) => /^http\.codes\.\d+$/.test(k) && !k.startsWith('http.codes.2')),
    errors: sum((k) => k.startsWith('errors.')),
  };
}
