import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { fail, ok, type Outcome } from '../core/outcome.ts';
import { acquireDataDirLock, liveHolder } from '../db/data-dir-lock.ts';
import type { AppContext } from './context.ts';

/**
 * Backup and restore (issue 8, item 7).
 * Embedded (PGlite): the data folder dumped by PGlite's dumpDataDir() into a .tar.gz, taken from the
 * process that holds the folder (the server when it runs: the CLI command goes through it, ADR 0002);
 * restored into an empty data folder (or, with force, after moving the old one aside).
 * PostgreSQL: pg_dump / pg_restore in custom format, when they are on PATH.
 */
export type BackupResult = { kind: 'pglite' | 'postgres'; file: string; bytes: number };

/** PGlite: dump the open database's data folder (a consistent snapshot: PGlite runs one query at a time). */
export async function backupPglite(ctx: AppContext, out: string): Promise<Outcome<BackupResult>> {
  if (ctx.dbKind !== 'pglite') return fail('CONFLICT', { reason: 'not an embedded database' });
  const client = (ctx.db as unknown as { $client: PGlite }).$client;
  const blob = await client.dumpDataDir('gzip');
  const bytes = Buffer.from(await blob.arrayBuffer());
  const file = resolve(out);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes, { mode: 0o600 });
  return ok({ kind: 'pglite', file, bytes: bytes.length });
}

function hasTool(name: string): boolean {
  const r = spawnSync(name, ['--version'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

const missingTool = (name: string) =>
  fail('CONFLICT', {
    field: name,
    reason: `${name} is not on PATH: install the PostgreSQL client tools of your server's major version (Debian/Ubuntu: apt install postgresql-client)`,
  });

/** PostgreSQL: pg_dump in custom format (-Fc), restorable with pg_restore. */
export function backupPostgres(databaseUrl: string, out: string): Outcome<BackupResult> {
  if (!hasTool('pg_dump')) return missingTool('pg_dump');
  const file = resolve(out);
  mkdirSync(dirname(file), { recursive: true });
  const r = spawnSync('pg_dump', ['-Fc', '--no-owner', '-f', file, '--dbname', databaseUrl], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return fail('CONFLICT', { reason: `pg_dump failed: ${(r.stderr || '').trim()}` });
  return ok({ kind: 'postgres', file, bytes: statSync(file).size });
}

export type RestoreResult = {
  kind: 'pglite' | 'postgres';
  from: string;
  target: string;
  movedAside: string | null;
};

/**
 * PGlite: load a dump into the data folder. Refused while a process holds the folder (stop the server
 * first: a running server cannot swap its database underneath itself), and into a folder that already
 * holds a database unless `force` (then the old database is moved aside, not deleted).
 */
export async function restorePglite(
  dataDir: string,
  input: string,
  force: boolean,
): Promise<Outcome<RestoreResult>> {
  const from = resolve(input);
  const dir = resolve(dataDir);
  const holder = liveHolder(dir);
  if (holder) return fail('DATA_DIR_LOCKED', { pid: holder.pid, host: holder.host, dataDir: dir });
  if (!existsSync(from)) return fail('NOT_FOUND', { field: 'IN', file: from });
  const lock = acquireDataDirLock(dir);
  try {
    const pgDir = join(dir, 'pg');
    let movedAside: string | null = null;
    if (existsSync(pgDir) && readdirSync(pgDir).length > 0) {
      if (!force)
        return fail('CONFLICT', {
          field: 'dataDir',
          dataDir: dir,
          reason:
            'the data folder already holds a database; restore into a new folder, or add --force (the old one is moved aside)',
        });
      movedAside = join(dir, `pg.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      renameSync(pgDir, movedAside);
    }
    const blob = new Blob([readFileSync(from)]);
    const client = await PGlite.create({ dataDir: pgDir, loadDataDir: blob, extensions: { pg_trgm } });
    await client.query('SELECT 1');
    await client.close();
    return ok({ kind: 'pglite', from, target: dir, movedAside });
  } finally {
    lock.release();
  }
}

/**
 * PostgreSQL: pg_restore into the database of the URL (create it first for a new one). A database that
 * already has Fairbase's tables is refused unless `force` (then pg_restore --clean replaces them).
 */
export function restorePostgres(databaseUrl: string, input: string, force: boolean): Outcome<RestoreResult> {
  const from = resolve(input);
  if (!existsSync(from)) return fail('NOT_FOUND', { field: 'IN', file: from });
  if (!hasTool('pg_restore')) return missingTool('pg_restore');
  if (!hasTool('psql')) return missingTool('psql');
  const probe = spawnSync(
    'psql',
    [
      '-XAtq',
      '--dbname',
      databaseUrl,
      '-c',
      "SELECT count(*) FROM information_schema.tables WHERE table_name = 'clients'",
    ],
    { encoding: 'utf8' },
  );
  if (probe.status !== 0)
    return fail('CONFLICT', { reason: `cannot reach the database: ${(probe.stderr || '').trim()}` });
  const populated = probe.stdout.trim() !== '0';
  if (populated && !force)
    return fail('CONFLICT', {
      field: 'DATABASE_URL',
      reason:
        'the database already holds Fairbase tables; restore into a new database, or add --force to replace them',
    });
  const args = ['--no-owner', '--exit-on-error', '--dbname', databaseUrl];
  if (populated) args.unshift('--clean', '--if-exists');
  const r = spawnSync('pg_restore', [...args, from], { encoding: 'utf8' });
  if (r.status !== 0) return fail('CONFLICT', { reason: `pg_restore failed: ${(r.stderr || '').trim()}` });
  const u = new URL(databaseUrl);
  return ok({ kind: 'postgres', from, target: `${u.host}${u.pathname}`, movedAside: null });
}

/** Scheduled backups of an embedded data folder: file name by time, keep the newest `keep`. */
export async function scheduledBackup(
  ctx: AppContext,
  dir: string,
  keep: number,
  now: Date,
): Promise<{ file: string; removed: string[] }> {
  const name = `fairbase-${now.toISOString().replace(/[:.]/g, '-')}.tar.gz`;
  const out = await backupPglite(ctx, join(dir, name));
  if (!out.ok) throw new Error(`backup: ${out.code}`);
  const mine = readdirSync(dir)
    .filter((f) => /^fairbase-.*\.tar\.gz$/.test(f))
    .sort();
  const removed = mine.slice(0, Math.max(0, mine.length - keep));
  for (const f of removed) rmSync(join(dir, f), { force: true });
  return { file: basename(out.value.file), removed };
}
