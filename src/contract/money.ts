import { z } from 'zod';
import { MAX_ID } from './schemas.ts';

/** API shapes of commission (C12) and receivables (C22). Money is integer kopecks. */

export const commissionQuery = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'a month as YYYY-MM is required' }),
  manager: z.coerce.number().int().positive().max(MAX_ID).optional(),
});

export const commissionExportQuery = commissionQuery.extend({
  format: z.enum(['xlsx', 'csv'], { error: 'format must be xlsx or csv' }).default('xlsx'),
  detail: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('csv: the per-order lines instead of the summary'),
});

const commissionRow = z.object({
  managerId: z.number(),
  managerName: z.string(),
  orders: z.number(),
  creditedKopecks: z.number(),
  effectiveRateBps: z.number(),
  commissionKopecks: z.number(),
  paidKopecks: z.number(),
  unpaidKopecks: z.number(),
  heldBackKopecks: z.number(),
  payableKopecks: z.number(),
});

export const commissionOut = z.object({
  month: z.string(),
  from: z.string(),
  to: z.string(),
  policyVersion: z.number(),
  rules: z.object({
    mode: z.enum(['flat', 'tiers']),
    flatRateBps: z.number(),
    tiers: z.array(z.object({ fromKopecks: z.number(), rateBps: z.number() })),
    tierApplication: z.enum(['marginal', 'whole']),
    holdBackUnpaid: z.boolean(),
  }),
  rows: z.array(commissionRow),
  lines: z.array(
    z.object({
      dealId: z.number(),
      title: z.string(),
      clientId: z.number(),
      clientName: z.string(),
      managerId: z.number(),
      managerName: z.string(),
      roles: z.array(z.string()),
      shareBps: z.number(),
      orderAmountKopecks: z.number(),
      creditedKopecks: z.number(),
      commissionKopecks: z.number(),
      paid: z.boolean(),
      wonAt: z.string(),
      paidAt: z.string().nullable(),
      heldBackKopecks: z.number(),
    }),
  ),
  totals: commissionRow.omit({ managerName: true }),
});

export const receivablesQuery = z.object({
  manager: z.coerce.number().int().positive().max(MAX_ID).optional(),
});

const bucket = z.object({ orders: z.number(), amountKopecks: z.number() });
const buckets = z.object({ '1-30': bucket, '31-60': bucket, '61-90': bucket, '90+': bucket });

export const receivablesOut = z.object({
  asOf: z.string(),
  rows: z.array(
    z.object({
      managerId: z.number(),
      managerName: z.string(),
      orders: z.number(),
      totalKopecks: z.number(),
      buckets,
    }),
  ),
  totals: z.object({ orders: z.number(), totalKopecks: z.number(), buckets }),
  orders: z.array(
    z.object({
      dealId: z.number(),
      title: z.string(),
      clientId: z.number(),
      clientName: z.string(),
      managerId: z.number(),
      managerName: z.string(),
      amountKopecks: z.number(),
      dueAt: z.string(),
      daysOverdue: z.number(),
      bucket: z.enum(['1-30', '31-60', '61-90', '90+']),
    }),
  ),
});
