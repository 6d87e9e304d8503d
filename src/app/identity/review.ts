import { sql } from 'drizzle-orm';
import { identifierKinds } from '../../core/identity/identifiers.ts';
import { normalizePhone } from '../../core/identity/normalize.ts';
import type { ReasonCode } from '../../core/identity/reason-code.ts';
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
import type { DuplicateCluster } from './dedupe-base.ts';
import { type DuplicatesView, reviewDuplicates } from './duplicate-scan.ts';

/**
 * The base review (C23): a data-hygiene report over the whole base — legal entities with an invalid
 * ИНН / КПП / ОГРН, contact phones that can't be parsed, contacts and legal entities nobody has
 * worked with for long, likely duplicate clients, and clients created despite a duplicate warning
 * (R-ID-3's logged overrides). Read-only; merged clients are left out (they live on in their
 * survivor).
 *
 * "Untouched for N days" is read from the touches (C8), `basis: 'touches'`:
 * - a contact is untouched when it was added more than N days ago and no touch of its client since
 *   then names it — or names nobody (an unattributed call may have been with them). A client worked
 *   only through other contacts keeps this one on the list: the person has likely moved on;
 * - a legal entity is untouched when it was added more than N days ago and since then its client has
 *   had no touch and no deal with this legal entity was opened or won.
 * Ownership events (claims, releases, expiries) are not work with a contact, so they do not count.
 */
export const REVIEW_BASIS = 'touches' as const;
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
  /** The latest touch naming this contact or no contact, if any (before the cut-off by definition). */
  lastTouchAt: Date | null;
};

export type StaleLegalEntity = {
  clientId: number;
  displayName: string;
  legalEntityId: number;
  legalEntityName: string;
  inn: string | null;
  createdAt: Date;
  /** The client's latest touch, if any (before the cut-off by definition). */
  lastTouchAt: Date | null;
};

/** A reason a forced client matched another one (read back from the override log). */
export type ForcedReason = ReasonCode;

/** A client created (or given new data) despite matching another client, with the reason given. */
export type ForcedDuplicate = {
  overrideId: number;
  clientId: number;
  displayName: string;
  actorId: number;
  actorName: string | null;
  reason: string;
  occurredAt: Date;
  /** The clients it matched that still exist on their own (merged ones are left out). */
  matched: { clientId: number; displayName: string; score: number; reasons: ForcedReason[] }[];
};

/** Clients in the base that are likely one organisation (`fairbase dedupe --base`'s clustering). */
export type LikelyDuplicate = DuplicateCluster;

export type ReviewReport = {
  generatedAt: Date;
  untouchedDays: number;
  /** Records added before this instant and not worked with since count as untouched. */
  untouchedSince: Date;
  /** How "untouched" was decided: from the touches (see the file comment). */
  basis: typeof REVIEW_BASIS;
  /** Each list holds at most this many items; `counts` are the full totals. */
  limit: number;
  invalidIdentifiers: InvalidIdentifier[];
  unparseablePhones: UnparseablePhone[];
  staleContacts: StaleContact[];
  staleLegalEntities: StaleLegalEntity[];
  likelyDuplicates: LikelyDuplicate[];
  /**
   * Where `likelyDuplicates` come from (duplicate-scan.ts): clustered for this review (a small base),
   * the latest scan of a large one (nightly, or a head's request), or none yet.
   */
  duplicateScan: Omit<DuplicatesView, 'groups' | 'total'>;
  /** Newest first; an override is listed while its client and a client it matched both stand alone. */
  forcedDuplicates: ForcedDuplicate[];
  counts: {
    invalidIdentifiers: number;
    unparseablePhones: number;
    staleContacts: number;
    staleLegalEntities: number;
    likelyDuplicates: number;
    forcedDuplicates: number;
  };
};

export type ReviewOptions = {
  untouchedDays?: number;
  now: Date;
  limit?: number;
  /** Largest base whose duplicates are clustered live (default LIVE_DUPLICATES_MAX). */
  liveDuplicatesMax?: number;
};

export async function reviewBase(ex: Executor, opts: ReviewOptions): Promise<ReviewReport> {
  const untouchedDays = opts.untouchedDays ?? DEFAULT_UNTOUCHED_DAYS;
  const limit = opts.limit ?? DEFAULT_REVIEW_LIMIT;
  const cutoff = new Date(opts.now.getTime() - untouchedDays * DAY_MS);
  const [ids, phones, contacts, entities, forced] = await Promise.all([
    invalidIdentifiers(ex, limit),
    unparseablePhones(ex, limit),
    staleContacts(ex, cutoff, limit),
    staleLegalEntities(ex, cutoff, limit),
    forcedDuplicates(ex, limit),
  ]);
  // Likely duplicates: the same clustering as `fairbase dedupe --base`, under the active policy's
  // weights — live for a small base, else the latest scan (duplicate-scan.ts).
  const dup = await reviewDuplicates(ex, {
    now: opts.now,
    limit,
    ...(opts.liveDuplicatesMax === undefined ? {} : { liveMax: opts.liveDuplicatesMax }),
  });
  const likelyDuplicates: LikelyDuplicate[] = dup.groups;
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
    duplicateScan: {
      source: dup.source,
      scannedAt: dup.scannedAt,
      scanRunningSince: dup.scanRunningSince,
      scanProblem: dup.scanProblem,
    },
    forcedDuplicates: forced.items,
    counts: {
      invalidIdentifiers: ids.total,
      unparseablePhones: phones.total,
      staleContacts: contacts.total,
      staleLegalEntities: entities.total,
      likelyDuplicates: dup.total,
      forcedDuplicates: forced.total,
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

/**
 * A touch of the contact's client since the cut-off that names this contact or nobody. Read through
 * touches (client_id, occurred_at DESC): only the client's touches after the cut-off are visited.
 */
const contactTouchedSince = (cutoff: Date) =>
  sql`EXISTS (SELECT 1 FROM touches t WHERE t.client_id = ct.client_id AND t.occurred_at >= ${cutoff}
        AND (t.contact_id = ct.id OR t.contact_id IS NULL))`;

/** Contacts added before the cut-off that no touch since names (or could be with); oldest first. */
async function staleContacts(ex: Executor, cutoff: Date, limit: number) {
  const found = await rows<{
    id: number;
    client_id: number;
    display_name: string;
    name: string;
    created_at: Date | string;
    last_touch_at: Date | string | null;
    total: number;
  }>(
    ex,
    sql`SELECT x.*, (SELECT max(t.occurred_at) FROM touches t WHERE t.client_id = x.client_id
                      AND (t.contact_id = x.id OR t.contact_id IS NULL)) AS last_touch_at
        FROM (
          SELECT ct.id, ct.client_id, c.display_name, ct.name, ct.created_at, count(*) OVER ()::int AS total
          FROM contacts ct
          JOIN clients c ON c.id = ct.client_id
          WHERE c.merged_into IS NULL AND ct.created_at < ${cutoff} AND NOT ${contactTouchedSince(cutoff)}
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
        lastTouchAt: r.last_touch_at === null ? null : new Date(r.last_touch_at),
      }),
    ),
  };
}

/**
 * Legal entities added before the cut-off whose client has had no touch since and no deal with
 * this legal entity opened or won since; oldest first.
 */
async function staleLegalEntities(ex: Executor, cutoff: Date, limit: number) {
  const found = await rows<{
    id: number;
    client_id: number;
    display_name: string;
    name: string;
    inn: string | null;
    created_at: Date | string;
    last_touch_at: Date | string | null;
    total: number;
  }>(
    ex,
    sql`SELECT x.*, (SELECT max(t.occurred_at) FROM touches t WHERE t.client_id = x.client_id) AS last_touch_at
        FROM (
          SELECT le.id, le.client_id, c.display_name, le.name, le.inn, le.created_at,
                 count(*) OVER ()::int AS total
          FROM legal_entities le
          JOIN clients c ON c.id = le.client_id
          WHERE c.merged_into IS NULL AND le.created_at < ${cutoff}
            AND NOT EXISTS (SELECT 1 FROM touches t WHERE t.client_id = le.client_id AND t.occurred_at >= ${cutoff})
            AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.client_id = le.client_id AND d.legal_entity_id = le.id
                              AND (d.created_at >= ${cutoff} OR d.won_at >= ${cutoff}))
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
        lastTouchAt: r.last_touch_at === null ? null : new Date(r.last_touch_at),
      }),
    ),
  };
}

/** One stored reason of an override: ReasonCode's shape, or the earlier {code, kind, similarity, matched}. */
function forcedReason(r: Record<string, unknown>): ForcedReason | null {
  const kind = identifierKinds.find((k) => k === r.kind);
  if (!kind || typeof r.code !== 'string') return null;
  const matched = r.matched as { display?: unknown } | undefined;
  return {
    code: r.code as ReasonCode['code'],
    kind,
    similarity: typeof r.similarity === 'number' ? r.similarity : 0,
    display:
      typeof r.display === 'string' ? r.display : typeof matched?.display === 'string' ? matched.display : '',
    contact: typeof r.contact === 'string' ? r.contact : null,
  };
}

/**
 * R-ID-3's log: clients created (or given data) despite a `same` match, with who, when and why. An
 * override drops off the list once its client or every client it matched has been merged away —
 * the head has decided. Newest first; the log holds one row per forced write, so it stays small.
 */
async function forcedDuplicates(ex: Executor, limit: number) {
  const found = await rows<{
    id: number;
    client_id: number;
    display_name: string;
    actor_id: number;
    actor_name: string | null;
    reason: string;
    occurred_at: Date | string;
    matched: { client_id: number; display_name: string; score: number; reasons: Record<string, unknown>[] }[];
    total: number;
  }>(
    ex,
    sql`SELECT o.id, o.client_id, c.display_name, o.actor_id, u.name AS actor_name, o.reason, o.occurred_at,
               m.matched, count(*) OVER ()::int AS total
        FROM duplicate_overrides o
        JOIN clients c ON c.id = o.client_id AND c.merged_into IS NULL
        LEFT JOIN users u ON u.id = o.actor_id
        CROSS JOIN LATERAL (
          SELECT json_agg(json_build_object(
                   'client_id', oc.id, 'display_name', oc.display_name,
                   'score', (cand->>'score')::float8, 'reasons', coalesce(cand->'reasonCodes', '[]'::jsonb))
                 ORDER BY (cand->>'score')::float8 DESC, oc.id) AS matched
          FROM jsonb_array_elements(o.candidates) cand
          JOIN clients oc ON oc.id = (cand->>'clientId')::int AND oc.merged_into IS NULL AND oc.id <> o.client_id
        ) m
        WHERE m.matched IS NOT NULL
        ORDER BY o.occurred_at DESC, o.id DESC
        LIMIT ${limit}`,
  );
  return {
    total: found[0]?.total ?? 0,
    items: found.map(
      (r): ForcedDuplicate => ({
        overrideId: r.id,
        clientId: r.client_id,
        displayName: r.display_name,
        actorId: r.actor_id,
        actorName: r.actor_name,
        reason: r.reason,
        occurredAt: new Date(r.occurred_at),
        matched: r.matched.map((m) => ({
          clientId: m.client_id,
          displayName: m.display_name,
          score: m.score,
          reasons: m.reasons.flatMap((x) => forcedReason(x) ?? []),
        })),
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
    `"Untouched" = added before ${day(report.untouchedSince)} (${report.untouchedDays} days) and no touch since (basis: ${report.basis}): for a contact, no touch naming it or naming nobody; for a legal entity, no touch of its client and no deal with it opened or won.`,
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
  const last = (d: Date | null) => (d ? `last touch ${day(d)}` : 'never touched');
  section(
    `Contacts untouched for ${report.untouchedDays} days`,
    report.counts.staleContacts,
    report.staleContacts,
    (c) =>
      `${who(c)}: contact #${c.contactId} ${c.contactName}, added ${day(c.createdAt)}, ${last(c.lastTouchAt)}`,
  );
  section(
    `Legal entities untouched for ${report.untouchedDays} days`,
    report.counts.staleLegalEntities,
    report.staleLegalEntities,
    (e) =>
      `${who(e)}: #${e.legalEntityId} ${e.legalEntityName}${e.inn ? `, ИНН ${e.inn}` : ''}, added ${day(e.createdAt)}, ${last(e.lastTouchAt)}`,
  );
  const scan = report.duplicateScan;
  const problem = scan.scanProblem;
  if (problem)
    out.push(
      '',
      problem.code === 'BASE_TOO_LARGE'
        ? `The last duplicate scan was refused: ${problem.clients} clients need more memory than this process has (heap limit ${problem.heapLimitMb} MB); run \`fairbase review --scan\` with NODE_OPTIONS=--max-old-space-size=<MB>.`
        : `The last duplicate scan failed: ${problem.message}`,
    );
  section(
    scan.source === 'scan' && scan.scannedAt
      ? `Likely duplicates (scan of ${scan.scannedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`
      : scan.source === 'none'
        ? 'Likely duplicates (a large base: not scanned yet; `fairbase review --scan`, or wait for the night)'
        : 'Likely duplicates',
    report.counts.likelyDuplicates,
    report.likelyDuplicates,
    (d) => `clients ${d.clients.map((c) => `#${c}`).join(', ')}: ${d.reasons.join('; ')} (score ${d.score})`,
  );
  section(
    'Created despite a duplicate warning',
    report.counts.forcedDuplicates,
    report.forcedDuplicates,
    (f) =>
      `${who(f)}, ${day(f.occurredAt)} by ${f.actorName ?? `user #${f.actorId}`} ("${f.reason}"): matched ${f.matched
        .map(
          (m) =>
            `#${m.clientId} ${m.displayName} (${m.reasons.map((r) => r.code).join(', ') || `score ${m.score}`})`,
        )
        .join('; ')}`,
  );
  return out.join('\n');
}
