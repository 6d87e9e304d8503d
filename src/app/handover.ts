import { sql } from 'drizzle-orm';
import { addDays, effectiveCap } from '../core/ownership/decide.ts';
import {
  type HandoverClient,
  type HandoverPlan,
  handoverEvents,
  planHandover,
  type Receiver,
  type Strategy,
} from '../core/ownership/handover.ts';
import { actorLabel, type OwnershipEvent, type Role } from '../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../core/outcome.ts';
import type { Executor } from '../db/connect.ts';
import { rows } from '../db/raw.ts';
import type { AppContext } from './context.ts';
import { notify } from './notifications.ts';
import { inTransaction } from './tx.ts';
import { applyEventsBatch, loadRules, lockManager, lockSlots } from './use-cases/ownership-support.ts';

const DAY = 86_400_000;
const WINDOW_DAYS = 90;

export type HandoverCommand = {
  actor: { kind: 'user'; id: number; role: Role };
  managerId: number;
  kind: 'left' | 'on_leave';
  returnAt?: Date | undefined;
  strategy: Strategy;
  receivers?: number[] | undefined;
  assignments?: { clientId: number; toManagerId: number }[] | undefined;
  apply: boolean;
};

const invalid = (path: string, message: string) => fail('VALIDATION_FAILED', { issues: [{ path, message }] });

/**
 * R-HAND-2: a head marks (or unmarks) a key client. Key clients — marked, or the top by revenue —
 * get a joint meeting of the leaving manager and the receiver when their base is handed over.
 */
export async function markKeyClient(
  ctx: AppContext,
  cmd: { actor: { kind: 'user'; id: number; role: Role }; clientId: number; key: boolean },
): Promise<Outcome<{ clientId: number; isKey: boolean }>> {
  if (cmd.actor.role !== 'head') return fail('ROLE_NOT_ALLOWED', { role: cmd.actor.role });
  const [r] = await rows<{ id: number; is_key: boolean }>(
    ctx.db,
    sql`UPDATE clients SET is_key = ${cmd.key}, updated_at = ${ctx.clock()}
        WHERE id = ${cmd.clientId} AND merged_into IS NULL RETURNING id, is_key`,
  );
  if (!r) return fail('NOT_FOUND', { entity: 'client', clientId: cmd.clientId });
  return ok({ clientId: r.id, isKey: r.is_key });
}

/**
 * C17: preview or apply the handover of a leaving (or vacationing) manager's base (R-HAND-1…3).
 * Applying locks the leaving manager, the receivers (in id order, like every claim) and the slots,
 * so the preview's caps hold for the write.
 */
export async function handover(
  ctx: AppContext,
  cmd: HandoverCommand,
): Promise<Outcome<{ handoverId: number | null; plan: HandoverPlan }>> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    if (cmd.actor.role !== 'head') return fail('ROLE_NOT_ALLOWED', { role: cmd.actor.role });
    if (cmd.kind === 'on_leave' && (!cmd.returnAt || cmd.returnAt <= now)) {
      return invalid('body.returnAt', 'a return date in the future is required for a leave');
    }
    if (cmd.kind === 'left' && cmd.returnAt)
      return invalid('body.returnAt', 'only a leave has a return date');
    const rules = await loadRules(tx, undefined);
    if (!rules.ok) return rules;
    const { policy, lineIds } = rules.value;
    const p = policy.policy;
    const leaving = cmd.apply
      ? await lockManager(tx, cmd.managerId)
      : await lockManagerless(tx, cmd.managerId);
    if (!leaving || leaving.role === 'admin')
      return fail('NOT_FOUND', { entity: 'manager', field: 'managerId' });
    const receiverIds =
      cmd.receivers ??
      (
        await rows<{ id: number }>(
          tx,
          sql`SELECT id FROM users WHERE role IN ('manager','head') AND status = 'active' AND id <> ${cmd.managerId} ORDER BY id`,
        )
      ).map((r) => r.id);
    if (receiverIds.includes(cmd.managerId))
      return invalid('body.receivers', 'the leaving manager cannot receive');
    if (cmd.assignments)
      for (const [i, a] of cmd.assignments.entries())
        if (!receiverIds.includes(a.toManagerId))
          return invalid(`body.assignments.${i}.toManagerId`, 'not one of the receivers');
    const from = new Date(now.getTime() - WINDOW_DAYS * DAY).toISOString();
    const single = p.lines.mode === 'single_owner';
    const receivers: Receiver[] = [];
    for (const id of [...receiverIds].sort((a, b) => a - b)) {
      const m = cmd.apply ? await lockManager(tx, id) : await lockManagerless(tx, id);
      if (!m || m.role === 'admin' || m.status !== 'active')
        return invalid('body.receivers', `user ${id} is not an active manager or head`);
      const [f] = await rows<{ name: string; base: number | string; revenue: number | string }>(
        tx,
        sql`SELECT (SELECT name FROM users WHERE id = ${id}) AS name,
              ${
                single
                  ? sql`(SELECT count(DISTINCT client_id) FROM ownership WHERE owner_id = ${id})`
                  : sql`(SELECT count(*) FROM ownership WHERE owner_id = ${id} AND line_id = ${lineIds[0]!})`
              } AS base,
              (SELECT coalesce(sum(amount_kopecks), 0) FROM deals WHERE manager_id = ${id} AND stage = 'won' AND won_at > ${from}) AS revenue`,
      );
      receivers.push({
        id,
        name: f!.name,
        cap: effectiveCap(p, m, now).cap,
        base: Number(f!.base),
        revenueKopecks: Number(f!.revenue),
      });
    }
    const clients = (
      await rows<{
        client_id: number;
        line_id: number;
        display_name: string;
        is_key: boolean;
        revenue: number | string;
      }>(
        tx,
        sql`SELECT o.client_id, o.line_id, c.display_name, c.is_key,
              (SELECT coalesce(sum(d.amount_kopecks), 0) FROM deals d WHERE d.client_id = o.client_id AND d.stage = 'won' AND d.won_at > ${from}) AS revenue
            FROM ownership o JOIN clients c ON c.id = o.client_id
            WHERE o.owner_id = ${cmd.managerId} ORDER BY o.client_id, o.line_id`,
      )
    ).map(
      (r): HandoverClient => ({
        clientId: r.client_id,
        lineId: r.line_id,
        displayName: r.display_name,
        revenueKopecks: Number(r.revenue),
        marked: r.is_key,
      }),
    );
    const plan = planHandover({
      clients,
      receivers,
      strategy: cmd.strategy,
      assignments: new Map((cmd.assignments ?? []).map((a) => [a.clientId, a.toManagerId])),
      keyTop: p.handover.keyTop,
    });
    if (!cmd.apply) return ok({ handoverId: null, plan });

    await lockSlots(
      tx,
      [...new Set(clients.map((c) => c.clientId))],
      [...new Set(clients.map((c) => c.lineId))],
    );
    const [row] = await rows<{ id: number }>(
      tx,
      sql`INSERT INTO handovers (manager_id, kind, strategy, return_at, plan, policy_version, created_by, created_at)
          VALUES (${cmd.managerId}, ${cmd.kind}, ${cmd.strategy}, ${cmd.returnAt?.toISOString() ?? null},
                  ${JSON.stringify(plan)}::jsonb, ${policy.version}, ${cmd.actor.id}, ${now.toISOString()})
          RETURNING id`,
    );
    const id = row!.id;
    const events = handoverEvents(
      { policy, now, actor: cmd.actor },
      cmd.managerId,
      plan,
      id,
      p.handover.protectionDays,
    );
    await applyEventsBatch(tx, events);
    await tx.execute(sql`UPDATE users SET status = ${cmd.kind} WHERE id = ${cmd.managerId}`);
    const names = new Map(receivers.map((r) => [r.id, r.name]));
    const leavingName =
      (await rows<{ name: string }>(tx, sql`SELECT name FROM users WHERE id = ${cmd.managerId}`))[0]?.name ??
      '';
    for (const r of plan.receivers.filter((x) => x.receiving > 0))
      await notify(tx, now, r.id, 'handover_received', {
        handoverId: id,
        title: `Вам передано клиентов: ${r.receiving}`,
        text: `От ${leavingName}${cmd.kind === 'on_leave' ? ` на время отпуска до ${cmd.returnAt!.toISOString().slice(0, 10)}` : ''}. Клиенты защищены ${p.handover.protectionDays} дн.`,
      });
    // R-HAND-2: a joint meeting for every key client, for the leaving manager and the receiver.
    for (const i of plan.items.filter((x) => x.key && x.toManagerId !== null)) {
      const text = `Ключевой клиент «${i.displayName}»: проведите совместную встречу (${leavingName} и ${names.get(i.toManagerId!) ?? ''}) до передачи дел.`;
      for (const u of [cmd.managerId, i.toManagerId!])
        await notify(tx, now, u, 'joint_meeting', {
          handoverId: id,
          clientId: i.clientId,
          title: `Совместная встреча: «${i.displayName}»`,
          text,
        });
    }
    return ok({ handoverId: id, plan });
  });
}

/** A read of a user without a lock (the preview writes nothing). */
async function lockManagerless(ex: Executor, id: number) {
  const [row] = await rows<{
    id: number;
    role: Role;
    status: 'active' | 'on_leave' | 'left';
    hired_at: Date | string;
    cap_override: number | null;
  }>(ex, sql`SELECT id, role, status, hired_at, cap_override FROM users WHERE id = ${id}`);
  return row
    ? {
        id: row.id,
        role: row.role,
        status: row.status,
        hiredAt: new Date(row.hired_at),
        capOverride: row.cap_override,
      }
    : null;
}

/**
 * R-HAND-4: at the return date of a leave, the clients go back to the returning manager, except
 * (policy `handover.keepIfCoverClosedOrder`) those on which the cover won an order during the leave,
 * and those that changed hands since. Run by the sweep; idempotent (the handover is marked returned).
 */
export async function returnFromLeave(ctx: AppContext, now: Date): Promise<number> {
  const due = await rows<{ id: number }>(
    ctx.db,
    sql`SELECT id FROM handovers WHERE status = 'applied' AND kind = 'on_leave' AND return_at <= ${now.toISOString()} ORDER BY id`,
  );
  let moved = 0;
  for (const { id } of due) {
    moved += await ctx.db.transaction(async (tx) => {
      const [h] = await rows<{
        manager_id: number;
        plan: HandoverPlan;
        created_at: Date | string;
        status: string;
      }>(tx, sql`SELECT manager_id, plan, created_at, status FROM handovers WHERE id = ${id} FOR UPDATE`);
      if (h?.status !== 'applied') return 0;
      const rules = await loadRules(tx, undefined);
      if (!rules.ok) return 0;
      const { policy } = rules.value;
      const items = h.plan.items.filter((i) => i.toManagerId !== null);
      const slots = await lockSlots(
        tx,
        [...new Set(items.map((i) => i.clientId))],
        [...new Set(items.map((i) => i.lineId))],
      );
      const events: OwnershipEvent[] = [];
      for (const i of items) {
        const slot = slots.find((s) => s.clientId === i.clientId && s.lineId === i.lineId);
        if (!slot || slot.ownerId !== i.toManagerId) continue;
        if (policy.policy.handover.keepIfCoverClosedOrder) {
          const [won] = await rows<{ n: number | string }>(
            tx,
            sql`SELECT count(*) AS n FROM deals WHERE client_id = ${i.clientId} AND line_id = ${i.lineId} AND manager_id = ${i.toManagerId}
                  AND stage = 'won' AND won_at > ${new Date(h.created_at).toISOString()} AND won_at <= ${now.toISOString()}`,
          );
          if (Number(won?.n ?? 0) > 0) continue;
        }
        events.push({
          type: 'OwnershipTransferred',
          clientId: i.clientId,
          lineId: i.lineId,
          fromManagerId: i.toManagerId,
          toManagerId: h.manager_id,
          actor: actorLabel({ kind: 'system', job: 'sweep' }),
          reasonCode: 'HANDOVER_RETURN',
          rule: 'R-HAND-4',
          policyVersion: policy.version,
          occurredAt: now,
          protectedUntil: null,
          details: { handoverId: id },
        });
      }
      await applyEventsBatch(tx, events);
      await tx.execute(
        sql`UPDATE users SET status = 'active' WHERE id = ${h.manager_id} AND status = 'on_leave'`,
      );
      await tx.execute(
        sql`UPDATE handovers SET status = 'returned', returned_at = ${now.toISOString()} WHERE id = ${id}`,
      );
      await notify(tx, now, h.manager_id, 'handover_returned', {
        handoverId: id,
        title: `С возвращением: вам вернулось клиентов ${events.length}`,
        text: `Клиенты, по которым замещающий выиграл сделку во время отпуска, остались у него (R-HAND-4).`,
      });
      return events.length;
    });
  }
  return moved;
}

/** A handover with a before/after view per client (R-HAND-5): won revenue and touches in the N days on each side. */
export async function getHandover(ex: Executor, id: number, now: Date, days = WINDOW_DAYS) {
  const [h] = await rows<{
    id: number;
    manager_id: number;
    kind: 'left' | 'on_leave';
    strategy: Strategy;
    return_at: Date | string | null;
    status: 'applied' | 'returned';
    plan: HandoverPlan;
    created_at: Date | string;
    returned_at: Date | string | null;
  }>(ex, sql`SELECT * FROM handovers WHERE id = ${id}`);
  if (!h) return null;
  const at = new Date(h.created_at);
  const before = addDays(at, -days).toISOString();
  const after = new Date(Math.min(addDays(at, days).getTime(), now.getTime())).toISOString();
  const ids = h.plan.items.map((i) => i.clientId);
  const stats =
    ids.length === 0
      ? []
      : await rows<{
          client_id: number;
          rev_before: string;
          rev_after: string;
          t_before: string;
          t_after: string;
        }>(
          ex,
          sql`SELECT c.id AS client_id,
                (SELECT coalesce(sum(amount_kopecks), 0) FROM deals d WHERE d.client_id = c.id AND d.stage = 'won' AND d.won_at > ${before} AND d.won_at <= ${at.toISOString()}) AS rev_before,
                (SELECT coalesce(sum(amount_kopecks), 0) FROM deals d WHERE d.client_id = c.id AND d.stage = 'won' AND d.won_at > ${at.toISOString()} AND d.won_at <= ${after}) AS rev_after,
                (SELECT count(*) FROM touches t WHERE t.client_id = c.id AND t.occurred_at > ${before} AND t.occurred_at <= ${at.toISOString()}) AS t_before,
                (SELECT count(*) FROM touches t WHERE t.client_id = c.id AND t.occurred_at > ${at.toISOString()} AND t.occurred_at <= ${after}) AS t_after
              FROM clients c WHERE c.id IN (${sql.join(
                ids.map((x) => sql`${x}`),
                sql`, `,
              )})`,
        );
  const byId = new Map(stats.map((s) => [s.client_id, s]));
  return {
    id: h.id,
    managerId: h.manager_id,
    kind: h.kind,
    strategy: h.strategy,
    returnAt: h.return_at ? new Date(h.return_at) : null,
    status: h.status,
    createdAt: at,
    returnedAt: h.returned_at ? new Date(h.returned_at) : null,
    receivers: h.plan.receivers,
    items: h.plan.items.map((i) => {
      const s = byId.get(i.clientId);
      return {
        ...i,
        before: { revenueKopecks: Number(s?.rev_before ?? 0), touches: Number(s?.t_before ?? 0) },
        after: { revenueKopecks: Number(s?.rev_after ?? 0), touches: Number(s?.t_after ?? 0) },
      };
    }),
  };
}
