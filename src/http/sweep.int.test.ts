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
  T0,
  type TestEnv,
} from '../../test/helpers.ts';
import { setPolicy } from '../app/use-cases/policy.ts';
import { type Policy, presets } from '../core/policy/policy.ts';

const DAY = 86_400_000;
const at = (days: number) => new Date(T0.getTime() + days * DAY);

let env: TestEnv;
let head: Seller;
let anna: Seller;
let newbie: Seller;

async function touch(author: Seller, clientId: number, day: number, outcome: string, kind = 'call') {
  await env.ctx.db.execute(
    sql`INSERT INTO touches (client_id, author_id, kind, outcome, occurred_at, created_at)
        VALUES (${clientId}, ${author.id}, ${kind}, ${outcome}, ${at(day).toISOString()}, ${at(day).toISOString()})`,
  );
}

async function wonDeal(manager: Seller, clientId: number, day: number, amountKopecks: number) {
  await env.ctx.db.execute(
    sql`INSERT INTO deals (client_id, line_id, manager_id, title, stage, amount_kopecks, won_at, created_at, updated_at)
        VALUES (${clientId}, (SELECT id FROM lines WHERE is_default), ${manager.id}, 'order', 'won', ${amountKopecks},
                ${at(day).toISOString()}, ${at(day).toISOString()}, ${at(day).toISOString()})`,
  );
}

async function notifications(user: Seller, kind: string) {
  const r = await env.ctx.db.execute(
    sql`SELECT payload FROM notifications WHERE user_id = ${user.id} AND kind = ${kind} ORDER BY id`,
  );
  return (r as unknown as { rows: { payload: Record<string, unknown> }[] }).rows.map((x) => x.payload);
}

/** Move the clock; sessions last 30 days, so everyone signs in again. */
async function setDay(day: number) {
  env.clock.set(at(day));
  head = await relogin(env, head);
  anna = await relogin(env, anna);
  newbie = await relogin(env, newbie);
}

async function sweep(day: number, dryRun = false) {
  await setDay(day);
  const r = await call(env, head, 'POST', '/api/sweep', { dryRun });
  expect(r.status).toBe(200);
  return r.body;
}

const c: Record<string, number> = {};

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head', { name: 'Head' });
  anna = await addTestUser(env, 'manager', { name: 'Anna' });
  newbie = await addTestUser(env, 'manager', { name: 'Newbie', hiredDaysAgo: 10 });
  // Balanced: 60 days without a qualifying touch, 90 without an order, warnings 14/7/1, claim protection 14.
  expect((await setPolicy(env.ctx, presets.balanced, head.id, 'balanced')).ok).toBe(true);
  for (const name of ['untouched', 'called', 'ordered', 'extended', 'emailed']) {
    c[name] = await addPoolClient(env, head, name);
    expect((await call(env, anna, 'POST', `/api/clients/${c[name]}/claim`)).status).toBe(200);
  }
  c.newbies = await addPoolClient(env, head, 'newbies');
  expect((await call(env, newbie, 'POST', `/api/clients/${c.newbies}/claim`)).status).toBe(200);
  await touch(anna, c.called!, 30, 'reached');
  await touch(anna, c.extended!, 30, 'reached');
  await touch(anna, c.ordered!, 50, 'meeting_held', 'meeting');
  await wonDeal(anna, c.ordered!, 10, 30_000_000);
  await touch(anna, c.emailed!, 40, 'other', 'email'); // not a qualifying outcome
});
afterAll(() => env.close());

describe('the sweep (C10): warnings first, then expiry with ledger reasons', () => {
  it('lists expiry dates with the rule, soonest first; a manager sees only their own', async () => {
    env.clock.set(at(1));
    const r = await call(env, anna, 'GET', '/api/expiry');
    expect(r.status).toBe(200);
    const byId = new Map(r.body.items.map((i: any) => [i.clientId, i]));
    expect(byId.get(c.untouched)).toMatchObject({
      expiresAt: at(60).toISOString(),
      rule: 'R-EXP-1',
      daysLeft: 59,
    });
    expect(byId.get(c.called)).toMatchObject({ expiresAt: at(90).toISOString() });
    expect(byId.get(c.ordered)).toMatchObject({ expiresAt: at(110).toISOString(), rule: 'R-EXP-1' });
    expect(r.body.items.every((i: any) => i.ownerId === anna.id)).toBe(true);
    expect((await call(env, anna, 'GET', `/api/expiry?manager=${newbie.id}`)).status).toBe(403);
    const mine = await call(env, newbie, 'GET', '/api/expiry');
    // The newcomer's client is protected to the end of the newcomer period (hired 10 days before T0, 90 days).
    expect(mine.body.items[0]).toMatchObject({
      clientId: c.newbies,
      heldBy: 'protection',
      expiresAt: at(80).toISOString(),
    });
  });

  it('14 days ahead the owner is warned once; a second run at the same instant sends nothing', async () => {
    const first = await sweep(46);
    expect(first.expired).toEqual([]);
    expect(first.warned.map((w: any) => [w.clientId, w.daysBefore])).toEqual([
      [c.untouched, 14],
      [c.emailed, 14],
    ]);
    const again = await sweep(46);
    expect(again.warned).toEqual([]);
    expect(await notifications(anna, 'expiry_warning')).toHaveLength(2);
    await sweep(54); // 6 days before: the 7-day warning
    expect((await notifications(anna, 'expiry_warning')).map((p) => p.daysBefore)).toEqual([14, 14, 7, 7]);
    // The daily list shows them too, 6 days ahead.
    const nudges = await call(env, anna, 'GET', '/api/nudges/daily');
    expect(nudges.status).toBe(200);
    expect(nudges.body.expiringSoon.map((x: any) => [x.clientId, x.daysLeft, x.rule])).toEqual([
      [c.untouched, 6, 'R-EXP-1'],
      [c.emailed, 6, 'R-EXP-1'],
    ]);
  });

  it('a dry run reports the expiry but changes nothing', async () => {
    const dry = await sweep(60, true);
    expect(dry.expired.map((e: any) => e.clientId).sort()).toEqual([c.untouched, c.emailed].sort());
    expect((await ledgerRows(env, c.untouched)).some((e: any) => e.type === 'ClientExpired')).toBe(false);
  });

  it('at 60 days without a qualifying touch the client goes to the pool; an e-mail does not count', async () => {
    const r = await sweep(60);
    expect(r.expired).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ clientId: c.untouched, rule: 'R-EXP-1', reasonCode: 'EXPIRED_NO_TOUCH' }),
        expect.objectContaining({ clientId: c.emailed, rule: 'R-EXP-1' }),
      ]),
    );
    expect(r.expired).toHaveLength(2);
    const last = (await ledgerRows(env, c.untouched)).at(-1);
    expect(last).toMatchObject({
      type: 'ClientExpired',
      from_manager_id: anna.id,
      to_manager_id: null,
      reason_code: 'EXPIRED_NO_TOUCH',
      rule: 'R-EXP-1',
      actor: 'system:sweep',
    });
    expect((await notifications(anna, 'client_expired')).map((p) => p.clientId).sort()).toEqual(
      [c.untouched, c.emailed].sort(),
    );
    const card = await call(env, anna, 'GET', `/api/clients/${c.untouched}`);
    expect(card.body.owners[0].ownerId).toBeNull();
    // Idempotent: the same instant again changes nothing.
    const again = await sweep(60);
    expect(again.expired).toEqual([]);
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
  });

  it('a head extends a client with a reason (R-EXP-4); managers may not', async () => {
    await setDay(70);
    const body = { until: at(100).toISOString(), reason: 'большой тендер в декабре' };
    expect((await call(env, anna, 'POST', `/api/clients/${c.extended}/extend`, body)).status).toBe(403);
    const noReason = await call(env, head, 'POST', `/api/clients/${c.extended}/extend`, { until: at(100) });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toContain('reason');
    const past = await call(env, head, 'POST', `/api/clients/${c.extended}/extend`, {
      ...body,
      until: at(1),
    });
    expect(past.status).toBe(400);
    expect(past.body.error.code).toBe('EXTENSION_NOT_LATER');
    const ok = await call(env, head, 'POST', `/api/clients/${c.extended}/extend`, body);
    expect(ok.status).toBe(200);
    expect(ok.body.events[0]).toMatchObject({
      type: 'ExpiryExtended',
      rule: 'R-EXP-4',
      toManagerId: anna.id,
    });
    // The "called" client (touch on day 30) expires on day 90 by both rules; "extended" holds to day 100.
    const d90 = await sweep(90);
    expect(d90.expired.map((e: any) => e.clientId)).not.toContain(c.extended);
    expect(d90.expired.map((e: any) => e.clientId)).toContain(c.called);
    const d100 = await sweep(100);
    expect(d100.expired.map((e: any) => e.clientId)).toEqual([c.extended]);
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
  });

  it('a protected newcomer client is kept past 60 days and goes only after the protection', async () => {
    // Untouched, but protected to day 80: not taken on day 60, taken by the first sweep after (day 90).
    const ev = (await ledgerRows(env, c.newbies)).at(-1);
    expect(ev).toMatchObject({ type: 'ClientExpired', rule: 'R-EXP-1' });
    const [row] = (
      (await env.ctx.db.execute(
        sql`SELECT occurred_at FROM ownership_events WHERE id = ${ev!.id}`,
      )) as unknown as { rows: { occurred_at: string }[] }
    ).rows;
    expect(new Date(row!.occurred_at).getTime()).toBe(at(90).getTime());
  });

  it('the won order and the meeting keep the ordered client until day 110', async () => {
    const r = await sweep(110);
    expect(r.expired.map((e: any) => e.clientId)).toEqual([c.ordered]);
  });
});

describe('result-based caps (C7): review, deadline, surplus release', () => {
  let rita: Seller;
  const ids: number[] = [];
  beforeAll(async () => {
    await setDay(200);
    rita = await addTestUser(env, 'manager', { name: 'Rita' });
    const p: Policy = structuredClone(presets.competition) as Policy;
    p.resultCaps.tiers = [
      { minRevenueKopecks: 0, minOrders: 0, cap: 2 },
      { minRevenueKopecks: 100_000_00, minOrders: 1, cap: 10 },
    ];
    p.expiry.enabled = false;
    p.claimProtectionDays = 0;
    expect((await setPolicy(env.ctx, p, head.id, 'tiers')).ok).toBe(true);
    for (let i = 0; i < 4; i++) {
      const id = await addPoolClient(env, head, `rita ${i}`);
      ids.push(id);
      expect((await call(env, rita, 'POST', `/api/clients/${id}/claim`)).status).toBe(200);
    }
    await touch(rita, ids[0]!, 195, 'reached');
    await touch(rita, ids[1]!, 150, 'reached');
  });

  it('a dry review shows the tier without changing anything; managers may not run it', async () => {
    expect((await call(env, rita, 'POST', '/api/caps/review', {})).status).toBe(403);
    const dry = await call(env, head, 'POST', '/api/caps/review', { dryRun: true, managerId: rita.id });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ applied: false });
    expect(dry.body.reviews[0]).toMatchObject({ managerId: rita.id, newCap: 2, baseCount: 4 });
    const m = await call(env, head, 'GET', `/api/managers/${rita.id}/base`);
    expect(m.body.manager.cap).toBe(150);
  });

  it('the review shrinks the cap, sets a 14-day deadline and notifies; the sweep releases the least touched after it', async () => {
    const r = await call(env, head, 'POST', '/api/caps/review', { managerId: rita.id });
    expect(r.body.applied).toBe(true);
    expect(r.body.reviews[0]).toMatchObject({
      newCap: 2,
      effectiveCap: 2,
      releaseDeadline: at(214).toISOString(),
    });
    expect(await notifications(rita, 'cap_shrinking')).toEqual([
      expect.objectContaining({ oldCap: 150, newCap: 2, surplus: 2 }),
    ]);
    const before = await sweep(213);
    expect(before.surplusReleased).toEqual([]);
    const after = await sweep(214);
    // Never touched first (ids 2 and 3, earlier claim first), the touched ones stay.
    expect(after.surplusReleased.map((e: any) => [e.clientId, e.reasonCode])).toEqual([
      [ids[2], 'CAP_SURPLUS_RELEASED'],
      [ids[3], 'CAP_SURPLUS_RELEASED'],
    ]);
    const again = await sweep(214);
    expect(again.surplusReleased).toEqual([]);
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
  });

  it('sales raise the cap at the next review', async () => {
    await wonDeal(rita, ids[0]!, 215, 150_000_00);
    await setDay(216);
    rita = await relogin(env, rita);
    const r = await call(env, head, 'POST', '/api/caps/review', { managerId: rita.id });
    expect(r.body.reviews[0]).toMatchObject({ newCap: 10, tier: 1, releaseDeadline: null });
    const m = await call(env, head, 'GET', `/api/managers/${rita.id}/base`);
    expect(m.body.manager).toMatchObject({ cap: 10, capSource: 'override' });
  });
});
