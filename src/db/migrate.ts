import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { Database } from './connect.ts';

export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Lock key shared by every instance: only one migrates, the others wait and then find nothing to do. */
const MIGRATION_LOCK = 7_240_001;

export async function migrate(database: Database): Promise<void> {
  const { db } = database;
  if (database.kind === 'pglite') {
    await db.execute(sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await migratePglite(db as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
  // A session-level advisory lock must live on one connection: hold it on a dedicated client.
  const pool = (db as unknown as NodePgDatabase & { $client: import('pg').Pool }).$client;
  const conn = await pool.connect();
  try {
    await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await conn.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await migrateNodePg(db as unknown as NodePgDatabase, { migrationsFolder });
  } finally {
    await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    conn.release();
  }
}
