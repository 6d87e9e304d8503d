import { boolean, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/** Lines of business (C24): ownership is per (client, line). */
export const lines = pgTable(
  'lines',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('lines_name_uq').on(sql`lower(${t.name})`),
    uniqueIndex('lines_one_default_uq').on(t.isDefault).where(sql`${t.isDefault}`),
  ],
);
