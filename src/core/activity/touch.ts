import type { Role } from '../ownership/types.ts';
import type { Policy } from '../policy/policy.ts';
import type { ActivityRejectionCode } from './codes.ts';

export type TouchKind = 'call' | 'meeting' | 'email' | 'proposal' | 'note';
export type TouchDirection = 'outbound' | 'inbound';
export type TouchOutcome = 'reached' | 'not_reached' | 'meeting_held' | 'proposal_sent' | 'refused' | 'other';

export const DAY_MS = 86_400_000;
/** How far in the future a touch may be dated (clock skew between a phone and the server), R-TOUCH-1. */
export const TOUCH_FUTURE_SKEW_MS = 5 * 60_000;

/** Outreach = we reach out to the client: an outbound call, meeting, e-mail or proposal (never a note). */
export function isOutreach(kind: TouchKind, direction: TouchDirection): boolean {
  return direction === 'outbound' && kind !== 'note';
}

export type TouchWarning =
  | { code: 'NON_OWNER_OUTREACH'; ownerIds: number[]; rule: 'R-VOICE-1' }
  | {
      code: 'CONTACT_COOLDOWN';
      rule: 'R-VOICE-2';
      cooldownDays: number;
      last: { authorId: number; kind: TouchKind; occurredAt: Date };
    };

export type TouchCheckInput = {
  policy: Policy;
  now: Date;
  actor: { id: number; role: Role };
  kind: TouchKind;
  direction: TouchDirection;
  occurredAt: Date;
  nextStepAt: Date | null;
  /** The contact touched, if any (already checked to belong to the client). */
  contact: { id: number; doNotContact: boolean } | null;
  /** Owners of the client in the lines this touch concerns (the touch's line, every line when it names none, every line in single-owner mode); null = pool. */
  owners: (number | null)[];
  /** The latest outreach to this client by someone other than the actor, at or before occurredAt. */
  lastOtherOutreach: { authorId: number; kind: TouchKind; occurredAt: Date } | null;
};

export type TouchCheck =
  | { kind: 'accepted'; warnings: TouchWarning[]; notifyOwnerIds: number[] }
  | { kind: 'rejected'; code: ActivityRejectionCode | 'VALIDATION_FAILED'; details: Record<string, unknown> };

/**
 * May this touch be logged, and with which warnings?
 * R-TOUCH-1 a touch is not dated in the future (beyond a few minutes of skew); its next step is not before it.
 * R-VOICE-3 no outreach to a do-not-contact contact.
 * R-VOICE-1 outreach to a client owned by someone else: per policy.contact.nonOwnerOutreach
 *   block (a head is never blocked: warned instead), warn (the owners are notified), or allow.
 *   The actor is a non-owner when the client has owners in the concerned lines and the actor is none of them.
 * R-VOICE-2 company-wide cooldown: outreach within policy.contact.cooldownDays after someone else's outreach is warned.
 */
export function checkTouch(i: TouchCheckInput): TouchCheck {
  if (i.occurredAt.getTime() > i.now.getTime() + TOUCH_FUTURE_SKEW_MS)
    return invalid('body.occurredAt', 'a touch cannot be dated in the future');
  if (i.nextStepAt && i.nextStepAt.getTime() < i.occurredAt.getTime())
    return invalid('body.nextStepAt', 'the next step cannot be before the touch');
  const warnings: TouchWarning[] = [];
  const notifyOwnerIds: number[] = [];
  if (!isOutreach(i.kind, i.direction)) return { kind: 'accepted', warnings, notifyOwnerIds };

  if (i.contact?.doNotContact)
    return {
      kind: 'rejected',
      code: 'DO_NOT_CONTACT',
      details: { field: 'contactId', contactId: i.contact.id, rule: 'R-VOICE-3' },
    };

  const owners = [...new Set(i.owners.filter((o): o is number => o !== null))];
  const nonOwner = owners.length > 0 && !owners.includes(i.actor.id);
  if (nonOwner) {
    const mode = i.policy.contact.nonOwnerOutreach;
    if (mode === 'block' && i.actor.role !== 'head')
      return {
        kind: 'rejected',
        code: 'NON_OWNER_OUTREACH_BLOCKED',
        details: { ownerIds: owners, rule: 'R-VOICE-1' },
      };
    if (mode !== 'allow') {
      warnings.push({ code: 'NON_OWNER_OUTREACH', ownerIds: owners, rule: 'R-VOICE-1' });
      notifyOwnerIds.push(...owners);
    }
  }

  const cooldownDays = i.policy.contact.cooldownDays;
  const last = i.lastOtherOutreach;
  if (
    cooldownDays > 0 &&
    last &&
    last.authorId !== i.actor.id &&
    last.occurredAt.getTime() <= i.occurredAt.getTime() &&
    i.occurredAt.getTime() - last.occurredAt.getTime() < cooldownDays * DAY_MS
  )
    warnings.push({ code: 'CONTACT_COOLDOWN', rule: 'R-VOICE-2', cooldownDays, last });

  return { kind: 'accepted', warnings, notifyOwnerIds };
}

function invalid(path: string, message: string): TouchCheck {
  return { kind: 'rejected', code: 'VALIDATION_FAILED', details: { issues: [{ path, message }] } };
}
