import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bootstrap } from '../src/app/bootstrap.ts';
import { openRuntime, type Runtime } from '../src/app/compose.ts';
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
import { cpuNote, Feeder, type LoadResult, runWorkers } from './load.ts';
import { addManagers, applyBenchPolicy, BENCH_CAP } from './setup.ts';
import { fmtMs, fmtNum, type Row, summarize } from './stats.ts';

export type PgliteOptions = { clients: number; seconds: number; log: (s: string) => void };
export type PgliteReport = {
  rows: Row[];
  violations: Violations;
  extraViolations: string[];
  notes: string[];
};

function seqRow(metric: string, r: LoadResult, note: string): Row {
  const s = summarize(r.latencies);
  return {
    metric,
    value: fmtNum(r.ok / (r.elapsedMs / 1000)),
    unit: 'claims/s',
    p50: fmtMs(s.p50),
    p95: fmtMs(s.p95),
    p99: fmtMs(s.p99),
    note: `ok ${fmtNum(r.ok)}, failed ${fmtNum(r.failed)} in ${(r.elapsedMs / 1000).toFixed(1)} s${
      r.exhausted ? ' (ran out of pool clients)' : ''
    }; ${cpuNote(r)} (PGlite runs in this process); ${note}`,
  };
}

/** Embedded PGlite in a temporary data folder: demo load, then sequential claims (use case, then HTTP inject). */
export async function runPglitePart(o: PgliteOptions): Promise<PgliteReport> {
  const dir = await mkdtemp(join(tmpdir(), 'fairbase-bench-'));
  const onSignal = () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let rt: Runtime | null = null;
  let app: App | null = null;
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    let t0 = performance.now();
    rt = await openRuntime({ dataDir: dir });
    await bootstrap(rt.ctx, { createAdmin: false });
    const ctx = rt.ctx;
    const openMs = performance.now() - t0;

    o.log(`PGlite: loading ${fmtNum(o.clients)} demo clients…`);
    t0 = performance.now();
    const demo = await loadDemo(ctx, { clients: o.clients });
    const loadMs = performance.now() - t0;
    if (!demo.ok) throw new Error(`loadDemo: ${demo.code}`);
    rows.push({
      metric: 'pglite: demo load',
      value: fmtNum(demo.value.clients / (loadMs / 1000)),
      unit: 'clients/s',
      note: `${fmtNum(demo.value.clients)} clients, ${fmtNum(demo.value.events)} events in ${(loadMs / 1000).toFixed(1)} s (open+migrate+bootstrap ${(openMs / 1000).toFixed(1)} s)`,
    });

    await applyBenchPolicy(ctx);
    const lineId = await defaultLineId(ctx.db);
    const [m] = await addManagers(ctx, 1, 'pglite');
    const manager = m!;
    const pool = await poolClientIds(ctx.db, lineId);
    const feeder = new Feeder(pool);
    const half = Math.floor(pool.length / 2);
    const phase = () => ({ workers: 1, source: feeder.source(half) });
    const seconds = Math.max(1, o.seconds / 2);

    o.log(`PGlite: claimClient use case, sequential × ${seconds} s…`);
    const direct = await runWorkers(phase(), seconds, async (_w, clientId) => {
      const r = await claimClient(ctx, {
        actor: { kind: 'user', id: manager.id, role: 'manager' },
        clientId,
      });
      return r.ok ? 'OK' : r.code;
    });
    rows.push(seqRow('pglite: claims use case (1 client)', direct, 'claimClient(ctx) in-process'));

    app = await buildServer({ ctx });
    await app.ready();
    const server = app;
    o.log(`PGlite: HTTP app.inject claims, sequential × ${seconds} s…`);
    const headers = { authorization: `Bearer ${manager.token}`, 'content-type': 'application/json' };
    const injected = await runWorkers(phase(), seconds, async (_w, clientId) => {
      const r = await server.inject({
        method: 'POST',
        url: `/api/clients/${clientId}/claim`,
        headers,
        payload: '{}',
      });
      if (r.statusCode >= 200 && r.statusCode < 300) return 'OK';
      return `${r.statusCode} ${(r.json() as { error?: { code?: string } }).error?.code ?? '?'}`;
    });
    rows.push(seqRow('pglite: HTTP inject claims (1 client)', injected, 'Fastify app.inject (no socket)'));

    const violations = await countViolations(ctx.db, lineId, BENCH_CAP);
    const extraViolations: string[] = [];
    const events = await eventsTo(ctx.db, [manager.id]);
    if (events !== direct.ok + injected.ok)
      extraViolations.push(`PGlite: ${events} claim events but ${direct.ok + injected.ok} successful claims`);
    notes.push(`PGlite checks: ${describeViolations(violations)}; pool ${fmtNum(pool.length)} clients`);
    return { rows, violations, extraViolations, notes };
  } finally {
    await app?.close().catch(() => {});
    await rt?.close().catch(() => {});
    await rm(dir, { recursive: true, force: true });
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
