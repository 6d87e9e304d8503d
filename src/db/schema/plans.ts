import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { clients } from './clients.ts';
import { users } from './users.ts';

/** Weekly plans (C13): one per manager and ISO week ('2026-W48'); kept forever as history. */
export const weeklyPlans = pgTable(
  'weekly_plans',
  {
    managerId: integer('manager_id')
      .notNull()
      .references(() => users.id),
    isoWeek: text('iso_week').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    /** Who last saved it (the manager, or a head editing a past week). */
    updatedBy: integer('updated_by').references(() => users.id),
  },
  (t) => [
    primaryKey({ columns: [t.managerId, t.isoWeek] }),
    index('weekly_plans_week_idx').on(t.isoWeek),
    check('weekly_plans_week_ck', sql`${t.isoWeek} ~ '^[0-9]{4}-W[0-9]{2}$'`),
  ],
);

/** The clients of a weekly plan with a goal each. */
export const weeklyPlanItems = pgTable(
  'weekly_plan_items',
  {
    managerId: integer('manager_id').notNull(),
    isoWeek: text('iso_week').notNull(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    goal: text('goal').notNull().default(''),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.managerId, t.isoWeek, t.clientId] }),
    foreignKey({
      name: 'weekly_plan_items_plan_fk',
      columns: [t.managerId, t.isoWeek],
      foreignColumns: [weeklyPlans.managerId, weeklyPlans.isoWeek],
    }).onDelete('cascade'),
    index('weekly_plan_items_week_idx').on(t.isoWeek, t.clientId),
  ],
);
