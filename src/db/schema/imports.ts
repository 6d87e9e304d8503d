import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { lines } from './lines.ts';
import { users } from './users.ts';

/**
 * Imports of a CRM export (C20): one row per uploaded file. A dry run stores the plan; applying
 * writes the clients and flips the status in the same transaction (all or nothing). The report is
 * the CSV users download (row, column, reason, decision).
 */
export const imports = pgTable(
  'imports',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    fileName: text('file_name').notNull(),
    preset: text('preset').notNull(),
    /** field → the header labels it is read from. */
    mapping: jsonb('mapping').notNull().$type<Record<string, string[]>>(),
    /** Options of the run: owner column, line, confirmed maybe rows, over cap. */
    options: jsonb('options').notNull().default({}).$type<Record<string, unknown>>(),
    actorId: integer('actor_id')
      .notNull()
      .references(() => users.id),
    lineId: integer('line_id').references(() => lines.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    appliedAt: timestamp('applied_at', { withTimezone: true }),
    status: text('status', { enum: ['dry_run', 'applied', 'failed'] }).notNull(),
    counts: jsonb('counts').notNull().default({}).$type<Record<string, number>>(),
    /** Preview rows and duplicate decisions of the last run (capped), for the wizard. */
    summary: jsonb('summary').notNull().default({}).$type<Record<string, unknown>>(),
    /** The report as CSV text. */
    report: text('report').notNull().default(''),
    error: text('error'),
    /** The uploaded file (base64), kept so that a dry run can be applied later. */
    fileBase64: text('file_base64').notNull(),
  },
  (t) => [
    index('imports_created_idx').on(t.createdAt),
    check('imports_status_ck', sql`${t.status} in ('dry_run','applied','failed')`),
  ],
);
