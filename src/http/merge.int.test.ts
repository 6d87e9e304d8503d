import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addTestUser,
  call,
  createTestEnv,
  ledgerRows,
  ownershipVsLedger,
  type Seller,
  type TestEnv,
} from '../../test/helpers.ts';

let env: TestEnv;
let a: Seller;
let b: Seller;
let head: Seller;

beforeAll(async () => {
  env = await createTestEnv();
  a = await addTestUser(env, 'manager');
  b = await addTestUser(env, 'manager');
  head = await addTestUser(env, 'head');
});
afterAll(() => env.close());

const forced = { force: true, forceReason: 'test data' };

async function twoDuplicates() {
  const unix = (
    await call(env, a, 'POST', '/api/clients', {
      displayName: 'Юникс',
      legalEntities: [{ name: 'ООО Юникс', inn: '7707083893' }],
      // Each test makes its own pair of duplicates of the same company.
      ...forced,
    })
  ).body.id;
  const store = (
    await call(env, b, 'POST', '/api/clients', {
      displayName: 'Электроцентр',
      brands: [{ name: 'Электроцентр' }],
      contacts: [{ name: 'Петров Пётр', phones: ['+7 927 100-20-30'] }],
      ...forced,
    })
  ).body.id;
  return { unix, store };
}

describe('merge two clients (C2, R-MERGE-1)', () => {
  it('moves the data to the survivor, keeps its owner, and logs a ClientsMerged event on both', async () => {
    const { unix, store } = await twoDuplicates();
    expect((await call(env, a, 'POST', `/api/clients/${unix}/merge`, { otherClientId: store })).status).toBe(
      403,
    );
    const r = await call(env, head, 'POST', `/api/clients/${unix}/merge`, { otherClientId: store });
    expect(r.status).toBe(200);
    expect(
      r.body.events.map(
        (e: { clientId: number; type: string; toManagerId: number | null; reasonCode: string }) => [
          e.clientId,
          e.type,
          e.toManagerId,
          e.reasonCode,
        ],
      ),
    ).toEqual([
      [store, 'ClientsMerged', null, 'MERGED_INTO'],
      [unix, 'ClientsMerged', a.id, 'MERGE_SURVIVOR'],
    ]);
    const card = (await call(env, b, 'GET', `/api/clients/${unix}`)).body;
    expect(card.brands.map((x: { name: string }) => x.name)).toEqual(['Электроцентр']);
    expect(card.contacts[0].name).toBe('Петров Пётр');
    expect(card.owners[0].ownerId).toBe(a.id);
    const merged = (await call(env, b, 'GET', `/api/clients/${store}`)).body;
    expect(merged.mergedInto).toBe(unix);
    // Found through the survivor only; out of lists; the ledger still knows who had it.
    const found = (await call(env, b, 'GET', `/api/lookup?q=${encodeURIComponent('+79271002030')}`)).body
      .items;
    expect(found.map((i: { clientId: number }) => i.clientId)).toEqual([unix]);
    const list = (await call(env, head, 'GET', '/api/clients?limit=500')).body.items.map(
      (c: { id: number }) => c.id,
    );
    expect(list).not.toContain(store);
    expect((await ledgerRows(env, store)).map((e) => e.type)).toEqual(['ClientClaimed', 'ClientsMerged']);
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
    const again = await call(env, head, 'POST', `/api/clients/${unix}/merge`, { otherClientId: store });
    expect(again.body.error).toMatchObject({ code: 'NOT_FOUND', details: { field: 'otherClientId' } });
  });

  it('the head may give the merged client to the other owner, but not to a third manager', async () => {
    const { unix, store } = await twoDuplicates();
    const c = await addTestUser(env, 'manager');
    const bad = await call(env, head, 'POST', `/api/clients/${unix}/merge`, {
      otherClientId: store,
      ownerId: c.id,
    });
    expect(bad.body.error).toMatchObject({ code: 'MERGE_OWNER_NOT_INVOLVED', details: { field: 'ownerId' } });
    const r = await call(env, head, 'POST', `/api/clients/${unix}/merge`, {
      otherClientId: store,
      ownerId: b.id,
    });
    expect(r.status).toBe(200);
    expect(r.body.events[1]).toMatchObject({
      fromManagerId: a.id,
      toManagerId: b.id,
      details: { ownerChosenBy: 'head' },
    });
    expect((await call(env, a, 'GET', `/api/clients/${unix}`)).body.owners[0].ownerId).toBe(b.id);
  });

  it('refuses to merge a client with itself', async () => {
    const { unix } = await twoDuplicates();
    const r = await call(env, head, 'POST', `/api/clients/${unix}/merge`, { otherClientId: unix });
    expect(r.body.error.code).toBe('MERGE_SAME_CLIENT');
  });
});
