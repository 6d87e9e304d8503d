import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

/** Handovers of a base (C17): who got which client of a manager who left or went on leave. */
export const handovers = pgTable(
  'handovers',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    managerId: integer('manager_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: ['left', 'on_leave'] }).notNull(),
    strategy: text('strategy', { enum: ['manual', 'round_robin', 'by_results'] }).notNull(),
    returnAt: timestamp('return_at', { withTimezone: true }),
    status: text('status', { enum: ['applied', 'returned'] })
      .notNull()
      .default('applied'),
    /** The applied plan: items (client, line, receiver, key) and the receivers' bases. */
    plan: jsonb('plan').notNull().$type<Record<string, unknown>>(),
    policyVersion: integer('policy_version').notNull(),
    createdBy: integer('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    returnedAt: timestamp('returned_at', { withTimezone: true }),
  },
  (t) => [
    index('handovers_manager_idx').on(t.managerId),
    index('handovers_return_idx').on(t.returnAt).where(sql`${t.status} = 'applied'`),
    check('handovers_kind_ck', sql`${t.kind} in ('left','on_leave')`),
    check('handovers_leave_return_ck', sql`(${t.kind} = 'on_leave') = (${t.returnAt} is not null)`),
  ],
);
