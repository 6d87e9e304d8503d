import { decideRelease } from '../../core/ownership/decide.ts';
import type { Actor } from '../../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../tx.ts';
import { applyEvents, loadRules, lockSlots, type OwnershipChange, withIds } from './ownership-support.ts';

export type ReleaseCommand = {
  actor: Actor;
  clientId: number;
  lineId?: number;
  reason?: string | null;
  overrideProtection?: boolean;
};

/** Release a client to the pool: its owner, or a head with a reason (R-REL-1, R-REL-2, R-PROT-2). */
export async function releaseClient(ctx: AppContext, cmd: ReleaseCommand): Promise<Outcome<OwnershipChange>> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const rules = await loadRules(tx, cmd.lineId);
    if (!rules.ok) return rules;
    const slots = await lockSlots(tx, [cmd.clientId], rules.value.lineIds);
    if (slots.length === 0) return fail('NOT_FOUND', { entity: 'client', clientId: cmd.clientId });
    const decision = decideRelease({
      policy: rules.value.policy,
      now,
      actor: cmd.actor,
      slots,
      reason: cmd.reason ?? null,
      overrideProtection: cmd.overrideProtection ?? false,
    });
    if (decision.kind === 'rejected') return fail(decision.code, decision.details);
    return ok(withIds(decision.events, await applyEvents(tx, decision.events)));
  });
}
