ALTER TABLE "client_identifiers" DROP CONSTRAINT "client_identifiers_client_id_clients_id_fk";
--> statement-breakpoint
ALTER TABLE "identity_tokens" DROP CONSTRAINT "identity_tokens_identifier_id_client_identifiers_id_fk";
--> statement-breakpoint
DROP INDEX "client_identifiers_value_prefix_idx";