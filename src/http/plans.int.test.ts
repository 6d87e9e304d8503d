import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoWeekOf } from '../core/activity/iso-week.ts';
import { runCli } from '../cli/main.ts';
import { bufferIo } from '../cli/output.ts';
import {
  addPoolClient,
  addTestUser,
  call,
  createTestEnv,
  type Seller,
  type TestEnv,
} from '../../test/helpers.ts';

let env: TestEnv;
let head: Seller;
let anna: Seller;
let boris: Seller;
let admin: Seller;

beforeAll(async () => {
  env = await createTestEnv();
  // T0 is Monday 2026-06-01 09:00 UTC, the start of 2026-W23.
  head = await addTestUser(env, 'head', { name: 'Head' });
  anna = await addTestUser(env, 'manager', { name: 'Anna' });
  boris = await addTestUser(env, 'manager', { name: 'Boris' });
  admin = await addTestUser(env, 'admin');
});
afterAll(() => env.close());

describe('weekly plans (C13)', () => {
  it("saves own and pool clients with goals, refuses others' clients and plans, keeps past weeks (R-PLAN-1..3)", async () => {
    const week = isoWeekOf(env.clock.now);
    expect(week).toBe('2026-W23');
    const own = await addPoolClient(env, head, 'Own client');
    await call(env, anna, 'POST', `/api/clients/${own}/claim`);
    const pool = await addPoolClient(env, head, 'Pool client');
    const borisClient = await addPoolClient(env, head, "Boris's client");
    await call(env, boris, 'POST', `/api/clients/${borisClient}/claim`);

    const empty = await call(env, admin, 'GET', `/api/plans/${anna.id}/${week}`);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({
      managerName: 'Anna',
      items: [],
      createdAt: null,
      weekStart: '2026-06-01T00:00:00.000Z',
    });

    const put = await call(env, anna, 'PUT', `/api/plans/${anna.id}/${week}`, {
      items: [
        { clientId: own, goal: 'meet the director' },
        { clientId: pool, goal: 'first call' },
      ],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.items).toEqual([
      { clientId: own, displayName: 'Own client', goal: 'meet the director' },
      { clientId: pool, displayName: 'Pool client', goal: 'first call' },
    ]);
    expect(put.body.updatedBy).toBe(anna.id);

    const foreign = await call(env, anna, 'PUT', `/api/plans/${anna.id}/${week}`, {
      items: [{ clientId: borisClient, goal: '' }],
    });
    expect(foreign.status).toBe(409);
    expect(foreign.body.error).toMatchObject({
      code: 'PLAN_CLIENT_NOT_AVAILABLE',
      details: { field: 'items.0.clientId' },
    });
    const notMine = await call(env, anna, 'PUT', `/api/plans/${boris.id}/${week}`, { items: [] });
    expect(notMine.status).toBe(403);
    expect(notMine.body.error.code).toBe('NOT_PLAN_OWNER');
    const twice = await call(env, anna, 'PUT', `/api/plans/${anna.id}/${week}`, {
      items: [{ clientId: own }, { clientId: own }],
    });
    expect(twice.body.error.details.issues[0].path).toBe('body.items.1.clientId');
    expect(
      (await call(env, anna, 'PUT', `/api/plans/${anna.id}/2026-W60`, { items: [] })).body.error.details
        .issues[0].path,
    ).toBe('params.isoWeek');
    expect((await call(env, anna, 'PUT', `/api/plans/${anna.id}/2026-23`, { items: [] })).status).toBe(400);
    expect((await call(env, anna, 'GET', `/api/plans/${admin.id}/${week}`)).status).toBe(404);

    // Touches during the week: one planned client, one unplanned.
    env.clock.advanceDays(2);
    await call(env, anna, 'POST', `/api/clients/${own}/touches`, {
      kind: 'meeting',
      outcome: 'meeting_held',
    });
    await call(env, anna, 'POST', `/api/clients/${borisClient}/touches`, {
      kind: 'call',
      direction: 'inbound',
    });
    const report = await call(env, boris, 'GET', `/api/plans/report?week=${week}`);
    expect(report.status).toBe(200);
    const annaRow = report.body.managers.find((m: { managerId: number }) => m.managerId === anna.id);
    expect(annaRow).toMatchObject({ planned: 2, touched: 1, unplannedTouched: 1 });
    expect(annaRow.items[0]).toMatchObject({
      clientId: own,
      touches: [{ kind: 'meeting', outcome: 'meeting_held' }],
    });
    expect(annaRow.items[1]).toMatchObject({ clientId: pool, touches: [] });
    expect(report.body.managers.find((m: { managerId: number }) => m.managerId === boris.id)).toMatchObject({
      planned: 0,
    });

    // The CLI prints the same plan vs fact.
    const io = bufferIo();
    expect(
      await runCli(['plan', 'show', '--as', anna.email, '--week', week], io, { env: {}, server: env.ctx }),
    ).toBe(0);
    const out = io.stdout.join('\n');
    expect(out).toContain(
      'Anna, week 2026-W23 (2026-06-01 … 2026-06-07): 1 of 2 planned clients touched, 1 unplanned',
    );
    expect(out).toContain(`[x] #${own} Own client — meet the director: meeting (meeting_held) 2026-06-03`);
    expect(out).toContain(`[ ] #${pool} Pool client — first call: not touched`);
    const bad = bufferIo();
    expect(
      await runCli(['plan', 'show', '--as', anna.email, '--week', 'W23'], bad, { env: {}, server: env.ctx }),
    ).toBe(2);

    // Next Monday the week is history: the manager can no longer change it, a head can.
    env.clock.advanceDays(5);
    const late = await call(env, anna, 'PUT', `/api/plans/${anna.id}/${week}`, { items: [] });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('PLAN_WEEK_CLOSED');
    const byHead = await call(env, head, 'PUT', `/api/plans/${anna.id}/${week}`, {
      items: [{ clientId: own, goal: 'corrected' }],
    });
    expect(byHead.status).toBe(200);
    expect(byHead.body.updatedBy).toBe(head.id);
    const next = await call(env, anna, 'PUT', `/api/plans/${anna.id}/${isoWeekOf(env.clock.now)}`, {
      items: [{ clientId: own, goal: 'sign' }],
    });
    expect(next.status).toBe(200);
    // Both weeks are kept.
    expect((await call(env, anna, 'GET', `/api/plans/${anna.id}/${week}`)).body.items[0].goal).toBe(
      'corrected',
    );
    expect(
      (await call(env, anna, 'GET', `/api/plans/${anna.id}/${isoWeekOf(env.clock.now)}`)).body.items[0].goal,
    ).toBe('sign');
  });
});
