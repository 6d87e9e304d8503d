import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { clients, contacts } from './clients.ts';
import { lines } from './lines.ts';
import { users } from './users.ts';

export const touchKinds = ['call', 'meeting', 'email', 'proposal', 'note'] as const;
export const touchDirections = ['outbound', 'inbound'] as const;
export const touchOutcomes = [
  'reached',
  'not_reached',
  'meeting_held',
  'proposal_sent',
  'refused',
  'other',
] as const;

/**
 * Touches (C8): every call, meeting, e-mail, proposal or note about a client, visible to all.
 * line_id null = the touch concerns all lines. "Last contacted" is read with the
 * (client_id, occurred_at desc) index, not a denormalised column (see docs/ARCHITECTURE.md).
 */
export const touches = pgTable(
  'touches',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    lineId: integer('line_id').references(() => lines.id),
    authorId: integer('author_id')
      .notNull()
      .references(() => users.id),
    contactId: integer('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    kind: text('kind', { enum: touchKinds }).notNull(),
    direction: text('direction', { enum: touchDirections }).notNull().default('outbound'),
    outcome: text('outcome', { enum: touchOutcomes }),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    nextStep: text('next_step'),
    nextStepAt: timestamp('next_step_at', { withTimezone: true }),
    body: text('body').notNull().default(''),
  },
  (t) => [
    index('touches_client_time_idx').on(t.clientId, t.occurredAt.desc()),
    index('touches_author_time_idx').on(t.authorId, t.occurredAt),
    index('touches_time_idx').on(t.occurredAt),
    check('touches_kind_ck', sql`${t.kind} in ('call','meeting','email','proposal','note')`),
    check('touches_direction_ck', sql`${t.direction} in ('outbound','inbound')`),
    check(
      'touches_outcome_ck',
      sql`${t.outcome} is null or ${t.outcome} in ('reached','not_reached','meeting_held','proposal_sent','refused','other')`,
    ),
  ],
);
