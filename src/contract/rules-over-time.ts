import { z } from 'zod';
import { isoDate } from './schemas.ts';

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
});

export const extendInput = z.object({
  until: z.coerce.date({ error: 'an ISO date or date-time is required' }),
  reason: z.string().trim().min(1, 'a reason is required').max(1000),
  lineId: z.number().int().positive().optional(),
});

export const expiryQuery = z.object({
  /** Only clients expiring within this many days; omitted = the whole base. */
  within: z.coerce.number().int().min(0).max(3650).optional(),
  manager: z.coerce.number().int().positive().optional(),
  line: z.coerce.number().int().positive().optional(),
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
    managerId: z.number().int().positive().optional(),
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
