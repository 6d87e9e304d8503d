import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';
import { type TouchView, toTouchView, touchColumns, touchJoins } from './touches.ts';

export type HistoryFilter = {
  clientId: number;
  lineId?: number | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  cursor?: string | undefined;
  limit: number;
  order: 'asc' | 'desc';
  include: 'all' | 'ownership' | 'touches';
};

type EventRow = {
  id: string | number;
  type: string;
  client_id: number;
  line_id: number;
  from_manager_id: number | null;
  to_manager_id: number | null;
  actor: string;
  reason_code: string;
  rule: string;
  policy_version: number;
  occurred_at: Date | string;
  protected_until: Date | string | null;
  details: Record<string, unknown>;
};

export type HistoryItem =
  | {
      entry: 'ownership';
      id: number;
      type: string;
      clientId: number;
      lineId: number;
      fromManagerId: number | null;
      toManagerId: number | null;
      actor: string;
      reasonCode: string;
      rule: string;
      policyVersion: number;
      occurredAt: Date;
      protectedUntil: Date | null;
      details: Record<string, unknown>;
    }
  | ({ entry: 'touch'; type: 'Touch' } & TouchView);

/** Rank of each source at equal times: ownership events first, then touches. */
const RANK = { ownership: 0, touch: 1 } as const;

type Key = { at: number; rank: number; id: number };

export function encodeHistoryCursor(k: Key): string {
  return `${k.at}.${k.rank}.${k.id}`;
}
export function decodeHistoryCursor(s: string): Key | null {
  const m = /^(-?\d+)\.([01])\.(\d+)$/.exec(s);
  return m ? { at: Number(m[1]), rank: Number(m[2]), id: Number(m[3]) } : null;
}

/** Rows of one source after the cursor in (time, rank, id) order. */
function after(cursor: Key | null, rank: number, desc: boolean, alias: string): SQL {
  if (!cursor) return sql``;
  const at = sql.raw(`${alias}.occurred_at`);
  const id = sql.raw(`${alias}.id`);
  const ts = new Date(cursor.at);
  const cmp = desc ? sql`<` : sql`>`;
  if (rank === cursor.rank)
    return sql`AND (${at} ${cmp} ${ts} OR (${at} = ${ts} AND ${id} ${cmp} ${cursor.id}))`;
  // Another source: at the cursor's time, its rows come after the cursor when its rank does.
  const sameTimeAfter = desc ? rank < cursor.rank : rank > cursor.rank;
  return sameTimeAfter ? sql`AND ${at} ${desc ? sql`<=` : sql`>=`} ${ts}` : sql`AND ${at} ${cmp} ${ts}`;
}

/**
 * A client's history (C4 + C8): ownership events and touches interleaved in time order,
 * keyset-paginated by (time, source, id). Each item says what it is in `entry`.
 */
export async function clientHistory(ex: Executor, f: HistoryFilter) {
  const desc = f.order === 'desc';
  const cursor = f.cursor ? decodeHistoryCursor(f.cursor) : null;
  const dir = desc ? sql`DESC` : sql`ASC`;
  const range = (alias: string) =>
    sql`${f.from ? sql`AND ${sql.raw(`${alias}.occurred_at`)} >= ${f.from}` : sql``}
        ${f.to ? sql`AND ${sql.raw(`${alias}.occurred_at`)} <= ${f.to}` : sql``}`;
  const items: (HistoryItem & { key: Key })[] = [];
  if (f.include !== 'touches') {
    const ev = await rows<EventRow>(
      ex,
      sql`SELECT * FROM ownership_events e WHERE e.client_id = ${f.clientId}
            ${f.lineId !== undefined ? sql`AND e.line_id = ${f.lineId}` : sql``} ${range('e')}
            ${after(cursor, RANK.ownership, desc, 'e')}
          ORDER BY e.occurred_at ${dir}, e.id ${dir} LIMIT ${f.limit + 1}`,
    );
    for (const r of ev) {
      const occurredAt = new Date(r.occurred_at);
      items.push({
        entry: 'ownership',
        id: Number(r.id),
        type: r.type,
        clientId: r.client_id,
        lineId: r.line_id,
        fromManagerId: r.from_manager_id,
        toManagerId: r.to_manager_id,
        actor: r.actor,
        reasonCode: r.reason_code,
        rule: r.rule,
        policyVersion: r.policy_version,
        occurredAt,
        protectedUntil: r.protected_until ? new Date(r.protected_until) : null,
        details: r.details,
        key: { at: occurredAt.getTime(), rank: RANK.ownership, id: Number(r.id) },
      });
    }
  }
  if (f.include !== 'ownership') {
    const tr = await rows<Parameters<typeof toTouchView>[0]>(
      ex,
      sql`SELECT ${touchColumns} FROM touches t ${touchJoins} WHERE t.client_id = ${f.clientId}
            ${f.lineId !== undefined ? sql`AND (t.line_id = ${f.lineId} OR t.line_id IS NULL)` : sql``} ${range('t')}
            ${after(cursor, RANK.touch, desc, 't')}
          ORDER BY t.occurred_at ${dir}, t.id ${dir} LIMIT ${f.limit + 1}`,
    );
    for (const r of tr) {
      const v = toTouchView(r);
      items.push({
        entry: 'touch',
        type: 'Touch',
        ...v,
        key: { at: v.occurredAt.getTime(), rank: RANK.touch, id: v.id },
      });
    }
  }
  const sign = desc ? -1 : 1;
  items.sort((a, b) => sign * (a.key.at - b.key.at || a.key.rank - b.key.rank || a.key.id - b.key.id));
  const more = items.length > f.limit;
  const pageItems = items.slice(0, f.limit);
  const last = pageItems[pageItems.length - 1];
  return {
    items: pageItems.map(({ key: _k, ...item }) => item as HistoryItem),
    nextCursor: more && last ? encodeHistoryCursor(last.key) : null,
  };
}
