-- The exact lookup for several keys at once (an e-mail and its company domain): one planned call
-- instead of one statement per key (on PGlite each call costs about as much as the probe itself).
-- Each key goes through fairbase_exact_lookup (migration 0012); rows come ordered by client, then by
-- the key's position.
CREATE OR REPLACE FUNCTION fairbase_exact_lookup_many(p_kinds text[], p_values text[], p_limit integer)
RETURNS TABLE (client_id integer, kind text, value text, display text, source_type text, source_id integer,
               display_name text, owners json)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
  SELECT f.client_id, f.kind, f.value, f.display, f.source_type, f.source_id, f.display_name, f.owners
  FROM unnest(p_kinds, p_values) WITH ORDINALITY AS k(k_kind, k_value, k_at)
  CROSS JOIN LATERAL fairbase_exact_lookup(k.k_kind, k.k_value, p_limit) AS f
  ORDER BY f.client_id, k.k_at LIMIT p_limit;
END
$$;
