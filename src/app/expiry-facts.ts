import { type SQL, sql } from 'drizzle-orm';
import type { ExpiryFacts } from '../core/ownership/expiry.ts';
import type { Policy } from '../core/policy/policy.ts';
import type { Executor } from '../db/connect.ts';
import { rows } from '../db/raw.ts';

/**
 * The facts expiry needs for owned slots, in SQL (C10): the owner's last qualifying touch since
 * they became the owner, and the first won deal in the line since then. One statement for any
 * number of slots; the correlated subqueries use touches (client_id, occurred_at) and
 * deals (client_id) indexes. `o` must be an alias of ownership rows.
 */
export function factColumns(policy: Policy): SQL {
  const outcomes = policy.expiry.qualifyingOutcomes;
  return sql`(SELECT max(t.occurred_at) FROM touches t
              WHERE t.client_id = o.client_id AND t.author_id = o.owner_id AND t.occurred_at >= o.since
                AND (t.line_id IS NULL OR t.line_id = o.line_id)
                AND t.outcome IN (${sql.join(
                  outcomes.map((x) => sql`${x}`),
                  sql`, `,
                )})) AS last_q,
             (SELECT min(d.won_at) FROM deals d
              WHERE d.client_id = o.client_id AND d.line_id = o.line_id AND d.stage = 'won' AND d.won_at >= o.since) AS first_won`;
}

/**
 * The expiry date of an owned slot in SQL, the same arithmetic as core `expiryOf` (R-EXP-1…4).
 * Used to narrow the sweep and to sort lists; the core re-decides every slot it acts on.
 */
export function expiresAtSql(policy: Policy, f: { lastQ: SQL; firstWon: SQL }): SQL {
  const e = policy.expiry;
  return sql`greatest(
      least(greatest(coalesce(${f.lastQ}, o.since), o.since) + make_interval(days => ${e.noTouchDays}),
            CASE WHEN ${f.firstWon} IS NULL THEN o.since + make_interval(days => ${e.noOrderDays}) ELSE 'infinity'::timestamptz END),
      coalesce(o.protected_until, '-infinity'::timestamptz),
      coalesce(o.extended_until, '-infinity'::timestamptz))`;
}

export type FactRow = {
  client_id: number;
  line_id: number;
  owner_id: number;
  since: Date | string;
  protected_until: Date | string | null;
  extended_until: Date | string | null;
  last_q: Date | string | null;
  first_won: Date | string | null;
};

const d = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

export function toFacts(r: FactRow): ExpiryFacts {
  return {
    slot: {
      clientId: r.client_id,
      lineId: r.line_id,
      ownerId: r.owner_id,
      protectedUntil: d(r.protected_until),
    },
    since: new Date(r.since),
    lastQualifyingTouchAt: d(r.last_q),
    firstWonDealAt: d(r.first_won),
    extendedUntil: d(r.extended_until),
  };
}

/** Facts of the given owned slots (after the caller locked them, in its transaction). */
export async function factsOf(
  ex: Executor,
  policy: Policy,
  keys: { clientId: number; lineId: number }[],
): Promise<ExpiryFacts[]> {
  if (keys.length === 0) return [];
  const found = await rows<FactRow>(
    ex,
    sql`SELECT o.client_id, o.line_id, o.owner_id, o.since, o.protected_until, o.extended_until, ${factColumns(policy)}
        FROM unnest(string_to_array(${keys.map((k) => k.clientId).join(',')}, ',')::int[],
                    string_to_array(${keys.map((k) => k.lineId).join(',')}, ',')::int[]) AS k(client_id, line_id)
        JOIN ownership o ON o.client_id = k.client_id AND o.line_id = k.line_id
        WHERE o.owner_id IS NOT NULL
        ORDER BY o.client_id, o.line_id`,
  );
  return found.map(toFacts);
}
