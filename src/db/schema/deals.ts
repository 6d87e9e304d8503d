import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { clients, legalEntities } from './clients.ts';
import { lines } from './lines.ts';
import { users } from './users.ts';

export const dealStages = ['lead', 'proposal', 'negotiation', 'won', 'lost'] as const;

/**
 * Deals (C9). A won deal is an order: signed / due / paid dates live on it. Money is in kopecks
 * (bigint, read as a JS number: exact up to 2^53 kopecks). won_at is set exactly when the stage is
 * won, lost_at exactly when it is lost; order dates only on won deals (CHECKs below).
 */
export const deals = pgTable(
  'deals',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    lineId: integer('line_id')
      .notNull()
      .references(() => lines.id),
    managerId: integer('manager_id')
      .notNull()
      .references(() => users.id),
    legalEntityId: integer('legal_entity_id').references(() => legalEntities.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    stage: text('stage', { enum: dealStages }).notNull().default('lead'),
    amountKopecks: bigint('amount_kopecks', { mode: 'number' }).notNull(),
    expectedCloseAt: timestamp('expected_close_at', { withTimezone: true }),
    wonAt: timestamp('won_at', { withTimezone: true }),
    lostAt: timestamp('lost_at', { withTimezone: true }),
    lostReason: text('lost_reason'),
    signedAt: timestamp('signed_at', { withTimezone: true }),
    dueAt: timestamp('due_at', { withTimezone: true }),
    paidAt: timestamp('paid_at', { withTimezone: true }),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('deals_client_idx').on(t.clientId),
    index('deals_manager_stage_idx').on(t.managerId, t.stage),
    index('deals_stage_won_idx').on(t.stage, t.wonAt),
    check('deals_stage_ck', sql`${t.stage} in ('lead','proposal','negotiation','won','lost')`),
    check('deals_amount_ck', sql`${t.amountKopecks} >= 0`),
    check('deals_won_at_ck', sql`(${t.stage} = 'won') = (${t.wonAt} is not null)`),
    check('deals_lost_at_ck', sql`(${t.stage} = 'lost') = (${t.lostAt} is not null)`),
    check(
      'deals_order_dates_ck',
      sql`${t.stage} = 'won' or (${t.signedAt} is null and ${t.dueAt} is null and ${t.paidAt} is null)`,
    ),
  ],
);
