import { decideSwap } from '../../core/ownership/decide.ts';
import type { Actor } from '../../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../tx.ts';
import {
  applyEvents,
  baseFacts,
  loadRules,
  lockManager,
  lockSlots,
  type OwnershipChange,
  withIds,
} from './ownership-support.ts';

export type SwapCommand = {
  actor: Actor & { kind: 'user' };
  clientId: number;
  releaseClientId: number;
  lineId?: number;
};

/** Release one of my clients and claim a pool client in one transaction: both or neither (R-SWAP-1). */
export async function swapClients(ctx: AppContext, cmd: SwapCommand): Promise<Outcome<OwnershipChange>> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const rules = await loadRules(tx, cmd.lineId);
    if (!rules.ok) return rules;
    const manager = await lockManager(tx, cmd.actor.id);
    if (!manager) return fail('NOT_FOUND', { entity: 'user', userId: cmd.actor.id });
    // Both clients' rows in one statement, ordered by id, so two swaps in opposite directions cannot deadlock.
    const all = await lockSlots(tx, [cmd.clientId, cmd.releaseClientId], rules.value.lineIds);
    const slots = all.filter((s) => s.clientId === cmd.clientId);
    const releaseSlots = all.filter((s) => s.clientId === cmd.releaseClientId);
    if (slots.length === 0) return fail('NOT_FOUND', { entity: 'client', clientId: cmd.clientId });
    if (releaseSlots.length === 0) {
      return fail('NOT_FOUND', { entity: 'client', clientId: cmd.releaseClientId, field: 'releaseClientId' });
    }
    const facts = await baseFacts(tx, manager.id, rules.value, cmd.clientId);
    const decision = decideSwap({
      policy: rules.value.policy,
      now,
      actor: cmd.actor,
      manager,
      slots,
      releaseSlots,
      ...facts,
    });
    if (decision.kind === 'rejected') return fail(decision.code, decision.details);
    return ok(withIds(decision.events, await applyEvents(tx, decision.events)));
  });
}
