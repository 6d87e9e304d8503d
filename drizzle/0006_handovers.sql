CREATE TABLE "handovers" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "handovers_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"manager_id" integer NOT NULL,
	"kind" text NOT NULL,
	"strategy" text NOT NULL,
	"return_at" timestamp with time zone,
	"status" text DEFAULT 'applied' NOT NULL,
	"plan" jsonb NOT NULL,
	"policy_version" integer NOT NULL,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"returned_at" timestamp with time zone,
	CONSTRAINT "handovers_kind_ck" CHECK ("handovers"."kind" in ('left','on_leave')),
	CONSTRAINT "handovers_leave_return_ck" CHECK (("handovers"."kind" = 'on_leave') = ("handovers"."return_at" is not null))
);
--> statement-breakpoint
ALTER TABLE "handovers" ADD CONSTRAINT "handovers_manager_id_users_id_fk" FOREIGN KEY ("manager_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handovers" ADD CONSTRAINT "handovers_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "handovers_manager_idx" ON "handovers" USING btree ("manager_id");--> statement-breakpoint
CREATE INDEX "handovers_return_idx" ON "handovers" USING btree ("return_at") WHERE "handovers"."status" = 'applied';