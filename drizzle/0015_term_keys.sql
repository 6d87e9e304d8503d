-- Transliteration keys move from the postings (a «~unx» posting per word and client: 44 % of all
-- postings) into the vocabulary: identity_terms.key. The keys of existing words are filled in by
-- the application at start-up (src/app/identity/term-keys.ts: the key is computed in JavaScript).
ALTER TABLE "identity_terms" ADD COLUMN "key" text;--> statement-breakpoint
DELETE FROM "identity_tokens" WHERE left("token", 1) = '~';--> statement-breakpoint
DELETE FROM "identity_terms" WHERE left("term", 1) = '~';--> statement-breakpoint
CREATE INDEX "identity_terms_key_idx" ON "identity_terms" USING btree ("key" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "identity_terms_no_key_idx" ON "identity_terms" USING btree ("term") WHERE "identity_terms"."key" IS NULL;
