import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addTestUser,
  call,
  createTestEnv,
  ownershipVsLedger,
  type Seller,
  type TestEnv,
} from '../../test/helpers.ts';
import { reindexClients } from '../app/identity/reindex.ts';
import { createClient } from '../app/use-cases/create-client.ts';
import { addUser, login } from '../app/use-cases/users.ts';
import { rows } from '../db/raw.ts';

const dir = 'test/fixtures/import';
const amoInn = JSON.parse(readFileSync(`${dir}/amocrm-inn.json`, 'utf8')) as Record<string, string>;
const file = (name: string) => readFileSync(`${dir}/${name}`).toString('base64');

let env: TestEnv;
let head: Seller;
let manager: Seller;
let anna: Seller;
let vera: Seller;
let vektorId: number;
let sibId: number;

async function count(
  table: 'clients' | 'ownership_events' | 'client_identifiers' | 'contacts' | 'legal_entities',
) {
  const [r] = await rows<{ n: string | number }>(
    env.ctx.db,
    sql`SELECT count(*) AS n FROM ${sql.identifier(table)}`,
  );
  return Number(r!.n);
}
async function ownerName(clientId: number): Promise<string | null> {
  const [r] = await rows<{ name: string | null }>(
    env.ctx.db,
    sql`SELECT u.name FROM ownership o LEFT JOIN users u ON u.id = o.owner_id WHERE o.client_id = ${clientId}`,
  );
  return r ? r.name : 'no ownership row';
}
const snapshot = async () => ({
  clients: await count('clients'),
  events: await count('ownership_events'),
  identifiers: await count('client_identifiers'),
  contacts: await count('contacts'),
  legal: await count('legal_entities'),
});

async function teamMember(name: string, email: string): Promise<Seller> {
  const res = await addUser(env.ctx, {
    name,
    email,
    password: 'password-123',
    role: 'manager',
    hiredAt: new Date(env.clock.now.getTime() - 400 * 86_400_000),
  });
  if (!res.ok) throw new Error(res.code);
  const s = await login(env.ctx, email, 'password-123', null);
  if (!s.ok) throw new Error(s.code);
  return { ...res.value, token: s.value.token };
}

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head', { name: 'Head' });
  manager = await addTestUser(env, 'manager', { name: 'Someone' });
  anna = await teamMember('Анна Смирнова', 'anna.smirnova@fairbase.test');
  await teamMember('Борис Котов', 'boris.kotov@fairbase.test');
  vera = await teamMember('Вера Лебедева', 'vera.lebedeva@fairbase.test');
  const actor = { kind: 'user' as const, id: head.id, role: 'head' as const };
  // Already in the base: «Вектор Плюс» by its ИНН (the file's row links to it), and a namesake of a file row.
  const v = await createClient(env.ctx, {
    actor,
    displayName: 'Вектор Плюс',
    legalEntities: [{ name: 'ООО «Вектор Плюс»', inn: amoInn.vektor! }],
    claim: false,
  });
  if (!v.ok) throw new Error(v.code);
  vektorId = v.value.id;
  const s = await createClient(env.ctx, {
    actor,
    displayName: 'Сибирские окна',
    addresses: [{ kind: 'hq', address: 'ул. Ленина, 1', city: 'Новосибирск' }],
    claim: false,
  });
  if (!s.ok) throw new Error(s.code);
  sibId = s.value.id;
}, 120_000);
afterAll(() => env.close());

describe('amoCRM export (UTF-8, ;)', () => {
  let importId: number;
  let plan: any;

  it('upload is a dry run: the plan, the duplicates, the problems; nothing written but the import', async () => {
    const before = await snapshot();
    const r = await call(env, head, 'POST', '/api/imports', {
      fileName: 'amocrm-companies-contacts.csv',
      contentBase64: file('amocrm-companies-contacts.csv'),
    });
    expect(r.status).toBe(201);
    plan = r.body;
    importId = r.body.id;
    expect(plan).toMatchObject({
      status: 'dry_run',
      preset: 'amocrm',
      format: 'csv',
      encoding: 'utf-8',
      separator: ';',
    });
    expect(plan.mapping).toMatchObject({
      name: ['Наименование'],
      company: ['Компания'],
      inn: ['ИНН'],
      owner: ['Ответственный'],
    });
    expect(plan.preview[0]).toMatchObject({ row: 2, values: { Наименование: 'ООО «Вектор Плюс»' } });
    // 36 data rows: 2 without a name; contacts and duplicates fold into their companies.
    expect(plan.counts).toMatchObject({ rows: 36, errors: 2, sameInFile: 7, linked: 1, maybe: 1 });
    expect(plan.counts.clients).toBe(plan.counts.created + plan.counts.linked + plan.counts.maybe);
    const link = plan.groups.find((g: any) => g.decision === 'link');
    expect(link).toMatchObject({ row: 2, rows: [2, 3, 19], clientId: vektorId });
    expect(link.reasons.join(' ')).toMatch(/ИНН/);
    // The UI translates the structured reasons; the English text stays for the CLI and the report.
    expect(link.reasonCodes).toHaveLength(link.reasons.length);
    expect(link.reasonCodes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'SAME_INN', kind: 'inn', similarity: 1, contact: null }),
      ]),
    );
    expect(link.reasonCodes[0]).toEqual({
      code: expect.any(String),
      kind: expect.any(String),
      similarity: expect.any(Number),
      display: expect.any(String),
      contact: null,
    });
    const maybe = plan.groups.find((g: any) => g.decision === 'maybe');
    expect(maybe).toMatchObject({ displayName: 'ООО «Сибирские окна»', clientId: sibId, confirmed: false });
    const issues = plan.issues.map((i: any) => `${i.row}:${i.column}:${i.reason}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        '9:ИНН:INVALID_INN',
        '10:Ответственный:UNKNOWN_OWNER',
        '12:Наименование:MISSING_NAME',
        '17:Телефон:INVALID_PHONE',
        '17:E-mail:INVALID_EMAIL',
        '33:Компания:MISSING_NAME',
      ]),
    );
    expect(await snapshot()).toEqual(before);
    // Every upload is a dry run: listed only when previews are asked for.
    const list = await call(env, head, 'GET', '/api/imports');
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: any) => i.id)).not.toContain(importId);
    const withPreviews = await call(env, head, 'GET', '/api/imports?previews=1');
    expect(withPreviews.body.items[0]).toMatchObject({
      id: importId,
      status: 'dry_run',
      fileName: 'amocrm-companies-contacts.csv',
    });
  });

  it('apply: clients created with owners from «Ответственный» (ledger IMPORTED + import id), duplicates linked, maybe held', async () => {
    const before = await snapshot();
    const r = await call(env, head, 'POST', `/api/imports/${importId}/apply`, {});
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('applied');
    const c = r.body.counts;
    expect(c).toMatchObject({ linked: 1, maybe: 1, created: plan.counts.created, owned: plan.counts.owned });
    const after = await snapshot();
    expect(after.clients - before.clients).toBe(c.created);
    const events = await rows<{
      client_id: number;
      to_manager_id: number;
      reason_code: string;
      rule: string;
      details: any;
    }>(
      env.ctx.db,
      sql`SELECT client_id, to_manager_id, reason_code, rule, details FROM ownership_events WHERE reason_code = 'IMPORTED'`,
    );
    expect(events).toHaveLength(c.owned);
    expect(events.every((e) => e.details.importId === importId && e.rule === 'R-IMPORT-1')).toBe(true);
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
    // Each owned row is written with its claim: the event's id, time, reason and protection.
    const owned = await rows<{ ok: boolean }>(
      env.ctx.db,
      sql`SELECT (o.last_event_id = e.id AND o.since = e.occurred_at AND o.last_reason = 'IMPORTED'
                 AND o.protected_until IS NOT DISTINCT FROM e.protected_until AND o.extended_until IS NULL) AS ok
          FROM ownership_events e JOIN ownership o ON o.client_id = e.client_id AND o.line_id = e.line_id
          WHERE e.reason_code = 'IMPORTED'`,
    );
    expect(owned).toHaveLength(c.owned);
    expect(owned.every((o) => o.ok)).toBe(true);
    // Row 2 «ООО «Вектор Плюс»» (Анна) is the seeded pool client: linked, its owner unchanged, its new contact added.
    const vk = await call(env, head, 'GET', `/api/clients/${vektorId}`);
    expect(vk.body.contacts.map((k: any) => k.name)).toContain('Игорь Петров');
    const found = await call(env, head, 'GET', `/api/lookup?q=${encodeURIComponent('8 916 555-12-34')}`);
    expect(found.body.items[0].clientId).toBe(vektorId);
    // A new client owned by the manager named in the file: «АО "СеверСталь-Трейд"» → Борис (by e-mail).
    const sev = await call(env, head, 'GET', `/api/lookup?q=${encodeURIComponent(amoInn.severstal!)}`);
    expect(await ownerName(sev.body.items[0].clientId)).toBe('Борис Котов');
    // Unknown manager → pool; the maybe row is not imported.
    const motor = await call(env, head, 'GET', `/api/lookup?q=${encodeURIComponent('+7 (846) 270-11-22')}`);
    expect(await ownerName(motor.body.items[0].clientId)).toBeNull();
    const [sib] = await rows<{ n: string }>(
      env.ctx.db,
      sql`SELECT count(*) AS n FROM clients WHERE display_name ILIKE '%Сибирские окна%'`,
    );
    expect(Number(sib!.n)).toBe(1);
    // The index written set-based equals what a rebuild from the stored rows gives.
    const index = () =>
      rows<{ k: string }>(
        env.ctx.db,
        sql`SELECT client_id || ':' || kind || ':' || value || ':' || source_type || ':' || source_id AS k
            FROM client_identifiers ORDER BY 1`,
      );
    const written = await index();
    const ids = await rows<{ id: number }>(env.ctx.db, sql`SELECT id FROM clients`);
    await reindexClients(
      env.ctx.db,
      ids.map((x) => x.id),
    );
    expect(await index()).toEqual(written);
    const again = await call(env, head, 'POST', `/api/imports/${importId}/apply`, {});
    expect(again.status).toBe(409);
    // Applied: now in the default list of past imports.
    const list = await call(env, head, 'GET', '/api/imports');
    expect(list.body.items[0]).toMatchObject({ id: importId, status: 'applied' });
  });

  it('the report is downloadable later: row, column, reason, decision', async () => {
    const r = await env.app.inject({
      method: 'GET',
      url: `/api/imports/${importId}/report.csv`,
      headers: { authorization: `Bearer ${head.token}` },
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/csv/);
    const text = r.body.replace(/^\uFEFF/, '');
    const lines = text.split(/\r?\n/);
    expect(lines[0]).toBe('row;column;reason;decision;client_id;detail');
    expect(text).toMatch(new RegExp(`^2;;;linked to client ${vektorId};${vektorId};`, 'm'));
    expect(text).toMatch(/^12;Наименование;MISSING_NAME;error;;/m);
    expect(text).toMatch(/^10;Ответственный;UNKNOWN_OWNER;pool;\d+;Пётр Неизвестный$/m);
    expect(text).toMatch(/^9;ИНН;INVALID_INN;value skipped;\d+;\d{10}$/m);
    expect(text).toMatch(/^19;;;same as row 2;/m);
    expect(text).toMatch(/maybe: client \d+, not imported/);
    const detail = await call(env, head, 'GET', `/api/imports/${importId}`);
    expect(detail.body).toMatchObject({ id: importId, status: 'applied', preset: 'amocrm' });
    expect(detail.body.report).toBeUndefined();
  });
});

describe('Bitrix24 export (Windows-1251) and caps', () => {
  it('decodes cp1251, keeps owners within their caps: over the cap goes to the pool and is reported', async () => {
    // Вера may take one more client.
    const [base] = await rows<{ n: string }>(
      env.ctx.db,
      sql`SELECT count(*) AS n FROM ownership WHERE owner_id = ${vera.id}`,
    );
    await env.ctx.db.execute(
      sql`UPDATE users SET cap_override = ${Number(base!.n) + 1} WHERE id = ${vera.id}`,
    );
    const up = await call(env, head, 'POST', '/api/imports', {
      fileName: 'bitrix24-companies.csv',
      contentBase64: file('bitrix24-companies.csv'),
    });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ preset: 'bitrix24', encoding: 'windows-1251' });
    expect(up.body.preview[0].values['Название компании']).toBe('Гранд Отель Самара');
    expect(up.body.issues.map((i: any) => `${i.row}:${i.reason}`)).toEqual(
      expect.arrayContaining(['6:INVALID_INN', '7:UNKNOWN_OWNER', '10:MISSING_NAME', '12:INVALID_EMAIL']),
    );
    const veraRows = up.body.groups.filter((g: any) => g.ownerId === vera.id);
    expect(veraRows).toHaveLength(1);
    const over = up.body.groups.filter((g: any) => g.poolReason === 'OVER_CAP');
    expect(over.length).toBeGreaterThan(2);
    expect(up.body.counts.overCap).toBe(over.length);
    const applied = await call(env, head, 'POST', `/api/imports/${up.body.id}/apply`, {});
    expect(applied.status).toBe(200);
    const [after] = await rows<{ n: string }>(
      env.ctx.db,
      sql`SELECT count(*) AS n FROM ownership WHERE owner_id = ${vera.id}`,
    );
    expect(Number(after!.n)).toBe(Number(base!.n) + 1);
    const grand = await call(env, head, 'GET', `/api/lookup?q=${encodeURIComponent('Гранд Отель Самара')}`);
    expect(grand.body.items[0].client.displayName).toBe('Гранд Отель Самара');
    expect(await ownerName(grand.body.items[0].clientId)).toBe(anna.name);
  });
});

describe('all or nothing, over cap by choice, access, bad files', () => {
  it('a failing apply leaves the database as it was and marks the import failed; --over-cap assigns anyway', async () => {
    const up = await call(env, head, 'POST', '/api/imports', {
      fileName: 'generic-clients.xlsx',
      contentBase64: file('generic-clients.xlsx'),
    });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ preset: 'generic', format: 'xlsx' });
    expect(up.body.counts.rows).toBe(27);
    // The insert of the clients fails (after the import row was updated and identifiers matched in the same transaction).
    await env.ctx.db.execute(sql`CREATE FUNCTION fail_import() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.display_name = 'ТЦ Космопорт' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$`);
    await env.ctx.db.execute(
      sql`CREATE TRIGGER fail_import BEFORE INSERT ON clients FOR EACH ROW EXECUTE FUNCTION fail_import()`,
    );
    const before = await snapshot();
    const failed = await call(env, head, 'POST', `/api/imports/${up.body.id}/apply`, { overCap: true });
    expect(failed.status).toBe(500);
    expect(await snapshot()).toEqual(before);
    const d = await call(env, head, 'GET', `/api/imports/${up.body.id}`);
    expect(d.body).toMatchObject({ status: 'failed', error: expect.stringContaining('disk full') });
    await env.ctx.db.execute(sql`DROP TRIGGER fail_import ON clients`);
    const ok = await call(env, head, 'POST', `/api/imports/${up.body.id}/apply`, { overCap: true });
    expect(ok.status).toBe(200);
    expect(ok.body.counts.overCap).toBe(0);
    const veraNow = ok.body.groups.filter((g: any) => g.ownerId === vera.id);
    expect(veraNow.length).toBeGreaterThan(0);
  });

  it('managers may not import; every bad input is a 4xx naming the field', async () => {
    const body = { fileName: 'x.csv', contentBase64: Buffer.from('Название;ИНН\nА;1\n').toString('base64') };
    expect((await call(env, manager, 'POST', '/api/imports', body)).status).toBe(403);
    const bad = async (payload: object) => {
      const r = await call(env, head, 'POST', '/api/imports', payload);
      expect(r.status).toBe(400);
      return r.body.error;
    };
    const garbage = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)).toString('base64');
    const e1 = await bad({ fileName: 'x.csv', contentBase64: garbage });
    expect(e1.details.issues[0]).toMatchObject({
      path: 'body.contentBase64',
      message: expect.stringContaining('binary'),
    });
    const e2 = await bad({ fileName: 'x.csv', contentBase64: Buffer.from('   \n').toString('base64') });
    expect(e2.details.issues[0].message).toMatch(/empty/);
    const e3 = await bad({
      fileName: 'x.xlsx',
      contentBase64: Buffer.from('PK\u0003\u0004broken').toString('base64'),
    });
    expect(e3.details.issues[0].message).toMatch(/XLSX/);
    const e4 = await bad({
      fileName: 'x.csv',
      contentBase64: Buffer.from(
        '7707083893;+7 495 123-45-67;ООО Ромашка\n7736207543;+7 495 765-43-21;ООО Лютик\n',
      ).toString('base64'),
    });
    expect(e4.details.issues[0]).toMatchObject({
      path: 'body.mapping',
      message: expect.stringContaining('header'),
    });
    const e5 = await bad({ ...body, mapping: { name: ['Нет такой колонки'] } });
    expect(e5.details.issues[0]).toMatchObject({
      path: 'body.mapping',
      message: expect.stringContaining('Нет такой колонки'),
    });
    const e6 = await bad({ ...body, mapping: { colour: ['ИНН'] } });
    expect(e6.details.issues[0].path).toMatch(/^body\.mapping/);
    const e7 = await bad({ ...body, preset: 'salesforce' });
    expect(e7.details.issues[0].path).toBe('body.preset');
    const e8 = await bad({ fileName: 'x.csv' });
    expect(e8.details.issues[0].path).toBe('body.contentBase64');
    const e9 = await bad({ ...body, ownerColumn: 'Менеджер' });
    expect(e9.details.issues[0].path).toBe('body.ownerColumn');
    const nf = await call(env, head, 'POST', '/api/imports/99999/apply', {});
    expect(nf.status).toBe(404);
  });
});
