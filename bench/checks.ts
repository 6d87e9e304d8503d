import { sql } from 'drizzle-orm';
import type { Executor } from '../src/db/connect.ts';
import { rows } from '../src/db/raw.ts';

export type Violations = {
  /** (client, line) rows whose owner differs from the last ledger event's to_manager_id (R-LEDGER-1). */
  ledgerMismatch: number;
  /** Managers whose base on the line is over their cap (cap_override, else the policy's default cap). */
  overCap: { ownerId: number; n: number; cap: number }[];
  /** (client, line) pairs with more than one ownership row. */
  duplicates: number;
  total: number;
};

export async function countViolations(db: Executor, lineId: number, defaultCap: number): Promise<Violations> {
  const [ledger] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM ownership o
        LEFT JOIN LATERAL (SELECT to_manager_id FROM ownership_events e
          WHERE e.client_id = o.client_id AND e.line_id = o.line_id ORDER BY e.id DESC LIMIT 1) last ON true
        WHERE o.owner_id IS DISTINCT FROM last.to_manager_id`,
  );
  const overCap = await rows<{ owner_id: number; n: number; cap: number }>(
    db,
    sql`SELECT o.owner_id, count(*)::int AS n, coalesce(u.cap_override, ${defaultCap})::int AS cap
        FROM ownership o JOIN users u ON u.id = o.owner_id
        WHERE o.line_id = ${lineId}
        GROUP BY o.owner_id, u.cap_override
        HAVING count(*) > coalesce(u.cap_override, ${defaultCap})`,
  );
  const [dup] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM (SELECT client_id, line_id FROM ownership GROUP BY 1, 2 HAVING count(*) > 1) d`,
  );
  const ledgerMismatch = Number(ledger?.n ?? 0);
  const duplicates = Number(dup?.n ?? 0);
  return {
    ledgerMismatch,
    overCap: overCap.map((r) => ({ ownerId: r.owner_id, n: Number(r.n), cap: Number(r.cap) })),
    duplicates,
    total: ledgerMismatch + overCap.length + duplicates,
  };
}

export function describeViolations(v: Violations): string {
  return `ledger≠state ${v.ledgerMismatch}, over cap ${v.overCap.length}, duplicate rows ${v.duplicates}`;
}

/** Pool client ids of a line, ascending. */
export async function poolClientIds(db: Executor, lineId: number): Promise<number[]> {
  const r = await rows<{ client_id: number }>(
    db,
    sql`SELECT client_id FROM ownership WHERE owner_id IS NULL AND line_id = ${lineId} ORDER BY client_id`,
  );
  return r.map((x) => Number(x.client_id));
}

export async function defaultLineId(db: Executor): Promise<number> {
  const [r] = await rows<{ id: number }>(db, sql`SELECT id FROM lines WHERE is_default`);
  if (!r) throw new Error('no default line (bootstrap did not run?)');
  return Number(r.id);
}

/** Ledger events that put a client with one of these managers (all of theirs come from the bench). */
export async function eventsTo(db: Executor, managerIds: number[]): Promise<number> {
  const [r] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM ownership_events WHERE to_manager_id IN (${sql.join(
      managerIds.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  return Number(r?.n ?? 0);
}
