CREATE TABLE "touches" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "touches_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"client_id" integer NOT NULL,
	"line_id" integer,
	"author_id" integer NOT NULL,
	"contact_id" integer,
	"kind" text NOT NULL,
	"direction" text DEFAULT 'outbound' NOT NULL,
	"outcome" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"next_step" text,
	"next_step_at" timestamp with time zone,
	"body" text DEFAULT '' NOT NULL,
	CONSTRAINT "touches_kind_ck" CHECK ("touches"."kind" in ('call','meeting','email','proposal','note')),
	CONSTRAINT "touches_direction_ck" CHECK ("touches"."direction" in ('outbound','inbound')),
	CONSTRAINT "touches_outcome_ck" CHECK ("touches"."outcome" is null or "touches"."outcome" in ('reached','not_reached','meeting_held','proposal_sent','refused','other'))
);
--> statement-breakpoint
CREATE TABLE "deals" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "deals_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"client_id" integer NOT NULL,
	"line_id" integer NOT NULL,
	"manager_id" integer NOT NULL,
	"legal_entity_id" integer,
	"title" text NOT NULL,
	"stage" text DEFAULT 'lead' NOT NULL,
	"amount_kopecks" bigint NOT NULL,
	"expected_close_at" timestamp with time zone,
	"won_at" timestamp with time zone,
	"lost_at" timestamp with time zone,
	"lost_reason" text,
	"signed_at" timestamp with time zone,
	"due_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"created_by" integer,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "deals_stage_ck" CHECK ("deals"."stage" in ('lead','proposal','negotiation','won','lost')),
	CONSTRAINT "deals_amount_ck" CHECK ("deals"."amount_kopecks" >= 0),
	CONSTRAINT "deals_won_at_ck" CHECK (("deals"."stage" = 'won') = ("deals"."won_at" is not null)),
	CONSTRAINT "deals_lost_at_ck" CHECK (("deals"."stage" = 'lost') = ("deals"."lost_at" is not null)),
	CONSTRAINT "deals_order_dates_ck" CHECK ("deals"."stage" = 'won' or ("deals"."signed_at" is null and "deals"."due_at" is null and "deals"."paid_at" is null))
);
--> statement-breakpoint
CREATE TABLE "weekly_plan_items" (
	"manager_id" integer NOT NULL,
	"iso_week" text NOT NULL,
	"client_id" integer NOT NULL,
	"goal" text DEFAULT '' NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "weekly_plan_items_manager_id_iso_week_client_id_pk" PRIMARY KEY("manager_id","iso_week","client_id")
);
--> statement-breakpoint
CREATE TABLE "weekly_plans" (
	"manager_id" integer NOT NULL,
	"iso_week" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" integer,
	CONSTRAINT "weekly_plans_manager_id_iso_week_pk" PRIMARY KEY("manager_id","iso_week"),
	CONSTRAINT "weekly_plans_week_ck" CHECK ("weekly_plans"."iso_week" ~ '^[0-9]{4}-W[0-9]{2}$')
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" integer NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone,
	"dedupe_key" text,
	"email_status" text DEFAULT 'pending' NOT NULL,
	"email_attempts" integer DEFAULT 0 NOT NULL,
	"emailed_at" timestamp with time zone,
	"email_error" text,
	CONSTRAINT "notifications_email_status_ck" CHECK ("notifications"."email_status" in ('pending','sent','failed','skipped'))
);
--> statement-breakpoint
ALTER TABLE "touches" ADD CONSTRAINT "touches_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touches" ADD CONSTRAINT "touches_line_id_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touches" ADD CONSTRAINT "touches_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "touches" ADD CONSTRAINT "touches_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deals" ADD CONSTRAINT "deals_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deals" ADD CONSTRAINT "deals_line_id_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deals" ADD CONSTRAINT "deals_manager_id_users_id_fk" FOREIGN KEY ("manager_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deals" ADD CONSTRAINT "deals_legal_entity_id_legal_entities_id_fk" FOREIGN KEY ("legal_entity_id") REFERENCES "public"."legal_entities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deals" ADD CONSTRAINT "deals_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "weekly_plan_items" ADD CONSTRAINT "weekly_plan_items_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "weekly_plan_items" ADD CONSTRAINT "weekly_plan_items_plan_fk" FOREIGN KEY ("manager_id","iso_week") REFERENCES "public"."weekly_plans"("manager_id","iso_week") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "weekly_plans" ADD CONSTRAINT "weekly_plans_manager_id_users_id_fk" FOREIGN KEY ("manager_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "weekly_plans" ADD CONSTRAINT "weekly_plans_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "touches_client_time_idx" ON "touches" USING btree ("client_id","occurred_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "touches_author_time_idx" ON "touches" USING btree ("author_id","occurred_at");--> statement-breakpoint
CREATE INDEX "touches_time_idx" ON "touches" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "deals_client_idx" ON "deals" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "deals_manager_stage_idx" ON "deals" USING btree ("manager_id","stage");--> statement-breakpoint
CREATE INDEX "deals_stage_won_idx" ON "deals" USING btree ("stage","won_at");--> statement-breakpoint
CREATE INDEX "weekly_plan_items_week_idx" ON "weekly_plan_items" USING btree ("iso_week","client_id");--> statement-breakpoint
CREATE INDEX "weekly_plans_week_idx" ON "weekly_plans" USING btree ("iso_week");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_dedupe_uq" ON "notifications" USING btree ("user_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("user_id","read_at","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "notifications_outbox_idx" ON "notifications" USING btree ("id") WHERE "notifications"."email_status" = 'pending';