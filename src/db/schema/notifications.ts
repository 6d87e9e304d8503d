import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { users } from './users.ts';

export const emailStatuses = ['pending', 'sent', 'failed', 'skipped'] as const;

/**
 * Notifications (C15), stored per user with read/unread. A scheduled warning passes a dedupe_key
 * so that writing it twice (a second sweep at the same now) stores it once: unique (user_id, dedupe_key).
 * The row is also the e-mail outbox: email_status goes pending → sent | failed (after retries) | skipped.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true }),
    dedupeKey: text('dedupe_key'),
    emailStatus: text('email_status', { enum: emailStatuses }).notNull().default('pending'),
    emailAttempts: integer('email_attempts').notNull().default(0),
    emailedAt: timestamp('emailed_at', { withTimezone: true }),
    emailError: text('email_error'),
  },
  (t) => [
    uniqueIndex('notifications_dedupe_uq').on(t.userId, t.dedupeKey),
    index('notifications_user_idx').on(t.userId, t.readAt, t.createdAt.desc()),
    index('notifications_outbox_idx').on(t.id).where(sql`${t.emailStatus} = 'pending'`),
    check('notifications_email_status_ck', sql`${t.emailStatus} in ('pending','sent','failed','skipped')`),
  ],
);
