import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import { identifierKinds, sourceTypes } from '../../core/identity/identifiers.ts';
import { clients } from './clients.ts';

/**
 * The identifier index (C2): every normalised key of a client — ИНН, ОГРН, phones, e-mails, company
 * domains, and searchable names of the client, its legal entities, brands, contacts and addresses.
 * Rewritten for a client in the same transaction as any write to its data, so it is never stale.
 */
export const clientIdentifiers = pgTable(
  'client_identifiers',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    // No foreign key (like identity_tokens): derived rows that writeIndex rebuilds from the client's data
    // in the writer's transaction; clients are never deleted (a merge marks them). The per-row check
    // was 15 % of writing the index and share-locked every reindexed client row.
    clientId: integer('client_id').notNull(),
    kind: text('kind', { enum: identifierKinds }).notNull(),
    /** Normalised value: the exact key for ИНН/phone/…, the comparison form for names and addresses. */
    value: text('value').notNull(),
    /** The value as the user wrote it, to show and highlight. */
    display: text('display').notNull(),
    sourceType: text('source_type', { enum: sourceTypes }).notNull(),
    sourceId: integer('source_id').notNull(),
  },
  (t) => [
    index('client_identifiers_kind_value_idx').on(t.kind, t.value),
    index('client_identifiers_client_idx').on(t.clientId),
    check(
      'client_identifiers_kind_ck',
      sql`${t.kind} in ('inn','ogrn','phone','email','domain','display_name','legal_name','brand','contact_name','address')`,
    ),
  ],
);

/**
 * Postings: the search words of name and address identifiers. The primary key (token, client, identifier) answers "which clients carry this word"
 * from the index alone; prefixes are expanded on the vocabulary (identity_terms), not here.
 */
export const identityTokens = pgTable(
  'identity_tokens',
  {
    token: text('token').notNull(),
    // No foreign key: postings are derived rows that writeIndex deletes together with their
    // identifiers in one statement; a per-row FK check doubled the cost of writing them.
    identifierId: bigint('identifier_id', { mode: 'number' }).notNull(),
    clientId: integer('client_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.token, t.clientId, t.identifierId] }),
    index('identity_tokens_identifier_idx').on(t.identifierId),
  ],
);

/**
 * The vocabulary of search words: small enough for a fast trigram match of a misspelled word, and
 * a `text_pattern_ops` btree for the completions of a typed prefix (a range scan, any collation).
 * `key` is the word's transliteration key (core translitKey; '' when it has none), so «unix» finds
 * «Юникс» through the vocabulary: key → words → their postings (ADR 0003). NULL only on words
 * written before migration 0015 and not yet filled in (term-keys.ts, at start-up).
 */
export const identityTerms = pgTable(
  'identity_terms',
  { term: text('term').primaryKey(), key: text('key') },
  (t) => [
    index('identity_terms_trgm').using('gin', sql`${t.term} gin_trgm_ops`),
    index('identity_terms_prefix_idx').on(sql`${t.term} text_pattern_ops`),
    index('identity_terms_key_idx').on(sql`${t.key} text_pattern_ops`),
    index('identity_terms_no_key_idx').on(t.term).where(sql`${t.key} IS NULL`),
  ],
);

/** A client created (or data added) although it matched an existing client: who, why, and what it matched. */
export const duplicateOverrides = pgTable(
  'duplicate_overrides',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    actorId: integer('actor_id').notNull(),
    reason: text('reason').notNull(),
    candidates: jsonb('candidates').notNull().$type<unknown[]>(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('duplicate_overrides_client_idx').on(t.clientId)],
);

/** API tokens for machines (a PBX asking "who is calling?"): only the SHA-256 is stored; revocable. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    /** What the token may do: 'telephony' (caller lookup only) or 'full' (acts as its creator on the API). */
    scope: text('scope', { enum: ['telephony', 'full'] }).notNull(),
    createdBy: integer('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [check('api_tokens_scope_ck', sql`${t.scope} in ('telephony','full')`)],
);
