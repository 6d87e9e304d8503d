import { describe, expect, it } from 'vitest';
import { defaultIdentityRules } from '../policy/policy.ts';
import { clusterRecordsDetailed } from './cluster.ts';
import { clustersWithDifferentInn, innsByRow, pairwiseQuality, sameAcrossDifferentInn } from './quality.ts';
import { generateIdentityDataset, syntheticIdentifiers } from './synthetic.ts';

const truthOf = (entities: number[]) => new Map(entities.map((t, row) => [row, t]));
const predicted = (clusters: number[]) => clusters.map((cluster, row) => ({ row, cluster }));

describe('pairwiseQuality', () => {
  it.each<[string, number[], number[], { precision: number; recall: number; f1: number }]>([
    ['perfect', [0, 0, 1, 2, 2], [0, 0, 2, 3, 3], { precision: 1, recall: 1, f1: 1 }],
    ['nothing clustered', [0, 0, 1], [0, 1, 2], { precision: 1, recall: 0, f1: 0 }],
    ['no duplicates, none found', [0, 1, 2], [0, 1, 2], { precision: 1, recall: 1, f1: 1 }],
    // truth pairs: {0,1},{2,3}; predicted pairs: {0,1},{0,2},{1,2}; correct: {0,1}
    ['one wrong merge, one miss', [0, 0, 1, 1], [0, 0, 0, 3], { precision: 1 / 3, recall: 1 / 2, f1: 0.4 }],
    // truth: one entity of 4 (6 pairs); predicted {0,1,2} and {3}: 3 pairs, all correct
    ['one record split off', [5, 5, 5, 5], [0, 0, 0, 3], { precision: 1, recall: 0.5, f1: 2 / 3 }],
  ])('%s', (_label, truth, clusters, expected) => {
    const q = pairwiseQuality(predicted(clusters), truthOf(truth));
    expect(q.precision).toBeCloseTo(expected.precision, 10);
    expect(q.recall).toBeCloseTo(expected.recall, 10);
    expect(q.f1).toBeCloseTo(expected.f1, 10);
  });

  it('counts pairs', () => {
    expect(pairwiseQuality(predicted([0, 0, 0, 3]), truthOf([1, 1, 2, 2]))).toMatchObject({
      records: 4,
      truePairs: 2,
      predictedPairs: 3,
      correctPairs: 1,
    });
  });

  it('refuses a row without truth', () => {
    expect(() => pairwiseQuality([{ row: 9, cluster: 9 }], new Map())).toThrow(/row 9/);
  });
});

describe('sameAcrossDifferentInn and clustersWithDifferentInn', () => {
  const inns = new Map<number, Set<string>>([
    [0, new Set(['A'])],
    [1, new Set(['B'])],
    [2, new Set(['A', 'C'])],
    [3, new Set(['C'])],
  ]);

  it('counts only direct `same` pairs whose records both have ИНН and share none', () => {
    const edges = [
      { a: 0, b: 1, outcome: 'same' as const }, // A vs B: a violation
      { a: 0, b: 2, outcome: 'same' as const }, // share A
      { a: 1, b: 3, outcome: 'maybe' as const }, // not `same`
      { a: 0, b: 4, outcome: 'same' as const }, // row 4 has no ИНН
    ];
    expect(sameAcrossDifferentInn(edges, inns)).toEqual([{ a: 0, b: 1, outcome: 'same' }]);
  });

  it('counts clusters that hold two ИНН through transitivity', () => {
    expect(clustersWithDifferentInn(predicted([0, 1, 2, 2, 2]), inns)).toBe(1); // {2,3,4}: A, C
    expect(clustersWithDifferentInn(predicted([0, 1, 2, 3, 4]), inns)).toBe(1); // row 2 alone has A and C
    expect(clustersWithDifferentInn(predicted([0, 1, 9, 9, 9]).slice(3), inns)).toBe(0);
  });

  it('reads valid ИНН from identifiers', () => {
    const ds = generateIdentityDataset({ seed: 1, entities: 50 });
    const input = ds.records.map((r) => ({ row: r.row, identifiers: syntheticIdentifiers(r) }));
    const byRow = innsByRow(input);
    expect(byRow.size).toBeGreaterThan(0);
    for (const set of byRow.values()) for (const inn of set) expect(inn).toMatch(/^\d{10}(\d{2})?$/);
  });
});

describe('quality on the synthetic set (regression guard)', () => {
  it('stays well above the floor, with no `same` across different valid ИНН', () => {
    const ds = generateIdentityDataset({ seed: 42, entities: 1500 });
    const input = ds.records.map((r) => ({ row: r.row, identifiers: syntheticIdentifiers(r) }));
    const res = clusterRecordsDetailed(input, defaultIdentityRules);
    const q = pairwiseQuality(res.rows, new Map(ds.records.map((r) => [r.row, r.truth])));
    expect(q.precision).toBeGreaterThan(0.98);
    expect(q.recall).toBeGreaterThan(0.9);
    expect(q.f1).toBeGreaterThan(0.95);
    expect(sameAcrossDifferentInn(res.edges, innsByRow(input))).toEqual([]);
  });
});
