import ExcelJS from 'exceljs';
import Papa from 'papaparse';

/*
 * A CRM export file → header labels and rows of strings (C20). CSV: UTF-8 (with or without BOM)
 * or Windows-1251, separator `,` `;` or tab (papaparse guesses); XLSX: the first sheet (exceljs).
 * Anything else is a ParseError with a message for the user, and nothing is written.
 */

export type ParsedFile = {
  format: 'csv' | 'xlsx';
  encoding: 'utf-8' | 'windows-1251' | null;
  separator: string | null;
  headers: string[];
  /** Data rows with their spreadsheet row number (the header is row 1); blank rows are skipped. */
  rows: { row: number; values: Record<string, string> }[];
};

export class ParseError extends Error {}

const isZip = (b: Uint8Array) =>
  b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/** UTF-8 when the bytes are valid UTF-8 (BOM or not), else Windows-1251 (Excel's «CSV» on a Russian Windows). */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1251' } {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bom ? bytes.subarray(3) : bytes);
    return { text, encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1251').decode(bytes), encoding: 'windows-1251' };
  }
}

function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = bytes[i]!;
    if (c === 0) return true;
    if (c < 9 || (c > 13 && c < 32)) control++;
  }
  return control > n * 0.05;
}

function table(
  headerRow: string[],
  body: string[][],
  firstRow: number,
): Pick<ParsedFile, 'headers' | 'rows'> {
  const headers = headerRow.map((h, i) => h.replace(/^\uFEFF/, '').trim() || `#${i + 1}`);
  if (!headerRow.some((h) => h.trim() !== ''))
    throw new ParseError('the first row is empty: a header row is needed');
  const seen = new Map<string, number>();
  const unique = headers.map((h) => {
    const n = (seen.get(h) ?? 0) + 1;
    seen.set(h, n);
    return n === 1 ? h : `${h} (${n})`;
  });
  const rows: ParsedFile['rows'] = [];
  body.forEach((cells, i) => {
    if (!cells.some((c) => c.trim() !== '')) return;
    const values: Record<string, string> = {};
    unique.forEach((h, k) => {
      values[h] = cells[k] ?? '';
    });
    rows.push({ row: firstRow + i, values });
  });
  return { headers: unique, rows };
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return v.result === undefined ? '' : cellText(v.result as ExcelJS.CellValue);
    if ('error' in v) return '';
    return String(v);
  }
  return String(v);
}

async function parseXlsx(bytes: Uint8Array): Promise<ParsedFile> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch (e) {
    throw new ParseError(`not a readable XLSX file (${(e as Error).message})`);
  }
  const ws = wb.worksheets[0];
  if (!ws || ws.rowCount === 0) throw new ParseError('the workbook has no sheet with data');
  const width = ws.columnCount;
  const all: string[][] = [];
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c).value).trim());
    all.push(cells);
  }
  const [head, ...body] = all;
  return { format: 'xlsx', encoding: null, separator: null, ...table(head ?? [], body, 2) };
}

/**
 * The separator of the header line: the most frequent of `;` `,` tab outside quotes (papaparse's own
 * guess stumbles on short files, where a trailing blank line lowers its average field count).
 */
export function guessSeparator(text: string): string {
  const nl = text.search(/\r?\n/);
  const head = (nl < 0 ? text : text.slice(0, nl)).replace(/"[^"]*"/g, '');
  let best = ',';
  let bestN = 0;
  for (const d of [';', ',', '\t']) {
    const n = head.split(d).length - 1;
    if (n > bestN) {
      best = d;
      bestN = n;
    }
  }
  return best;
}

function parseCsv(bytes: Uint8Array): ParsedFile {
  if (looksBinary(bytes)) throw new ParseError('not a text CSV file (binary content)');
  const { text, encoding } = decodeText(bytes);
  if (text.trim() === '') throw new ParseError('the file is empty');
  const res = Papa.parse<string[]>(text, { delimiter: guessSeparator(text), skipEmptyLines: false });
  const data = res.data.filter((r, i) => !(i === res.data.length - 1 && r.length === 1 && r[0] === ''));
  const [head, ...body] = data;
  if (!head || head.length < 2) throw new ParseError('no header row with at least two columns was found');
  return { format: 'csv', encoding, separator: res.meta.delimiter, ...table(head, body, 2) };
}

/** Parse an uploaded file; XLSX by its content (a ZIP) or its name. */
export async function parseImportFile(bytes: Uint8Array, fileName: string): Promise<ParsedFile> {
  if (bytes.length === 0) throw new ParseError('the file is empty');
  if (isZip(bytes) || /\.xlsx$/i.test(fileName)) return parseXlsx(bytes);
  return parseCsv(bytes);
}
