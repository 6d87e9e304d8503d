import { defineConfig } from 'vitest/config';

/** The integration suite (and the concurrency tests) against a PostgreSQL server: DATABASE_URL must be set. */
export default defineConfig({
  test: {
    include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts', 'test/**/*.pg.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // .ci/run sets FAIRBASE_TEST_PROGRESS: which files and cases were running when a suite hangs.
    reporters: process.env.FAIRBASE_TEST_PROGRESS
      ? ['default', './test/support/progress-reporter.ts']
      : ['default'],
    fileParallelism: false,
  },
});
