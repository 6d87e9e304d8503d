import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addPoolClient,
  addTestUser,
  call,
  createTestEnv,
  type Seller,
  T0,
  type TestEnv,
} from '../../test/helpers.ts';
import { isoWeekOf } from '../core/activity/iso-week.ts';

const DAY = 86_400_000;
const ago = (days: number) => new Date(T0.getTime() - days * DAY).toISOString();

let env: TestEnv;
let head: Seller;
let anna: Seller;
let boris: Seller;
const ids: number[] = [];

async function touch(
  author: Seller,
  clientId: number,
  daysAgo: number,
  kind: string,
  outcome: string | null,
) {
  await env.ctx.db.execute(
    sql`INSERT INTO touches (client_id, author_id, kind, outcome, occurred_at, created_at)
        VALUES (${clientId}, ${author.id}, ${kind}, ${outcome}, ${ago(daysAgo)}, ${ago(daysAgo)})`,
  );
}
async function deal(
  m: Seller,
  clientId: number,
  stage: 'won' | 'lost' | 'proposal',
  daysAgo: number,
  kopecks: number,
) {
  await env.ctx.db.execute(
    sql`INSERT INTO deals (client_id, line_id, manager_id, title, stage, amount_kopecks, won_at, lost_at, created_at, updated_at)
        VALUES (${clientId}, (SELECT id FROM lines WHERE is_default), ${m.id}, 'deal', ${stage}, ${kopecks},
                ${stage === 'won' ? ago(daysAgo) : null}, ${stage === 'lost' ? ago(daysAgo) : null}, ${ago(daysAgo)}, ${ago(daysAgo)})`,
  );
}

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head', { name: 'Head' });
  anna = await addTestUser(env, 'manager', { name: 'Anna' });
  boris = await addTestUser(env, 'manager', { name: 'Boris' });
  // Anna's base of 20 is the SPEC picture at a tenth of its size: of 200, 50 met and 100 called in a month.
  for (let i = 0; i < 20; i++) {
    const id = await addPoolClient(env, head, `coverage ${i}`);
    ids.push(id);
    expect((await call(env, anna, 'POST', `/api/clients/${id}/claim`)).status).toBe(200);
  }
  for (let i = 0; i < 5; i++) {
    await touch(anna, ids[i]!, 3, 'meeting', 'meeting_held');
    await touch(anna, ids[i]!, 20, 'call', 'reached');
  }
  for (let i = 5; i < 10; i++) await touch(anna, ids[i]!, 10, 'call', 'reached');
  for (let i = 10; i < 13; i++) await touch(anna, ids[i]!, 12, 'email', null);
  await touch(anna, ids[13]!, 2, 'call', 'not_reached');
  await touch(anna, ids[14]!, 40, 'call', 'reached'); // outside 30 days, inside 90
  await touch(boris, ids[15]!, 1, 'call', 'reached'); // not the owner: does not cover Anna's base
  await deal(anna, ids[0]!, 'won', 5, 300_000_00);
  await deal(anna, ids[1]!, 'won', 50, 200_000_00);
  await deal(anna, ids[2]!, 'lost', 7, 100_000_00);
  await deal(anna, ids[3]!, 'proposal', 7, 80_000_00);
  await deal(anna, ids[4]!, 'won', 200, 999_000_00); // outside the 90-day window
});
afterAll(() => env.close());

describe('coverage (C14)', () => {
  it('reads the SPEC picture straight from one response', async () => {
    const r = await call(env, head, 'GET', '/api/analytics/coverage');
    expect(r.status).toBe(200);
    const a = r.body.managers.find((m: any) => m.managerId === anna.id);
    expect(a).toMatchObject({ managerName: 'Anna', baseCount: 20, cap: 200 });
    const d30 = a.windows.find((w: any) => w.days === 30);
    expect(d30.counts).toEqual({ met: 5, called: 10, emailed: 3, touched: 14, notCalled: 10, notMet: 15 });
    expect(d30.buckets).toEqual({ met: 5, called: 5, emailedOnly: 3, otherOnly: 1, untouched: 6 });
    const d7 = a.windows.find((w: any) => w.days === 7);
    expect(d7.buckets).toEqual({ met: 5, called: 0, emailedOnly: 0, otherOnly: 1, untouched: 14 });
    const d90 = a.windows.find((w: any) => w.days === 90);
    expect(d90.counts.called).toBe(11);
    // Buckets always stack to the base.
    for (const w of a.windows)
      expect(Object.values(w.buckets).reduce((s: number, v: any) => s + v, 0)).toBe(20);
    expect(a.sinceLastTouch).toEqual({ d0_7: 6, d8_30: 8, d31_60: 1, d61_90: 0, d90plus: 0, never: 5 });
    expect(a.deals).toEqual({
      won: 2,
      lost: 1,
      revenueKopecks: 500_000_00,
      conversion: 2 / 3,
      openCount: 1,
      openAmountKopecks: 80_000_00,
    });
    expect(r.body.team.baseCount).toBe(20);
    expect(r.body.team.windows[1].counts.met).toBe(5);
  });

  it('a manager sees only their own figures', async () => {
    const own = await call(env, anna, 'GET', '/api/analytics/coverage');
    expect(own.body.managers.map((m: any) => m.managerId)).toEqual([anna.id]);
    expect((await call(env, anna, 'GET', `/api/analytics/coverage?manager=${boris.id}`)).status).toBe(403);
    const bad = await call(env, head, 'GET', `/api/analytics/coverage?from=${ago(1)}&to=${ago(5)}`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('querystring.from');
  });

  it('lists the untouched clients, never-touched first', async () => {
    const r = await call(env, anna, 'GET', '/api/analytics/untouched?days=30');
    expect(r.status).toBe(200);
    const got = r.body.items.map((i: any) => i.clientId);
    expect(got).toHaveLength(6);
    expect(got.at(-1)).toBe(ids[14]); // touched 40 days ago: after the never-touched ones
    expect(r.body.items[0].lastTouchAt).toBeNull();
  });

  it('weekly trends over 26 weeks add up to the touches and deals', async () => {
    const r = await call(env, head, 'GET', '/api/analytics/trends?weeks=26');
    expect(r.status).toBe(200);
    expect(r.body.weeks).toHaveLength(26);
    const total = r.body.weeks.reduce(
      (s: number, w: any) => s + Object.values(w.touches).reduce((a: number, b: any) => a + b, 0),
      0,
    );
    expect(total).toBe(21);
    expect(r.body.weeks.reduce((s: number, w: any) => s + w.meetingsHeld, 0)).toBe(5);
    expect(r.body.weeks.reduce((s: number, w: any) => s + w.won, 0)).toBe(2);
    expect(r.body.weeks.at(-1).isoWeek).toBe(isoWeekOf(T0));
    const mine = await call(env, anna, 'GET', '/api/analytics/trends');
    expect(mine.body.weeks.reduce((s: number, w: any) => s + w.callsReached, 0)).toBe(11);
  });
});
