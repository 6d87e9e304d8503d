import type { Command } from 'commander';
import { decideDispute, getDispute, listDisputes, openDisputeByHand } from '../app/disputes.ts';
import { getHandover, handover } from '../app/handover.ts';
import { table } from './output.ts';
import type { CliKit } from './sweep-commands.ts';

/** Disputes (C11) and handovers (C17) from the command line, with the same rules as the API. */
export function registerDisputeCommands(program: Command, kit: CliKit) {
  const disputes = program.command('dispute').description('disputes over clients (C11)');
  disputes
    .command('list')
    .option('--status <s>', 'open | resolved')
    .option('--limit <n>', 'at most', '100')
    .action((o: { status?: string; limit: string }) =>
      kit.withCtx(async (ctx) => {
        if (o.status !== undefined && o.status !== 'open' && o.status !== 'resolved') {
          kit.reject('VALIDATION_FAILED', { issues: [{ path: '--status', message: 'open or resolved' }] });
        }
        const items = await listDisputes(ctx.db, {
          status: o.status as 'open' | 'resolved' | undefined,
          limit: kit.intArg(o.limit, '--limit'),
        });
        kit.print(items, () =>
          table(
            items.map((d) => ({
              id: d.id,
              client: d.clientName,
              owner: d.evidence.owner.name,
              claimant: d.evidence.claimant.name,
              trigger: d.trigger,
              status: d.status,
              resolution: d.resolution ?? '',
              rule: d.decisionRule ?? '',
              deadline: d.deadlineAt.toISOString().slice(0, 10),
            })),
          ),
        );
      }),
    );
  disputes.command('show <id>').action((id: string) =>
    kit.withCtx(async (ctx) => {
      const d =
        (await getDispute(ctx.db, kit.intArg(id, 'id'))) ?? kit.reject('NOT_FOUND', { entity: 'dispute' });
      kit.print(d);
    }),
  );
  disputes
    .command('open <client>')
    .description('ask for a client someone else owns; a head decides')
    .requiredOption('--as <user>', 'the claimant: id or e-mail')
    .requiredOption('--reason <text>')
    .action((client: string, o: { as: string; reason: string }) =>
      kit.withCtx(async (ctx) => {
        const u = await kit.userRef(ctx, o.as, '--as');
        const id = kit.unwrap(
          await openDisputeByHand(ctx, {
            actor: { kind: 'user', id: u.id, role: u.role },
            clientId: kit.intArg(client, 'client'),
            reason: o.reason,
          }),
        );
        kit.print({ id }, () => `dispute #${id} opened`);
      }),
    );
  disputes
    .command('decide <id>')
    .description('keep | transfer | split (--owner-share in %)')
    .requiredOption('--as <user>', 'a head of sales: id or e-mail')
    .requiredOption('--resolution <r>', 'keep | transfer | split')
    .option('--owner-share <pct>', 'split: the owner’s share in percent (the claimant gets the rest)')
    .requiredOption('--comment <text>')
    .action((id: string, o: { as: string; resolution: string; ownerShare?: string; comment: string }) =>
      kit.withCtx(async (ctx) => {
        const u = await kit.userRef(ctx, o.as, '--as');
        if (!['keep', 'transfer', 'split'].includes(o.resolution)) {
          kit.reject('VALIDATION_FAILED', {
            issues: [{ path: '--resolution', message: 'keep, transfer or split' }],
          });
        }
        const pct = o.ownerShare === undefined ? undefined : Number(o.ownerShare);
        if (pct !== undefined && !(pct >= 0 && pct <= 100)) {
          kit.reject('VALIDATION_FAILED', {
            issues: [{ path: '--owner-share', message: 'a percent from 0 to 100' }],
          });
        }
        const d = kit.unwrap(
          await decideDispute(ctx, {
            actor: { kind: 'user', id: u.id, role: u.role },
            disputeId: kit.intArg(id, 'id'),
            decision: {
              resolution: o.resolution as 'keep' | 'transfer' | 'split',
              ownerBps: pct === undefined ? undefined : Math.round(pct * 100),
              comment: o.comment,
            },
          }),
        );
        kit.print(d, () => `dispute #${d.id}: ${d.resolution}, client to user ${d.clientTo}`);
      }),
    );

  program
    .command('handover <manager>')
    .description("hand over a leaving manager's base (C17): a preview unless --apply")
    .requiredOption('--as <user>', 'a head of sales: id or e-mail')
    .requiredOption('--kind <k>', 'left | on_leave')
    .option('--return-at <date>', 'on_leave: the return date')
    .option('--strategy <s>', 'round_robin | by_results', 'round_robin')
    .option('--to <users>', 'receivers, comma-separated ids or e-mails (default: every active seller)')
    .option('--apply', 'apply the plan')
    .action(
      (
        manager: string,
        o: { as: string; kind: string; returnAt?: string; strategy: string; to?: string; apply?: boolean },
      ) =>
        kit.withCtx(async (ctx) => {
          const head = await kit.userRef(ctx, o.as, '--as');
          const leaving = await kit.userRef(ctx, manager, 'manager');
          if (o.kind !== 'left' && o.kind !== 'on_leave') {
            kit.reject('VALIDATION_FAILED', { issues: [{ path: '--kind', message: 'left or on_leave' }] });
          }
          if (o.strategy !== 'round_robin' && o.strategy !== 'by_results') {
            kit.reject('VALIDATION_FAILED', {
              issues: [{ path: '--strategy', message: 'round_robin or by_results' }],
            });
          }
          const returnAt = o.returnAt ? new Date(o.returnAt) : undefined;
          if (returnAt && Number.isNaN(returnAt.getTime())) {
            kit.reject('VALIDATION_FAILED', {
              issues: [{ path: '--return-at', message: `not a date: ${o.returnAt}` }],
            });
          }
          const receivers = o.to
            ? await Promise.all(
                o.to.split(',').map(async (r) => (await kit.userRef(ctx, r.trim(), '--to')).id),
              )
            : undefined;
          const res = kit.unwrap(
            await handover(ctx, {
              actor: { kind: 'user', id: head.id, role: head.role },
              managerId: leaving.id,
              kind: o.kind as 'left' | 'on_leave',
              returnAt,
              strategy: o.strategy as 'round_robin' | 'by_results',
              receivers,
              apply: Boolean(o.apply),
            }),
          );
          kit.print(res, () =>
            [
              res.handoverId === null
                ? 'PREVIEW — nothing changed (add --apply)'
                : `handover #${res.handoverId} applied`,
              table(
                res.plan.receivers.map((r) => ({
                  receiver: r.name,
                  base: r.base,
                  receiving: r.receiving,
                  'new base': r.newBase,
                  cap: r.cap,
                  'over cap': r.overCap ? 'yes' : '',
                })),
              ),
              `to the pool: ${res.plan.toPool}; key clients: ${res.plan.items.filter((i) => i.key).length}`,
            ].join('\n'),
          );
        }),
    );
  program
    .command('handover-show <id>')
    .description('a handover with each client before and after')
    .action((id: string) =>
      kit.withCtx(async (ctx) => {
        const h =
          (await getHandover(ctx.db, kit.intArg(id, 'id'), ctx.clock())) ??
          kit.reject('NOT_FOUND', { entity: 'handover' });
        kit.print(h);
      }),
    );
}
