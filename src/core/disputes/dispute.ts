import type { Policy } from '../policy/policy.ts';

/**
 * Disputes (C11) and credit splits (C12) as pure rules. A dispute asks: manager B (the claimant)
 * won an order or held a meeting with a client that manager A (the owner) holds — who keeps the
 * client, and who gets the credit? The evidence is frozen when the dispute opens; the rules of the
 * policy version of that moment decide (R-DISP-*), or a head does.
 */

export type TouchFact = { at: string; kind: string; outcome: string | null; direction: string };

export type DisputeEvidence = {
  openedAt: string;
  policyVersion: number;
  trigger: 'won_deal' | 'meeting' | 'manual';
  deal: { id: number; title: string; amountKopecks: number; wonAt: string | null } | null;
  owner: {
    id: number;
    name: string;
    since: string;
    /** The owner's touches with the client (newest first, at most 50) and its contacts. */
    touches: TouchFact[];
    touchCount: number;
    lastQualifyingTouchAt: string | null;
    /** ISO weeks (of the last `planWeeks`) whose plan of the owner listed the client. */
    plannedWeeks: string[];
    newcomerProtected: boolean;
  };
  claimant: { id: number; name: string; touches: TouchFact[]; touchCount: number };
  protection: { until: string | null; active: boolean };
  /** Who entered each identifier of the client, and when (legal entities, brands, contacts, phones). */
  identifiers: {
    kind: string;
    value: string;
    createdBy: number | null;
    createdByName: string | null;
    createdAt: string;
  }[];
};

/** Credit shares in basis points (10,000 = 100 %). */
export type Share = { managerId: number; role: 'originator' | 'closer' | 'helper'; bps: number };

export type Resolution =
  | { kind: 'keep'; shares: Share[] }
  | { kind: 'transfer'; shares: Share[] }
  | { kind: 'split'; shares: Share[] };

export type AutoVerdict =
  | { resolution: Resolution; rule: string; why: string }
  | { resolution: null; rule: string; why: string };

const DAY = 86_400_000;

/**
 * R-CREDIT-2: the originator/closer split of a contested order, from `splits.byContribution`.
 * There is no helper in a two-person dispute, so the helper's share goes to the closer
 * (balanced 30/60/10 → owner 30 %, claimant 70 %).
 */
export function contributionSplit(policy: Policy, ownerId: number, claimantId: number): Share[] {
  const c = policy.splits.byContribution;
  const originator = c.originator * 100;
  return [
    { managerId: ownerId, role: 'originator', bps: originator },
    { managerId: claimantId, role: 'closer', bps: 10_000 - originator },
  ];
}

/**
 * R-DISP-3: automatic resolution by the policy (per preset, docs/rules.md):
 * - a newcomer-protected client always stays with its owner (R-DISP-4), credit split;
 * - owner_keeps («Команда»): the client stays, credit split by contribution;
 * - idle_owner_loses («Баланс»): an owner with no qualifying touch in `autoTransferIfOwnerIdleDays` days
 *   and the client in none of their plans for `planWeeks` weeks loses it, 100 % credit to the claimant;
 *   an active owner keeps it, credit split by contribution;
 * - closer_wins («Конкуренция»): the client and 100 % of the credit go to the claimant;
 * - head_decides, and every dispute opened by hand: a head decides (null).
 */
export function autoResolve(policy: Policy, e: DisputeEvidence, now: Date): AutoVerdict {
  const ownerId = e.owner.id;
  const claimantId = e.claimant.id;
  const mode = policy.disputes.autoResolution;
  const all = (id: number): Share[] => [{ managerId: id, role: 'closer', bps: 10_000 }];
  if (e.trigger === 'manual' || mode === 'head_decides') {
    return {
      resolution: null,
      rule: 'R-DISP-5',
      why: e.trigger === 'manual' ? 'opened by hand' : 'the policy leaves it to a head',
    };
  }
  const split = contributionSplit(policy, ownerId, claimantId);
  if (e.owner.newcomerProtected) {
    return {
      resolution: { kind: 'keep', shares: split },
      rule: 'R-DISP-4',
      why: 'the owner is a protected newcomer',
    };
  }
  if (mode === 'owner_keeps') {
    return {
      resolution: { kind: 'keep', shares: split },
      rule: 'R-DISP-3',
      why: 'the policy keeps clients with their owners',
    };
  }
  if (mode === 'closer_wins') {
    return {
      resolution: { kind: 'transfer', shares: all(claimantId) },
      rule: 'R-DISP-3',
      why: 'the policy gives the client to the one who closed',
    };
  }
  const idleDays = policy.disputes.autoTransferIfOwnerIdleDays;
  const lastQ = e.owner.lastQualifyingTouchAt ? new Date(e.owner.lastQualifyingTouchAt).getTime() : null;
  const idle = idleDays > 0 && (lastQ === null || now.getTime() - lastQ >= idleDays * DAY);
  const unplanned = e.owner.plannedWeeks.length === 0;
  if (idle && unplanned) {
    return {
      resolution: { kind: 'transfer', shares: all(claimantId) },
      rule: 'R-DISP-3',
      why: `the owner had no meeting or reached call in ${idleDays} days and the client was in none of their plans for ${policy.disputes.planWeeks} weeks`,
    };
  }
  return {
    resolution: { kind: 'keep', shares: split },
    rule: 'R-DISP-3',
    why: idle ? 'the client was in the owner’s weekly plans' : 'the owner was working the client',
  };
}

export type HeadDecision = {
  resolution: 'keep' | 'transfer' | 'split';
  /** For `split`: the owner's share in basis points (the claimant gets the rest). */
  ownerBps?: number | undefined;
  /** Who keeps the client on `split` (default: the owner). */
  clientTo?: 'owner' | 'claimant' | undefined;
  comment: string;
};

export type HeadVerdict =
  | { ok: true; resolution: Resolution; clientTo: 'owner' | 'claimant' }
  | { ok: false; field: string; message: string };

/** R-DISP-5: a head's decision: keep (credit to the owner), transfer (client and credit to the claimant), split. */
export function decideByHead(e: DisputeEvidence, d: HeadDecision): HeadVerdict {
  if (!d.comment.trim()) return { ok: false, field: 'comment', message: 'a comment is required' };
  const { id: ownerId } = e.owner;
  const { id: claimantId } = e.claimant;
  if (d.resolution === 'keep') {
    return {
      ok: true,
      clientTo: 'owner',
      resolution: { kind: 'keep', shares: [{ managerId: ownerId, role: 'closer', bps: 10_000 }] },
    };
  }
  if (d.resolution === 'transfer') {
    return {
      ok: true,
      clientTo: 'claimant',
      resolution: { kind: 'transfer', shares: [{ managerId: claimantId, role: 'closer', bps: 10_000 }] },
    };
  }
  if (d.ownerBps === undefined || !Number.isInteger(d.ownerBps) || d.ownerBps < 0 || d.ownerBps > 10_000) {
    return {
      ok: false,
      field: 'ownerBps',
      message: 'a share in basis points from 0 to 10000 is required for a split',
    };
  }
  const shares: Share[] = [
    { managerId: ownerId, role: 'originator', bps: d.ownerBps },
    { managerId: claimantId, role: 'closer', bps: 10_000 - d.ownerBps },
  ].filter((s) => s.bps > 0) as Share[];
  const clientTo = d.clientTo ?? 'owner';
  return { ok: true, clientTo, resolution: { kind: 'split', shares } };
}

/**
 * R-CREDIT-1: money by shares, to the kopeck: each gets floor(amount × bps / 10000) and the kopecks
 * left over go one by one to the largest shares (ties: the earlier share), so the parts always sum
 * to the amount exactly.
 */
export function allocate(amountKopecks: number, shares: Share[]): number[] {
  const total = shares.reduce((s, x) => s + x.bps, 0);
  if (total !== 10_000) throw new Error(`shares sum to ${total} bps, not 10000`);
  const parts = shares.map((s) => Math.floor((amountKopecks * s.bps) / 10_000));
  let left = amountKopecks - parts.reduce((a, b) => a + b, 0);
  const order = shares.map((s, i) => ({ i, bps: s.bps })).sort((a, b) => b.bps - a.bps || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k]!.i]! += 1;
  return parts;
}

/** R-DISP-6: the decision deadline in working days (Monday to Friday) after the opening. */
export function decisionDeadline(openedAt: Date, workingDays: number): Date {
  const d = new Date(openedAt);
  let left = workingDays;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const dow = d.getUTCDay();
    if (dow !== 0 && dow !== 6) left--;
  }
  return d;
}
