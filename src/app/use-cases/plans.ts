import { sql } from 'drizzle-orm';
import { isoWeekRange } from '../../core/activity/iso-week.ts';
import { decidePlanEdit } from '../../core/activity/plan.ts';
import type { Role } from '../../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';
import type { AppContext } from '../context.ts';
import { inTransaction } from '../tx.ts';

export type PlanView = {
  managerId: number;
  managerName: string;
  isoWeek: string;
  weekStart: Date;
  weekEnd: Date;
  createdAt: Date | null;
  updatedAt: Date | null;
  updatedBy: number | null;
  items: { clientId: number; displayName: string; goal: string }[];
};

function weekOrFail(isoWeek: string): Outcome<{ start: Date; end: Date }> {
  const r = isoWeekRange(isoWeek);
  return r
    ? ok(r)
    : fail('VALIDATION_FAILED', {
        issues: [{ path: 'params.isoWeek', message: 'not an ISO week such as 2026-W48' }],
      });
}

async function planManager(ex: Executor, managerId: number): Promise<Outcome<{ name: string }>> {
  const [u] = await rows<{ name: string; role: string }>(
    ex,
    sql`SELECT name, role FROM users WHERE id = ${managerId}`,
  );
  if (!u || u.role === 'admin') return fail('NOT_FOUND', { entity: 'manager', managerId });
  return ok({ name: u.name });
}

/** A manager's plan for an ISO week (an empty plan when none was saved). */
export async function getPlan(ex: Executor, managerId: number, isoWeek: string): Promise<Outcome<PlanView>> {
  const week = weekOrFail(isoWeek);
  if (!week.ok) return week;
  const m = await planManager(ex, managerId);
  if (!m.ok) return m;
  const [plan] = await rows<{
    created_at: Date | string;
    updated_at: Date | string;
    updated_by: number | null;
  }>(
    ex,
    sql`SELECT created_at, updated_at, updated_by FROM weekly_plans WHERE manager_id = ${managerId} AND iso_week = ${isoWeek}`,
  );
  const items = await rows<{ client_id: number; display_name: string; goal: string }>(
    ex,
    sql`SELECT i.client_id, c.display_name, i.goal FROM weekly_plan_items i JOIN clients c ON c.id = i.client_id
        WHERE i.manager_id = ${managerId} AND i.iso_week = ${isoWeek} ORDER BY i.position, i.client_id`,
  );
  return ok({
    managerId,
    managerName: m.value.name,
    isoWeek,
    weekStart: week.value.start,
    weekEnd: week.value.end,
    createdAt: plan ? new Date(plan.created_at) : null,
    updatedAt: plan ? new Date(plan.updated_at) : null,
    updatedBy: plan?.updated_by ?? null,
    items: items.map((i) => ({ clientId: i.client_id, displayName: i.display_name, goal: i.goal })),
  });
}

/** Save (replace) a weekly plan under R-PLAN-1..3. Earlier weeks stay as they were: history. */
export async function savePlan(
  ctx: AppContext,
  cmd: {
    actor: { kind: 'user'; id: number; role: Role };
    managerId: number;
    isoWeek: string;
    items: { clientId: number; goal: string }[];
  },
): Promise<Outcome<PlanView>> {
  const now = ctx.clock();
  const week = weekOrFail(cmd.isoWeek);
  if (!week.ok) return week;
  return inTransaction(ctx.db, async (tx) => {
    const m = await planManager(tx, cmd.managerId);
    if (!m.ok) return m;
    const ids = cmd.items.map((i) => i.clientId);
    const avail = ids.length
      ? await rows<{ client_id: number; own: boolean; pool: boolean }>(
          tx,
          sql`SELECT o.client_id, bool_or(o.owner_id = ${cmd.managerId}) AS own, bool_or(o.owner_id IS NULL) AS pool
              FROM ownership o JOIN clients c ON c.id = o.client_id AND c.merged_into IS NULL
              WHERE o.client_id IN (${sql.join(
                ids.map((i) => sql`${i}`),
                sql`, `,
              )})
              GROUP BY o.client_id`,
        )
      : [];
    const byId = new Map(avail.map((a) => [a.client_id, a]));
    const decision = decidePlanEdit({
      now,
      actor: cmd.actor,
      managerId: cmd.managerId,
      isoWeek: cmd.isoWeek,
      weekEnd: week.value.end,
      items: ids.map((clientId) => ({
        clientId,
        own: Boolean(byId.get(clientId)?.own),
        pool: Boolean(byId.get(clientId)?.pool),
      })),
    });
    if (decision.kind === 'rejected') return fail(decision.code, decision.details);
    await tx.execute(
      sql`INSERT INTO weekly_plans (manager_id, iso_week, created_at, updated_at, updated_by)
          VALUES (${cmd.managerId}, ${cmd.isoWeek}, ${now}, ${now}, ${cmd.actor.id})
          ON CONFLICT (manager_id, iso_week) DO UPDATE SET updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
    await tx.execute(
      sql`DELETE FROM weekly_plan_items WHERE manager_id = ${cmd.managerId} AND iso_week = ${cmd.isoWeek}`,
    );
    if (cmd.items.length)
      await tx.execute(
        sql`INSERT INTO weekly_plan_items (manager_id, iso_week, client_id, goal, position) VALUES ${sql.join(
          cmd.items.map((i, n) => sql`(${cmd.managerId}, ${cmd.isoWeek}, ${i.clientId}, ${i.goal}, ${n})`),
          sql`, `,
        )}`,
      );
    return getPlan(tx, cmd.managerId, cmd.isoWeek);
  });
}

export type PlanReport = {
  isoWeek: string;
  weekStart: Date;
  weekEnd: Date;
  managers: {
    managerId: number;
    managerName: string;
    planned: number;
    touched: number;
    /** Clients this manager touched that week without planning them. */
    unplannedTouched: number;
    items: {
      clientId: number;
      displayName: string;
      goal: string;
      touches: { id: number; kind: string; direction: string; outcome: string | null; occurredAt: Date }[];
    }[];
  }[];
};

/** Plan vs fact for an ISO week (C13): per manager, which planned clients got which of their touches that week. */
export async function planReport(
  ex: Executor,
  isoWeek: string,
  managerId?: number,
): Promise<Outcome<PlanReport>> {
  const week = weekOrFail(isoWeek);
  if (!week.ok)
    return fail('VALIDATION_FAILED', {
      issues: [{ path: 'querystring.week', message: 'not an ISO week such as 2026-W48' }],
    });
  const { start, end } = week.value;
  const only = managerId !== undefined ? sql`AND u.id = ${managerId}` : sql``;
  const managers = await rows<{ id: number; name: string }>(
    ex,
    sql`SELECT u.id, u.name FROM users u
        WHERE (u.role = 'manager' AND u.status = 'active'
               OR EXISTS (SELECT 1 FROM weekly_plans p WHERE p.manager_id = u.id AND p.iso_week = ${isoWeek})) ${only}
        ORDER BY u.name, u.id`,
  );
  const items = await rows<{ manager_id: number; client_id: number; display_name: string; goal: string }>(
    ex,
    sql`SELECT i.manager_id, i.client_id, c.display_name, i.goal FROM weekly_plan_items i
        JOIN clients c ON c.id = i.client_id WHERE i.iso_week = ${isoWeek}
        ${managerId !== undefined ? sql`AND i.manager_id = ${managerId}` : sql``}
        ORDER BY i.manager_id, i.position, i.client_id`,
  );
  const touches = await rows<{
    id: string | number;
    author_id: number;
    client_id: number;
    kind: string;
    direction: string;
    outcome: string | null;
    occurred_at: Date | string;
  }>(
    ex,
    sql`SELECT t.id, t.author_id, t.client_id, t.kind, t.direction, t.outcome, t.occurred_at FROM touches t
        WHERE t.occurred_at >= ${start} AND t.occurred_at < ${end}
        ${managerId !== undefined ? sql`AND t.author_id = ${managerId}` : sql``}
        ORDER BY t.occurred_at, t.id`,
  );
  const touchesBy = new Map<string, PlanReport['managers'][number]['items'][number]['touches']>();
  const touchedClients = new Map<number, Set<number>>();
  for (const t of touches) {
    const key = `${t.author_id}:${t.client_id}`;
    const list = touchesBy.get(key) ?? [];
    list.push({
      id: Number(t.id),
      kind: t.kind,
      direction: t.direction,
      outcome: t.outcome,
      occurredAt: new Date(t.occurred_at),
    });
    touchesBy.set(key, list);
    const set = touchedClients.get(t.author_id) ?? new Set<number>();
    set.add(t.client_id);
    touchedClients.set(t.author_id, set);
  }
  return ok({
    isoWeek,
    weekStart: start,
    weekEnd: end,
    managers: managers.map((m) => {
      const mine = items
        .filter((i) => i.manager_id === m.id)
        .map((i) => ({
          clientId: i.client_id,
          displayName: i.display_name,
          goal: i.goal,
          touches: touchesBy.get(`${m.id}:${i.client_id}`) ?? [],
        }));
      const plannedIds = new Set(mine.map((i) => i.clientId));
      const touchedAll = touchedClients.get(m.id) ?? new Set<number>();
      return {
        managerId: m.id,
        managerName: m.name,
        planned: mine.length,
        touched: mine.filter((i) => i.touches.length > 0).length,
        unplannedTouched: [...touchedAll].filter((c) => !plannedIds.has(c)).length,
        items: mine,
      };
    }),
  });
}
