import type { Identifier } from './identifiers.ts';
import { translitKey } from './normalize.ts';
import { trigramSimilarity } from './similarity.ts';

/**
 * As-you-type ranking of a fragment against a client's identifiers (C2 "who owns this?").
 * Each query word is scored against the identifier's words: equal 1; a typed word as a prefix
 * 0.9–1 (longer prefix, higher); same transliteration 0.9; else trigram similarity (typos).
 * Prefix mode: `true` — only the last word may be a prefix; `'all'` — every word may be (as-you-type
 * fragments such as «электроц сам» or «пти ленинский»); `false` — whole words only.
 * The identifier scores the mean over query words; the client scores its best identifier.
 */
export function wordScore(q: string, w: string, prefix: boolean): number {
  if (q === w) return 1;
  if (prefix && w.startsWith(q)) return 0.9 + 0.1 * (q.length / w.length);
  const kq = translitKey(q);
  if (kq && kq === translitKey(w)) return 0.9;
  if (prefix && q.length >= 3) {
    const kw = translitKey(w);
    if (kq && kw.startsWith(kq)) return 0.85;
  }
  const t = trigramSimilarity(q, prefix && w.length > q.length + 2 ? w.slice(0, q.length + 1) : w);
  return t >= 0.3 ? t * 0.85 : 0;
}

export type PrefixMode = boolean | 'all';

export function isPrefixAt(mode: PrefixMode, i: number, n: number): boolean {
  return mode === 'all' || (mode === true && i === n - 1);
}

export function identifierScore(queryWords: string[], lastIsPrefix: PrefixMode, id: Identifier): number {
  const words = id.value.split(' ').filter(Boolean);
  if (words.length === 0 || queryWords.length === 0) return 0;
  let sum = 0;
  queryWords.forEach((q, i) => {
    const prefix = isPrefixAt(lastIsPrefix, i, queryWords.length);
    let best = 0;
    for (const w of words) best = Math.max(best, wordScore(q, w, prefix));
    sum += best;
  });
  // A name that has many more words than the query is a slightly weaker hit.
  const extra = Math.max(0, words.length - queryWords.length);
  return (sum / queryWords.length) * (1 - Math.min(0.1, extra * 0.02));
}

export type LookupHit = { score: number; matched: Identifier | null };

export function bestLookupHit(queryWords: string[], lastIsPrefix: PrefixMode, ids: Identifier[]): LookupHit {
  let best: LookupHit = { score: 0, matched: null };
  for (const id of ids) {
    if (
      id.kind === 'inn' ||
      id.kind === 'ogrn' ||
      id.kind === 'phone' ||
      id.kind === 'email' ||
      id.kind === 'domain'
    )
      continue;
    const s = identifierScore(queryWords, lastIsPrefix, id);
    if (s > best.score) best = { score: Math.round(s * 1000) / 1000, matched: id };
  }
  return best;
}
