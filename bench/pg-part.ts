import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { bootstrap } from '../src/app/bootstrap.ts';
import { openRuntime, type Runtime } from '../src/app/compose.ts';
import { runDuplicateScan } from '../src/app/identity/duplicate-scan.ts';
import { reviewBase } from '../src/app/identity/review.ts';
import { claimClient } from '../src/app/use-cases/claim-client.ts';
import { loadDemo } from '../src/app/use-cases/load-demo.ts';
import { type App, buildServer } from '../src/http/server.ts';
import {
  countViolations,
  defaultLineId,
  describeViolations,
  eventsTo,
  poolClientIds,
  type Violations,
} from './checks.ts';
import { type ChildServer, startChildServer } from './child-server.ts';
import {
  cpuNote,
  Feeder,
  fromSlices,
  httpClaim,
  type LoadResult,
  rawClaim,
  runWorkers,
  takeSlices,
} from './load.ts';
import { installQueryTimer, type StatementStat } from './query-timer.ts';
import { addManagers, applyBenchPolicy, BENCH_CAP } from './setup.ts';
import { fmtMs, fmtNum, type Row, summarize } from './stats.ts';

export type PgOptions = { adminUrl: string; clients: number; seconds: number; log: (s: string) => void };

export type PgReport = {
  serverVersion: string;
  rows: Row[];
  violations: Violations;
  extraViolations: string[];
  profile: { requests: number; meanMs: number; dbMsPerClaim: number; statements: StatementStat[] } | null;
  notes: string[];
};

const WORKERS = 8;
const CAP_OVERRIDE = 50;
const CAP_RUN_CLIENTS = 400;
const PROFILE_CLAIMS = 300;

/** The URL with the password hidden, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(adminUrl: string, text: string): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  c.on('error', () => {});
  await c.connect();
  try {
    return await c.query(text);
  } finally {
    await c.end();
  }
}

/** Returns null (and the reason) when the server cannot be reached: the PostgreSQL part is then skipped. */
export async function probe(adminUrl: string): Promise<{ version: string } | { error: string }> {
  try {
    const r = await adminQuery(adminUrl, 'SHOW server_version');
    return { version: String(r.rows[0]?.server_version ?? '?') };
  } catch (e) {
    return { error: (e as Error).message || String(e) };
  }
}

function loadRow(metric: string, r: LoadResult, unit: string, note: string): Row {
  const s = summarize(r.latencies);
  const rate = r.ok / (r.elapsedMs / 1000);
  const codes = Object.entries(r.codes)
    .filter(([k]) => k !== 'OK')
    .map(([k, v]) => `${k}×${v}`)
    .join(', ');
  return {
    metric,
    value: fmtNum(rate),
    unit,
    p50: fmtMs(s.p50),
    p95: fmtMs(s.p95),
    p99: fmtMs(s.p99),
    note: [
      `ok ${fmtNum(r.ok)}, non-2xx/failed ${fmtNum(r.failed)}${codes ? ` (${codes})` : ''} in ${(r.elapsedMs / 1000).toFixed(1)} s`,
      r.exhausted ? `${r.exhausted} worker(s) ran out of clients` : '',
      cpuNote(r),
      note,
    ]
      .filter(Boolean)
      .join('; '),
  };
}

export async function runPgPart(o: PgOptions, serverVersion: string): Promise<PgReport> {
  const name = `fairbase_bench_${Date.now()}`;
  const databaseUrl = withDatabase(o.adminUrl, name);
  const rows: Row[] = [];
  const notes: string[] = [];
  let rt: Runtime | null = null;
  let app: App | null = null;
  let child: ChildServer | null = null;
  const rawClients: pg.Client[] = [];
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await adminQuery(o.adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    o.log(`dropped database ${name}`);
  };
  const onSignal = () => {
    o.log('interrupted: dropping the bench database');
    drop()
      .catch((e) => o.log(`drop failed: ${(e as Error).message}`))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  await adminQuery(o.adminUrl, `CREATE DATABASE ${name}`);
  o.log(`created database ${name}`);
  try {
    // --- setup and demo load -------------------------------------------------------------------
    let t0 = performance.now();
    rt = await openRuntime({ databaseUrl, poolSize: 20 });
    await bootstrap(rt.ctx, { createAdmin: false });
    const ctx = rt.ctx;
    const migrateMs = performance.now() - t0;

    o.log(`loading ${fmtNum(o.clients)} demo clients…`);
    let nextReport = 0.25;
    t0 = performance.now();
    const demo = await loadDemo(ctx, {
      clients: o.clients,
      onProgress: (done, total) => {
        if (done / total >= nextReport) {
          o.log(`  ${fmtNum(done)} / ${fmtNum(total)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
          nextReport += 0.25;
        }
      },
    });
    const loadMs = performance.now() - t0;
    if (!demo.ok) throw new Error(`loadDemo: ${demo.code}`);
    rows.push({
      metric: 'pg: demo load',
      value: fmtNum(demo.value.clients / (loadMs / 1000)),
      unit: 'clients/s',
      note: `${fmtNum(demo.value.clients)} clients, ${fmtNum(demo.value.events)} events in ${(loadMs / 1000).toFixed(1)} s (create+migrate+bootstrap ${(migrateMs / 1000).toFixed(1)} s)`,
    });

    await applyBenchPolicy(ctx);
    const lineId = await defaultLineId(ctx.db);
    const managers = await addManagers(ctx, WORKERS, 'manager');
    const [capManager] = await addManagers(ctx, 1, 'capped');
    await adminQueryOn(
      databaseUrl,
      `UPDATE users SET cap_override = ${CAP_OVERRIDE} WHERE id = ${capManager!.id}`,
    );
    const tokens = managers.map((m) => m.token);
    const managerIds = managers.map((m) => m.id);

    // --- the pool, shared out disjointly --------------------------------------------------------
    // The cap and profile runs get fixed slices up front; the timed phases then take chunks of the
    // rest as they go (each worker's chunks are its own), so the raw loop gets whatever is left.
    const pool = await poolClientIds(ctx.db, lineId);
    notes.push(`pool after demo load: ${fmtNum(pool.length)} of ${fmtNum(demo.value.clients)} clients`);
    const capSlices = takeSlices(pool, 0, WORKERS, CAP_RUN_CLIENTS / WORKERS);
    const profileSlice = takeSlices(pool, CAP_RUN_CLIENTS, 1, PROFILE_CLAIMS);
    const feeder = new Feeder(pool, CAP_RUN_CLIENTS + PROFILE_CLAIMS);
    // At most a share of the pool per phase, so a small BENCH_CLIENTS still leaves clients for every phase.
    const share = Math.floor(feeder.remaining().length / 6);
    const phase = (limit = share) => ({ workers: WORKERS, source: feeder.source(limit) });

    // --- HTTP claims, server in this process ---------------------------------------------------
    app = await buildServer({ ctx });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    o.log(`HTTP claims, in-process server, ${WORKERS} workers × ${o.seconds} s…`);
    const httpIn = await runWorkers(phase(), o.seconds, httpClaim(url, tokens));
    rows.push(
      loadRow(
        `pg: HTTP claims (${WORKERS} clients)`,
        httpIn,
        'claims/s',
        'server and fetch clients share one Node process',
      ),
    );

    // --- HTTP claims, server in a child process ------------------------------------------------
    let httpChild: LoadResult | null = null;
    try {
      child = await startChildServer(databaseUrl);
      o.log(`HTTP claims, child-process server (pool 10), ${WORKERS} workers × ${o.seconds} s…`);
      httpChild = await runWorkers(phase(), o.seconds, httpClaim(child.url, tokens), child.child.pid);
      rows.push(
        loadRow(
          `pg: HTTP claims (${WORKERS} clients, child server)`,
          httpChild,
          'claims/s',
          '`fairbase start` in a child process (default pool 10)',
        ),
      );
    } catch (e) {
      notes.push(`child-process server run skipped: ${(e as Error).message.slice(0, 200)}`);
    } finally {
      await child?.stop(); // idempotent: the outer finally may call it again
    }

    // --- the use case without HTTP -------------------------------------------------------------
    const directSeconds = Math.max(1, o.seconds / 2);
    o.log(`claimClient use case directly, ${WORKERS} workers × ${directSeconds} s…`);
    const direct = await runWorkers(phase(), directSeconds, async (w, clientId) => {
      const r = await claimClient(ctx, {
        actor: { kind: 'user', id: managerIds[w]!, role: 'manager' },
        clientId,
      });
      return r.ok ? 'OK' : r.code;
    });
    rows.push(
      loadRow(
        `pg: claims use case, no HTTP (${WORKERS} workers)`,
        direct,
        'claims/s',
        'claimClient(ctx) in-process: the HTTP layer is the difference',
      ),
    );

    // --- raw limit -----------------------------------------------------------------------------
    const rawIds = feeder.remaining();
    await adminQueryOn(
      databaseUrl,
      `CREATE TABLE bench_raw_backup AS SELECT client_id, line_id, since FROM ownership
       WHERE line_id = ${lineId} AND client_id = ANY('{${rawIds.join(',')}}'::int[])`,
    );
    for (let i = 0; i < WORKERS; i++) {
      const c = new pg.Client({ connectionString: databaseUrl });
      c.on('error', () => {});
      await c.connect();
      rawClients.push(c);
    }
    o.log(`raw UPDATE transactions, ${WORKERS} connections × ${o.seconds} s…`);
    const raw = await runWorkers(
      phase(Number.POSITIVE_INFINITY),
      o.seconds,
      rawClaim(rawClients, managerIds, lineId),
    );
    rows.push(
      loadRow(
        `pg: raw UPDATE tx (${WORKERS} conns)`,
        raw,
        'tx/s',
        'BEGIN; UPDATE … WHERE owner_id IS NULL; COMMIT on pg.Client',
      ),
    );
    await Promise.all(rawClients.splice(0).map((c) => c.end()));
    // The raw loop bypasses the ledger by design: put those clients back in the pool as they were.
    const restored = await adminQueryOn(
      databaseUrl,
      `UPDATE ownership o SET owner_id = NULL, since = b.since FROM bench_raw_backup b
       WHERE o.client_id = b.client_id AND o.line_id = b.line_id AND o.owner_id IS NOT NULL`,
    );
    await adminQueryOn(databaseUrl, 'DROP TABLE bench_raw_backup');
    if (restored.rowCount !== raw.ok)
      notes.push(`raw restore touched ${restored.rowCount} rows, expected ${raw.ok}`);

    const rawRate = raw.ok / (raw.elapsedMs / 1000);
    const ratioRow = (metric: string, r: LoadResult) => {
      const ratio = r.ok / (r.elapsedMs / 1000) / rawRate;
      const known = Number.isFinite(ratio) && rawRate > 0 && r.ok > 0;
      rows.push({
        metric,
        value: known ? ratio.toFixed(2) : '-',
        unit: 'x',
        note: known
          ? `goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'}`
          : 'no successful operations to compare',
      });
    };
    ratioRow('pg: HTTP/raw ratio', httpIn);
    if (httpChild) ratioRow('pg: HTTP/raw ratio (child server)', httpChild);

    // --- where the time goes: a sequential, instrumented run ------------------------------------
    o.log(`profiling ${PROFILE_CLAIMS} sequential HTTP claims…`);
    const timer = installQueryTimer();
    let profile: PgReport['profile'] = null;
    let seq: LoadResult | null = null;
    try {
      seq = await runWorkers(fromSlices(profileSlice), 60, httpClaim(url, tokens));
      const stats = timer.stop();
      const s = summarize(seq.latencies);
      const dbMs = stats.reduce((a, x) => a + x.totalMs, 0) / Math.max(1, seq.ok + seq.failed);
      profile = { requests: seq.ok + seq.failed, meanMs: s.mean, dbMsPerClaim: dbMs, statements: stats };
      rows.push({
        ...loadRow('pg: HTTP claims (1 client, sequential)', seq, 'claims/s', ''),
        note: `mean ${s.mean.toFixed(2)} ms, of which DB statements ${dbMs.toFixed(2)} ms (client-side wall time)`,
      });
    } finally {
      timer.stop();
    }

    // --- cap run: one manager with cap_override 50, 8 concurrent requests -----------------------
    o.log(`cap run: one manager (cap_override ${CAP_OVERRIDE}), ${WORKERS} concurrent requests…`);
    const capTokens = Array.from({ length: WORKERS }, () => capManager!.token);
    const capRun = await runWorkers(
      fromSlices(capSlices),
      Math.max(2, o.seconds / 3),
      httpClaim(url, capTokens),
    );
    const capReached = capRun.codes['409 CAP_REACHED'] ?? 0;
    rows.push({
      metric: `pg: cap run (cap_override ${CAP_OVERRIDE})`,
      value: fmtNum(capRun.ok),
      unit: 'claims won',
      p50: fmtMs(summarize(capRun.latencies).p50),
      p95: fmtMs(summarize(capRun.latencies).p95),
      p99: fmtMs(summarize(capRun.latencies).p99),
      note: `CAP_REACHED ${capReached}, other ${capRun.failed - capReached}; expected exactly ${CAP_OVERRIDE} wins`,
    });

    await app.close();
    app = null;

    // --- rule checks -------------------------------------------------------------------------
    o.log('checking invariants…');
    const violations = await countViolations(ctx.db, lineId, BENCH_CAP);
    const extraViolations: string[] = [];
    // Every successful claim wrote exactly one ledger event (the raw loop wrote none, by design).
    const expectedEvents = httpIn.ok + (httpChild?.ok ?? 0) + direct.ok + (seq?.ok ?? 0);
    const events = await eventsTo(ctx.db, managerIds);
    if (events !== expectedEvents)
      extraViolations.push(
        `ledger has ${events} claim events for the bench managers, ${expectedEvents} claims succeeded`,
      );
    const capEvents = await eventsTo(ctx.db, [capManager!.id]);
    if (capEvents !== capRun.ok)
      extraViolations.push(`cap manager: ${capEvents} events but ${capRun.ok} successful claims`);
    if (capRun.ok > CAP_OVERRIDE)
      extraViolations.push(`cap manager won ${capRun.ok} > ${CAP_OVERRIDE} claims`);
    notes.push(
      `PostgreSQL checks: ${describeViolations(violations)}; claim events for bench managers ${fmtNum(events)}`,
    );

    // --- the base review (C23) on this base: the duplicate scan, then a review from it ----------
    o.log('duplicate scan and base review…');
    t0 = performance.now();
    const scan = await runDuplicateScan(ctx, `bench-${Date.now()}`);
    const scanMs = performance.now() - t0;
    rows.push({
      metric: 'pg: duplicate scan of the base',
      value: fmtNum(demo.value.clients / (scanMs / 1000)),
      unit: 'clients/s',
      note: `${fmtNum(demo.value.clients)} clients in ${(scanMs / 1000).toFixed(1)} s, ${fmtNum(scan?.total ?? 0)} groups (the nightly job of a base over FAIRBASE_LIVE_DUPLICATES_MAX)`,
    });
    const reviewMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await reviewBase(ctx.db, { now: ctx.clock(), liveDuplicatesMax: 0 });
      reviewMs.push(performance.now() - t);
    }
    const rs = summarize(reviewMs);
    rows.push({
      metric: 'pg: base review (from the scan)',
      value: fmtNum(reviewMs.length),
      unit: 'reviews',
      p50: fmtMs(rs.p50),
      p99: fmtMs(rs.p99),
      note: 'GET /api/review: untouched contacts and legal entities, invalid keys, duplicates from the latest scan',
    });
    return { serverVersion, rows, violations, extraViolations, profile, notes };
  } finally {
    await child?.stop().catch(() => {});
    await Promise.all(rawClients.map((c) => c.end().catch(() => {})));
    await app?.close().catch(() => {});
    await rt?.close().catch(() => {});
    try {
      await drop();
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  }
}

/** One statement on its own connection to the bench database (DDL and SQL-level setup). */
async function adminQueryOn(databaseUrl: string, text: string): Promise<pg.QueryResult> {
  return adminQuery(databaseUrl, text);
}
