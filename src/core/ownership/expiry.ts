import type { Policy } from '../policy/policy.ts';
import { addDays } from './decide.ts';
import {
  type Actor,
  actorLabel,
  type Decision,
  type OwnershipEvent,
  type OwnershipSlot,
  type PolicyRef,
  type ReasonCode,
  reject,
} from './types.ts';

/**
 * Expiry to the pool (C10) and the surplus release after a cap shrinks (C7), as pure rules.
 * The sweep (app/sweep.ts) selects candidates in SQL and asks these functions for the verdict,
 * so the database query only ever narrows the set; the core decides and explains.
 */

/** What the sweep knows about one owned slot. */
export type ExpiryFacts = {
  slot: OwnershipSlot & { ownerId: number };
  /** When the current owner got the client (ownership.since). */
  since: Date;
  /** The owner's last qualifying touch (policy.expiry.qualifyingOutcomes) since `since`; null if none. */
  lastQualifyingTouchAt: Date | null;
  /** The first won deal on this client in this line since `since`; null if none. */
  firstWonDealAt: Date | null;
  /** A head's extension (R-EXP-4); null if none. */
  extendedUntil: Date | null;
};

export type ExpiryVerdict = {
  /** When the client goes back to the pool; null = never (expiry off). */
  expiresAt: Date | null;
  /** The rule that sets `expiresAt`. */
  rule: 'R-EXP-1' | 'R-EXP-2' | null;
  /** What postponed the date beyond the rule's own deadline, if anything. */
  heldBy: 'protection' | 'extension' | null;
};

/**
 * R-EXP-1: no qualifying touch by the owner for `noTouchDays` (counted from the later of the
 * claim and the last qualifying touch). R-EXP-2: no won deal within `noOrderDays` after the
 * claim (once an order is won, R-EXP-2 is satisfied for this ownership). The earlier deadline
 * wins. R-EXP-3: a protected client (claim or newcomer protection, R-PROT-1, R-NEW-2) does not
 * expire before its protection ends. R-EXP-4: a head's extension postpones it to the extension date.
 */
export function expiryOf(policy: Policy, facts: ExpiryFacts): ExpiryVerdict {
  if (!policy.expiry.enabled) return { expiresAt: null, rule: null, heldBy: null };
  const touchBase =
    facts.lastQualifyingTouchAt && facts.lastQualifyingTouchAt > facts.since
      ? facts.lastQualifyingTouchAt
      : facts.since;
  let expiresAt = addDays(touchBase, policy.expiry.noTouchDays);
  let rule: ExpiryVerdict['rule'] = 'R-EXP-1';
  if (facts.firstWonDealAt === null) {
    const orderDeadline = addDays(facts.since, policy.expiry.noOrderDays);
    if (orderDeadline < expiresAt) {
      expiresAt = orderDeadline;
      rule = 'R-EXP-2';
    }
  }
  let heldBy: ExpiryVerdict['heldBy'] = null;
  const protectedUntil = facts.slot.protectedUntil;
  if (protectedUntil && protectedUntil > expiresAt) {
    expiresAt = protectedUntil;
    heldBy = 'protection';
  }
  if (facts.extendedUntil && facts.extendedUntil > expiresAt) {
    expiresAt = facts.extendedUntil;
    heldBy = 'extension';
  }
  return { expiresAt, rule, heldBy };
}

/** Whole days left until `expiresAt` (rounded up; 0 or less = due). */
export function daysLeft(expiresAt: Date, now: Date): number {
  return Math.ceil((expiresAt.getTime() - now.getTime()) / 86_400_000);
}

export type ExpiryWarning = {
  /** The warning step (days before expiry) this notice belongs to. */
  daysBefore: number;
  /** Stable key so that a second sweep at the same instant sends nothing twice. */
  dedupeKey: string;
};

/**
 * R-EXP-5: the owner is warned `warnDaysBefore` days ahead (14, 7, 1 by default). Only the
 * nearest step that has been reached is due, so a client found 3 days before expiry gets the
 * 7-day warning once, not the 14-day one as well. The key includes the expiry date: when a touch
 * moves the date, the warnings start over.
 */
export function warningDue(policy: Policy, facts: ExpiryFacts, now: Date): ExpiryWarning | null {
  const { expiresAt } = expiryOf(policy, facts);
  if (!expiresAt || expiresAt <= now) return null;
  const reached = [...policy.expiry.warnDaysBefore]
    .sort((a, b) => a - b)
    .find((d) => addDays(expiresAt, -d) <= now);
  if (reached === undefined) return null;
  return {
    daysBefore: reached,
    dedupeKey: `expiry:${facts.slot.clientId}:${facts.slot.lineId}:${expiresAt.toISOString().slice(0, 10)}:${reached}`,
  };
}

type SweepBase = { policy: PolicyRef; now: Date; actor: Actor };

function toPool(
  base: SweepBase,
  slot: OwnershipSlot,
  reasonCode: ReasonCode,
  rule: string,
  details: Record<string, unknown>,
): OwnershipEvent {
  return {
    type: 'ClientExpired',
    clientId: slot.clientId,
    lineId: slot.lineId,
    fromManagerId: slot.ownerId,
    toManagerId: null,
    actor: actorLabel(base.actor),
    reasonCode,
    rule,
    policyVersion: base.policy.version,
    occurredAt: base.now,
    protectedUntil: null,
    details,
  };
}

/** The expiry decision for one slot: an event when it is due, else null (the sweep skips it). */
export function decideExpiry(base: SweepBase, facts: ExpiryFacts): OwnershipEvent | null {
  const verdict = expiryOf(base.policy.policy, facts);
  if (!verdict.expiresAt || verdict.expiresAt > base.now || !verdict.rule) return null;
  const p = base.policy.policy.expiry;
  return toPool(
    base,
    facts.slot,
    verdict.rule === 'R-EXP-1' ? 'EXPIRED_NO_TOUCH' : 'EXPIRED_NO_ORDER',
    verdict.rule,
    verdict.rule === 'R-EXP-1'
      ? {
          noTouchDays: p.noTouchDays,
          lastQualifyingTouchAt: facts.lastQualifyingTouchAt?.toISOString() ?? null,
          ownerSince: facts.since.toISOString(),
        }
      : { noOrderDays: p.noOrderDays, ownerSince: facts.since.toISOString() },
  );
}

/** One client of a manager's base, as the surplus release sees it. */
export type SurplusCandidate = {
  slot: OwnershipSlot & { ownerId: number };
  /** The owner's last touch of any kind; null if never. */
  lastTouchAt: Date | null;
  since: Date;
};

/**
 * R-TIER-3: after the release deadline, a base still over its (shrunk) cap loses its surplus:
 * the least recently touched unprotected clients (never touched first, then the oldest touch;
 * ties by the earlier claim, then client id), each with reason `CAP_SURPLUS_RELEASED`.
 * Protected clients are never taken; if too few are unprotected, fewer are released.
 */
export function decideSurplusRelease(
  base: SweepBase,
  input: { cap: number; baseCount: number; candidates: SurplusCandidate[]; deadline: Date },
): OwnershipEvent[] {
  const surplus = input.baseCount - input.cap;
  if (surplus <= 0 || input.deadline > base.now) return [];
  const now = base.now.getTime();
  const free = input.candidates
    .filter((c) => !(c.slot.protectedUntil && c.slot.protectedUntil.getTime() > now))
    .sort(
      (a, b) =>
        (a.lastTouchAt?.getTime() ?? -Infinity) - (b.lastTouchAt?.getTime() ?? -Infinity) ||
        a.since.getTime() - b.since.getTime() ||
        a.slot.clientId - b.slot.clientId,
    );
  return free.slice(0, surplus).map((c) =>
    toPool(base, c.slot, 'CAP_SURPLUS_RELEASED', 'R-TIER-3', {
      cap: input.cap,
      baseCount: input.baseCount,
      deadline: input.deadline.toISOString(),
      lastTouchAt: c.lastTouchAt?.toISOString() ?? null,
    }),
  );
}

export type ExtendInput = SweepBase & {
  slots: OwnershipSlot[];
  until: Date;
  reason: string | null;
};

/**
 * R-EXP-4: a head may postpone one client's expiry to a later date, with a reason; logged in the
 * ledger (the owner and their protection stay). Only an owned client can be extended, and only forward.
 */
export function decideExtend(input: ExtendInput): Decision {
  const { actor, slots, now, until } = input;
  if (actor.kind !== 'user' || actor.role !== 'head')
    return reject('ROLE_NOT_ALLOWED', { role: actor.kind === 'user' ? actor.role : 'system' });
  const reason = input.reason?.trim() || null;
  if (!reason) return reject('REASON_REQUIRED', { field: 'reason' });
  const owned = slots.filter((s) => s.ownerId !== null);
  if (owned.length === 0) return reject('CLIENT_IN_POOL', { clientId: slots[0]?.clientId });
  if (until <= now) return reject('EXTENSION_NOT_LATER', { field: 'until', until: until.toISOString() });
  return {
    kind: 'accepted',
    events: owned.map((slot) => ({
      type: 'ExpiryExtended',
      clientId: slot.clientId,
      lineId: slot.lineId,
      fromManagerId: slot.ownerId,
      toManagerId: slot.ownerId,
      actor: actorLabel(actor),
      reasonCode: 'EXTENDED_BY_HEAD',
      rule: 'R-EXP-4',
      policyVersion: input.policy.version,
      occurredAt: now,
      protectedUntil: slot.protectedUntil,
      details: { until: until.toISOString(), reason },
    })),
  };
}
