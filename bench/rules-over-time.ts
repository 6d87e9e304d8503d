/**
 * Rules over time at scale (issue: C10 sweep, C14 coverage): `npm run bench:rules`.
 * Generates N clients, M touches and K managers with set-based SQL, then measures, in the same run:
 *   - the nightly sweep (real run: warnings, expiry, batches of 500) beside ONE hand-written
 *     set-based SELECT of the same expired clients (goal ≤ 3×);
 *   - the team coverage query beside one raw aggregate SQL of the same figures (goal ≤ 2×).
 *
 * Environment: BENCH_ENGINE (pg | pglite, default pg), BENCH_DATABASE_URL (PostgreSQL admin URL,
 * default postgres://postgres@127.0.0.1:5432/test), BENCH_RULES_CLIENTS (1000000),
 * BENCH_RULES_TOUCHES (10000000), BENCH_RULES_MANAGERS (500), BENCH_RULES_REPEAT (3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { bootstrap } from '../src/app/bootstrap.ts';
import type { AppContext } from '../src/app/context.ts';
import { coverage } from '../src/app/queries/analytics.ts';
import { runSweep } from '../src/app/sweep.ts';
import { setPolicy } from '../src/app/use-cases/policy.ts';
import { presets } from '../src/core/policy/policy.ts';
import { connect, type Database } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { rows } from '../src/db/raw.ts';
import { envInt, fmtNum, formatGrid } from './stats.ts';

const engine = process.env.BENCH_ENGINE === 'pglite' ? 'pglite' : 'pg';
const N = envInt('BENCH_RULES_CLIENTS', engine === 'pg' ? 1_000_000 : 100_000);
const M = envInt('BENCH_RULES_TOUCHES', N * 10);
const K = envInt('BENCH_RULES_MANAGERS', 500);
const REPEAT = envInt('BENCH_RULES_REPEAT', 3);
const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const NOW = new Date('2026-11-01T02:00:00Z');
const DAY = 86_400_000;

const t0 = performance.now();
const log = (s: string) =>
  console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(7)} s] ${s}`);

async function open(): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (engine === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'fairbase-bench-rules-'));
    const database = await connect({ dataDir: dir });
    return { database, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `fairbase_bench_rules_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const database = await connect({ databaseUrl: u.toString(), poolSize: 4 });
  return {
    database,
    drop: async () => {
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/**
 * Set-based generation: K managers each own ~180 clients (the rest is the pool), owners since
 * 20–120 days ago; touches spread over 180 days, 70 % on owned clients by their owner; a won deal
 * on 60 % of owned clients (a first sweep after a pause finds many due; a nightly one a few).
 */
async function generate(ctx: AppContext) {
  const ex = ctx.db;
  const now = NOW.toISOString();
  await ex.execute(sql`INSERT INTO users (name, email, password_hash, role, hired_at, created_at)
    SELECT 'Manager ' || g, 'm' || g || '@bench.local', 'x', 'manager', ${new Date(NOW.getTime() - 400 * DAY).toISOString()}, ${now}
    FROM generate_series(1, ${K}::int) g`);
  log(`${K} managers`);
  await ex.execute(sql`INSERT INTO clients (display_name, created_at, updated_at)
    SELECT 'Client ' || g, ${now}, ${now} FROM generate_series(1, ${N}::int) g`);
  log(`${fmtNum(N)} clients`);
  const owned = Math.min(N, K * 180);
  // bootstrap() created the default line; ownership rows for every client, owned by the first `owned`.
  await ex.execute(sql`INSERT INTO ownership (client_id, line_id, owner_id, since, last_reason)
    SELECT c.id, l.id,
           CASE WHEN c.id <= ${owned} THEN (SELECT min(id) FROM users WHERE role = 'manager') + (c.id % ${K}) END,
           ${now}::timestamptz - make_interval(days => (20 + (c.id::bigint * 7919) % 100)::int), 'CLAIMED_FROM_POOL'
    FROM clients c CROSS JOIN lines l WHERE l.is_default
    ON CONFLICT (client_id, line_id) DO UPDATE SET owner_id = excluded.owner_id, since = excluded.since`);
  log(`${fmtNum(owned)} owned slots`);
  const minUser = sql`(SELECT min(id) FROM users WHERE role = 'manager')`;
  // Touches in chunks of 1 M so that progress shows and memory stays flat.
  const chunk = 1_000_000;
  for (let start = 0; start < M; start += chunk) {
    const n = Math.min(chunk, M - start);
    await ex.execute(sql`INSERT INTO touches (client_id, author_id, kind, outcome, occurred_at, created_at)
      SELECT cid, CASE WHEN cid <= ${owned} THEN ${minUser} + (cid % ${K}) ELSE ${minUser} + ((g * 31) % ${K})::int END,
             (ARRAY['call','call','call','meeting','email','email','proposal','note'])[1 + (g * 13) % 8],
             (ARRAY['reached','not_reached','reached','meeting_held','other','other','proposal_sent','other'])[1 + (g * 13) % 8],
             ${now}::timestamptz - make_interval(secs => ((g * 104729) % (180 * 86400))::double precision), ${now}
      FROM (SELECT g, (CASE WHEN g % 10 < 7 THEN 1 + (g * 7) % ${owned} ELSE 1 + (g * 104723) % ${N} END)::int AS cid
            FROM generate_series(${start + 1}::bigint, ${start + n}::bigint) g) s`);
    log(`touches ${fmtNum(start + n)} / ${fmtNum(M)}`);
  }
  await ex.execute(sql`INSERT INTO deals (client_id, line_id, manager_id, title, stage, amount_kopecks, won_at, created_at, updated_at)
    SELECT o.client_id, o.line_id, o.owner_id, 'order', 'won', 10000000 + (o.client_id % 50) * 1000000,
           o.since + make_interval(days => 5 + o.client_id % 15), o.since, o.since
    FROM ownership o WHERE o.owner_id IS NOT NULL AND o.client_id % 10 < 6`);
  log('deals');
  await ex.execute(sql`ANALYZE`);
  log('analyze');
}

/** The hand-written reference: the clients due at NOW under the balanced rules, in one statement. */
function referenceExpiredSql() {
  const p = presets.balanced.expiry;
  return sql`SELECT o.client_id, o.line_id FROM ownership o
    WHERE o.owner_id IS NOT NULL
      AND greatest(
            least(greatest(coalesce((SELECT max(t.occurred_at) FROM touches t WHERE t.client_id = o.client_id
                     AND t.author_id = o.owner_id AND t.occurred_at >= o.since AND t.outcome IN ('meeting_held', 'reached')), o.since), o.since)
                    + make_interval(days => ${p.noTouchDays}),
                  CASE WHEN EXISTS (SELECT 1 FROM deals d WHERE d.client_id = o.client_id AND d.line_id = o.line_id
                                      AND d.stage = 'won' AND d.won_at >= o.since)
                       THEN 'infinity'::timestamptz ELSE o.since + make_interval(days => ${p.noOrderDays}) END),
            coalesce(o.protected_until, '-infinity'), coalesce(o.extended_until, '-infinity')) <= ${NOW.toISOString()}::timestamptz`;
}

/** The hand-written reference for coverage: met / called / touched in 30 days and the base, per owner. */
function referenceCoverageSql(lineId: number) {
  const since = new Date(NOW.getTime() - 30 * DAY).toISOString();
  return sql`SELECT owner_id, count(*) AS base,
      count(*) FILTER (WHERE met) AS met, count(*) FILTER (WHERE called) AS called, count(*) FILTER (WHERE touched) AS touched
    FROM (SELECT o.owner_id, o.client_id,
            bool_or(t.outcome = 'meeting_held' AND t.occurred_at > ${since}) AS met,
            bool_or(t.kind = 'call' AND t.outcome = 'reached' AND t.occurred_at > ${since}) AS called,
            bool_or(t.occurred_at > ${since}) AS touched
          FROM ownership o LEFT JOIN touches t ON t.client_id = o.client_id AND t.author_id = o.owner_id AND t.occurred_at <= ${NOW.toISOString()}
          WHERE o.owner_id IS NOT NULL AND o.line_id = ${lineId}
          GROUP BY o.owner_id, o.client_id) b
    GROUP BY owner_id`;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const s = performance.now();
  const value = await fn();
  return { ms: performance.now() - s, value };
}

async function main() {
  console.log(`Rules over time: engine ${engine}, ${fmtNum(N)} clients, ${fmtNum(M)} touches, ${K} managers`);
  const { database, drop } = await open();
  try {
    await migrate(database);
    const ctx: AppContext = { db: database.db, dbKind: database.kind, clock: () => new Date(NOW) };
    await bootstrap(ctx, { createAdmin: false });
    const set = await setPolicy(ctx, presets.balanced, null, 'bench: balanced');
    if (!set.ok) throw new Error(set.code);
    await generate(ctx);
    const [line] = await rows<{ id: number }>(ctx.db, sql`SELECT id FROM lines WHERE is_default`);
    const lineId = line!.id;

    // Coverage first (read-only), best of REPEAT for both sides.
    const covRef: number[] = [];
    const covApp: number[] = [];
    let managersSeen = 0;
    for (let i = 0; i < REPEAT; i++) {
      covRef.push((await time(() => rows(ctx.db, referenceCoverageSql(lineId)))).ms);
      const r = await time(() =>
        coverage(
          ctx.db,
          { version: 1, policy: presets.balanced },
          { from: new Date(NOW.getTime() - 90 * DAY), to: NOW, lineId },
        ),
      );
      covApp.push(r.ms);
      managersSeen = r.value.managers.length;
    }
    log(`coverage: ${managersSeen} managers`);

    // The reference selection, then the real sweep (it writes: run once).
    const refRuns: number[] = [];
    let expectedDue = 0;
    for (let i = 0; i < REPEAT; i++) {
      const r = await time(() => rows<{ client_id: number }>(ctx.db, referenceExpiredSql()));
      refRuns.push(r.ms);
      expectedDue = r.value.length;
    }
    log(`reference: ${fmtNum(expectedDue)} clients due`);
    let lastPct = -10;
    const sweep = await time(() =>
      runSweep(ctx, {
        now: NOW,
        onProgress: (p) => {
          const pct = p.total ? Math.floor((p.done / p.total) * 100) : 100;
          if (p.phase === 'expiry' && pct >= lastPct + 10) {
            lastPct = pct;
            log(`sweep ${pct}% (${fmtNum(p.done)} / ${fmtNum(p.total)})`);
          }
        },
      }),
    );
    const report = sweep.value;
    if (report.expired.length !== expectedDue) {
      throw new Error(`the sweep expired ${report.expired.length}, the reference selects ${expectedDue}`);
    }
    const second = await time(() => runSweep(ctx, { now: NOW }));
    const best = (xs: number[]) => Math.min(...xs);
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    console.log('');
    console.log(
      formatGrid(
        ['measure', 'fairbase', 'reference SQL', 'ratio', 'goal'],
        [
          [
            `nightly sweep (${fmtNum(report.expired.length)} expired, ${fmtNum(report.warned.length)} warned, ${fmtNum(report.candidates)} candidates)`,
            `${fmtNum(sweep.ms)} ms`,
            `${fmtNum(best(refRuns))} ms`,
            ratio(sweep.ms, best(refRuns)),
            '≤ 3×',
          ],
          [
            'second sweep at the same instant (idempotent: nothing to do)',
            `${fmtNum(second.ms)} ms`,
            `${fmtNum(best(refRuns))} ms`,
            ratio(second.ms, best(refRuns)),
            '',
          ],
          [
            `team coverage (${managersSeen} managers, 3 windows, deals)`,
            `${fmtNum(best(covApp))} ms`,
            `${fmtNum(best(covRef))} ms`,
            ratio(best(covApp), best(covRef)),
            '≤ 2×',
          ],
        ],
      ),
    );
    if (second.value.expired.length !== 0) throw new Error('the second sweep expired clients again');
  } finally {
    await database.close();
    await drop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
