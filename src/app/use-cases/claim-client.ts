import { decideClaim } from '../../core/ownership/decide.ts';
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

export type ClaimCommand = { actor: Actor & { kind: 'user' }; clientId: number; lineId?: number };

/** Claim a pool client for the acting manager (R-CLAIM-1…4, R-CAP-1). */
export async function claimClient(ctx: AppContext, cmd: ClaimCommand): Promise<Outcome<OwnershipChange>> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const rules = await loadRules(tx, cmd.lineId);
    if (!rules.ok) return rules;
    const manager = await lockManager(tx, cmd.actor.id);
    if (!manager) return fail('NOT_FOUND', { entity: 'user', userId: cmd.actor.id });
    const slots = await lockSlots(tx, [cmd.clientId], rules.value.lineIds);
    if (slots.length === 0) return fail('NOT_FOUND', { entity: 'client', clientId: cmd.clientId });
    const facts = await baseFacts(tx, manager.id, rules.value, cmd.clientId);
    const decision = decideClaim({
      policy: rules.value.policy,
      now,
      actor: cmd.actor,
      manager,
      slots,
      ...facts,
    });
    if (decision.kind === 'rejected') return fail(decision.code, decision.details);
    return ok(withIds(decision.events, await applyEvents(tx, decision.events)));
  });
}
