import { sql } from 'drizzle-orm';
import { daysLeft, expiryOf } from '../../core/ownership/expiry.ts';
import type { PolicyRef } from '../../core/ownership/types.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';
import { expiresAtSql, type FactRow, factColumns, toFacts } from '../expiry-facts.ts';

export type ExpiryFilter = {
  now: Date;
  /** Only slots expiring within this many days (expired-but-not-yet-swept included); undefined = all. */
  withinDays?: number | undefined;
  managerId?: number | undefined;
  lineId?: number | undefined;
  limit: number;
};

/**
 * When each owned client goes back to the pool (C10), soonest first: the base screen's
 * "days to expiry" column, the dashboard's "expiring next 14 days", the manager's daily list.
 * SQL narrows and sorts; the core gives the verdict and the rule for every row shown.
 */
export async function listExpiry(ex: Executor, policy: PolicyRef, f: ExpiryFilter) {
  const p = policy.policy;
  if (!p.expiry.enabled) return { enabled: false, items: [], total: 0 };
  const expires = expiresAtSql(p, { lastQ: sql`o.last_q`, firstWon: sql`o.first_won` });
  const found = await rows<FactRow & { client_name: string; owner_name: string; total: number | string }>(
    ex,
    sql`SELECT o.*, c.display_name AS client_name, u.name AS owner_name, count(*) OVER () AS total FROM (
          SELECT o.client_id, o.line_id, o.owner_id, o.since, o.protected_until, o.extended_until, ${factColumns(p)}
          FROM ownership o
          WHERE o.owner_id IS NOT NULL
            ${f.managerId === undefined ? sql`` : sql`AND o.owner_id = ${f.managerId}`}
            ${f.lineId === undefined ? sql`` : sql`AND o.line_id = ${f.lineId}`}
          OFFSET 0) o
        JOIN clients c ON c.id = o.client_id
        JOIN users u ON u.id = o.owner_id
        ${
          f.withinDays === undefined
            ? sql``
            : sql`WHERE ${expires} <= ${new Date(f.now.getTime() + f.withinDays * 86_400_000).toISOString()}::timestamptz`
        }
        ORDER BY ${expires}, o.client_id, o.line_id
        LIMIT ${f.limit}`,
  );
  const items = found.map((r) => {
    const facts = toFacts(r);
    const v = expiryOf(p, facts);
    return {
      clientId: r.client_id,
      clientName: r.client_name,
      lineId: r.line_id,
      ownerId: r.owner_id,
      ownerName: r.owner_name,
      ownerSince: facts.since,
      lastQualifyingTouchAt: facts.lastQualifyingTouchAt,
      firstWonDealAt: facts.firstWonDealAt,
      protectedUntil: facts.slot.protectedUntil,
      extendedUntil: facts.extendedUntil,
      expiresAt: v.expiresAt!,
      daysLeft: daysLeft(v.expiresAt!, f.now),
      rule: v.rule!,
      heldBy: v.heldBy,
    };
  });
  return { enabled: true, items, total: Number(found[0]?.total ?? 0) };
}
