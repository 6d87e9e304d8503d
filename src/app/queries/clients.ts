import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/connect.ts';
import { lastContactOf, lastTouchAtOf } from './touches.ts';
import {
  addresses,
  brands,
  clients,
  contacts,
  legalEntities,
  lines,
  ownership,
  touches,
  users,
} from '../../db/schema/index.ts';

export type OwnerView = {
  lineId: number;
  lineName: string;
  ownerId: number | null;
  ownerName: string | null;
  since: Date;
  protectedUntil: Date | null;
  lastReason: string | null;
};

async function ownersOf(ex: Executor, clientIds: number[]): Promise<Map<number, OwnerView[]>> {
  const map = new Map<number, OwnerView[]>();
  if (clientIds.length === 0) return map;
  const rows = await ex
    .select({
      clientId: ownership.clientId,
      lineId: ownership.lineId,
      lineName: lines.name,
      ownerId: ownership.ownerId,
      ownerName: users.name,
      since: ownership.since,
      protectedUntil: ownership.protectedUntil,
      lastReason: ownership.lastReason,
    })
    .from(ownership)
    .innerJoin(lines, eq(lines.id, ownership.lineId))
    .leftJoin(users, eq(users.id, ownership.ownerId))
    .where(inArray(ownership.clientId, clientIds))
    .orderBy(asc(ownership.lineId));
  for (const { clientId, ...o } of rows) {
    const list = map.get(clientId) ?? [];
    list.push(o);
    map.set(clientId, list);
  }
  return map;
}

export async function getClientCard(ex: Executor, id: number) {
  const [client] = await ex.select().from(clients).where(eq(clients.id, id));
  if (!client) return null;
  const [le, br, co, ad, owners] = await Promise.all([
    ex.select().from(legalEntities).where(eq(legalEntities.clientId, id)).orderBy(asc(legalEntities.id)),
    ex.select().from(brands).where(eq(brands.clientId, id)).orderBy(asc(brands.id)),
    ex.select().from(contacts).where(eq(contacts.clientId, id)).orderBy(asc(contacts.id)),
    ex.select().from(addresses).where(eq(addresses.clientId, id)).orderBy(asc(addresses.id)),
    ownersOf(ex, [id]),
  ]);
  return {
    ...client,
    legalEntities: le,
    brands: br,
    contacts: co,
    addresses: ad,
    owners: owners.get(id) ?? [],
    lastContact: await lastContactSummary(ex, id),
  };
}

async function lastContactSummary(ex: Executor, id: number) {
  const t = await lastContactOf(ex, id);
  return t
    ? {
        touchId: t.id,
        occurredAt: t.occurredAt,
        authorId: t.authorId,
        authorName: t.authorName,
        kind: t.kind,
        direction: t.direction,
        outcome: t.outcome,
      }
    : null;
}

export type ClientListFilter = {
  q?: string | undefined;
  ownerId?: number | undefined;
  lineId?: number | undefined;
  status?: 'pool' | 'owned' | undefined;
  cursor?: number | undefined;
  limit: number;
};

/**
 * Keyset-paginated client list (by id). `q` matches the display name (trigram index) or an exact ИНН.
 * Owner and status filters apply to one line: the one asked for, else the default line.
 */
export async function listClients(ex: Executor, f: ClientListFilter) {
  const lineId = f.lineId ?? (await defaultLineId(ex));
  const conds: SQL[] = [eq(ownership.lineId, lineId), isNull(clients.mergedInto)];
  if (f.cursor !== undefined) conds.push(gt(clients.id, f.cursor));
  if (f.ownerId !== undefined) conds.push(eq(ownership.ownerId, f.ownerId));
  if (f.status === 'pool') conds.push(isNull(ownership.ownerId));
  if (f.status === 'owned') conds.push(sql`${ownership.ownerId} IS NOT NULL`);
  const q = f.q?.trim();
  if (q) {
    const digits = q.replace(/\D/g, '');
    const byName = sql`lower(${clients.displayName}) LIKE ${`%${escapeLike(q.toLowerCase())}%`}`;
    conds.push(
      /^\d{10}$|^\d{12}$/.test(digits) && digits.length === q.replace(/\s/g, '').length
        ? sql`(${byName} OR ${clients.id} IN (SELECT client_id FROM legal_entities WHERE inn = ${digits}))`
        : byName,
    );
  }
  // The owner's last touch and the latest next step: one LATERAL probe each on the
  // touches (client_id, occurred_at desc) index per listed row (a page is at most 500 rows).
  const lastTouch = ex
    .select({
      at: sql<Date | string | null>`${touches.occurredAt}`.as('last_touch_at'),
      kind: sql<string>`${touches.kind}`.as('last_touch_kind'),
    })
    .from(touches)
    .where(and(eq(touches.clientId, clients.id), eq(touches.authorId, ownership.ownerId)))
    .orderBy(desc(touches.occurredAt))
    .limit(1)
    .as('last_touch');
  const nextStep = ex
    .select({
      step: sql<string>`${touches.nextStep}`.as('next_step'),
      at: sql<Date | string | null>`${touches.nextStepAt}`.as('next_step_at'),
    })
    .from(touches)
    .where(and(eq(touches.clientId, clients.id), isNotNull(touches.nextStep)))
    .orderBy(desc(touches.occurredAt))
    .limit(1)
    .as('next_step');
  const rows = await ex
    .select({
      id: clients.id,
      displayName: clients.displayName,
      createdAt: clients.createdAt,
      lineId: ownership.lineId,
      ownerId: ownership.ownerId,
      ownerName: users.name,
      since: ownership.since,
      protectedUntil: ownership.protectedUntil,
      isKey: clients.isKey,
      lastTouchAt: lastTouch.at,
      lastTouchKind: lastTouch.kind,
      nextStep: nextStep.step,
      nextStepAt: nextStep.at,
    })
    .from(clients)
    .innerJoin(ownership, eq(ownership.clientId, clients.id))
    .leftJoin(users, eq(users.id, ownership.ownerId))
    .leftJoinLateral(lastTouch, sql`true`)
    .leftJoinLateral(nextStep, sql`true`)
    .where(and(...conds))
    .orderBy(asc(clients.id))
    .limit(f.limit + 1);
  const more = rows.length > f.limit;
  // Columns read through a subquery come back as the driver gives them (a string on some drivers).
  const date = (v: Date | string | null) => (v === null ? null : new Date(v));
  const items = (more ? rows.slice(0, f.limit) : rows).map((r) => ({
    ...r,
    lastTouchAt: date(r.lastTouchAt),
    nextStepAt: date(r.nextStepAt),
  }));
  return { items, nextCursor: more ? items[items.length - 1]!.id : null };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function defaultLineId(ex: Executor): Promise<number> {
  const [row] = await ex
    .select({ id: lines.id })
    .from(lines)
    .orderBy(sql`${lines.isDefault} DESC`, asc(lines.id))
    .limit(1);
  if (!row) throw new Error('no line of business: the database was not bootstrapped');
  return row.id;
}

export async function clientExists(ex: Executor, id: number): Promise<boolean> {
  const [row] = await ex.select({ id: clients.id }).from(clients).where(eq(clients.id, id));
  return Boolean(row);
}

/** Name, owners per line and the latest touch of several clients (lookup and match results). */
export async function getClientSummaries(ex: Executor, ids: number[]) {
  if (ids.length === 0) return [];
  // Sequential: `ex` may be a transaction (one connection).
  const list = await ex
    .select({ id: clients.id, displayName: clients.displayName })
    .from(clients)
    .where(inArray(clients.id, ids));
  const owners = await ownersOf(ex, ids);
  const lastTouch = await lastTouchAtOf(ex, ids);
  return list.map((c) => ({
    ...c,
    owners: owners.get(c.id) ?? [],
    lastTouchAt: lastTouch.get(c.id) ?? null,
  }));
}
