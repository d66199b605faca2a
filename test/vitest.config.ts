// The suite's vitest settings (npm test passes --config test/vitest.config.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    dir: 'test',
    globalSetup: ['test/global-setup.ts'],
  },
});
