import type { Db } from './connect.ts';

/** Advisory lock keys of scheduled jobs (the migration lock is 7_240_001). */
export const JOB_LOCKS = { sweep: 7_240_010 } as const;

type PgPoolLike = {
  connect(): Promise<{
    query(q: string, p: unknown[]): Promise<{ rows: { ok: boolean }[] }>;
    release(): void;
  }>;
};
const runningHere = new Set<unknown>();

/**
 * Run `fn` only if no other process runs the same job: `pg_try_advisory_lock` on a dedicated
 * connection (a session-level lock must stay on one connection). Returns `{ ran: false }` at once
 * when another instance holds it. On PGlite one process owns the database through one session,
 * where advisory locks stack: an in-process set keeps overlapping runs apart there.
 */
export async function withJobLock<T>(
  db: Db,
  kind: 'pglite' | 'postgres',
  key: number,
  fn: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const client = (db as unknown as { $client: unknown }).$client;
  if (kind === 'pglite') {
    if (runningHere.has(client)) return { ran: false };
    runningHere.add(client);
    try {
      return { ran: true, value: await fn() };
    } finally {
      runningHere.delete(client);
    }
  }
  const conn = await (client as PgPoolLike).connect();
  try {
    const got = await conn.query('SELECT pg_try_advisory_lock($1) AS ok', [key]);
    if (!got.rows[0]?.ok) return { ran: false };
    try {
      return { ran: true, value: await fn() };
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1) AS ok', [key]).catch(() => {});
    }
  } finally {
    conn.release();
  }
}
