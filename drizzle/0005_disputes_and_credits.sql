CREATE TABLE "deal_credits" (
	"deal_id" integer NOT NULL,
	"manager_id" integer NOT NULL,
	"role" text NOT NULL,
	"share_bps" integer NOT NULL,
	"source" text NOT NULL,
	"dispute_id" integer,
	"set_at" timestamp with time zone NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "deal_credits_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	CONSTRAINT "deal_credits_deal_id_manager_id_role_pk" PRIMARY KEY("deal_id","manager_id","role"),
	CONSTRAINT "deal_credits_bps_ck" CHECK ("deal_credits"."share_bps" > 0 and "deal_credits"."share_bps" <= 10000),
	CONSTRAINT "deal_credits_role_ck" CHECK ("deal_credits"."role" in ('originator','closer','helper'))
);
--> statement-breakpoint
CREATE TABLE "disputes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "disputes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"client_id" integer NOT NULL,
	"line_id" integer NOT NULL,
	"owner_id" integer NOT NULL,
	"claimant_id" integer NOT NULL,
	"deal_id" integer,
	"trigger" text NOT NULL,
	"reason" text,
	"status" text DEFAULT 'open' NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"deadline_at" timestamp with time zone NOT NULL,
	"policy_version" integer NOT NULL,
	"evidence" jsonb NOT NULL,
	"resolution" text,
	"client_to" integer,
	"shares" jsonb,
	"decided_by" integer,
	"decided_at" timestamp with time zone,
	"decision_rule" text,
	"comment" text,
	CONSTRAINT "disputes_status_ck" CHECK ("disputes"."status" in ('open','resolved')),
	CONSTRAINT "disputes_trigger_ck" CHECK ("disputes"."trigger" in ('won_deal','meeting','manual')),
	CONSTRAINT "disputes_resolution_ck" CHECK (("disputes"."status" = 'resolved') = ("disputes"."resolution" is not null))
);
--> statement-breakpoint
ALTER TABLE "deal_credits" ADD CONSTRAINT "deal_credits_deal_id_deals_id_fk" FOREIGN KEY ("deal_id") REFERENCES "public"."deals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_credits" ADD CONSTRAINT "deal_credits_manager_id_users_id_fk" FOREIGN KEY ("manager_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_client_id_clients_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."clients"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_line_id_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_claimant_id_users_id_fk" FOREIGN KEY ("claimant_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_deal_id_deals_id_fk" FOREIGN KEY ("deal_id") REFERENCES "public"."deals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_client_to_users_id_fk" FOREIGN KEY ("client_to") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deal_credits_manager_idx" ON "deal_credits" USING btree ("manager_id");--> statement-breakpoint
CREATE UNIQUE INDEX "disputes_open_uq" ON "disputes" USING btree ("client_id","line_id") WHERE "disputes"."status" = 'open';--> statement-breakpoint
CREATE INDEX "disputes_owner_idx" ON "disputes" USING btree ("owner_id","status");--> statement-breakpoint
CREATE INDEX "disputes_claimant_idx" ON "disputes" USING btree ("claimant_id","status");--> statement-breakpoint
-- R-CREDIT-1: the credit shares of a deal sum to 100 % (10,000 bps), checked at commit so that a
-- split can be replaced row by row inside one transaction.
CREATE FUNCTION deal_credits_sum_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d integer := COALESCE(NEW.deal_id, OLD.deal_id);
  total bigint;
BEGIN
  SELECT sum(share_bps) INTO total FROM deal_credits WHERE deal_id = d;
  IF total IS NOT NULL AND total <> 10000 THEN
    RAISE EXCEPTION 'credit shares of deal % sum to % bps, not 10000', d, total USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER deal_credits_sum AFTER INSERT OR UPDATE OR DELETE ON deal_credits
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION deal_credits_sum_check();
