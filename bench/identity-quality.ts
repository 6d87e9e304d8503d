/**
 * Duplicate-detection quality (C2, issue 3): the synthetic Russian data set with ground truth
 * (src/core/identity/synthetic.ts) clustered by `clusterRecords` at the default policy, scored
 * pairwise against the truth. Goal: F1 ≥ 0.97 and no `same` across different valid ИНН.
 *
 * `runIdentityQuality` returns rows for the benchmark table; run alone it prints them, with a
 * breakdown by kind of organisation:
 *   node bin/run-ts.mjs bench/identity-quality.ts   (env BENCH_IDENTITY_ENTITIES, BENCH_IDENTITY_SEED)
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { clusterRecordsDetailed } from '../src/core/identity/cluster.ts';
import {
  clustersWithDifferentInn,
  innsByRow,
  pairwiseQuality,
  sameAcrossDifferentInn,
} from '../src/core/identity/quality.ts';
import {
  generateIdentityDataset,
  type SyntheticEntityKind,
  syntheticIdentifiers,
} from '../src/core/identity/synthetic.ts';
import { defaultIdentityRules, type IdentityRules } from '../src/core/policy/policy.ts';
import { envInt, fmtNum, formatGrid, formatTable, type Row } from './stats.ts';

export type IdentityQualityOptions = { entities: number; seed: number; rules?: IdentityRules };

export type IdentityQualityReport = {
  rows: Row[];
  /** Per kind of organisation: kind, entities, records, true pairs, recall, wrong pairs. */
  byKind: string[][];
  f1: number;
  violations: number;
};

const f3 = (v: number) => v.toFixed(3);

/** Generates, clusters and scores; see the module comment. */
export function runIdentityQualityReport(opts: IdentityQualityOptions): IdentityQualityReport {
  const rules = opts.rules ?? defaultIdentityRules;
  const ds = generateIdentityDataset({ seed: opts.seed, entities: opts.entities });

  let t = performance.now();
  const input = ds.records.map((r) => ({ row: r.row, identifiers: syntheticIdentifiers(r) }));
  const normaliseMs = performance.now() - t;
  t = performance.now();
  const result = clusterRecordsDetailed(input, rules);
  const clusterMs = performance.now() - t;

  const truth = new Map(ds.records.map((r) => [r.row, r.truth]));
  const q = pairwiseQuality(result.rows, truth);
  const withData = new Set(ds.records.filter((r) => r.shape !== 'onlyName').map((r) => r.row));
  const qData = pairwiseQuality(
    result.rows.filter((r) => withData.has(r.row)),
    truth,
  );
  const inns = innsByRow(input);
  const violations = sameAcrossDifferentInn(result.edges, inns).length;
  const twoInn = clustersWithDifferentInn(result.rows, inns);
  const n = ds.records.length;

  const rows: Row[] = [
    {
      metric: 'identity: synthetic records',
      value: fmtNum(n),
      unit: 'records',
      note: `${fmtNum(opts.entities)} organisations, seed ${opts.seed}, ${fmtNum(q.truePairs)} true pairs`,
    },
    { metric: 'identity: precision', value: f3(q.precision), unit: '', note: 'pairwise' },
    { metric: 'identity: recall', value: f3(q.recall), unit: '', note: 'pairwise' },
    { metric: 'identity: F1', value: f3(q.f1), unit: '', note: 'goal ≥ 0.97' },
    {
      metric: 'identity: F1 without name-only records',
      value: f3(qData.f1),
      unit: '',
      note: `P ${f3(qData.precision)} R ${f3(qData.recall)}; ${fmtNum(n - withData.size)} records are only a name`,
    },
    {
      metric: 'identity: same across different valid ИНН',
      value: String(violations),
      unit: 'pairs',
      note: `goal 0 (pairs scored same); clusters with 2 ИНН via transitivity: ${twoInn}`,
    },
    {
      metric: 'identity: clusterRecords',
      value: fmtNum((n / clusterMs) * 1000),
      unit: 'records/s',
      note: `${fmtNum(clusterMs)} ms; ${fmtNum(result.stats.candidatePairs)} candidate pairs, ${fmtNum(result.stats.pairsScored)} scored`,
    },
    {
      metric: 'identity: identifiersOf (normalisation)',
      value: fmtNum((n / normaliseMs) * 1000),
      unit: 'records/s',
      note: `${fmtNum(normaliseMs)} ms`,
    },
  ];

  const kinds = Object.keys(ds.entitiesByKind) as SyntheticEntityKind[];
  const byKind = kinds.map((kind) => {
    const rowsOfKind = new Set(ds.records.filter((r) => r.kind === kind).map((r) => r.row));
    const k = pairwiseQuality(
      result.rows.filter((r) => rowsOfKind.has(r.row)),
      truth,
    );
    // Wrong pairs that involve this kind: predicted together, truly apart.
    const clusterOf = new Map(result.rows.map((r) => [r.row, r.cluster]));
    const members = new Map<number, number[]>();
    for (const r of result.rows) members.set(r.cluster, [...(members.get(r.cluster) ?? []), r.row]);
    let wrong = 0;
    for (const row of rowsOfKind) {
      for (const other of members.get(clusterOf.get(row) as number) ?? []) {
        if (other !== row && truth.get(other) !== truth.get(row) && (!rowsOfKind.has(other) || other > row))
          wrong++;
      }
    }
    return [
      kind,
      fmtNum(ds.entitiesByKind[kind]),
      fmtNum(rowsOfKind.size),
      fmtNum(k.truePairs),
      f3(k.recall),
      fmtNum(wrong),
    ];
  });
  return { rows, byKind, f1: q.f1, violations };
}

/** Rows for the benchmark table. */
export function runIdentityQuality(opts: IdentityQualityOptions): Row[] {
  return runIdentityQualityReport(opts).rows;
}

const invoked = process.argv[1] ? resolve(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url)) {
  const report = runIdentityQualityReport({
    entities: envInt('BENCH_IDENTITY_ENTITIES', 10_000),
    seed: envInt('BENCH_IDENTITY_SEED', 1),
  });
  console.log('Duplicate detection on synthetic Russian data (default policy)');
  console.log(formatTable(report.rows));
  console.log('');
  console.log(
    formatGrid(['kind', 'organisations', 'records', 'true pairs', 'recall', 'wrong pairs'], report.byKind),
  );
}
