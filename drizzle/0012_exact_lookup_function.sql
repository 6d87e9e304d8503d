-- The as-you-type telephone path (a phone, an ИНН …): the key's identifiers, the client's name and its
-- owners. As a PL/pgSQL function its statement is planned once per session and then reused, so a lookup
-- costs an index probe and a few joins instead of planning a five-table query every time
-- (app/identity/candidates.ts exactLookup; docs/adr/0003-identity-index.md).
CREATE OR REPLACE FUNCTION fairbase_exact_lookup(p_kind text, p_value text, p_limit integer)
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
  FROM client_identifiers ci JOIN clients c ON c.id = ci.client_id
  WHERE ci.kind = p_kind AND ci.value = p_value
  ORDER BY ci.client_id, ci.id LIMIT p_limit;
END
$$;
