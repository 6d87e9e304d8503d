import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPolicy } from '../src/app/use-cases/policy.ts';
import { presets } from '../src/core/policy/policy.ts';
import { rows } from '../src/db/raw.ts';
import { addTestUser, createTestEnv, ownershipVsLedger, T0, type TestEnv } from './helpers.ts';
import { runCliProcess } from './support/processes.ts';

/**
 * C10 on PostgreSQL: two `fairbase sweep` processes started together on one database.
 * Whatever the interleaving, every neglected client goes to the pool exactly once, every
 * warning is sent once, and ownership stays the fold of the ledger.
 */
let env: TestEnv;
const N = 600;

beforeAll(async () => {
  if (!process.env.DATABASE_URL) throw new Error('this suite needs DATABASE_URL (PostgreSQL)');
  env = await createTestEnv();
  const head = await addTestUser(env, 'head');
  const managers = await Promise.all([1, 2, 3].map(() => addTestUser(env, 'manager')));
  expect((await setPolicy(env.ctx, presets.balanced, head.id, 'balanced')).ok).toBe(true);
  const t0 = T0.toISOString();
  await env.ctx.db.execute(
    sql`INSERT INTO clients (display_name, created_at, updated_at)
        SELECT 'Sweep client ' || g, ${t0}, ${t0} FROM generate_series(1, ${N}) g`,
  );
  // Every client owned since T0 by one of three managers; a third of them touched on day 30.
  const ids = managers.map((m) => m.id);
  await env.ctx.db.execute(
    sql`INSERT INTO ownership (client_id, line_id, owner_id, since, last_reason)
        SELECT c.id, l.id, (${sql.raw(`ARRAY[${ids.join(',')}]`)})[1 + c.id % 3], ${t0}, 'CLAIMED_FROM_POOL'
        FROM clients c CROSS JOIN lines l WHERE l.is_default
        ON CONFLICT (client_id, line_id) DO UPDATE SET owner_id = excluded.owner_id, since = excluded.since`,
  );
  await env.ctx.db.execute(
    sql`INSERT INTO ownership_events (client_id, line_id, type, from_manager_id, to_manager_id, actor, reason_code, rule, policy_version, occurred_at, details)
        SELECT client_id, line_id, 'ClientClaimed', NULL, owner_id, 'test', 'CLAIMED_FROM_POOL', 'R-CLAIM-1', 1, since, '{}'::jsonb FROM ownership`,
  );
  await env.ctx.db.execute(
    sql`UPDATE ownership o SET last_event_id = e.id FROM ownership_events e WHERE e.client_id = o.client_id AND e.line_id = o.line_id`,
  );
  await env.ctx.db.execute(
    sql`INSERT INTO touches (client_id, author_id, kind, outcome, occurred_at, created_at)
        SELECT client_id, owner_id, 'call', 'reached', ${new Date(T0.getTime() + 30 * 86_400_000).toISOString()}, now()
        FROM ownership WHERE client_id % 3 = 0`,
  );
}, 120_000);
afterAll(() => env?.close());

describe('two sweep processes on one PostgreSQL', () => {
  it('expire each neglected client exactly once', async () => {
    const day = (d: number) => new Date(T0.getTime() + d * 86_400_000).toISOString();
    const e = { DATABASE_URL: env.databaseUrl! };
    const warn = await Promise.all([
      runCliProcess(['--now', day(50), '--json', 'sweep', '--batch', '50'], e),
      runCliProcess(['--now', day(50), '--json', 'sweep', '--batch', '50'], e),
    ]);
    for (const r of warn) expect(r.code, r.stderr).toBe(0);
    const [notices] = await rows<{ n: string; d: string }>(
      env.ctx.db,
      sql`SELECT count(*) AS n, count(DISTINCT (user_id, dedupe_key)) AS d FROM notifications WHERE kind = 'expiry_warning'`,
    );
    expect(Number(notices!.n)).toBe(N - N / 3);
    expect(notices!.d).toBe(notices!.n);

    const runs = await Promise.all([
      runCliProcess(['--now', day(60), '--json', 'sweep', '--batch', '50'], e),
      runCliProcess(['--now', day(60), '--json', 'sweep', '--batch', '50'], e),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const reports = runs.map((r) => JSON.parse(r.stdout));
    expect(reports.some((r) => r.ran)).toBe(true);
    const expiredTotal = reports.reduce((s, r) => s + r.expired.length, 0);
    expect(expiredTotal).toBe(N - N / 3);
    const [events] = await rows<{ n: string; d: string }>(
      env.ctx.db,
      sql`SELECT count(*) AS n, count(DISTINCT client_id) AS d FROM ownership_events WHERE type = 'ClientExpired'`,
    );
    expect(Number(events!.n)).toBe(N - N / 3);
    expect(events!.d).toBe(events!.n);
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
    console.log(
      'two sweeps:',
      reports.map((r) => ({ ran: r.ran, expired: r.expired.length })),
    );
  }, 180_000);
});
