import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReview, type ReviewReport } from '../app/identity/review.ts';
import { rows } from '../db/raw.ts';
import { addTestUser, call, createTestEnv, T0, type Seller, type TestEnv } from '../../test/helpers.ts';

let env: TestEnv;
let m: Seller;
let head: Seller;
const ids = { oldOwned: 0, oldClaimedNow: 0, fresh: 0, freshOwned: 0, merged: 0, oldWithDeal: 0 };
const parts = {
  badEntity: 0,
  goodSqlEntity: 0,
  junkContact: 0,
  backdated: 0,
  backdatedOwned: 0,
  leftCompany: 0,
};
const DAY = 86_400_000;
const PAST = new Date(T0.getTime() - 1000 * DAY);

async function insertId(q: ReturnType<typeof sql>): Promise<number> {
  const [r] = await rows<{ id: number }>(env.ctx.db, q);
  return r!.id;
}

/**
 * C23. The API refuses a bad ИНН or phone, so the bad data is written with SQL, as an old import
 * would have left it. "Untouched" = added over N days ago and no touch since (a contact: none naming
 * it or naming nobody; a legal entity: none of its client, and no deal with it opened or won).
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
  const withDeal = await call(env, m, 'POST', '/api/clients', {
    displayName: 'Старый заказчик',
    legalEntities: [{ name: 'ООО «Плательщик»' }],
  });
  expect(withDeal.status, JSON.stringify(withDeal.body)).toBe(201);
  ids.oldWithDeal = withDeal.body.id;
  const contactOf = async (name: string) =>
    (await rows<{ id: number }>(env.ctx.db, sql`SELECT id FROM contacts WHERE name = ${name}`))[0]!.id;
  env.clock.set(T0);
  // A call with Иванов ten days later (recorded today): long before the cut-off, so he is still untouched.
  const soon = new Date(PAST.getTime() + 10 * DAY);
  const oldCall = await call(env, m, 'POST', `/api/clients/${ids.oldOwned}/touches`, {
    kind: 'call',
    outcome: 'reached',
    occurredAt: soon.toISOString(),
    contactId: await contactOf('Иванов Иван'),
  });
  expect(oldCall.status, JSON.stringify(oldCall.body)).toBe(201);

  // Claimed today (an ownership event is not work with a contact) and called today, with Петров.
  expect((await call(env, m, 'POST', `/api/clients/${ids.oldClaimedNow}/claim`)).status).toBe(200);
  // …so a colleague of his on the same client, added long ago and never named since, has likely left.
  parts.leftCompany = await insertId(
    sql`INSERT INTO contacts (client_id, name, created_at) VALUES (${ids.oldClaimedNow}, 'Сидорова (ушла)', ${PAST})
        RETURNING id`,
  );
  const petrovCall = await call(env, m, 'POST', `/api/clients/${ids.oldClaimedNow}/touches`, {
    kind: 'call',
    outcome: 'reached',
    contactId: await contactOf('Петров Пётр'),
  });
  expect(petrovCall.status, JSON.stringify(petrovCall.body)).toBe(201);
  // No touch of «Старый заказчик» since, but an order from its legal entity today.
  const leId = (
    await rows<{ id: number }>(
      env.ctx.db,
      sql`SELECT id FROM legal_entities WHERE client_id = ${ids.oldWithDeal}`,
    )
  )[0]!.id;
  const deal = await call(env, m, 'POST', `/api/clients/${ids.oldWithDeal}/deals`, {
    title: 'Осенняя кампания',
    amountKopecks: 10_000_000,
    stage: 'won',
    legalEntityId: leId,
  });
  expect(deal.status, JSON.stringify(deal.body)).toBe(201);
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
  // …on a client called today without naming anyone it is not (the call may have been with them).
  parts.backdatedOwned = await insertId(
    sql`INSERT INTO contacts (client_id, name, created_at) VALUES (${ids.freshOwned}, 'Давний, но в работе', ${PAST})
        RETURNING id`,
  );
  const anonCall = await call(env, m, 'POST', `/api/clients/${ids.freshOwned}/touches`, {
    kind: 'call',
    outcome: 'reached',
  });
  expect(anonCall.status, JSON.stringify(anonCall.body)).toBe(201);
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

  it('lists contacts and legal entities untouched for N days, from the touches', async () => {
    const r = await review(head);
    expect(r.basis).toBe('touches');
    expect(r.untouchedDays).toBe(730);
    expect(r.untouchedSince).toBe(new Date(T0.getTime() - 730 * DAY).toISOString());
    expect(r.staleContacts.map((c: { contactName: string }) => c.contactName).sort()).toEqual([
      'Давний контакт',
      'Иванов Иван',
      'Сидорова (ушла)',
    ]);
    const ivanov = r.staleContacts.find((c: { contactName: string }) => c.contactName === 'Иванов Иван');
    expect(ivanov).toMatchObject({
      clientId: ids.oldOwned,
      displayName: 'Старый Юникс',
      createdAt: PAST.toISOString(),
      lastTouchAt: new Date(PAST.getTime() + 10 * DAY).toISOString(),
    });
    const backdated = r.staleContacts.find((c: { contactId: number }) => c.contactId === parts.backdated);
    expect(backdated).toMatchObject({ clientId: ids.fresh, lastTouchAt: null });
    // Today's call named Петров, not her: her last touch is none at all.
    const left = r.staleContacts.find((c: { contactId: number }) => c.contactId === parts.leftCompany);
    expect(left).toMatchObject({ clientId: ids.oldClaimedNow, lastTouchAt: null });
    expect(r.staleLegalEntities).toEqual([
      {
        clientId: ids.oldOwned,
        displayName: 'Старый Юникс',
        legalEntityId: expect.any(Number),
        legalEntityName: 'ООО «Старый Юникс»',
        inn: '7707083893',
        createdAt: PAST.toISOString(),
        lastTouchAt: new Date(PAST.getTime() + 10 * DAY).toISOString(),
      },
    ]);
    // ООО «Феникс»: its client was called today; ООО «Плательщик»: an order from it today.
    expect(r.counts).toMatchObject({ staleContacts: 3, staleLegalEntities: 1 });
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
    // One day: the same three (what was added or worked with today is out either way).
    expect(shorter.counts.staleContacts).toBe(3);
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
        lastTouchAt: c.lastTouchAt && new Date(c.lastTouchAt),
      })),
      staleLegalEntities: r.body.staleLegalEntities.map((e: any) => ({
        ...e,
        createdAt: new Date(e.createdAt),
        lastTouchAt: e.lastTouchAt && new Date(e.lastTouchAt),
      })),
      forcedDuplicates: r.body.forcedDuplicates.map((f: any) => ({
        ...f,
        occurredAt: new Date(f.occurredAt),
      })),
    };
    const text = formatReview(report);
    expect(text).toContain('basis: touches');
    expect(text).toContain('Invalid ИНН / КПП / ОГРН: 3');
    expect(text).toContain(`#${ids.fresh} Новый клиент: ИНН 7707083894 (checksum does not match)`);
    expect(text).toContain('… and 2 more');
    expect(text).toContain('Unparseable phones: 2');
    expect(text).toContain('Contacts untouched for 730 days: 3');
    expect(text).toMatch(/Старый Юникс: contact #\d+ Иванов Иван, added \d{4}-\d\d-\d\d, last touch \d{4}/);
    expect(text).toContain('Legal entities untouched for 730 days: 1');
    expect(text).toContain('Likely duplicates: 0');
    expect(text).toContain('Created despite a duplicate warning: 0');
  });

  // Last: they add and merge clients the other sections would see.
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

  it('lists a client forced through a duplicate warning until the head merges it', async () => {
    const r = await review(head);
    const forced = r.forcedDuplicates.find((f: { displayName: string }) => f.displayName === 'Юникс-дубль');
    expect(forced).toMatchObject({
      actorId: head.id,
      reason: 'review test',
      matched: [
        {
          clientId: ids.oldOwned,
          displayName: 'Старый Юникс',
          reasons: expect.arrayContaining([
            { code: 'SAME_INN', kind: 'inn', similarity: 1, display: '7707083893', contact: null },
          ]),
        },
      ],
    });
    expect(r.counts.forcedDuplicates).toBe(r.forcedDuplicates.length);
    if (!forced) throw new Error('the forced client is not listed');
    const merged = await call(env, head, 'POST', `/api/clients/${ids.oldOwned}/merge`, {
      otherClientId: forced.clientId,
    });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    const after = await review(head);
    expect(after.forcedDuplicates.map((f: { clientId: number }) => f.clientId)).not.toContain(
      forced.clientId,
    );
  });
});
