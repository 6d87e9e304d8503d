import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addPoolClient,
  addTestUser,
  call,
  createTestEnv,
  ledgerRows,
  ownershipVsLedger,
  relogin,
  type Seller,
  type TestEnv,
} from '../../test/helpers.ts';
import { setPolicy } from '../app/use-cases/policy.ts';
import { type Policy, presets } from '../core/policy/policy.ts';

let env: TestEnv;
let head: Seller;
let leaver: Seller;
let r1: Seller;
let r2: Seller;
const ids: number[] = [];

async function owners() {
  const r = await env.ctx.db.execute(sql`SELECT client_id, owner_id FROM ownership ORDER BY client_id`);
  return new Map(
    (r as unknown as { rows: { client_id: number; owner_id: number | null }[] }).rows.map((x) => [
      x.client_id,
      x.owner_id,
    ]),
  );
}

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head', { name: 'Head' });
  leaver = await addTestUser(env, 'manager', { name: 'Lena' });
  r1 = await addTestUser(env, 'manager', { name: 'Roma' });
  r2 = await addTestUser(env, 'manager', { name: 'Rita' });
  const p: Policy = structuredClone(presets.balanced) as Policy;
  p.caps.defaultCap = 5;
  p.handover.keyTop = 1;
  expect((await setPolicy(env.ctx, p, head.id, 'small caps')).ok).toBe(true);
  for (let i = 0; i < 6; i++) {
    const id = await addPoolClient(env, head, `handover ${i}`);
    ids.push(id);
    if (i < 5) expect((await call(env, leaver, 'POST', `/api/clients/${id}/claim`)).status).toBe(200);
  }
  // Roma already holds 3 of 5; Rita 1 of 5.
  for (let i = 0; i < 4; i++) {
    const id = await addPoolClient(env, head, `other ${i}`);
    expect((await call(env, i < 3 ? r1 : r2, 'POST', `/api/clients/${id}/claim`)).status).toBe(200);
  }
  // The biggest client of Lena: a won order.
  await env.ctx.db.execute(
    sql`INSERT INTO deals (client_id, line_id, manager_id, title, stage, amount_kopecks, won_at, created_at, updated_at)
        VALUES (${ids[2]!}, (SELECT id FROM lines WHERE is_default), ${leaver.id}, 'order', 'won', 50000000,
                ${new Date(env.clock.now.getTime() - 86_400_000).toISOString()}, now(), now())`,
  );
});
afterAll(() => env.close());

describe('handover of a base (C17)', () => {
  it('previews a round-robin by free room: new bases against caps, nothing changes', async () => {
    const before = await owners();
    const r = await call(env, head, 'POST', '/api/handovers', {
      managerId: leaver.id,
      kind: 'on_leave',
      returnAt: new Date(env.clock.now.getTime() + 14 * 86_400_000).toISOString(),
      receivers: [r1.id, r2.id],
    });
    expect(r.status).toBe(200);
    expect(r.body.handoverId).toBeNull();
    const rec = Object.fromEntries(
      r.body.plan.receivers.map((x: any) => [x.name, [x.base, x.receiving, x.newBase, x.cap]]),
    );
    // 5 clients, room: Roma 2, Rita 4 → Rita 3, Roma 2 (most free room first), none over the cap.
    expect(rec).toEqual({ Roma: [3, 2, 5, 5], Rita: [1, 3, 4, 5] });
    expect(r.body.plan.toPool).toBe(0);
    expect(r.body.plan.items.find((i: any) => i.clientId === ids[2]).key).toBe(true);
    expect(await owners()).toEqual(before);
  });

  it('rejects bad input naming the field; only a head may hand over', async () => {
    const noReturn = await call(env, head, 'POST', '/api/handovers', {
      managerId: leaver.id,
      kind: 'on_leave',
    });
    expect(noReturn.status).toBe(400);
    expect(JSON.stringify(noReturn.body)).toContain('body.returnAt');
    const manual = await call(env, head, 'POST', '/api/handovers', {
      managerId: leaver.id,
      kind: 'left',
      strategy: 'manual',
    });
    expect(JSON.stringify(manual.body)).toContain('assignments');
    expect(
      (await call(env, r1, 'POST', '/api/handovers', { managerId: leaver.id, kind: 'left' })).status,
    ).toBe(403);
  });

  it('a head marks a key client (R-HAND-2): the preview flags it; a manual plan shows each receiver’s new base vs cap', async () => {
    expect((await call(env, r1, 'POST', `/api/clients/${ids[4]}/key`, { key: true })).status).toBe(403);
    const bad = await call(env, head, 'POST', `/api/clients/${ids[4]}/key`, { key: 'yes' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('key');
    expect((await call(env, head, 'POST', '/api/clients/999999/key', { key: true })).status).toBe(404);
    const marked = await call(env, head, 'POST', `/api/clients/${ids[4]}/key`, { key: true });
    expect(marked.status).toBe(200);
    expect(marked.body).toEqual({ clientId: ids[4], isKey: true });
    expect((await call(env, head, 'GET', `/api/clients/${ids[4]}`)).body.isKey).toBe(true);
    const base = await call(env, leaver, 'GET', `/api/managers/${leaver.id}/base`);
    expect(base.body.items.find((c: any) => c.id === ids[4]).isKey).toBe(true);
    expect(base.body.items.find((c: any) => c.id === ids[3]).isKey).toBe(false);

    // Manual: three to Roma (3 of 5 already: over the cap), one to Rita, one unassigned (→ pool).
    const r = await call(env, head, 'POST', '/api/handovers', {
      managerId: leaver.id,
      kind: 'left',
      strategy: 'manual',
      receivers: [r1.id, r2.id],
      assignments: [
        { clientId: ids[0], toManagerId: r1.id },
        { clientId: ids[1], toManagerId: r1.id },
        { clientId: ids[2], toManagerId: r1.id },
        { clientId: ids[4], toManagerId: r2.id },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.handoverId).toBeNull();
    const rec = Object.fromEntries(
      r.body.plan.receivers.map((x: any) => [x.name, [x.base, x.receiving, x.newBase, x.cap, x.overCap]]),
    );
    expect(rec).toEqual({ Roma: [3, 3, 6, 5, true], Rita: [1, 1, 2, 5, false] });
    expect(r.body.plan.toPool).toBe(1);
    const item = (id: number) => r.body.plan.items.find((i: any) => i.clientId === id);
    // Key: the top by revenue (keyTop 1) and the marked one; no one else.
    expect(
      r.body.plan.items
        .filter((i: any) => i.key)
        .map((i: any) => i.clientId)
        .sort(),
    ).toEqual([ids[2], ids[4]].sort());
    expect(item(ids[3]!).toManagerId).toBeNull();
    expect(item(ids[4]!).toManagerId).toBe(r2.id);
    const unknown = await call(env, head, 'POST', '/api/handovers', {
      managerId: leaver.id,
      kind: 'left',
      strategy: 'manual',
      receivers: [r1.id],
      assignments: [{ clientId: ids[0], toManagerId: r2.id }],
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('body.assignments.0.toManagerId');
    // Nothing changed: the preview does not write.
    expect((await owners()).get(ids[0]!)).toBe(leaver.id);
  });

  it('applies a leave: receivers get protected clients, key clients a joint meeting, the manager is on leave', async () => {
    const r = await call(env, head, 'POST', '/api/handovers', {
      managerId: leaver.id,
      kind: 'on_leave',
      returnAt: new Date(env.clock.now.getTime() + 14 * 86_400_000).toISOString(),
      receivers: [r1.id, r2.id],
      apply: true,
    });
    expect(r.status).toBe(200);
    const id = r.body.handoverId;
    expect(id).toBeGreaterThan(0);
    const now = await owners();
    expect(ids.slice(0, 5).every((c) => now.get(c) === r1.id || now.get(c) === r2.id)).toBe(true);
    const ev = (await ledgerRows(env, ids[0])).at(-1);
    expect(ev).toMatchObject({
      type: 'OwnershipTransferred',
      reason_code: 'HANDOVER',
      rule: 'R-HAND-1',
      from_manager_id: leaver.id,
    });
    const kinds = (await call(env, leaver, 'GET', '/api/notifications')).body.items.map((i: any) => i.kind);
    expect(kinds).toContain('joint_meeting');
    const users = (await call(env, head, 'GET', '/api/managers')).body;
    expect((users.items ?? users).find((u: any) => u.id === leaver.id).status).toBe('on_leave');
    // The receivers' new clients are protected for handover.protectionDays (30): a head's transfer needs an override.
    const rec = now.get(ids[1]!) === r1.id ? r2 : r1;
    const xfer = await call(env, head, 'POST', `/api/clients/${ids[1]}/transfer`, {
      toManagerId: rec.id,
      reason: 'x',
    });
    expect(xfer.body.error.code).toBe('CLIENT_PROTECTED');
    // The first receiver gives one client back, a colleague takes it: it is no longer the cover's at the return.
    const holder = now.get(ids[0]!) === r1.id ? r1 : r2;
    expect((await call(env, holder, 'POST', `/api/clients/${ids[0]}/release`, {})).status).toBe(200);
    const taker = await addTestUser(env, 'manager');
    expect((await call(env, taker, 'POST', `/api/clients/${ids[0]}/claim`)).status).toBe(200);
    const view = await call(env, head, 'GET', `/api/handovers/${id}`);
    expect(view.status).toBe(200);
    expect(view.body.items.find((i: any) => i.clientId === ids[2]).before.revenueKopecks).toBe(50000000);
  });

  it('at the return date the sweep gives the clients back, except those the cover won an order on', async () => {
    const current = await owners();
    const cover = current.get(ids[3]!) === r1.id ? r1 : r2;
    await env.ctx.db.execute(
      sql`INSERT INTO deals (client_id, line_id, manager_id, title, stage, amount_kopecks, won_at, created_at, updated_at)
          VALUES (${ids[3]!}, (SELECT id FROM lines WHERE is_default), ${cover.id}, 'cover order', 'won', 1000, ${new Date(env.clock.now.getTime() + 86_400_000).toISOString()}, now(), now())`,
    );
    env.clock.advanceDays(15);
    head = await relogin(env, head);
    const s = await call(env, head, 'POST', '/api/sweep', {});
    expect(s.status).toBe(200);
    const after = await owners();
    expect(after.get(ids[3]!)).toBe(cover.id); // the cover closed an order: it stays
    expect(after.get(ids[0]!)).not.toBe(leaver.id); // released by the receiver and taken: not the receiver's any more
    const back = ids.slice(0, 5).filter((c) => after.get(c) === leaver.id);
    expect(back.length).toBe(3);
    expect(s.body.handoverReturns).toBe(3);
    const again = await call(env, head, 'POST', '/api/sweep', {});
    expect(again.body.handoverReturns).toBe(0);
    expect((await ledgerRows(env, back[0])).at(-1)).toMatchObject({
      reason_code: 'HANDOVER_RETURN',
      rule: 'R-HAND-4',
    });
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
  });
});
