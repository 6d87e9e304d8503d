import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPoolClient, addTestUser, createTestEnv, type Seller, type TestEnv } from '../../test/helpers.ts';
import { rows } from './raw.ts';

/** Migration 0003 (touches, deals, weekly plans, notifications): tables exist and their CHECKs hold. */
let env: TestEnv;
let manager: Seller;
let clientId: number;
beforeAll(async () => {
  env = await createTestEnv();
  manager = await addTestUser(env, 'manager');
  clientId = await addPoolClient(env, manager);
});
afterAll(() => env.close());

const at = '2026-06-01T09:00:00Z';

describe('schema for rules over time', () => {
  it('stores a touch and rejects an unknown kind or outcome', async () => {
    await env.ctx.db.execute(sql`INSERT INTO touches (client_id, author_id, kind, outcome, occurred_at, created_at)
      VALUES (${clientId}, ${manager.id}, 'call', 'reached', ${at}, ${at})`);
    const [t] = await rows<{ direction: string; body: string }>(
      env.ctx.db,
      sql`SELECT direction, body FROM touches`,
    );
    expect(t).toEqual({ direction: 'outbound', body: '' });
    await expect(
      env.ctx.db.execute(sql`INSERT INTO touches (client_id, author_id, kind, occurred_at, created_at)
        VALUES (${clientId}, ${manager.id}, 'fax', ${at}, ${at})`),
    ).rejects.toThrow();
    await expect(
      env.ctx.db.execute(sql`INSERT INTO touches (client_id, author_id, kind, outcome, occurred_at, created_at)
        VALUES (${clientId}, ${manager.id}, 'call', 'maybe', ${at}, ${at})`),
    ).rejects.toThrow();
  });

  it('keeps won_at with the won stage and order dates on won deals only', async () => {
    const insert = (stage: string, wonAt: string | null, signedAt: string | null, amount = 100) =>
      env.ctx.db.execute(sql`INSERT INTO deals (client_id, line_id, manager_id, title, stage, amount_kopecks,
          won_at, signed_at, created_at, updated_at)
        VALUES (${clientId}, (SELECT id FROM lines WHERE is_default), ${manager.id}, 'Spring campaign', ${stage},
          ${amount}, ${wonAt}, ${signedAt}, ${at}, ${at})`);
    await insert('won', at, at);
    await insert('proposal', null, null);
    await expect(insert('won', null, null)).rejects.toThrow();
    await expect(insert('proposal', at, null)).rejects.toThrow();
    await expect(insert('proposal', null, at)).rejects.toThrow();
    await expect(insert('lead', null, null, -1)).rejects.toThrow();
  });

  it('checks the ISO week format of a plan', async () => {
    await env.ctx.db.execute(sql`INSERT INTO weekly_plans (manager_id, iso_week, created_at, updated_at)
      VALUES (${manager.id}, '2026-W23', ${at}, ${at})`);
    await env.ctx.db.execute(sql`INSERT INTO weekly_plan_items (manager_id, iso_week, client_id, goal)
      VALUES (${manager.id}, '2026-W23', ${clientId}, 'meet the director')`);
    await expect(
      env.ctx.db.execute(sql`INSERT INTO weekly_plans (manager_id, iso_week, created_at, updated_at)
        VALUES (${manager.id}, '2026-23', ${at}, ${at})`),
    ).rejects.toThrow();
  });

  it('stores a notification once per dedupe key', async () => {
    const add = (key: string | null) =>
      rows<{ id: number }>(
        env.ctx.db,
        sql`INSERT INTO notifications (user_id, kind, payload, created_at, dedupe_key)
          VALUES (${manager.id}, 'expiry_warning', '{}'::jsonb, ${at}, ${key})
          ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING id`,
      );
    expect(await add('expiry:1:7')).toHaveLength(1);
    expect(await add('expiry:1:7')).toHaveLength(0);
    expect(await add(null)).toHaveLength(1);
    expect(await add(null)).toHaveLength(1);
  });
});
