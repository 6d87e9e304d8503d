import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import type { CommissionView } from './queries/money.ts';

/**
 * The commission report as files (C12): XLSX (exceljs) with a summary sheet and a per-order sheet, or
 * CSV (papaparse) for Excel in a Russian locale: UTF-8 with BOM, `;` between fields, `,` as the decimal
 * mark. Money in the files is in rubles (kopecks / 100); in XLSX as numbers with a ruble format.
 */

export const RUB_FORMAT = '#,##0.00 "₽"';
const DATE_FORMAT = 'dd.mm.yyyy';

export const summaryTitles = [
  'Менеджер',
  'Заказов',
  'Выручка в зачёт',
  'Комиссия',
  'Оплачено',
  'Не оплачено',
  'Удержано',
  'К выплате',
] as const;

export const detailTitles = [
  'Менеджер',
  'Заказ №',
  'Заказ',
  'Клиент',
  'Роль',
  'Доля, %',
  'Сумма заказа',
  'Выручка в зачёт',
  'Комиссия',
  'Выигран',
  'Оплачен',
  'Удержано',
] as const;

const roleRu: Record<string, string> = { originator: 'инициатор', closer: 'закрыл', helper: 'помогал' };
const rub = (kopecks: number) => kopecks / 100;

type Row = CommissionView['rows'][number] | (CommissionView['totals'] & { managerName: string });

function summaryValues(r: Row): (string | number)[] {
  return [
    r.managerName,
    r.orders,
    rub(r.creditedKopecks),
    rub(r.commissionKopecks),
    rub(r.paidKopecks),
    rub(r.unpaidKopecks),
    rub(r.heldBackKopecks),
    rub(r.payableKopecks),
  ];
}

export async function commissionXlsx(report: CommissionView): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Fairbase';
  const sum = wb.addWorksheet('Комиссия');
  sum.addRow([`Комиссия за ${report.month} (правила v${report.policyVersion})`]).font = { bold: true };
  const head = sum.addRow([...summaryTitles]);
  head.font = { bold: true };
  for (const r of report.rows) sum.addRow(summaryValues(r));
  const total = sum.addRow(summaryValues({ ...report.totals, managerName: 'Итого' }));
  total.font = { bold: true };
  for (const c of [3, 4, 5, 6, 7, 8]) sum.getColumn(c).numFmt = RUB_FORMAT;
  sum.getColumn(1).width = 28;
  for (const c of [2, 3, 4, 5, 6, 7, 8]) sum.getColumn(c).width = 18;
  sum.views = [{ state: 'frozen', ySplit: 2 }];

  const det = wb.addWorksheet('Заказы');
  det.addRow([...detailTitles]).font = { bold: true };
  for (const l of report.lines) {
    det.addRow([
      l.managerName,
      l.dealId,
      l.title,
      l.clientName,
      l.roles.map((x) => roleRu[x] ?? x).join(', '),
      l.shareBps / 100,
      rub(l.orderAmountKopecks),
      rub(l.creditedKopecks),
      rub(l.commissionKopecks),
      new Date(l.wonAt),
      l.paidAt ? new Date(l.paidAt) : null,
      rub(l.heldBackKopecks),
    ]);
  }
  for (const c of [7, 8, 9, 12]) det.getColumn(c).numFmt = RUB_FORMAT;
  for (const c of [10, 11]) det.getColumn(c).numFmt = DATE_FORMAT;
  det.getColumn(6).numFmt = '0.##';
  for (const [c, w] of [
    [1, 24],
    [3, 30],
    [4, 30],
    [5, 16],
  ] as const)
    det.getColumn(c).width = w;
  for (const c of [7, 8, 9, 10, 11, 12]) det.getColumn(c).width = 16;
  det.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Rubles with a decimal comma and no grouping: 1234567 kopecks → "12345,67". */
function rubText(kopecks: number): string {
  const sign = kopecks < 0 ? '-' : '';
  const a = Math.abs(kopecks);
  return `${sign}${Math.floor(a / 100)},${String(a % 100).padStart(2, '0')}`;
}

/** CSV for Excel (ru-RU): BOM, `;`, CRLF. `detail` gives the per-order lines instead of the summary. */
export function commissionCsv(report: CommissionView, detail = false): string {
  const data = detail
    ? [
        [...detailTitles],
        ...report.lines.map((l) => [
          l.managerName,
          String(l.dealId),
          l.title,
          l.clientName,
          l.roles.map((x) => roleRu[x] ?? x).join(', '),
          String(l.shareBps / 100).replace('.', ','),
          rubText(l.orderAmountKopecks),
          rubText(l.creditedKopecks),
          rubText(l.commissionKopecks),
          l.wonAt.slice(0, 10),
          l.paidAt ? l.paidAt.slice(0, 10) : '',
          rubText(l.heldBackKopecks),
        ]),
      ]
    : [
        [...summaryTitles],
        ...[...report.rows, { ...report.totals, managerName: 'Итого' }].map((r) => [
          r.managerName,
          String(r.orders),
          rubText(r.creditedKopecks),
          rubText(r.commissionKopecks),
          rubText(r.paidKopecks),
          rubText(r.unpaidKopecks),
          rubText(r.heldBackKopecks),
          rubText(r.payableKopecks),
        ]),
      ];
  return `\uFEFF${Papa.unparse(data, { delimiter: ';', newline: '\r\n' })}\r\n`;
}
