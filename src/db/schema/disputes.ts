import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { clients } from './clients.ts';
import { deals } from './deals.ts';
import { lines } from './lines.ts';
import { users } from './users.ts';

/** Disputes (C11): who keeps a client a non-owner sold to, with the evidence frozen at opening. */
export const disputes = pgTable(
  'disputes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id),
    lineId: integer('line_id')
      .notNull()
      .references(() => lines.id),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id),
    claimantId: integer('claimant_id')
      .notNull()
      .references(() => users.id),
    dealId: integer('deal_id').references(() => deals.id),
    trigger: text('trigger', { enum: ['won_deal', 'meeting', 'manual'] }).notNull(),
    reason: text('reason'),
    status: text('status', { enum: ['open', 'resolved'] })
      .notNull()
      .default('open'),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    deadlineAt: timestamp('deadline_at', { withTimezone: true }).notNull(),
    policyVersion: integer('policy_version').notNull(),
    /** Frozen at opening (core DisputeEvidence); never updated. */
    evidence: jsonb('evidence').notNull().$type<Record<string, unknown>>(),
    resolution: text('resolution', { enum: ['keep', 'transfer', 'split'] }),
    clientTo: integer('client_to').references(() => users.id),
    shares: jsonb('shares').$type<{ managerId: number; role: string; bps: number }[]>(),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionRule: text('decision_rule'),
    comment: text('comment'),
  },
  (t) => [
    // One open dispute per client and line: a second claim joins the queue after the first is settled.
    uniqueIndex('disputes_open_uq').on(t.clientId, t.lineId).where(sql`${t.status} = 'open'`),
    index('disputes_owner_idx').on(t.ownerId, t.status),
    index('disputes_claimant_idx').on(t.claimantId, t.status),
    check('disputes_status_ck', sql`${t.status} in ('open','resolved')`),
    check('disputes_trigger_ck', sql`${t.trigger} in ('won_deal','meeting','manual')`),
    check('disputes_resolution_ck', sql`(${t.status} = 'resolved') = (${t.resolution} is not null)`),
  ],
);

/**
 * Credit of an order (C12): who gets which share, in basis points. The shares of a deal sum to
 * 10,000: a deferred constraint trigger (migration) checks it at commit.
 */
export const dealCredits = pgTable(
  'deal_credits',
  {
    dealId: integer('deal_id')
      .notNull()
      .references(() => deals.id, { onDelete: 'cascade' }),
    managerId: integer('manager_id')
      .notNull()
      .references(() => users.id),
    role: text('role', { enum: ['originator', 'closer', 'helper'] }).notNull(),
    shareBps: integer('share_bps').notNull(),
    source: text('source').notNull(),
    disputeId: integer('dispute_id'),
    setAt: timestamp('set_at', { withTimezone: true }).notNull(),
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
  },
  (t) => [
    primaryKey({ columns: [t.dealId, t.managerId, t.role] }),
    index('deal_credits_manager_idx').on(t.managerId),
    check('deal_credits_bps_ck', sql`${t.shareBps} > 0 and ${t.shareBps} <= 10000`),
    check('deal_credits_role_ck', sql`${t.role} in ('originator','closer','helper')`),
  ],
);
