// Ends a run with one plain line, "tests: N passed, N failed, N skipped", that any CI can read.
import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const count = { passed: 0, failed: unhandledErrors.length, skipped: 0 };
    for (const module of modules) {
      // A file that failed to load, or whose beforeAll failed (its tests then count as skipped),
      // must not read as green.
      const tests = [...module.children.allTests()].map((test) => test.result().state);
      if (module.state() === 'failed' && !tests.includes('failed')) count.failed++;
      for (const state of tests) {
        if (state === 'passed') count.passed++;
        else if (state === 'failed') count.failed++;
        else count.skipped++;
      }
    }
    const line = `tests: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped`;
    // test/suite.sh prints it last, after what vitest says once the run is over.
    if (process.env.SUMMARY_FILE) writeFileSync(process.env.SUMMARY_FILE, `\n${line}\n`);
    else console.log(`\n${line}`);
  }
}
