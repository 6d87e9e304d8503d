/** Small numeric and formatting helpers for the benchmark. */

export type LatencySummary = { n: number; mean: number; p50: number; p95: number; p99: number };

/** Nearest-rank percentile of an ascending array (milliseconds in, milliseconds out). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(latencies: number[]): LatencySummary {
  const sorted = Float64Array.from(latencies).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
  };
}

export function fmtNum(v: number, digits = 0): string {
  if (!Number.isFinite(v)) return '-';
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function fmtMs(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '';
  return v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
}

export type Row = {
  metric: string;
  value: string;
  unit: string;
  p50?: string;
  p95?: string;
  p99?: string;
  note?: string;
};

/** An aligned plain-text table (numbers right-aligned), readable in a terminal and in a report. */
export function formatTable(rows: Row[]): string {
  const cols: { key: keyof Row; title: string; right: boolean }[] = [
    { key: 'metric', title: 'metric', right: false },
    { key: 'value', title: 'value', right: true },
    { key: 'unit', title: 'unit', right: false },
    { key: 'p50', title: 'p50 ms', right: true },
    { key: 'p95', title: 'p95 ms', right: true },
    { key: 'p99', title: 'p99 ms', right: true },
    { key: 'note', title: 'note', right: false },
  ];
  const width = cols.map((c) => Math.max(c.title.length, ...rows.map((r) => (r[c.key] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((s, i) => (cols[i]!.right ? s.padStart(width[i]!) : s.padEnd(width[i]!)))
      .join(' | ')
      .trimEnd();
  const out = [line(cols.map((c) => c.title)), width.map((w) => '-'.repeat(w)).join('-+-')];
  for (const r of rows) out.push(line(cols.map((c) => r[c.key] ?? '')));
  return out.join('\n');
}

/** A two-or-more column table without the fixed Row shape (used for the per-statement breakdown). */
export function formatGrid(header: string[], body: string[][], rightFrom = 1): string {
  const width = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((s, i) => (i >= rightFrom ? s.padStart(width[i]!) : s.padEnd(width[i]!)))
      .join(' | ')
      .trimEnd();
  return [line(header), width.map((w) => '-'.repeat(w)).join('-+-'), ...body.map(line)].join('\n');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}
