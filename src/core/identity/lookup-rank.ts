import type { Identifier } from './identifiers.ts';
import { translitKey } from './normalize.ts';
import { trigramSimilarity } from './similarity.ts';

/**
 * As-you-type ranking of a fragment against a client's identifiers (C2 "who owns this?").
 * Each query word is scored against the identifier's words: equal 1; a typed word as a prefix
 * 0.9–1 (longer prefix, higher); same transliteration across scripts 0.9 (see crossScript); else a
 * typo: 0.85 × trigram similarity, at least 0.75 for one edit in a word of 5+ letters.
 * Prefix mode: `true` — only the last word may be a prefix; `'all'` — every word may be (as-you-type
 * fragments such as «электроц сам» or «пти ленинский»); `false` — whole words only.
 * The identifier scores the mean over query words; the client scores its best identifier.
 */
export function wordScore(q: string, w: string, prefix: boolean): number {
  if (q === w) return 1;
  if (prefix && w.startsWith(q)) return 0.9 + 0.1 * (q.length / w.length);
  if (crossScript(q, w)) {
    const kq = translitKey(q);
    if (kq && kq === translitKey(w)) return 0.9;
    if (kq && prefix && q.length >= 3 && translitKey(w).startsWith(kq)) return 0.85;
  }
  const t = trigramSimilarity(q, prefix && w.length > q.length + 2 ? w.slice(0, q.length + 1) : w);
  const typo = t >= 0.3 ? t * 0.85 : 0;
  return q.length >= ONE_EDIT_MIN_LENGTH && typo < ONE_EDIT_SCORE && oneEdit(q, w) ? ONE_EDIT_SCORE : typo;
}

/**
 * A transliteration key is a consonant skeleton: across scripts («unix» ~ «юникс») it is the only
 * bridge, but within one script it is shared by many unrelated words of a real base («бобино»,
 * «бонэ», «бене» are all 'bn'; even five-letter skeletons collide among 1.5 M words), so it counts
 * only between a Latin and a Cyrillic word. Same-script misspellings are scored as typos
 * (trigram similarity, and one edit — see oneEdit). Measured at 1 M clients (ADR 0003).
 */
const LATIN = /[a-z]/;
const CYRILLIC = /[а-яё]/;

function crossScript(q: string, w: string): boolean {
  return (LATIN.test(q) && CYRILLIC.test(w)) || (CYRILLIC.test(q) && LATIN.test(w));
}

/**
 * True when `a` becomes `b` by one edit: a letter changed, dropped, added, or two neighbours
 * swapped — most real typos (Damerau), and the ones trigrams score worst in short words
 * («бобино» / «бобион»: similarity 0.4).
 */
export function oneEdit(a: string, b: string): boolean {
  if (a === b) return false;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Score of a one-edit typo in a word of at least ONE_EDIT_MIN_LENGTH letters. */
const ONE_EDIT_SCORE = 0.75;
const ONE_EDIT_MIN_LENGTH = 5;

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
