import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../src/db/connect.ts';
import { DataDirLockedError, lockPath } from '../src/db/data-dir-lock.ts';
import { runCliProcess, startServerProcess } from './support/processes.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'fairbase-lock-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// The lock is what protects an embedded data folder: PGlite itself has none between processes.
describe('the PGlite data folder is opened by one process only', () => {
  it('refuses a second opener in this process and in another process, naming the PID', async () => {
    const dir = tmp();
    const first = await connect({ dataDir: dir });
    try {
      await expect(connect({ dataDir: dir })).rejects.toBeInstanceOf(DataDirLockedError);
      const other = await runCliProcess(['user', 'list'], { FAIRBASE_DATA_DIR: dir });
      expect(other.code).toBe(7);
      expect(other.stderr).toContain('DATA_DIR_LOCKED');
      expect(other.stderr).toContain(`"pid":${process.pid}`);
    } finally {
      await first.close();
    }
    // Released on close: the folder opens again.
    const again = await connect({ dataDir: dir });
    await again.close();
  }, 120_000); // child processes: slow on a loaded 2-core box

  it('takes over a stale lock left by a dead process', async () => {
    const dir = tmp();
    writeFileSync(
      lockPath(dir),
      JSON.stringify({ pid: 2 ** 22 + 12345, host: (await import('node:os')).hostname(), startedAt: 'x' }),
    );
    const db = await connect({ dataDir: dir });
    await db.close();
  }, 120_000);

  it('a CLI command run while the server holds the folder goes through the server', async () => {
    const dir = tmp();
    const server = await startServerProcess({
      DATABASE_URL: '',
      FAIRBASE_DATA_DIR: dir,
      FAIRBASE_ADMIN_PASSWORD: 'admin-pass-1',
    });
    try {
      const add = await runCliProcess(
        [
          'user',
          'add',
          '--name',
          'Анна',
          '--email',
          'anna@demo.ru',
          '--role',
          'manager',
          '--password',
          'password-1',
        ],
        {
          FAIRBASE_DATA_DIR: dir,
        },
      );
      expect(add.stderr).toContain('the command runs there');
      expect(add.code).toBe(0);
      const list = await runCliProcess(['user', 'list', '--json'], { FAIRBASE_DATA_DIR: dir });
      expect(JSON.parse(list.stdout).map((u: { email: string }) => u.email)).toEqual([
        'admin@fairbase.local',
        'anna@demo.ru',
      ]);
      const bad = await runCliProcess(['claim', '1', '--as', 'nobody@x.ru'], { FAIRBASE_DATA_DIR: dir });
      expect(bad.code).toBe(3);
      expect(bad.stderr).toContain('NOT_FOUND');
    } finally {
      await server.stop();
    }
  }, 120_000); // a server start and three CLI processes: slow on a loaded 2-core box
});
