import { and, eq } from 'drizzle-orm';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { Tx } from '../../db/connect.ts';
import { addresses, brands, clients, contacts, legalEntities } from '../../db/schema/index.ts';
import type { ClientPartInput, ClientPartKind } from '../client-types.ts';
import type { AppContext } from '../context.ts';
import { reindexClients } from '../identity/reindex.ts';
import { checkDuplicates, logOverride } from '../identity/duplicates.ts';
import type { MatchResult } from '../identity/lookup.ts';
import { inTransaction } from '../tx.ts';
import { loadRules } from './ownership-support.ts';

/**
 * Editing client data is open to every seller (C1: everyone reads and enriches a client; ownership
 * is what is locked, not the data). Ownership never changes here; the identifier index is rebuilt
 * for the client in the same transaction.
 */
const partTables = { legalEntities, brands, contacts, addresses } as const;
// The four part tables share id/client_id; the value shape was validated at the boundary for this kind.
const tableOf = (kind: ClientPartKind) => partTables[kind] as unknown as typeof brands;

async function touched(tx: Tx, clientId: number, now: Date) {
  await tx.update(clients).set({ updatedAt: now }).where(eq(clients.id, clientId));
  await reindexClients(tx, [clientId]);
}

export async function updateClient(
  ctx: AppContext,
  clientId: number,
  patch: { displayName?: string; notes?: string | null },
): Promise<Outcome<{ id: number }>> {
  const now = ctx.clock();
  const set: Partial<typeof clients.$inferInsert> = { updatedAt: now };
  if (patch.displayName !== undefined) set.displayName = patch.displayName.trim();
  if (patch.notes !== undefined) set.notes = patch.notes;
  return inTransaction(ctx.db, async (tx) => {
    const res = await tx
      .update(clients)
      .set(set)
      .where(eq(clients.id, clientId))
      .returning({ id: clients.id });
    if (!res[0]) return fail('NOT_FOUND', { entity: 'client', clientId });
    if (patch.displayName !== undefined) await reindexClients(tx, [clientId]);
    return ok(res[0]);
  });
}

export async function addClientPart<K extends ClientPartKind>(
  ctx: AppContext,
  actorId: number,
  clientId: number,
  kind: K,
  input: ClientPartInput[K],
  force: { force?: boolean | undefined; forceReason?: string | undefined } = {},
): Promise<Outcome<{ id: number; duplicates: MatchResult[] }>> {
  const now = ctx.clock();
  const { force: _f, forceReason: _r, ...data } = input as ClientPartInput[K] & typeof force;
  return inTransaction(ctx.db, async (tx) => {
    const [client] = await tx
      .select({ id: clients.id })
      .from(clients)
      .where(eq(clients.id, clientId))
      .for('update');
    if (!client) return fail('NOT_FOUND', { entity: 'client', clientId });
    // A legal entity, brand or contact that is another client's is refused (R-ID-3); an address alone is
    // no proof (business centres house many companies).
    let dup: { warnings: MatchResult[]; forced: MatchResult[] } = { warnings: [], forced: [] };
    if (kind !== 'addresses') {
      const rules = await loadRules(tx, undefined);
      if (!rules.ok) return rules;
      const checked = await checkDuplicates(
        tx,
        rules.value.policy.policy.identity,
        { [kind]: [data] },
        clientId,
        force,
      );
      if (!checked.ok) return checked;
      dup = checked.value;
    }
    const table = tableOf(kind);
    const [row] = await tx
      .insert(table)
      .values({ ...(data as object), clientId, createdBy: actorId, createdAt: now } as never)
      .returning({ id: table.id });
    await touched(tx, clientId, now);
    if (dup.forced.length) await logOverride(tx, clientId, actorId, force.forceReason!, dup.forced, now);
    return ok({ id: row!.id, duplicates: dup.warnings });
  });
}

export async function editClientPart<K extends ClientPartKind>(
  ctx: AppContext,
  clientId: number,
  kind: K,
  partId: number,
  patch: Partial<ClientPartInput[K]>,
): Promise<Outcome<{ id: number }>> {
  if (Object.keys(patch).length === 0)
    return fail('VALIDATION_FAILED', { issues: [{ path: 'body', message: 'nothing to change' }] });
  return inTransaction(ctx.db, async (tx) => {
    const table = tableOf(kind);
    const res = await tx
      .update(table)
      .set(patch as never)
      .where(and(eq(table.id, partId), eq(table.clientId, clientId)))
      .returning({ id: table.id });
    if (!res[0]) return fail('NOT_FOUND', { entity: kind, id: partId, clientId });
    await touched(tx, clientId, ctx.clock());
    return ok(res[0]);
  });
}

export async function removeClientPart(
  ctx: AppContext,
  clientId: number,
  kind: ClientPartKind,
  partId: number,
): Promise<Outcome<{ id: number }>> {
  return inTransaction(ctx.db, async (tx) => {
    const table = tableOf(kind);
    const res = await tx
      .delete(table)
      .where(and(eq(table.id, partId), eq(table.clientId, clientId)))
      .returning({ id: table.id });
    if (!res[0]) return fail('NOT_FOUND', { entity: kind, id: partId, clientId });
    await touched(tx, clientId, ctx.clock());
    return ok(res[0]);
  });
}
