import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../db/raw.ts';
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
let client: number;

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head', { name: 'Head' });
  anna = await addTestUser(env, 'manager', { name: 'Anna' });
  boris = await addTestUser(env, 'manager', { name: 'Boris' });
  admin = await addTestUser(env, 'admin');
  client = await addPoolClient(env, head, 'Юникс');
  expect((await call(env, anna, 'POST', `/api/clients/${client}/claim`)).status).toBe(200);
});
afterAll(() => env.close());

describe('deals and orders (C9)', () => {
  it('creates a deal, moves it through the stages to won, fills the order dates (R-DEAL-1, R-DEAL-3)', async () => {
    const le = await call(env, anna, 'POST', `/api/clients/${client}/legal-entities`, { name: 'ООО Юникс' });
    expect(le.status).toBe(201);
    const created = await call(env, anna, 'POST', `/api/clients/${client}/deals`, {
      title: 'Spring campaign',
      amountKopecks: 12_345_678_90,
      legalEntityId: le.body.id,
      expectedCloseAt: '2026-07-01T00:00:00Z',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.deal).toMatchObject({
      clientId: client,
      clientName: 'Юникс',
      managerId: anna.id,
      managerName: 'Anna',
      stage: 'lead',
      amountKopecks: 12_345_678_90,
      legalEntityId: le.body.id,
      wonAt: null,
    });
    expect(created.body.events).toEqual([{ type: 'DealCreated', stage: 'lead' }]);
    const id = created.body.deal.id;
    for (const stage of ['proposal', 'negotiation']) {
      const r = await call(env, anna, 'PATCH', `/api/deals/${id}`, { stage });
      expect(r.body.events).toEqual([{ type: 'DealStageChanged', from: expect.any(String), to: stage }]);
    }
    env.clock.advanceDays(1);
    const won = await call(env, anna, 'PATCH', `/api/deals/${id}`, {
      stage: 'won',
      signedAt: env.clock.now.toISOString(),
    });
    expect(won.status, JSON.stringify(won.body)).toBe(200);
    expect(won.body.deal).toMatchObject({
      stage: 'won',
      wonAt: env.clock.now.toISOString(),
      signedAt: env.clock.now.toISOString(),
    });
    // The hook for disputes: the win names the client's owners and whether the deal's manager is one.
    expect(won.body.events).toContainEqual({
      type: 'DealWon',
      wonAt: env.clock.now.toISOString(),
      ownerIds: [anna.id],
      byNonOwner: false,
      disputeId: null,
    });
    const due = new Date(env.clock.now.getTime() + 14 * 86_400_000).toISOString();
    const order = await call(env, anna, 'PATCH', `/api/deals/${id}`, {
      dueAt: due,
      paidAt: env.clock.now.toISOString(),
    });
    expect(order.body.deal).toMatchObject({ dueAt: due, paidAt: env.clock.now.toISOString() });
    const [stored] = await rows<{ amount_kopecks: string | number }>(
      env.ctx.db,
      sql`SELECT amount_kopecks FROM deals WHERE id = ${id}`,
    );
    expect(Number(stored!.amount_kopecks)).toBe(12_345_678_90);

    // Final: the manager cannot reopen or change the amount; a head can reopen, which clears the order.
    const reopen = await call(env, anna, 'PATCH', `/api/deals/${id}`, { stage: 'negotiation' });
    expect(reopen.status).toBe(409);
    expect(reopen.body.error.code).toBe('DEAL_CLOSED');
    const amount = await call(env, anna, 'PATCH', `/api/deals/${id}`, { amountKopecks: 1 });
    expect(amount.body.error).toMatchObject({ code: 'DEAL_CLOSED', details: { field: 'amountKopecks' } });
    const byHead = await call(env, head, 'PATCH', `/api/deals/${id}`, { stage: 'negotiation' });
    expect(byHead.body.deal).toMatchObject({
      stage: 'negotiation',
      wonAt: null,
      signedAt: null,
      paidAt: null,
      dueAt: null,
    });
    expect(byHead.body.events).toEqual([{ type: 'DealReopened', from: 'won', to: 'negotiation' }]);
  });

  it("a non-owner's win is flagged for a dispute", async () => {
    const r = await call(env, boris, 'POST', `/api/clients/${client}/deals`, {
      title: 'Radio spots',
      amountKopecks: 5_000_00,
      stage: 'won',
    });
    expect(r.status).toBe(201);
    expect(r.body.events).toContainEqual(
      expect.objectContaining({ type: 'DealWon', ownerIds: [anna.id], byNonOwner: true }),
    );
  });

  it("refuses bad input and other people's deals, naming the field (R-DEAL-3..5)", async () => {
    const other = await addPoolClient(env, head);
    const otherLe = await call(env, head, 'POST', `/api/clients/${other}/legal-entities`, {
      name: 'ООО Другое',
    });
    const cases: [unknown, number, string][] = [
      [{ title: 'x', amountKopecks: 10.5 }, 400, 'body.amountKopecks'],
      [{ title: 'x', amountKopecks: -1 }, 400, 'body.amountKopecks'],
      [{ title: 'x', amountKopecks: '100' }, 400, 'body.amountKopecks'],
      [{ title: '', amountKopecks: 1 }, 400, 'body.title'],
      [{ title: 'x', amountKopecks: 1, stage: 'signed' }, 400, 'body.stage'],
      [{ title: 'x', amountKopecks: 1, legalEntityId: otherLe.body.id }, 400, 'body.legalEntityId'],
      [{ title: 'x', amountKopecks: 1, managerId: admin.id }, 400, 'body.managerId'],
    ];
    for (const [body, status, path] of cases) {
      const r = await call(env, anna, 'POST', `/api/clients/${client}/deals`, body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error.details.issues[0].path).toBe(path);
    }
    const notWon = await call(env, anna, 'POST', `/api/clients/${client}/deals`, {
      title: 'x',
      amountKopecks: 1,
      paidAt: env.clock.now.toISOString(),
    });
    expect(notWon.body.error).toMatchObject({ code: 'DEAL_NOT_WON', details: { field: 'paidAt' } });
    const forBoris = await call(env, anna, 'POST', `/api/clients/${client}/deals`, {
      title: 'x',
      amountKopecks: 1,
      managerId: boris.id,
    });
    expect(forBoris.status).toBe(403);
    const byHead = await call(env, head, 'POST', `/api/clients/${client}/deals`, {
      title: 'for Boris',
      amountKopecks: 1,
      managerId: boris.id,
    });
    expect(byHead.body.deal.managerId).toBe(boris.id);
    const annas = await call(env, anna, 'POST', `/api/clients/${client}/deals`, {
      title: 'mine',
      amountKopecks: 1,
    });
    const foreign = await call(env, boris, 'PATCH', `/api/deals/${annas.body.deal.id}`, { title: 'his now' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('NOT_DEAL_MANAGER');
    expect((await call(env, anna, 'PATCH', `/api/deals/${annas.body.deal.id}`, {})).status).toBe(400);
    expect((await call(env, anna, 'PATCH', '/api/deals/999999', { title: 'x' })).status).toBe(404);
  });

  it('lists deals by client, manager and stage, for every role', async () => {
    const byClient = await call(env, admin, 'GET', `/api/clients/${client}/deals`);
    expect(byClient.status).toBe(200);
    expect(byClient.body.items.length).toBeGreaterThanOrEqual(4);
    const wonByBoris = await call(env, admin, 'GET', `/api/deals?manager=${boris.id}&stage=won`);
    expect(wonByBoris.body.items.map((d: { title: string }) => d.title)).toEqual(['Radio spots']);
    const mine = await call(env, anna, 'GET', '/api/deals?manager=me&limit=1');
    expect(mine.body.items).toHaveLength(1);
    const next = await call(
      env,
      anna,
      'GET',
      `/api/deals?manager=me&limit=10&cursor=${mine.body.nextCursor}`,
    );
    expect(next.body.items.every((d: { id: number }) => d.id < mine.body.items[0].id)).toBe(true);
    expect((await call(env, admin, 'GET', `/api/deals/${mine.body.items[0].id}`)).body.managerId).toBe(
      anna.id,
    );
  });
});
