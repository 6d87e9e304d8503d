import { and, asc, eq, gt, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../../db/connect.ts';
import { rows as rawRows } from '../../db/raw.ts';
import { lastContactOf, lastTouchAtOf } from './touches.ts';
import {
  addresses,
  brands,
  clients,
  contacts,
  legalEntities,
  lines,
  ownership,
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
    })
    .from(clients)
    .innerJoin(ownership, eq(ownership.clientId, clients.id))
    .leftJoin(users, eq(users.id, ownership.ownerId))
    .where(and(...conds))
    .orderBy(asc(clients.id))
    .limit(f.limit + 1);
  const more = rows.length > f.limit;
  const page = more ? rows.slice(0, f.limit) : rows;
  const activity = await touchColumns(ex, page);
  const items = page.map((r) => ({ ...r, ...(activity.get(r.id) ?? noActivity) }));
  return { items, nextCursor: more ? items[items.length - 1]!.id : null };
}

const noActivity = { lastTouchAt: null, lastTouchKind: null, nextStep: null, nextStepAt: null };

/**
 * The owner's last touch and the latest next step of each listed client: two LATERAL probes per row
 * on the touches (client_id, occurred_at desc) index, run on the page only (after the keyset LIMIT),
 * so a pool of 100,000 still costs one page of probes.
 */
async function touchColumns(ex: Executor, page: { id: number; ownerId: number | null }[]) {
  const map = new Map<
    number,
    {
      lastTouchAt: Date | null;
      lastTouchKind: string | null;
      nextStep: string | null;
      nextStepAt: Date | null;
    }
  >();
  if (page.length === 0) return map;
  const pairs = sql.join(
    page.map((r) => sql`(${r.id}::int, ${r.ownerId}::int)`),
    sql`, `,
  );
  const found = await rawRows<{
    client_id: number;
    last_touch_at: Date | string | null;
    last_touch_kind: string | null;
    next_step: string | null;
    next_step_at: Date | string | null;
  }>(
    ex,
    sql`SELECT p.client_id, lt.occurred_at AS last_touch_at, lt.kind AS last_touch_kind,
          ns.next_step, ns.next_step_at
        FROM (VALUES ${pairs}) AS p(client_id, owner_id)
        LEFT JOIN LATERAL (
          SELECT t.occurred_at, t.kind FROM touches t
          WHERE t.client_id = p.client_id AND t.author_id = p.owner_id
          ORDER BY t.occurred_at DESC LIMIT 1
        ) lt ON true
        LEFT JOIN LATERAL (
          SELECT t.next_step, t.next_step_at FROM touches t
          WHERE t.client_id = p.client_id AND t.next_step IS NOT NULL
          ORDER BY t.occurred_at DESC LIMIT 1
        ) ns ON true`,
  );
  // Read through raw SQL, timestamps come back as the driver gives them (a string on some drivers).
  const date = (v: Date | string | null) => (v === null ? null : new Date(v));
  for (const r of found) {
    map.set(Number(r.client_id), {
      lastTouchAt: date(r.last_touch_at),
      lastTouchKind: r.last_touch_kind,
      nextStep: r.next_step,
      nextStepAt: date(r.next_step_at),
    });
  }
  return map;
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
