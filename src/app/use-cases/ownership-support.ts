import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Policy } from '../../core/policy/policy.ts';
import type { ManagerSnapshot, OwnershipEvent, OwnershipSlot } from '../../core/ownership/types.ts';
import { fail, type Outcome } from '../../core/outcome.ts';
import type { Executor, Tx } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';
import { lines, ownership, ownershipEvents, users } from '../../db/schema/index.ts';

/** Which lines an operation touches: the one asked for (or the default), or all lines in single-owner mode (R-LINE-1). */
export async function resolveLines(
  ex: Executor,
  policy: Policy,
  lineId: number | undefined,
): Promise<Outcome<number[]>> {
  const active = await ex
    .select({ id: lines.id, isDefault: lines.isDefault })
    .from(lines)
    .where(eq(lines.active, true));
  if (policy.lines.mode === 'single_owner')
    return { ok: true, value: active.map((l) => l.id).sort((a, b) => a - b) };
  if (lineId === undefined) {
    const def = active.find((l) => l.isDefault) ?? active[0];
    if (!def) return fail('NOT_FOUND', { entity: 'line' });
    return { ok: true, value: [def.id] };
  }
  if (!active.some((l) => l.id === lineId))
    return fail('NOT_FOUND', { entity: 'line', field: 'lineId', lineId });
  return { ok: true, value: [lineId] };
}

/** Lock the manager row before counting the base: a row lock on the client alone does not protect a per-manager count. */
export async function lockManager(tx: Tx, id: number): Promise<ManagerSnapshot | null> {
  const [row] = await tx
    .select({
      id: users.id,
      role: users.role,
      status: users.status,
      hiredAt: users.hiredAt,
      capOverride: users.capOverride,
    })
    .from(users)
    .where(eq(users.id, id))
    .for('update');
  return row ?? null;
}

export async function lockSlots(tx: Tx, clientIds: number[], lineIds: number[]): Promise<OwnershipSlot[]> {
  return tx
    .select({
      clientId: ownership.clientId,
      lineId: ownership.lineId,
      ownerId: ownership.ownerId,
      protectedUntil: ownership.protectedUntil,
    })
    .from(ownership)
    .where(and(inArray(ownership.clientId, clientIds), inArray(ownership.lineId, lineIds)))
    .orderBy(asc(ownership.clientId), asc(ownership.lineId))
    .for('update');
}

/** The base in the counted scope: the line, or distinct clients over all lines in single-owner mode (R-CAP-1). */
export async function countBase(
  ex: Executor,
  managerId: number,
  lineIds: number[],
  policy: Policy,
): Promise<number> {
  const [row] =
    policy.lines.mode === 'single_owner'
      ? await rows<{ n: number }>(
          ex,
          sql`SELECT count(DISTINCT client_id)::int AS n FROM ownership WHERE owner_id = ${managerId}`,
        )
      : await rows<{ n: number }>(
          ex,
          sql`SELECT count(*)::int AS n FROM ownership WHERE owner_id = ${managerId} AND line_id = ${lineIds[0]!}`,
        );
  return Number(row?.n ?? 0);
}

/** When the manager last sent this client to the pool (release, swap, expiry), for the re-claim cooldown (R-CLAIM-4). */
export async function lastReleasedAt(
  ex: Executor,
  managerId: number,
  clientId: number,
): Promise<Date | null> {
  const [row] = await rows<{ at: string | Date | null }>(
    ex,
    sql`SELECT max(occurred_at) AS at FROM ownership_events
        WHERE client_id = ${clientId} AND from_manager_id = ${managerId} AND to_manager_id IS NULL`,
  );
  return row?.at ? new Date(row.at) : null;
}

/** Write the ledger events and the current-owner rows they imply, in the caller's transaction (R-LEDGER-1). */
export async function applyEvents(tx: Tx, events: OwnershipEvent[]): Promise<{ id: number }[]> {
  if (events.length === 0) return [];
  const inserted = await tx
    .insert(ownershipEvents)
    .values(events.map((e) => ({ ...e })))
    .returning({ id: ownershipEvents.id });
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    await tx
      .update(ownership)
      .set({
        ownerId: e.toManagerId,
        since: e.occurredAt,
        protectedUntil: e.protectedUntil,
        lastReason: e.reasonCode,
        lastEventId: inserted[i]!.id,
      })
      .where(and(eq(ownership.clientId, e.clientId), eq(ownership.lineId, e.lineId)));
  }
  return inserted;
}

export type OwnershipChange = { events: (OwnershipEvent & { id: number })[] };

export function withIds(events: OwnershipEvent[], ids: { id: number }[]): OwnershipChange {
  return { events: events.map((e, i) => ({ ...e, id: ids[i]!.id })) };
}
