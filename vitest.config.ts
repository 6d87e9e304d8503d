import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/*.pg.test.ts', '**/*.e2e.test.ts', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // .ci/run sets FAIRBASE_TEST_PROGRESS: which files and cases were running when a suite hangs.
    reporters: process.env.FAIRBASE_TEST_PROGRESS
      ? ['default', './test/support/progress-reporter.ts']
      : ['default'],
  },
});
