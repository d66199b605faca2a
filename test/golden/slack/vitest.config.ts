// One time limit for every test and hook, only against a hang: the waits inside a test bound
// themselves, and a slow or loaded machine (a CI runner, a laptop building beside it) is only
// slower, not red. TEST_TIME_SCALE=2 doubles the limit for a machine slower still.
import { defineConfig } from 'vitest/config';

const LIMIT = 10 * 60_000 * Math.max(1, Number(process.env.TEST_TIME_SCALE) || 1);

export default defineConfig({
  test: { testTimeout: LIMIT, hookTimeout: LIMIT },
});
