import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookup } from '../app/identity/lookup.ts';
import { rows } from '../db/raw.ts';
import { addTestUser, call, createTestEnv, type Seller, type TestEnv } from '../../test/helpers.ts';

let env: TestEnv;
let a: Seller;
let b: Seller;
let head: Seller;
let unix: number;

/** The case from SPEC.md: A entered «Юникс»; the store «Электроцентр» calls; B must see at once that it is A's client. */
beforeAll(async () => {
  env = await createTestEnv();
  a = await addTestUser(env, 'manager', { name: 'Алексей А.' });
  b = await addTestUser(env, 'manager', { name: 'Борис Б.' });
  head = await addTestUser(env, 'head');
  const r = await call(env, a, 'POST', '/api/clients', {
    displayName: 'Юникс',
    legalEntities: [{ name: 'ООО «Юникс»', legalForm: 'ООО', inn: '7707083893' }],
    brands: [{ name: 'Электроцентр' }],
    contacts: [
      {
        name: 'Иванова Мария',
        position: 'маркетолог',
        isDecisionMaker: true,
        phones: ['+7 (846) 212-34-56'],
        emails: ['m.ivanova@unix-shop.ru'],
      },
      { name: 'Петров Пётр', position: 'директор магазина', phones: ['8 927 100-20-30'] },
    ],
    addresses: [{ kind: 'store', address: 'ул. Ленинградская, д. 10', city: 'Самара' }],
  });
  expect(r.status).toBe(201);
  unix = r.body.id;
  // Neighbours that must not be confused with it.
  for (const displayName of ['Электромир', 'Юнитекс', 'Центр Электро', 'Феникс']) {
    expect((await call(env, head, 'POST', '/api/clients', { displayName })).status).toBe(201);
  }
});
afterAll(() => env.close());

const top = async (who: Seller, q: string) => {
  const r = await call(env, who, 'GET', `/api/lookup?q=${encodeURIComponent(q)}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items;
};

describe('who owns this? (C2)', () => {
  it.each([
    ['the brand as you type', 'электроц', 'brand'],
    ['the brand with a typo', 'электорцентр', 'brand'],
    ['the legal name with its form and quotes', 'ООО "Юникс"', 'display_name'],
    ['the name in Latin letters', 'Unix', 'display_name'],
    ['the ИНН', '7707083893', 'inn'],
    ['the store phone in another format', '8 846 2123456', 'phone'],
    ['the director mobile', '+79271002030', 'phone'],
    ['the e-mail in capitals', 'M.Ivanova@UNIX-SHOP.RU', 'email'],
    ['the address, abbreviated differently', 'Ленинградская', 'address'],
    ['prefixes of two words, the first one not last typed', 'ленингр юникс', 'display_name'],
    ['a contact by prefixes of both names', 'иван мар', 'contact_name'],
  ])('finds Юникс by %s', async (_what, q, kind) => {
    const items = await top(b, q);
    expect(items[0]?.clientId, JSON.stringify(items.slice(0, 3))).toBe(unix);
    expect(
      items[0].matched.kind === kind || (kind === 'display_name' && items[0].matched.kind === 'legal_name'),
    ).toBe(true);
    expect(items[0].client.owners[0]).toMatchObject({ ownerId: a.id, ownerName: 'Алексей А.' });
  });

  it('reads ten digits as an ИНН first and as a phone when no client has that ИНН', async () => {
    const byPhone = await call(env, head, 'POST', '/api/clients', {
      displayName: 'Василёк',
      contacts: [{ name: 'Сидоров Сидор', phones: ['8 927 100-00-18'] }],
    });
    expect(byPhone.status).toBe(201);
    // 9271000018 is a valid ИНН (checksum) and a valid phone: no client has the ИНН yet.
    const asPhone = await top(b, '9271000018');
    expect(asPhone.map((i: { clientId: number }) => i.clientId)).toEqual([byPhone.body.id]);
    expect(asPhone[0].matched.kind).toBe('phone');
    const byInn = await call(env, head, 'POST', '/api/clients', {
      displayName: 'Ромашка-Трейд',
      legalEntities: [{ name: 'ООО «Ромашка-Трейд»', legalForm: 'ООО', inn: '9271000018' }],
    });
    expect(byInn.status).toBe(201);
    const items = await top(b, '9271000018');
    expect(items.map((i: { clientId: number }) => i.clientId)).toEqual([byInn.body.id]);
    expect(items[0].matched.kind).toBe('inn');
    // Inside a transaction the same statements run through it (no driver shortcut): same answers.
    const inTx = await env.ctx.db.transaction((tx) => lookup(tx, '9271000018', 10));
    expect(inTx.map((i) => i.clientId)).toEqual([byInn.body.id]);
    // An e-mail and its company domain go in one call: the contact's client, by its e-mail.
    const both = await env.ctx.db.transaction((tx) => lookup(tx, 'M.Ivanova@UNIX-SHOP.RU', 10));
    expect(both.map((i) => i.clientId)).toEqual([unix]);
  });

  it('answers nothing for nonsense and names the field for an empty query', async () => {
    expect(await top(b, 'zzqxw')).toEqual([]);
    const r = await call(env, b, 'GET', '/api/lookup?q=');
    expect(r.status).toBe(400);
    expect(r.body.error.details.issues[0].path).toBe('querystring.q');
  });
});

describe('duplicate-proof entry (C2, R-ID-1..3)', () => {
  it('B entering «Электроцентр» with the store phone is stopped and shown Юникс with the reasons', async () => {
    const r = await call(env, b, 'POST', '/api/clients', {
      displayName: 'Электроцентр',
      contacts: [{ name: 'Петров П.', phones: ['8 (927) 100-20-30'] }],
    });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('DUPLICATE_SUSPECTED');
    const c = r.body.error.details.candidates[0];
    expect(c).toMatchObject({ clientId: unix, outcome: 'same', client: { displayName: 'Юникс' } });
    const texts = c.reasons.map((x: { text: string }) => x.text);
    expect(texts).toContain('same phone as contact Петров Пётр');
    expect(texts).toContain('same brand name');
    // The dialog words it from the code and fields: «тот же телефон, что у контакта Петров Пётр».
    expect(c.reasons.find((x: { code: string }) => x.code === 'SAME_PHONE')).toMatchObject({
      kind: 'phone',
      contact: 'Петров Пётр',
    });
    const [n] = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(*)::int AS n FROM clients WHERE display_name = 'Электроцентр'`,
    );
    expect(n!.n).toBe(0);
  });

  it('the same ИНН alone is the same client', async () => {
    const r = await call(env, b, 'POST', '/api/clients/match', {
      legalEntities: [{ name: 'Совсем другое имя', inn: '7707083893' }],
    });
    expect(r.body.items[0]).toMatchObject({
      clientId: unix,
      outcome: 'same',
      reasons: [{ code: 'SAME_INN', text: 'same ИНН' }],
    });
  });

  it('different valid ИНН are never the same on the name alone (R-ID-2)', async () => {
    const r = await call(env, b, 'POST', '/api/clients/match', {
      displayName: 'Юникс',
      legalEntities: [{ name: 'ООО Юникс', inn: '7736050003' }],
      brands: [{ name: 'Электроцентр' }],
    });
    expect(r.body.items[0].clientId).toBe(unix);
    expect(r.body.items[0].outcome).toBe('maybe');
    expect(r.body.items[0].reasons.map((x: { code: string }) => x.code)).toContain('DIFFERENT_INN');
  });

  it('a similar name alone is a warning, not a block', async () => {
    const r = await call(env, b, 'POST', '/api/clients', { displayName: 'Электроцентр Плюс' });
    expect(r.status).toBe(201);
    expect(r.body.duplicates.map((d: { clientId: number }) => d.clientId)).toContain(unix);
  });

  it('forcing a duplicate needs a reason, and the override is logged', async () => {
    const body = {
      displayName: 'Юникс (Тольятти)',
      legalEntities: [{ name: 'Юникс', inn: '7707083893' }],
      force: true,
    };
    const noReason = await call(env, b, 'POST', '/api/clients', body);
    expect(noReason.body.error).toMatchObject({ code: 'REASON_REQUIRED', details: { field: 'forceReason' } });
    const r = await call(env, b, 'POST', '/api/clients', {
      ...body,
      forceReason: 'отдельный договор филиала',
    });
    expect(r.status).toBe(201);
    const [log] = await rows<{
      reason: string;
      actor_id: number;
      candidates: { clientId: number; reasonCodes: { code: string }[] }[];
    }>(
      env.ctx.db,
      sql`SELECT reason, actor_id, candidates FROM duplicate_overrides WHERE client_id = ${r.body.id}`,
    );
    expect(log).toMatchObject({ reason: 'отдельный договор филиала', actor_id: b.id });
    expect(log!.candidates[0]!.clientId).toBe(unix);
    expect(log!.candidates[0]!.reasonCodes.map((c) => c.code)).toContain('SAME_INN');
  });

  it("adding another client's phone to a client is stopped too; linking to the right client works", async () => {
    const other = (await call(env, b, 'POST', '/api/clients', { displayName: 'Автодом Плюс' })).body.id;
    const r = await call(env, b, 'POST', `/api/clients/${other}/contacts`, {
      name: 'Кто-то',
      phones: ['+78462123456'],
    });
    expect(r.status).toBe(409);
    expect(r.body.error.details.candidates[0].clientId).toBe(unix);
    // Linking the store to Юникс: a new brand on the existing client, no conflict with itself.
    const link = await call(env, b, 'POST', `/api/clients/${unix}/brands`, {
      name: 'Электроцентр на Ленинградской',
    });
    expect(link.status).toBe(201);
    expect((await top(b, 'ленинградской'))[0].clientId).toBe(unix);
  });

  it('the index follows every edit in the same transaction', async () => {
    const id = (await call(env, head, 'POST', '/api/clients', { displayName: 'Кафе Берёзка' })).body.id;
    expect((await top(head, 'березка'))[0].clientId).toBe(id);
    await call(env, head, 'PATCH', `/api/clients/${id}`, { displayName: 'Ресторан Дубрава' });
    expect((await top(head, 'березка')).map((i: { clientId: number }) => i.clientId)).not.toContain(id);
    expect((await top(head, 'дубрава'))[0].clientId).toBe(id);
  });
});
