import Papa from 'papaparse';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestUser, createTestEnv, type Seller, type TestEnv } from '../../../test/helpers.ts';
import { createRng } from '../../core/demo/prng.ts';
import { generateInn10 } from '../../core/identity/ru-identifiers.ts';
import { rows } from '../../db/raw.ts';
import { createClient } from '../use-cases/create-client.ts';
import { FUZZY_NAME_ROWS, runImport } from './run.ts';

/**
 * A file larger than FUZZY_NAME_ROWS takes the large-file path: exact keys only, every distinct key
 * of the file probed against the base while the file is grouped, then scored in batches of 2 000.
 * Duplicates in the second batch must be found as surely as in the first.
 */
let env: TestEnv;
let head: Seller;
let baseA: number;
let baseB: number;
const rng = createRng(77);
const innA = generateInn10(rng, '77');
const ROWS = FUZZY_NAME_ROWS + 700;

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head');
  const actor = { kind: 'user' as const, id: head.id, role: 'head' as const };
  const a = await createClient(env.ctx, {
    actor,
    displayName: 'Альфа Трейд',
    legalEntities: [{ name: 'ООО «Альфа Трейд»', inn: innA }],
    claim: false,
  });
  const b = await createClient(env.ctx, {
    actor,
    displayName: 'Бета Сервис',
    contacts: [{ name: 'Петров Пётр', phones: ['+7 495 111-22-33'] }],
    claim: false,
  });
  if (!a.ok || !b.ok) throw new Error('base clients');
  baseA = a.value.id;
  baseB = b.value.id;
}, 120_000);
afterAll(() => env.close());

describe(`a file of ${ROWS} rows (the large-file path)`, () => {
  it('links base clients by ИНН and phone in either batch and folds repeated rows', async () => {
    const data: string[][] = [];
    for (let i = 0; i < ROWS; i++) {
      const n = String(10_000_000 + i);
      const phone = `+7 916 ${n.slice(1, 4)}-${n.slice(4, 6)}-${n.slice(6)}`;
      data.push([`Компания номер ${i} Зет`, '', phone, '']);
    }
    // Row 11 (first batch): the base client A by its ИНН, spelled differently.
    data[9] = ['ООО "АЛЬФА-ТРЕЙД"', innA, '', ''];
    // Row 2 402 (second batch): the base client B by its phone in another format.
    data[2400] = ['Бета', '', '8 (495) 111 22 33', ''];
    // Rows 2 502 and 2 602: the same new company twice (its phone reformatted).
    data[2500] = ['Гамма Плюс', '', '+7 912 000-00-01', ''];
    data[2600] = ['Гамма Плюс', '', '89120000001', ''];
    const csv = Papa.unparse({ fields: ['Название', 'ИНН', 'Телефон', 'Адрес'], data }, { delimiter: ';' });
    const [b] = await rows<{ n: number }>(env.ctx.db, sql`SELECT count(*)::int AS n FROM clients`);
    const before = b!.n;
    const progress: number[] = [];
    const res = await runImport(env.ctx, {
      actor: { id: head.id, role: 'head' },
      file: { name: 'large.csv', bytes: Buffer.from(csv, 'utf8') },
      settings: {},
      dryRun: false,
      onProgress: (p) => {
        if (p.phase === 'match') progress.push(p.done);
      },
    });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const { counts, groups } = res.value.plan;
    expect(progress).toEqual([2000, ROWS - 1]);
    expect(counts.rows).toBe(ROWS);
    expect(counts.linked).toBe(2);
    expect(counts.sameInFile).toBe(1);
    expect(groups.find((g) => g.row === 11)).toMatchObject({ decision: 'link', clientId: baseA });
    expect(groups.find((g) => g.row === 2402)).toMatchObject({ decision: 'link', clientId: baseB });
    expect(groups.find((g) => g.row === 2502)).toMatchObject({ rows: [2502, 2602], decision: 'create' });
    const [a] = await rows<{ n: number }>(env.ctx.db, sql`SELECT count(*)::int AS n FROM clients`);
    const after = a!.n;
    expect(after - before).toBe(counts.created);
    expect(counts.created).toBe(ROWS - 3);
    // The linked client gained the phone of its row; the new clients are found by theirs.
    const [phones] = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(*)::int AS n FROM client_identifiers WHERE client_id = ${baseB} AND kind = 'phone'`,
    );
    expect(phones!.n).toBe(1);
    const [hit] = await rows<{ client_id: number }>(
      env.ctx.db,
      sql`SELECT client_id FROM client_identifiers WHERE kind = 'phone' AND value = '+79120000001'`,
    );
    expect(hit?.client_id).toBe(groups.find((g) => g.row === 2502)!.clientId);
  }, 300_000);

  it('writes a batch while the next is decided: decisions and owners as in the dry run, a failed write undoes all', async () => {
    const m1 = await addTestUser(env, 'manager');
    await env.ctx.db.execute(sql`UPDATE users SET cap_override = 2100 WHERE id = ${m1.id}`);
    const data: string[][] = [];
    for (let i = 0; i < ROWS; i++) {
      const n = String(10_000_000 + i);
      data.push([`Фирма номер ${i} Кси`, `+7 917 ${n.slice(1, 4)}-${n.slice(4, 6)}-${n.slice(6)}`, m1.email]);
    }
    data[5]![2] = 'nobody@nowhere.test';
    // A base client whose name normalises to nothing (no display-name identifier): its name is read
    // from the database when row 2 452 (second batch) is linked to it by phone.
    const bare = await createClient(env.ctx, {
      actor: { kind: 'user' as const, id: head.id, role: 'head' as const },
      displayName: 'ООО',
      contacts: [{ name: 'Сидоров Иван', phones: ['+7 495 222-33-44'] }],
      claim: false,
    });
    if (!bare.ok) throw new Error(`base client: ${bare.code}`);
    data[2450] = ['Безымянная', '8 495 222 33 44', m1.email];
    const csv = Papa.unparse({ fields: ['Название', 'Телефон', 'Ответственный'], data }, { delimiter: ';' });
    const file = { name: 'owners.csv', bytes: Buffer.from(csv, 'utf8') };
    const actor = { id: head.id, role: 'head' as const };
    const dry = await runImport(env.ctx, { actor, file, settings: {}, dryRun: true });
    expect(dry.ok).toBe(true);
    if (!dry.ok) return;
    expect(dry.value.plan.counts).toMatchObject({
      created: ROWS - 1,
      linked: 1,
      owned: 2100,
      overCap: ROWS - 2 - 2100,
    });
    expect(dry.value.plan.groups.find((g) => g.row === 2452)).toMatchObject({
      decision: 'link',
      clientId: bare.value.id,
      clientName: 'ООО',
    });
    // Owner problems follow the rows' own, the unknown owner before the caps, in file order.
    const reasons = dry.value.plan.issues.map((i) => i.reason);
    expect(reasons[0]).toBe('UNKNOWN_OWNER');
    expect(reasons.slice(1).every((r) => r === 'OVER_CAP')).toBe(true);
    const count = async () =>
      (await rows<{ n: number }>(env.ctx.db, sql`SELECT count(*)::int AS n FROM clients`))[0]!.n;
    const before = await count();
    // The first batch's write fails while the second batch is being decided.
    await env.ctx.db.execute(sql`CREATE FUNCTION fail_big_import() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.display_name = 'Фирма номер 1500 Кси' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$`);
    await env.ctx.db.execute(
      sql`CREATE TRIGGER fail_big_import BEFORE INSERT ON clients FOR EACH ROW EXECUTE FUNCTION fail_big_import()`,
    );
    await expect(runImport(env.ctx, { actor, file, settings: {}, dryRun: false })).rejects.toThrow();
    expect(await count()).toBe(before);
    // The write's own error is reported, not the next batch's query in the aborted transaction.
    const [failed] = await rows<{ status: string; error: string }>(
      env.ctx.db,
      sql`SELECT status, error FROM imports ORDER BY id DESC LIMIT 1`,
    );
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringContaining('disk full') });
    const [owned] = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(*)::int AS n FROM ownership WHERE owner_id = ${m1.id}`,
    );
    expect(owned!.n).toBe(0);
    await env.ctx.db.execute(sql`DROP TRIGGER fail_big_import ON clients`);
    const res = await runImport(env.ctx, { actor, file, settings: {}, dryRun: false });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.value.plan.counts).toEqual(dry.value.plan.counts);
    expect(res.value.plan.issues).toEqual(dry.value.plan.issues);
    const strip = (g: { clientId: number | null; clientName: string | null }) => ({
      ...g,
      clientId: null,
      clientName: null,
    });
    expect(res.value.plan.groups.map(strip)).toEqual(dry.value.plan.groups.map(strip));
    expect(await count()).toBe(before + ROWS - 1);
    const [after] = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(DISTINCT client_id)::int AS n FROM ownership WHERE owner_id = ${m1.id}`,
    );
    expect(after!.n).toBe(2100);
    // Each created client is the one its decision names, found by its row's phone.
    const g = res.value.plan.groups.find((x) => x.row === 2 + 2400)!;
    const [hit] = await rows<{ client_id: number }>(
      env.ctx.db,
      sql`SELECT client_id FROM client_identifiers WHERE kind = 'phone' AND value = '+79170002400'`,
    );
    expect(hit?.client_id).toBe(g.clientId);
  }, 300_000);
});
