import { type SQL, sql } from 'drizzle-orm';
import {
  type Identifier,
  type IdentifierKind,
  type IdentifierRow,
  identifierFromRow,
} from '../../core/identity/identifiers.ts';
import { isPrefixAt, type PrefixMode } from '../../core/identity/lookup-rank.ts';
import { translitKey } from '../../core/identity/normalize.ts';
import type { Executor } from '../../db/connect.ts';
import { hotRows, rows } from '../../db/raw.ts';

const EXACT_KINDS: ReadonlySet<IdentifierKind> = new Set([
  'inn',
  'ogrn',
  'phone',
  'email',
  'domain',
  'address',
]);

/** Client ids sharing an exact key (ИНН, ОГРН, phone, e-mail, company domain, normalised address). */
export async function exactCandidates(ex: Executor, query: Identifier[], limit = 50): Promise<number[]> {
  const keys = query.filter((q) => EXACT_KINDS.has(q.kind));
  if (keys.length === 0) return [];
  const pairs = sql.join(
    keys.map((k) => sql`(${k.kind}, ${k.value})`),
    sql`, `,
  );
  const found = await rows<{ client_id: number }>(
    ex,
    sql`SELECT DISTINCT client_id FROM client_identifiers WHERE (kind, value) IN (${pairs}) LIMIT ${limit}`,
  );
  return found.map((r) => r.client_id);
}

/**
 * How many postings of one query word are read at most (its best-scoring terms first) when the
 * query has several words; a one-word query needs no more than the candidates it returns. At 1 M
 * clients 500 instead of 1 000 cut the p99 of two-word prefixes 17.8 → 12.3 ms with the same recall
 * (the rarest word's clients are checked against the other words' terms in full: the probe).
 */
export const POSTINGS_PER_WORD = 500;
/**
 * Completions of a typed word read from the vocabulary before the shortest are kept: the range scan
 * returns them in no useful order, and a four-letter prefix has hundreds in a real base («грил» →
 * «грила», «грилул», …), so a small cap dropped the right one at random (ADR 0003).
 */
const COMPLETIONS = 2000;
/**
 * A one-word query takes the first this many clients of every term before more of any one, so a
 * common completion («гриль», a thousand cafés) cannot fill the candidates before rarer ones of about
 * the same score («грилул»); the remaining places are then filled term by term, best first.
 */
const PER_COMPLETION = 10;
/** How many of each other word's best terms the rarest word's clients are checked against. */
const PROBE_TERMS = 8;

export type NameQuery = { words: string[]; prefix: PrefixMode };

/**
 * A transliteration key bridges scripts (lookup-rank.ts crossScript): a Latin word's key finds the
 * Cyrillic names at full score. A Cyrillic word's key mostly hits unrelated Cyrillic words of the
 * same skeleton, so those hits stay candidates (a Latin-written name may be the one meant) at a score
 * under any typo neighbour (0.85 × similarity ≥ 0.3) and do not stop the typo search; its key's
 * completions are not looked up.
 */
const WEAK_KEY = sql.raw('0.2');
/**
 * The words sharing a query word's key that are read (identity_terms.key), the closest in length
 * first (and, for a Latin word, scored a little higher: «uniks» → «юникс» before «юникасо»): a real
 * vocabulary has dozens per short skeleton, and the core re-scores what they bring.
 */
const KEY_TERMS = 100;
const LATIN_WORD = /[a-z]/;

/**
 * The query words as a VALUES list (the planner sees how many): each word, its transliteration key,
 * whether it may be a prefix, whether it may be looked up as a typo.
 */
function queryWordsSql(q: NameQuery): { values: SQL; words: number } | null {
  const usable = q.words.filter((w) => w.length >= 2).slice(0, 6);
  if (usable.length === 0) return null;
  const values = sql.join(
    usable.map((w, i) => {
      const pre = isPrefixAt(q.prefix, i, usable.length);
      const k = translitKey(w);
      return sql`(${i}::int, ${w}::text, ${k === w ? '' : k}::text, ${pre}::boolean, ${w.length >= 4}::boolean, ${LATIN_WORD.test(w)}::boolean)`;
    }),
    sql`, `,
  );
  return { values, words: usable.length };
}

/**
 * The ranked name candidates as a SQL fragment (client_id, total, n), one statement, no round trips
 * per word. Per query word: its terms from the vocabulary (identity_terms) — the word itself (1), the
 * words sharing its transliteration key (0.9; identity_terms.key), for a typed word its completions
 * by a btree range scan (0.9–1, shorter completion higher) and the words whose key completes its key
 * (0.85), and only for a word with none of these its trigram neighbours (0.85 × similarity: a typo). Then the postings of those terms, best terms
 * first, at most POSTINGS_PER_WORD per word (a common word cannot flood the query; the rarest word is
 * read whole), and clients ranked by the sum over words of their best term score.
 */
function rankedNamesSql(q: { values: SQL; words: number }, limit: number): SQL {
  const { values } = q;
  const cap = q.words === 1 ? limit : POSTINGS_PER_WORD;
  return sql`WITH q AS (
    SELECT * FROM (VALUES ${values}) AS q(i, w, k, pre, fz, strong)
  ),
  direct AS (
    SELECT q.i, e.term, max(e.score) AS score FROM q CROSS JOIN LATERAL (
      SELECT t.term, 1.0::float8 AS score FROM identity_terms t WHERE t.term = q.w
      UNION ALL
      (SELECT t.term, CASE WHEN q.strong THEN 0.9 - 0.001 * least(abs(length(t.term) - length(q.w)), 20)
          ELSE ${WEAK_KEY}::float8 END FROM identity_terms t
        WHERE q.k <> '' AND t.key = q.k ORDER BY abs(length(t.term) - length(q.w)), t.term LIMIT ${KEY_TERMS})
      UNION ALL
      (SELECT t.term, 0.9 + 0.1 * length(q.w)::float8 / length(t.term) FROM identity_terms t
        WHERE q.pre AND t.term ~>=~ q.w AND t.term ~<~ (q.w || chr(1114111)) LIMIT ${COMPLETIONS})
      UNION ALL
      (SELECT t.term, 0.85::float8 FROM identity_terms t
        WHERE q.pre AND q.strong AND length(q.k) >= 3 AND t.key ~>=~ q.k AND t.key ~<~ (q.k || chr(1114111)) LIMIT 300)
    ) e GROUP BY q.i, e.term
  ),
  fuzzy AS (
    SELECT q.i, f.term, f.score FROM q CROSS JOIN LATERAL (
      SELECT t.term, 0.85 * similarity(t.term, q.w) AS score FROM identity_terms t
      WHERE t.term % q.w ORDER BY similarity(t.term, q.w) DESC, t.term LIMIT 20
    ) f
    -- A typo's neighbours are looked up unless the word, a completion or a strong key matched.
    WHERE q.fz AND NOT EXISTS (SELECT 1 FROM direct d WHERE d.i = q.i AND d.score > ${WEAK_KEY})
  ),
  terms AS (SELECT i, term, score FROM direct UNION ALL SELECT i, term, score FROM fuzzy),
  post AS (
    SELECT q.i, p.client_id, p.score FROM q CROSS JOIN LATERAL (
      ${
        q.words === 1
          ? sql`SELECT x.client_id, t.score
      FROM (SELECT term, score, row_number() OVER (ORDER BY score DESC, length(term), term) AS ord
            FROM terms WHERE terms.i = q.i ORDER BY score DESC, length(term), term LIMIT 60) t
      CROSS JOIN LATERAL (
        SELECT d.client_id, row_number() OVER () AS rn
        FROM (SELECT DISTINCT client_id FROM identity_tokens WHERE token = t.term LIMIT ${cap}) d
      ) x
      ORDER BY x.rn > ${PER_COMPLETION}, t.ord, x.rn
      LIMIT ${cap}`
          : sql`SELECT x.client_id, t.score
      FROM (SELECT term, score FROM terms WHERE terms.i = q.i ORDER BY score DESC, length(term), term LIMIT 60) t
      CROSS JOIN LATERAL (
        SELECT DISTINCT client_id FROM identity_tokens WHERE token = t.term LIMIT ${cap}
      ) x
      LIMIT ${cap}`
      }
    ) p
  ),
  ${
    q.words === 1
      ? sql`per AS (SELECT client_id, i, max(score) AS s FROM post GROUP BY client_id, i)`
      : // The rarest word's stream holds every client that could match all words (whole, when it is
        // under the cap); those clients are checked against the other words' best terms through their
        // full postings (an index-only scan joined to a small hash set), so a capped common word
        // does not cost them its score.
        sql`rare AS (SELECT i FROM post GROUP BY i ORDER BY count(*), i LIMIT 1),
  base AS (SELECT DISTINCT p.client_id FROM post p WHERE p.i = (SELECT i FROM rare)),
  top AS MATERIALIZED (
    SELECT i, term, score FROM (
      SELECT i, term, score, row_number() OVER (PARTITION BY i ORDER BY score DESC, length(term), term) AS rn
      FROM terms) t
    WHERE t.rn <= ${PROBE_TERMS} AND t.i <> (SELECT i FROM rare)
  ),
  probe AS (
    SELECT t.i, tok.client_id, t.score
    FROM top t JOIN identity_tokens tok ON tok.token = t.term
    WHERE tok.client_id IN (SELECT client_id FROM base)
  ),
  per AS (SELECT client_id, i, max(score) AS s
          FROM (SELECT i, client_id, score FROM post UNION ALL SELECT i, client_id, score FROM probe) a
          GROUP BY client_id, i)`
  }
  SELECT client_id, sum(s)::float8 AS total, count(*)::int AS n FROM per
  GROUP BY client_id ORDER BY total DESC, client_id LIMIT ${limit}`;
}

/**
 * Clients whose name words match (see rankedNamesSql): whole words, prefixes of typed words,
 * transliterations, typos. Ranked by the summed best score per query word.
 */
export async function nameCandidates(
  ex: Executor,
  words: string[],
  opts: { lastIsPrefix: PrefixMode; limit: number },
): Promise<{ clientId: number; words: number; score: number }[]> {
  const json = queryWordsSql({ words, prefix: opts.lastIsPrefix });
  if (!json) return [];
  const ranked = await rows<{ client_id: number; total: number; n: number }>(
    ex,
    rankedNamesSql(json, opts.limit),
  );
  return ranked.map((r) => ({ clientId: r.client_id, words: r.n, score: Number(r.total) }));
}

/** A text[] literal: every element quoted, its quotes and backslashes escaped. */
function textArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** Exact keys as a SQL row list `(kind, value), …`, or null. */
function exactPairs(query: Identifier[]): SQL | null {
  const keys = query.filter((q) => EXACT_KINDS.has(q.kind));
  if (keys.length === 0) return null;
  return sql.join(
    keys.map((k) => sql`(${k.kind}, ${k.value})`),
    sql`, `,
  );
}

export type OwnerRow = {
  lineId: number;
  lineName: string;
  ownerId: number | null;
  ownerName: string | null;
  since: Date;
  protectedUntil: Date | null;
  lastReason: string | null;
};

type OwnerJson = Omit<OwnerRow, 'since' | 'protectedUntil'> & {
  since: string;
  protectedUntil: string | null;
};

const OWNERS_JSON = sql`(SELECT json_agg(json_build_object('lineId', o.line_id, 'lineName', l.name,
    'ownerId', o.owner_id, 'ownerName', u.name, 'since', o.since, 'protectedUntil', o.protected_until,
    'lastReason', o.last_reason) ORDER BY o.line_id)
  FROM ownership o JOIN lines l ON l.id = o.line_id LEFT JOIN users u ON u.id = o.owner_id
  WHERE o.client_id = c.id)`;

function ownersFromJson(j: OwnerJson[] | string | null): OwnerRow[] {
  const list: OwnerJson[] = typeof j === 'string' ? JSON.parse(j) : (j ?? []);
  return list.map((o) => ({
    ...o,
    since: new Date(o.since),
    protectedUntil: o.protectedUntil ? new Date(o.protectedUntil) : null,
  }));
}

export type LookupCandidate = {
  clientId: number;
  displayName: string;
  owners: OwnerRow[];
  /** Exact-key hits: the matched identifiers; name hits: every identifier of the client (for scoring). */
  identifiers: Identifier[];
  exact: boolean;
};

/**
 * Exact keys only (a phone, an ИНН …): one indexed statement returning the matched identifier, the
 * client's name and its owners — the as-you-type telephone path, one round trip.
 */
export async function exactLookup(
  ex: Executor,
  query: Identifier[],
  limit: number,
): Promise<LookupCandidate[]> {
  const keys = query.filter((q) => EXACT_KINDS.has(q.kind));
  if (keys.length === 0) return [];
  type Found = IdentifierRow & { display_name: string; owners: OwnerJson[] | string | null };
  // The query lives in PL/pgSQL functions (migrations 0012, 0013), planned once per session instead
  // of per call, read straight from the driver; several keys (an e-mail and its domain) go in one
  // call, its rows by client, then by key.
  const call = (ks: Identifier[]) =>
    ks.length === 1
      ? hotRows<Found>(
          ex,
          'SELECT * FROM fairbase_exact_lookup($1, $2, $3)',
          [ks[0]!.kind, ks[0]!.value, limit * 4],
          sql`SELECT * FROM fairbase_exact_lookup(${ks[0]!.kind}, ${ks[0]!.value}, ${limit * 4})`,
        )
      : hotRows<Found>(
          ex,
          'SELECT * FROM fairbase_exact_lookup_many($1::text[], $2::text[], $3)',
          [ks.map((k) => k.kind), ks.map((k) => k.value), limit * 4],
          sql`SELECT * FROM fairbase_exact_lookup_many(${textArray(ks.map((k) => k.kind))}::text[], ${textArray(ks.map((k) => k.value))}::text[], ${limit * 4})`,
        );
  // Ten digits with a valid checksum read as an ИНН (or ОГРН) first, and as a phone only when no client
  // has that registry number: the same digits being one client's ИНН and another's phone is a chance
  // of about 2 M phones in 10^10 numbers, while probing both doubled the work of every such lookup
  // (a quarter of ИНН: p99 2–5× a one-key probe, ADR 0003). Both readings go in one call that stops at
  // the first key with rows (migration 0014).
  const registry = keys.filter((k) => k.kind === 'inn' || k.kind === 'ogrn');
  const phone = keys.filter((k) => k.kind === 'phone');
  const ordered = [...registry, ...phone];
  const found =
    registry.length > 0 && phone.length > 0 && ordered.length === keys.length
      ? await hotRows<Found>(
          ex,
          'SELECT * FROM fairbase_exact_lookup_first($1::text[], $2::text[], $3)',
          [ordered.map((k) => k.kind), ordered.map((k) => k.value), limit * 4],
          sql`SELECT * FROM fairbase_exact_lookup_first(${textArray(ordered.map((k) => k.kind))}::text[], ${textArray(ordered.map((k) => k.value))}::text[], ${limit * 4})`,
        )
      : await call(keys);
  const out = new Map<number, LookupCandidate>();
  for (const r of found) {
    const have = out.get(r.client_id);
    if (have) {
      have.identifiers.push(identifierFromRow(r));
      continue;
    }
    if (out.size >= limit) break;
    out.set(r.client_id, {
      clientId: r.client_id,
      displayName: r.display_name,
      owners: ownersFromJson(r.owners),
      identifiers: [identifierFromRow(r)],
      exact: true,
    });
  }
  return [...out.values()];
}

/**
 * Exact keys and name words together: the candidates (exact hits first, then the best name hits),
 * each with all its identifiers, its name and owners — one statement.
 */
export async function fragmentCandidates(
  ex: Executor,
  exact: Identifier[],
  name: NameQuery,
  limit: number,
): Promise<LookupCandidate[]> {
  const pairs = exactPairs(exact);
  const json = queryWordsSql(name);
  if (!pairs && !json) return [];
  const parts: SQL[] = [];
  if (pairs)
    parts.push(
      sql`(SELECT DISTINCT client_id, 1000.0::float8 AS total FROM client_identifiers WHERE (kind, value) IN (${pairs}) LIMIT ${limit})`,
    );
  if (json) parts.push(sql`(SELECT client_id, total FROM (${rankedNamesSql(json, limit)}) n)`);
  const found = await rows<{
    client_id: number;
    total: number;
    display_name: string;
    ids: IdentifierRow[] | string | null;
    owners: OwnerJson[] | string | null;
  }>(
    ex,
    sql`WITH cand AS (SELECT client_id, max(total) AS total FROM (${sql.join(parts, sql` UNION ALL `)}) u GROUP BY client_id)
        SELECT c.id AS client_id, cand.total, c.display_name,
          (SELECT json_agg(json_build_object('client_id', ci.client_id, 'kind', ci.kind, 'value', ci.value,
             'display', ci.display, 'source_type', ci.source_type, 'source_id', ci.source_id))
           FROM client_identifiers ci WHERE ci.client_id = c.id) AS ids,
          ${OWNERS_JSON} AS owners
        FROM cand JOIN clients c ON c.id = cand.client_id
        ORDER BY cand.total DESC, c.id`,
  );
  return found.map((r) => {
    const ids: IdentifierRow[] = typeof r.ids === 'string' ? JSON.parse(r.ids) : (r.ids ?? []);
    return {
      clientId: r.client_id,
      displayName: r.display_name,
      owners: ownersFromJson(r.owners),
      identifiers: ids.map(identifierFromRow),
      exact: Number(r.total) >= 1000,
    };
  });
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export type StoredIdentifier = Identifier & { clientId: number };

/** Every identifier of these clients, and the names of their contacts (for "phone of contact Иванов"). */
export async function identifiersOfClients(
  ex: Executor,
  clientIds: number[],
): Promise<{ byClient: Map<number, Identifier[]>; contactNames: Map<number, string> }> {
  const byClient = new Map<number, Identifier[]>();
  const contactNames = new Map<number, string>();
  if (clientIds.length === 0) return { byClient, contactNames };
  // One array parameter, not one parameter per id: an import batch asks for thousands of clients.
  const ids = `{${clientIds.map((c) => Math.trunc(c)).join(',')}}`;
  const found = await rows<IdentifierRow>(
    ex,
    sql`SELECT client_id, kind, value, display, source_type, source_id FROM client_identifiers WHERE client_id = ANY(${ids}::int[])`,
  );
  for (const r of found) {
    const list = byClient.get(r.client_id) ?? [];
    list.push(identifierFromRow(r));
    byClient.set(r.client_id, list);
    if (r.kind === 'contact_name') contactNames.set(r.source_id, r.display);
  }
  return { byClient, contactNames };
}
