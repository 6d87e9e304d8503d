import { type SQL, sql } from 'drizzle-orm';
import { normalizePhone } from '../../core/identity/normalize.ts';
import {
  type IdentifierError,
  type IdentifierResult,
  validateInn,
  validateKpp,
  validateOgrn,
  validateOgrnip,
} from '../../core/identity/ru-identifiers.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';
import { activePolicy } from '../policy-store.ts';
import { type DuplicateCluster, findDuplicateClients } from './dedupe-base.ts';

/**
 * The base review (C23): a data-hygiene report over the whole base — legal entities with an invalid
 * ИНН / КПП / ОГРН, contact phones that can't be parsed, contacts and legal entities nobody has
 * worked with for long, and likely duplicate clients. Read-only; merged clients are left out (they
 * live on in their survivor).
 *
 * "Untouched for N days": touches (C8) are not recorded yet. Until they are, the proxy is: the
 * record was created more than N days ago AND the ledger holds no ownership event (claim, release,
 * transfer, expiry…) for its client in the last N days. The report says so in `basis`; when touches
 * arrive, the stale sections should switch to "no touch in N days" and `basis` to say that.
 */
export const REVIEW_BASIS = 'created_at_and_ledger' as const;
export const DEFAULT_UNTOUCHED_DAYS = 730;
export const DEFAULT_REVIEW_LIMIT = 100;

const DAY_MS = 86_400_000;
/** Rows fetched per round trip while scanning; the scans are keyset-paginated, never OFFSET. */
const BATCH = 5_000;

export type InvalidIdentifier = {
  clientId: number;
  displayName: string;
  legalEntityId: number;
  legalEntityName: string;
  field: 'inn' | 'kpp' | 'ogrn';
  value: string;
  error: IdentifierError;
};

export type UnparseablePhone = {
  clientId: number;
  displayName: string;
  contactId: number;
  contactName: string;
  value: string;
  error: 'INVALID_PHONE' | 'EMPTY';
};

export type StaleContact = {
  clientId: number;
  displayName: string;
  contactId: number;
  contactName: string;
  createdAt: Date;
  /** The client's latest ownership event, if any (older than the cut-off by definition). */
  lastEventAt: Date | null;
};

export type StaleLegalEntity = {
  clientId: number;
  displayName: string;
  legalEntityId: number;
  legalEntityName: string;
  inn: string | null;
  createdAt: Date;
  lastEventAt: Date | null;
};

/** Placeholder shape until findDuplicateClients (src/app/identity/dedupe-base.ts) is wired in. */
export type LikelyDuplicate = DuplicateCluster;

export type ReviewReport = {
  generatedAt: Date;
  untouchedDays: number;
  /** Records created before this instant (and with no ledger event since) count as untouched. */
  untouchedSince: Date;
  /** How "untouched" was decided: creation date and the ownership ledger (no touches yet). */
  basis: typeof REVIEW_BASIS;
  /** Each list holds at most this many items; `counts` are the full totals. */
  limit: number;
  invalidIdentifiers: InvalidIdentifier[];
  unparseablePhones: UnparseablePhone[];
  staleContacts: StaleContact[];
  staleLegalEntities: StaleLegalEntity[];
  likelyDuplicates: LikelyDuplicate[];
  counts: {
    invalidIdentifiers: number;
    unparseablePhones: number;
    staleContacts: number;
    staleLegalEntities: number;
    likelyDuplicates: number;
  };
};

export type ReviewOptions = { untouchedDays?: number; now: Date; limit?: number };

export async function reviewBase(ex: Executor, opts: ReviewOptions): Promise<ReviewReport> {
  const untouchedDays = opts.untouchedDays ?? DEFAULT_UNTOUCHED_DAYS;
  const limit = opts.limit ?? DEFAULT_REVIEW_LIMIT;
  const cutoff = new Date(opts.now.getTime() - untouchedDays * DAY_MS);
  const [ids, phones, contacts, entities] = await Promise.all([
    invalidIdentifiers(ex, limit),
    unparseablePhones(ex, limit),
    staleContacts(ex, cutoff, limit),
    staleLegalEntities(ex, cutoff, limit),
  ]);
  // Likely duplicates: the same clustering as `fairbase dedupe --base`, under the active policy's weights.
  const rules = (await activePolicy(ex)).policy.identity;
  const likelyDuplicates: LikelyDuplicate[] = await findDuplicateClients(ex, rules, { limit });
  return {
    generatedAt: opts.now,
    untouchedDays,
    untouchedSince: cutoff,
    basis: REVIEW_BASIS,
    limit,
    invalidIdentifiers: ids.items,
    unparseablePhones: phones.items,
    staleContacts: contacts.items,
    staleLegalEntities: entities.items,
    likelyDuplicates,
    counts: {
      invalidIdentifiers: ids.total,
      unparseablePhones: phones.total,
      staleContacts: contacts.total,
      staleLegalEntities: entities.total,
      likelyDuplicates: likelyDuplicates.length,
    },
  };
}

const ogrnAny = (v: string): IdentifierResult =>
  v.replace(/\D/g, '').length === 15 ? validateOgrnip(v) : validateOgrn(v);
const VALIDATORS = { inn: validateInn, kpp: validateKpp, ogrn: ogrnAny } as const;

/**
 * Legal entities whose ИНН, КПП or ОГРН fails its checksum or format, re-validated by the core's
 * validators (the API refuses such values, so they come from imports, old data or direct SQL).
 * SQL only narrows the scan: an ИНН / ОГРН that sits in the identifier index under the same
 * spelling was valid when indexed (invalid ones are never indexed), and a КПП of the right shape is
 * valid (it has no checksum); everything else is checked here. A stale index only costs time.
 */
async function invalidIdentifiers(ex: Executor, limit: number) {
  const items: InvalidIdentifier[] = [];
  let total = 0;
  let cursor = 0;
  for (;;) {
    const batch = await rows<{
      id: number;
      client_id: number;
      display_name: string;
      name: string;
      inn: string | null;
      kpp: string | null;
      ogrn: string | null;
    }>(
      ex,
      sql`SELECT le.id, le.client_id, c.display_name, le.name, le.inn, le.kpp, le.ogrn
          FROM legal_entities le
          JOIN clients c ON c.id = le.client_id
          WHERE le.id > ${cursor} AND c.merged_into IS NULL AND (
            (btrim(coalesce(le.inn, '')) <> '' AND NOT EXISTS (
              SELECT 1 FROM client_identifiers ci WHERE ci.client_id = le.client_id AND ci.kind = 'inn'
                AND ci.source_type = 'legal_entity' AND ci.source_id = le.id AND ci.display = le.inn))
            OR (btrim(coalesce(le.ogrn, '')) <> '' AND NOT EXISTS (
              SELECT 1 FROM client_identifiers ci WHERE ci.client_id = le.client_id AND ci.kind = 'ogrn'
                AND ci.source_type = 'legal_entity' AND ci.source_id = le.id AND ci.display = le.ogrn))
            OR (btrim(coalesce(le.kpp, '')) <> ''
              AND upper(le.kpp) !~ '^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$'))
          ORDER BY le.id
          LIMIT ${BATCH}`,
    );
    for (const r of batch) {
      for (const field of ['inn', 'kpp', 'ogrn'] as const) {
        const value = r[field];
        if (value === null || value.trim() === '') continue;
        const v = VALIDATORS[field](value);
        if (v.ok) continue;
        total += 1;
        if (items.length < limit)
          items.push({
            clientId: r.client_id,
            displayName: r.display_name,
            legalEntityId: r.id,
            legalEntityName: r.name,
            field,
            value,
            error: v.error,
          });
      }
    }
    if (batch.length < BATCH) break;
    cursor = batch[batch.length - 1]!.id;
  }
  return { items, total };
}

/**
 * Contact phones that normalizePhone rejects (no area code, letters, two numbers in one field, an
 * empty entry…). As above, a phone indexed under the same spelling for the same contact parsed when
 * it was indexed, so SQL skips it; the rest is parsed here.
 */
async function unparseablePhones(ex: Executor, limit: number) {
  const items: UnparseablePhone[] = [];
  let total = 0;
  let cursor = { id: 0, n: 0 };
  for (;;) {
    const batch = await rows<{
      id: number;
      n: number;
      client_id: number;
      display_name: string;
      name: string;
      phone: string;
    }>(
      ex,
      sql`SELECT ct.id, p.n::int AS n, ct.client_id, c.display_name, ct.name, p.phone
          FROM contacts ct
          JOIN clients c ON c.id = ct.client_id
          CROSS JOIN LATERAL unnest(ct.phones) WITH ORDINALITY AS p(phone, n)
          WHERE (ct.id, p.n) > (${cursor.id}, ${cursor.n}) AND c.merged_into IS NULL
            AND NOT EXISTS (
              SELECT 1 FROM client_identifiers ci WHERE ci.client_id = ct.client_id AND ci.kind = 'phone'
                AND ci.source_type = 'contact' AND ci.source_id = ct.id AND ci.display = p.phone)
          ORDER BY ct.id, p.n
          LIMIT ${BATCH}`,
    );
    for (const r of batch) {
      const v = normalizePhone(r.phone);
      if (v.ok) continue;
      total += 1;
      if (items.length < limit)
        items.push({
          clientId: r.client_id,
          displayName: r.display_name,
          contactId: r.id,
          contactName: r.name,
          value: r.phone,
          error: v.error,
        });
    }
    if (batch.length < BATCH) break;
    const last = batch[batch.length - 1]!;
    cursor = { id: last.id, n: last.n };
  }
  return { items, total };
}

/** The ledger proxy for "nobody worked with this client since the cut-off" (see the file comment). */
const noLedgerEventSince = (clientColumn: SQL, cutoff: Date) =>
  sql`NOT EXISTS (SELECT 1 FROM ownership_events e WHERE e.client_id = ${clientColumn} AND e.occurred_at >= ${cutoff})`;

const lastEventAt = (clientColumn: SQL) =>
  sql`(SELECT max(e.occurred_at) FROM ownership_events e WHERE e.client_id = ${clientColumn})`;

/** Contacts created before the cut-off whose client has had no ownership event since; oldest first. */
async function staleContacts(ex: Executor, cutoff: Date, limit: number) {
  const found = await rows<{
    id: number;
    client_id: number;
    display_name: string;
    name: string;
    created_at: Date | string;
    last_event_at: Date | string | null;
    total: number;
  }>(
    ex,
    sql`SELECT x.*, ${lastEventAt(sql.raw('x.client_id'))} AS last_event_at FROM (
          SELECT ct.id, ct.client_id, c.display_name, ct.name, ct.created_at, count(*) OVER ()::int AS total
          FROM contacts ct
          JOIN clients c ON c.id = ct.client_id
          WHERE c.merged_into IS NULL AND ct.created_at < ${cutoff}
            AND ${noLedgerEventSince(sql.raw('ct.client_id'), cutoff)}
          ORDER BY ct.created_at, ct.id
          LIMIT ${limit}) x
        ORDER BY x.created_at, x.id`,
  );
  return {
    total: found[0]?.total ?? 0,
    items: found.map(
      (r): StaleContact => ({
        clientId: r.client_id,
        displayName: r.display_name,
        contactId: r.id,
        contactName: r.name,
        createdAt: new Date(r.created_at),
        lastEventAt: r.last_event_at === null ? null : new Date(r.last_event_at),
      }),
    ),
  };
}

/** Legal entities created before the cut-off whose client has had no ownership event since; oldest first. */
async function staleLegalEntities(ex: Executor, cutoff: Date, limit: number) {
  const found = await rows<{
    id: number;
    client_id: number;
    display_name: string;
    name: string;
    inn: string | null;
    created_at: Date | string;
    last_event_at: Date | string | null;
    total: number;
  }>(
    ex,
    sql`SELECT x.*, ${lastEventAt(sql.raw('x.client_id'))} AS last_event_at FROM (
          SELECT le.id, le.client_id, c.display_name, le.name, le.inn, le.created_at,
                 count(*) OVER ()::int AS total
          FROM legal_entities le
          JOIN clients c ON c.id = le.client_id
          WHERE c.merged_into IS NULL AND le.created_at < ${cutoff}
            AND ${noLedgerEventSince(sql.raw('le.client_id'), cutoff)}
          ORDER BY le.created_at, le.id
          LIMIT ${limit}) x
        ORDER BY x.created_at, x.id`,
  );
  return {
    total: found[0]?.total ?? 0,
    items: found.map(
      (r): StaleLegalEntity => ({
        clientId: r.client_id,
        displayName: r.display_name,
        legalEntityId: r.id,
        legalEntityName: r.name,
        inn: r.inn,
        createdAt: new Date(r.created_at),
        lastEventAt: r.last_event_at === null ? null : new Date(r.last_event_at),
      }),
    ),
  };
}

// ─────────────────────────────────────────────────────────────────────────────
// Text for the CLI
// ─────────────────────────────────────────────────────────────────────────────

const FIELD_LABEL = { inn: 'ИНН', kpp: 'КПП', ogrn: 'ОГРН' } as const;
const ERROR_TEXT: Record<string, string> = {
  INVALID_LENGTH: 'wrong length',
  INVALID_CHARACTERS: 'not only digits',
  INVALID_CHECKSUM: 'checksum does not match',
  INVALID_COMPONENT: 'wrong first digit or letters in the wrong place',
  INVALID_PHONE: 'not a phone number, or no area code',
  EMPTY: 'empty entry',
};

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The report as plain text: one section per finding, with its total and at most `limit` lines. */
export function formatReview(report: ReviewReport): string {
  const out: string[] = [];
  out.push(`Base review, ${day(report.generatedAt)}`);
  out.push(
    `"Untouched" = created before ${day(report.untouchedSince)} (${report.untouchedDays} days) and no ownership change since; touches are not recorded yet (basis: ${report.basis}).`,
  );
  const section = <T>(title: string, total: number, items: T[], line: (item: T) => string) => {
    out.push('', `${title}: ${total}`);
    for (const item of items) out.push(`  ${line(item)}`);
    if (total > items.length) out.push(`  … and ${total - items.length} more`);
  };
  const who = (i: { clientId: number; displayName: string }) => `#${i.clientId} ${i.displayName}`;
  section('Invalid ИНН / КПП / ОГРН', report.counts.invalidIdentifiers, report.invalidIdentifiers, (i) => {
    const why = ERROR_TEXT[i.error] ?? i.error;
    return `${who(i)}: ${FIELD_LABEL[i.field]} ${i.value} (${why}), legal entity #${i.legalEntityId} ${i.legalEntityName}`;
  });
  section(
    'Unparseable phones',
    report.counts.unparseablePhones,
    report.unparseablePhones,
    (p) =>
      `${who(p)}: "${p.value}" (${ERROR_TEXT[p.error] ?? p.error}), contact #${p.contactId} ${p.contactName}`,
  );
  const last = (d: Date | null) => (d ? `last ownership change ${day(d)}` : 'no ownership change');
  section(
    `Contacts untouched for ${report.untouchedDays} days`,
    report.counts.staleContacts,
    report.staleContacts,
    (c) =>
      `${who(c)}: contact #${c.contactId} ${c.contactName}, added ${day(c.createdAt)}, ${last(c.lastEventAt)}`,
  );
  section(
    `Legal entities untouched for ${report.untouchedDays} days`,
    report.counts.staleLegalEntities,
    report.staleLegalEntities,
    (e) =>
      `${who(e)}: #${e.legalEntityId} ${e.legalEntityName}${e.inn ? `, ИНН ${e.inn}` : ''}, added ${day(e.createdAt)}, ${last(e.lastEventAt)}`,
  );
  section(
    'Likely duplicates',
    report.counts.likelyDuplicates,
    report.likelyDuplicates,
    (d) => `clients ${d.clients.map((c) => `#${c}`).join(', ')}: ${d.reasons.join('; ')} (score ${d.score})`,
  );
  return out.join('\n');
}
