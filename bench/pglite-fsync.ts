/**
 * Can embedded PGlite flush on commit, and what would it cost? (issue 8, item 2)
 *
 *   node bin/run-ts.mjs bench/pglite-fsync.ts [--seconds 5] [--dir /where/the/data/folder/lives]
 *
 * Three ways of opening a data folder, each timed on single-row INSERT commits:
 *  - default:       how Fairbase opens PGlite (PGlite starts postgres with -F = fsync off);
 *  - conf fsync=on: `postgresqlconf: ['fsync = on']` — the command line's -F wins, SHOW fsync stays off;
 *  - forced:        PGlite internals: start parameters without -F (an undocumented option),
 *                   wal_sync_method = fsync (Emscripten's fdatasync syscall is a stub that returns 0) AND
 *                   an fsync for Emscripten's NODEFS layer (its stream_ops have none, so fsync is a no-op),
 *                   so that postgres's WAL flush at commit reaches the disk ("flushes" counts them).
 *                   Not used by Fairbase: it patches a 0.x library's internals; shown to measure the price.
 */
import { fdatasyncSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 5);

let syncCalls = 0;
const base = process.argv.includes('--dir') ? process.argv[process.argv.indexOf('--dir') + 1]! : tmpdir();

type Mode = 'default' | 'conf fsync=on' | 'forced';

async function open(mode: Mode, dir: string): Promise<PGlite> {
  if (mode === 'default') return PGlite.create({ dataDir: dir });
  if (mode === 'conf fsync=on') return PGlite.create({ dataDir: dir, postgresqlconf: ['fsync = on'] });
  const startParams = PGlite.defaultStartParams.filter((p) => p !== '-F');
  const pg = await PGlite.create({
    dataDir: dir,
    startParams,
    postgresqlconf: ['wal_sync_method = fsync'],
  } as PGliteOptions);
  const nodefs = (pg.Module as unknown as { NODEFS: { stream_ops: Record<string, unknown> } }).NODEFS;
  nodefs.stream_ops.fsync = (stream: { nfd: number }) => {
    fdatasyncSync(stream.nfd);
    syncCalls++;
    return 0;
  };
  return pg;
}

async function run(mode: Mode) {
  const dir = mkdtempSync(join(base, 'fairbase-fsync-'));
  try {
    const pg = await open(mode, dir);
    const fsync = (await pg.query<{ fsync: string }>('SHOW fsync')).rows[0]!.fsync;
    await pg.exec('CREATE TABLE t (id serial PRIMARY KEY, v text)');
    let n = 0;
    const end = Date.now() + seconds * 1000;
    const t0 = performance.now();
    while (Date.now() < end) {
      await pg.query('INSERT INTO t (v) VALUES ($1)', [`row ${n}`]);
      n++;
    }
    const s = (performance.now() - t0) / 1000;
    const flushes = syncCalls;
    syncCalls = 0;
    await pg.close();
    return {
      mode,
      fsync,
      commits: n,
      perSecond: Math.round(n / s),
      msPerCommit: ((s * 1000) / n).toFixed(2),
      flushes,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const mode of ['default', 'conf fsync=on', 'forced'] as Mode[]) results.push(await run(mode));
console.table(results);
const [a, , c] = results;
console.log(
  `flushing every commit costs ${(a!.perSecond / Math.max(1, c!.perSecond)).toFixed(1)}× fewer commits/s on ${base} (${process.platform})`,
);
