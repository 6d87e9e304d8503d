import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runSimulation } from '../app/simulator.ts';
import { isPresetName } from '../core/policy/policy.ts';
import type { SimulationReport } from '../core/simulator/types.ts';
import { table } from './output.ts';
import { type CliKit, progressBar } from './sweep-commands.ts';

const rub = (kopecks: number) =>
  (kopecks / 100).toLocaleString('ru-RU', { minimumFractionDigits: 0, maximumFractionDigits: 0 });
const signed = (n: number, f: (x: number) => string = String) =>
  n > 0 ? `+${f(n)}` : n < 0 ? `-${f(-n)}` : '0';
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The readable summary of a simulation (stdout); the full report goes to --out or --json. */
export function formatSimulation(r: SimulationReport): string {
  const a = r.current.totals;
  const b = r.candidateRun.totals;
  const row = (what: string, x: number, y: number, f: (n: number) => string = String) => ({
    '': what,
    current: f(x),
    candidate: f(y),
    delta: signed(y - x, f),
  });
  const months = [
    ...new Set([...r.current.expiriesByMonth, ...r.candidateRun.expiriesByMonth].map((m) => m.month)),
  ]
    .sort()
    .map((month) => ({
      month,
      current: r.current.expiriesByMonth.find((m) => m.month === month)?.count ?? 0,
      candidate: r.candidateRun.expiriesByMonth.find((m) => m.month === month)?.count ?? 0,
    }));
  const gains = r.gains
    .filter(
      (g) =>
        g.baseEnd.current || g.baseEnd.candidate || g.creditedKopecks.current || g.creditedKopecks.candidate,
    )
    .map((g) => ({
      manager: g.name,
      base: `${g.baseEnd.current} → ${g.baseEnd.candidate}`,
      expiries: `${g.expiries.current} → ${g.expiries.candidate}`,
      'revenue Δ ₽': signed(g.creditedKopecks.delta, rub),
      'commission Δ ₽': signed(g.commissionKopecks.delta, rub),
    }));
  return [
    `Simulation ${r.from.slice(0, 10)} … ${r.to.slice(0, 10)} (${r.days} days): current policy v${r.currentVersion} vs candidate`,
    r.changes.length
      ? `Changes: ${r.changes.map((c) => `${c.path} ${show(c.current)} → ${show(c.candidate)}`).join('; ')}`
      : 'Changes: none (the candidate is the current policy)',
    '',
    table([
      row('clients expired', a.expiries, b.expiries),
      row('claims refused', a.refusedClaims, b.refusedClaims),
      row('disputes', a.disputes, b.disputes),
      row('  of them transferred', a.disputesTransferred, b.disputesTransferred),
      row('  left to a head', a.disputesForHead, b.disputesForHead),
      row('clients held at the end', a.baseEnd, b.baseEnd),
      row('credited revenue ₽', a.creditedKopecks, b.creditedKopecks, rub),
      row('commission ₽', a.commissionKopecks, b.commissionKopecks, rub),
    ]),
    '',
    'Expiries per month:',
    table(months),
    '',
    'Who gains / who loses:',
    table(gains),
  ].join('\n');
}

/** `fairbase simulate` (C19): the policy simulator. */
export function registerSimulateCommands(program: Command, kit: CliKit) {
  program
    .command('simulate')
    .description(
      'replay the recorded history under a candidate policy beside the current one (C19): expiries, refused claims, disputes, caps, coverage, credited revenue',
    )
    .requiredOption(
      '--policy <file|preset>',
      'a policy JSON file (full, or partial: merged over the current policy) or a preset: team, balanced, competition',
    )
    .option('--from <date>', 'first day replayed (default: the first ledger event, at most a year back)')
    .option('--to <date>', 'last day replayed (default: today, or --now)')
    .option('--out <file>', 'write the full report as JSON')
    .action((o: { policy: string; from?: string; to?: string; out?: string }) =>
      kit.withCtx(async (ctx) => {
        let policy: unknown = o.policy;
        if (!isPresetName(o.policy)) {
          try {
            policy = JSON.parse(readFileSync(resolve(o.policy), 'utf8'));
          } catch (e) {
            kit.reject('VALIDATION_FAILED', {
              issues: [
                {
                  path: '--policy',
                  message: `not a preset (team, balanced, competition) nor a readable JSON file: ${(e as Error).message}`,
                },
              ],
            });
          }
        }
        const date = (v: string | undefined, field: string) => {
          if (v === undefined) return undefined;
          const d = new Date(v);
          if (Number.isNaN(d.getTime()))
            kit.reject('VALIDATION_FAILED', { issues: [{ path: field, message: `not a date: ${v}` }] });
          return d;
        };
        const from = date(o.from, '--from');
        const to = date(o.to, '--to');
        const quiet = kit.json();
        const bar = quiet ? () => {} : progressBar(kit.io, 'simulate');
        const report = kit.unwrap(
          await runSimulation(
            ctx,
            { policy, from, to },
            (p) => bar(p.done, p.total),
            quiet ? undefined : (table, n) => kit.io.err(`loading ${table}: ${n}`),
          ),
        );
        if (o.out) {
          writeFileSync(resolve(o.out), `${JSON.stringify(report, null, 2)}\n`, 'utf8');
          if (!quiet) kit.io.err(`report written to ${resolve(o.out)}`);
        }
        kit.print(report, () => formatSimulation(report));
      }),
    );
}
