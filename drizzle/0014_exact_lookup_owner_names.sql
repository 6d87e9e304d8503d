-- The exact lookup names each owner's line and manager by a subselect on the primary key instead of
-- joining lines and users inside the owners aggregate: the joins were planned into hash joins that
-- read both tables on every call, about a third of the lookup on PGlite (0.38 → 0.30 ms at p50 on
-- 100,000 clients, where a bare probe of the identifier takes 0.27 ms; docs/adr/0003-identity-index.md).
-- Same columns and rows as migration 0012.
CREATE OR REPLACE FUNCTION fairbase_exact_lookup(p_kind text, p_value text, p_limit integer)
RETURNS TABLE (client_id integer, kind text, value text, display text, source_type text, source_id integer,
               display_name text, owners json)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT ci.client_id, ci.kind, ci.value, ci.display, ci.source_type, ci.source_id, c.display_name,
    (SELECT json_agg(json_build_object('lineId', o.line_id,
        'lineName', (SELECT l.name FROM lines l WHERE l.id = o.line_id),
        'ownerId', o.owner_id,
        'ownerName', (SELECT u.name FROM users u WHERE u.id = o.owner_id),
        'since', o.since, 'protectedUntil', o.protected_until, 'lastReason', o.last_reason) ORDER BY o.line_id)
     FROM ownership o
     WHERE o.client_id = c.id)
  FROM client_identifiers ci JOIN clients c ON c.id = ci.client_id
  WHERE ci.kind = p_kind AND ci.value = p_value
  ORDER BY ci.client_id, ci.id LIMIT p_limit;
END
$$;
--> statement-breakpoint
-- Ten digits that are a valid ИНН and a phone: the keys in order, the rows of the first one any client
-- has (app/identity/candidates.ts exactLookup). One call instead of a second round trip when the ИНН
-- reading finds nobody, which on PGlite cost as much as the probe itself.
CREATE OR REPLACE FUNCTION fairbase_exact_lookup_first(p_kinds text[], p_values text[], p_limit integer)
RETURNS TABLE (client_id integer, kind text, value text, display text, source_type text, source_id integer,
               display_name text, owners json)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_kinds, 1), 0) LOOP
    RETURN QUERY SELECT * FROM fairbase_exact_lookup(p_kinds[i], p_values[i], p_limit);
    IF FOUND THEN
      RETURN;
    END IF;
  END LOOP;
END
$$;
