import { allocate, type Share } from '../disputes/dispute.ts';
import type { Policy } from '../policy/policy.ts';

/**
 * Commission (C12) and receivables (C22) as pure arithmetic. Money is integer kopecks throughout;
 * products are taken in BigInt so no amount loses a kopeck to floating point.
 */

export type CommissionRules = Policy['commission'];

/** An order (won deal) of the month with its credit rows (empty = 100 % to its manager, R-COMM-1). */
export type CommissionOrder = {
  dealId: number;
  title: string;
  clientId: number;
  clientName: string;
  managerId: number;
  amountKopecks: number;
  wonAt: string;
  dueAt: string | null;
  paidAt: string | null;
  credits: Share[];
};

export type CommissionLine = {
  dealId: number;
  title: string;
  clientId: number;
  clientName: string;
  managerId: number;
  roles: Share['role'][];
  shareBps: number;
  orderAmountKopecks: number;
  creditedKopecks: number;
  commissionKopecks: number;
  paid: boolean;
  wonAt: string;
  paidAt: string | null;
  /** Commission of this line held back because the order is unpaid (R-COMM-4). */
  heldBackKopecks: number;
};

export type CommissionRow = {
  managerId: number;
  orders: number;
  creditedKopecks: number;
  /** The month's rate as the effective share of credited revenue, in basis points (rounded). */
  effectiveRateBps: number;
  commissionKopecks: number;
  paidKopecks: number;
  unpaidKopecks: number;
  heldBackKopecks: number;
  payableKopecks: number;
};

export type CommissionReport = { rows: CommissionRow[]; lines: CommissionLine[]; totals: CommissionRow };

const B = (n: number) => BigInt(n);

/** Round a non-negative fraction num / den to the nearest integer, halves up. */
function roundDiv(num: bigint, den: bigint): number {
  return Number((num * 2n + den) / (2n * den));
}

/**
 * R-COMM-2: the month's commission on a manager's credited revenue, to the kopeck (halves up).
 * flat: revenue × rate; tiers/whole: the rate of the highest tier reached on all of it;
 * tiers/marginal: each tier's rate on the part of the revenue inside the tier.
 */
export function commissionOn(rules: CommissionRules, revenueKopecks: number): number {
  if (revenueKopecks <= 0) return 0;
  const rev = B(revenueKopecks);
  if (rules.mode === 'flat') return roundDiv(rev * B(rules.flatRateBps), 10_000n);
  const tiers = rules.tiers;
  if (rules.tierApplication === 'whole') {
    let rate = 0;
    for (const t of tiers) if (revenueKopecks >= t.fromKopecks) rate = t.rateBps;
    return roundDiv(rev * B(rate), 10_000n);
  }
  let num = 0n;
  tiers.forEach((t, i) => {
    const from = B(t.fromKopecks);
    const next = tiers[i + 1];
    const to = next ? B(next.fromKopecks) : rev;
    // biome-ignore lint/complexity/useMathMinMax: bigint has no Math.min
    const top = to < rev ? to : rev;
    if (top > from) num += (top - from) * B(t.rateBps);
  });
  return roundDiv(num, 10_000n);
}

/**
 * Split `total` over `weights` in proportion, to the unit: floors first, then the units left over go
 * to the largest remainders (ties: the earlier). The parts always sum to `total` (when a weight is > 0).
 */
export function apportion(total: number, weights: number[]): number[] {
  const w = weights.reduce((a, b) => a + b, 0);
  if (w === 0) return weights.map(() => 0);
  const T = B(total);
  const W = B(w);
  const parts = weights.map((x) => (T * B(x)) / W);
  const rems = weights.map((x, i) => ({ i, r: (T * B(x)) % W }));
  let left = T - parts.reduce((a, b) => a + b, 0n);
  rems.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (let k = 0; left > 0n; k++, left--) parts[rems[k]!.i]! += 1n;
  return parts.map(Number);
}

/**
 * R-COMM-1..4: the monthly report. Each order's credited revenue per manager comes from its credit
 * shares (allocate, R-CREDIT-1; no rows = 100 % to the deal's manager); each manager's commission is
 * computed on the month's total (R-COMM-2) and apportioned to their orders by credited revenue, so the
 * per-order kopecks add up to the total exactly; unpaid orders' commission is held back when the policy
 * says so (R-COMM-4).
 */
export function commissionReport(rules: CommissionRules, orders: CommissionOrder[]): CommissionReport {
  const byManager = new Map<number, CommissionLine[]>();
  for (const o of orders) {
    const shares: Share[] = o.credits.length
      ? o.credits
      : [{ managerId: o.managerId, role: 'closer', bps: 10_000 }];
    const money = allocate(o.amountKopecks, shares);
    const perManager = new Map<number, CommissionLine>();
    shares.forEach((s, i) => {
      let line = perManager.get(s.managerId);
      if (!line) {
        line = {
          dealId: o.dealId,
          title: o.title,
          clientId: o.clientId,
          clientName: o.clientName,
          managerId: s.managerId,
          roles: [],
          shareBps: 0,
          orderAmountKopecks: o.amountKopecks,
          creditedKopecks: 0,
          commissionKopecks: 0,
          paid: o.paidAt !== null,
          wonAt: o.wonAt,
          paidAt: o.paidAt,
          heldBackKopecks: 0,
        };
        perManager.set(s.managerId, line);
      }
      line.roles.push(s.role);
      line.shareBps += s.bps;
      line.creditedKopecks += money[i]!;
    });
    for (const line of perManager.values()) {
      const list = byManager.get(line.managerId) ?? [];
      list.push(line);
      byManager.set(line.managerId, list);
    }
  }
  const rows: CommissionRow[] = [];
  const lines: CommissionLine[] = [];
  for (const [managerId, list] of [...byManager.entries()].sort((a, b) => a[0] - b[0])) {
    const credited = list.reduce((s, l) => s + l.creditedKopecks, 0);
    const commission = commissionOn(rules, credited);
    const parts = apportion(
      commission,
      list.map((l) => l.creditedKopecks),
    );
    list.forEach((l, i) => {
      l.commissionKopecks = parts[i]!;
      l.heldBackKopecks = rules.holdBackUnpaid && !l.paid ? l.commissionKopecks : 0;
    });
    const paid = list.filter((l) => l.paid).reduce((s, l) => s + l.creditedKopecks, 0);
    const held = list.reduce((s, l) => s + l.heldBackKopecks, 0);
    rows.push({
      managerId,
      orders: list.length,
      creditedKopecks: credited,
      effectiveRateBps: credited === 0 ? 0 : roundDiv(B(commission) * 10_000n, B(credited)),
      commissionKopecks: commission,
      paidKopecks: paid,
      unpaidKopecks: credited - paid,
      heldBackKopecks: held,
      payableKopecks: commission - held,
    });
    lines.push(...list);
  }
  const sum = (k: keyof CommissionRow) => rows.reduce((s, r) => s + r[k], 0);
  const totalCredited = sum('creditedKopecks');
  const totalCommission = sum('commissionKopecks');
  return {
    rows,
    lines,
    totals: {
      managerId: 0,
      orders: orders.length,
      creditedKopecks: totalCredited,
      effectiveRateBps: totalCredited === 0 ? 0 : roundDiv(B(totalCommission) * 10_000n, B(totalCredited)),
      commissionKopecks: totalCommission,
      paidKopecks: sum('paidKopecks'),
      unpaidKopecks: sum('unpaidKopecks'),
      heldBackKopecks: sum('heldBackKopecks'),
      payableKopecks: sum('payableKopecks'),
    },
  };
}

/** A calendar month (UTC) as [from, to): "2026-03" → 2026-03-01T00:00Z … 2026-04-01T00:00Z; null if malformed. */
export function monthRange(month: string): { from: Date; to: Date } | null {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  return { from: new Date(Date.UTC(y, mo, 1)), to: new Date(Date.UTC(y, mo + 1, 1)) };
}

// ---------------------------------------------------------------------------------------------
// Receivables (C22)

export type AgingBucket = '1-30' | '31-60' | '61-90' | '90+';
export const agingBuckets: readonly AgingBucket[] = ['1-30', '31-60', '61-90', '90+'];

const DAY = 86_400_000;

/** R-RECV-2: days overdue, counted up (due yesterday evening = 1 day); null when not overdue. */
export function daysOverdue(dueAt: Date, now: Date): number | null {
  const ms = now.getTime() - dueAt.getTime();
  return ms <= 0 ? null : Math.ceil(ms / DAY);
}

export function agingBucket(days: number): AgingBucket {
  if (days <= 30) return '1-30';
  if (days <= 60) return '31-60';
  if (days <= 90) return '61-90';
  return '90+';
}

export type OverdueOrder = {
  dealId: number;
  title: string;
  clientId: number;
  clientName: string;
  managerId: number;
  amountKopecks: number;
  dueAt: string;
};

export type ReceivablesRow = {
  managerId: number;
  orders: number;
  totalKopecks: number;
  buckets: Record<AgingBucket, { orders: number; amountKopecks: number }>;
};

/** R-RECV-1..2: overdue orders (won, due before now, unpaid) per manager in aging buckets. */
export function receivablesReport(
  orders: OverdueOrder[],
  now: Date,
): {
  rows: ReceivablesRow[];
  totals: Omit<ReceivablesRow, 'managerId'>;
  orders: (OverdueOrder & { daysOverdue: number; bucket: AgingBucket })[];
} {
  const empty = () =>
    Object.fromEntries(
      agingBuckets.map((b) => [b, { orders: 0, amountKopecks: 0 }]),
    ) as ReceivablesRow['buckets'];
  const rows = new Map<number, ReceivablesRow>();
  const totals = { orders: 0, totalKopecks: 0, buckets: empty() };
  const out: (OverdueOrder & { daysOverdue: number; bucket: AgingBucket })[] = [];
  for (const o of orders) {
    const days = daysOverdue(new Date(o.dueAt), now);
    if (days === null) continue;
    const bucket = agingBucket(days);
    out.push({ ...o, daysOverdue: days, bucket });
    let r = rows.get(o.managerId);
    if (!r) {
      r = { managerId: o.managerId, orders: 0, totalKopecks: 0, buckets: empty() };
      rows.set(o.managerId, r);
    }
    for (const t of [r, totals]) {
      t.orders += 1;
      t.totalKopecks += o.amountKopecks;
      t.buckets[bucket].orders += 1;
      t.buckets[bucket].amountKopecks += o.amountKopecks;
    }
  }
  out.sort((a, b) => b.daysOverdue - a.daysOverdue || a.dealId - b.dealId);
  return { rows: [...rows.values()].sort((a, b) => a.managerId - b.managerId), totals, orders: out };
}
