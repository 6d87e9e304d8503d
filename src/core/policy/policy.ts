import { z } from 'zod';

/**
 * The company rule set (C5). Policy is data: every decision records the version it used,
 * so a dispute can be replayed under the rules of its day (R-POL-1).
 * Fields that later capabilities fill (expiry, result caps, disputes, splits…) are already
 * here with defaults, so a stored policy never needs a migration to gain them.
 */
const tierSchema = z.object({
  minRevenueKopecks: z.number().int().min(0),
  minOrders: z.number().int().min(0),
  cap: z.number().int().min(1).max(100_000),
});

const splitSchema = z
  .object({
    originator: z.number().int().min(0).max(100),
    closer: z.number().int().min(0).max(100),
    helper: z.number().int().min(0).max(100),
  })
  .refine((s) => s.originator + s.closer + s.helper === 100, { message: 'shares must sum to 100' });

const identitySchema = z.object({
  /** At or above: the same organisation (creation blocked, link offered). */
  sameThreshold: z.number().min(0).max(1),
  /** At or above: maybe the same (a warning). */
  maybeThreshold: z.number().min(0).max(1),
  /** How much each kind of evidence weighs when it matches fully (0…1). */
  weights: z.object({
    inn: z.number().min(0).max(1),
    ogrn: z.number().min(0).max(1),
    phone: z.number().min(0).max(1),
    email: z.number().min(0).max(1),
    domain: z.number().min(0).max(1),
    name: z.number().min(0).max(1),
    address: z.number().min(0).max(1),
    contactName: z.number().min(0).max(1),
  }),
  /** Name similarity below this is no evidence at all. */
  nameSimilarityMin: z.number().min(0).max(1),
});

export const defaultIdentityRules: z.infer<typeof identitySchema> = {
  sameThreshold: 0.9,
  maybeThreshold: 0.6,
  weights: {
    inn: 0.99,
    ogrn: 0.99,
    phone: 0.93,
    email: 0.93,
    domain: 0.8,
    name: 0.85,
    address: 0.5,
    contactName: 0.35,
  },
  nameSimilarityMin: 0.5,
};

const commissionTierSchema = z.object({
  /** The tier starts at this much credited revenue in the month (kopecks); the first tier starts at 0. */
  fromKopecks: z.number().int().min(0),
  /** Commission rate in basis points (500 = 5 %). */
  rateBps: z.number().int().min(0).max(10_000),
});

const commissionSchema = z
  .object({
    /** flat: one rate on all credited revenue; tiers: the rate depends on the month's credited revenue (R-COMM-2). */
    mode: z.enum(['flat', 'tiers']),
    /** mode flat: the rate in basis points (500 = 5 %). */
    flatRateBps: z.number().int().min(0).max(10_000),
    tiers: z.array(commissionTierSchema).min(1).max(20),
    /**
     * marginal: each tier's rate applies to the revenue inside that tier (like tax brackets, no cliff);
     * whole: the rate of the highest tier reached applies to the whole month.
     */
    tierApplication: z.enum(['marginal', 'whole']),
    /** Commission on an unpaid order is held back until the order is paid (R-COMM-4). */
    holdBackUnpaid: z.boolean(),
  })
  .refine((c) => c.tiers[0]!.fromKopecks === 0, {
    message: 'the first tier must start at 0',
    path: ['tiers'],
  })
  .refine((c) => c.tiers.every((t, i) => i === 0 || t.fromKopecks > c.tiers[i - 1]!.fromKopecks), {
    message: 'tiers must start at increasing amounts',
    path: ['tiers'],
  });

/** 0 → 3 %, 500 000 ₽ → 5 %, 1 500 000 ₽ → 7 %. */
const defaultCommissionTiers = [
  { fromKopecks: 0, rateBps: 300 },
  { fromKopecks: 50_000_000, rateBps: 500 },
  { fromKopecks: 150_000_000, rateBps: 700 },
];

export const defaultCommissionRules: z.infer<typeof commissionSchema> = {
  mode: 'tiers',
  flatRateBps: 500,
  tiers: defaultCommissionTiers,
  tierApplication: 'marginal',
  holdBackUnpaid: true,
};

export const policySchema = z.object({
  preset: z.enum(['team', 'balanced', 'competition', 'custom']),
  lines: z.object({
    /** independent: one owner per (client, line); single_owner: one owner for all lines (R-LINE-1). */
    mode: z.enum(['independent', 'single_owner']),
  }),
  caps: z.object({
    defaultCap: z.number().int().min(1).max(100_000),
    /** May a head transfer a client to a manager already at the cap (R-XFER-2)? */
    headTransferMayExceedCap: z.boolean(),
  }),
  newcomer: z.object({
    enabled: z.boolean(),
    days: z.number().int().min(0).max(730),
    cap: z.number().int().min(1).max(100_000),
    /** Clients a newcomer holds are protected for the newcomer period (C6). */
    protectClients: z.boolean(),
  }),
  /** Days after a claim during which nobody may take the client (R-PROT-1). */
  claimProtectionDays: z.number().int().min(0).max(365),
  /** Days after releasing a client during which the same manager may not claim it back (R-CLAIM-4). */
  reclaimCooldownDays: z.number().int().min(0).max(365),
  resultCaps: z.object({
    enabled: z.boolean(),
    windowDays: z.number().int().min(1).max(730),
    metric: z.enum(['revenue', 'orders']),
    tiers: z.array(tierSchema).max(20),
    releaseDeadlineDays: z.number().int().min(0).max(90),
  }),
  expiry: z.object({
    enabled: z.boolean(),
    noTouchDays: z.number().int().min(1).max(3650),
    noOrderDays: z.number().int().min(1).max(3650),
    warnDaysBefore: z.array(z.number().int().min(1).max(365)).max(10),
    /** Touch outcomes that keep a client (R-EXP-1); a default so that stored versions still parse. */
    qualifyingOutcomes: z
      .array(z.enum(['reached', 'not_reached', 'meeting_held', 'proposal_sent', 'refused', 'other']))
      .min(1)
      .max(6)
      .default(['meeting_held', 'reached']),
  }),
  contact: z.object({
    cooldownDays: z.number().int().min(0).max(365),
    nonOwnerOutreach: z.enum(['allow', 'warn', 'block']),
  }),
  disputes: z.object({
    openOnWonDeal: z.boolean(),
    openOnMeeting: z.boolean(),
    /**
     * How a dispute opened by a non-owner's won deal or meeting resolves itself (R-DISP-3):
     * head_decides (never automatically), owner_keeps (the client stays, credit split),
     * idle_owner_loses (an idle owner loses the client, an active one keeps it with a split),
     * closer_wins (the client and the whole credit go to the claimant). A default so stored versions parse.
     */
    autoResolution: z
      .enum(['head_decides', 'owner_keeps', 'idle_owner_loses', 'closer_wins'])
      .default('head_decides'),
    /** idle_owner_loses: the owner is idle with no qualifying touch in this many days… */
    autoTransferIfOwnerIdleDays: z.number().int().min(0).max(3650),
    /** …and the client in none of the owner's weekly plans for this many weeks. */
    planWeeks: z.number().int().min(0).max(52).default(4),
    /** Working days (Mon–Fri) a head has to decide an open dispute; reminders after it. */
    decisionDeadlineDays: z.number().int().min(1).max(90),
  }),
  splits: z.object({
    defaultPreset: z.enum(['owner_takes_all', 'half_half', 'by_contribution']),
    byContribution: splitSchema,
  }),
  /** Handover of a base (C17); a default so that stored versions still parse. */
  handover: z
    .object({
      /** Days a receiver's new clients are protected (R-HAND-3). */
      protectionDays: z.number().int().min(0).max(365),
      /** How many top clients by revenue (last 90 days) count as key clients (R-HAND-2). */
      keyTop: z.number().int().min(0).max(1000),
      /** Leave cover: clients on which the cover won an order stay with the cover at the return (R-HAND-4). */
      keepIfCoverClosedOrder: z.boolean(),
    })
    .default({ protectionDays: 30, keyTop: 10, keepIfCoverClosedOrder: true }),
  /** Duplicate detection (C2); a default so that policy versions stored before it still parse. */
  identity: identitySchema.default(defaultIdentityRules),
  /** Commission (C12, C22); a default so that policy versions stored before it still parse. */
  commission: commissionSchema.default(defaultCommissionRules),
});

export type Policy = z.infer<typeof policySchema>;
export type IdentityRules = Policy['identity'];
export type PresetName = 'team' | 'balanced' | 'competition';

const base: Policy = {
  preset: 'balanced',
  lines: { mode: 'independent' },
  caps: { defaultCap: 200, headTransferMayExceedCap: false },
  newcomer: { enabled: true, days: 90, cap: 300, protectClients: true },
  claimProtectionDays: 14,
  reclaimCooldownDays: 14,
  resultCaps: {
    enabled: false,
    windowDays: 90,
    metric: 'revenue',
    tiers: [
      { minRevenueKopecks: 0, minOrders: 0, cap: 120 },
      { minRevenueKopecks: 50_000_000, minOrders: 3, cap: 200 },
      { minRevenueKopecks: 150_000_000, minOrders: 8, cap: 300 },
    ],
    releaseDeadlineDays: 14,
  },
  expiry: {
    enabled: true,
    noTouchDays: 60,
    noOrderDays: 90,
    warnDaysBefore: [14, 7, 1],
    qualifyingOutcomes: ['meeting_held', 'reached'],
  },
  contact: { cooldownDays: 3, nonOwnerOutreach: 'warn' },
  disputes: {
    openOnWonDeal: true,
    openOnMeeting: false,
    autoResolution: 'idle_owner_loses',
    autoTransferIfOwnerIdleDays: 30,
    planWeeks: 4,
    decisionDeadlineDays: 3,
  },
  splits: { defaultPreset: 'by_contribution', byContribution: { originator: 30, closer: 60, helper: 10 } },
  handover: { protectionDays: 30, keyTop: 10, keepIfCoverClosedOrder: true },
  identity: defaultIdentityRules,
  commission: defaultCommissionRules,
};

/**
 * Three presets (documented in docs/rules.md):
 * - team: generous bases, long protection, non-owner outreach blocked, credit shared by contribution;
 * - balanced: the defaults above;
 * - competition ("wolves"): small bases grown by results, short protection, fast expiry,
 *   outreach allowed, an idle owner loses a dispute automatically, closer takes more.
 */
function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

// Frozen: the presets share nested objects, and a caller editing one must copy it first.
export const presets: Readonly<Record<PresetName, Policy>> = {
  team: {
    ...base,
    preset: 'team',
    caps: { defaultCap: 250, headTransferMayExceedCap: true },
    claimProtectionDays: 30,
    reclaimCooldownDays: 7,
    expiry: { ...base.expiry, noTouchDays: 90, noOrderDays: 120 },
    contact: { cooldownDays: 5, nonOwnerOutreach: 'block' },
    disputes: { ...base.disputes, openOnMeeting: true, autoResolution: 'owner_keeps' },
    splits: { defaultPreset: 'by_contribution', byContribution: { originator: 40, closer: 50, helper: 10 } },
    commission: { ...defaultCommissionRules, mode: 'flat', flatRateBps: 500, holdBackUnpaid: false },
  },
  balanced: base,
  competition: {
    ...base,
    preset: 'competition',
    caps: { defaultCap: 150, headTransferMayExceedCap: false },
    claimProtectionDays: 7,
    reclaimCooldownDays: 30,
    resultCaps: { ...base.resultCaps, enabled: true },
    expiry: { ...base.expiry, noTouchDays: 30, noOrderDays: 60, warnDaysBefore: [5, 1] },
    contact: { cooldownDays: 2, nonOwnerOutreach: 'allow' },
    disputes: {
      ...base.disputes,
      openOnMeeting: true,
      autoResolution: 'closer_wins',
      autoTransferIfOwnerIdleDays: 21,
    },
    splits: { defaultPreset: 'by_contribution', byContribution: { originator: 20, closer: 75, helper: 5 } },
    commission: {
      ...defaultCommissionRules,
      tiers: [
        { fromKopecks: 0, rateBps: 300 },
        { fromKopecks: 50_000_000, rateBps: 600 },
        { fromKopecks: 150_000_000, rateBps: 900 },
      ],
      tierApplication: 'whole',
    },
  },
};

deepFreeze(presets);

export const defaultPolicy: Policy = presets.balanced;

export function isPresetName(name: string): name is PresetName {
  return name === 'team' || name === 'balanced' || name === 'competition';
}
