import type { Command } from 'commander';
import { Option } from 'commander';
import type { AppContext } from '../app/context.ts';
import type { PublicUser } from '../app/use-cases/users.ts';
import { logTouch } from '../app/use-cases/log-touch.ts';
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
}
