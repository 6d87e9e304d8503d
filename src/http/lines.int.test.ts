import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLine } from '../app/use-cases/lines.ts';
import { setPolicy } from '../app/use-cases/policy.ts';
import { presets } from '../core/policy/policy.ts';
import {
  addPoolClient,
  addTestUser,
  call,
  createTestEnv,
  ownershipVsLedger,
  type Seller,
  type TestEnv,
} from '../../test/helpers.ts';

let env: TestEnv;
let head: Seller;
let anna: Seller;
let boris: Seller;
let radio2: number;

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head');
  anna = await addTestUser(env, 'manager');
  boris = await addTestUser(env, 'manager');
  await addPoolClient(env, head); // an existing client gets a slot in the new line
  const l = await addLine(env.ctx, 'Радио 2');
  if (!l.ok) throw new Error(l.code);
  radio2 = l.value.id;
  expect(l.value.clients).toBe(1);
  expect((await addLine(env.ctx, 'радио 2')).ok).toBe(false);
});
afterAll(() => env.close());

describe('lines of business (C24, R-LINE-1)', () => {
  it('independent lines: one client, a different owner per line', async () => {
    const c = await addPoolClient(env, head);
    expect((await call(env, anna, 'POST', `/api/clients/${c}/claim`)).status).toBe(200);
    const b = await call(env, boris, 'POST', `/api/clients/${c}/claim`, { lineId: radio2 });
    expect(b.status).toBe(200);
    expect(b.body.events[0]).toMatchObject({ lineId: radio2, toManagerId: boris.id });
    const card = await call(env, head, 'GET', `/api/clients/${c}`);
    expect(card.body.owners.map((o: { ownerId: number }) => o.ownerId)).toEqual([anna.id, boris.id]);
    expect(
      (await call(env, head, 'GET', '/api/lines')).body.items.map((l: { name: string }) => l.name),
    ).toEqual(['Основное направление', 'Радио 2']);
    expect(
      (await call(env, anna, 'POST', `/api/clients/${c}/claim`, { lineId: 9999 })).body.error,
    ).toMatchObject({ code: 'NOT_FOUND', details: { field: 'lineId' } });
  });

  it('one owner for the whole company: a claim takes every line, a release frees every line', async () => {
    await setPolicy(env.ctx, { ...presets.balanced, lines: { mode: 'single_owner' } }, head.id, 'one owner');
    const c = await addPoolClient(env, head);
    const r = await call(env, anna, 'POST', `/api/clients/${c}/claim`);
    expect(r.body.events.map((e: { lineId: number }) => e.lineId)).toHaveLength(2);
    expect(
      (await call(env, boris, 'POST', `/api/clients/${c}/claim`, { lineId: radio2 })).body.error.code,
    ).toBe('CLIENT_OWNED_BY_OTHER');
    const rel = await call(env, anna, 'POST', `/api/clients/${c}/release`);
    expect(rel.body.events).toHaveLength(2);
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
  });
});
