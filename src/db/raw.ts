import type { SQL } from 'drizzle-orm';
import type { Executor } from './connect.ts';

/** Raw SQL rows on either driver (both PGlite and node-postgres answer with `{ rows }`). */
export async function rows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result = (await ex.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

type DriverClient = { query: (text: string, params: unknown[]) => Promise<{ rows: unknown[] }> };

/**
 * Rows of one hot, fixed statement straight from the driver (PGlite or the pg pool), skipping
 * drizzle's per-call query building and result wrapping: on PGlite that was 0.12 ms of a 0.35 ms
 * exact lookup and most of its tail (the as-you-type caller-ID path, ADR 0003). Only the top-level
 * database has a `$client`; inside a transaction `query` (the same statement) runs through the
 * transaction as usual, so no call escapes it.
 */
export async function hotRows<T>(ex: Executor, text: string, params: unknown[], query: SQL): Promise<T[]> {
  const client = (ex as unknown as { $client?: DriverClient }).$client;
  if (client && typeof client.query === 'function') return (await client.query(text, params)).rows as T[];
  return rows<T>(ex, query);
}

/**
 * Await lazy query builders one after another. Drizzle builders run only when awaited, so unlike
 * Promise.all this never puts two queries on one connection at once (a transaction is one connection).
 */
export async function inSequence<const T extends readonly unknown[]>(
  queries: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const out: unknown[] = [];
  for (const q of queries) out.push(await q);
  return out as { -readonly [K in keyof T]: Awaited<T[K]> };
}
