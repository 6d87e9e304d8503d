-- The ownership ledger is append-only (C4, R-LEDGER-2): history can be added to, never rewritten.
CREATE OR REPLACE FUNCTION fairbase_ledger_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ownership_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER ownership_events_no_update BEFORE UPDATE OR DELETE ON ownership_events
  FOR EACH ROW EXECUTE FUNCTION fairbase_ledger_append_only();
--> statement-breakpoint
CREATE TRIGGER ownership_events_no_truncate BEFORE TRUNCATE ON ownership_events
  FOR EACH STATEMENT EXECUTE FUNCTION fairbase_ledger_append_only();
