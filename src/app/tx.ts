import type { Outcome } from '../core/outcome.ts';
import type { Db, Tx } from '../db/connect.ts';

class Rollback extends Error {
  constructor(readonly outcome: Outcome<never>) {
    super('rollback');
  }
}

/** Run a use case in one transaction; a "no" rolls back everything it wrote ("a rejected decision writes nothing"). */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<Outcome<T>>): Promise<Outcome<T>> {
  try {
    return await db.transaction(async (tx) => {
      const out = await fn(tx);
      if (!out.ok) throw new Rollback(out);
      return out;
    });
  } catch (e) {
    if (e instanceof Rollback) return e.outcome;
    throw e;
  }
}
