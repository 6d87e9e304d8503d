/**
 * The policy simulator at scale (C19): `npm run bench:simulate`.
 * Generates a year of history with set-based SQL (K managers, N clients, their claims, M touches,
 * won deals), then measures in the same run:
 *   - one full scan of the touches table, two ways: `SELECT count(*), max(occurred_at)` (the server
 *     alone) and every row streamed to JS through a cursor (what any replay must at least read);
 *   - the simulation of that year: "expiry 45 days" against the current balanced policy (60), i.e. the
 *     snapshot load (every table) plus two day-by-day replays — goal ≤ 2× the full scan.
 *
 * Environment: BENCH_ENGINE (pg | pglite, default pg), BENCH_DATABASE_URL (PostgreSQL admin URL,
 * default postgres://postgres@127.0.0.1:5432/test), BENCH_SIM_TOUCHES (1000000),
 * BENCH_SIM_CLIENTS (touches / 20), BENCH_SIM_MANAGERS (100), BENCH_SIM_REPEAT (3).
 */
import { sql } from 'drizzle-orm';
import type { AppContext } from '../src/app/context.ts';
import { activePolicy } from '../src/app/policy-store.ts';
import { loadSnapshot, resolveCandidate, runSimulation } from '../src/app/simulator.ts';
import { simulate } from '../src/core/simulator/simulate.ts';
import { rows } from '../src/db/raw.ts';
import { benchEngine, elapsedLog, FIRST_MANAGER, generateHistory, time, withBenchDatabase } from './setup.ts';
import { envInt, fmtNum, formatGrid } from './stats.ts';

const M = envInt('BENCH_SIM_TOUCHES', 1_000_000);
const N = envInt('BENCH_SIM_CLIENTS', Math.max(100, Math.round(M / 20)));
const K = envInt('BENCH_SIM_MANAGERS', 100);
const REPEAT = envInt('BENCH_SIM_REPEAT', 3);
const NOW = new Date('2026-11-01T02:00:00Z');
const DAY = 86_400_000;
const FROM = new Date(NOW.getTime() - 365 * DAY);

const log = elapsedLog();

/**
 * Set-based generation: K managers own ~70 % of the clients, claimed over the 13 months before NOW
 * (ledger ClientClaimed events and the matching ownership rows); M touches over the year, 70 % by
 * the owner; a won deal on 60 % of the owned clients 5–20 days after the claim.
 */
async function generate(ctx: AppContext) {
  await generateHistory(
    ctx,
    {
      now: NOW,
      managers: K,
      hiredDaysAgo: 800,
      clients: N,
      owned: Math.floor(N * 0.7),
      sinceMinDays: 5,
      sinceSpanDays: 395,
      touches: M,
      touchChunk: 500_000,
      touchWindowDays: 365,
      touchClient: sql`1 + (g * 7) % ${N}`,
      touchAuthor: sql`CASE WHEN g % 10 < 7 THEN ${FIRST_MANAGER} + (cid % ${K}) ELSE ${FIRST_MANAGER} + ((g * 31) % ${K})::int END`,
      afterOwnership: async () => {
        await ctx.db.execute(sql`INSERT INTO ownership_events (client_id, line_id, type, from_manager_id, to_manager_id, actor,
            reason_code, rule, policy_version, occurred_at, details)
          SELECT client_id, line_id, 'ClientClaimed', NULL, owner_id, 'user:' || owner_id, 'CLAIMED_FROM_POOL', 'R-CLAIM-1', 1, since, '{}'::jsonb
          FROM ownership WHERE owner_id IS NOT NULL ORDER BY since, client_id`);
      },
    },
    log,
  );
}

/** Every touch row streamed to JS through a cursor, pages of 20,000 (the loader's own way of reading). */
async function streamTouches(ctx: AppContext): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    await tx.execute(
      sql`DECLARE scan NO SCROLL CURSOR FOR SELECT id, client_id, line_id, author_id, kind, outcome, occurred_at FROM touches`,
    );
    let n = 0;
    for (;;) {
      const page = await rows<unknown>(tx, sql`FETCH 20000 FROM scan`);
      n += page.length;
      if (page.length < 20_000) break;
    }
    return n;
  });
}

async function main() {
  console.log(
    `Policy simulator: engine ${benchEngine}, ${fmtNum(M)} touches, ${fmtNum(N)} clients, ${K} managers`,
  );
  await withBenchDatabase('sim', NOW, async (ctx) => {
    await generate(ctx);

    const best = (xs: number[]) => Math.min(...xs);
    const count: number[] = [];
    const stream: number[] = [];
    const load: number[] = [];
    const core: number[] = [];
    const sim: number[] = [];
    let streamed = 0;
    let expiries = { current: 0, candidate: 0 };
    const request = { policy: { expiry: { noTouchDays: 45 } }, from: FROM, to: NOW };
    for (let i = 0; i < REPEAT; i++) {
      count.push((await time(() => rows(ctx.db, sql`SELECT count(*), max(occurred_at) FROM touches`))).ms);
      const s = await time(() => streamTouches(ctx));
      stream.push(s.ms);
      streamed = s.value;
      let lastPct = -25;
      const r = await time(() =>
        runSimulation(ctx, request, (p) => {
          const pct = Math.floor((p.done / p.total) * 100);
          if (i === 0 && pct >= lastPct + 25) {
            lastPct = pct;
            log(`simulate ${pct}% (${p.phase}, day ${p.done} of ${p.total})`);
          }
        }),
      );
      if (!r.value.ok) throw new Error(r.value.code);
      sim.push(r.ms);
      expiries = {
        current: r.value.value.current.totals.expiries,
        candidate: r.value.value.candidateRun.totals.expiries,
      };
      // The two halves on their own: the snapshot load, and the pure core on the loaded snapshot.
      const snap = await time(() => loadSnapshot(ctx.db, NOW));
      load.push(snap.ms);
      const current = await activePolicy(ctx.db);
      const candidate = resolveCandidate(current.policy, request.policy);
      if (!candidate.ok) throw new Error(candidate.code);
      core.push(
        (
          await time(async () =>
            simulate({
              snapshot: snap.value,
              current,
              candidate: candidate.value,
              from: FROM.getTime(),
              to: NOW.getTime(),
            }),
          )
        ).ms,
      );
      log(`round ${i + 1}/${REPEAT}: simulation ${fmtNum(r.ms)} ms, streamed scan ${fmtNum(s.ms)} ms`);
    }
    if (streamed !== M) throw new Error(`streamed ${streamed} touches, generated ${M}`);
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    console.log('');
    console.log(
      formatGrid(
        ['measure (best of ' + REPEAT + ')', 'time', 'vs streamed scan', 'vs count(*) scan', 'goal'],
        [
          [
            'full scan: SELECT count(*), max(occurred_at) FROM touches',
            `${fmtNum(best(count))} ms`,
            '',
            '1.00×',
            '',
          ],
          [
            `full scan: ${fmtNum(streamed)} touch rows streamed to JS (cursor)`,
            `${fmtNum(best(stream))} ms`,
            '1.00×',
            ratio(best(stream), best(count)),
            '',
          ],
          [
            `simulation of one year, expiry 45 vs 60 (${fmtNum(expiries.candidate)} vs ${fmtNum(expiries.current)} expiries)`,
            `${fmtNum(best(sim))} ms`,
            ratio(best(sim), best(stream)),
            ratio(best(sim), best(count)),
            '≤ 2×',
          ],
          [
            '  of it: snapshot load (every table, one transaction)',
            `${fmtNum(best(load))} ms`,
            ratio(best(load), best(stream)),
            '',
            '',
          ],
          [
            '  of it: the two replays (pure core)',
            `${fmtNum(best(core))} ms`,
            ratio(best(core), best(stream)),
            '',
            '',
          ],
        ],
      ),
    );
  });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
