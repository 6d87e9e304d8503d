import type { Policy } from '../policy/policy.ts';
import {
  type Actor,
  actorLabel,
  type Decision,
  type ManagerSnapshot,
  type OwnershipEvent,
  type OwnershipSlot,
  type PolicyRef,
  type ReasonCode,
  type Rejection,
  reject,
} from './types.ts';

const DAY_MS = 86_400_000;

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}

/** R-NEW-1: a manager is a newcomer for the policy's first N days after hire. */
export function isNewcomer(policy: Policy, manager: Pick<ManagerSnapshot, 'hiredAt'>, now: Date): boolean {
  return policy.newcomer.enabled && now.getTime() < addDays(manager.hiredAt, policy.newcomer.days).getTime();
}

export type CapSource = 'policy' | 'newcomer' | 'override';

/**
 * R-CAP-1: the cap is the policy's default; a newcomer's is the newcomer cap (R-NEW-1);
 * a per-manager override (result tiers, C7) wins over the default but never lowers a newcomer's cap.
 */
export function effectiveCap(
  policy: Policy,
  manager: Pick<ManagerSnapshot, 'hiredAt' | 'capOverride'>,
  now: Date,
): { cap: number; source: CapSource } {
  if (isNewcomer(policy, manager, now)) {
    const cap = Math.max(policy.newcomer.cap, manager.capOverride ?? 0);
    return { cap, source: 'newcomer' };
  }
  if (manager.capOverride !== null) return { cap: manager.capOverride, source: 'override' };
  return { cap: policy.caps.defaultCap, source: 'policy' };
}

/** R-PROT-1 / R-NEW-2: how long a fresh claim is protected. */
export function protectionUntil(
  policy: Policy,
  manager: Pick<ManagerSnapshot, 'hiredAt'>,
  now: Date,
): Date | null {
  let until: Date | null = policy.claimProtectionDays > 0 ? addDays(now, policy.claimProtectionDays) : null;
  if (isNewcomer(policy, manager, now) && policy.newcomer.protectClients) {
    const newcomerEnd = addDays(manager.hiredAt, policy.newcomer.days);
    if (!until || newcomerEnd > until) until = newcomerEnd;
  }
  return until;
}

function isProtected(slot: OwnershipSlot, now: Date): boolean {
  return slot.protectedUntil !== null && slot.protectedUntil.getTime() > now.getTime();
}

/** R-OWN-1: only active managers and heads can own clients. */
function checkCanOwn(manager: ManagerSnapshot): Rejection | null {
  if (manager.role === 'admin') return reject('USER_CANNOT_OWN', { userId: manager.id, role: manager.role });
  if (manager.status !== 'active')
    return reject('USER_NOT_ACTIVE', { userId: manager.id, status: manager.status });
  return null;
}

type EventBase = { policy: PolicyRef; now: Date; actor: Actor };

function event(
  base: EventBase,
  slot: OwnershipSlot,
  fields: Pick<OwnershipEvent, 'type' | 'toManagerId' | 'reasonCode' | 'rule' | 'protectedUntil'> & {
    details?: Record<string, unknown>;
  },
): OwnershipEvent {
  return {
    type: fields.type,
    clientId: slot.clientId,
    lineId: slot.lineId,
    fromManagerId: slot.ownerId,
    toManagerId: fields.toManagerId,
    actor: actorLabel(base.actor),
    reasonCode: fields.reasonCode,
    rule: fields.rule,
    policyVersion: base.policy.version,
    occurredAt: base.now,
    protectedUntil: fields.protectedUntil,
    details: fields.details ?? {},
  };
}

export type ClaimInput = EventBase & {
  manager: ManagerSnapshot;
  /** The slots this claim takes: one line, or every line when the policy has one owner for all lines. */
  slots: OwnershipSlot[];
  /** Clients the manager owns now in the counted scope (the line, or any line in single-owner mode). */
  baseCount: number;
  /** When this manager last gave this client back to the pool (release, swap, expiry); null if never. */
  lastReleasedAt: Date | null;
  reasonCode?: Extract<ReasonCode, 'CLAIMED_FROM_POOL' | 'CREATED_BY_OWNER' | 'SWAP_CLAIM'>;
  /** Claims counted as already leaving the base in the same transaction (swap). */
  releasingCount?: number;
};

/**
 * R-CLAIM-1 claim a pool client under the cap; R-CLAIM-2 an owned client cannot be claimed (lock);
 * R-CLAIM-3 the actor claims for themself; R-CLAIM-4 re-claim cooldown; R-CAP-1 cap.
 */
export function decideClaim(input: ClaimInput): Decision {
  const { policy, now, actor, manager, slots } = input;
  if (actor.kind !== 'user' || actor.id !== manager.id) {
    return reject('ROLE_NOT_ALLOWED', { action: 'claim', reason: 'a manager claims for themself' });
  }
  const cannot = checkCanOwn(manager);
  if (cannot) return cannot;
  const other = slots.find((s) => s.ownerId !== null && s.ownerId !== manager.id);
  if (other)
    return reject('CLIENT_OWNED_BY_OTHER', {
      clientId: other.clientId,
      lineId: other.lineId,
      ownerId: other.ownerId,
    });
  const open = slots.filter((s) => s.ownerId === null);
  if (open.length === 0) return reject('ALREADY_OWNER', { clientId: slots[0]?.clientId });
  if (input.lastReleasedAt && policy.policy.reclaimCooldownDays > 0) {
    const until = addDays(input.lastReleasedAt, policy.policy.reclaimCooldownDays);
    if (now < until) {
      return reject('RECLAIM_COOLDOWN', {
        until: until.toISOString(),
        days: policy.policy.reclaimCooldownDays,
      });
    }
  }
  // A client half-owned (single-owner mode, some lines already mine) adds nothing to the count.
  const adds = open.length === slots.length ? 1 : 0;
  const { cap, source } = effectiveCap(policy.policy, manager, now);
  const after = input.baseCount - (input.releasingCount ?? 0) + adds;
  // Completing a client I already hold in other lines does not grow the base, so a shrunk cap cannot block it.
  if (adds > 0 && after > cap)
    return reject('CAP_REACHED', { cap, count: input.baseCount, capSource: source });
  const until = protectionUntil(policy.policy, manager, now);
  return {
    kind: 'accepted',
    events: open.map((slot) =>
      event(input, slot, {
        type: 'ClientClaimed',
        toManagerId: manager.id,
        reasonCode: input.reasonCode ?? 'CLAIMED_FROM_POOL',
        rule: 'R-CLAIM-1',
        protectedUntil: until,
        details: { cap, countBefore: input.baseCount, capSource: source },
      }),
    ),
  };
}

export type ReleaseInput = EventBase & {
  slots: OwnershipSlot[];
  reason?: string | null;
  overrideProtection?: boolean;
  reasonCode?: Extract<ReasonCode, 'SWAP_RELEASE'>;
};

/**
 * R-REL-1 the owner releases to the pool; R-REL-2 a head may release anyone's client with a reason,
 * and over its protection only with an explicit override (R-PROT-2); R-LOCK-1 nobody else may.
 */
export function decideRelease(input: ReleaseInput): Decision {
  const { actor, slots, now } = input;
  const owned = slots.filter((s) => s.ownerId !== null);
  if (owned.length === 0) return reject('CLIENT_IN_POOL', { clientId: slots[0]?.clientId });
  const isOwner = actor.kind === 'user' && owned.every((s) => s.ownerId === actor.id);
  const reason = input.reason?.trim() || null;
  if (!isOwner) {
    if (actor.kind !== 'user' || actor.role !== 'head') {
      return reject('NOT_OWNER', { clientId: owned[0]!.clientId, ownerId: owned[0]!.ownerId });
    }
    if (!reason) return reject('REASON_REQUIRED', { field: 'reason' });
    const prot = owned.find((s) => isProtected(s, now));
    if (prot && !input.overrideProtection) {
      return reject('CLIENT_PROTECTED', {
        until: prot.protectedUntil!.toISOString(),
        field: 'overrideProtection',
      });
    }
  }
  return {
    kind: 'accepted',
    events: owned.map((slot) =>
      event(input, slot, {
        type: 'ClientReleased',
        toManagerId: null,
        reasonCode: input.reasonCode ?? (isOwner ? 'RELEASED_BY_OWNER' : 'RELEASED_BY_HEAD'),
        rule: isOwner ? 'R-REL-1' : 'R-REL-2',
        protectedUntil: null,
        details: {
          ...(reason ? { reason } : {}),
          ...(!isOwner && isProtected(slot, now) ? { protectionOverridden: true } : {}),
        },
      }),
    ),
  };
}

export type SwapInput = Omit<ClaimInput, 'reasonCode' | 'releasingCount'> & { releaseSlots: OwnershipSlot[] };

/** R-SWAP-1: release X and claim Y at once; both or neither. The released client makes room for the claim. */
export function decideSwap(input: SwapInput): Decision {
  const { releaseSlots, slots, actor } = input;
  if (actor.kind !== 'user' || actor.id !== input.manager.id) {
    return reject('ROLE_NOT_ALLOWED', { action: 'swap', reason: 'a manager swaps in their own base' });
  }
  if (releaseSlots[0]?.clientId === slots[0]?.clientId) {
    return reject('SWAP_SAME_CLIENT', { clientId: slots[0]?.clientId });
  }
  if (!releaseSlots.every((s) => s.ownerId === input.manager.id)) {
    const s = releaseSlots.find((x) => x.ownerId !== input.manager.id);
    return s?.ownerId === null
      ? reject('CLIENT_IN_POOL', { clientId: s.clientId, field: 'releaseClientId' })
      : reject('NOT_OWNER', { clientId: s?.clientId, field: 'releaseClientId' });
  }
  const release = decideRelease({ ...input, slots: releaseSlots, reasonCode: 'SWAP_RELEASE' });
  if (release.kind === 'rejected') return release;
  const claim = decideClaim({ ...input, reasonCode: 'SWAP_CLAIM', releasingCount: 1 });
  if (claim.kind === 'rejected') return claim;
  const swap = { swappedOut: releaseSlots[0]!.clientId, swappedIn: slots[0]!.clientId };
  const tag = (e: OwnershipEvent, rule: string): OwnershipEvent => ({
    ...e,
    rule,
    details: { ...e.details, ...swap },
  });
  return {
    kind: 'accepted',
    events: [
      ...release.events.map((e) => tag(e, 'R-SWAP-1')),
      ...claim.events.map((e) => tag(e, 'R-SWAP-1')),
    ],
  };
}

export type TransferInput = EventBase & {
  target: ManagerSnapshot;
  slots: OwnershipSlot[];
  targetBaseCount: number;
  reason: string | null | undefined;
  overrideProtection?: boolean;
};

/**
 * R-XFER-1: a head moves a client from anyone (or the pool) to a manager, with a reason;
 * R-XFER-2: over the target's cap only if the policy allows; R-PROT-2: over protection only with override.
 */
export function decideTransfer(input: TransferInput): Decision {
  const { actor, target, slots, now, policy } = input;
  if (actor.kind !== 'user' || actor.role !== 'head')
    return reject('ROLE_NOT_ALLOWED', { action: 'transfer' });
  const reason = input.reason?.trim() || null;
  if (!reason) return reject('REASON_REQUIRED', { field: 'reason' });
  const cannot = checkCanOwn(target);
  if (cannot) return { ...cannot, details: { ...cannot.details, field: 'toManagerId' } };
  const moving = slots.filter((s) => s.ownerId !== target.id);
  if (moving.length === 0)
    return reject('TRANSFER_SAME_OWNER', { clientId: slots[0]?.clientId, ownerId: target.id });
  const prot = moving.find((s) => s.ownerId !== null && isProtected(s, now));
  if (prot && !input.overrideProtection) {
    return reject('CLIENT_PROTECTED', {
      until: prot.protectedUntil!.toISOString(),
      field: 'overrideProtection',
    });
  }
  const adds = moving.length === slots.length ? 1 : 0;
  const { cap, source } = effectiveCap(policy.policy, target, now);
  const overCap = adds > 0 && input.targetBaseCount + adds > cap;
  if (overCap && !policy.policy.caps.headTransferMayExceedCap) {
    return reject('CAP_REACHED', {
      cap,
      count: input.targetBaseCount,
      capSource: source,
      field: 'toManagerId',
    });
  }
  const until = protectionUntil(policy.policy, target, now);
  return {
    kind: 'accepted',
    events: moving.map((slot) =>
      event(input, slot, {
        type: 'OwnershipTransferred',
        toManagerId: target.id,
        reasonCode: 'HEAD_TRANSFER',
        rule: overCap ? 'R-XFER-2' : 'R-XFER-1',
        protectedUntil: until,
        details: {
          reason,
          cap,
          countBefore: input.targetBaseCount,
          ...(overCap ? { overCap: true } : {}),
          ...(slot.ownerId !== null && isProtected(slot, now) ? { protectionOverridden: true } : {}),
        },
      }),
    ),
  };
}

/** R-LEDGER-1: the current owner of every (client, line) is the fold of the ledger. */
export type OwnershipState = Map<string, { ownerId: number | null; protectedUntil: Date | null }>;

export function slotKey(clientId: number, lineId: number): string {
  return `${clientId}:${lineId}`;
}

export function evolveOwnership(
  state: OwnershipState,
  e: Pick<OwnershipEvent, 'clientId' | 'lineId' | 'toManagerId' | 'protectedUntil'>,
): OwnershipState {
  state.set(slotKey(e.clientId, e.lineId), { ownerId: e.toManagerId, protectedUntil: e.protectedUntil });
  return state;
}

export function foldLedger(
  events: Iterable<Pick<OwnershipEvent, 'clientId' | 'lineId' | 'toManagerId' | 'protectedUntil'>>,
): OwnershipState {
  const state: OwnershipState = new Map();
  for (const e of events) evolveOwnership(state, e);
  return state;
}

export type MergeInput = EventBase & {
  /** The slots of the surviving client and of the one merged into it, per line (same line order). */
  survivor: OwnershipSlot[];
  other: OwnershipSlot[];
  /** The head's choice of owner for every line (a manager owning one of the two, or null for the pool); undefined = the rule. */
  chosenOwnerId?: number | null | undefined;
};

/**
 * R-MERGE-1: merging two clients (a head's act) leaves one client owned by one of their owners:
 * the head's choice, else the survivor's owner, else the other's. Neither base grows (the merged
 * client leaves its owner's base as the survivor arrives), so no cap is checked. Both clients get a
 * ClientsMerged event in every line, so the ledger tells what happened to each.
 */
export function decideMerge(input: MergeInput): Decision {
  const { actor, survivor, other, chosenOwnerId } = input;
  if (actor.kind !== 'user' || actor.role !== 'head') return reject('ROLE_NOT_ALLOWED', { action: 'merge' });
  if (survivor[0]?.clientId === other[0]?.clientId)
    return reject('MERGE_SAME_CLIENT', { field: 'otherClientId' });
  const events: OwnershipEvent[] = [];
  for (const s of survivor) {
    const o = other.find((x) => x.lineId === s.lineId);
    if (!o) continue;
    let owner: number | null;
    if (chosenOwnerId !== undefined) {
      if (chosenOwnerId !== null && chosenOwnerId !== s.ownerId && chosenOwnerId !== o.ownerId) {
        return reject('MERGE_OWNER_NOT_INVOLVED', { field: 'ownerId', ownerId: chosenOwnerId });
      }
      owner = chosenOwnerId;
    } else owner = s.ownerId ?? o.ownerId;
    const keepProtection =
      owner === s.ownerId ? s.protectedUntil : owner === o.ownerId ? o.protectedUntil : null;
    const details = {
      survivorId: s.clientId,
      mergedId: o.clientId,
      ownerChosenBy: chosenOwnerId !== undefined ? 'head' : 'rule',
    };
    events.push(
      event(input, o, {
        type: 'ClientsMerged',
        toManagerId: null,
        reasonCode: 'MERGED_INTO',
        rule: 'R-MERGE-1',
        protectedUntil: null,
        details,
      }),
      event(input, s, {
        type: 'ClientsMerged',
        toManagerId: owner,
        reasonCode: 'MERGE_SURVIVOR',
        rule: 'R-MERGE-1',
        protectedUntil: owner === null ? null : keepProtection,
        details,
      }),
    );
  }
  return { kind: 'accepted', events };
}
