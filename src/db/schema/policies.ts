import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

/** Versioned policy documents; the active one is the highest version. Rows are never changed. */
export const policies = pgTable('policies', {
  version: integer('version').primaryKey(),
  document: jsonb('document').notNull().$type<Record<string, unknown>>(),
  note: text('note'),
  createdBy: integer('created_by').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});
