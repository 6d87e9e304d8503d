import { decideExtend } from '../../core/ownership/expiry.ts';
import type { Actor } from '../../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../tx.ts';
import { applyEvents, loadRules, lockSlots, type OwnershipChange, withIds } from './ownership-support.ts';

export type ExtendCommand = {
  actor: Actor;
  clientId: number;
  lineId?: number;
  until: Date;
  reason: string | null;
};

/** A head postpones one client's return to the pool (R-EXP-4), logged in the ledger. */
export async function extendExpiry(ctx: AppContext, cmd: ExtendCommand): Promise<Outcome<OwnershipChange>> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const rules = await loadRules(tx, cmd.lineId);
    if (!rules.ok) return rules;
    const slots = await lockSlots(tx, [cmd.clientId], rules.value.lineIds);
    if (slots.length === 0) return fail('NOT_FOUND', { entity: 'client', clientId: cmd.clientId });
    const decision = decideExtend({
      policy: rules.value.policy,
      now,
      actor: cmd.actor,
      slots,
      until: cmd.until,
      reason: cmd.reason,
    });
    if (decision.kind === 'rejected') return fail(decision.code, decision.details);
    return ok(withIds(decision.events, await applyEvents(tx, decision.events)));
  });
}
