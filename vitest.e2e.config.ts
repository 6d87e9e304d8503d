import { defineConfig } from 'vitest/config';

/** Browser journeys: the real server in a child process, Debian's Chromium driven by playwright-core. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 90_000,
    // Building the UI and loading 100,000 clients take minutes on a busy 2-core machine.
    hookTimeout: 420_000,
    pool: 'forks',
    // .ci/run sets FAIRBASE_TEST_PROGRESS: which files and cases were running when a suite hangs.
    reporters: process.env.FAIRBASE_TEST_PROGRESS
      ? ['default', './test/support/progress-reporter.ts']
      : ['default'],
    fileParallelism: false,
  },
});
