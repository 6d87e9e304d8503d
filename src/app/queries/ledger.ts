import { and, asc, desc, eq, gt, gte, lte, lt, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/connect.ts';
import { ownershipEvents } from '../../db/schema/index.ts';

export type LedgerFilter = {
  clientId?: number | undefined;
  managerId?: number | undefined;
  lineId?: number | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  cursor?: number | undefined;
  limit: number;
  order?: 'asc' | 'desc';
};

/** Ledger events, keyset-paginated by id; a manager filter matches either side of the change ("why did I lose X"). */
export async function listLedger(ex: Executor, f: LedgerFilter) {
  const desc_ = f.order === 'desc';
  const conds: SQL[] = [];
  if (f.clientId !== undefined) conds.push(eq(ownershipEvents.clientId, f.clientId));
  if (f.lineId !== undefined) conds.push(eq(ownershipEvents.lineId, f.lineId));
  if (f.managerId !== undefined) {
    conds.push(
      or(eq(ownershipEvents.fromManagerId, f.managerId), eq(ownershipEvents.toManagerId, f.managerId))!,
    );
  }
  if (f.from) conds.push(gte(ownershipEvents.occurredAt, f.from));
  if (f.to) conds.push(lte(ownershipEvents.occurredAt, f.to));
  if (f.cursor !== undefined)
    conds.push(desc_ ? lt(ownershipEvents.id, f.cursor) : gt(ownershipEvents.id, f.cursor));
  const rows = await ex
    .select()
    .from(ownershipEvents)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc_ ? desc(ownershipEvents.id) : asc(ownershipEvents.id))
    .limit(f.limit + 1);
  const more = rows.length > f.limit;
  const items = more ? rows.slice(0, f.limit) : rows;
  return { items, nextCursor: more ? items[items.length - 1]!.id : null };
}

/** "Who owned X on date D": the last event at or before D in each line decides (R-LEDGER-3). */
export async function ownerAt(ex: Executor, clientId: number, at: Date) {
  const events = await ex
    .select()
    .from(ownershipEvents)
    .where(and(eq(ownershipEvents.clientId, clientId), lte(ownershipEvents.occurredAt, at)))
    .orderBy(asc(ownershipEvents.occurredAt), asc(ownershipEvents.id));
  const byLine = new Map<number, (typeof events)[number]>();
  for (const e of events) byLine.set(e.lineId, e);
  return byLine;
}
