import type { Role } from '../ownership/types.ts';
import type { ActivityRejectionCode } from './codes.ts';
import { TOUCH_FUTURE_SKEW_MS } from './touch.ts';

export const dealStages = ['lead', 'proposal', 'negotiation', 'won', 'lost'] as const;
export type DealStage = (typeof dealStages)[number];
export const openStages: readonly DealStage[] = ['lead', 'proposal', 'negotiation'];

/** The fields of a deal the rules look at (C9). A won deal is an order: it carries signed / due / paid dates. */
export type DealState = {
  stage: DealStage;
  managerId: number;
  lineId: number;
  legalEntityId: number | null;
  title: string;
  amountKopecks: number;
  expectedCloseAt: Date | null;
  wonAt: Date | null;
  lostAt: Date | null;
  lostReason: string | null;
  signedAt: Date | null;
  dueAt: Date | null;
  paidAt: Date | null;
};

/** A requested change; absent = unchanged, null = clear. `wonAt` back-dates a win being recorded now. */
export type DealPatch = Partial<Omit<DealState, 'lostAt'>>;

export type DealEvent =
  | { type: 'DealCreated'; stage: DealStage }
  | { type: 'DealStageChanged'; from: DealStage; to: DealStage }
  | { type: 'DealWon'; wonAt: Date }
  | { type: 'DealLost'; lostAt: Date }
  | { type: 'DealReopened'; from: DealStage; to: DealStage };

export type DealDecision =
  | { kind: 'accepted'; next: DealState; events: DealEvent[] }
  | {
      kind: 'rejected';
      code: ActivityRejectionCode | 'VALIDATION_FAILED' | 'ROLE_NOT_ALLOWED';
      details: Record<string, unknown>;
    };

const orderFields = ['signedAt', 'dueAt', 'paidAt'] as const;
const isClosed = (s: DealStage) => s === 'won' || s === 'lost';

/**
 * Create (deal null) or change a deal.
 * R-DEAL-1 open stages (lead, proposal, negotiation) move freely, and to won or lost.
 * R-DEAL-2 won and lost are final: only a head reopens a closed deal or changes its terms; on a won
 *   deal its manager may still fill the order dates, on a lost one the reason.
 * R-DEAL-3 winning stamps won_at (now, or an earlier wonAt), losing stamps lost_at; order dates
 *   (signed, due, paid) belong to won deals only; signed and paid are not in the future.
 *   Reopening clears the stamps and the order dates.
 * R-DEAL-4 a manager creates deals for themselves and edits their own; a head any; only a head
 *   gives a deal to another manager.
 * R-DEAL-5 money is whole kopecks, never negative.
 */
export function decideDeal(i: {
  now: Date;
  actor: { id: number; role: Role };
  deal: DealState | null;
  patch: DealPatch;
}): DealDecision {
  const { now, actor, deal, patch } = i;
  const isHead = actor.role === 'head';
  const creating = deal === null;
  if (!isHead) {
    if (!creating && deal.managerId !== actor.id)
      return rejected('NOT_DEAL_MANAGER', { managerId: deal.managerId });
    const target = patch.managerId ?? deal?.managerId ?? actor.id;
    if (target !== actor.id)
      return rejected('ROLE_NOT_ALLOWED', {
        field: 'managerId',
        reason: 'only a head of sales gives a deal to another manager',
      });
  }
  if (
    patch.amountKopecks !== undefined &&
    (!Number.isSafeInteger(patch.amountKopecks) || patch.amountKopecks < 0)
  )
    return invalid('body.amountKopecks', 'whole kopecks, not negative');

  const from: DealStage | null = deal?.stage ?? null;
  const to: DealStage = patch.stage ?? from ?? 'lead';
  const base: DealState = deal ?? {
    stage: to,
    managerId: actor.id,
    lineId: 0,
    legalEntityId: null,
    title: '',
    amountKopecks: 0,
    expectedCloseAt: null,
    wonAt: null,
    lostAt: null,
    lostReason: null,
    signedAt: null,
    dueAt: null,
    paidAt: null,
  };

  if (from && isClosed(from) && !isHead) {
    // The manager of a closed deal may fill the order dates (won) or the reason (lost), nothing else.
    const allowed = new Set<string>(from === 'won' ? orderFields : ['lostReason']);
    const changed = (Object.keys(patch) as (keyof DealPatch)[]).filter(
      (k) => patch[k] !== undefined && !sameValue(patch[k], base[k as keyof DealState]),
    );
    const bad = changed.find((k) => !allowed.has(k));
    if (bad) return rejected('DEAL_CLOSED', { stage: from, field: bad });
  }

  const next: DealState = { ...base };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (next as Record<string, unknown>)[k] = v;
  next.stage = to;
  const events: DealEvent[] = [];
  if (creating) events.push({ type: 'DealCreated', stage: to });
  else if (from !== to)
    events.push(
      isClosed(from!)
        ? { type: 'DealReopened', from: from!, to }
        : { type: 'DealStageChanged', from: from!, to },
    );

  // Stamps (R-DEAL-3).
  if (to === 'won') {
    if (from !== 'won' || patch.wonAt) {
      const wonAt = patch.wonAt ?? now;
      if (wonAt.getTime() > now.getTime() + TOUCH_FUTURE_SKEW_MS)
        return invalid('body.wonAt', 'a deal cannot be won in the future');
      next.wonAt = wonAt;
      if (from !== 'won') events.push({ type: 'DealWon', wonAt });
    }
    next.lostAt = null;
    next.lostReason = null;
  } else {
    if (patch.wonAt) return rejected('DEAL_NOT_WON', { field: 'wonAt', stage: to });
    next.wonAt = null;
    for (const f of orderFields) {
      if (patch[f]) return rejected('DEAL_NOT_WON', { field: f, stage: to });
      next[f] = null;
    }
    if (to === 'lost') {
      if (from !== 'lost') {
        next.lostAt = now;
        events.push({ type: 'DealLost', lostAt: now });
      }
    } else {
      if (patch.lostReason) return invalid('body.lostReason', 'only a lost deal has a reason for losing');
      next.lostAt = null;
      next.lostReason = null;
    }
  }
  for (const f of ['signedAt', 'paidAt'] as const) {
    const v = next[f];
    if (patch[f] && v && v.getTime() > now.getTime() + TOUCH_FUTURE_SKEW_MS)
      return invalid(`body.${f}`, 'cannot be in the future');
  }
  return { kind: 'accepted', next, events };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

function rejected(
  code: ActivityRejectionCode | 'ROLE_NOT_ALLOWED',
  details: Record<string, unknown>,
): DealDecision {
  return { kind: 'rejected', code, details };
}
function invalid(path: string, message: string): DealDecision {
  return { kind: 'rejected', code: 'VALIDATION_FAILED', details: { issues: [{ path, message }] } };
}
