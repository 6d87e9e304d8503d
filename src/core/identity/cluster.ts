/**
 * Batch duplicate detection (C2 "a batch mode finds duplicate clusters in a whole file or in the
 * base"): records are grouped into clusters of the same organisation.
 *
 * 1. Blocking. A pair of records is scored only if the two share a blocking key: an exact key
 *    (ИНН, ОГРН, phone, e-mail, company domain, normalised address), a search word of a name
 *    (legal name, brand, display name — the words and their «~» transliteration keys, so «Юникс»
 *    meets «Unix»), or a pair of words of one name («мебель уют» when both words are common).
 *    A key shared by more than `maxBlockSize` records (50 by default: a business centre's address,
 *    a word like «стоматология») is skipped, which keeps the work near-linear in the number of
 *    records. Records that share nothing but such keys are never compared.
 * 2. Scoring. Each candidate pair goes through `scoreCandidate` (R-ID-1, R-ID-2), the same
 *    scoring as the interactive lookup, so a batch and a manager typing in the form agree. A pair
 *    that shares no strong key (ИНН, ОГРН, phone, e-mail, domain; a shared address is soft
 *    evidence) can only be `same` on name similarity with an address or contact name; such a pair
 *    is skipped when even full address and contact evidence could not lift its best name
 *    similarity (computed with cached trigrams) to the `same` threshold. The bound is
 *    conservative, so skipping never changes a `same`; it only saves time (most name-word pairs
 *    are «Мебель Уют» vs «Уют-Сервис»).
 * 3. Clustering. Pairs scored `same` are joined by union-find (single linkage: A=B and B=C puts
 *    A, B and C in one cluster).
 * 4. Name-only records (`attachNameOnly`, on by default). A record with nothing but names (no ИНН,
 *    ОГРН, phone, e-mail, address or contact) can never be `same` pairwise: a name alone scores at
 *    most the name weight (0.85 < 0.9 by default). A batch can do better than a pair, because it
 *    sees the whole file: such a record joins a cluster when its name matches (≥ 95 %: equal, or
 *    equal up to transliteration or a typo) records of exactly one cluster of records with real
 *    data, and no other such cluster has a similar name (≥ 80 %). «Инструбаза» next to one
 *    ООО «Инструбаза» joins it; «Уют» next to five different «Уют» stays alone. A sole trader's
 *    name («ИП Смирнов») is a person's name, and people share names: such a record is never
 *    attached. An attached record scores its pair score with the best-matching record, which is
 *    below the `same` threshold, so a reader sees it joined on a name only. Decided against the
 *    clusters of step 3, so the order of records does not matter.
 *
 * Pure: no I/O, no clock, no randomness. The clusters do not depend on the order of the records
 * (a cluster is named by its smallest row number).
 */
import type { IdentityRules } from '../policy/policy.ts';
import { type Identifier, type IdentifierKind, isNameKind, searchTokens } from './identifiers.ts';
import { addressSimilarity, type MatchOutcome, type MatchReason, scoreCandidate } from './match.ts';
import { detectLegalForm, translitKey } from './normalize.ts';

export type ClusterRecord = { row: number; identifiers: Identifier[] };

/**
 * One row's place: `cluster` is the smallest row number in its cluster (a singleton is its own
 * cluster); `score` is the best score of a `same` pair that joined this row to another one, and 0
 * for a singleton (nothing joined it, so there is no evidence to report). A name-only record
 * attached by name (see the module comment) scores its pair score, which is below `sameThreshold`.
 */
export type ClusterRow = { row: number; cluster: number; score: number };

/** A scored pair of rows (a < b). */
export type ClusterEdge = {
  a: number;
  b: number;
  score: number;
  outcome: MatchOutcome;
  reasons: MatchReason[];
  /** `same`: scored `same`; `nameOnly`: a name-only record attached by name (see the module comment); `none`: did not join. */
  via: 'same' | 'nameOnly' | 'none';
};

export type ClusterOptions = {
  /** A blocking key shared by more records than this is ignored (default 50). */
  maxBlockSize?: number;
  /** Attach records that are nothing but a name to the one cluster carrying that name (default true). */
  attachNameOnly?: boolean;
  /** Also return the `maybe` and `different` pairs (diagnostics; default: `same` pairs only). */
  keepAllEdges?: boolean;
};

export type ClusterResult = {
  rows: ClusterRow[];
  /** Scored pairs: the `same` ones, or all of them with `keepAllEdges`. */
  edges: ClusterEdge[];
  stats: {
    records: number;
    blockingKeys: number;
    /** Keys shared by more than `maxBlockSize` records, ignored. */
    skippedKeys: number;
    /** Pairs that share a blocking key. */
    candidatePairs: number;
    /** Of those, pairs that went through `scoreCandidate` (the rest could not reach `same`). */
    pairsScored: number;
    /** Name-only records attached to a cluster by their name (step 4). */
    attachedByName: number;
  };
};

export const DEFAULT_MAX_BLOCK_SIZE = 50;

const EXACT_BLOCKING_KINDS: ReadonlySet<IdentifierKind> = new Set([
  'inn',
  'ogrn',
  'phone',
  'email',
  'domain',
  'address',
]);

/** The blocking keys of one record (kind-prefixed so an e-mail never meets a name word). */
export function blockingKeys(identifiers: readonly Identifier[]): Set<string> {
  const keys = new Set<string>();
  for (const id of identifiers) {
    if (!id.value) continue;
    if (EXACT_BLOCKING_KINDS.has(id.kind)) {
      keys.add(`${id.kind}:${id.value}`);
    } else if (isNameKind(id.kind) && id.kind !== 'contact_name') {
      // Identifiers read back from the database carry no tokens; derive them the same way.
      const words = id.tokens.length > 0 ? [...id.tokens] : searchTokens(id.value);
      for (const t of words) {
        keys.add(`w:${t}`);
        // The word's transliteration key: «Uniks» in a file meets «Юникс».
        const k = translitKey(t);
        if (k) keys.add(`w:~${k}`);
      }
      // Word pairs: «Мебель Уют» still meets «Мебель «Уют»» when both words are too common alone.
      words.sort();
      for (let i = 0; i < words.length && i < 6; i++) {
        for (let j = i + 1; j < words.length && j < 6; j++) keys.add(`p:${words[i]} ${words[j]}`);
      }
    }
  }
  return keys;
}

/**
 * Keys whose pairs are always scored: the strong exact keys (ИНН, ОГРН, phone, e-mail, domain).
 * Name words ('w:…'), word pairs ('p:…') and a shared address are soft: an address is evidence
 * like a name (match.ts weighs its similarity), so such a pair goes through `softBound` first — a
 * business centre's fifty tenants share one address and are rarely one client.
 */
function isExactKey(key: string): boolean {
  if (key.charCodeAt(1) === 58 && (key.charCodeAt(0) === 119 || key.charCodeAt(0) === 112)) return false; // 'w:', 'p:'
  return !key.startsWith('address:');
}

/**
 * A distinct name or address with its trigrams and (when first needed) its transliteration key.
 * The trigrams are those of similarity.ts `trigrams`, each packed into one number (three UTF-16
 * code units, 48 bits, exact in a double), sorted and distinct: no string per trigram, and a
 * Jaccard index is one merge.
 */
type Term = { text: string; grams: number[]; key: string | undefined };

const WHITESPACE = /\s+/;

/** similarity.ts `trigrams(s)` as sorted distinct packed numbers. */
function trigramCodes(s: string): number[] {
  // A plain array of doubles (unboxed, on the heap): small typed arrays would each need a backing store.
  const codes: number[] = [];
  for (const word of s.split(WHITESPACE)) {
    if (!word) continue;
    // The word padded as `  ${word} `: windows over space, space, word…, space.
    let c0 = 32;
    let c1 = 32;
    for (let i = 0; i <= word.length; i++) {
      const c2 = i < word.length ? word.charCodeAt(i) : 32;
      const code = c0 * 4294967296 + c1 * 65536 + c2;
      // Insertion into the sorted distinct list (names are short).
      let k = codes.length;
      while (k > 0 && (codes[k - 1] as number) > code) k--;
      if (k === 0 || codes[k - 1] !== code) {
        codes.push(code);
        for (let m = codes.length - 1; m > k; m--) codes[m] = codes[m - 1] as number;
        codes[k] = code;
      }
      c0 = c1;
      c1 = c2;
    }
  }
  return codes;
}

function keyOf(t: Term): string {
  if (t.key === undefined) t.key = translitKey(t.text);
  return t.key;
}

function jaccard(a: Term, b: Term): number {
  if (!a.text || !b.text) return 0;
  if (a.text === b.text) return 1;
  const x = a.grams;
  const y = b.grams;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < x.length && j < y.length) {
    const u = x[i] as number;
    const v = y[j] as number;
    if (u === v) {
      common++;
      i++;
      j++;
    } else if (u < v) i++;
    else j++;
  }
  const union = x.length + y.length - common;
  return union === 0 ? 0 : common / union;
}

/** nameSimilarity of match.ts on terms. */
function termSimilarity(a: Term, b: Term): number {
  if (!a.text || !b.text) return 0;
  if (a.text === b.text) return 1;
  const t = jaccard(a, b);
  const ka = keyOf(a);
  return ka && ka === keyOf(b) ? Math.max(t, 0.95) : t;
}

/**
 * `termSimilarity(a, b)` when it is at least `need`; otherwise some value below `need`, often
 * without intersecting trigrams: a Jaccard index can't exceed the ratio of the two set sizes.
 */
function termSimilarityAtLeast(a: Term, b: Term, need: number): number {
  if (!a.text || !b.text) return 0;
  if (a.text === b.text) return 1;
  const ka = keyOf(a);
  const keyed = ka !== '' && ka === keyOf(b);
  if (keyed && need <= 0.95) return termSimilarity(a, b);
  const sa = a.grams.length;
  const sb = b.grams.length;
  if (Math.min(sa, sb) < need * Math.max(sa, sb)) return keyed ? 0.95 : 0;
  return termSimilarity(a, b);
}

/**
 * Name similarity exactly as match.ts `nameSimilarity` computes it, with each distinct string's
 * trigrams and transliteration key computed once.
 */
export class NameSimilarityCache {
  private readonly terms = new Map<string, Term>();
  term(text: string): Term {
    let t = this.terms.get(text);
    if (t === undefined) {
      t = { text, grams: trigramCodes(text), key: undefined };
      this.terms.set(text, t);
    }
    return t;
  }
  /** nameSimilarity of match.ts. */
  similarity(a: string, b: string): number {
    return termSimilarity(this.term(a), this.term(b));
  }
  /** `similarity(a, b)` when it is at least `need`; otherwise a value below `need`. */
  similarityAtLeast(a: string, b: string, need: number): number {
    return termSimilarityAtLeast(this.term(a), this.term(b), need);
  }
}

/** What the bound needs of a record: its compared names, addresses and contact-name words. */
type Features = { names: Term[]; addresses: Term[]; contactWords: Set<string> };

function featuresOf(ids: readonly Identifier[], cache: NameSimilarityCache): Features {
  const names = new Set<string>();
  const addresses = new Set<string>();
  const contactWords = new Set<string>();
  for (const id of ids) {
    if (!id.value) continue;
    if (id.kind === 'address') addresses.add(id.value);
    else if (id.kind === 'contact_name') {
      for (const w of id.value.split(' ')) if (w.length >= 3) contactWords.add(w);
    } else if (isNameKind(id.kind)) names.add(id.value);
  }
  return {
    names: [...names].map((n) => cache.term(n)),
    addresses: [...addresses].map((a) => cache.term(a)),
    contactWords,
  };
}

/** The best name similarity over all pairs of terms, as match.ts compares names. */
function bestSimilarity(xs: readonly Term[], ys: readonly Term[]): number {
  let best = 0;
  for (const x of xs) {
    for (const y of ys) {
      const s = termSimilarity(x, y);
      if (s > best) best = s;
      if (best === 1) return 1;
    }
  }
  return best;
}

/** The best name similarity of two records when it reaches `need`, else some value below `need`. */
function bestNameAtLeast(xs: readonly Term[], ys: readonly Term[], need: number): number {
  let best = 0;
  for (const x of xs) {
    for (const y of ys) {
      const s = termSimilarityAtLeast(x, y, need);
      if (s > best) best = s;
      if (best === 1) return 1;
    }
  }
  return best;
}

/**
 * The most a pair without a shared exact key can score: name similarity (as match.ts computes it),
 * address similarity (trigram, counted from 0.8 as in match.ts), and full contact-name evidence
 * whenever the two records' contact names share a word — looser than the exact match.ts requires,
 * so the bound stays a bound if contact matching ever becomes fuzzy.
 */
function softBound(rules: IdentityRules, a: Features, b: Features): number {
  const w = rules.weights;
  const threshold = rules.sameThreshold - 0.001; // scores are rounded to 3 decimals
  let sharesContactWord = false;
  for (const word of a.contactWords) {
    if (b.contactWords.has(word)) {
      sharesContactWord = true;
      break;
    }
  }
  const contactMiss = sharesContactWord ? 1 - w.contactName : 1;
  const hasAddresses = a.addresses.length > 0 && b.addresses.length > 0;
  const addressMissAtBest = hasAddresses ? 1 - w.address : 1;
  // Everything at its best.
  const best = 1 - contactMiss * addressMissAtBest * (1 - w.name);
  if (best < threshold) return best;
  // The real name similarity; below `need`, even a name match could not make it.
  const need = Math.max(
    rules.nameSimilarityMin,
    (1 - (1 - threshold) / (contactMiss * addressMissAtBest)) / w.name,
  );
  let name = bestNameAtLeast(a.names, b.names, need);
  if (name < rules.nameSimilarityMin) name = 0;
  const nameMiss = 1 - w.name * name;
  const withName = 1 - contactMiss * addressMissAtBest * nameMiss;
  if (withName < threshold || !hasAddresses) return withName;
  // The real address similarity, as match.ts computes it (a refining address counts 0.9).
  let address = 0;
  for (const x of a.addresses)
    for (const y of b.addresses) address = Math.max(address, addressSimilarity(x.text, y.text));
  if (address < 0.8) address = 0;
  return 1 - contactMiss * nameMiss * (1 - w.address * address);
}

/** Step 4 thresholds: a name-only record's match, and a rival cluster's name that makes it ambiguous. */
const NAME_ONLY_MATCH = 0.95;
const NAME_ONLY_RIVAL = 0.8;

/**
 * Nothing but organisation names: no exact key, address or contact name. A sole trader's name is a
 * person's name («ИП Смирнов И.Ю.»), and people share names, so those never count.
 */
function isNameOnly(ids: readonly Identifier[]): boolean {
  let any = false;
  for (const id of ids) {
    if (!id.value) continue;
    if (!isNameKind(id.kind) || id.kind === 'contact_name') return false;
    any = true;
  }
  return any && !ids.some((id) => id.value && detectLegalForm(id.display) === 'ИП');
}

class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    let root = x;
    while (this.parent[root] !== root) root = this.parent[root] as number;
    let cur = x;
    while (this.parent[cur] !== root) {
      const next = this.parent[cur] as number;
      this.parent[cur] = root;
      cur = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** Clusters with the pairs that were scored and some counters; see the module comment. */
export function clusterRecordsDetailed(
  records: readonly ClusterRecord[],
  rules: IdentityRules,
  opts: ClusterOptions = {},
): ClusterResult {
  const steps = clusterSteps(records, rules, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Records a `clusterSteps` slice covers between two pauses (a few tens of milliseconds of work). */
export const CLUSTER_SLICE = 250;

/**
 * `clusterRecordsDetailed` in slices: the generator pauses (yields) after every CLUSTER_SLICE
 * records of the blocking and of the pairwise scoring, and returns the result. A caller that must
 * stay responsive (a server clustering its whole base) resumes it on the next turn of its event
 * loop; the result is the same as the one-go call's.
 */
export function* clusterSteps(
  records: readonly ClusterRecord[],
  rules: IdentityRules,
  opts: ClusterOptions = {},
): Generator<void, ClusterResult, void> {
  const maxBlock = opts.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE;
  const n = records.length;
  const seenRows = new Set<number>();
  for (const r of records) {
    if (seenRows.has(r.row)) throw new RangeError(`clusterRecords: row ${r.row} appears twice`);
    seenRows.add(r.row);
  }

  // Each record's blocks, with its own position in each (lists are in record order): record i's
  // memberships are memList/memPos/memExact[memStart[i] .. memStart[i + 1]) (flat arrays, not an
  // object per membership).
  const blockIndex = new Map<string, number>();
  const blockLists: number[][] = [];
  const memStart = new Int32Array(n + 1);
  const memList: number[] = [];
  const memPos: number[] = [];
  const memExact: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i % CLUSTER_SLICE === CLUSTER_SLICE - 1) yield;
    memStart[i] = memList.length;
    for (const key of blockingKeys((records[i] as ClusterRecord).identifiers)) {
      let b = blockIndex.get(key);
      if (b === undefined) {
        b = blockLists.length;
        blockLists.push([]);
        blockIndex.set(key, b);
      }
      const list = blockLists[b] as number[];
      if (list.length > maxBlock) continue; // one past the limit marks the key as skipped
      memList.push(b);
      memPos.push(list.length);
      memExact.push(isExactKey(key) ? 1 : 0);
      list.push(i);
    }
  }
  memStart[n] = memList.length;
  let skippedKeys = 0;
  for (const list of blockLists) if (list.length > maxBlock) skippedKeys++;

  const attach = opts.attachNameOnly ?? true;
  const nameOnly = records.map((r) => attach && isNameOnly(r.identifiers));
  /** Candidate partners of name-only records (for step 4). */
  const partners = new Map<number, number[]>();
  const addPartner = (i: number, j: number) => {
    const list = partners.get(i);
    if (list === undefined) partners.set(i, [j]);
    else list.push(j);
  };
  const cache = new NameSimilarityCache();
  const features: Features[] = [];
  for (let i = 0; i < n; i++) {
    if (i % CLUSTER_SLICE === CLUSTER_SLICE - 1) yield;
    features.push(featuresOf((records[i] as ClusterRecord).identifiers, cache));
  }
  const uf = new UnionFind(n);
  const best = new Float64Array(n);
  const edges: ClusterEdge[] = [];
  let candidatePairs = 0;
  let pairsScored = 0;

  // Record by record: its partners j > i in its blocks, each once (`mark`), and whether any key
  // they share is exact (`exact`) — then the pair is always scored.
  const mark = new Int32Array(n).fill(-1);
  const exact = new Uint8Array(n);
  const near: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i % CLUSTER_SLICE === CLUSTER_SLICE - 1) yield;
    near.length = 0;
    for (let m = memStart[i] as number; m < (memStart[i + 1] as number); m++) {
      const list = blockLists[memList[m] as number] as number[];
      if (list.length > maxBlock) continue;
      const isExact = memExact[m] === 1;
      for (let k = (memPos[m] as number) + 1; k < list.length; k++) {
        const j = list[k] as number;
        if (mark[j] !== i) {
          mark[j] = i;
          exact[j] = isExact ? 1 : 0;
          near.push(j);
        } else if (isExact) {
          exact[j] = 1;
        }
      }
    }
    candidatePairs += near.length;
    for (const j of near) {
      if (nameOnly[i] !== nameOnly[j]) {
        if (nameOnly[i]) addPartner(i, j);
        else addPartner(j, i);
      }
      if (
        exact[j] === 0 &&
        !opts.keepAllEdges &&
        softBound(rules, features[i] as Features, features[j] as Features) < rules.sameThreshold - 0.001
      ) {
        continue;
      }
      pairsScored++;
      const ri = records[i] as ClusterRecord;
      const rj = records[j] as ClusterRecord;
      const [q, c] = ri.row < rj.row ? [ri, rj] : [rj, ri];
      const s = scoreCandidate(rules, q.identifiers, c.row, c.identifiers);
      if (s.outcome === 'same') {
        uf.union(i, j);
        if (s.score > (best[i] as number)) best[i] = s.score;
        if (s.score > (best[j] as number)) best[j] = s.score;
      }
      if (s.outcome === 'same' || opts.keepAllEdges) {
        edges.push({
          a: q.row,
          b: c.row,
          score: s.score,
          outcome: s.outcome,
          reasons: s.reasons,
          via: s.outcome === 'same' ? 'same' : 'none',
        });
      }
    }
  }

  // Step 4: name-only records join the one cluster that carries their name.
  const joins: [number, number][] = [];
  for (const [i, list] of partners) {
    const matches = new Map<number, { j: number; s: number }>();
    const rivals = new Set<number>();
    for (const j of list) {
      const s = bestSimilarity((features[i] as Features).names, (features[j] as Features).names);
      const root = uf.find(j);
      const cur = matches.get(root);
      if (s >= NAME_ONLY_MATCH) {
        if (cur === undefined || s > cur.s) matches.set(root, { j, s });
      } else if (s >= NAME_ONLY_RIVAL) {
        rivals.add(root);
      }
    }
    for (const root of matches.keys()) rivals.delete(root);
    const only = matches.size === 1 && rivals.size === 0 ? [...matches.values()][0] : undefined;
    if (only) joins.push([i, only.j]);
  }
  for (const [i, j] of joins) {
    const ri = records[i] as ClusterRecord;
    const rj = records[j] as ClusterRecord;
    const [q, c] = ri.row < rj.row ? [ri, rj] : [rj, ri];
    const s = scoreCandidate(rules, q.identifiers, c.row, c.identifiers);
    uf.union(i, j);
    best[i] = s.score;
    edges.push({
      a: q.row,
      b: c.row,
      score: s.score,
      outcome: s.outcome,
      reasons: s.reasons,
      via: 'nameOnly',
    });
  }

  const minRow = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const root = uf.find(i);
    const row = (records[i] as ClusterRecord).row;
    const cur = minRow.get(root);
    if (cur === undefined || row < cur) minRow.set(root, row);
  }
  const rows: ClusterRow[] = records.map((r, i) => ({
    row: r.row,
    cluster: minRow.get(uf.find(i)) as number,
    score: best[i] as number,
  }));
  edges.sort((x, y) => x.a - y.a || x.b - y.b);
  return {
    rows,
    edges,
    stats: {
      records: n,
      blockingKeys: blockIndex.size,
      skippedKeys,
      candidatePairs,
      pairsScored,
      attachedByName: joins.length,
    },
  };
}

/**
 * Clusters records of the same organisation (see the module comment). Returns one entry per
 * record, in input order. Row numbers must be distinct.
 */
export function clusterRecords(
  records: readonly ClusterRecord[],
  rules: IdentityRules,
  opts: Omit<ClusterOptions, 'keepAllEdges'> = {},
): ClusterRow[] {
  return clusterRecordsDetailed(records, rules, opts).rows;
}
