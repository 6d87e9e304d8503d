/**
 * Bulk client generator (the identity benchmark and `fairbase demo` at scale share it): demo-like clients (legal entities, brands, contacts with
 * phones and e-mails, addresses) written set-based — one INSERT … SELECT FROM json per table per chunk,
 * ids assigned here (the database is new and has one writer) — and indexed by the bulk index path
 * (writeIndex with `fresh`), so 1 M clients load in minutes instead of the demo loader's hours.
 *
 * The content comes from the demo generator (generateDemo), one chunk of 10 000 clients per seed:
 * the same industries, names, namesakes, phone formats and typo-free identifiers as `fairbase demo`.
 * No ownership history is written (lookup needs none); every client gets one ownership row per line,
 * in the pool.
 */
import { sql } from 'drizzle-orm';
import { generateDemo } from '../../core/demo/generate-demo.ts';
import { type ClientSnapshot, identifiersOf } from '../../core/identity/identifiers.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';
import { writeIndex } from '../identity/reindex.ts';

const CHUNK = 10_000;

async function nextIds(ex: Executor, table: string): Promise<number> {
  const [r] = await rows<{ n: number }>(ex, sql.raw(`SELECT coalesce(max(id), 0)::int AS n FROM ${table}`));
  return (r?.n ?? 0) + 1;
}

export async function bulkLoadClients(
  ex: Executor,
  opts: {
    clients: number;
    seed: number;
    onProgress?: (done: number) => void;
    /** Write a pool ownership row per client and line (default true; the demo writes its own). */
    ownership?: boolean;
    /** Creation time of client `i` (0-based); default now. */
    createdAt?: (i: number) => Date;
    /** Managers in generateDemo's history simulation (unused here; fewer is faster); default 8. */
    managers?: number;
  },
): Promise<{
  clients: number;
  legalEntities: number;
  brands: number;
  phones: number;
  /** Each client's name core (DemoClient.nameCore), in id order. */
  nameCores: string[];
}> {
  const lines = (await rows<{ id: number }>(ex, sql`SELECT id FROM lines ORDER BY id`)).map((r) => r.id);
  const next = {
    clients: await nextIds(ex, 'clients'),
    legal_entities: await nextIds(ex, 'legal_entities'),
    brands: await nextIds(ex, 'brands'),
    contacts: await nextIds(ex, 'contacts'),
    addresses: await nextIds(ex, 'addresses'),
  };
  const now = new Date().toISOString();
  const totals = { clients: 0, legalEntities: 0, brands: 0, phones: 0, nameCores: [] as string[] };
  for (let start = 0, chunkNo = 0; start < opts.clients; start += CHUNK, chunkNo++) {
    const n = Math.min(CHUNK, opts.clients - start);
    const data = generateDemo({ clients: n, seed: opts.seed + chunkNo, managers: opts.managers });
    const cl: unknown[][] = [];
    const le: unknown[][] = [];
    const br: unknown[][] = [];
    const co: unknown[][] = [];
    const ad: unknown[][] = [];
    const own: unknown[][] = [];
    const snaps: ClientSnapshot[] = [];
    for (const [i, c] of data.clients.entries()) {
      const id = next.clients++;
      totals.nameCores.push(c.nameCore);
      cl.push([id, c.displayName, c.notes, (opts.createdAt?.(start + i) ?? new Date(now)).toISOString()]);
      const snap: ClientSnapshot = {
        id,
        displayName: c.displayName,
        legalEntities: [],
        brands: [],
        contacts: [],
        addresses: [],
      };
      for (const e of c.legalEntities) {
        const eid = next.legal_entities++;
        le.push([eid, id, e.name, e.legalForm, e.inn, e.kpp, e.ogrn]);
        snap.legalEntities.push({ id: eid, name: e.name, inn: e.inn, ogrn: e.ogrn });
      }
      for (const b of c.brands) {
        const bid = next.brands++;
        br.push([bid, id, b]);
        snap.brands.push({ id: bid, name: b });
      }
      for (const k of c.contacts) {
        const kid = next.contacts++;
        co.push([kid, id, k.name, k.position, k.isDecisionMaker, k.phones, k.emails, k.doNotContact]);
        snap.contacts.push({ id: kid, name: k.name, phones: k.phones, emails: k.emails });
        totals.phones += k.phones.length;
      }
      for (const a of c.addresses) {
        const aid = next.addresses++;
        ad.push([aid, id, a.kind, a.address, a.city]);
        snap.addresses.push({ id: aid, address: a.address, city: a.city });
      }
      for (const line of lines) own.push([id, line]);
      snaps.push(snap);
    }
    const j = (x: unknown[][]) => JSON.stringify(x);
    await ex.execute(sql`INSERT INTO clients (id, display_name, notes, created_at, updated_at) OVERRIDING SYSTEM VALUE
      SELECT (r->>0)::int, r->>1, r->>2, (r->>3)::timestamptz, (r->>3)::timestamptz FROM json_array_elements(${j(cl)}::json) r`);
    await ex.execute(sql`INSERT INTO legal_entities (id, client_id, name, legal_form, inn, kpp, ogrn, created_at) OVERRIDING SYSTEM VALUE
      SELECT (r->>0)::int, (r->>1)::int, r->>2, r->>3, r->>4, r->>5, r->>6, ${now}::timestamptz FROM json_array_elements(${j(le)}::json) r`);
    if (br.length)
      await ex.execute(sql`INSERT INTO brands (id, client_id, name, created_at) OVERRIDING SYSTEM VALUE
        SELECT (r->>0)::int, (r->>1)::int, r->>2, ${now}::timestamptz FROM json_array_elements(${j(br)}::json) r`);
    await ex.execute(sql`INSERT INTO contacts (id, client_id, name, position, is_decision_maker, phones, emails, do_not_contact, created_at) OVERRIDING SYSTEM VALUE
      SELECT (r->>0)::int, (r->>1)::int, r->>2, r->>3, (r->>4)::boolean,
        ARRAY(SELECT json_array_elements_text(r->5)), ARRAY(SELECT json_array_elements_text(r->6)),
        (r->>7)::boolean, ${now}::timestamptz
      FROM json_array_elements(${j(co)}::json) r`);
    await ex.execute(sql`INSERT INTO addresses (id, client_id, kind, address, city, created_at) OVERRIDING SYSTEM VALUE
      SELECT (r->>0)::int, (r->>1)::int, r->>2, r->>3, r->>4, ${now}::timestamptz FROM json_array_elements(${j(ad)}::json) r`);
    if (own.length && opts.ownership !== false)
      await ex.execute(sql`INSERT INTO ownership (client_id, line_id, owner_id, since)
        SELECT (r->>0)::int, (r->>1)::int, NULL, ${now}::timestamptz FROM json_array_elements(${j(own)}::json) r`);
    await writeIndex(
      ex,
      [],
      snaps.map((s) => ({ clientId: s.id, identifiers: identifiersOf(s) })),
      { fresh: true },
    );
    totals.clients += n;
    totals.legalEntities += le.length;
    totals.brands += br.length;
    opts.onProgress?.(totals.clients);
  }
  for (const table of ['clients', 'legal_entities', 'brands', 'contacts', 'addresses'])
    await ex.execute(
      sql.raw(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`),
    );
  return totals;
}
