import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPolicy } from '../src/app/use-cases/policy.ts';
import { presets } from '../src/core/policy/policy.ts';
import { rows } from '../src/db/raw.ts';
import {
  addPoolClient,
  addTestUser,
  call,
  createTestEnv,
  ownershipVsLedger,
  type Seller,
  type TestEnv,
} from './helpers.ts';
import { startServerProcess } from './support/processes.ts';

/** Real concurrency on a real PostgreSQL server (C3): one winner, caps hold, ledger = state. */
let env: TestEnv;
let head: Seller;
const CAP = 10;

beforeAll(async () => {
  if (!process.env.DATABASE_URL)
    throw new Error('the concurrency suite needs DATABASE_URL (npm run test:pg)');
  env = await createTestEnv();
  head = await addTestUser(env, 'head');
  // No protection or cooldown: the storm should hit the cap and the locks as often as possible.
  const policy = {
    ...presets.balanced,
    caps: { defaultCap: CAP, headTransferMayExceedCap: false },
    claimProtectionDays: 0,
    reclaimCooldownDays: 0,
  };
  expect((await setPolicy(env.ctx, policy, head.id, 'storm')).ok).toBe(true);
});
afterAll(() => env?.close());

async function baseOverCap() {
  return rows<{ owner_id: number; n: number }>(
    env.ctx.db,
    sql`SELECT owner_id, count(*)::int AS n FROM ownership WHERE owner_id IS NOT NULL GROUP BY owner_id HAVING count(*) > ${CAP}`,
  );
}

describe('concurrency on PostgreSQL (C3)', () => {
  it('50 parallel claims of one pool client: exactly one wins', async () => {
    const managers = await Promise.all(Array.from({ length: 50 }, () => addTestUser(env, 'manager')));
    const client = await addPoolClient(env, head);
    const results = await Promise.all(
      managers.map((m) => call(env, m, 'POST', `/api/clients/${client}/claim`)),
    );
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'CLIENT_OWNED_BY_OTHER'),
    ).toBe(true);
    const [row] = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(*)::int AS n FROM ownership_events WHERE client_id = ${client}`,
    );
    expect(row!.n).toBe(1);
  });

  it('a manager one below the cap claims 20 clients in parallel: exactly one succeeds', async () => {
    const m = await addTestUser(env, 'manager');
    for (let i = 0; i < CAP - 1; i++)
      expect(
        (await call(env, m, 'POST', `/api/clients/${await addPoolClient(env, head)}/claim`)).status,
      ).toBe(200);
    const targets = await Promise.all(Array.from({ length: 20 }, () => addPoolClient(env, head)));
    const results = await Promise.all(targets.map((c) => call(env, m, 'POST', `/api/clients/${c}/claim`)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.body?.error?.code === 'CAP_REACHED')).toHaveLength(19);
    const base = await call(env, m, 'GET', `/api/managers/${m.id}/base`);
    expect(base.body.manager.baseCount).toBe(CAP);
  });

  it('two server processes, 8 managers, a 10-second storm of claims, releases and swaps: invariants hold', async () => {
    // The server processes run on the real clock: their sessions must be valid now.
    env.clock.set(new Date());
    const managers = await Promise.all(Array.from({ length: 8 }, () => addTestUser(env, 'manager')));
    const clients = await Promise.all(Array.from({ length: 120 }, () => addPoolClient(env, head)));
    const env2 = { DATABASE_URL: env.databaseUrl!, FAIRBASE_DATA_DIR: '' };
    const servers = await Promise.all([startServerProcess(env2), startServerProcess(env2)]);
    const counts: Record<string, number> = {};
    try {
      const deadline = Date.now() + 10_000;
      const pick = <T>(a: T[]) => a[Math.floor(Math.random() * a.length)]!;
      await Promise.all(
        managers.map(async (m, i) => {
          const url = servers[i % 2]!.url;
          const post = async (path: string, body: unknown) => {
            const r = await fetch(`${url}${path}`, {
              method: 'POST',
              headers: { authorization: `Bearer ${m.token}`, 'content-type': 'application/json' },
              body: JSON.stringify(body),
            });
            const json = (await r.json()) as { error?: { code: string } };
            return { status: r.status, code: json.error?.code ?? 'OK' };
          };
          // What this manager believes it owns; mostly right, sometimes stale (a head-free storm never takes clients away).
          const mine = new Set<number>();
          const ownOrAny = () => (mine.size > 0 && Math.random() < 0.8 ? pick([...mine]) : pick(clients));
          while (Date.now() < deadline) {
            const op = pick(['claim', 'claim', 'release', 'swap']);
            const target = pick(clients);
            const out = op === 'claim' ? 0 : ownOrAny();
            const r =
              op === 'claim'
                ? await post(`/api/clients/${target}/claim`, {})
                : op === 'release'
                  ? await post(`/api/clients/${out}/release`, {})
                  : await post(`/api/clients/${target}/swap`, { releaseClientId: out });
            if (r.code === 'OK') {
              if (op !== 'release') mine.add(target);
              if (op !== 'claim') mine.delete(out);
            }
            expect(r.status, `${op} ${r.code}`).toBeLessThan(500);
            const key = `${op}:${r.code}`;
            counts[key] = (counts[key] ?? 0) + 1;
          }
        }),
      );
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
    console.log('storm operations', counts);
    expect(counts['claim:OK'] ?? 0).toBeGreaterThan(20);
    expect(counts['claim:CAP_REACHED'] ?? 0).toBeGreaterThan(0);
    expect(counts['release:OK'] ?? 0).toBeGreaterThan(5);
    const dup = await rows(
      env.ctx.db,
      sql`SELECT client_id, line_id FROM ownership GROUP BY 1, 2 HAVING count(*) > 1`,
    );
    expect(dup).toEqual([]);
    expect(await baseOverCap()).toEqual([]);
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
  });
});
