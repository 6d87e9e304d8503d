import { z } from 'zod';
import { isoDate, MAX_ID } from './schemas.ts';

/** API shapes of disputes (C11) and credit splits (C12). */

const touchFact = z.object({
  at: z.string(),
  kind: z.string(),
  outcome: z.string().nullable(),
  direction: z.string(),
});

export const evidenceOut = z.object({
  openedAt: z.string(),
  policyVersion: z.number(),
  trigger: z.enum(['won_deal', 'meeting', 'manual']),
  deal: z
    .object({ id: z.number(), title: z.string(), amountKopecks: z.number(), wonAt: z.string().nullable() })
    .nullable(),
  owner: z.object({
    id: z.number(),
    name: z.string(),
    since: z.string(),
    touches: z.array(touchFact),
    touchCount: z.number(),
    lastQualifyingTouchAt: z.string().nullable(),
    plannedWeeks: z.array(z.string()),
    newcomerProtected: z.boolean(),
  }),
  claimant: z.object({
    id: z.number(),
    name: z.string(),
    touches: z.array(touchFact),
    touchCount: z.number(),
  }),
  protection: z.object({ until: z.string().nullable(), active: z.boolean() }),
  identifiers: z.array(
    z.object({
      kind: z.string(),
      value: z.string(),
      createdBy: z.number().nullable(),
      createdByName: z.string().nullable(),
      createdAt: z.string(),
    }),
  ),
});

const share = z.object({ managerId: z.number(), role: z.string(), bps: z.number() });

export const disputeOut = z.object({
  id: z.number(),
  clientId: z.number(),
  clientName: z.string(),
  lineId: z.number(),
  ownerId: z.number(),
  claimantId: z.number(),
  dealId: z.number().nullable(),
  trigger: z.enum(['won_deal', 'meeting', 'manual']),
  reason: z.string().nullable(),
  status: z.enum(['open', 'resolved']),
  openedAt: isoDate,
  deadlineAt: isoDate,
  policyVersion: z.number(),
  evidence: evidenceOut,
  resolution: z.enum(['keep', 'transfer', 'split']).nullable(),
  clientTo: z.number().nullable(),
  shares: z.array(share).nullable(),
  decidedBy: z.number().nullable(),
  decidedAt: z
    .date()
    .nullable()
    .transform((d) => d?.toISOString() ?? null),
  decisionRule: z.string().nullable(),
  comment: z.string().nullable(),
});

export const disputesQuery = z.object({
  status: z.enum(['open', 'resolved']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const disputeOpenInput = z.object({
  clientId: z.number().int().positive().max(MAX_ID),
  lineId: z.number().int().positive().max(MAX_ID).optional(),
  reason: z.string().trim().min(1, 'a reason is required').max(2000),
});

export const disputeDecideInput = z
  .object({
    resolution: z.enum(['keep', 'transfer', 'split']),
    /** split: the owner's share in basis points (0…10000); the claimant gets the rest. */
    ownerBps: z.number().int().min(0).max(10_000).optional(),
    /** split: who keeps the client (default the owner). */
    clientTo: z.enum(['owner', 'claimant']).optional(),
    comment: z.string().trim().min(1, 'a comment is required').max(2000),
  })
  .refine((d) => d.resolution !== 'split' || d.ownerBps !== undefined, {
    message: 'a split needs ownerBps',
    path: ['ownerBps'],
  });

export const creditsOut = z.object({
  dealId: z.number(),
  credits: z.array(
    z.object({
      managerId: z.number(),
      role: z.string(),
      shareBps: z.number(),
      amountKopecks: z.number(),
      source: z.string(),
    }),
  ),
});
