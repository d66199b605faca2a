// The suite's vitest settings (npm test passes --config test/vitest.config.ts).
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Time limits only stop a test that hangs: on a slow or loaded machine a test is slower, not
 * failed. So every test and hook has one generous bound, none of its own (a wait inside a test,
 * such as a service's start, bounds itself); TEST_TIME_SCALE multiplies it for a machine slower
 * still. 5 s, vitest's default, was hit by half a minute of CPU at load 9 on 2 cores.
 */
const LIMIT = 10 * 60_000 * Math.max(1, Number(process.env.TEST_TIME_SCALE) || 1);

export default defineConfig({
  test: {
    dir: 'test',
    // Projects kept as fixtures and golden projects (test/fixtures, test/golden, relative to dir)
    // carry tests of their own, run only inside those projects.
    exclude: [...configDefaults.exclude, 'fixtures/**', 'golden/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: LIMIT,
    hookTimeout: LIMIT,
  },
});
