import { z } from 'zod';
import { eventOut, isoDate, ledgerQuery } from './schemas.ts';

/** Contract of touches, one voice, deals, weekly plans and notifications (C8, C9, C13, C15, C16). */

const isoDateNullable = z
  .date()
  .nullable()
  .transform((d) => (d ? d.toISOString() : null));

export const touchKind = z.enum(['call', 'meeting', 'email', 'proposal', 'note']);
export const touchDirection = z.enum(['outbound', 'inbound']);
export const touchOutcome = z.enum([
  'reached',
  'not_reached',
  'meeting_held',
  'proposal_sent',
  'refused',
  'other',
]);

export const touchInput = z.object({
  kind: touchKind,
  direction: touchDirection.default('outbound'),
  outcome: touchOutcome.nullable().optional(),
  occurredAt: z.coerce.date().optional().describe('When it happened; default now; not in the future'),
  lineId: z.number().int().positive().nullable().optional().describe('Line of business; null = all lines'),
  contactId: z.number().int().positive().nullable().optional().describe('A contact of this client'),
  nextStep: z.string().trim().max(1000).nullable().optional(),
  nextStepAt: z.coerce.date().nullable().optional(),
  body: z.string().max(20_000).optional(),
});

export const touchOut = z.object({
  id: z.number(),
  clientId: z.number(),
  lineId: z.number().nullable(),
  authorId: z.number(),
  authorName: z.string(),
  contactId: z.number().nullable(),
  contactName: z.string().nullable(),
  kind: touchKind,
  direction: touchDirection,
  outcome: touchOutcome.nullable(),
  occurredAt: isoDate,
  createdAt: isoDate,
  nextStep: z.string().nullable(),
  nextStepAt: isoDateNullable,
  body: z.string(),
});

export const warningOut = z.object({
  code: z.enum(['NON_OWNER_OUTREACH', 'CONTACT_COOLDOWN']),
  rule: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const touchLoggedOut = z.object({ touch: touchOut, warnings: z.array(warningOut) });

export const contactCheckQuery = z.object({
  kind: touchKind.default('call'),
  direction: touchDirection.default('outbound'),
  contactId: z.coerce.number().int().positive().optional(),
  lineId: z.coerce.number().int().positive().optional(),
});
export const contactCheckOut = z.object({
  allowed: z.boolean(),
  rejection: z
    .object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) })
    .nullable(),
  warnings: z.array(warningOut),
  lastContact: touchOut.nullable(),
});

export const historyQuery = ledgerQuery.omit({ clientId: true, managerId: true, cursor: true }).extend({
  cursor: z
    .string()
    .regex(/^-?\d+\.[01]\.\d+$/, 'pass nextCursor back as it came')
    .optional(),
  include: z.enum(['all', 'ownership', 'touches']).default('all'),
});
export const historyItemOut = z.discriminatedUnion('entry', [
  eventOut.extend({ entry: z.literal('ownership') }),
  touchOut.extend({ entry: z.literal('touch'), type: z.literal('Touch') }),
]);
export const historyOut = z.object({ items: z.array(historyItemOut), nextCursor: z.string().nullable() });
