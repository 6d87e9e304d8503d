import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

/** Result-based cap reviews (C7, R-TIER-2): one row per manager per review, the history of every cap change. */
export const capReviews = pgTable(
  'cap_reviews',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    managerId: integer('manager_id')
      .notNull()
      .references(() => users.id),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }).notNull(),
    policyVersion: integer('policy_version').notNull(),
    windowDays: integer('window_days').notNull(),
    revenueKopecks: bigint('revenue_kopecks', { mode: 'number' }).notNull(),
    orders: integer('orders').notNull(),
    tier: integer('tier'),
    oldCap: integer('old_cap').notNull(),
    newCap: integer('new_cap').notNull(),
    baseCount: integer('base_count').notNull(),
    releaseDeadline: timestamp('release_deadline', { withTimezone: true }),
    actor: text('actor').notNull(),
  },
  (t) => [index('cap_reviews_manager_idx').on(t.managerId, t.reviewedAt)],
);

/** Scheduled jobs that ran (nightly sweep, monthly cap review): lets several instances agree a slot is done. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    job: text('job').notNull(),
    /** The scheduled slot this run covers (e.g. the night's date), so a second instance skips it. */
    slot: text('slot').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    summary: jsonb('summary').$type<Record<string, unknown>>(),
  },
  (t) => [uniqueIndex('job_runs_slot_uq').on(t.job, t.slot)],
);
