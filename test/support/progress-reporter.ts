import { appendFileSync } from 'node:fs';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/**
 * CI heartbeat and diagnostics: when FAIRBASE_TEST_PROGRESS names a file, every test file's start and
 * end and every test case's start and end are appended to it. `.ci/run`'s watchdog stops a suite that
 * has written nothing for ten minutes, and then says which files and cases were still running
 * (vitest's own reporter prints a file only when it ends).
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

  onTestCaseResult(t: TestCase) {
    this.line(`done ${t.module.moduleId} :: ${t.fullName} ${t.result().state}`);
  }
}
