import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReview, type ReviewReport } from '../app/identity/review.ts';
import { rows } from '../db/raw.ts';
import { addTestUser, call, createTestEnv, T0, type Seller, type TestEnv } from '../../test/helpers.ts';

let env: TestEnv;
let m: Seller;
let head: Seller;
const ids = { oldOwned: 0, oldClaimedNow: 0, fresh: 0, freshOwned: 0, merged: 0 };
const parts = { badEntity: 0, goodSqlEntity: 0, junkContact: 0, backdated: 0, backdatedOwned: 0 };
const DAY = 86_400_000;
const PAST = new Date(T0.getTime() - 1000 * DAY);

async function insertId(q: ReturnType<typeof sql>): Promise<number> {
  const [r] = await rows<{ id: number }>(env.ctx.db, q);
  return r!.id;
}

/**
 * C23. The API refuses a bad ИНН or phone, so the bad data is written with SQL, as an old import
 * would have left it. "Untouched" = created over N days ago and no ledger event for the client since.
 */
beforeAll(async () => {
  env = await createTestEnv();
  m = await addTestUser(env, 'manager', { name: 'Мария М.', hiredDaysAgo: 2000 });
  head = await addTestUser(env, 'head', { hiredDaysAgo: 2000 });

  env.clock.set(PAST);
  const oldOwned = await call(env, m, 'POST', '/api/clients', {
    displayName: 'Старый Юникс',
    legalEntities: [
      { name: 'ООО «Старый Юникс»', inn: '7707083893', kpp: '770701001', ogrn: '1027739552642' },
    ],
    contacts: [{ name: 'Иванов Иван', phones: ['+7 846 212-34-56'] }],
  });
  expect(oldOwned.status, JSON.stringify(oldOwned.body)).toBe(201);
  ids.oldOwned = oldOwned.body.id;
  const oldPool = await call(env, head, 'POST', '/api/clients', {
    displayName: 'Старый Феникс',
    claim: false,
    legalEntities: [{ name: 'ООО «Феникс»' }],
    contacts: [{ name: 'Петров Пётр' }],
  });
  ids.oldClaimedNow = oldPool.body.id;

  env.clock.set(T0);
  // Claimed today: a ledger event in the window, so its old parts are not "untouched".
  expect((await call(env, m, 'POST', `/api/clients/${ids.oldClaimedNow}/claim`)).status).toBe(200);
  ids.fresh = (
    await call(env, head, 'POST', '/api/clients', { displayName: 'Новый клиент', claim: false })
  ).body.id;
  ids.freshOwned = (await call(env, m, 'POST', '/api/clients', { displayName: 'Свежий клиент' })).body.id;
  ids.merged = (
    await call(env, head, 'POST', '/api/clients', { displayName: 'Слитый', claim: false })
  ).body.id;

  parts.badEntity = await insertId(
    sql`INSERT INTO legal_entities (client_id, name, inn, kpp, ogrn, created_at)
        VALUES (${ids.fresh}, 'ООО «Кривой ИНН»', '7707083894', 'ABCD01001', '1027739552643', ${T0})
        RETURNING id`,
  );
  // Valid but never indexed (written around the API): re-validated and not reported.
  parts.goodSqlEntity = await insertId(
    sql`INSERT INTO legal_entities (client_id, name, inn, kpp, ogrn, created_at)
        VALUES (${ids.fresh}, 'ООО «Правильный»', '7736050003', '773601001', '', ${T0}) RETURNING id`,
  );
  parts.junkContact = await insertId(
    sql`INSERT INTO contacts (client_id, name, phones, created_at)
        VALUES (${ids.fresh}, 'Сидоров', ARRAY['abc', '+7 927 555-66-77', ''], ${T0}) RETURNING id`,
  );
  // Old created_at by SQL: on a pool client with no ledger event it is untouched…
  parts.backdated = await insertId(
    sql`INSERT INTO contacts (client_id, name, created_at) VALUES (${ids.fresh}, 'Давний контакт', ${PAST})
        RETURNING id`,
  );
  // …on a client claimed today it is not.
  parts.backdatedOwned = await insertId(
    sql`INSERT INTO contacts (client_id, name, created_at) VALUES (${ids.freshOwned}, 'Давний, но в работе', ${PAST})
        RETURNING id`,
  );
  // A merged client is out of every section, whatever it holds.
  await env.ctx.db.execute(
    sql`INSERT INTO legal_entities (client_id, name, inn, created_at) VALUES (${ids.merged}, 'Слитый', '1234567890', ${PAST})`,
  );
  await env.ctx.db.execute(
    sql`INSERT INTO contacts (client_id, name, phones, created_at) VALUES (${ids.merged}, 'Слитый', ARRAY['xyz'], ${PAST})`,
  );
  await env.ctx.db.execute(sql`UPDATE clients SET merged_into = ${ids.fresh} WHERE id = ${ids.merged}`);
});
afterAll(() => env.close());

async function review(who: Seller, qs = ''): Promise<ReviewReport & Record<string, any>> {
  const r = await call(env, who, 'GET', `/api/review${qs}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

describe('base review GET /api/review (C23)', () => {
  it('lists invalid ИНН / КПП / ОГРН re-validated from legal entities', async () => {
    const r = await review(head);
    expect(r.invalidIdentifiers).toEqual([
      {
        clientId: ids.fresh,
        displayName: 'Новый клиент',
        legalEntityId: parts.badEntity,
        legalEntityName: 'ООО «Кривой ИНН»',
        field: 'inn',
        value: '7707083894',
        error: 'INVALID_CHECKSUM',
      },
      expect.objectContaining({ field: 'kpp', value: 'ABCD01001', error: 'INVALID_COMPONENT' }),
      expect.objectContaining({ field: 'ogrn', value: '1027739552643', error: 'INVALID_CHECKSUM' }),
    ]);
    expect(r.counts.invalidIdentifiers).toBe(3);
  });

  it('lists contact phones that cannot be parsed', async () => {
    const r = await review(m);
    expect(r.unparseablePhones).toEqual([
      {
        clientId: ids.fresh,
        displayName: 'Новый клиент',
        contactId: parts.junkContact,
        contactName: 'Сидоров',
        value: 'abc',
        error: 'INVALID_PHONE',
      },
      expect.objectContaining({ contactId: parts.junkContact, value: '', error: 'EMPTY' }),
    ]);
    expect(r.counts.unparseablePhones).toBe(2);
  });

  it('lists contacts and legal entities untouched for N days, on the created_at + ledger basis', async () => {
    const r = await review(head);
    expect(r.basis).toBe('created_at_and_ledger');
    expect(r.untouchedDays).toBe(730);
    expect(r.untouchedSince).toBe(new Date(T0.getTime() - 730 * DAY).toISOString());
    expect(r.staleContacts.map((c: { contactName: string }) => c.contactName).sort()).toEqual([
      'Давний контакт',
      'Иванов Иван',
    ]);
    const ivanov = r.staleContacts.find((c: { contactName: string }) => c.contactName === 'Иванов Иван');
    expect(ivanov).toMatchObject({
      clientId: ids.oldOwned,
      displayName: 'Старый Юникс',
      createdAt: PAST.toISOString(),
      lastEventAt: PAST.toISOString(),
    });
    const backdated = r.staleContacts.find((c: { contactId: number }) => c.contactId === parts.backdated);
    expect(backdated).toMatchObject({ clientId: ids.fresh, lastEventAt: null });
    expect(r.staleLegalEntities).toEqual([
      {
        clientId: ids.oldOwned,
        displayName: 'Старый Юникс',
        legalEntityId: expect.any(Number),
        legalEntityName: 'ООО «Старый Юникс»',
        inn: '7707083893',
        createdAt: PAST.toISOString(),
        lastEventAt: PAST.toISOString(),
      },
    ]);
    expect(r.counts).toMatchObject({ staleContacts: 2, staleLegalEntities: 1 });
  });

  it('likely duplicates: an empty section until the base dedupe lands', async () => {
    const r = await review(head);
    expect(r.likelyDuplicates).toEqual([]);
    expect(r.counts.likelyDuplicates).toBe(0);
  });

  it('takes untouchedDays and limit; counts stay the totals', async () => {
    const longer = await review(head, '?untouchedDays=2000');
    expect(longer.staleContacts).toEqual([]);
    expect(longer.staleLegalEntities).toEqual([]);
    const shorter = await review(head, '?untouchedDays=1&limit=1');
    expect(shorter.limit).toBe(1);
    for (const k of [
      'invalidIdentifiers',
      'unparseablePhones',
      'staleContacts',
      'staleLegalEntities',
    ] as const)
      expect(shorter[k].length, k).toBeLessThanOrEqual(1);
    expect(shorter.counts.invalidIdentifiers).toBe(3);
    expect(shorter.counts.unparseablePhones).toBe(2);
    // One day: everything created before today without a ledger event today; today's claims keep theirs out.
    expect(shorter.counts.staleContacts).toBe(2);
    const bad = await call(env, head, 'GET', '/api/review?untouchedDays=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('querystring.untouchedDays');
  });

  it('is open to heads and managers, not to admins', async () => {
    const admin = await addTestUser(env, 'admin');
    expect((await call(env, admin, 'GET', '/api/review')).status).toBe(403);
    expect((await call(env, null, 'GET', '/api/review')).status).toBe(401);
  });

  it('renders as text for the CLI', async () => {
    const r = await call(env, head, 'GET', '/api/review?limit=1');
    // The CLI gets the report from the app layer; revive the dates the JSON turned into strings.
    const report: ReviewReport = {
      ...r.body,
      generatedAt: new Date(r.body.generatedAt),
      untouchedSince: new Date(r.body.untouchedSince),
      staleContacts: r.body.staleContacts.map((c: any) => ({
        ...c,
        createdAt: new Date(c.createdAt),
        lastEventAt: c.lastEventAt && new Date(c.lastEventAt),
      })),
      staleLegalEntities: r.body.staleLegalEntities.map((e: any) => ({
        ...e,
        createdAt: new Date(e.createdAt),
        lastEventAt: e.lastEventAt && new Date(e.lastEventAt),
      })),
    };
    const text = formatReview(report);
    expect(text).toContain('basis: created_at_and_ledger');
    expect(text).toContain('Invalid ИНН / КПП / ОГРН: 3');
    expect(text).toContain(`#${ids.fresh} Новый клиент: ИНН 7707083894 (checksum does not match)`);
    expect(text).toContain('… and 2 more');
    expect(text).toContain('Unparseable phones: 2');
    expect(text).toContain('Contacts untouched for 730 days: 2');
    expect(text).toContain('Legal entities untouched for 730 days: 1');
    expect(text).toContain('Likely duplicates: 0');
  });

  // Last: it adds a client the other sections would see.
  it('likely duplicates carry structured reasons for the UI beside the English text', async () => {
    const dup = await call(env, head, 'POST', '/api/clients', {
      displayName: 'Юникс-дубль',
      claim: false,
      legalEntities: [{ name: 'ООО «Юникс»', inn: '7707083893' }],
      contacts: [{ name: 'Сидоров Семён', phones: ['+7 846 212-34-56'] }],
      force: true,
      forceReason: 'review test',
    });
    expect(dup.status, JSON.stringify(dup.body)).toBe(201);
    const r = await review(head);
    const group = r.likelyDuplicates.find((d: { clients: number[] }) => d.clients.includes(dup.body.id));
    expect(group?.clients).toEqual([ids.oldOwned, dup.body.id]);
    expect(group?.reasons).toEqual(expect.arrayContaining(['same ИНН', 'same phone']));
    expect(group?.reasonCodes).toHaveLength(group!.reasons.length);
    expect(group?.reasonCodes).toEqual(
      expect.arrayContaining([
        { code: 'SAME_INN', kind: 'inn', similarity: 1, display: '7707083893', contact: null },
        expect.objectContaining({ code: 'SAME_PHONE', kind: 'phone', similarity: 1 }),
      ]),
    );
  });
});
