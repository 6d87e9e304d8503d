import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { migrationsFolder } from '../db/migrate.ts';
import { rows } from '../db/raw.ts';
import type { AppContext } from './context.ts';

export type Readiness = {
  ready: boolean;
  db: 'pglite' | 'postgres';
  database: 'ok' | 'unreachable';
  migrations: { expected: number; applied: number; missing: string[] };
  error?: string;
};

/** The migrations this build ships (drizzle/meta/_journal.json): tag and timestamp. */
export function expectedMigrations(folder = migrationsFolder): { tag: string; when: number }[] {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  return journal.entries.map((e) => ({ tag: e.tag, when: e.when }));
}

/**
 * Readiness (issue 8, item 8): the database answers a query, and every migration of this build is
 * applied (drizzle records each by its journal timestamp in drizzle.__drizzle_migrations). A load
 * balancer sends traffic only to a ready instance; /api/health (liveness) does not touch the database.
 */
export async function readiness(ctx: AppContext, folder = migrationsFolder): Promise<Readiness> {
  const expected = expectedMigrations(folder);
  try {
    await ctx.db.execute(sql`SELECT 1`);
  } catch (e) {
    return {
      ready: false,
      db: ctx.dbKind,
      database: 'unreachable',
      migrations: { expected: expected.length, applied: 0, missing: expected.map((m) => m.tag) },
      error: (e as Error).message,
    };
  }
  let applied: { created_at: string | number }[] = [];
  try {
    applied = await rows<{ created_at: string | number }>(
      ctx.db,
      sql`SELECT created_at FROM drizzle.__drizzle_migrations`,
    );
  } catch {
    // No migrations table: nothing applied.
  }
  const have = new Set(applied.map((a) => Number(a.created_at)));
  const missing = expected.filter((e) => !have.has(e.when)).map((e) => e.tag);
  return {
    ready: missing.length === 0,
    db: ctx.dbKind,
    database: 'ok',
    migrations: { expected: expected.length, applied: applied.length, missing },
  };
}
