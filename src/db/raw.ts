import type { SQL } from 'drizzle-orm';
import type { Executor } from './connect.ts';

/** Raw SQL rows on either driver (both PGlite and node-postgres answer with `{ rows }`). */
export async function rows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result = (await ex.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
