import { eq, inArray, sql } from 'drizzle-orm';
import { decideMerge } from '../../core/ownership/decide.ts';
import type { Actor } from '../../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import {
  addresses,
  brands,
  clients,
  contacts,
  duplicateOverrides,
  legalEntities,
} from '../../db/schema/index.ts';
import type { AppContext } from '../context.ts';
import { reindexClients } from '../identity/reindex.ts';
import { inTransaction } from '../tx.ts';
import { applyEvents, loadRules, lockSlots, type OwnershipChange, withIds } from './ownership-support.ts';

export type MergeCommand = {
  actor: Actor;
  survivorId: number;
  otherClientId: number;
  /** The head's choice of owner for the merged client (one of the two owners, or null = pool). */
  ownerId?: number | null | undefined;
};

/**
 * Merge a duplicate into the surviving client (C2): its legal entities, brands, contacts, addresses,
 * logged duplicate overrides, touches, deals and plan entries move over; ownership follows R-MERGE-1; the merged client stays (marked
 * merged_into) so that its ledger history still answers "who owned X on D".
 */
export async function mergeClients(ctx: AppContext, cmd: MergeCommand): Promise<Outcome<OwnershipChange>> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    if (cmd.survivorId === cmd.otherClientId) return fail('MERGE_SAME_CLIENT', { field: 'otherClientId' });
    const both = [cmd.survivorId, cmd.otherClientId];
    const found = await tx
      .select({ id: clients.id, mergedInto: clients.mergedInto })
      .from(clients)
      .where(inArray(clients.id, both))
      .orderBy(clients.id)
      .for('update');
    for (const [id, field] of [
      [cmd.survivorId, 'id'],
      [cmd.otherClientId, 'otherClientId'],
    ] as const) {
      const c = found.find((f) => f.id === id);
      if (!c || c.mergedInto !== null) return fail('NOT_FOUND', { entity: 'client', clientId: id, field });
    }
    // Every line of both clients, locked in (client, line) order.
    const lineIds = (await tx.execute(sql`SELECT id FROM lines`)) as unknown as { rows: { id: number }[] };
    const slots = await lockSlots(
      tx,
      both,
      lineIds.rows.map((l) => l.id),
    );
    const rules = await loadRules(tx, undefined);
    if (!rules.ok) return rules;
    const decision = decideMerge({
      policy: rules.value.policy,
      now,
      actor: cmd.actor,
      survivor: slots.filter((s) => s.clientId === cmd.survivorId),
      other: slots.filter((s) => s.clientId === cmd.otherClientId),
      chosenOwnerId: cmd.ownerId,
    });
    if (decision.kind === 'rejected') return fail(decision.code, decision.details);
    for (const table of [legalEntities, brands, contacts, addresses, duplicateOverrides] as const) {
      await tx
        .update(table as typeof brands)
        .set({ clientId: cmd.survivorId })
        .where(eq((table as typeof brands).clientId, cmd.otherClientId));
    }
    // Touches, deals and plan entries follow (C8, C9, C13): the survivor's history tells the whole story.
    // A plan that listed both clients keeps one entry (the survivor's).
    await tx.execute(
      sql`UPDATE touches SET client_id = ${cmd.survivorId} WHERE client_id = ${cmd.otherClientId}`,
    );
    await tx.execute(
      sql`UPDATE deals SET client_id = ${cmd.survivorId} WHERE client_id = ${cmd.otherClientId}`,
    );
    await tx.execute(
      sql`DELETE FROM weekly_plan_items o WHERE o.client_id = ${cmd.otherClientId}
            AND EXISTS (SELECT 1 FROM weekly_plan_items s WHERE s.manager_id = o.manager_id
                          AND s.iso_week = o.iso_week AND s.client_id = ${cmd.survivorId})`,
    );
    await tx.execute(
      sql`UPDATE weekly_plan_items SET client_id = ${cmd.survivorId} WHERE client_id = ${cmd.otherClientId}`,
    );
    await tx
      .update(clients)
      .set({ mergedInto: cmd.survivorId, updatedAt: now })
      .where(eq(clients.id, cmd.otherClientId));
    await tx.update(clients).set({ updatedAt: now }).where(eq(clients.id, cmd.survivorId));
    const ids = await applyEvents(tx, decision.events);
    await reindexClients(tx, both);
    return ok(withIds(decision.events, ids));
  });
}
