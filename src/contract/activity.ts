import { z } from 'zod';
import { eventOut, isoDate, ledgerQuery, MAX_ID, apiDate } from './schemas.ts';

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
  occurredAt: apiDate().optional().describe('When it happened; default now; not in the future'),
  lineId: z
    .number()
    .int()
    .positive()
    .max(MAX_ID)
    .nullable()
    .optional()
    .describe('Line of business; null = all lines'),
  contactId: z
    .number()
    .int()
    .positive()
    .max(MAX_ID)
    .nullable()
    .optional()
    .describe('A contact of this client'),
  nextStep: z.string().trim().max(1000).nullable().optional(),
  nextStepAt: apiDate().nullable().optional(),
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
  contactId: z.coerce.number().int().positive().max(MAX_ID).optional(),
  lineId: z.coerce.number().int().positive().max(MAX_ID).optional(),
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

// ---- deals and orders (C9) ----
export const dealStage = z.enum(['lead', 'proposal', 'negotiation', 'won', 'lost']);
const kopecks = z
  .number()
  .int('whole kopecks')
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .describe('Money in kopecks (1 ₽ = 100), an integer');
const optDate = apiDate().nullable().optional();
const dealFields = {
  title: z.string().trim().min(1).max(300),
  amountKopecks: kopecks,
  stage: dealStage.optional(),
  lineId: z.number().int().positive().max(MAX_ID).optional(),
  managerId: z
    .number()
    .int()
    .positive()
    .max(MAX_ID)
    .optional()
    .describe('Default: me; only a head sets another manager'),
  legalEntityId: z
    .number()
    .int()
    .positive()
    .max(MAX_ID)
    .nullable()
    .optional()
    .describe('The paying legal entity (of this client)'),
  expectedCloseAt: optDate,
  wonAt: apiDate().optional().describe('Back-date a win being recorded now'),
  lostReason: z.string().trim().max(1000).nullable().optional(),
  signedAt: optDate.describe('Order signed (won deals only)'),
  dueAt: optDate.describe('Payment due (won deals only)'),
  paidAt: optDate.describe('Paid (won deals only)'),
};
export const dealCreateInput = z.object(dealFields);
export const dealPatchInput = z
  .object(dealFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to change' });
export const dealOut = z.object({
  id: z.number(),
  clientId: z.number(),
  clientName: z.string(),
  lineId: z.number(),
  managerId: z.number(),
  managerName: z.string(),
  legalEntityId: z.number().nullable(),
  title: z.string(),
  stage: dealStage,
  amountKopecks: z.number(),
  expectedCloseAt: isoDateNullable,
  wonAt: isoDateNullable,
  lostAt: isoDateNullable,
  lostReason: z.string().nullable(),
  signedAt: isoDateNullable,
  dueAt: isoDateNullable,
  paidAt: isoDateNullable,
  createdAt: isoDate,
  updatedAt: isoDate,
});
export const dealEventOut = z.object({
  type: z.enum(['DealCreated', 'DealStageChanged', 'DealWon', 'DealLost', 'DealReopened']),
  stage: dealStage.optional(),
  from: dealStage.optional(),
  to: dealStage.optional(),
  wonAt: isoDate.optional(),
  lostAt: isoDate.optional(),
  ownerIds: z.array(z.number()).optional().describe("DealWon: owners of the client in the deal's line"),
  byNonOwner: z.boolean().optional().describe("DealWon: the deal's manager does not own the client"),
  disputeId: z
    .number()
    .nullable()
    .optional()
    .describe(
      'DealWon by a non-owner: the dispute it opened (C11), already resolved when the policy settles it',
    ),
});
export const dealChangedOut = z.object({ deal: dealOut, events: z.array(dealEventOut) });
export const dealListQuery = z.object({
  manager: z.union([z.literal('me'), z.coerce.number().int().positive().max(MAX_ID)]).optional(),
  stage: dealStage.optional(),
  client: z.coerce.number().int().positive().max(MAX_ID).optional(),
  cursor: z.coerce.number().int().positive().max(MAX_ID).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const dealPage = z.object({ items: z.array(dealOut), nextCursor: z.number().nullable() });

// ---- notifications and nudges (C15) ----
export const notificationOut = z.object({
  id: z.number(),
  kind: z.string(),
  title: z.string(),
  text: z.string(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: isoDate,
  readAt: isoDateNullable,
});
export const notificationQuery = z.object({
  unread: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  cursor: z.coerce.number().int().positive().max(MAX_ID).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const notificationPage = z.object({
  unreadCount: z.number(),
  items: z.array(notificationOut),
  nextCursor: z.number().nullable(),
});
const nudgeClient = z.object({
  clientId: z.number(),
  displayName: z.string(),
  lastTouchAt: isoDateNullable,
  daysSinceTouch: z.number().nullable(),
});
export const nudgesQuery = z.object({
  untouchedDays: z.coerce.number().int().min(1).max(3650).default(30),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export const nudgesOut = z.object({
  date: z.string(),
  isoWeek: z.string(),
  untouchedDays: z.number(),
  untouched: z.object({ total: z.number(), items: z.array(nudgeClient) }),
  plannedNotTouched: z.array(nudgeClient.extend({ goal: z.string() })),
  nextStepsDue: z.array(
    z.object({
      touchId: z.number(),
      clientId: z.number(),
      displayName: z.string(),
      nextStep: z.string().nullable(),
      nextStepAt: isoDate,
    }),
  ),
  expiringSoon: z
    .array(
      z.object({
        clientId: z.number(),
        displayName: z.string(),
        lineId: z.number(),
        expiresAt: isoDate,
        daysLeft: z.number(),
        rule: z.string(),
      }),
    )
    .describe('My clients going back to the pool within 7 days (R-EXP-1…4), soonest first'),
});

// ---- weekly plans (C13) ----
export const isoWeekString = z.string().regex(/^\d{4}-W\d{2}$/, 'an ISO week such as 2026-W48');
export const planParams = z.object({
  managerId: z.coerce.number().int().positive().max(MAX_ID),
  isoWeek: isoWeekString,
});
export const planPutInput = z.object({
  items: z
    .array(
      z.object({
        clientId: z.number().int().positive().max(MAX_ID),
        goal: z.string().trim().max(1000).default(''),
      }),
    )
    .max(500),
});
export const planOut = z.object({
  managerId: z.number(),
  managerName: z.string(),
  isoWeek: z.string(),
  weekStart: isoDate,
  weekEnd: isoDate,
  createdAt: isoDateNullable,
  updatedAt: isoDateNullable,
  updatedBy: z.number().nullable(),
  items: z.array(z.object({ clientId: z.number(), displayName: z.string(), goal: z.string() })),
});
export const planReportQuery = z.object({
  week: isoWeekString.optional().describe('Default: this week'),
  manager: z.union([z.literal('me'), z.coerce.number().int().positive().max(MAX_ID)]).optional(),
});
export const planReportOut = z.object({
  isoWeek: z.string(),
  weekStart: isoDate,
  weekEnd: isoDate,
  managers: z.array(
    z.object({
      managerId: z.number(),
      managerName: z.string(),
      planned: z.number(),
      touched: z.number(),
      unplannedTouched: z.number(),
      items: z.array(
        z.object({
          clientId: z.number(),
          displayName: z.string(),
          goal: z.string(),
          touches: z.array(
            z.object({
              id: z.number(),
              kind: z.string(),
              direction: z.string(),
              outcome: z.string().nullable(),
              occurredAt: isoDate,
            }),
          ),
        }),
      ),
    }),
  ),
});
