import { appendFileSync } from 'node:fs';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/**
 * CI diagnostics: when FAIRBASE_TEST_PROGRESS names a file, every test file's start and end and every
 * test case's start are appended to it, so a suite stopped by `.ci/run`'s time limit can say which
 * files and cases were still running (vitest's own reporter prints a file only when it ends).
 */
export default class ProgressReporter implements Reporter {
  private readonly out = process.env.FAIRBASE_TEST_PROGRESS;

  private line(text: string) {
    if (this.out) appendFileSync(this.out, `${new Date().toISOString()} ${text}\n`);
  }

  onTestModuleStart(m: TestModule) {
    this.line(`start ${m.moduleId}`);
  }

  onTestModuleEnd(m: TestModule) {
    this.line(`end ${m.moduleId} ${m.state()}`);
  }

  onTestCaseReady(t: TestCase) {
    this.line(`case ${t.module.moduleId} :: ${t.fullName}`);
  }
}
