import type { Policy } from '../policy/policy.ts';

export type Role = 'manager' | 'head' | 'admin';
export type UserStatus = 'active' | 'on_leave' | 'left';

/** Who did it: a signed-in user, or a scheduled job ("automation is just another actor"). */
export type Actor = { kind: 'user'; id: number; role: Role } | { kind: 'system'; job: string };

export function actorLabel(actor: Actor): string {
  return actor.kind === 'user' ? `user:${actor.id}` : `system:${actor.job}`;
}

export type ManagerSnapshot = {
  id: number;
  role: Role;
  status: UserStatus;
  hiredAt: Date;
  /** A cap set for this manager alone (result-based caps fill it later); null = policy decides. */
  capOverride: number | null;
};

/** Ownership of one client in one line of business; ownerId null = in the pool. */
export type OwnershipSlot = {
  clientId: number;
  lineId: number;
  ownerId: number | null;
  protectedUntil: Date | null;
};

export type PolicyRef = { version: number; policy: Policy };

export type OwnershipEventType =
  | 'ClientClaimed'
  | 'ClientReleased'
  | 'OwnershipTransferred'
  | 'ClientExpired'
  | 'ProtectionGranted'
  | 'DisputeResolved'
  | 'ClientsMerged'
  | 'ExpiryExtended';

/** Why ownership changed. Listed in docs/rules.md with the rule that produces each. */
export type ReasonCode =
  | 'CLAIMED_FROM_POOL'
  | 'CREATED_BY_OWNER'
  | 'RELEASED_BY_OWNER'
  | 'RELEASED_BY_HEAD'
  | 'SWAP_RELEASE'
  | 'SWAP_CLAIM'
  | 'HEAD_TRANSFER'
  | 'DEMO_HISTORY'
  | 'MERGED_INTO'
  | 'MERGE_SURVIVOR'
  | 'EXPIRED_NO_TOUCH'
  | 'EXPIRED_NO_ORDER'
  | 'CAP_SURPLUS_RELEASED'
  | 'EXTENDED_BY_HEAD'
  | 'DISPUTE_TRANSFER'
  | 'DISPUTE_KEPT'
  | 'HANDOVER'
  | 'HANDOVER_TO_POOL'
  | 'HANDOVER_RETURN'
  /** C20: a client imported from a CRM export straight into the owner named in the file; details.importId. */
  | 'IMPORTED';

export type OwnershipEvent = {
  type: OwnershipEventType;
  clientId: number;
  lineId: number;
  fromManagerId: number | null;
  toManagerId: number | null;
  actor: string;
  reasonCode: ReasonCode;
  /** Rule ID that produced the event (R-CLAIM-1 …). */
  rule: string;
  policyVersion: number;
  occurredAt: Date;
  protectedUntil: Date | null;
  details: Record<string, unknown>;
};

export const rejectionCodes = [
  'CAP_REACHED',
  'CLIENT_OWNED_BY_OTHER',
  'ALREADY_OWNER',
  'NOT_OWNER',
  'CLIENT_IN_POOL',
  'REASON_REQUIRED',
  'RECLAIM_COOLDOWN',
  'CLIENT_PROTECTED',
  'USER_NOT_ACTIVE',
  'USER_CANNOT_OWN',
  'ROLE_NOT_ALLOWED',
  'SWAP_SAME_CLIENT',
  'TRANSFER_SAME_OWNER',
  'MERGE_SAME_CLIENT',
  'MERGE_OWNER_NOT_INVOLVED',
  'EXTENSION_NOT_LATER',
] as const;
export type RuleRejectionCode = (typeof rejectionCodes)[number];

export type Rejection = { kind: 'rejected'; code: RuleRejectionCode; details: Record<string, unknown> };
export type Decision = { kind: 'accepted'; events: OwnershipEvent[] } | Rejection;

export function reject(code: RuleRejectionCode, details: Record<string, unknown> = {}): Rejection {
  return { kind: 'rejected', code, details };
}
