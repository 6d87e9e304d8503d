/**
 * Fairbase benchmark: demo load and claim throughput on PostgreSQL (HTTP vs a raw UPDATE limit) and
 * on embedded PGlite, then the ownership invariants and duplicate-detection quality; then the identity
 * lookup, import and simulator benchmarks as child processes (FOLLOW_UPS). `npm run bench`.
 *
 * Environment: BENCH_DATABASE_URL (else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test),
 * BENCH_CLIENTS (100000), BENCH_SECONDS (10), BENCH_PGLITE_CLIENTS (10000).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { type PgReport, probe, redact, runPgPart } from './pg-part.ts';
import { type PgliteReport, runPglitePart } from './pglite-part.ts';
import { runIdentityQuality } from './identity-quality.ts';
import { envInt, fmtMs, fmtNum, formatGrid, formatTable, type Row } from './stats.ts';

const started = performance.now();
const log = (s: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${s}`);

const adminUrl =
  process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const clients = envInt('BENCH_CLIENTS', 100_000);
const seconds = envInt('BENCH_SECONDS', 10);
const pgliteClients = envInt('BENCH_PGLITE_CLIENTS', 10_000);

async function main(): Promise<number> {
  const cpus = os.cpus();
  const facts: [string, string][] = [
    ['cpus', `${cpus.length} × ${cpus[0]?.model?.trim() ?? '?'}`],
    ['memory', `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`],
    ['os', `${os.platform()} ${os.release()} ${os.arch()}`],
    ['node', process.version],
  ];
  const reached = await probe(adminUrl);
  facts.push(['postgresql', 'version' in reached ? reached.version : `unreachable (${redact(adminUrl)})`]);
  facts.push([
    'settings',
    `BENCH_CLIENTS=${clients} BENCH_SECONDS=${seconds} BENCH_PGLITE_CLIENTS=${pgliteClients}`,
  ]);
  console.log('Machine');
  for (const [k, v] of facts) console.log(`  ${k.padEnd(11)} ${v}`);
  console.log('');

  const rows: Row[] = [];
  const notes: string[] = [];
  const extra: string[] = [];
  let violationTotal = 0;
  const violationParts: string[] = [];

  let pgReport: PgReport | null = null;
  let failures = 0;
  if ('version' in reached) {
    try {
      pgReport = await runPgPart({ adminUrl, clients, seconds, log }, reached.version);
    } catch (e) {
      // The database is already dropped (runPgPart cleans up in finally); the PGlite part still runs.
      failures += 1;
      console.error('PostgreSQL part failed:', e);
      rows.push({
        metric: 'pg: (failed)',
        value: '-',
        unit: '',
        note: String((e as Error).message).slice(0, 120),
      });
    }
  }
  if (pgReport) {
    rows.push(...pgReport.rows);
    notes.push(...pgReport.notes);
    extra.push(...pgReport.extraViolations);
    violationTotal += pgReport.violations.total;
    violationParts.push(`pg ${pgReport.violations.total}`);
  } else if (!('version' in reached)) {
    const note = `PostgreSQL part skipped: cannot connect to ${redact(adminUrl)} (${reached.error})`;
    console.log(note);
    notes.push(note);
    rows.push({ metric: 'pg: (skipped)', value: '-', unit: '', note: 'no PostgreSQL server reachable' });
  }

  const lite: PgliteReport = await runPglitePart({ clients: pgliteClients, seconds, log });
  rows.push(...lite.rows);
  notes.push(...lite.notes);
  extra.push(...lite.extraViolations);
  violationTotal += lite.violations.total;
  violationParts.push(`pglite ${lite.violations.total}`);
  violationTotal += extra.length;

  rows.push({
    metric: 'violations',
    value: String(violationTotal),
    unit: 'rows/checks',
    note: `ledger≠state, over cap, duplicate (client,line): ${violationParts.join(', ')}; extra checks failed ${extra.length}`,
  });

  if (pgReport?.profile) {
    const p = pgReport.profile;
    console.log('');
    console.log(
      `Where the time goes: ${p.requests} sequential HTTP claims on PostgreSQL, mean ${fmtMs(p.meanMs)} ms per request, ` +
        `DB statements ${fmtMs(p.dbMsPerClaim)} ms (${((100 * p.dbMsPerClaim) / p.meanMs).toFixed(0)}%), ` +
        `the rest (fetch client, HTTP, Fastify, auth, zod, drizzle, JSON) ${fmtMs(p.meanMs - p.dbMsPerClaim)} ms`,
    );
    console.log(
      formatGrid(
        ['statement (first 70 chars)', 'per claim', 'mean ms', 'ms per claim'],
        p.statements.map((s) => [
          s.label,
          (s.n / p.requests).toFixed(2),
          fmtMs(s.totalMs / s.n),
          fmtMs(s.totalMs / p.requests),
        ]),
      ),
    );
  }

  // Duplicate detection quality on synthetic records with ground truth (C2).
  log('Identity quality: synthetic organisations…');
  rows.push(
    ...runIdentityQuality({
      entities: envInt('BENCH_IDENTITY_ENTITIES', 10_000),
      seed: envInt('BENCH_IDENTITY_SEED', 1),
    }),
  );

  console.log('');
  for (const n of notes) console.log(`note: ${n}`);
  for (const e of extra) console.log(`VIOLATION: ${e}`);
  console.log('');
  console.log('Machine: ' + facts.map(([k, v]) => `${k} ${v}`).join('; '));
  console.log('');
  console.log(formatTable(rows));
  console.log('');
  console.log(violationTotal === 0 ? 'rule violations: 0' : `rule violations: ${violationTotal}`);
  console.log(`total bench time ${fmtNum((performance.now() - started) / 1000, 1)} s`);
  return violationTotal === 0 && failures === 0 ? 0 : 1;
}

/**
 * The other benchmarks, one child process each, at sizes that finish in minutes (each script's own
 * variables, when set, win; README gives the design-size runs): identity lookup latency, import
 * against a plain insert, the policy simulator against a full scan. BENCH_CORE_ONLY=1 skips them.
 */
const FOLLOW_UPS: { script: string; args: string[]; env: Record<string, string> }[] = [
  {
    script: 'bench/identity-perf.ts',
    args: [],
    env: {
      BENCH_IDENTITY_CLIENTS: '20000',
      BENCH_IDENTITY_PGLITE_CLIENTS: '10000',
      BENCH_IDENTITY_SAMPLE: '150',
    },
  },
  { script: 'bench/import.ts', args: [], env: { BENCH_IMPORT_BASE: '100000', BENCH_IMPORT_ROWS: '20000' } },
  { script: 'bench/simulate.ts', args: [], env: {} },
];

async function followUps(): Promise<number> {
  if (process.env.BENCH_CORE_ONLY === '1') return 0;
  let failed = 0;
  for (const f of FOLLOW_UPS) {
    console.log(`\n=== ${f.script} ===`);
    const env = { ...f.env, ...process.env };
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['bin/run-ts.mjs', f.script, ...f.args], {
        env,
        stdio: 'inherit',
      });
      child.on('exit', (c) => resolve(c ?? 1));
    });
    if (code !== 0) failed++;
  }
  return failed;
}

main().then(
  async (code) => process.exit((await followUps()) > 0 ? 1 : code),
  (e) => {
    console.error('benchmark failed:', e);
    process.exit(1);
  },
);
