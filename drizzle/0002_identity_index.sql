CREATE TABLE "api_tokens" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "api_tokens_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"scope" text NOT NULL,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash"),
	CONSTRAINT "api_tokens_scope_ck" CHECK ("api_tokens"."scope" in ('telephony'))
);
--> statement-breakpoint
CREATE TABLE "client_identifiers" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "client_identifiers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"client_id" integer NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	"display" text NOT NULL,
	"source_type" text NOT NULL,
	"source_id" integer NOT NULL,
	CONSTRAINT "client_identifiers_kind_ck" CHECK ("client_identifiers"."kind" in ('inn','ogrn','phone','email','domain','display_name','legal_name','brand','contact_name','address'))
);
--> statement-breakpoint
CREATE TABLE "duplicate_overrides" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "duplicate_overrides_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"client_id" integer NOT NULL,
	"actor_id" integer NOT NULL,
	"reason" text NOT NULL,
	"candidates" jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity_terms" (
	"term" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity_tokens" (
	"token" text NOT NULL,
	"identifier_id" bigint NOT NULL,
	"client_id" integer NOT NULL,
	CONSTRAINT "identity_tokens_token_identifier_id_pk" PRIMARY KEY("token","identifier_id")
);
--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "merged_into" integer;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "phone_extension" text;--> statement-breakpoint
ALTER TABLE "client_identifiers" ADD CONSTRAINT "client_identifiers_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "duplicate_overrides" ADD CONSTRAINT "duplicate_overrides_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_tokens" ADD CONSTRAINT "identity_tokens_identifier_id_client_identifiers_id_fk" FOREIGN KEY ("identifier_id") REFERENCES "public"."client_identifiers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "client_identifiers_kind_value_idx" ON "client_identifiers" USING btree ("kind","value");--> statement-breakpoint
CREATE INDEX "client_identifiers_value_prefix_idx" ON "client_identifiers" USING btree ("kind","value" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "client_identifiers_client_idx" ON "client_identifiers" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "duplicate_overrides_client_idx" ON "duplicate_overrides" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "identity_terms_trgm" ON "identity_terms" USING gin ("term" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "identity_tokens_prefix_idx" ON "identity_tokens" USING btree ("token" text_pattern_ops,"client_id");--> statement-breakpoint
CREATE INDEX "identity_tokens_identifier_idx" ON "identity_tokens" USING btree ("identifier_id");