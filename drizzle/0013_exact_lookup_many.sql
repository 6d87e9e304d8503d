-- The exact lookup for several keys at once (ten digits may be an ИНН and a phone): one planned call
-- instead of one per key (on PGlite each call costs about as much as the probe itself). Rows come
-- ordered by client, then by the key's position, as the single-key function orders them by client.
CREATE OR REPLACE FUNCTION fairbase_exact_lookup_many(p_kinds text[], p_values text[], p_limit integer)
RETURNS TABLE (client_id integer, kind text, value text, display text, source_type text, source_id integer,
               display_name text, owners json)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT ci.client_id, ci.kind, ci.value, ci.display, ci.source_type, ci.source_id, c.display_name,
    (SELECT json_agg(json_build_object('lineId', o.line_id, 'lineName', l.name,
        'ownerId', o.owner_id, 'ownerName', u.name, 'since', o.since, 'protectedUntil', o.protected_until,
        'lastReason', o.last_reason) ORDER BY o.line_id)
     FROM ownership o JOIN lines l ON l.id = o.line_id LEFT JOIN users u ON u.id = o.owner_id
     WHERE o.client_id = c.id)
  FROM unnest(p_kinds, p_values) WITH ORDINALITY AS k(k_kind, k_value, k_at)
  JOIN client_identifiers ci ON ci.kind = k.k_kind AND ci.value = k.k_value
  JOIN clients c ON c.id = ci.client_id
  ORDER BY ci.client_id, k.k_at, ci.id LIMIT p_limit;
END
$$;
