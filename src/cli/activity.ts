import type { Command } from 'commander';
import { Option } from 'commander';
import type { AppContext } from '../app/context.ts';
import type { PublicUser } from '../app/use-cases/users.ts';
import { logTouch } from '../app/use-cases/log-touch.ts';
import { getPlan, planReport } from '../app/use-cases/plans.ts';
import { isoWeekOf } from '../core/activity/iso-week.ts';
import type { Outcome, RejectionCode } from '../core/outcome.ts';
import { touchDirection, touchKind, touchOutcome } from '../contract/activity.ts';

/** What main.ts lends the commands of touches, deals, plans and notifications. */
export type CliKit = {
  withCtx: (fn: (ctx: AppContext) => Promise<void>) => Promise<void>;
  userRef: (ctx: AppContext, ref: string, field: string) => Promise<PublicUser>;
  intArg: (v: string, field: string) => number;
  reject: (code: RejectionCode, details: Record<string, unknown>) => never;
  unwrap: <T>(out: Outcome<T>) => T;
  print: (value: unknown, human?: () => string) => void;
  warn: (line: string) => void;
};

export function dateArg(kit: CliKit, v: string | undefined, field: string): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime())
    ? kit.reject('VALIDATION_FAILED', { issues: [{ path: field, message: `not a date: ${v}` }] })
    : d;
}

export function registerActivityCommands(program: Command, kit: CliKit) {
  program
    .command('touch <client>')
    .description('log a touch (call, meeting, e-mail, proposal, note) on a client')
    .requiredOption('--as <user>', 'acting user: id or e-mail')
    .addOption(new Option('--kind <kind>').choices(touchKind.options).makeOptionMandatory())
    .addOption(new Option('--direction <d>').choices(touchDirection.options).default('outbound'))
    .addOption(new Option('--outcome <o>').choices(touchOutcome.options))
    .option('--at <iso>', 'when it happened (default now)')
    .option('--text <text>', 'what was said')
    .option('--contact <id>', 'contact id (of this client)')
    .option('--line <id>', 'line of business (default: all lines)')
    .option('--next-step <text>')
    .option('--next-step-at <iso>')
    .action(
      (
        client: string,
        o: {
          as: string;
          kind: 'call' | 'meeting' | 'email' | 'proposal' | 'note';
          direction: 'outbound' | 'inbound';
          outcome?: 'reached' | 'not_reached' | 'meeting_held' | 'proposal_sent' | 'refused' | 'other';
          at?: string;
          text?: string;
          contact?: string;
          line?: string;
          nextStep?: string;
          nextStepAt?: string;
        },
      ) =>
        kit.withCtx(async (ctx) => {
          const u = await kit.userRef(ctx, o.as, '--as');
          const res = kit.unwrap(
            await logTouch(ctx, {
              actor: { kind: 'user', id: u.id, role: u.role },
              clientId: kit.intArg(client, 'client'),
              kind: o.kind,
              direction: o.direction,
              outcome: o.outcome ?? null,
              occurredAt: dateArg(kit, o.at, '--at'),
              body: o.text ?? '',
              contactId: o.contact ? kit.intArg(o.contact, '--contact') : null,
              lineId: o.line ? kit.intArg(o.line, '--line') : null,
              nextStep: o.nextStep ?? null,
              nextStepAt: dateArg(kit, o.nextStepAt, '--next-step-at') ?? null,
            }),
          );
          for (const w of res.warnings) kit.warn(`warning ${w.code} (${w.rule}): ${w.message}`);
          const t = res.touch!;
          kit.print(
            res,
            () =>
              `touch #${t.id}: ${t.direction} ${t.kind}${t.outcome ? ` (${t.outcome})` : ''} on client ${t.clientId} by ${t.authorName} at ${t.occurredAt.toISOString()}`,
          );
        }),
    );

  const plan = program.command('plan').description('weekly plans (C13)');
  plan
    .command('show')
    .description("a manager's plan for a week with what was done (plan vs fact)")
    .requiredOption('--as <user>', 'the manager: id or e-mail')
    .option('--week <isoWeek>', 'ISO week such as 2026-W48 (default: this week)')
    .action((o: { as: string; week?: string }) =>
      kit.withCtx(async (ctx) => {
        const u = await kit.userRef(ctx, o.as, '--as');
        const week = o.week ?? isoWeekOf(ctx.clock());
        const p = await getPlan(ctx.db, u.id, week);
        if (!p.ok && p.code === 'VALIDATION_FAILED')
          kit.reject('VALIDATION_FAILED', {
            issues: [{ path: '--week', message: 'not an ISO week such as 2026-W48' }],
          });
        const view = kit.unwrap(p);
        const fact = kit.unwrap(await planReport(ctx.db, week, u.id));
        const mine = fact.managers.find((m) => m.managerId === u.id);
        const touchesOf = new Map((mine?.items ?? []).map((i) => [i.clientId, i.touches]));
        kit.print({ plan: view, fact: mine ?? null }, () =>
          [
            `${view.managerName}, week ${week} (${view.weekStart.toISOString().slice(0, 10)} … ${new Date(view.weekEnd.getTime() - 1).toISOString().slice(0, 10)}): ${mine?.touched ?? 0} of ${view.items.length} planned clients touched${mine?.unplannedTouched ? `, ${mine.unplannedTouched} unplanned` : ''}`,
            ...view.items.map((i) => {
              const t = touchesOf.get(i.clientId) ?? [];
              const done = t.length
                ? t
                    .map(
                      (x) =>
                        `${x.kind}${x.outcome ? ` (${x.outcome})` : ''} ${x.occurredAt.toISOString().slice(0, 10)}`,
                    )
                    .join(', ')
                : 'not touched';
              return `  [${t.length ? 'x' : ' '}] #${i.clientId} ${i.displayName}${i.goal ? ` — ${i.goal}` : ''}: ${done}`;
            }),
          ].join('\n'),
        );
      }),
    );
}
