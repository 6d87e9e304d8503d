/**
 * `fairbase dedupe FILE.csv --columns name=COL,… [--out OUT.csv]` (C2 batch mode, issue 3): the
 * rows of any CSV are clustered into organisations and written as `row,cluster,score`.
 *
 * - Input: UTF-8 (a BOM is dropped), a header row, `,` or `;` (or tab) as the separator — the one
 *   that occurs most often in the header line outside quotes. Quoted fields may hold separators,
 *   quotes («""») and line breaks.
 * - Columns: only `name` is required; a column named in the mapping but missing from the header is
 *   an error that names it (exit 2). Headers match exactly, else ignoring case and outer spaces.
 * - Each row becomes a client snapshot with one legal entity {name, ИНН}, one contact {phones,
 *   e-mails} (a cell may hold several, separated by `,` or `;`) and one address {address, city}
 *   (a city alone is not an address: every row of a one-city file would share it). Identifiers are
 *   normalised as everywhere else (`identifiersOf`), and clustered by `clusterRecords`.
 * - Output: `row,cluster,score`, one line per data row in file order; `row` is the 0-based data
 *   row, `cluster` the smallest row of its cluster, `score` the best score that joined the row
 *   (0 for a row alone; below the `same` threshold for a name-only row joined by its name).
 *   To `--out`, or to stdout. A summary goes to stderr.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { CommanderError } from 'commander';
import Papa from 'papaparse';
import { clusterRecordsDetailed } from '../core/identity/cluster.ts';
import { type ClientSnapshot, identifiersOf } from '../core/identity/identifiers.ts';
import type { IdentityRules } from '../core/policy/policy.ts';

export const DEDUPE_COLUMN_KEYS = ['name', 'address', 'city', 'phone', 'inn', 'email'] as const;
export type DedupeColumnKey = (typeof DEDUPE_COLUMN_KEYS)[number];
export type DedupeColumns = Record<DedupeColumnKey, string | undefined>;

export type DedupeIo = { out(s: string): void; err(s: string): void };

const usageError = (message: string) => new CommanderError(2, 'fairbase.columns', message);

/**
 * `name=Название,phone=Телефон,inn=ИНН` → a column mapping. Keys: name (required), address, city,
 * phone, inn, email; a column name runs to the next comma (it may contain `=` and spaces, which are
 * trimmed at its ends). Throws a CommanderError (exit code 2) with a message that says what is
 * wrong: not key=COLUMN, an unknown or repeated key, an empty column, no name.
 */
export function parseColumnsOption(s: string): DedupeColumns {
  const columns: DedupeColumns = {
    name: undefined,
    address: undefined,
    city: undefined,
    phone: undefined,
    inn: undefined,
    email: undefined,
  };
  const keys = DEDUPE_COLUMN_KEYS.join(', ');
  if (s.trim() === '') throw usageError(`--columns: expected name=COLUMN[,KEY=COLUMN…] with keys ${keys}`);
  for (const part of s.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) throw usageError(`--columns: "${part.trim()}" is not KEY=COLUMN (keys: ${keys})`);
    const key = part.slice(0, eq).trim().toLowerCase();
    const column = part.slice(eq + 1).trim();
    if (!(DEDUPE_COLUMN_KEYS as readonly string[]).includes(key)) {
      throw usageError(`--columns: unknown key "${part.slice(0, eq).trim()}" (keys: ${keys})`);
    }
    const k = key as DedupeColumnKey;
    if (column === '') throw usageError(`--columns: no column given for ${k}`);
    if (columns[k] !== undefined) throw usageError(`--columns: ${k} is given twice`);
    columns[k] = column;
  }
  if (columns.name === undefined) throw usageError('--columns: name=COLUMN is required');
  return columns;
}

/** The separator: whichever of `,` `;` TAB occurs most in the header line outside quotes (`,` on a tie). */
export function detectSeparator(text: string): ',' | ';' | '\t' {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[','] && counts['\t'] > counts[';']) return '\t';
  return ',';
}

function splitList(cell: string, re: RegExp): string[] {
  return cell
    .split(re)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** One CSV row as a client snapshot (see the module comment). */
export function rowSnapshot(row: number, cells: Partial<Record<DedupeColumnKey, string>>): ClientSnapshot {
  const name = (cells.name ?? '').trim();
  const inn = (cells.inn ?? '').trim();
  const address = (cells.address ?? '').trim();
  const city = (cells.city ?? '').trim();
  const phones = splitList(cells.phone ?? '', /[,;\n]+/);
  const emails = splitList(cells.email ?? '', /[\s,;]+/);
  return {
    id: row,
    displayName: name,
    legalEntities: name || inn ? [{ id: 0, name, inn: inn || null, ogrn: null }] : [],
    brands: [],
    contacts: phones.length || emails.length ? [{ id: 0, name: '', phones, emails }] : [],
    addresses: address ? [{ id: 0, address, city: city || null }] : [],
  };
}

/** Reads, clusters and writes; returns the exit code (0 done, 2 bad input or mapping). */
export async function dedupeCsv(
  opts: { file: string; columns: DedupeColumns; out?: string; rules: IdentityRules },
  io: DedupeIo,
): Promise<number> {
  const started = performance.now();
  if (opts.columns.name === undefined) {
    io.err('dedupe: the name column is required (--columns name=COLUMN,…)');
    return 2;
  }
  let text: string;
  try {
    text = await readFile(opts.file, 'utf8');
  } catch (e) {
    io.err(`dedupe: cannot read ${opts.file}: ${(e as Error).message}`);
    return 2;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes('\uFFFD')) {
    io.err(
      `dedupe: ${opts.file} is not valid UTF-8 (save it as «CSV UTF-8»); unreadable characters are kept as �`,
    );
  }
  if (text.trim() === '') {
    io.err(`dedupe: ${opts.file} is empty (a header row is required)`);
    return 2;
  }

  const parsed = Papa.parse<string[]>(text, { delimiter: detectSeparator(text), skipEmptyLines: 'greedy' });
  const fatal = parsed.errors.find((e) => e.type === 'Quotes');
  if (fatal) {
    io.err(`dedupe: ${opts.file}: ${fatal.message} (data row ${Math.max(0, (fatal.row ?? 1) - 1)})`);
    return 2;
  }
  const [header = [], ...data] = parsed.data;
  const headers = header.map((h) => h.trim());

  const index: Partial<Record<DedupeColumnKey, number>> = {};
  for (const key of DEDUPE_COLUMN_KEYS) {
    const wanted = opts.columns[key];
    if (wanted === undefined) continue;
    let i = headers.indexOf(wanted);
    if (i < 0) i = headers.findIndex((h) => h.toLowerCase() === wanted.trim().toLowerCase());
    if (i < 0) {
      io.err(
        `dedupe: column "${wanted}" (for ${key}) is not in ${opts.file}; its columns: ${headers.join(', ')}`,
      );
      return 2;
    }
    index[key] = i;
  }

  const records = data.map((cells, row) => {
    const pick: Partial<Record<DedupeColumnKey, string>> = {};
    for (const key of DEDUPE_COLUMN_KEYS) {
      const i = index[key];
      if (i !== undefined) pick[key] = cells[i] ?? '';
    }
    return { row, identifiers: identifiersOf(rowSnapshot(row, pick)) };
  });
  const result = clusterRecordsDetailed(records, opts.rules);

  const lines = ['row,cluster,score'];
  for (const r of result.rows) lines.push(`${r.row},${r.cluster},${r.score}`);
  const csv = `${lines.join('\n')}\n`;
  if (opts.out) {
    try {
      await writeFile(opts.out, csv, 'utf8');
    } catch (e) {
      io.err(`dedupe: cannot write ${opts.out}: ${(e as Error).message}`);
      return 2;
    }
  } else {
    io.out(csv.trimEnd());
  }

  const sizes = new Map<number, number>();
  for (const r of result.rows) sizes.set(r.cluster, (sizes.get(r.cluster) ?? 0) + 1);
  let clusters = 0;
  let clustered = 0;
  for (const n of sizes.values()) {
    if (n < 2) continue;
    clusters++;
    clustered += n;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  io.err(
    `dedupe: ${result.rows.length} rows, ${clusters} clusters with 2 or more rows (${clustered} rows in them)` +
      (result.stats.attachedByName ? `, ${result.stats.attachedByName} rows joined by name only` : '') +
      `; ${seconds} s${opts.out ? `; written to ${opts.out}` : ''}`,
  );
  return 0;
}
