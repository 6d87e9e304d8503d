/**
 * Query sets for the identity lookup benchmark (C2 "who owns this?"), built from the loaded demo data:
 * exact keys written another way, as-you-type prefixes of a name's rarest word, and names with one typo.
 * Pure except for the SQL that reads the sample; all randomness comes from a seeded PRNG.
 */
import { createRng, int, pick, type Rng } from '../src/core/demo/prng.ts';
import { nameTokens, normalizeOrgName, normalizePhone } from '../src/core/identity/normalize.ts';
import { validateInn } from '../src/core/identity/ru-identifiers.ts';

export type SetName = 'exact phone' | 'exact ИНН' | 'prefix' | 'prefix + next word' | 'misspelled';
export const EXACT_SETS: readonly SetName[] = ['exact phone', 'exact ИНН'];
export const FUZZY_SETS: readonly SetName[] = ['prefix', 'prefix + next word', 'misspelled'];

export type BenchQuery = {
  set: SetName;
  q: string;
  targetId: number;
  targetName: string;
  /** The normalised key for the raw indexed SELECT (exact sets). */
  key?: { kind: 'phone' | 'inn'; value: string };
};

/** The driver directly (a dedicated pg.Client, or the PGlite instance). */
export type RawQuery = <T>(text: string, params?: unknown[]) => Promise<T[]>;

type Sampled = { id: number; displayName: string; brands: string[]; inns: string[]; phones: string[] };

/**
 * The demo tells namesakes apart by a suffix («… (Кировский р-н)», «… №7»): such clients have the
 * identical name as far as any name query can tell, so a hit on any of them counts.
 */
export function baseName(displayName: string): string {
  return displayName
    .replace(/\s+\(\p{L}+ р-н\)$/u, '')
    .replace(/\s+№\d+$/u, '')
    .trim();
}

/** A word of a name is "generic" (an industry word such as «стоматология», «кафе», «магазин») above this share of clients. */
export const GENERIC_SHARE = 0.01;

function reformatPhone(original: string, e164: string, rng: Rng): string | null {
  if (!/^\+7\d{10}$/.test(e164)) return null;
  const d = e164.slice(2);
  const [code, a, b, c] = [d.slice(0, 3), d.slice(3, 6), d.slice(6, 8), d.slice(8, 10)];
  const formats = [
    `8 (${code}) ${a}-${b}-${c}`,
    `+7 ${code} ${a} ${b} ${c}`,
    `8${d}`,
    `+7 (${code}) ${a}${b}${c}`,
    `8-${code}-${a}-${b}${c}`,
  ].filter((f) => f !== original);
  return pick(rng, formats);
}

/** One typo in the longest word: two adjacent letters swapped, a letter dropped or doubled. */
export function misspell(displayName: string, rng: Rng): string | null {
  const words = displayName.split(/(\s+)/);
  let best = -1;
  let bestLen = 0;
  words.forEach((w, i) => {
    const letters = [...w].filter((ch) => /\p{L}/u.test(ch)).length;
    if (letters > bestLen) {
      best = i;
      bestLen = letters;
    }
  });
  if (best < 0 || bestLen < 4) return null;
  const chars = [...words[best]!];
  const letterAt = chars.map((ch, i) => (/\p{L}/u.test(ch) ? i : -1)).filter((i) => i >= 0);
  for (let attempt = 0; attempt < 10; attempt++) {
    // Not the first letter: people rarely get the first letter wrong.
    const k = int(rng, 1, letterAt.length - 1);
    const i = letterAt[k]!;
    const op = int(rng, 0, 2);
    const out = [...chars];
    if (op === 0) {
      const j = letterAt[k - 1]!;
      if (j !== i - 1 || out[i]!.toLowerCase() === out[j]!.toLowerCase()) continue;
      [out[i], out[j]] = [out[j]!, out[i]!];
    } else if (op === 1) {
      out.splice(i, 1);
    } else {
      out.splice(i, 0, out[i]!);
    }
    const next = [...words];
    next[best] = out.join('');
    return next.join('');
  }
  return null;
}

/** The first 60–80 % of a word (at least 3 letters, always shorter than the word). */
function wordPrefix(word: string, rng: Rng): string {
  const chars = [...word];
  const n = Math.round(chars.length * (0.6 + 0.2 * rng()));
  return chars.slice(0, Math.min(chars.length - 1, Math.max(3, n))).join('');
}

export type QuerySets = {
  queries: BenchQuery[];
  sampled: number;
  genericWords: { word: string; clients: number }[];
  skipped: Record<string, number>;
};

/** ~`sample` clients at random (seeded), and the query sets built from them. */
export async function buildQuerySets(raw: RawQuery, sample: number, seed: number): Promise<QuerySets> {
  const rng = createRng(seed);
  const ids = (await raw<{ id: number }>('SELECT id FROM clients WHERE merged_into IS NULL ORDER BY id')).map(
    (r) => r.id,
  );
  const chosen = new Set<number>();
  while (chosen.size < Math.min(sample, ids.length)) chosen.add(ids[int(rng, 0, ids.length - 1)]!);
  const rows = await raw<{
    id: number;
    display_name: string;
    brands: string[];
    inns: string[];
    phones: string[];
  }>(
    `SELECT c.id, c.display_name,
       ARRAY(SELECT b.name FROM brands b WHERE b.client_id = c.id ORDER BY b.id) AS brands,
       ARRAY(SELECT le.inn FROM legal_entities le WHERE le.client_id = c.id AND le.inn IS NOT NULL ORDER BY le.id) AS inns,
       ARRAY(SELECT p FROM contacts k, unnest(k.phones) p WHERE k.client_id = c.id ORDER BY k.id) AS phones
     FROM clients c WHERE c.id = ANY($1::int[]) ORDER BY c.id`,
    [[...chosen]],
  );
  const clients: Sampled[] = rows.map((r) => ({
    id: r.id,
    displayName: r.display_name,
    brands: r.brands,
    inns: r.inns,
    phones: r.phones,
  }));

  // How many clients carry each word of the sampled names: the common ones are industry words.
  const words = new Set<string>();
  for (const c of clients)
    for (const n of [c.displayName, ...c.brands])
      for (const w of nameTokens(normalizeOrgName(n))) words.add(w);
  const df = new Map(
    (
      await raw<{ token: string; n: number }>(
        'SELECT token, count(DISTINCT client_id)::int AS n FROM identity_tokens WHERE token = ANY($1::text[]) GROUP BY token',
        [[...words]],
      )
    ).map((r) => [r.token, r.n]),
  );
  const genericLimit = Math.max(10, ids.length * GENERIC_SHARE);
  const isSignificant = (w: string) =>
    [...w].length >= 4 && /^\p{L}+$/u.test(w) && (df.get(w) ?? 0) <= genericLimit;
  const genericWords = [...df.entries()]
    .filter(([, n]) => n > genericLimit)
    .sort((a, b) => b[1] - a[1])
    .map(([word, n]) => ({ word, clients: n }));

  const queries: BenchQuery[] = [];
  const skipped: Record<string, number> = {};
  const skip = (set: SetName) => {
    skipped[set] = (skipped[set] ?? 0) + 1;
  };
  for (const c of clients) {
    const target = { targetId: c.id, targetName: c.displayName };
    // (a) exact keys: a contact phone written another way, and an ИНН.
    const phone = c.phones.length ? pick(rng, c.phones) : null;
    const e164 = phone ? normalizePhone(phone) : null;
    const written = phone && e164?.ok ? reformatPhone(phone, e164.e164, rng) : null;
    if (written && e164?.ok)
      queries.push({ set: 'exact phone', q: written, ...target, key: { kind: 'phone', value: e164.e164 } });
    else skip('exact phone');
    const inn = c.inns.length ? validateInn(pick(rng, c.inns)) : null;
    if (inn?.ok)
      queries.push({ set: 'exact ИНН', q: inn.value, ...target, key: { kind: 'inn', value: inn.value } });
    else skip('exact ИНН');

    // (b) prefixes: the rarest significant word of the display name or a brand (the word a caller
    // names: «Электроцентр», not «Торговый дом»), cut to 60–80 %; the first such word on a tie.
    let source: string[] | null = null;
    let at = -1;
    let best = Number.POSITIVE_INFINITY;
    for (const n of [c.displayName, ...c.brands]) {
      const toks = nameTokens(normalizeOrgName(n));
      toks.forEach((w, i) => {
        const seen = df.get(w) ?? 0;
        if (isSignificant(w) && seen < best) {
          source = toks;
          at = i;
          best = seen;
        }
      });
    }
    if (source) {
      const p = wordPrefix(source[at]!, rng);
      queries.push({ set: 'prefix', q: p, ...target });
      const next = source[at + 1];
      if (next !== undefined) queries.push({ set: 'prefix + next word', q: `${p} ${next}`, ...target });
      else skip('prefix + next word');
    } else {
      skip('prefix');
      skip('prefix + next word');
    }

    // (c) the display name with one typo in its longest word.
    const typo = misspell(c.displayName, rng);
    if (typo) queries.push({ set: 'misspelled', q: typo, ...target });
    else skip('misspelled');
  }
  return { queries, sampled: clients.length, genericWords, skipped };
}
