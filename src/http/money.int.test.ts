import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestUser, call, createTestEnv, relogin, type Seller, type TestEnv } from '../../test/helpers.ts';
import { setPolicy } from '../app/use-cases/policy.ts';
import { runCli } from '../cli/main.ts';
import { bufferIo } from '../cli/output.ts';
import { presets } from '../core/policy/policy.ts';

/**
 * Commission (C12) and receivables (C22) through the HTTP API and the CLI export.
 * Now is 2026-07-05 09:00 UTC; the June report holds three orders:
 *   D1 A's client, 1 000 000.01 ₽, credit A originator 30 % / B closer 70 %, paid;
 *   D2 A, 300 000 ₽, unpaid, due 06-20;  D3 B, 500 000 ₽, unpaid, due 06-16.
 * Outside June: D4 B won in May (due 05-10, unpaid), D5 A won in July, D6 A won in February (due 03-01,
 * unpaid), and a lost deal.
 */
let env: TestEnv;
let head: Seller;
let a: Seller;
let b: Seller;
const ids: Record<string, number> = {};

async function wonDeal(who: Seller, name: string, p: Record<string, unknown>) {
  const c = await call(env, who, 'POST', '/api/clients', { displayName: name });
  expect(c.status).toBe(201);
  const d = await call(env, who, 'POST', `/api/clients/${c.body.id}/deals`, { title: name, ...p });
  expect(d.status, JSON.stringify(d.body)).toBe(201);
  return d.body.deal.id as number;
}

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head', { name: 'Руководитель' });
  a = await addTestUser(env, 'manager', { name: 'Алексей А.' });
  b = await addTestUser(env, 'manager', { name: 'Борис Б.' });
  // flat 10 %, commission on unpaid orders held back
  const policy = structuredClone(presets.balanced) as typeof presets.balanced;
  policy.commission = { ...policy.commission, mode: 'flat', flatRateBps: 1_000, holdBackUnpaid: true };
  expect((await setPolicy(env.ctx, policy, head.id, 'custom')).ok).toBe(true);
  env.clock.set(new Date('2026-07-05T09:00:00Z'));
  [head, a, b] = [await relogin(env, head), await relogin(env, a), await relogin(env, b)];
  ids.d1 = await wonDeal(a, 'Юникс', {
    amountKopecks: 100_000_001,
    stage: 'won',
    wonAt: '2026-06-10T10:00:00Z',
    dueAt: '2026-06-15T00:00:00Z',
    paidAt: '2026-06-20T00:00:00Z',
  });
  ids.d2 = await wonDeal(a, 'Электроцентр', {
    amountKopecks: 30_000_000,
    stage: 'won',
    wonAt: '2026-06-12T10:00:00Z',
    dueAt: '2026-06-20T09:00:00Z',
  });
  ids.d3 = await wonDeal(b, 'Волга-Медиа', {
    amountKopecks: 50_000_000,
    stage: 'won',
    wonAt: '2026-06-30T23:59:59Z',
    dueAt: '2026-06-16T09:00:00Z',
  });
  ids.d4 = await wonDeal(b, 'Май', {
    amountKopecks: 7_000_000,
    stage: 'won',
    wonAt: '2026-05-02T10:00:00Z',
    dueAt: '2026-05-10T09:00:00Z',
  });
  ids.d5 = await wonDeal(a, 'Июль', {
    amountKopecks: 1_000_000,
    stage: 'won',
    wonAt: '2026-07-01T00:00:00Z',
  });
  ids.d6 = await wonDeal(a, 'Февраль', {
    amountKopecks: 2_000_000,
    stage: 'won',
    wonAt: '2026-02-01T10:00:00Z',
    dueAt: '2026-03-01T09:00:00Z',
  });
  await wonDeal(a, 'Проигрыш', { amountKopecks: 9_000_000, stage: 'lost', lostReason: 'дорого' });
  // D1's credit as a dispute sets it: A originator 30 %, B closer 70 % (replaced in one statement: the sum check)
  await env.ctx.db.execute(
    sql`WITH gone AS (DELETE FROM deal_credits WHERE deal_id = ${ids.d1})
        INSERT INTO deal_credits (deal_id, manager_id, role, share_bps, source, set_at)
        VALUES (${ids.d1}, ${a.id}, 'originator', 3000, 'test', now()), (${ids.d1}, ${b.id}, 'closer', 7000, 'test', now())`,
  );
});
afterAll(() => env.close());

describe('GET /api/commission (R-COMM-1..4)', () => {
  it('gives a head every manager: credited revenue by shares, commission, paid vs unpaid, held back', async () => {
    const r = await call(env, head, 'GET', '/api/commission?month=2026-06');
    expect(r.status).toBe(200);
    expect(r.body.rules).toMatchObject({ mode: 'flat', flatRateBps: 1_000, holdBackUnpaid: true });
    const rows = Object.fromEntries(r.body.rows.map((x: { managerId: number }) => [x.managerId, x]));
    // D1 1 000 000.01 ₽: 30 % = 300 000.00, 70 % = 700 000.01 (the leftover kopeck to the larger share)
    expect(rows[a.id]).toMatchObject({
      managerName: 'Алексей А.',
      orders: 2,
      creditedKopecks: 30_000_000 + 30_000_000,
      commissionKopecks: 6_000_000,
      paidKopecks: 30_000_000,
      unpaidKopecks: 30_000_000,
      heldBackKopecks: 3_000_000,
      payableKopecks: 3_000_000,
    });
    expect(rows[b.id]).toMatchObject({
      orders: 2,
      creditedKopecks: 70_000_001 + 50_000_000,
      commissionKopecks: 12_000_000, // 12 000 000.1 → 12 000 000
      paidKopecks: 70_000_001,
      unpaidKopecks: 50_000_000,
      heldBackKopecks: 5_000_000,
      payableKopecks: 7_000_000,
    });
    const bLines = r.body.lines.filter((l: { managerId: number }) => l.managerId === b.id);
    expect(
      bLines.map((l: { dealId: number; commissionKopecks: number }) => [l.dealId, l.commissionKopecks]),
    ).toEqual([
      [ids.d1, 7_000_000],
      [ids.d3, 5_000_000],
    ]);
    expect(r.body.totals).toMatchObject({
      orders: 3,
      creditedKopecks: 180_000_001,
      commissionKopecks: 18_000_000,
      heldBackKopecks: 8_000_000,
    });
    // Orders of other months and lost deals are not in June
    const dealIds = new Set(r.body.lines.map((l: { dealId: number }) => l.dealId));
    expect([...dealIds].sort()).toEqual([ids.d1, ids.d2, ids.d3].sort());
  });

  it('shows a manager their own figures only', async () => {
    const own = await call(env, a, 'GET', '/api/commission?month=2026-06');
    expect(own.status).toBe(200);
    expect(own.body.rows.map((x: { managerId: number }) => x.managerId)).toEqual([a.id]);
    expect(own.body.lines.every((l: { managerId: number }) => l.managerId === a.id)).toBe(true);
    expect(own.body.totals.commissionKopecks).toBe(6_000_000);
    const other = await call(env, a, 'GET', `/api/commission?month=2026-06&manager=${b.id}`);
    expect(other.status).toBe(403);
    const byHead = await call(env, head, 'GET', `/api/commission?month=2026-06&manager=${b.id}`);
    expect(byHead.body.rows.map((x: { managerId: number }) => x.managerId)).toEqual([b.id]);
  });

  it('names the field of a bad month', async () => {
    for (const q of ['', '?month=2026-13', '?month=june']) {
      const r = await call(env, head, 'GET', `/api/commission${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.details.issues[0].path).toBe('querystring.month');
    }
  });

  it('releases the held-back commission once the order is paid', async () => {
    const paid = await call(env, a, 'PATCH', `/api/deals/${ids.d2}`, { paidAt: '2026-07-04T10:00:00Z' });
    expect(paid.status).toBe(200);
    const r = await call(env, a, 'GET', '/api/commission?month=2026-06');
    expect(r.body.rows[0]).toMatchObject({ heldBackKopecks: 0, payableKopecks: 6_000_000, unpaidKopecks: 0 });
    expect((await call(env, a, 'PATCH', `/api/deals/${ids.d2}`, { paidAt: null })).status).toBe(200);
  });
});

describe('GET /api/receivables (R-RECV-1, R-RECV-2)', () => {
  it('lists overdue unpaid orders per deal manager in aging buckets', async () => {
    const r = await call(env, head, 'GET', '/api/receivables');
    expect(r.status).toBe(200);
    const rows = Object.fromEntries(r.body.rows.map((x: { managerId: number }) => [x.managerId, x]));
    // A: D2 due 06-20 (15 days, 1–30), D6 due 03-01 (126 days, 90+); D1 is paid, D5 has no due date
    expect(rows[a.id]).toMatchObject({ orders: 2, totalKopecks: 32_000_000 });
    expect(rows[a.id].buckets['1-30']).toEqual({ orders: 1, amountKopecks: 30_000_000 });
    expect(rows[a.id].buckets['90+']).toEqual({ orders: 1, amountKopecks: 2_000_000 });
    // B: D3 due 06-16 (19 days), D4 due 05-10 (56 days)
    expect(rows[b.id].buckets['1-30']).toEqual({ orders: 1, amountKopecks: 50_000_000 });
    expect(rows[b.id].buckets['31-60']).toEqual({ orders: 1, amountKopecks: 7_000_000 });
    expect(r.body.totals.totalKopecks).toBe(89_000_000);
    expect(
      r.body.orders.map((o: { dealId: number; daysOverdue: number }) => [o.dealId, o.daysOverdue]),
    ).toEqual([
      [ids.d6, 126],
      [ids.d4, 56],
      [ids.d3, 19],
      [ids.d2, 15],
    ]);
  });

  it('shows a manager their own overdue orders only', async () => {
    const r = await call(env, b, 'GET', '/api/receivables');
    expect(r.body.rows.map((x: { managerId: number }) => x.managerId)).toEqual([b.id]);
    expect(r.body.orders).toHaveLength(2);
    expect((await call(env, b, 'GET', `/api/receivables?manager=${a.id}`)).status).toBe(403);
  });
});

describe('fairbase export commission / receivables', () => {
  async function cli(...argv: string[]) {
    const io = bufferIo();
    const code = await runCli(argv, io, { env: {}, server: env.ctx });
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  }
  const dir = mkdtempSync(join(tmpdir(), 'fairbase-money-'));

  it('writes an XLSX that Excel shows as money, with a per-order sheet', async () => {
    const out = join(dir, 'june.xlsx');
    const r = await cli('export', 'commission', '--month', '2026-06', '--format', 'xlsx', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(out);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const sum = wb.getWorksheet('Комиссия')!;
    expect(sum.getRow(2).values).toEqual([
      undefined,
      'Менеджер',
      'Заказов',
      'Выручка в зачёт',
      'Комиссия',
      'Оплачено',
      'Не оплачено',
      'Удержано',
      'К выплате',
    ]);
    const byName = new Map<string, ExcelJS.Row>();
    sum.eachRow((row) => byName.set(String(row.getCell(1).value), row));
    const rowB = byName.get('Борис Б.')!;
    expect(rowB.getCell(2).value).toBe(2);
    expect(rowB.getCell(3).value).toBe(1_200_000.01);
    expect(rowB.getCell(4).value).toBe(120_000);
    expect(rowB.getCell(7).value).toBe(50_000);
    expect(rowB.getCell(3).numFmt).toBe('#,##0.00 "₽"');
    expect(byName.get('Итого')!.getCell(4).value).toBe(180_000);
    const det = wb.getWorksheet('Заказы')!;
    expect(det.getRow(1).getCell(8).value).toBe('Выручка в зачёт');
    expect(det.rowCount).toBe(1 + 4); // D1 twice (A and B), D2, D3
    const d1a = det
      .getRows(2, 4)!
      .find((x) => x.getCell(2).value === ids.d1 && x.getCell(1).value === 'Алексей А.')!;
    expect(d1a.getCell(5).value).toBe('инициатор');
    expect(d1a.getCell(6).value).toBe(30);
    expect(d1a.getCell(7).value).toBe(1_000_000.01);
    expect(d1a.getCell(8).value).toBe(300_000);
    expect(d1a.getCell(8).numFmt).toBe('#,##0.00 "₽"');
    expect(d1a.getCell(10).value).toEqual(new Date('2026-06-10T10:00:00Z'));
  });

  it('writes a CSV for Excel: BOM, `;`, decimal comma', async () => {
    const out = join(dir, 'june.csv');
    const r = await cli('export', 'commission', '--month', '2026-06', '--format', 'csv', '--out', out);
    expect(r.code, r.err).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe(
      'Менеджер;Заказов;Выручка в зачёт;Комиссия;Оплачено;Не оплачено;Удержано;К выплате',
    );
    expect(lines).toContain('Борис Б.;2;1200000,01;120000,00;700000,01;500000,00;50000,00;70000,00');
    expect(lines.at(-1)).toBe('Итого;3;1800000,01;180000,00;1000000,01;800000,00;80000,00;100000,00');
  });

  it('names the bad option', async () => {
    const bad = await cli('export', 'commission', '--month', '2026/06', '--out', join(dir, 'x.xlsx'));
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('--month');
    const fmt = await cli('export', 'commission', '--month', '2026-06', '--format', 'pdf');
    expect(fmt.code).not.toBe(0);
    expect(fmt.err).toContain('--format');
  });

  it('prints receivables per manager', async () => {
    const r = await cli('receivables', '--orders');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Алексей А.');
    expect(r.out).toContain('Борис Б.');
    expect(r.out).toMatch(/total\s+4/);
    const json = await cli('--json', 'receivables', '--manager', b.email);
    expect(JSON.parse(json.out).rows).toHaveLength(1);
  });
});
