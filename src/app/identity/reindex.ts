import { and, inArray, isNull, sql } from 'drizzle-orm';
import { type ClientSnapshot, type Identifier, identifiersOf } from '../../core/identity/identifiers.ts';
import type { Executor } from '../../db/connect.ts';
import { inSequence } from '../../db/raw.ts';
import {
  addresses,
  brands,
  clientIdentifiers,
  clients,
  contacts,
  identityTerms,
  identityTokens,
  legalEntities,
} from '../../db/schema/index.ts';

const CHUNK = 1000;

async function snapshots(ex: Executor, ids: number[]): Promise<ClientSnapshot[]> {
  const [cs, le, br, co, ad] = await inSequence([
    ex
      .select({ id: clients.id, displayName: clients.displayName })
      .from(clients)
      // A merged client has no identity of its own any more: it is found through the survivor.
      .where(and(inArray(clients.id, ids), isNull(clients.mergedInto))),
    ex
      .select({
        id: legalEntities.id,
        clientId: legalEntities.clientId,
        name: legalEntities.name,
        inn: legalEntities.inn,
        ogrn: legalEntities.ogrn,
      })
      .from(legalEntities)
      .where(inArray(legalEntities.clientId, ids)),
    ex
      .select({ id: brands.id, clientId: brands.clientId, name: brands.name })
      .from(brands)
      .where(inArray(brands.clientId, ids)),
    ex
      .select({
        id: contacts.id,
        clientId: contacts.clientId,
        name: contacts.name,
        phones: contacts.phones,
        emails: contacts.emails,
      })
      .from(contacts)
      .where(inArray(contacts.clientId, ids)),
    ex
      .select({
        id: addresses.id,
        clientId: addresses.clientId,
        address: addresses.address,
        city: addresses.city,
      })
      .from(addresses)
      .where(inArray(addresses.clientId, ids)),
  ]);
  const byId = new Map<number, ClientSnapshot>(
    cs.map((c) => [c.id, { ...c, legalEntities: [], brands: [], contacts: [], addresses: [] }]),
  );
  for (const e of le) byId.get(e.clientId)?.legalEntities.push(e);
  for (const b of br) byId.get(b.clientId)?.brands.push(b);
  for (const k of co) byId.get(k.clientId)?.contacts.push(k);
  for (const a of ad) byId.get(a.clientId)?.addresses.push(a);
  return [...byId.values()];
}

/**
 * Rebuild the identifier index of these clients from their current data, in the caller's
 * transaction (C2: "maintained in the same transaction as every write").
 */
export async function reindexClients(ex: Executor, clientIds: number[]): Promise<void> {
  if (clientIds.length === 0) return;
  const ids = [...new Set(clientIds)];
  const snaps = await snapshots(ex, ids);
  await ex.delete(clientIdentifiers).where(inArray(clientIdentifiers.clientId, ids));
  const rowsToInsert: (Identifier & { clientId: number })[] = [];
  for (const s of snaps) for (const i of identifiersOf(s)) rowsToInsert.push({ ...i, clientId: s.id });
  const terms = new Set<string>();
  for (let i = 0; i < rowsToInsert.length; i += CHUNK) {
    const chunk = rowsToInsert.slice(i, i + CHUNK);
    const inserted = await ex
      .insert(clientIdentifiers)
      .values(chunk.map(({ tokens: _t, ...r }) => r))
      .returning({ id: clientIdentifiers.id });
    const tokens: { token: string; identifierId: number; clientId: number }[] = [];
    chunk.forEach((r, j) => {
      for (const t of r.tokens) {
        tokens.push({ token: t, identifierId: inserted[j]!.id, clientId: r.clientId });
        terms.add(t);
      }
    });
    for (let k = 0; k < tokens.length; k += CHUNK)
      await ex.insert(identityTokens).values(tokens.slice(k, k + CHUNK));
  }
  // Sorted, so two writers adding overlapping words cannot deadlock on the vocabulary.
  const sorted = [...terms].sort();
  for (let k = 0; k < sorted.length; k += CHUNK) {
    await ex
      .insert(identityTerms)
      .values(sorted.slice(k, k + CHUNK).map((term) => ({ term })))
      .onConflictDoNothing();
  }
}

/** Rebuild the whole index (after an upgrade that adds the index to existing data). */
export async function reindexAll(ex: Executor, onProgress?: (done: number) => void): Promise<number> {
  let last = 0;
  let done = 0;
  for (;;) {
    const batch = (await ex.execute(
      sql`SELECT id FROM clients WHERE id > ${last} ORDER BY id LIMIT 2000`,
    )) as unknown as {
      rows: { id: number }[];
    };
    if (batch.rows.length === 0) return done;
    const ids = batch.rows.map((r) => r.id);
    await reindexClients(ex, ids);
    last = ids[ids.length - 1]!;
    done += ids.length;
    onProgress?.(done);
  }
}
