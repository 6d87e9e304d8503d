import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestUser, call, createTestEnv, relogin, type Seller, type TestEnv } from '../../test/helpers.ts';
import { planExport } from '../app/export.ts';
import { runCli } from '../cli/main.ts';
import { bufferIo } from '../cli/output.ts';

/**
 * Export (C20) through the API and the CLI. Now is 2026-07-05 09:00 UTC.
 * A owns «Альфа-Радио» (legal entity, brand, phone, a won deal of 1 234 567.89 ₽) and «Бета»;
 * B owns «Гамма»; «Дельта» is in the pool. A and B each log a touch.
 */
let env: TestEnv;
let head: Seller;
let a: Seller;
let b: Seller;
const ids: Record<string, number> = {};

async function download(who: Seller | null, url: string) {
  const r = await env.app.inject({
    method: 'GET',
    url,
    headers: who ? { authorization: `Bearer ${who.token}` } : {},
  });
  return { status: r.statusCode, headers: r.headers, raw: r.rawPayload, text: r.body };
}

/** CSV rows after the BOM, split with papaparse like Excel would. */
function parseCsv(text: string): string[][] {
  expect(text.charCodeAt(0)).toBe(0xfeff);
  return Papa.parse<string[]>(text.slice(1), { delimiter: ';', skipEmptyLines: true }).data;
}

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head', { name: 'Руководитель' });
  a = await addTestUser(env, 'manager', { name: 'Алексей А.' });
  b = await addTestUser(env, 'manager', { name: 'Борис Б.' });
  env.clock.set(new Date('2026-07-05T09:00:00Z'));
  [head, a, b] = [await relogin(env, head), await relogin(env, a), await relogin(env, b)];
  const mk = async (who: Seller, body: Record<string, unknown>) => {
    const r = await call(env, who, 'POST', '/api/clients', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as number;
  };
  ids.alfa = await mk(a, {
    displayName: 'Альфа-Радио',
    legalEntities: [{ name: 'ООО «Альфа»', inn: '7707083893' }],
    brands: [{ name: 'Альфа FM' }],
    contacts: [{ name: 'Иван Петров', phones: ['+7 495 123-45-67'], emails: ['ivan@alfa.ru'] }],
    addresses: [{ kind: 'hq', address: 'Москва, ул. Тверская, 1', city: 'Москва' }],
  });
  ids.beta = await mk(a, { displayName: 'Бета' });
  ids.gamma = await mk(b, { displayName: 'Гамма' });
  ids.delta = await mk(head, { displayName: 'Дельта', claim: false });
  const d = await call(env, a, 'POST', `/api/clients/${ids.alfa}/deals`, {
    title: 'Весенняя кампания',
    amountKopecks: 123_456_789,
    stage: 'won',
    wonAt: '2026-06-10T10:00:00Z',
  });
  expect(d.status, JSON.stringify(d.body)).toBe(201);
  const t1 = await call(env, a, 'POST', `/api/clients/${ids.alfa}/touches`, {
    kind: 'call',
    outcome: 'reached',
    occurredAt: '2026-07-01T10:30:00Z',
    body: 'Обсудили медиаплан; «кавычки», точка с запятой; и перенос\nстроки',
  });
  expect(t1.status, JSON.stringify(t1.body)).toBe(201);
  const t2 = await call(env, b, 'POST', `/api/clients/${ids.gamma}/touches`, {
    kind: 'meeting',
    outcome: 'meeting_held',
    occurredAt: '2026-07-02T08:00:00Z',
  });
  expect(t2.status, JSON.stringify(t2.body)).toBe(201);
});

afterAll(async () => {
  await env?.close();
});

describe('GET /api/exports/:kind', () => {
  it('gives a manager their own base as CSV for Excel: BOM, `;`, Russian titles, money and dates', async () => {
    const r = await download(a, '/api/exports/clients?format=csv');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/csv');
    expect(String(r.headers['content-disposition'])).toBe('attachment; filename="clients-2026-07-05.csv"');
    const data = parseCsv(r.text);
    expect(data[0]).toEqual([
      'ID клиента',
      'Клиент',
      'Направление',
      'Владелец',
      'В базе с',
      'Защита до',
      'Юрлица',
      'ИНН',
      'Бренды',
      'Телефоны',
      'Почта',
      'Адрес',
      'Последнее касание',
      'Выиграно, ₽',
      'Создан',
    ]);
    const body = data.slice(1);
    expect(body.map((x) => x[1])).toEqual(['Альфа-Радио', 'Бета']);
    const alfa = body[0]!;
    expect(alfa[0]).toBe(String(ids.alfa));
    expect(alfa[3]).toBe('Алексей А.');
    expect(alfa[4]).toBe('05.07.2026 09:00');
    expect(alfa[6]).toBe('ООО «Альфа»');
    expect(alfa[7]).toBe('7707083893');
    expect(alfa[8]).toBe('Альфа FM');
    expect(alfa[9]).toContain('495');
    expect(alfa[10]).toBe('ivan@alfa.ru');
    expect(alfa[11]).toBe('Москва, ул. Тверская, 1');
    expect(alfa[12]).toBe('01.07.2026 10:30');
    expect(alfa[13]).toBe('1234567,89');
    expect(body[1]![13]).toBe('');
  });

  it('gives a head every base, or one manager’s, as XLSX with real dates and ruble amounts', async () => {
    const r = await download(head, '/api/exports/clients?format=xlsx');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.raw as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('Клиенты')!;
    expect(ws.getRow(1).getCell(2).value).toBe('Клиент');
    const names = [] as string[];
    ws.eachRow((row, n) => {
      if (n > 1) names.push(String(row.getCell(2).value));
    });
    expect(names).toEqual(['Альфа-Радио', 'Бета', 'Гамма', 'Дельта']);
    const alfa = ws.getRow(2);
    expect(alfa.getCell(5).value).toBeInstanceOf(Date);
    expect((alfa.getCell(5).value as Date).toISOString()).toBe('2026-07-05T09:00:00.000Z');
    expect(alfa.getCell(5).numFmt).toBe('dd.mm.yyyy hh:mm');
    expect(alfa.getCell(14).value).toBe(1_234_567.89);
    expect(alfa.getCell(14).numFmt).toContain('₽');
    expect(ws.getRow(5).getCell(4).value).toBe('копилка');

    const one = parseCsv((await download(head, `/api/exports/clients?format=csv&manager=${b.id}`)).text);
    expect(one.slice(1).map((x) => x[1])).toEqual(['Гамма']);
  });

  it('gives everyone the pool', async () => {
    for (const who of [a, b, head]) {
      const data = parseCsv((await download(who, '/api/exports/pool?format=csv')).text);
      expect(data.slice(1).map((x) => x[1])).toEqual(['Дельта']);
    }
  });

  it('gives a manager their own touches only; CSV quoting survives `;`, quotes and line breaks', async () => {
    const mine = parseCsv((await download(a, '/api/exports/touches?format=csv')).text);
    expect(mine[0]!.slice(0, 4)).toEqual(['№ касания', 'Дата', 'ID клиента', 'Клиент']);
    expect(mine.slice(1).map((x) => [x[3], x[5], x[6], x[8]])).toEqual([
      ['Альфа-Радио', 'Алексей А.', 'Звонок', 'Дозвонились'],
    ]);
    expect(mine[1]![12]).toBe('Обсудили медиаплан; «кавычки», точка с запятой; и перенос\nстроки');
    const all = parseCsv((await download(head, '/api/exports/touches?format=csv')).text);
    expect(all.slice(1).map((x) => x[5])).toEqual(['Алексей А.', 'Борис Б.']);
  });

  it('keeps the ledger for heads: a manager gets 403 naming the kind', async () => {
    const denied = await download(a, '/api/exports/ledger?format=csv');
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.text).error.details.field).toBe('kind');
    const data = parseCsv((await download(head, `/api/exports/ledger?format=csv&manager=${a.id}`)).text);
    expect(data[0]![2]).toBe('Событие');
    const rows = data.slice(1);
    expect(rows.map((x) => [x[4], x[2], x[7]])).toEqual([
      ['Альфа-Радио', 'Взят в базу', 'Алексей А.'],
      ['Бета', 'Взят в базу', 'Алексей А.'],
    ]);
  });

  it('refuses a manager another manager’s base', async () => {
    const r = await download(a, `/api/exports/clients?format=csv&manager=${b.id}`);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text).error.details.field).toBe('manager');
    expect((await download(null, '/api/exports/pool')).status).toBe(401);
  });

  it('answers 400 naming the field for a bad kind or format, 404 for an unknown line', async () => {
    const kind = await download(head, '/api/exports/deals?format=csv');
    expect(kind.status).toBe(400);
    expect(JSON.parse(kind.text).error.details.issues[0].path).toBe('params.kind');
    const format = await download(head, '/api/exports/clients?format=pdf');
    expect(format.status).toBe(400);
    expect(JSON.parse(format.text).error.details.issues[0].path).toBe('querystring.format');
    const line = await download(head, '/api/exports/clients?format=csv&line=Телевидение');
    expect(line.status).toBe(404);
    expect(JSON.parse(line.text).error.details.field).toBe('line');
    const ok = await download(
      head,
      `/api/exports/clients?format=csv&line=${encodeURIComponent('основное направление')}`,
    );
    expect(ok.status).toBe(200);
    expect(parseCsv(ok.text)).toHaveLength(5);
  });

  it('reads in keyset pages: a page size of 1 gives the same rows in the same order', async () => {
    for (const kind of ['clients', 'ledger', 'touches'] as const) {
      const collect = async (pageSize?: number) => {
        const plan = await planExport(env.ctx.db, { kind, actor: { id: head.id, role: 'head' }, pageSize });
        if (!plan.ok) throw new Error(plan.code);
        const out: unknown[] = [];
        let pages = 0;
        for await (const p of plan.value.pages()) {
          pages++;
          out.push(...p);
        }
        return { out, pages };
      };
      const whole = await collect();
      const paged = await collect(1);
      expect(whole.out.length).toBeGreaterThan(1);
      expect(paged.pages).toBeGreaterThanOrEqual(whole.out.length);
      expect(paged.out).toEqual(whole.out);
    }
  });
});

describe('fairbase export', () => {
  const run = async (argv: string[]) => {
    const io = bufferIo();
    const code = await runCli(argv, io, { env: {}, server: env.ctx });
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  };
  const dir = mkdtempSync(join(tmpdir(), 'fairbase-export-'));

  it('writes a manager’s base as CSV and the ledger as XLSX', async () => {
    const csv = join(dir, 'a.csv');
    const r = await run(['export', 'clients', '--manager', a.email, '--format', 'csv', '--out', csv]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('2 rows');
    expect(
      parseCsv(readFileSync(csv, 'utf8'))
        .slice(1)
        .map((x) => x[1]),
    ).toEqual(['Альфа-Радио', 'Бета']);

    const xlsx = join(dir, 'ledger.xlsx');
    const l = await run(['export', 'ledger', '--out', xlsx]);
    expect(l.code, l.err).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.getWorksheet('Журнал')!.rowCount).toBe(4); // title + 3 claims
  });

  it('applies the access rules with --as and names bad options', async () => {
    const denied = await run(['export', 'ledger', '--as', a.email, '--out', join(dir, 'x.csv')]);
    expect(denied.code).not.toBe(0);
    expect(denied.err).toContain('FORBIDDEN');
    const own = join(dir, 'own.csv');
    const ok = await run(['export', 'touches', '--as', b.email, '--format', 'csv', '--out', own]);
    expect(ok.code, ok.err).toBe(0);
    expect(
      parseCsv(readFileSync(own, 'utf8'))
        .slice(1)
        .map((x) => x[3]),
    ).toEqual(['Гамма']);
    const bad = await run(['export', 'pool', '--format', 'pdf']);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('--format');
  });
});
