import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import type { Cell, Column, ExportFormat, ExportPlan } from './export.ts';
import { RUB_FORMAT } from './money-export.ts';

/**
 * An export plan written as a file, page by page, to a stream (a file or an HTTP response): memory stays
 * flat however many rows there are. Conventions of money-export.ts: CSV for Excel in a Russian locale
 * (papaparse; UTF-8 with BOM, `;`, CRLF, decimal comma, dates dd.mm.yyyy hh:mm), XLSX through exceljs's
 * streaming WorkbookWriter (rows committed as they come; dates are real dates, money a ruble format).
 * Times are UTC, like every date the application shows in files.
 */

const DATETIME_FORMAT = 'dd.mm.yyyy hh:mm';

export const exportContentType: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** `clients-2026-11-27.csv`: the kind and the day (UTC). */
export function exportFileName(plan: Pick<ExportPlan, 'fileStem'>, format: ExportFormat, now: Date): string {
  return `${plan.fileStem}-${now.toISOString().slice(0, 10)}.${format}`;
}

const two = (n: number) => String(n).padStart(2, '0');

/** 2026-11-27T06:05Z → "27.11.2026 06:05" (UTC). */
export function ruDateTime(d: Date): string {
  return `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

/** Kopecks → rubles with a decimal comma and no grouping: 1234567 → "12345,67". */
export function rubText(kopecks: number): string {
  const sign = kopecks < 0 ? '-' : '';
  const a = Math.abs(kopecks);
  return `${sign}${Math.floor(a / 100)},${String(a % 100).padStart(2, '0')}`;
}

function csvCell(c: Column, v: Cell): string {
  if (v === null) return '';
  if (v instanceof Date) return ruDateTime(v);
  if (c.type === 'money') return rubText(Number(v));
  return String(v);
}

function xlsxCell(c: Column, v: Cell): Cell {
  if (v === null) return null;
  if (c.type === 'money') return Number(v) / 100;
  return v;
}

async function write(out: Writable, chunk: string | Buffer) {
  if (!out.write(chunk)) await once(out, 'drain');
}

/** Write the whole export to `out` and end it. Returns the number of data rows. */
export async function writeExport(
  plan: ExportPlan,
  format: ExportFormat,
  out: Writable,
  onProgress?: (rows: number) => void,
): Promise<{ rows: number }> {
  let n = 0;
  if (format === 'csv') {
    const opts = { delimiter: ';', newline: '\r\n' };
    await write(out, `\uFEFF${Papa.unparse([plan.columns.map((c) => c.title)], opts)}\r\n`);
    for await (const page of plan.pages()) {
      const lines = page.map((r) => r.map((v, i) => csvCell(plan.columns[i]!, v)));
      await write(out, `${Papa.unparse(lines, opts)}\r\n`);
      n += page.length;
      onProgress?.(n);
    }
    out.end();
    await once(out, 'finish');
    return { rows: n };
  }
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'Fairbase';
  const ws = wb.addWorksheet(plan.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = plan.columns.map((c, i) => ({
    header: c.title,
    key: String(i),
    width: c.width,
    style:
      c.type === 'money'
        ? { numFmt: RUB_FORMAT }
        : c.type === 'datetime'
          ? { numFmt: DATETIME_FORMAT }
          : c.type === 'int'
            ? { numFmt: '0' }
            : {},
  }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  for await (const page of plan.pages()) {
    for (const r of page) ws.addRow(r.map((v, i) => xlsxCell(plan.columns[i]!, v))).commit();
    n += page.length;
    onProgress?.(n);
  }
  ws.commit();
  await wb.commit();
  return { rows: n };
}
