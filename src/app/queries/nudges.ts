import { sql } from 'drizzle-orm';
import { isoWeekOf, isoWeekRange } from '../../core/activity/iso-week.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';

const DAY = 86_400_000;

export type NudgeClient = {
  clientId: number;
  displayName: string;
  lastTouchAt: Date | null;
  daysSinceTouch: number | null;
};

/** A client going back to the pool soon (C10), as the expiry rules report it. */
export type ExpiringNudge = {
  clientId: number;
  displayName: string;
  lineId: number;
  expiresAt: Date;
  daysLeft: number;
  rule: string;
};

/** A slot other features fill: each returns the clients to show under its heading. */
export type NudgeSource = (ex: Executor, managerId: number, now: Date) => Promise<ExpiringNudge[]>;

/**
 * The daily list of one manager (C15):
 * - untouched: clients in their base they have not touched (any kind) for `untouchedDays` or more, never-touched first;
 * - plannedNotTouched: clients of this ISO week's plan they have not touched since the week began;
 * - nextStepsDue: next steps of their touches dated up to the end of today, with no later touch of theirs on the client;
 * - expiringSoon: clients going back to the pool within 7 days, through `extra.expiringSoon` (the route passes listExpiry).
 */
export async function dailyNudges(
  ex: Executor,
  managerId: number,
  now: Date,
  o: { untouchedDays: number; limit: number; extra?: { expiringSoon?: NudgeSource } },
) {
  const since = new Date(now.getTime() - o.untouchedDays * DAY);
  const untouchedRows = await rows<{
    id: number;
    display_name: string;
    at: Date | string | null;
    total: number;
  }>(
    ex,
    sql`WITH base AS (SELECT DISTINCT client_id FROM ownership WHERE owner_id = ${managerId}),
             last AS (
               SELECT b.client_id,
                 (SELECT max(t.occurred_at) FROM touches t WHERE t.client_id = b.client_id AND t.author_id = ${managerId}) AS at
               FROM base b)
        SELECT c.id, c.display_name, l.at, count(*) OVER ()::int AS total
        FROM last l JOIN clients c ON c.id = l.client_id
        WHERE l.at IS NULL OR l.at < ${since}
        ORDER BY l.at ASC NULLS FIRST, c.id LIMIT ${o.limit}`,
  );
  const week = isoWeekOf(now);
  const range = isoWeekRange(week)!;
  const planned = await rows<{ id: number; display_name: string; goal: string; at: Date | string | null }>(
    ex,
    sql`SELECT c.id, c.display_name, i.goal,
          (SELECT max(t.occurred_at) FROM touches t WHERE t.client_id = i.client_id AND t.author_id = ${managerId}) AS at
        FROM weekly_plan_items i JOIN clients c ON c.id = i.client_id
        WHERE i.manager_id = ${managerId} AND i.iso_week = ${week}
          AND NOT EXISTS (SELECT 1 FROM touches t WHERE t.client_id = i.client_id AND t.author_id = ${managerId}
                            AND t.occurred_at >= ${range.start} AND t.occurred_at < ${range.end})
        ORDER BY i.position, c.id`,
  );
  const endOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  const steps = await rows<{
    touch_id: string | number;
    client_id: number;
    display_name: string;
    next_step: string | null;
    next_step_at: Date | string;
  }>(
    ex,
    sql`SELECT t.id AS touch_id, t.client_id, c.display_name, t.next_step, t.next_step_at
        FROM touches t JOIN clients c ON c.id = t.client_id
        WHERE t.author_id = ${managerId} AND t.next_step_at IS NOT NULL AND t.next_step_at < ${endOfDay}
          AND t.next_step_at >= ${new Date(now.getTime() - 30 * DAY)}
          AND NOT EXISTS (SELECT 1 FROM touches l WHERE l.client_id = t.client_id AND l.author_id = ${managerId}
                            AND l.occurred_at > t.occurred_at)
        ORDER BY t.next_step_at LIMIT ${o.limit}`,
  );
  const toClient = (r: { id: number; display_name: string; at: Date | string | null }): NudgeClient => {
    const at = r.at ? new Date(r.at) : null;
    return {
      clientId: r.id,
      displayName: r.display_name,
      lastTouchAt: at,
      daysSinceTouch: at ? Math.floor((now.getTime() - at.getTime()) / DAY) : null,
    };
  };
  return {
    date: now.toISOString().slice(0, 10),
    isoWeek: week,
    untouchedDays: o.untouchedDays,
    untouched: { total: untouchedRows[0]?.total ?? 0, items: untouchedRows.map(toClient) },
    plannedNotTouched: planned.map((r) => ({ ...toClient(r), goal: r.goal })),
    nextStepsDue: steps.map((s) => ({
      touchId: Number(s.touch_id),
      clientId: s.client_id,
      displayName: s.display_name,
      nextStep: s.next_step,
      nextStepAt: new Date(s.next_step_at),
    })),
    expiringSoon: o.extra?.expiringSoon ? await o.extra.expiringSoon(ex, managerId, now) : [],
  };
}
