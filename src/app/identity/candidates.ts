import { sql } from 'drizzle-orm';
import {
  type Identifier,
  type IdentifierKind,
  type IdentifierRow,
  identifierFromRow,
} from '../../core/identity/identifiers.ts';
import { translitKey } from '../../core/identity/normalize.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';

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
 * Clients whose name words match: each word exactly or, for the last word of an as-you-type query,
 * as a prefix; a word with no hit is looked up in the vocabulary by trigram similarity (typos).
 * Ranked by how many of the words matched.
 */
export async function nameCandidates(
  ex: Executor,
  words: string[],
  opts: { lastIsPrefix: boolean; limit: number },
): Promise<{ clientId: number; words: number }[]> {
  const usable = words.filter((w) => w.length >= 2).slice(0, 6);
  if (usable.length === 0) return [];
  // One statement at a time: `ex` may be a transaction, which is one connection.
  const perWord: string[][] = [];
  for (const [i, w] of usable.entries()) {
    perWord.push(await expandWord(ex, w, opts.lastIsPrefix && i === usable.length - 1));
  }
  const unionTerms = sql.join(
    perWord.map((terms, i) =>
      terms.length === 0
        ? sql`SELECT NULL::int AS client_id, ${i}::int AS w, 0 AS len WHERE false`
        : sql`SELECT client_id, ${i}::int AS w, length(token) AS len FROM identity_tokens WHERE token IN (${sql.join(
            terms.map((t) => sql`${t}`),
            sql`, `,
          )})`,
    ),
    sql` UNION ALL `,
  );
  const ranked = await rows<{ client_id: number; n: number }>(
    ex,
    // More query words matched first; among equals, the shortest matched word (closest to what was typed).
    sql`SELECT client_id, count(DISTINCT w)::int AS n FROM (${unionTerms}) x
        GROUP BY client_id ORDER BY n DESC, min(len), client_id LIMIT ${opts.limit}`,
  );
  return ranked.map((r) => ({ clientId: r.client_id, words: r.n }));
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
  const ids = sql.join(
    clientIds.map((c) => sql`${c}`),
    sql`, `,
  );
  const found = await rows<IdentifierRow>(
    ex,
    sql`SELECT client_id, kind, value, display, source_type, source_id FROM client_identifiers WHERE client_id IN (${ids})`,
  );
  for (const r of found) {
    const list = byClient.get(r.client_id) ?? [];
    list.push(identifierFromRow(r));
    byClient.set(r.client_id, list);
    if (r.kind === 'contact_name') contactNames.set(r.source_id, r.display);
  }
  return { byClient, contactNames };
}

/**
 * The index words a query word stands for: itself and its transliteration key («unix» → ~unx finds
 * «Юникс»), exactly or — for the word being typed — as a prefix; a longer word with no hit is taken
 * as misspelled and matched against the vocabulary by trigram similarity.
 */
async function expandWord(ex: Executor, w: string, prefix: boolean): Promise<string[]> {
  const key = translitKey(w) || w;
  const direct = prefix
    ? sql`(token LIKE ${`${escapeLike(w)}%`} OR token LIKE ${`~${escapeLike(key)}%`})`
    : sql`(token = ${w} OR token = ${`~${key}`})`;
  const hits = await rows<{ term: string }>(
    ex,
    sql`SELECT DISTINCT token AS term FROM (SELECT token FROM identity_tokens WHERE ${direct} LIMIT 2000) t LIMIT 200`,
  );
  if (hits.length > 0 || w.length < 4) return hits.map((h) => h.term);
  const fuzzy = await rows<{ term: string }>(
    ex,
    sql`SELECT term FROM identity_terms WHERE term % ${w} ORDER BY similarity(term, ${w}) DESC LIMIT 20`,
  );
  return fuzzy.map((f) => f.term);
}
