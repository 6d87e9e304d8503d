import type { SQL } from 'drizzle-orm';
import type { Executor } from './connect.ts';

/** Raw SQL rows on either driver (both PGlite and node-postgres answer with `{ rows }`). */
export async function rows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result = (await ex.execute(query)) as unknown as { rows: T[] };
  return result.rows;
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
