import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scheduledBackup } from '../src/app/backup.ts';
import { parseBackupEnv } from '../src/app/scheduler.ts';
import { openRuntime } from '../src/app/compose.ts';
import { bootstrap } from '../src/app/bootstrap.ts';
import { loadDemo } from '../src/app/use-cases/load-demo.ts';
import { runCli } from '../src/cli/main.ts';
import { answers } from './support/answers.ts';

/** Issue 8, item 7 on the embedded database: `fairbase backup` → `fairbase restore` answers the same. */
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'fairbase-backup-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function cli(args: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s) }, { env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function answersOf(dataDir: string) {
  const rt = await openRuntime({ dataDir });
  try {
    return await answers(rt.ctx.db);
  } finally {
    await rt.close();
  }
}

describe('backup and restore, embedded (PGlite)', () => {
  it('round trip: the restored folder answers the same; a non-empty folder needs --force; a held one is refused', async () => {
    const a = tmp();
    const rt = await openRuntime({ dataDir: a });
    await bootstrap(rt.ctx, { createAdmin: false });
    expect((await loadDemo(rt.ctx, { clients: 120 })).ok).toBe(true);
    const before = await answers(rt.ctx.db);
    // While this process holds the folder (as a server would, minus the HTTP pass-through), restore is refused.
    const held = await cli(['restore', join(a, 'x.tar.gz'), '--data-dir', a], {});
    expect(held.err).toContain('DATA_DIR_LOCKED');
    // Scheduled backups: keep the newest N.
    const sched = tmp();
    for (let i = 0; i < 3; i++) await scheduledBackup(rt.ctx, sched, 2, new Date(Date.UTC(2026, 0, 1 + i)));
    expect(readdirSync(sched).sort()).toEqual([
      'fairbase-2026-01-02T00-00-00-000Z.tar.gz',
      'fairbase-2026-01-03T00-00-00-000Z.tar.gz',
    ]);
    await rt.close();
    expect(before.counts!.ledger).toBeGreaterThan(100);
    expect(before.lookup.found.length).toBeGreaterThan(0);

    const file = join(tmp(), 'fairbase.tar.gz');
    const b = await cli(['backup', file], { FAIRBASE_DATA_DIR: a });
    expect(b.code, b.err).toBe(0);
    expect(b.out).toContain(file);

    const target = join(tmp(), 'restored');
    const r = await cli(['restore', file, '--data-dir', target], {});
    expect(r.code, r.err).toBe(0);
    expect(await answersOf(target)).toEqual(before);

    // Again into the same folder: refused without --force, and nothing changes.
    const again = await cli(['restore', file, '--data-dir', target], {});
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('--force');
    const forced = await cli(
      ['restore', join(sched, 'fairbase-2026-01-03T00-00-00-000Z.tar.gz'), '--data-dir', target, '--force'],
      {},
    );
    expect(forced.code, forced.err).toBe(0);
    expect(forced.out).toContain('moved to');
    expect(await answersOf(target)).toEqual(before);
  }, 240_000);
});

describe('scheduled backups of the data folder (FAIRBASE_BACKUP_*)', () => {
  it('parses the schedule, refuses nonsense and PostgreSQL', () => {
    expect(parseBackupEnv({}, '/d')).toBeNull();
    expect(parseBackupEnv({ FAIRBASE_BACKUP_EVERY: 'off' }, '/d')).toBeNull();
    expect(parseBackupEnv({ FAIRBASE_BACKUP_EVERY: '24h' }, '/d')).toEqual({
      everyMs: 86_400_000,
      dir: '/d/backups',
      keep: 7,
    });
    expect(
      parseBackupEnv(
        { FAIRBASE_BACKUP_EVERY: '30m', FAIRBASE_BACKUP_DIR: '/b', FAIRBASE_BACKUP_KEEP: '3' },
        '/d',
      ),
    ).toEqual({ everyMs: 1_800_000, dir: '/b', keep: 3 });
    expect(() => parseBackupEnv({ FAIRBASE_BACKUP_EVERY: 'daily' }, '/d')).toThrow(/FAIRBASE_BACKUP_EVERY/);
    expect(() => parseBackupEnv({ FAIRBASE_BACKUP_EVERY: '1d', FAIRBASE_BACKUP_KEEP: '0' }, '/d')).toThrow(
      /FAIRBASE_BACKUP_KEEP/,
    );
    expect(() => parseBackupEnv({ FAIRBASE_BACKUP_EVERY: '1d' }, null)).toThrow(/pg_dump/);
  });
});
