// The suite's vitest settings (npm test passes --config test/vitest.config.ts).
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    dir: 'test',
    // Projects kept as fixtures and golden projects (test/fixtures, test/golden, relative to dir)
    // carry tests of their own, run only inside those projects.
    exclude: [...configDefaults.exclude, 'fixtures/**', 'golden/**'],
    globalSetup: ['test/global-setup.ts'],
  },
});
