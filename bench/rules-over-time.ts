/**
 * Rules over time at scale (issue: C10 sweep, C14 coverage): `npm run bench:rules`.
 * Generates N clients, M touches and K managers with set-based SQL, then measures, in the same run:
 *   - the nightly sweep (real run: warnings, expiry, batches of 500) beside ONE hand-written
 *     set-based SELECT of the same expired clients (goal ≤ 3×);
 *   - the team coverage query beside one raw aggregate SQL of the same figures (goal ≤ 2×).
 *
 * Environment: BENCH_ENGINE (pg | pglite, default pg), BENCH_DATABASE_URL (PostgreSQL admin URL,
 * default postgres://postgres@127.0.0.1:5432/test), BENCH_RULES_CLIENTS (1000000),
 * BENCH_RULES_TOUCHES (10000000), BENCH_RULES_MANAGERS (500), BENCH_RULES_REPEAT (3).
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../src/app/context.ts';
import { coverage } from '../src/app/queries/analytics.ts';
import { runSweep } from '../src/app/sweep.ts';
import { presets } from '../src/core/policy/policy.ts';
import { rows } from '../src/db/raw.ts';
import { benchEngine, elapsedLog, FIRST_MANAGER, generateHistory, time, withBenchDatabase } from './setup.ts';
import { envInt, fmtNum, formatGrid } from './stats.ts';

const N = envInt('BENCH_RULES_CLIENTS', benchEngine === 'pg' ? 1_000_000 : 100_000);
const M = envInt('BENCH_RULES_TOUCHES', N * 10);
const K = envInt('BENCH_RULES_MANAGERS', 500);
const REPEAT = envInt('BENCH_RULES_REPEAT', 3);
const NOW = new Date('2026-11-01T02:00:00Z');
const DAY = 86_400_000;

const log = elapsedLog();

/**
 * Set-based generation: K managers each own ~180 clients (the rest is the pool), owners since
 * 20–120 days ago; touches spread over 180 days, 70 % on owned clients by their owner; a won deal
 * on 60 % of owned clients (a first sweep after a pause finds many due; a nightly one a few).
 */
async function generate(ctx: AppContext) {
  const owned = Math.min(N, K * 180);
  await generateHistory(
    ctx,
    {
      now: NOW,
      managers: K,
      hiredDaysAgo: 400,
      clients: N,
      owned,
      sinceMinDays: 20,
      sinceSpanDays: 100,
      touches: M,
      touchChunk: 1_000_000,
      touchWindowDays: 180,
      touchClient: sql`CASE WHEN g % 10 < 7 THEN 1 + (g * 7) % ${owned} ELSE 1 + (g * 104723) % ${N} END`,
      touchAuthor: sql`CASE WHEN cid <= ${owned} THEN ${FIRST_MANAGER} + (cid % ${K}) ELSE ${FIRST_MANAGER} + ((g * 31) % ${K})::int END`,
    },
    log,
  );
}

/** The hand-written reference: the clients due at NOW under the balanced rules, in one statement. */
function referenceExpiredSql() {
  const p = presets.balanced.expiry;
  return sql`SELECT o.client_id, o.line_id FROM ownership o
    WHERE o.owner_id IS NOT NULL
      AND greatest(
            least(greatest(coalesce((SELECT max(t.occurred_at) FROM touches t WHERE t.client_id = o.client_id
                     AND t.author_id = o.owner_id AND t.occurred_at >= o.since AND t.outcome IN ('meeting_held', 'reached')), o.since), o.since)
                    + make_interval(days => ${p.noTouchDays}),
                  CASE WHEN EXISTS (SELECT 1 FROM deals d WHERE d.client_id = o.client_id AND d.line_id = o.line_id
                                      AND d.stage = 'won' AND d.won_at >= o.since)
                       THEN 'infinity'::timestamptz ELSE o.since + make_interval(days => ${p.noOrderDays}) END),
            coalesce(o.protected_until, '-infinity'), coalesce(o.extended_until, '-infinity')) <= ${NOW.toISOString()}::timestamptz`;
}

/** The hand-written reference for coverage: met / called / touched in 30 days and the base, per owner. */
function referenceCoverageSql(lineId: number) {
  const since = new Date(NOW.getTime() - 30 * DAY).toISOString();
  return sql`SELECT owner_id, count(*) AS base,
      count(*) FILTER (WHERE met) AS met, count(*) FILTER (WHERE called) AS called, count(*) FILTER (WHERE touched) AS touched
    FROM (SELECT o.owner_id, o.client_id,
            bool_or(t.outcome = 'meeting_held' AND t.occurred_at > ${since}) AS met,
            bool_or(t.kind = 'call' AND t.outcome = 'reached' AND t.occurred_at > ${since}) AS called,
            bool_or(t.occurred_at > ${since}) AS touched
          FROM ownership o LEFT JOIN touches t ON t.client_id = o.client_id AND t.author_id = o.owner_id AND t.occurred_at <= ${NOW.toISOString()}
          WHERE o.owner_id IS NOT NULL AND o.line_id = ${lineId}
          GROUP BY o.owner_id, o.client_id) b
    GROUP BY owner_id`;
}

async function main() {
  console.log(
    `Rules over time: engine ${benchEngine}, ${fmtNum(N)} clients, ${fmtNum(M)} touches, ${K} managers`,
  );
  await withBenchDatabase('rules', NOW, async (ctx) => {
    await generate(ctx);
    const [line] = await rows<{ id: number }>(ctx.db, sql`SELECT id FROM lines WHERE is_default`);
    const lineId = line!.id;

    // Coverage first (read-only), best of REPEAT for both sides.
    const covRef: number[] = [];
    const covApp: number[] = [];
    let managersSeen = 0;
    for (let i = 0; i < REPEAT; i++) {
      covRef.push((await time(() => rows(ctx.db, referenceCoverageSql(lineId)))).ms);
      const r = await time(() =>
        coverage(
          ctx.db,
          { version: 1, policy: presets.balanced },
          { from: new Date(NOW.getTime() - 90 * DAY), to: NOW, lineId },
        ),
      );
      covApp.push(r.ms);
      managersSeen = r.value.managers.length;
    }
    log(`coverage: ${managersSeen} managers`);

    // The reference selection, then the real sweep (it writes: run once).
    const refRuns: number[] = [];
    let expectedDue = 0;
    for (let i = 0; i < REPEAT; i++) {
      const r = await time(() => rows<{ client_id: number }>(ctx.db, referenceExpiredSql()));
      refRuns.push(r.ms);
      expectedDue = r.value.length;
    }
    log(`reference: ${fmtNum(expectedDue)} clients due`);
    let lastPct = -10;
    const sweep = await time(() =>
      runSweep(ctx, {
        now: NOW,
        onProgress: (p) => {
          const pct = p.total ? Math.floor((p.done / p.total) * 100) : 100;
          if (p.phase === 'expiry' && pct >= lastPct + 10) {
            lastPct = pct;
            log(`sweep ${pct}% (${fmtNum(p.done)} / ${fmtNum(p.total)})`);
          }
        },
      }),
    );
    const report = sweep.value;
    if (report.expired.length !== expectedDue) {
      throw new Error(`the sweep expired ${report.expired.length}, the reference selects ${expectedDue}`);
    }
    const second = await time(() => runSweep(ctx, { now: NOW }));
    const best = (xs: number[]) => Math.min(...xs);
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    console.log('');
    console.log(
      formatGrid(
        ['measure', 'fairbase', 'reference SQL', 'ratio', 'goal'],
        [
          [
            `nightly sweep (${fmtNum(report.expired.length)} expired, ${fmtNum(report.warned.length)} warned, ${fmtNum(report.candidates)} candidates)`,
            `${fmtNum(sweep.ms)} ms`,
            `${fmtNum(best(refRuns))} ms`,
            ratio(sweep.ms, best(refRuns)),
            '≤ 3×',
          ],
          [
            'second sweep at the same instant (idempotent: nothing to do)',
            `${fmtNum(second.ms)} ms`,
            `${fmtNum(best(refRuns))} ms`,
            ratio(second.ms, best(refRuns)),
            '',
          ],
          [
            `team coverage (${managersSeen} managers, 3 windows, deals)`,
            `${fmtNum(best(covApp))} ms`,
            `${fmtNum(best(covRef))} ms`,
            ratio(best(covApp), best(covRef)),
            '≤ 2×',
          ],
        ],
      ),
    );
    if (second.value.expired.length !== 0) throw new Error('the second sweep expired clients again');
  });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
