import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/raw.ts';
import { addPoolClient, addTestUser, createTestEnv, type Seller, type TestEnv } from './helpers.ts';
import { checkInvariants } from './support/invariants.ts';

/**
 * The storm's invariant checker must catch a base over its cap, and must not blame a base that a
 * head's override put over it, even after a later event that keeps the owner (a dispute kept).
 */
let env: TestEnv;
let head: Seller;
let anna: Seller;
let boris: Seller;
let lineId: number;

/** Append a ledger event and point the slot's ownership row at it, as applyEvents does. */
async function event(
  clientId: number,
  from: number | null,
  to: number | null,
  type: string,
  reason: string,
  details: Record<string, unknown> = {},
) {
  const [e] = await rows<{ id: number }>(
    env.ctx.db,
    sql`INSERT INTO ownership_events (client_id, line_id, type, from_manager_id, to_manager_id, actor, reason_code, rule,
          policy_version, occurred_at, details)
        VALUES (${clientId}, ${lineId}, ${type}, ${from}, ${to}, ${`user:${head.id}`}, ${reason}, 'R-TEST',
          1, now(), ${JSON.stringify(details)}::jsonb) RETURNING id`,
  );
  await env.ctx.db.execute(
    sql`UPDATE ownership SET owner_id = ${to}, last_event_id = ${e!.id}, last_reason = ${reason}
        WHERE client_id = ${clientId} AND line_id = ${lineId}`,
  );
}

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head');
  anna = await addTestUser(env, 'manager');
  boris = await addTestUser(env, 'manager');
  const [l] = await rows<{ id: number }>(env.ctx.db, sql`SELECT id FROM lines ORDER BY id LIMIT 1`);
  lineId = l!.id;
}, 120_000);
afterAll(() => env.close());

describe('checkInvariants: caps', () => {
  it('reports a base over its cap that no override explains', async () => {
    const a = await addPoolClient(env, head);
    const b = await addPoolClient(env, head);
    await event(a, null, anna.id, 'ClientClaimed', 'CLAIMED_FROM_POOL');
    await event(b, null, anna.id, 'ClientClaimed', 'CLAIMED_FROM_POOL');
    const found = await checkInvariants(env.ctx.db, { defaultCap: 1 });
    expect(found).toEqual([`manager ${anna.id} holds 2 > cap 1 on line ${lineId}; head overrides explain 0`]);
  });

  it('accepts a base an override put over its cap, also after a dispute kept it there', async () => {
    const c = await addPoolClient(env, head);
    await event(c, null, boris.id, 'ClientClaimed', 'CLAIMED_FROM_POOL');
    const d = await addPoolClient(env, head);
    await event(d, null, boris.id, 'ClientClaimed', 'CLAIMED_FROM_POOL');
    // Boris is at 2 with cap 2; a client of Anna's goes to him over the cap by the head's transfer.
    const e = await addPoolClient(env, head);
    await event(e, null, anna.id, 'ClientClaimed', 'CLAIMED_FROM_POOL');
    await event(e, anna.id, boris.id, 'OwnershipTransferred', 'TRANSFERRED_BY_HEAD', { overCap: true });
    // A dispute on that client decided for its owner: the slot's last event now keeps the owner.
    await event(e, boris.id, boris.id, 'DisputeResolved', 'DISPUTE_KEPT');
    const found = await checkInvariants(env.ctx.db, { defaultCap: 2 });
    // Anna is back at 2 (the first test's clients), within a cap of 2; Boris holds 3 with one override.
    expect(found).toEqual([]);
  });
});
