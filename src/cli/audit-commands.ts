import type { Command } from 'commander';
import { listAudit } from '../app/audit.ts';
import { table } from './output.ts';
import type { CliKit } from './sweep-commands.ts';

/** `fairbase audit`: the audit log of head and admin actions, newest first (issue 8, item 6). */
export function registerAuditCommands(program: Command, kit: CliKit) {
  program
    .command('audit')
    .description('list the audit log (head and admin actions), newest first')
    .option('--action <a>', 'e.g. policy.set, user.update, token.revoke, sessions.revoke_all')
    .option('--actor <user>', 'the acting user (id or e-mail)')
    .option('--target <type[:id]>', 'e.g. user:12, policy, api_token:3')
    .option('--since <iso>', 'from this time')
    .option('--limit <n>', 'at most', '50')
    .action((o: { action?: string; actor?: string; target?: string; since?: string; limit: string }) =>
      kit.withCtx(async (ctx) => {
        const since = o.since ? new Date(o.since) : undefined;
        if (since && Number.isNaN(since.getTime()))
          kit.reject('VALIDATION_FAILED', { issues: [{ path: '--since', message: 'not a date' }] });
        const [targetType, targetId] = o.target ? o.target.split(':', 2) : [];
        const actorId = o.actor ? (await kit.userRef(ctx, o.actor, '--actor')).id : undefined;
        const { items } = await listAudit(ctx.db, {
          action: o.action,
          actorId,
          targetType: targetType || undefined,
          targetId: targetId || undefined,
          from: since,
          limit: kit.intArg(o.limit, '--limit'),
        });
        kit.print(items, () =>
          items.length === 0
            ? 'no audit records'
            : table(
                items.map((r) => ({
                  id: r.id,
                  at: r.at.toISOString().slice(0, 19).replace('T', ' '),
                  actor: r.actorName ?? r.actorLabel,
                  action: r.action,
                  target: `${r.targetType}${r.targetId ? `:${r.targetId}` : ''}`,
                  change: change(r.before, r.after),
                })),
              ),
        );
      }),
    );
}

function change(before: unknown, after: unknown): string {
  const s = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));
  const text = before ? `${s(before)} → ${s(after)}` : s(after);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
