import { and, eq } from 'drizzle-orm';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import { addresses, brands, clients, contacts, legalEntities } from '../../db/schema/index.ts';
import type { ClientPartInput, ClientPartKind } from '../client-types.ts';
import type { AppContext } from '../context.ts';

/**
 * Editing client data is open to every seller (C1: everyone reads and enriches a client; ownership
 * is what is locked, not the data). Ownership never changes here.
 */
const partTables = { legalEntities, brands, contacts, addresses } as const;
// The four part tables share id/client_id; the value shape was validated at the boundary for this kind.
const tableOf = (kind: ClientPartKind) => partTables[kind] as unknown as typeof brands;

export async function updateClient(
  ctx: AppContext,
  clientId: number,
  patch: { displayName?: string; notes?: string | null },
): Promise<Outcome<{ id: number }>> {
  const set: Partial<typeof clients.$inferInsert> = { updatedAt: ctx.clock() };
  if (patch.displayName !== undefined) set.displayName = patch.displayName.trim();
  if (patch.notes !== undefined) set.notes = patch.notes;
  const res = await ctx.db
    .update(clients)
    .set(set)
    .where(eq(clients.id, clientId))
    .returning({ id: clients.id });
  return res[0] ? ok(res[0]) : fail('NOT_FOUND', { entity: 'client', clientId });
}

export async function addClientPart<K extends ClientPartKind>(
  ctx: AppContext,
  actorId: number,
  clientId: number,
  kind: K,
  input: ClientPartInput[K],
): Promise<Outcome<{ id: number }>> {
  const now = ctx.clock();
  const [client] = await ctx.db.select({ id: clients.id }).from(clients).where(eq(clients.id, clientId));
  if (!client) return fail('NOT_FOUND', { entity: 'client', clientId });
  const table = tableOf(kind);
  const [row] = await ctx.db
    .insert(table)
    .values({ ...(input as object), clientId, createdBy: actorId, createdAt: now } as never)
    .returning({ id: table.id });
  await ctx.db.update(clients).set({ updatedAt: now }).where(eq(clients.id, clientId));
  return ok({ id: row!.id });
}

export async function editClientPart<K extends ClientPartKind>(
  ctx: AppContext,
  clientId: number,
  kind: K,
  partId: number,
  patch: Partial<ClientPartInput[K]>,
): Promise<Outcome<{ id: number }>> {
  const table = tableOf(kind);
  if (Object.keys(patch).length === 0)
    return fail('VALIDATION_FAILED', { issues: [{ path: '', message: 'empty patch' }] });
  const res = await ctx.db
    .update(table)
    .set(patch as never)
    .where(and(eq(table.id, partId), eq(table.clientId, clientId)))
    .returning({ id: table.id });
  if (!res[0]) return fail('NOT_FOUND', { entity: kind, id: partId, clientId });
  await ctx.db.update(clients).set({ updatedAt: ctx.clock() }).where(eq(clients.id, clientId));
  return ok(res[0]);
}

export async function removeClientPart(
  ctx: AppContext,
  clientId: number,
  kind: ClientPartKind,
  partId: number,
): Promise<Outcome<{ id: number }>> {
  const table = tableOf(kind);
  const res = await ctx.db
    .delete(table)
    .where(and(eq(table.id, partId), eq(table.clientId, clientId)))
    .returning({ id: table.id });
  if (!res[0]) return fail('NOT_FOUND', { entity: kind, id: partId, clientId });
  await ctx.db.update(clients).set({ updatedAt: ctx.clock() }).where(eq(clients.id, clientId));
  return ok(res[0]);
}
