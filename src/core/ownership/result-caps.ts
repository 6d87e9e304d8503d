import type { Policy } from '../policy/policy.ts';
import { addDays, effectiveCap } from './decide.ts';
import type { ManagerSnapshot } from './types.ts';

/**
 * Result-based caps (C7): the base grows for those who sell. Pure rules; the app reads the
 * credited results and stores the verdict (users.cap_override, cap_reviews).
 */

/** A manager's results over the policy window (R-TIER-1). */
export type Results = { revenueKopecks: number; orders: number };

/**
 * R-TIER-1: the tier is the highest one whose threshold the manager reaches, on the policy's
 * metric (credited revenue, or the number of won orders) over the last `windowDays`. Tiers are
 * sorted by threshold here, so their order in the document does not matter. With no tier reached
 * (or none defined) the default cap applies.
 */
export function tierFor(policy: Policy, results: Results): { cap: number; tier: number | null } {
  const metric = policy.resultCaps.metric;
  const tiers = policy.resultCaps.tiers
    .map((t, index) => ({ ...t, index, threshold: metric === 'revenue' ? t.minRevenueKopecks : t.minOrders }))
    .sort((a, b) => a.threshold - b.threshold);
  const value = metric === 'revenue' ? results.revenueKopecks : results.orders;
  let hit: (typeof tiers)[number] | undefined;
  for (const t of tiers) if (value >= t.threshold) hit = t;
  return hit ? { cap: hit.cap, tier: hit.index } : { cap: policy.caps.defaultCap, tier: null };
}

export type CapReview = {
  managerId: number;
  oldCap: number;
  newCap: number;
  tier: number | null;
  results: Results;
  /** The cap now in force (newcomer cap if higher, R-NEW-1), and the base it is compared with. */
  effectiveCap: number;
  baseCount: number;
  /** R-TIER-2: when the base exceeds the new cap, the manager must release the surplus by then. */
  releaseDeadline: Date | null;
};

/**
 * R-TIER-2: a review sets the manager's personal cap to the tier's cap. When the cap in force is
 * then below the base, the manager has `releaseDeadlineDays` to give back the surplus (they are
 * notified); a deadline already running is kept, not restarted. Nothing is taken at review time.
 */
export function reviewCap(
  policy: Policy,
  manager: Pick<ManagerSnapshot, 'id' | 'hiredAt' | 'capOverride'>,
  input: { results: Results; baseCount: number; now: Date; currentDeadline: Date | null },
): CapReview {
  const { cap: newCap, tier } = tierFor(policy, input.results);
  const oldCap = effectiveCap(policy, manager, input.now).cap;
  const eff = effectiveCap(policy, { ...manager, capOverride: newCap }, input.now).cap;
  const over = input.baseCount > eff;
  return {
    managerId: manager.id,
    oldCap,
    newCap,
    tier,
    results: input.results,
    effectiveCap: eff,
    baseCount: input.baseCount,
    releaseDeadline: over
      ? (input.currentDeadline ?? addDays(input.now, policy.resultCaps.releaseDeadlineDays))
      : null,
  };
}
