import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything queries can run on: the database or an open transaction. */
export type Executor = Db | Tx;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** The data folder lock (PGlite only), so the server can publish its URL in it. */
  lock: DataDirLock | null;
  dataDir: string | null;
  close(): Promise<void>;
};

export type ConnectOptions = {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** Tests: start PGlite from a dumped, already-migrated data folder (in memory, no lock). */
  loadDataDir?: Blob;
  poolSize?: number;
};

/** PGlite in a data folder unless DATABASE_URL is set; then a pg pool. */
export async function connect(opts: ConnectOptions = {}): Promise<Database> {
  if (opts.databaseUrl) {
    // JIT off: every statement here is short OLTP work; the planner's cost guess for the identity
    // lookup (lateral joins over postings) can exceed jit_above_cost and then JIT compilation takes
    // ~2 s of a ~5 ms query (measured on PostgreSQL 15).
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      options: '-c jit=off',
    });
    pool.on('error', () => {}); // idle client errors surface on the next query
    const db = drizzleNodePg(pool, { schema }) as unknown as Db;
    return { db, kind: 'postgres', lock: null, dataDir: null, close: () => pool.end() };
  }
  const memory = opts.loadDataDir !== undefined;
  const dataDir = memory ? null : resolve(opts.dataDir ?? 'data');
  const lock = dataDir ? acquireDataDirLock(dataDir) : null;
  try {
    const client = await PGlite.create({
      ...(dataDir ? { dataDir: resolve(dataDir, 'pg') } : {}),
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
      extensions: { pg_trgm },
      // Bulk loads must not grow the folder by a gigabyte of WAL.
      postgresqlconf: ['max_wal_size = 256MB', 'min_wal_size = 32MB'],
    });
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return {
      db,
      kind: 'pglite',
      lock,
      dataDir,
      close: async () => {
        await client.close();
        lock?.release();
      },
    };
  } catch (e) {
    lock?.release();
    throw e;
  }
}
