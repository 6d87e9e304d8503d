import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './users.ts';

export const clients = pgTable(
  'clients',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    displayName: text('display_name').notNull(),
    notes: text('notes'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    /** Set when this client was merged into another (C2): it stays for the ledger's history, out of lists. */
    mergedInto: integer('merged_into'),
    /** A key client marked by a head (C17): with the top by revenue, it gets a joint meeting in a handover. */
    isKey: boolean('is_key').notNull().default(false),
  },
  (t) => [index('clients_name_trgm').using('gin', sql`lower(${t.displayName}) gin_trgm_ops`)],
);

const clientRef = () =>
  integer('client_id')
    .notNull()
    .references(() => clients.id, { onDelete: 'cascade' });

export const legalEntities = pgTable(
  'legal_entities',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    clientId: clientRef(),
    name: text('name').notNull(),
    legalForm: text('legal_form'),
    inn: text('inn'),
    kpp: text('kpp'),
    ogrn: text('ogrn'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('legal_entities_client_idx').on(t.clientId), index('legal_entities_inn_idx').on(t.inn)],
);

export const brands = pgTable(
  'brands',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    clientId: clientRef(),
    name: text('name').notNull(),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('brands_client_idx').on(t.clientId)],
);

export const contacts = pgTable(
  'contacts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    clientId: clientRef(),
    name: text('name').notNull(),
    position: text('position'),
    isDecisionMaker: boolean('is_decision_maker').notNull().default(false),
    phones: text('phones').array().notNull().default(sql`'{}'::text[]`),
    emails: text('emails').array().notNull().default(sql`'{}'::text[]`),
    doNotContact: boolean('do_not_contact').notNull().default(false),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('contacts_client_idx').on(t.clientId)],
);

export const addresses = pgTable(
  'addresses',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    clientId: clientRef(),
    kind: text('kind', { enum: ['hq', 'branch', 'store', 'other'] }).notNull(),
    address: text('address').notNull(),
    city: text('city'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('addresses_client_idx').on(t.clientId),
    check('addresses_kind_ck', sql`${t.kind} in ('hq','branch','store','other')`),
  ],
);
