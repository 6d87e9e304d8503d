import { sql } from 'drizzle-orm';
import type { AppContext } from '../../src/app/context.ts';
import { rows } from '../../src/db/raw.ts';

/** Columns a read may touch on its own (bookkeeping, not state a reject could corrupt). */
const volatileColumns = ['last_used_at', 'last_seen_at'];
/**
 * Tables that are bookkeeping of the server itself; login_throttle counts failed logins, which a
 * rejected login must change (issue 8, item 5: throttling per account and address).
 */
const skipTables = new Set(['job_runs', 'fuzz_changes', 'login_throttle']);

/**
 * Counts every committed row change, per table, for every table of the public schema (found at run
 * time, so a table added later is covered): a row trigger bumps a counter in the same transaction,
 * so a change that is rolled back leaves no trace and one that commits always does. Reading the
 * counters is one cheap query, so a test can check the state after every single request.
 * Test databases only: it adds a table and triggers.
 */
export async function stateProbe(ex: AppContext['db']): Promise<() => Promise<Record<string, string>>> {
  const tables = (
    await rows<{ table_name: string }>(
      ex,
      sql`SELECT table_name FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )
  )
    .map((t) => t.table_name)
    .filter((t) => !skipTables.has(t));
  const drop = volatileColumns.map((c) => ` - '${c}'`).join('');
  await ex.execute(
    sql.raw('CREATE TABLE IF NOT EXISTS fuzz_changes (tbl text PRIMARY KEY, n bigint NOT NULL)'),
  );
  await ex.execute(
    sql.raw(`CREATE OR REPLACE FUNCTION fuzz_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND (to_jsonb(NEW)${drop}) = (to_jsonb(OLD)${drop}) THEN RETURN NULL; END IF;
        INSERT INTO fuzz_changes VALUES (TG_TABLE_NAME, 1)
          ON CONFLICT (tbl) DO UPDATE SET n = fuzz_changes.n + 1;
        RETURN NULL;
      END $$`),
  );
  for (const t of tables) {
    await ex.execute(sql.raw(`DROP TRIGGER IF EXISTS fuzz_note ON "${t}"`));
    await ex.execute(
      sql.raw(
        `CREATE TRIGGER fuzz_note AFTER INSERT OR UPDATE OR DELETE ON "${t}" FOR EACH ROW EXECUTE FUNCTION fuzz_note_change()`,
      ),
    );
  }
  return async () => {
    const out: Record<string, string> = {};
    for (const r of await rows<{ tbl: string; n: string }>(
      ex,
      sql`SELECT tbl, n::text AS n FROM fuzz_changes`,
    ))
      out[r.tbl] = r.n;
    return out;
  };
}

/** Tables whose counter differs. */
export function changedTables(a: Record<string, string>, b: Record<string, string>): string[] {
  return Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k]);
}
