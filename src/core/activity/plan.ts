import type { Role } from '../ownership/types.ts';
import type { ActivityRejectionCode } from './codes.ts';

export type PlanItemCandidate = {
  clientId: number;
  /** The plan's manager owns the client in some line. */
  own: boolean;
  /** The client is in the pool in some line. */
  pool: boolean;
};

export type PlanDecision =
  | { kind: 'accepted' }
  | { kind: 'rejected'; code: ActivityRejectionCode | 'VALIDATION_FAILED'; details: Record<string, unknown> };

/**
 * May this weekly plan be saved (C13)?
 * R-PLAN-1 a manager edits only their own plan; a head edits anyone's.
 * R-PLAN-2 a week that is over is history: read-only, except for a head.
 * R-PLAN-3 a plan lists the manager's own clients or pool clients, each once.
 */
export function decidePlanEdit(i: {
  now: Date;
  actor: { id: number; role: Role };
  managerId: number;
  isoWeek: string;
  weekEnd: Date;
  items: PlanItemCandidate[];
}): PlanDecision {
  const isHead = i.actor.role === 'head';
  if (!isHead && i.actor.id !== i.managerId)
    return { kind: 'rejected', code: 'NOT_PLAN_OWNER', details: { managerId: i.managerId } };
  if (!isHead && i.weekEnd.getTime() <= i.now.getTime())
    return { kind: 'rejected', code: 'PLAN_WEEK_CLOSED', details: { isoWeek: i.isoWeek } };
  const seen = new Set<number>();
  for (const [idx, item] of i.items.entries()) {
    if (seen.has(item.clientId))
      return {
        kind: 'rejected',
        code: 'VALIDATION_FAILED',
        details: {
          issues: [{ path: `body.items.${idx}.clientId`, message: 'the client is already in the plan' }],
        },
      };
    seen.add(item.clientId);
    if (!item.own && !item.pool)
      return {
        kind: 'rejected',
        code: 'PLAN_CLIENT_NOT_AVAILABLE',
        details: { clientId: item.clientId, field: `items.${idx}.clientId` },
      };
  }
  return { kind: 'accepted' };
}
