DROP INDEX "identity_tokens_prefix_idx";--> statement-breakpoint
ALTER TABLE "identity_tokens" DROP CONSTRAINT "identity_tokens_token_identifier_id_pk";--> statement-breakpoint
ALTER TABLE "identity_tokens" ADD CONSTRAINT "identity_tokens_token_client_id_identifier_id_pk" PRIMARY KEY("token","client_id","identifier_id");--> statement-breakpoint
CREATE INDEX "identity_terms_prefix_idx" ON "identity_terms" USING btree ("term" text_pattern_ops);