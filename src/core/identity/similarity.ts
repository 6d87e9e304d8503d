/**
 * Trigram similarity as pg_trgm computes it: each word padded with two spaces in front and one
 * behind, the set of 3-character windows, |A ∩ B| / |A ∪ B|. Used to score candidates that SQL found.
 */
export function trigrams(s: string): Set<string> {
  const out = new Set<string>();
  for (const word of s.split(/\s+/)) {
    if (!word) continue;
    const w = `  ${word} `;
    for (let i = 0; i + 3 <= w.length; i++) out.add(w.slice(i, i + 3));
  }
  return out;
}

/**
 * Trigrams of a string, memoised (bounded): lookup ranking compares the same few query words with
 * the same vocabulary words over and over, and building the sets was most of its CPU time.
 */
function trigramsMemo(s: string): Set<string> {
  let t = memo.get(s);
  if (t === undefined) {
    t = trigrams(s);
    if (memo.size >= 50_000) memo.clear();
    memo.set(s, t);
  }
  return t;
}
const memo = new Map<string, Set<string>>();

export function trigramSimilarity(a: string, b: string): number {
  if (!a || !b) return 0;
  if (a === b) return 1;
  const ta = trigramsMemo(a);
  const tb = trigramsMemo(b);
  let common = 0;
  for (const t of ta) if (tb.has(t)) common++;
  const union = ta.size + tb.size - common;
  return union === 0 ? 0 : common / union;
}
