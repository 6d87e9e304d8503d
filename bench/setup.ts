import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type SQL, sql } from 'drizzle-orm';
import pg from 'pg';
import { bootstrap } from '../src/app/bootstrap.ts';
import type { AppContext } from '../src/app/context.ts';
import { setPolicy } from '../src/app/use-cases/policy.ts';
import { addUser, login } from '../src/app/use-cases/users.ts';
import { type Policy, presets } from '../src/core/policy/policy.ts';
import { connect, type Database } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { fmtNum } from './stats.ts';

export const BENCH_CAP = 100_000;

/** Balanced, but no protection, no cooldown and a cap that never binds: claims measure the engine, not the rules. */
export function benchPolicy(): Policy {
  const base = presets.balanced;
  return {
    ...base,
    preset: 'custom',
    caps: { ...base.caps, defaultCap: BENCH_CAP },
    claimProtectionDays: 0,
    reclaimCooldownDays: 0,
  };
}

export async function applyBenchPolicy(ctx: AppContext): Promise<number> {
  const res = await setPolicy(ctx, benchPolicy(), null, 'benchmark: no protection, no cooldown, cap 100000');
  if (!res.ok) throw new Error(`setPolicy: ${res.code} ${JSON.stringify(res.details)}`);
  return res.value.version;
}

export type BenchManager = { id: number; email: string; token: string };

/** Managers hired a year ago (no newcomer rules), each signed in (a session token for Bearer auth). */
export async function addManagers(ctx: AppContext, n: number, prefix: string): Promise<BenchManager[]> {
  const hiredAt = new Date(ctx.clock().getTime() - 365 * 86_400_000);
  const tag = randomBytes(3).toString('hex');
  const password = 'bench-password-1';
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const email = `${prefix}${i + 1}-${tag}@bench.local`;
      const added = await addUser(ctx, {
        name: `Bench ${prefix} ${i + 1}`,
        email,
        password,
        role: 'manager',
        hiredAt,
      });
      if (!added.ok) throw new Error(`addUser ${email}: ${added.code}`);
      const session = await login(ctx, email, password, 'fairbase-bench');
      if (!session.ok) throw new Error(`login ${email}: ${session.code}`);
      return { id: added.value.id, email, token: session.value.token };
    }),
  );
}

/** Which database a set-based benchmark runs on: BENCH_ENGINE (pg | pglite, default pg). */
export const benchEngine: 'pg' | 'pglite' = process.env.BENCH_ENGINE === 'pglite' ? 'pglite' : 'pg';
/** BENCH_DATABASE_URL: the PostgreSQL admin URL a throw-away database is created through. */
const benchAdminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A throw-away database named after `tag`: a PGlite folder in the temp dir, or on PostgreSQL a database
 * `fairbase_bench_<tag>_<pid>` created through the admin URL; `drop` removes it again.
 */
export async function openBenchDatabase(
  tag: string,
): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (benchEngine === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), `fairbase-bench-${tag}-`));
    const database = await connect({ dataDir: dir });
    return { database, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `fairbase_bench_${tag}_${process.pid}`;
  const dropDatabase = async () => {
    const admin = new pg.Client({ connectionString: benchAdminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    return admin;
  };
  const admin = await dropDatabase();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(benchAdminUrl);
  u.pathname = `/${name}`;
  const database = await connect({ databaseUrl: u.toString(), poolSize: 4 });
  return { database, drop: async () => (await dropDatabase()).end() };
}

/**
 * Open a throw-away database (see openBenchDatabase), migrate it, bootstrap it at the fixed clock `now`
 * under the balanced rules (version 1), run `work` on it, then close and drop it.
 */
export async function withBenchDatabase(tag: string, now: Date, work: (ctx: AppContext) => Promise<void>) {
  const { database, drop } = await openBenchDatabase(tag);
  try {
    await migrate(database);
    const ctx: AppContext = { db: database.db, dbKind: database.kind, clock: () => new Date(now) };
    await bootstrap(ctx, { createAdmin: false });
    const set = await setPolicy(ctx, presets.balanced, null, 'bench: balanced');
    if (!set.ok) throw new Error(set.code);
    await work(ctx);
  } finally {
    await database.close();
    await drop();
  }
}

/** A console log whose lines start with the seconds since it was made. */
export function elapsedLog(): (line: string) => void {
  const t0 = performance.now();
  return (s) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(7)} s] ${s}`);
}

export async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const s = performance.now();
  const value = await fn();
  return { ms: performance.now() - s, value };
}

/*
 * The set-based generator of a history (bench/rules-over-time.ts, bench/simulate.ts): every row is made
 * by one INSERT … SELECT over generate_series, deterministic in the row numbers. The managers are the
 * only users, so `(SELECT min(id) FROM users WHERE role = 'manager')` + k is the k-th one.
 */

const DAY_MS = 86_400_000;
/** A whole number written into the SQL text (a shape constant of the generator, not a parameter). */
function literal(n: number): SQL {
  if (!Number.isInteger(n)) throw new Error(`not a whole number: ${n}`);
  return sql.raw(String(n));
}
/** The id of the first generated manager. */
export const FIRST_MANAGER = sql`(SELECT min(id) FROM users WHERE role = 'manager')`;

/** The shape of a generated history; every count and span is a whole number. */
export interface HistoryShape {
  /** The instant the history ends at (the benchmark's fixed clock). */
  now: Date;
  /** K managers 'Manager <g>' (m<g>@bench.local), hired this many days before `now`. */
  managers: number;
  hiredDaysAgo: number;
  /** N clients 'Client <g>'; the first `owned` are owned round-robin by the managers, the rest are in the pool. */
  clients: number;
  owned: number;
  /** An owner's claim is `sinceMinDays + (id × 7919) mod sinceSpanDays` days before `now`. */
  sinceMinDays: number;
  sinceSpanDays: number;
  /** M touches in chunks of `touchChunk` rows (progress shows, memory stays flat) over the `touchWindowDays` before `now`. */
  touches: number;
  touchChunk: number;
  touchWindowDays: number;
  /** Touch row g is on the client `touchClient` (SQL over g) by the author `touchAuthor` (SQL over g and cid). */
  touchClient: SQL;
  touchAuthor: SQL;
  /** Run after the ownership rows are in (e.g. the ledger events of those claims). */
  afterOwnership?: () => Promise<void>;
}

/**
 * A history made with set-based SQL: the managers, the clients and their ownership on the default line
 * (bootstrap() made it), the touches (kind and outcome cycle through eight pairs), a won order on 60 %
 * of the owned clients 5–20 days after the claim; then ANALYZE.
 */
export async function generateHistory(ctx: AppContext, h: HistoryShape, log: (line: string) => void) {
  const ex = ctx.db;
  const now = h.now.toISOString();
  await ex.execute(sql`INSERT INTO users (name, email, password_hash, role, hired_at, created_at)
    SELECT 'Manager ' || g, 'm' || g || '@bench.local', 'x', 'manager', ${new Date(h.now.getTime() - h.hiredDaysAgo * DAY_MS).toISOString()}, ${now}
    FROM generate_series(1, ${h.managers}::int) g`);
  await ex.execute(sql`INSERT INTO clients (display_name, created_at, updated_at)
    SELECT 'Client ' || g, ${now}, ${now} FROM generate_series(1, ${h.clients}::int) g`);
  await ex.execute(sql`INSERT INTO ownership (client_id, line_id, owner_id, since, last_reason)
    SELECT c.id, l.id,
           CASE WHEN c.id <= ${h.owned} THEN ${FIRST_MANAGER} + (c.id % ${h.managers}) END,
           ${now}::timestamptz - make_interval(days => (${literal(h.sinceMinDays)} + (c.id::bigint * 7919) % ${literal(h.sinceSpanDays)})::int), 'CLAIMED_FROM_POOL'
    FROM clients c CROSS JOIN lines l WHERE l.is_default
    ON CONFLICT (client_id, line_id) DO UPDATE SET owner_id = excluded.owner_id, since = excluded.since`);
  await h.afterOwnership?.();
  log(`${h.managers} managers, ${fmtNum(h.clients)} clients, ${fmtNum(h.owned)} owned`);
  for (let start = 0; start < h.touches; start += h.touchChunk) {
    const n = Math.min(h.touchChunk, h.touches - start);
    await ex.execute(sql`INSERT INTO touches (client_id, author_id, kind, outcome, occurred_at, created_at)
      SELECT cid, ${h.touchAuthor},
             (ARRAY['call','call','call','meeting','email','email','proposal','note'])[1 + (g * 13) % 8],
             (ARRAY['reached','not_reached','reached','meeting_held','other','other','proposal_sent','other'])[1 + (g * 13) % 8],
             ${now}::timestamptz - make_interval(secs => ((g * 104729) % (${literal(h.touchWindowDays)} * 86400))::double precision), ${now}
      FROM (SELECT g, (${h.touchClient})::int AS cid FROM generate_series(${start + 1}::bigint, ${start + n}::bigint) g) s`);
    log(`touches ${fmtNum(start + n)} / ${fmtNum(h.touches)}`);
  }
  await ex.execute(sql`INSERT INTO deals (client_id, line_id, manager_id, title, stage, amount_kopecks, won_at, created_at, updated_at)
    SELECT o.client_id, o.line_id, o.owner_id, 'order', 'won', 10000000 + (o.client_id % 50) * 1000000,
           o.since + make_interval(days => 5 + o.client_id % 15), o.since, o.since
    FROM ownership o WHERE o.owner_id IS NOT NULL AND o.client_id % 10 < 6`);
  await ex.execute(sql`ANALYZE`);
  log('deals, analyze');
}
