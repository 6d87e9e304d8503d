import { sql } from 'drizzle-orm';
import { isoWeekOf } from '../../core/activity/iso-week.ts';
import { effectiveCap } from '../../core/ownership/decide.ts';
import type { PolicyRef } from '../../core/ownership/types.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';

/**
 * Coverage analytics (C14): how much of each base is really worked. Each figure group is one
 * aggregate statement over ownership × the owner's own touches (the SPEC picture: of 200 clients,
 * 50 met and 100 called in a month, 100 never called). Touches count when the owner logged them
 * (author = owner) up to `to`; windows are the 7 / 30 / 90 days before `to`.
 */

export const WINDOWS = [7, 30, 90] as const;
const DAY = 86_400_000;

export type CoverageFilter = { to: Date; from: Date; lineId: number; managerId?: number | undefined };

type Row = {
  owner_id: number;
  base: string | number;
  [k: string]: string | number | null;
};

/** Exclusive buckets (stack to 100 % of the base) and overlapping counts, per window. */
export type WindowCoverage = {
  days: number;
  /** Exclusive: a held meeting; else a reached call; else only e-mails; else other touches; else nothing. */
  buckets: { met: number; called: number; emailedOnly: number; otherOnly: number; untouched: number };
  /** Overlapping counts: clients with at least one such touch in the window. */
  counts: {
    met: number;
    called: number;
    emailed: number;
    touched: number;
    notCalled: number;
    notMet: number;
  };
};

export type ManagerCoverage = {
  managerId: number;
  managerName: string;
  baseCount: number;
  cap: number;
  windows: WindowCoverage[];
  /** Days since the owner's last touch of each client, in buckets ("never" = no touch at all). */
  sinceLastTouch: {
    d0_7: number;
    d8_30: number;
    d31_60: number;
    d61_90: number;
    d90plus: number;
    never: number;
  };
  deals: {
    won: number;
    lost: number;
    revenueKopecks: number;
    /** won / (won + lost) of the deals closed in [from, to]; null when none closed. */
    conversion: number | null;
    openCount: number;
    openAmountKopecks: number;
  };
};

const n = (v: string | number | null | undefined) => Number(v ?? 0);

function windowColumns(to: Date) {
  return sql.join(
    WINDOWS.map((w) => {
      const since = new Date(to.getTime() - w * DAY).toISOString();
      return sql`count(*) FILTER (WHERE lm > ${since}) AS met_${sql.raw(String(w))},
        count(*) FILTER (WHERE lc > ${since}) AS called_${sql.raw(String(w))},
        count(*) FILTER (WHERE le > ${since}) AS emailed_${sql.raw(String(w))},
        count(*) FILTER (WHERE la > ${since}) AS touched_${sql.raw(String(w))},
        count(*) FILTER (WHERE (lm > ${since}) IS NOT TRUE AND lc > ${since}) AS xcalled_${sql.raw(String(w))},
        count(*) FILTER (WHERE (lm > ${since}) IS NOT TRUE AND (lc > ${since}) IS NOT TRUE AND le > ${since}
                           AND (lo > ${since}) IS NOT TRUE) AS xemailed_${sql.raw(String(w))}`;
    }),
    sql`, `,
  );
}

/** The base part: one GROUP BY over the owned slots and the owners' touches. */
export async function coverageRows(ex: Executor, f: CoverageFilter): Promise<Row[]> {
  const to = f.to.toISOString();
  const ago = (d: number) => new Date(f.to.getTime() - d * DAY).toISOString();
  return rows<Row>(
    ex,
    sql`SELECT owner_id, count(*) AS base, ${windowColumns(f.to)},
          count(*) FILTER (WHERE la > ${ago(7)}) AS s7,
          count(*) FILTER (WHERE la > ${ago(30)} AND la <= ${ago(7)}) AS s30,
          count(*) FILTER (WHERE la > ${ago(60)} AND la <= ${ago(30)}) AS s60,
          count(*) FILTER (WHERE la > ${ago(90)} AND la <= ${ago(60)}) AS s90,
          count(*) FILTER (WHERE la <= ${ago(90)}) AS s90plus,
          count(*) FILTER (WHERE la IS NULL) AS never
        FROM (
          SELECT o.owner_id, o.client_id,
            max(t.occurred_at) FILTER (WHERE t.outcome = 'meeting_held') AS lm,
            max(t.occurred_at) FILTER (WHERE t.kind = 'call' AND t.outcome = 'reached') AS lc,
            max(t.occurred_at) FILTER (WHERE t.kind = 'email') AS le,
            max(t.occurred_at) FILTER (WHERE t.kind <> 'email' AND (t.outcome IS DISTINCT FROM 'meeting_held')
                                        AND NOT (t.kind = 'call' AND t.outcome = 'reached')) AS lo,
            max(t.occurred_at) AS la
          FROM ownership o
          LEFT JOIN touches t ON t.client_id = o.client_id AND t.author_id = o.owner_id AND t.occurred_at <= ${to}
          WHERE o.owner_id IS NOT NULL AND o.line_id = ${f.lineId}
            ${f.managerId === undefined ? sql`` : sql`AND o.owner_id = ${f.managerId}`}
          GROUP BY o.owner_id, o.client_id) b
        GROUP BY owner_id`,
  );
}

async function dealRows(ex: Executor, f: CoverageFilter) {
  const from = f.from.toISOString();
  const to = f.to.toISOString();
  return rows<{
    manager_id: number;
    won: string;
    lost: string;
    revenue: string;
    open_n: string;
    open_amount: string;
  }>(
    ex,
    sql`SELECT manager_id,
          count(*) FILTER (WHERE stage = 'won' AND won_at > ${from} AND won_at <= ${to}) AS won,
          count(*) FILTER (WHERE stage = 'lost' AND lost_at > ${from} AND lost_at <= ${to}) AS lost,
          coalesce(sum(amount_kopecks) FILTER (WHERE stage = 'won' AND won_at > ${from} AND won_at <= ${to}), 0) AS revenue,
          count(*) FILTER (WHERE stage NOT IN ('won', 'lost')) AS open_n,
          coalesce(sum(amount_kopecks) FILTER (WHERE stage NOT IN ('won', 'lost')), 0) AS open_amount
        FROM deals WHERE line_id = ${f.lineId}
          ${f.managerId === undefined ? sql`` : sql`AND manager_id = ${f.managerId}`}
        GROUP BY manager_id`,
  );
}

function windowsOf(r: Row | undefined, base: number): WindowCoverage[] {
  return WINDOWS.map((w) => {
    const g = (k: string) => n(r?.[`${k}_${w}`]);
    const met = g('met');
    const xcalled = g('xcalled');
    const xemailed = g('xemailed');
    const touched = g('touched');
    return {
      days: w,
      buckets: {
        met,
        called: xcalled,
        emailedOnly: xemailed,
        otherOnly: touched - met - xcalled - xemailed,
        untouched: base - touched,
      },
      counts: {
        met,
        called: g('called'),
        emailed: g('emailed'),
        touched,
        notCalled: base - g('called'),
        notMet: base - met,
      },
    };
  });
}

/** Coverage per seller (all sellers, or one) and the team total, in one line of business. */
export async function coverage(ex: Executor, policy: PolicyRef, f: CoverageFilter) {
  const sellers = await rows<{
    id: number;
    name: string;
    hired_at: Date | string;
    cap_override: number | null;
  }>(
    ex,
    sql`SELECT id, name, hired_at, cap_override FROM users
        WHERE role IN ('manager', 'head') ${f.managerId === undefined ? sql`AND status <> 'left'` : sql`AND id = ${f.managerId}`}
        ORDER BY name`,
  );
  const cov = new Map((await coverageRows(ex, f)).map((r) => [Number(r.owner_id), r]));
  const deals = new Map((await dealRows(ex, f)).map((r) => [Number(r.manager_id), r]));
  const managers: ManagerCoverage[] = sellers.map((s) => {
    const r = cov.get(s.id);
    const d = deals.get(s.id);
    const base = n(r?.base);
    const won = n(d?.won);
    const lost = n(d?.lost);
    return {
      managerId: s.id,
      managerName: s.name,
      baseCount: base,
      cap: effectiveCap(policy.policy, { hiredAt: new Date(s.hired_at), capOverride: s.cap_override }, f.to)
        .cap,
      windows: windowsOf(r, base),
      sinceLastTouch: {
        d0_7: n(r?.s7),
        d8_30: n(r?.s30),
        d31_60: n(r?.s60),
        d61_90: n(r?.s90),
        d90plus: n(r?.s90plus),
        never: n(r?.never),
      },
      deals: {
        won,
        lost,
        revenueKopecks: n(d?.revenue),
        conversion: won + lost === 0 ? null : won / (won + lost),
        openCount: n(d?.open_n),
        openAmountKopecks: n(d?.open_amount),
      },
    };
  });
  return {
    from: f.from,
    to: f.to,
    lineId: f.lineId,
    windows: [...WINDOWS],
    managers,
    team: teamTotal(managers),
  };
}

function teamTotal(ms: ManagerCoverage[]) {
  const sum = (pick: (m: ManagerCoverage) => number) => ms.reduce((s, m) => s + pick(m), 0);
  const won = sum((m) => m.deals.won);
  const lost = sum((m) => m.deals.lost);
  return {
    baseCount: sum((m) => m.baseCount),
    cap: sum((m) => m.cap),
    windows: WINDOWS.map((w, i) => {
      const b = (k: keyof WindowCoverage['buckets']) => sum((m) => m.windows[i]!.buckets[k]);
      const c = (k: keyof WindowCoverage['counts']) => sum((m) => m.windows[i]!.counts[k]);
      return {
        days: w,
        buckets: {
          met: b('met'),
          called: b('called'),
          emailedOnly: b('emailedOnly'),
          otherOnly: b('otherOnly'),
          untouched: b('untouched'),
        },
        counts: {
          met: c('met'),
          called: c('called'),
          emailed: c('emailed'),
          touched: c('touched'),
          notCalled: c('notCalled'),
          notMet: c('notMet'),
        },
      };
    }),
    deals: {
      won,
      lost,
      revenueKopecks: sum((m) => m.deals.revenueKopecks),
      conversion: won + lost === 0 ? null : won / (won + lost),
      openCount: sum((m) => m.deals.openCount),
      openAmountKopecks: sum((m) => m.deals.openAmountKopecks),
    },
  };
}

/** A manager's clients without the owner's touch for `days` (never touched first). */
export async function untouchedClients(
  ex: Executor,
  f: { to: Date; lineId: number; managerId?: number | undefined; days: number; limit: number },
) {
  const since = new Date(f.to.getTime() - f.days * DAY).toISOString();
  const found = await rows<{
    client_id: number;
    name: string;
    owner_id: number;
    owner_name: string;
    la: Date | string | null;
  }>(
    ex,
    sql`SELECT o.client_id, c.display_name AS name, o.owner_id, u.name AS owner_name,
               (SELECT max(t.occurred_at) FROM touches t WHERE t.client_id = o.client_id AND t.author_id = o.owner_id
                  AND t.occurred_at <= ${f.to.toISOString()}) AS la
        FROM ownership o JOIN clients c ON c.id = o.client_id JOIN users u ON u.id = o.owner_id
        WHERE o.owner_id IS NOT NULL AND o.line_id = ${f.lineId}
          ${f.managerId === undefined ? sql`` : sql`AND o.owner_id = ${f.managerId}`}
          AND NOT EXISTS (SELECT 1 FROM touches t WHERE t.client_id = o.client_id AND t.author_id = o.owner_id
                            AND t.occurred_at > ${since} AND t.occurred_at <= ${f.to.toISOString()})
        ORDER BY la NULLS FIRST, o.client_id
        LIMIT ${f.limit}`,
  );
  return found.map((r) => ({
    clientId: r.client_id,
    clientName: r.name,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    lastTouchAt: r.la ? new Date(r.la) : null,
  }));
}

/** Weekly trends (ISO weeks, Monday 00:00 UTC) for the last `weeks` weeks up to `to`. */
export async function trends(
  ex: Executor,
  f: { to: Date; weeks: number; lineId: number; managerId?: number | undefined },
) {
  const end = new Date(f.to);
  const start = new Date(end.getTime() - f.weeks * 7 * DAY);
  const m = f.managerId === undefined ? sql`` : sql`AND author_id = ${f.managerId}`;
  const dm = f.managerId === undefined ? sql`` : sql`AND manager_id = ${f.managerId}`;
  const touchRows = await rows<{ wk: string; kind: string; n: string; met: string; reached: string }>(
    ex,
    sql`SELECT to_char(date_trunc('week', occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS wk, kind, count(*) AS n,
               count(*) FILTER (WHERE outcome = 'meeting_held') AS met,
               count(*) FILTER (WHERE kind = 'call' AND outcome = 'reached') AS reached
        FROM touches WHERE occurred_at > ${start.toISOString()} AND occurred_at <= ${end.toISOString()}
          AND (line_id IS NULL OR line_id = ${f.lineId}) ${m}
        GROUP BY 1, 2`,
  );
  const dealRowsW = await rows<{ wk: string; won: string; revenue: string }>(
    ex,
    sql`SELECT to_char(date_trunc('week', won_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS wk, count(*) AS won, sum(amount_kopecks) AS revenue
        FROM deals WHERE stage = 'won' AND won_at > ${start.toISOString()} AND won_at <= ${end.toISOString()}
          AND line_id = ${f.lineId} ${dm}
        GROUP BY 1`,
  );
  const firstMonday = new Date(start);
  firstMonday.setUTCHours(0, 0, 0, 0);
  firstMonday.setUTCDate(firstMonday.getUTCDate() - ((firstMonday.getUTCDay() + 6) % 7));
  const weeks: {
    weekStart: string;
    isoWeek: string;
    touches: Record<'call' | 'meeting' | 'email' | 'proposal' | 'note', number>;
    meetingsHeld: number;
    callsReached: number;
    won: number;
    revenueKopecks: number;
  }[] = [];
  const index = new Map<string, (typeof weeks)[number]>();
  for (let d = firstMonday; d <= end; d = new Date(d.getTime() + 7 * DAY)) {
    const key = d.toISOString().slice(0, 10);
    const w = {
      weekStart: key,
      isoWeek: isoWeekOf(d),
      touches: { call: 0, meeting: 0, email: 0, proposal: 0, note: 0 },
      meetingsHeld: 0,
      callsReached: 0,
      won: 0,
      revenueKopecks: 0,
    };
    weeks.push(w);
    index.set(key, w);
  }
  for (const r of touchRows) {
    const w = index.get(r.wk);
    if (!w) continue;
    if (r.kind in w.touches) w.touches[r.kind as keyof typeof w.touches] += n(r.n);
    w.meetingsHeld += n(r.met);
    w.callsReached += n(r.reached);
  }
  for (const r of dealRowsW) {
    const w = index.get(r.wk);
    if (!w) continue;
    w.won += n(r.won);
    w.revenueKopecks += n(r.revenue);
  }
  return { lineId: f.lineId, managerId: f.managerId ?? null, weeks: weeks.slice(-f.weeks) };
}
