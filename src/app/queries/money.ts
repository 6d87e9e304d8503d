import { sql } from 'drizzle-orm';
import {
  type CommissionOrder,
  type CommissionReport,
  commissionReport,
  monthRange,
  type OverdueOrder,
  receivablesReport,
} from '../../core/money/commission.ts';
import type { Share } from '../../core/disputes/dispute.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';
import { activePolicy } from '../policy-store.ts';

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

async function managerNames(ex: Executor, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const found = await rows<{ id: number; name: string }>(
    ex,
    sql`SELECT id, name FROM users WHERE id IN (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  return new Map(found.map((u) => [u.id, u.name]));
}

export type CommissionView = Awaited<ReturnType<typeof commissionForMonth>>;

/**
 * The monthly commission report (R-COMM-1..4): orders won in the month (UTC), credited per manager
 * by their credit rows, commission at the active policy's rates. `managerId` narrows the rows and
 * lines to one manager (their figures do not depend on anyone else's).
 */
export async function commissionForMonth(ex: Executor, q: { month: string; managerId?: number | undefined }) {
  const range = monthRange(q.month);
  if (!range) throw new Error(`not a month: ${q.month}`);
  const { version, policy } = await activePolicy(ex);
  const deals = await rows<{
    id: number;
    title: string;
    client_id: number;
    client_name: string;
    manager_id: number;
    amount_kopecks: string | number;
    won_at: Date | string;
    due_at: Date | string | null;
    paid_at: Date | string | null;
  }>(
    ex,
    sql`SELECT d.id, d.title, d.client_id, c.display_name AS client_name, d.manager_id, d.amount_kopecks,
          d.won_at, d.due_at, d.paid_at
        FROM deals d JOIN clients c ON c.id = d.client_id
        WHERE d.stage = 'won' AND d.won_at >= ${range.from} AND d.won_at < ${range.to}
        ORDER BY d.won_at, d.id`,
  );
  const credits = new Map<number, Share[]>();
  if (deals.length) {
    const found = await rows<{ deal_id: number; manager_id: number; role: Share['role']; share_bps: number }>(
      ex,
      sql`SELECT deal_id, manager_id, role, share_bps FROM deal_credits
          WHERE deal_id IN (${sql.join(
            deals.map((d) => sql`${d.id}`),
            sql`, `,
          )})
          ORDER BY deal_id, seq`,
    );
    for (const f of found) {
      const list = credits.get(f.deal_id) ?? [];
      list.push({ managerId: f.manager_id, role: f.role, bps: f.share_bps });
      credits.set(f.deal_id, list);
    }
  }
  const orders: CommissionOrder[] = deals.map((d) => ({
    dealId: d.id,
    title: d.title,
    clientId: d.client_id,
    clientName: d.client_name,
    managerId: d.manager_id,
    amountKopecks: Number(d.amount_kopecks),
    wonAt: iso(d.won_at)!,
    dueAt: iso(d.due_at),
    paidAt: iso(d.paid_at),
    credits: credits.get(d.id) ?? [],
  }));
  const report: CommissionReport = commissionReport(policy.commission, orders);
  const names = await managerNames(
    ex,
    report.rows.map((r) => r.managerId),
  );
  const keep = (id: number) => q.managerId === undefined || id === q.managerId;
  const rowsOut = report.rows.filter((r) => keep(r.managerId));
  return {
    month: q.month,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    policyVersion: version,
    rules: policy.commission,
    rows: rowsOut.map((r) => ({ ...r, managerName: names.get(r.managerId) ?? `#${r.managerId}` })),
    lines: report.lines
      .filter((l) => keep(l.managerId))
      .map((l) => ({ ...l, managerName: names.get(l.managerId) ?? `#${l.managerId}` })),
    totals: q.managerId === undefined ? report.totals : (rowsOut[0] ?? { ...report.totals, ...zero }),
  };
}

const zero = {
  managerId: 0,
  orders: 0,
  creditedKopecks: 0,
  effectiveRateBps: 0,
  commissionKopecks: 0,
  paidKopecks: 0,
  unpaidKopecks: 0,
  heldBackKopecks: 0,
  payableKopecks: 0,
};

export type ReceivablesView = Awaited<ReturnType<typeof receivables>>;

/** R-RECV-1..2: overdue orders (won, due before now, unpaid) of the deal's manager, in aging buckets. */
export async function receivables(ex: Executor, q: { now: Date; managerId?: number | undefined }) {
  const found = await rows<{
    id: number;
    title: string;
    client_id: number;
    client_name: string;
    manager_id: number;
    amount_kopecks: string | number;
    due_at: Date | string;
  }>(
    ex,
    sql`SELECT d.id, d.title, d.client_id, c.display_name AS client_name, d.manager_id, d.amount_kopecks, d.due_at
        FROM deals d JOIN clients c ON c.id = d.client_id
        WHERE d.stage = 'won' AND d.paid_at IS NULL AND d.due_at IS NOT NULL AND d.due_at < ${q.now}
          ${q.managerId === undefined ? sql`` : sql`AND d.manager_id = ${q.managerId}`}`,
  );
  const orders: OverdueOrder[] = found.map((d) => ({
    dealId: d.id,
    title: d.title,
    clientId: d.client_id,
    clientName: d.client_name,
    managerId: d.manager_id,
    amountKopecks: Number(d.amount_kopecks),
    dueAt: iso(d.due_at)!,
  }));
  const r = receivablesReport(orders, q.now);
  const names = await managerNames(
    ex,
    r.rows.map((x) => x.managerId),
  );
  const name = (id: number) => names.get(id) ?? `#${id}`;
  return {
    asOf: q.now.toISOString(),
    rows: r.rows.map((x) => ({ ...x, managerName: name(x.managerId) })),
    totals: r.totals,
    orders: r.orders.map((o) => ({ ...o, managerName: name(o.managerId) })),
  };
}
