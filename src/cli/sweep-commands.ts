import type { Command } from 'commander';
import { reviewCaps } from '../app/cap-review.ts';
import type { AppContext } from '../app/context.ts';
import { runSweep, type SweepReport } from '../app/sweep.ts';
import { extendExpiry } from '../app/use-cases/extend-expiry.ts';
import type { PublicUser } from '../app/use-cases/users.ts';
import type { Outcome, RejectionCode } from '../core/outcome.ts';
import { type CliIo, table } from './output.ts';

/** What the sweep commands borrow from runCli (main.ts). */
export type CliKit = {
  io: CliIo;
  withCtx: (fn: (ctx: AppContext) => Promise<void>) => Promise<void>;
  print: (value: unknown, human?: () => string) => void;
  unwrap: <T>(out: Outcome<T>) => T;
  reject: (code: RejectionCode, details: Record<string, unknown>) => never;
  userRef: (ctx: AppContext, ref: string, field: string) => Promise<PublicUser>;
  intArg: (v: string, field: string) => number;
  json: () => boolean;
};

/** A progress bar on stderr: redrawn in place on a terminal, one line per step otherwise. */
export function progressBar(io: CliIo, label: string, tty = Boolean(process.stderr.isTTY)) {
  let lastPct = -1;
  return (done: number, total: number) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === lastPct && done !== total) return;
    lastPct = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${done}/${total}`;
    if (tty) process.stderr.write(`\r${line}${done === total ? '\n' : ''}`);
    else io.err(line);
  };
}

function formatSweep(r: SweepReport): string {
  if (!r.ran) return 'another instance is running the sweep right now: nothing done';
  const head = `${r.dryRun ? 'DRY RUN — nothing changed. ' : ''}Sweep at ${r.now} (rules v${r.policyVersion}): ${r.candidates} candidates, ${r.expired.length} ${r.dryRun ? 'would go' : 'went'} to the pool, ${r.warned.length} warnings, ${r.surplusReleased.length} released over a shrunk cap`;
  const moved = [...r.expired, ...r.surplusReleased].map((e) => ({
    client: e.clientId,
    line: e.lineId,
    owner: e.ownerId,
    rule: e.rule,
    reason: e.reasonCode,
  }));
  const warned = r.warned.map((w) => ({
    client: w.clientId,
    owner: w.ownerId,
    'days before': w.daysBefore,
    expires: w.expiresAt,
  }));
  return [
    head,
    ...(moved.length ? ['', 'to the pool:', table(moved)] : []),
    ...(warned.length ? ['', 'warned:', table(warned)] : []),
  ].join('\n');
}

export function registerSweepCommands(program: Command, kit: CliKit) {
  program
    .command('sweep')
    .description(
      'expiry to the pool with warnings, and cap surplus after its deadline (C10, C7); --now to act at an instant',
    )
    .option('--dry-run', 'show what would happen, change nothing')
    .option('--batch <n>', 'clients per transaction', '500')
    .action((o: { dryRun?: boolean; batch: string }) =>
      kit.withCtx(async (ctx) => {
        const bar = kit.json() ? () => {} : progressBar(kit.io, 'sweep');
        const report = await runSweep(ctx, {
          dryRun: Boolean(o.dryRun),
          batchSize: kit.intArg(o.batch, '--batch'),
          onProgress: (p) => bar(p.done, p.total),
        });
        kit.print(report, () => formatSweep(report));
      }),
    );
  program
    .command('extend <client>')
    .description("postpone a client's return to the pool (--as must be a head of sales)")
    .requiredOption('--as <user>', 'head of sales: id or e-mail')
    .requiredOption('--until <date>', 'ISO date')
    .requiredOption('--reason <text>')
    .option('--line <id>')
    .action((client: string, o: { as: string; until: string; reason: string; line?: string }) =>
      kit.withCtx(async (ctx) => {
        const u = await kit.userRef(ctx, o.as, '--as');
        const until = new Date(o.until);
        if (Number.isNaN(until.getTime())) {
          kit.reject('VALIDATION_FAILED', {
            issues: [{ path: '--until', message: `not a date: ${o.until}` }],
          });
        }
        const res = kit.unwrap(
          await extendExpiry(ctx, {
            actor: { kind: 'user', id: u.id, role: u.role },
            clientId: kit.intArg(client, 'client'),
            until,
            reason: o.reason,
            ...(o.line ? { lineId: kit.intArg(o.line, '--line') } : {}),
          }),
        );
        kit.print(res, () =>
          res.events
            .map((e) => `#${e.id} client ${e.clientId} extended to ${String(e.details.until)}`)
            .join('\n'),
        );
      }),
    );
  program
    .command('caps')
    .description('result-based caps (C7)')
    .command('review')
    .description('review every active seller’s cap from won deals in the policy window')
    .option('--dry-run', 'show the tiers, change nothing')
    .option('--manager <user>', 'one manager only: id or e-mail')
    .action((o: { dryRun?: boolean; manager?: string }) =>
      kit.withCtx(async (ctx) => {
        const m = o.manager ? await kit.userRef(ctx, o.manager, '--manager') : null;
        const report = await reviewCaps(ctx, {
          actor: { kind: 'system', job: 'cli' },
          dryRun: Boolean(o.dryRun),
          ...(m ? { managerId: m.id } : {}),
        });
        kit.print(report, () =>
          [
            report.applied
              ? 'caps applied'
              : 'not applied (dry run, or result-based caps are off in the policy)',
            table(
              report.reviews.map((r) => ({
                manager: r.managerName,
                'revenue ₽': (r.results.revenueKopecks / 100).toFixed(2),
                orders: r.results.orders,
                'old cap': r.oldCap,
                'new cap': r.effectiveCap,
                base: r.baseCount,
                'release by': r.releaseDeadline ?? '',
              })),
            ),
          ].join('\n'),
        );
      }),
    );
}
