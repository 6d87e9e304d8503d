CREATE TABLE "cap_reviews" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cap_reviews_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"manager_id" integer NOT NULL,
	"reviewed_at" timestamp with time zone NOT NULL,
	"policy_version" integer NOT NULL,
	"window_days" integer NOT NULL,
	"revenue_kopecks" bigint NOT NULL,
	"orders" integer NOT NULL,
	"tier" integer,
	"old_cap" integer NOT NULL,
	"new_cap" integer NOT NULL,
	"base_count" integer NOT NULL,
	"release_deadline" timestamp with time zone,
	"actor" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "job_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"job" text NOT NULL,
	"slot" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"summary" jsonb
);
--> statement-breakpoint
ALTER TABLE "ownership" ADD COLUMN "extended_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "cap_deadline_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cap_reviews" ADD CONSTRAINT "cap_reviews_manager_id_users_id_fk" FOREIGN KEY ("manager_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cap_reviews_manager_idx" ON "cap_reviews" USING btree ("manager_id","reviewed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "job_runs_slot_uq" ON "job_runs" USING btree ("job","slot");