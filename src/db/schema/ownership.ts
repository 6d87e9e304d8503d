import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { clients } from './clients.ts';
import { lines } from './lines.ts';
import { users } from './users.ts';

/** Current owner per (client, line); owner null = in the pool. The primary key is the one-owner rule. */
export const ownership = pgTable(
  'ownership',
  {
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    lineId: integer('line_id')
      .notNull()
      .references(() => lines.id),
    ownerId: integer('owner_id').references(() => users.id),
    since: timestamp('since', { withTimezone: true }).notNull(),
    protectedUntil: timestamp('protected_until', { withTimezone: true }),
    lastReason: text('last_reason'),
    lastEventId: bigint('last_event_id', { mode: 'number' }),
    /** A head's extension of the expiry date (R-EXP-4); cleared when the owner changes. */
    extendedUntil: timestamp('extended_until', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.clientId, t.lineId] }),
    index('ownership_owner_line_idx').on(t.ownerId, t.lineId),
    index('ownership_pool_idx').on(t.lineId, t.clientId).where(sql`${t.ownerId} is null`),
  ],
);

/** The ledger (C4). Append-only: a trigger (migration 0001) rejects UPDATE and DELETE. */
export const ownershipEvents = pgTable(
  'ownership_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    clientId: integer('client_id').notNull(),
    lineId: integer('line_id').notNull(),
    type: text('type').notNull(),
    fromManagerId: integer('from_manager_id'),
    toManagerId: integer('to_manager_id'),
    actor: text('actor').notNull(),
    reasonCode: text('reason_code').notNull(),
    rule: text('rule').notNull(),
    policyVersion: integer('policy_version').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    protectedUntil: timestamp('protected_until', { withTimezone: true }),
    details: jsonb('details').notNull().$type<Record<string, unknown>>(),
  },
  (t) => [
    index('events_client_idx').on(t.clientId, t.lineId, t.id),
    index('events_from_idx').on(t.fromManagerId, t.occurredAt),
    index('events_to_idx').on(t.toManagerId, t.occurredAt),
    index('events_time_idx').on(t.occurredAt),
  ],
);
