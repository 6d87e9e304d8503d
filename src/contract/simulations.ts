import { z } from 'zod';
import { policySchema } from '../core/policy/policy.ts';

/** API shapes of the policy simulator (C19): POST /api/simulations. */

export const simulationInput = z.object({
  /**
   * The candidate: a preset name (team, balanced, competition) or a policy document, full or
   * partial (a partial one is merged over the current policy, e.g. {"expiry":{"noTouchDays":45}}).
   * Validated by the policy schema: a bad field is a 400 naming it (policy.expiry.noTouchDays).
   */
  policy: z.union([z.string().trim().min(1).max(40), z.record(z.string(), z.unknown())]),
  /** First day replayed (default: the first ledger event, at most 365 days back). */
  from: z.coerce.date().optional(),
  /** Last day replayed (default: today). */
  to: z.coerce.date().optional(),
});

const triple = z.object({ current: z.number(), candidate: z.number(), delta: z.number() });
const share = z.object({ managerId: z.number(), role: z.string(), bps: z.number() });

const runOut = z.object({
  totals: z.object({
    expiries: z.number(),
    refusedClaims: z.number(),
    disputes: z.number(),
    disputesTransferred: z.number(),
    disputesForHead: z.number(),
    creditedKopecks: z.number(),
    commissionKopecks: z.number(),
    baseEnd: z.number(),
    nonOwnerTouches: z.number(),
  }),
  expiriesByMonth: z.array(z.object({ month: z.string(), count: z.number() })),
  expiries: z.array(
    z.object({
      at: z.string(),
      clientId: z.number(),
      clientName: z.string(),
      lineId: z.number(),
      managerId: z.number(),
      rule: z.enum(['R-EXP-1', 'R-EXP-2']),
    }),
  ),
  refusals: z.array(
    z.object({
      at: z.string(),
      clientId: z.number(),
      lineId: z.number(),
      managerId: z.number(),
      code: z.string(),
    }),
  ),
  disputes: z.array(
    z.object({
      at: z.string(),
      clientId: z.number(),
      clientName: z.string(),
      lineId: z.number(),
      ownerId: z.number(),
      claimantId: z.number(),
      trigger: z.enum(['won_deal', 'meeting', 'manual']),
      dealId: z.number().nullable(),
      amountKopecks: z.number().nullable(),
      resolution: z.enum(['keep', 'transfer', 'split']).nullable(),
      rule: z.string(),
      why: z.string(),
      shares: z.array(share),
    }),
  ),
  caps: z.array(
    z.object({
      month: z.string(),
      managerId: z.number(),
      cap: z.number(),
      capSource: z.enum(['policy', 'newcomer', 'override']),
      base: z.number(),
    }),
  ),
  coverage: z.array(
    z.object({
      month: z.string(),
      managerId: z.number(),
      base: z.number(),
      touched30: z.number(),
      shareBps: z.number(),
    }),
  ),
  managers: z.array(
    z.object({
      managerId: z.number(),
      name: z.string(),
      baseStart: z.number(),
      baseEnd: z.number(),
      claims: z.number(),
      refusedClaims: z.number(),
      expiries: z.number(),
      disputesWon: z.number(),
      disputesLost: z.number(),
      nonOwnerTouches: z.number(),
      creditedKopecks: z.number(),
      commissionKopecks: z.number(),
      coverageEndBps: z.number(),
    }),
  ),
});

const firstExpiry = z.object({ at: z.string(), managerId: z.number() }).nullable();

export const simulationOut = z.object({
  from: z.string(),
  to: z.string(),
  days: z.number(),
  currentVersion: z.number(),
  changes: z.array(z.object({ path: z.string(), current: z.unknown(), candidate: z.unknown() })),
  candidate: policySchema,
  managers: z.array(z.object({ id: z.number(), name: z.string() })),
  current: runOut,
  candidateRun: runOut,
  gains: z.array(
    z.object({
      managerId: z.number(),
      name: z.string(),
      baseEnd: triple,
      expiries: triple,
      creditedKopecks: triple,
      commissionKopecks: triple,
    }),
  ),
  expiredClients: z.array(
    z.object({
      clientId: z.number(),
      clientName: z.string(),
      lineId: z.number(),
      current: firstExpiry,
      candidate: firstExpiry,
    }),
  ),
  limits: z.object({ listLimit: z.number(), truncated: z.boolean() }),
});
