import { decideTransfer } from '../../core/ownership/decide.ts';
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

export type TransferCommand = {
  actor: Actor;
  clientId: number;
  toManagerId: number;
  reason: string;
  lineId?: number;
  overrideProtection?: boolean;
};

/** A head moves a client from anyone or the pool to a manager (R-XFER-1, R-XFER-2, R-PROT-2). */
export async function transferClient(
  ctx: AppContext,
  cmd: TransferCommand,
): Promise<Outcome<OwnershipChange>> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const rules = await loadRules(tx, cmd.lineId);
    if (!rules.ok) return rules;
    const target = await lockManager(tx, cmd.toManagerId);
    if (!target) return fail('NOT_FOUND', { entity: 'user', field: 'toManagerId', userId: cmd.toManagerId });
    const slots = await lockSlots(tx, [cmd.clientId], rules.value.lineIds);
    if (slots.length === 0) return fail('NOT_FOUND', { entity: 'client', clientId: cmd.clientId });
    const decision = decideTransfer({
      policy: rules.value.policy,
      now,
      actor: cmd.actor,
      target,
      slots,
      targetBaseCount: (await baseFacts(tx, target.id, rules.value, null)).baseCount,
      reason: cmd.reason,
      overrideProtection: cmd.overrideProtection ?? false,
    });
    if (decision.kind === 'rejected') return fail(decision.code, decision.details);
    return ok(withIds(decision.events, await applyEvents(tx, decision.events)));
  });
}
