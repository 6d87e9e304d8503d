import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addPoolClient,
  addTestUser,
  call,
  createTestEnv,
  ledgerRows,
  type Seller,
  type TestEnv,
} from '../../test/helpers.ts';

let env: TestEnv;
let head: Seller;
let anna: Seller;
let admin: Seller;

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head');
  anna = await addTestUser(env, 'manager', { name: 'Anna' });
  admin = await addTestUser(env, 'admin');
});
afterAll(() => env.close());

const unix = {
  displayName: 'Юникс',
  notes: 'сеть магазинов электроники',
  legalEntities: [
    { name: 'Юникс', legalForm: 'ООО', inn: '7707083893', kpp: '773601001', ogrn: '1027700132195' },
  ],
  brands: [{ name: 'Электроцентр' }],
  contacts: [
    {
      name: 'Иванов Иван',
      position: 'маркетолог',
      isDecisionMaker: true,
      phones: ['+7 846 212-34-56'],
      emails: ['ivanov@unix.ru'],
    },
  ],
  addresses: [{ kind: 'store' as const, address: 'ул. Ленинградская, 10', city: 'Самара' }],
};

describe('clients (C1)', () => {
  it("a manager's new client lands in their base with its legal entity, brand, contact and address", async () => {
    const r = await call(env, anna, 'POST', '/api/clients', unix);
    expect(r.status).toBe(201);
    const card = await call(env, head, 'GET', `/api/clients/${r.body.id}`);
    expect(card.body).toMatchObject({
      displayName: 'Юникс',
      legalEntities: [{ inn: '7707083893', kpp: '773601001', ogrn: '1027700132195', legalForm: 'ООО' }],
      brands: [{ name: 'Электроцентр' }],
      contacts: [{ name: 'Иванов Иван', isDecisionMaker: true, doNotContact: false }],
      addresses: [{ kind: 'store', city: 'Самара' }],
      owners: [{ ownerId: anna.id, lastReason: 'CREATED_BY_OWNER', lineName: 'Основное направление' }],
    });
    expect((await ledgerRows(env, r.body.id))[0]).toMatchObject({
      type: 'ClientClaimed',
      reason_code: 'CREATED_BY_OWNER',
    });
  });

  it("a head's new client starts in the pool unless claim is asked", async () => {
    const r = await call(env, head, 'POST', '/api/clients', { displayName: 'Автодом Плюс' });
    const card = await call(env, head, 'GET', `/api/clients/${r.body.id}`);
    expect(card.body.owners[0].ownerId).toBeNull();
    expect(await ledgerRows(env, r.body.id)).toHaveLength(0);
  });

  it('bad input names every wrong field and stores nothing', async () => {
    const before = (await call(env, head, 'GET', '/api/clients?limit=500')).body.items.length;
    const r = await call(env, anna, 'POST', '/api/clients', {
      displayName: ' ',
      legalEntities: [{ name: 'X', inn: '7707083894', kpp: 'abc', ogrn: '1027700132196' }],
      contacts: [{ name: 'Y', emails: ['not-an-email'] }],
      addresses: [{ kind: 'warehouse', address: 'a' }],
    });
    expect(r.status).toBe(400);
    const paths = r.body.error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.displayName',
        'body.legalEntities.0.inn',
        'body.legalEntities.0.kpp',
        'body.legalEntities.0.ogrn',
        'body.contacts.0.emails.0',
        'body.addresses.0.kind',
      ]),
    );
    expect((await call(env, head, 'GET', '/api/clients?limit=500')).body.items.length).toBe(before);
    const notJson = await env.app.inject({
      method: 'POST',
      url: '/api/clients',
      headers: { authorization: `Bearer ${anna.token}`, 'content-type': 'application/json' },
      payload: '{bad',
    });
    expect(notJson.statusCode).toBe(400);
    expect(JSON.parse(notJson.body).error.code).toBe('VALIDATION_FAILED');
  });

  it('a manager at the cap cannot create a client into their base; nothing is stored', async () => {
    const full = await addTestUser(env, 'manager');
    await env.ctx.db.execute(
      (await import('drizzle-orm')).sql`UPDATE users SET cap_override = 1 WHERE id = ${full.id}`,
    );
    expect((await call(env, full, 'POST', '/api/clients', { displayName: 'Первый' })).status).toBe(201);
    const r = await call(env, full, 'POST', '/api/clients', { displayName: 'Второй уникальный' });
    expect(r.body.error).toMatchObject({
      code: 'CAP_REACHED',
      details: { cap: 1, count: 1, field: 'claim' },
    });
    const found = await call(env, head, 'GET', `/api/clients?q=${encodeURIComponent('Второй уникальный')}`);
    expect(found.body.items).toHaveLength(0);
  });

  it('edits the client and adds, edits and removes its parts', async () => {
    const id = (await call(env, anna, 'POST', '/api/clients', { displayName: 'Стоматология Улыбка' })).body
      .id;
    expect((await call(env, head, 'PATCH', `/api/clients/${id}`, { notes: 'два филиала' })).status).toBe(200);
    const le = await call(env, anna, 'POST', `/api/clients/${id}/legal-entities`, {
      name: 'Улыбка',
      legalForm: 'ООО',
      inn: '6315232133',
    });
    expect(le.status).toBe(201);
    const br = await call(env, anna, 'POST', `/api/clients/${id}/brands`, { name: 'Улыбка+' });
    const co = await call(env, anna, 'POST', `/api/clients/${id}/contacts`, {
      name: 'Петрова Анна',
      phones: ['8 927 123-45-67'],
    });
    const ad = await call(env, anna, 'POST', `/api/clients/${id}/addresses`, {
      kind: 'branch',
      address: 'Московское шоссе, 4',
    });
    expect([br.status, co.status, ad.status]).toEqual([201, 201, 201]);
    expect(
      (await call(env, anna, 'PATCH', `/api/clients/${id}/contacts/${co.body.id}`, { doNotContact: true }))
        .status,
    ).toBe(200);
    expect(
      (await call(env, anna, 'PATCH', `/api/clients/${id}/legal-entities/${le.body.id}`, { inn: '123' }))
        .status,
    ).toBe(400);
    expect((await call(env, anna, 'DELETE', `/api/clients/${id}/brands/${br.body.id}`)).status).toBe(200);
    expect((await call(env, anna, 'DELETE', `/api/clients/${id}/brands/${br.body.id}`)).status).toBe(404);
    const card = (await call(env, head, 'GET', `/api/clients/${id}`)).body;
    expect(card.notes).toBe('два филиала');
    expect(card.brands).toEqual([]);
    expect(card.contacts[0]).toMatchObject({ name: 'Петрова Анна', doNotContact: true });
    expect(card.addresses[0]).toMatchObject({ kind: 'branch' });
    // A part of another client is not reachable through this one.
    const other = await addPoolClient(env, head);
    expect((await call(env, anna, 'DELETE', `/api/clients/${other}/addresses/${ad.body.id}`)).status).toBe(
      404,
    );
  });

  it('lists, searches by name or ИНН, filters by owner and status, and pages with a cursor', async () => {
    const mine = await call(env, anna, 'GET', '/api/clients?owner=me&limit=500');
    expect(mine.body.items.every((c: { ownerId: number }) => c.ownerId === anna.id)).toBe(true);
    expect(mine.body.items.length).toBeGreaterThanOrEqual(2);
    const byName = await call(env, head, 'GET', `/api/clients?q=${encodeURIComponent('юник')}`);
    expect(byName.body.items.map((c: { displayName: string }) => c.displayName)).toEqual(['Юникс']);
    const byInn = await call(env, head, 'GET', '/api/clients?q=7707083893');
    expect(byInn.body.items.map((c: { displayName: string }) => c.displayName)).toEqual(['Юникс']);
    const pool = await call(env, head, 'GET', '/api/clients?status=pool&limit=500');
    expect(pool.body.items.every((c: { ownerId: number | null }) => c.ownerId === null)).toBe(true);
    for (let i = 0; i < 5; i++) await addPoolClient(env, head);
    const seen: number[] = [];
    let cursor: number | null = null;
    do {
      const page: { body: { items: { id: number }[]; nextCursor: number | null } } = await call(
        env,
        head,
        'GET',
        `/api/clients?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.body.items.map((c) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.length).toBeGreaterThanOrEqual(10);
    expect((await call(env, head, 'GET', '/api/clients?limit=1000')).status).toBe(400);
  });
});

describe('policy (C5, R-POL-1)', () => {
  it('the head saves a new version; every change is kept with author and note', async () => {
    const cur = await call(env, anna, 'GET', '/api/policy');
    expect(cur.body.policy.preset).toBe('balanced');
    const next = { ...cur.body.policy, preset: 'custom', caps: { ...cur.body.policy.caps, defaultCap: 180 } };
    expect((await call(env, anna, 'PUT', '/api/policy', { policy: next })).status).toBe(403);
    const r = await call(env, head, 'PUT', '/api/policy', { policy: next, note: 'smaller bases' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: cur.body.version + 1, policy: { caps: { defaultCap: 180 } } });
    const versions = await call(env, anna, 'GET', '/api/policy/versions');
    expect(versions.body.items[0]).toMatchObject({
      version: cur.body.version + 1,
      note: 'smaller bases',
      createdBy: head.id,
    });
    const bad = await call(env, head, 'PUT', '/api/policy', {
      policy: { ...next, caps: { defaultCap: 0, headTransferMayExceedCap: false } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('body.policy.caps.defaultCap');
    const c = await addPoolClient(env, head);
    const claim = await call(env, anna, 'POST', `/api/clients/${c}/claim`);
    expect(claim.body.events[0].policyVersion).toBe(cur.body.version + 1);
  });
});

describe('users (C21)', () => {
  it('the admin adds users, changes role and status; duplicates and bad fields are named', async () => {
    const r = await call(env, admin, 'POST', '/api/users', {
      name: 'Борис',
      email: 'Boris@Radio.ru',
      password: 'long-password',
      role: 'manager',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ email: 'boris@radio.ru', role: 'manager', status: 'active' });
    const dup = await call(env, admin, 'POST', '/api/users', {
      name: 'Борис 2',
      email: 'boris@radio.ru',
      password: 'long-password',
      role: 'manager',
    });
    expect(dup.body.error).toMatchObject({ code: 'CONFLICT', details: { field: 'email' } });
    const bad = await call(env, admin, 'POST', '/api/users', {
      name: 'X',
      email: 'x',
      password: 'short',
      role: 'boss',
    });
    expect(bad.body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.email',
      'body.password',
      'body.role',
    ]);
    const upd = await call(env, admin, 'PATCH', `/api/users/${r.body.id}`, {
      role: 'head',
      status: 'on_leave',
      phoneExtension: '104',
    });
    expect(upd.body).toMatchObject({ role: 'head', status: 'on_leave', phoneExtension: '104' });
    const badExt = await call(env, admin, 'PATCH', `/api/users/${r.body.id}`, { phoneExtension: '10,4&x' });
    expect(badExt.body.error.details.issues[0].path).toBe('body.phoneExtension');
    const list = await call(env, admin, 'GET', '/api/users');
    expect(list.body.items.some((u: { email: string }) => u.email === 'boris@radio.ru')).toBe(true);
    expect(JSON.stringify(list.body)).not.toContain('argon2');
    const first = await call(env, admin, 'GET', '/api/users?limit=1');
    expect(first.body.items).toHaveLength(1);
    const second = await call(env, admin, 'GET', `/api/users?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].id).toBeGreaterThan(first.body.items[0].id);
  });
});
