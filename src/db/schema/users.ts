import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const users = pgTable(
  'users',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ['manager', 'head', 'admin'] }).notNull(),
    status: text('status', { enum: ['active', 'on_leave', 'left'] })
      .notNull()
      .default('active'),
    hiredAt: timestamp('hired_at', { withTimezone: true }).notNull(),
    /** Per-manager cap (result tiers, C7); null = the policy decides. */
    capOverride: integer('cap_override'),
    /** When a shrunk cap must be met; after it the sweep releases the surplus (R-TIER-2, R-TIER-3). */
    capDeadlineAt: timestamp('cap_deadline_at', { withTimezone: true }),
    /** Internal phone extension, for routing calls to the owner (C18). */
    phoneExtension: text('phone_extension'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('users_email_uq').on(sql`lower(${t.email})`),
    check('users_role_ck', sql`${t.role} in ('manager','head','admin')`),
    check('users_status_ck', sql`${t.status} in ('active','on_leave','left')`),
  ],
);

/** Server-side sessions so that several app instances share them; the id is a SHA-256 of the cookie token. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);
