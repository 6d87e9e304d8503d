import { decideClaim } from '../../core/ownership/decide.ts';
import type { Actor } from '../../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { AppContext } from '../context.ts';
import { activePolicy } from '../policy-store.ts';
import { inTransaction } from '../tx.ts';
import {
  applyEvents,
  countBase,
  lastReleasedAt,
  lockManager,
  lockSlots,
  type OwnershipChange,
  resolveLines,
  withIds,
} from './ownership-support.ts';

export type ClaimCommand = { actor: Actor & { kind: 'user' }; clientId: number; lineId?: number };

/** Claim a pool client for the acting manager (R-CLAIM-1…4, R-CAP-1). */
export async function claimClient(ctx: AppContext, cmd: ClaimCommand): Promise<Outcome<OwnershipChange>> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const policy = await activePolicy(tx);
    const lineIds = await resolveLines(tx, policy.policy, cmd.lineId);
    if (!lineIds.ok) return lineIds;
    const manager = await lockManager(tx, cmd.actor.id);
    if (!manager) return fail('NOT_FOUND', { entity: 'user', userId: cmd.actor.id });
    const slots = await lockSlots(tx, [cmd.clientId], lineIds.value);
    if (slots.length === 0) return fail('NOT_FOUND', { entity: 'client', clientId: cmd.clientId });
    const decision = decideClaim({
      policy,
      now,
      actor: cmd.actor,
      manager,
      slots,
      baseCount: await countBase(tx, manager.id, lineIds.value, policy.policy),
      lastReleasedAt: await lastReleasedAt(tx, manager.id, cmd.clientId),
    });
    if (decision.kind === 'rejected') return fail(decision.code, decision.details);
    return ok(withIds(decision.events, await applyEvents(tx, decision.events)));
  });
}
