import { sql } from 'drizzle-orm';
import type { UserStatus } from '../../core/ownership/types.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';

/**
 * "Who is calling?" for a PBX (C18, C2): the caller's number, already normalised to E.164, looked
 * up exactly in the identifier index (kind 'phone'); merged clients are skipped (they live on in
 * their survivor). Two indexed reads, no scoring: a PBX waits on this before it rings anyone.
 */
export type CallerOwner = {
  lineId: number;
  lineName: string;
  ownerId: number;
  ownerName: string;
  ownerExtension: string | null;
  ownerStatus: UserStatus;
};

export type CallerClient = {
  clientId: number;
  displayName: string;
  /** The phone as it was written on the client card, and the contact it belongs to (if a contact's). */
  matched: { display: string; contactName: string | null };
  /** The lines on which somebody owns the client (pool lines are not listed). */
  owners: CallerOwner[];
  status: 'owned' | 'pool';
};

export type CallerLookup = { phone: string; found: boolean; clients: CallerClient[] };

/** Clients sharing one phone are rare; a PBX needs a handful at most. */
export const CALLER_LOOKUP_LIMIT = 5;

export async function whoIsCalling(
  ex: Executor,
  e164: string,
  limit = CALLER_LOOKUP_LIMIT,
): Promise<CallerLookup> {
  const hits = await rows<{
    client_id: number;
    display_name: string;
    display: string;
    contact_name: string | null;
  }>(
    ex,
    sql`SELECT DISTINCT ON (ci.client_id) ci.client_id, c.display_name, ci.display, ct.name AS contact_name
        FROM client_identifiers ci
        JOIN clients c ON c.id = ci.client_id
        LEFT JOIN contacts ct ON ci.source_type = 'contact' AND ct.id = ci.source_id
        WHERE ci.kind = 'phone' AND ci.value = ${e164} AND c.merged_into IS NULL
        ORDER BY ci.client_id, ci.id
        LIMIT 100`,
  );
  if (hits.length === 0) return { phone: e164, found: false, clients: [] };
  const ids = sql.join(
    hits.map((h) => sql`${h.client_id}`),
    sql`, `,
  );
  const owned = await rows<{
    client_id: number;
    line_id: number;
    line_name: string;
    owner_id: number;
    owner_name: string;
    phone_extension: string | null;
    status: UserStatus;
  }>(
    ex,
    sql`SELECT o.client_id, o.line_id, l.name AS line_name, o.owner_id, u.name AS owner_name,
               u.phone_extension, u.status
        FROM ownership o
        JOIN lines l ON l.id = o.line_id
        JOIN users u ON u.id = o.owner_id
        WHERE o.client_id IN (${ids})
        ORDER BY o.client_id, o.line_id`,
  );
  const owners = new Map<number, CallerOwner[]>();
  for (const o of owned) {
    const list = owners.get(o.client_id) ?? [];
    list.push({
      lineId: o.line_id,
      lineName: o.line_name,
      ownerId: o.owner_id,
      ownerName: o.owner_name,
      ownerExtension: o.phone_extension?.trim() || null,
      ownerStatus: o.status,
    });
    owners.set(o.client_id, list);
  }
  const clients: CallerClient[] = hits.map((h) => {
    const list = owners.get(h.client_id) ?? [];
    return {
      clientId: h.client_id,
      displayName: h.display_name,
      matched: { display: h.display, contactName: h.contact_name },
      owners: list,
      status: list.length > 0 ? 'owned' : 'pool',
    };
  });
  // Owned clients first (they decide the routing), then by id: a stable answer for the same call.
  clients.sort(
    (a, b) => Number(b.status === 'owned') - Number(a.status === 'owned') || a.clientId - b.clientId,
  );
  return { phone: e164, found: true, clients: clients.slice(0, limit) };
}

/**
 * Extensions a dialplan may dial: letters, digits and `_ * # + -` only, so that a stray value in
 * users.phone_extension can't smuggle `&` (a second Dial target) or `,` (Dial options) into the PBX.
 */
const SAFE_EXTENSION = /^[A-Za-z0-9_*#+-]{1,32}$/;

/**
 * Where a PBX should ring (the plain-text answer): the extension of the caller's owner when it is
 * unambiguous — every active owner of every matched client has the same usable extension. Null
 * (ring the queue / the duty manager) for an unknown number, a pool client, an owner on leave or
 * gone, an owner with no extension, or owners who disagree (the phone is on two clients owned by
 * two managers, or one client owned per line by two managers).
 */
export function routeExtension(found: CallerLookup): string | null {
  const extensions = new Set<string>();
  for (const c of found.clients)
    for (const o of c.owners) {
      if (o.ownerStatus !== 'active') continue;
      if (!o.ownerExtension || !SAFE_EXTENSION.test(o.ownerExtension)) return null;
      extensions.add(o.ownerExtension);
    }
  return extensions.size === 1 ? [...extensions][0]! : null;
}
