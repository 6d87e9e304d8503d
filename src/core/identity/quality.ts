/**
 * Quality of duplicate clustering against ground truth (C2, issue 3: F1 ≥ 0.97 and zero `same`
 * across different valid ИНН).
 *
 * Pairwise measures: every unordered pair of records is either in one predicted cluster or not, and
 * either of one true entity or not.
 * - precision = pairs in one predicted cluster that are truly one entity / pairs in one predicted cluster
 *   (1 when nothing was clustered);
 * - recall = those pairs / pairs that are truly one entity (1 when there are none);
 * - F1 = their harmonic mean.
 * Counted from the (predicted, true) contingency table, so it costs O(records), not O(pairs).
 *
 * `sameAcrossDifferentInn` (the R-ID-2 check): pairs that scoring itself called `same` — a direct
 * edge, not a consequence of single linkage — where both records carry at least one valid ИНН and
 * the two sets of ИНН are disjoint. It counts them whatever the truth: the synthetic generator never
 * gives one entity two ИНН, so on it every such pair is a scoring error. (match.ts does allow it
 * when a phone, e-mail, domain or ОГРН is shared — a chain's second legal entity — which a real base
 * may legitimately contain; on the synthetic set no such key is shared across entities.)
 * `clustersWithDifferentInn` counts predicted clusters holding two different valid ИНН through
 * transitivity, for information.
 */
import type { ClusterEdge, ClusterRow } from './cluster.ts';
import type { Identifier } from './identifiers.ts';

export type PairwiseQuality = {
  records: number;
  /** Pairs of records of one true entity. */
  truePairs: number;
  /** Pairs of records in one predicted cluster. */
  predictedPairs: number;
  /** Pairs both truly one entity and predicted so. */
  correctPairs: number;
  precision: number;
  recall: number;
  f1: number;
};

const pairsOf = (n: number) => (n * (n - 1)) / 2;

/**
 * Pairwise precision, recall and F1 of predicted clusters against the truth. `truth` maps a row to
 * its entity; every predicted row must have a truth.
 */
export function pairwiseQuality(
  predicted: readonly Pick<ClusterRow, 'row' | 'cluster'>[],
  truth: ReadonlyMap<number, number>,
): PairwiseQuality {
  const byPredicted = new Map<number, number>();
  const byTruth = new Map<number, number>();
  const byBoth = new Map<string, number>();
  for (const p of predicted) {
    const t = truth.get(p.row);
    if (t === undefined) throw new RangeError(`pairwiseQuality: row ${p.row} has no truth`);
    byPredicted.set(p.cluster, (byPredicted.get(p.cluster) ?? 0) + 1);
    byTruth.set(t, (byTruth.get(t) ?? 0) + 1);
    const k = `${p.cluster}:${t}`;
    byBoth.set(k, (byBoth.get(k) ?? 0) + 1);
  }
  let truePairs = 0;
  let predictedPairs = 0;
  let correctPairs = 0;
  for (const n of byTruth.values()) truePairs += pairsOf(n);
  for (const n of byPredicted.values()) predictedPairs += pairsOf(n);
  for (const n of byBoth.values()) correctPairs += pairsOf(n);
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { records: predicted.length, truePairs, predictedPairs, correctPairs, precision, recall, f1 };
}

/** The valid ИНН of each row (identifiersOf keeps only valid ones). */
export function innsByRow(records: readonly { row: number; identifiers: readonly Identifier[] }[]) {
  const out = new Map<number, Set<string>>();
  for (const r of records) {
    const inns = r.identifiers.filter((i) => i.kind === 'inn').map((i) => i.value);
    if (inns.length > 0) out.set(r.row, new Set(inns));
  }
  return out;
}

const disjoint = (a: ReadonlySet<string>, b: ReadonlySet<string>) => {
  for (const v of a) if (b.has(v)) return false;
  return true;
};

/** Directly scored `same` pairs whose records both carry valid ИНН, with no ИНН in common. */
export function sameAcrossDifferentInn(
  edges: readonly Pick<ClusterEdge, 'a' | 'b' | 'outcome'>[],
  inns: ReadonlyMap<number, ReadonlySet<string>>,
): Pick<ClusterEdge, 'a' | 'b' | 'outcome'>[] {
  return edges.filter((e) => {
    if (e.outcome !== 'same') return false;
    const a = inns.get(e.a);
    const b = inns.get(e.b);
    return a !== undefined && b !== undefined && disjoint(a, b);
  });
}

/** Predicted clusters that hold more than one distinct valid ИНН. */
export function clustersWithDifferentInn(
  predicted: readonly Pick<ClusterRow, 'row' | 'cluster'>[],
  inns: ReadonlyMap<number, ReadonlySet<string>>,
): number {
  const perCluster = new Map<number, Set<string>>();
  for (const p of predicted) {
    const own = inns.get(p.row);
    if (!own) continue;
    const set = perCluster.get(p.cluster) ?? new Set<string>();
    for (const v of own) set.add(v);
    perCluster.set(p.cluster, set);
  }
  let n = 0;
  for (const s of perCluster.values()) if (s.size > 1) n++;
  return n;
}
