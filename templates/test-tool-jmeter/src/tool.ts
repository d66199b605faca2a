// Runs JMeter headless against the deployment and judges the run by its results file: JMeter
// itself exits 0 whether or not samples failed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec, tail, type TestReport, type ToolRun } from './keptn/run-tool.js';

export async function runTool(run: ToolRun): Promise<TestReport> {
  const results = join(run.dir, 'results.jtl');
  // -JTARGET_URL: the test plans read it with ${__P(TARGET_URL)}.
  const args = ['-n', '-t', run.file, '-l', results, '-j', join(run.dir, 'jmeter.log'), `-JTARGET_URL=${run.target}`];
  const { exitCode, output } = await exec('jmeter', args, run);
  const text = await readFile(results, 'utf8').catch(() => undefined);
  if (exitCode !== 0 || text === undefined) throw new Error(`jmeter ended with exit code ${exitCode}: ${tail(output)}`);
  const totals = samples(text);
  const passed = totals.samples > 0 && totals.failed === 0;
  const first = totals.firstFailure ? `; first failure: ${totals.firstFailure}` : '';
  return { passed, summary: `jmeter ${run.strategy} test: ${totals.samples} samples, ${totals.failed} failed${first}` };
}

/** Counts the samples of a CSV results file (JMeter's default format, with its header line). */
export function samples(csv: string): { samples: number; failed: number; firstFailure?: string } {
  const [header, ...rows] = csv.trim().split('\n').filter(Boolean).map(fields);
  const success = header?.indexOf('success') ?? -1;
  if (success < 0) throw new Error('jmeter results have no "success" column: keep the CSV format with its header');
  const failed = rows.filter((r) => r[success] !== 'true');
  const [label, code] = [header.indexOf('label'), header.indexOf('responseCode')];
  const firstFailure = failed[0] && `${failed[0][label]} answered ${failed[0][code]}`;
  return { samples: rows.length, failed: failed.length, firstFailure };
}

/** One CSV line's fields; JMeter quotes a field that holds a comma. */
function fields(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)) {
    out.push(m[1].startsWith('"') ? m[1].slice(1, -1).replace(/""/g, '"') : m[1]);
    if (m[2] === '') break;
  }
  return out;
}
