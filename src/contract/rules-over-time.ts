import { z } from 'zod';
import { isoDate, MAX_ID, apiDate } from './schemas.ts';

/** API shapes of the sweep (C10), expiry, head extensions and result-based cap reviews (C7). */

const isoNullable = z
  .date()
  .nullable()
  .transform((d) => d?.toISOString() ?? null);

export const sweepInput = z
  .object({
    /** Report what the sweep would do without changing anything. */
    dryRun: z.boolean().default(false),
  })
  .default({ dryRun: false });

const sweepItem = z.object({
  clientId: z.number(),
  lineId: z.number(),
  ownerId: z.number(),
  rule: z.string(),
  reasonCode: z.string(),
});

export const sweepOut = z.object({
  now: z.string(),
  dryRun: z.boolean(),
  ran: z.boolean(),
  policyVersion: z.number(),
  candidates: z.number(),
  expired: z.array(sweepItem),
  warned: z.array(
    z.object({
      clientId: z.number(),
      lineId: z.number(),
      ownerId: z.number(),
      daysBefore: z.number(),
      expiresAt: z.string(),
    }),
  ),
  surplusReleased: z.array(sweepItem),
  disputeReminders: z.number(),
  handoverReturns: z.number(),
});

export const extendInput = z.object({
  until: apiDate({ error: 'an ISO date or date-time is required' }),
  reason: z.string().trim().min(1, 'a reason is required').max(1000),
  lineId: z.number().int().positive().max(MAX_ID).optional(),
});

export const expiryQuery = z.object({
  /** Only clients expiring within this many days; omitted = the whole base. */
  within: z.coerce.number().int().min(0).max(3650).optional(),
  manager: z.coerce.number().int().positive().max(MAX_ID).optional(),
  line: z.coerce.number().int().positive().max(MAX_ID).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});

export const expiryOut = z.object({
  enabled: z.boolean(),
  total: z.number(),
  items: z.array(
    z.object({
      clientId: z.number(),
      clientName: z.string(),
      lineId: z.number(),
      ownerId: z.number(),
      ownerName: z.string(),
      ownerSince: isoDate,
      lastQualifyingTouchAt: isoNullable,
      firstWonDealAt: isoNullable,
      protectedUntil: isoNullable,
      extendedUntil: isoNullable,
      expiresAt: isoDate,
      daysLeft: z.number(),
      rule: z.string(),
      heldBy: z.enum(['protection', 'extension']).nullable(),
    }),
  ),
});

export const capReviewInput = z
  .object({
    dryRun: z.boolean().default(false),
    managerId: z.number().int().positive().max(MAX_ID).optional(),
  })
  .default({ dryRun: false });

export const capReviewOut = z.object({
  now: z.string(),
  policyVersion: z.number(),
  applied: z.boolean(),
  reviews: z.array(
    z.object({
      managerId: z.number(),
      managerName: z.string(),
      oldCap: z.number(),
      newCap: z.number(),
      effectiveCap: z.number(),
      tier: z.number().nullable(),
      baseCount: z.number(),
      results: z.object({ revenueKopecks: z.number(), orders: z.number() }),
      releaseDeadline: z.string().nullable(),
    }),
  ),
});

const windowOut = z.object({
  days: z.number(),
  buckets: z.object({
    met: z.number(),
    called: z.number(),
    emailedOnly: z.number(),
    otherOnly: z.number(),
    untouched: z.number(),
  }),
  counts: z.object({
    met: z.number(),
    called: z.number(),
    emailed: z.number(),
    touched: z.number(),
    notCalled: z.number(),
    notMet: z.number(),
  }),
});
const dealsOut = z.object({
  won: z.number(),
  lost: z.number(),
  revenueKopecks: z.number(),
  conversion: z.number().nullable(),
  openCount: z.number(),
  openAmountKopecks: z.number(),
});

export const coverageQuery = z.object({
  manager: z.coerce.number().int().positive().max(MAX_ID).optional(),
  line: z.coerce.number().int().positive().max(MAX_ID).optional(),
  from: apiDate({ error: 'an ISO date is required' }).optional(),
  to: apiDate({ error: 'an ISO date is required' }).optional(),
});

export const coverageOut = z.object({
  from: isoDate,
  to: isoDate,
  lineId: z.number(),
  windows: z.array(z.number()),
  managers: z.array(
    z.object({
      managerId: z.number(),
      managerName: z.string(),
      baseCount: z.number(),
      cap: z.number(),
      windows: z.array(windowOut),
      sinceLastTouch: z.object({
        d0_7: z.number(),
        d8_30: z.number(),
        d31_60: z.number(),
        d61_90: z.number(),
        d90plus: z.number(),
        never: z.number(),
      }),
      deals: dealsOut,
    }),
  ),
  team: z.object({ baseCount: z.number(), cap: z.number(), windows: z.array(windowOut), deals: dealsOut }),
});

export const untouchedQuery = z.object({
  manager: z.coerce.number().int().positive().max(MAX_ID).optional(),
  line: z.coerce.number().int().positive().max(MAX_ID).optional(),
  days: z.coerce.number().int().min(1).max(3650).default(30),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const untouchedOut = z.object({
  items: z.array(
    z.object({
      clientId: z.number(),
      clientName: z.string(),
      ownerId: z.number(),
      ownerName: z.string(),
      lastTouchAt: isoNullable,
    }),
  ),
});

export const trendsQuery = z.object({
  manager: z.coerce.number().int().positive().max(MAX_ID).optional(),
  line: z.coerce.number().int().positive().max(MAX_ID).optional(),
  weeks: z.coerce.number().int().min(1).max(104).default(26),
});

export const trendsOut = z.object({
  lineId: z.number(),
  managerId: z.number().nullable(),
  weeks: z.array(
    z.object({
      weekStart: z.string(),
      isoWeek: z.string(),
      touches: z.object({
        call: z.number(),
        meeting: z.number(),
        email: z.number(),
        proposal: z.number(),
        note: z.number(),
      }),
      meetingsHeld: z.number(),
      callsReached: z.number(),
      won: z.number(),
      revenueKopecks: z.number(),
    }),
  ),
});

export const handoverInput = z
  .object({
    managerId: z.number().int().positive().max(MAX_ID),
    kind: z.enum(['left', 'on_leave']),
    returnAt: apiDate({ error: 'an ISO date is required' }).optional(),
    strategy: z.enum(['manual', 'round_robin', 'by_results']).default('round_robin'),
    receivers: z.array(z.number().int().positive().max(MAX_ID)).min(1).max(500).optional(),
    assignments: z
      .array(
        z.object({
          clientId: z.number().int().positive().max(MAX_ID),
          toManagerId: z.number().int().positive().max(MAX_ID),
        }),
      )
      .max(100_000)
      .optional(),
    /** false (default): preview only; true: apply. */
    apply: z.boolean().default(false),
  })
  .refine((h) => h.strategy !== 'manual' || h.assignments !== undefined, {
    message: 'a manual handover needs assignments',
    path: ['assignments'],
  });

export const keyClientInput = z.object({ key: z.boolean({ error: 'key must be true or false' }) });
export const keyClientOut = z.object({ clientId: z.number(), isKey: z.boolean() });

const planItem = z.object({
  clientId: z.number(),
  lineId: z.number(),
  displayName: z.string(),
  toManagerId: z.number().nullable(),
  key: z.boolean(),
  overCap: z.boolean(),
});
const receiverOut = z.object({
  id: z.number(),
  name: z.string(),
  cap: z.number(),
  base: z.number(),
  revenueKopecks: z.number(),
  receiving: z.number(),
  newBase: z.number(),
  overCap: z.boolean(),
});

export const handoverPlanOut = z.object({
  handoverId: z.number().nullable(),
  plan: z.object({ items: z.array(planItem), receivers: z.array(receiverOut), toPool: z.number() }),
});

const side = z.object({ revenueKopecks: z.number(), touches: z.number() });
export const handoverOut = z.object({
  id: z.number(),
  managerId: z.number(),
  kind: z.enum(['left', 'on_leave']),
  strategy: z.enum(['manual', 'round_robin', 'by_results']),
  returnAt: isoNullable,
  status: z.enum(['applied', 'returned']),
  createdAt: isoDate,
  returnedAt: isoNullable,
  receivers: z.array(receiverOut),
  items: z.array(planItem.extend({ before: side, after: side })),
});
