import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addPoolClient,
  addTestUser,
  call,
  createTestEnv,
  type Seller,
  type TestEnv,
} from '../../test/helpers.ts';

/**
 * «Моя база» columns (last touch of the owner, latest next step) and the commission export over HTTP
 * (GET /api/commission/export), as the web screens use them.
 */
let env: TestEnv;
let head: Seller;
let a: Seller;
let b: Seller;
const ids: number[] = [];
const DAY = 86_400_000;

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head', { name: 'Руководитель' });
  a = await addTestUser(env, 'manager', { name: 'Алла' });
  b = await addTestUser(env, 'manager', { name: 'Борис' });
  for (let i = 0; i < 3; i++) {
    const id = await addPoolClient(env, head, `base ${i}`);
    ids.push(id);
    expect((await call(env, a, 'POST', `/api/clients/${id}/claim`)).status).toBe(200);
  }
}, 120_000);
afterAll(() => env.close());

const touch = (who: Seller, clientId: number, body: Record<string, unknown>) =>
  call(env, who, 'POST', `/api/clients/${clientId}/touches`, body);

describe('the base list with last touch and next step', () => {
  it('returns the owner’s latest touch and the latest next step; a colleague’s touch is not the owner’s', async () => {
    const now = env.clock.now.getTime();
    const t1 = await touch(a, ids[0]!, {
      kind: 'call',
      outcome: 'reached',
      occurredAt: new Date(now - 10 * DAY).toISOString(),
      nextStep: 'Отправить КП',
      nextStepAt: new Date(now + 2 * DAY).toISOString(),
    });
    expect(t1.status, JSON.stringify(t1.body)).toBe(201);
    expect(
      (await touch(a, ids[0]!, { kind: 'email', occurredAt: new Date(now - 3 * DAY).toISOString() })).status,
    ).toBe(201);
    // Борис writes later (not the owner): it does not count as Алла's last touch, but his next step is the latest.
    const tb = await touch(b, ids[0]!, {
      kind: 'note',
      occurredAt: new Date(now - DAY).toISOString(),
      nextStep: 'Позвонить директору',
    });
    expect(tb.status, JSON.stringify(tb.body)).toBe(201);
    expect((await touch(b, ids[1]!, { kind: 'meeting', outcome: 'meeting_held' })).status).toBe(201);

    const r = await call(env, a, 'GET', `/api/managers/${a.id}/base`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const by = new Map(r.body.items.map((c: any) => [c.id, c]));
    expect(by.get(ids[0])).toMatchObject({
      lastTouchAt: new Date(now - 3 * DAY).toISOString(),
      lastTouchKind: 'email',
      nextStep: 'Позвонить директору',
      nextStepAt: null,
    });
    expect(by.get(ids[1])).toMatchObject({ lastTouchAt: null, lastTouchKind: null, nextStep: null });
    expect(by.get(ids[2])).toMatchObject({ lastTouchAt: null, nextStep: null, isKey: false });
    // The pool list carries the same shape (no owner: no owner's touch).
    const pool = await call(env, a, 'GET', '/api/pool');
    expect(pool.status).toBe(200);
  });
});

describe('GET /api/commission/export', () => {
  async function fetchFile(who: Seller, url: string) {
    const r = await env.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${who.token}` } });
    return { status: r.statusCode, headers: r.headers, raw: r.rawPayload, text: r.body };
  }

  it('gives an XLSX with the month’s figures and a CSV for Excel; a manager only their own', async () => {
    const month = env.clock.now.toISOString().slice(0, 7);
    const d = await call(env, a, 'POST', `/api/clients/${ids[0]}/deals`, {
      title: 'Заказ',
      amountKopecks: 12_345_600,
      stage: 'won',
      wonAt: env.clock.now.toISOString(),
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    const x = await fetchFile(head, `/api/commission/export?month=${month}&format=xlsx`);
    expect(x.status).toBe(200);
    expect(x.headers['content-type']).toContain('spreadsheetml');
    expect(x.headers['content-disposition']).toContain(`commission-${month}.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.raw as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('Комиссия')!;
    expect(sheet.getRow(2).getCell(1).value).toBe('Менеджер');
    expect(sheet.getRow(3).getCell(1).value).toBe('Алла');
    expect(sheet.getRow(3).getCell(3).value).toBe(123_456);

    const c = await fetchFile(a, `/api/commission/export?month=${month}&format=csv`);
    expect(c.status).toBe(200);
    expect(c.headers['content-type']).toContain('text/csv');
    expect(c.text.startsWith('\uFEFFМенеджер;Заказов;')).toBe(true);
    expect(c.text).toContain('Алла;1;123456,00;');

    expect((await fetchFile(a, `/api/commission/export?month=${month}&manager=${b.id}`)).status).toBe(403);
    const bad = await fetchFile(head, `/api/commission/export?month=${month}&format=pdf`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('format');
  });
});
