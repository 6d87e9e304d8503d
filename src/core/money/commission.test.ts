import { describe, expect, it } from 'vitest';
import { defaultCommissionRules, policySchema, presets } from '../policy/policy.ts';
import {
  agingBucket,
  apportion,
  type CommissionOrder,
  type CommissionRules,
  commissionOn,
  commissionReport,
  daysOverdue,
  monthRange,
  receivablesReport,
} from './commission.ts';

const RUB = 100; // kopecks
const flat5: CommissionRules = { ...defaultCommissionRules, mode: 'flat', flatRateBps: 500 };
const marginal: CommissionRules = { ...defaultCommissionRules, mode: 'tiers', tierApplication: 'marginal' };
const whole: CommissionRules = { ...marginal, tierApplication: 'whole' };

describe('commissionOn (R-COMM-2)', () => {
  it.each([
    // rules, revenue ₽, commission kopecks
    ['flat 5 %', flat5, 100_000 * RUB, 5_000 * RUB],
    ['flat 5 %, halves round up', flat5, 10, 1], // 0.5 kopeck → 1
    ['flat 5 %, below half rounds down', flat5, 9, 0], // 0.45 → 0
    ['flat 5 %, zero', flat5, 0, 0],
    // marginal: 3 % of the first 500 000 ₽, 5 % of the next 1 000 000 ₽, 7 % above
    ['marginal, inside the first tier', marginal, 400_000 * RUB, 12_000 * RUB],
    ['marginal, exactly at the second tier', marginal, 500_000 * RUB, 15_000 * RUB],
    ['marginal, in the second tier', marginal, 600_000 * RUB, (15_000 + 5_000) * RUB],
    ['marginal, in the third tier', marginal, 2_000_000 * RUB, (15_000 + 50_000 + 35_000) * RUB],
    // whole: the reached tier's rate on everything
    ['whole, first tier', whole, 499_999 * RUB, 1_499_997],
    ['whole, second tier reached', whole, 500_000 * RUB, 25_000 * RUB],
    ['whole, third tier reached', whole, 2_000_000 * RUB, 140_000 * RUB],
  ])('%s', (_name, rules, revenue, expected) => {
    expect(commissionOn(rules, revenue)).toBe(expected);
  });

  it('marginal tiers have no cliff: one more kopeck adds at most one kopeck', () => {
    const at = 50_000_000;
    expect(commissionOn(marginal, at) - commissionOn(marginal, at - 1)).toBeLessThanOrEqual(1);
    expect(commissionOn(whole, at) - commissionOn(whole, at - 1)).toBe(1_000_000); // the cliff of "whole"
  });

  it('stays exact on amounts where floating point would lose kopecks', () => {
    const big = 9_000_000_000_000_001; // > 2^53 / 10_000 × 10_000: BigInt arithmetic inside
    expect(Number.isInteger(commissionOn(flat5, big))).toBe(true);
    expect(commissionOn(flat5, 1_234_567_891)).toBe(61_728_395); // 61 728 394.55 → up
  });
});

describe('apportion', () => {
  it.each([
    [100, [1, 1, 1], [34, 33, 33]],
    [1, [1, 1], [1, 0]],
    [10, [0, 5], [0, 10]],
    [7, [2, 3, 5], [1, 2, 4]], // 1.4 / 2.1 / 3.5: floors 1/2/3, the last unit to the largest remainder 0.5
    [0, [3, 4], [0, 0]],
    [5, [0, 0], [0, 0]],
  ])('%i over %j → %j', (total, weights, expected) => {
    const parts = apportion(total, weights);
    expect(parts).toEqual(expected);
  });
});

function order(p: Partial<CommissionOrder> & { dealId: number; amountKopecks: number }): CommissionOrder {
  return {
    title: `deal ${p.dealId}`,
    clientId: p.dealId,
    clientName: `client ${p.dealId}`,
    managerId: 1,
    wonAt: '2026-03-10T10:00:00.000Z',
    dueAt: null,
    paidAt: '2026-03-20T10:00:00.000Z',
    credits: [],
    ...p,
  };
}

describe('commissionReport (R-COMM-1, R-COMM-3, R-COMM-4)', () => {
  it('credits an order without credit rows 100 % to its manager', () => {
    const r = commissionReport(flat5, [order({ dealId: 1, amountKopecks: 100_000 * RUB, managerId: 7 })]);
    expect(r.rows).toEqual([
      {
        managerId: 7,
        orders: 1,
        creditedKopecks: 100_000 * RUB,
        effectiveRateBps: 500,
        commissionKopecks: 5_000 * RUB,
        paidKopecks: 100_000 * RUB,
        unpaidKopecks: 0,
        heldBackKopecks: 0,
        payableKopecks: 5_000 * RUB,
      },
    ]);
  });

  it('splits by credit shares to the kopeck and per-order commission sums to the totals', () => {
    const orders = [
      // 1 000.01 ₽ split 30/70 between 1 and 2 (allocate: 300.00 / 700.01)
      order({
        dealId: 1,
        amountKopecks: 100_001,
        credits: [
          { managerId: 1, role: 'originator', bps: 3_000 },
          { managerId: 2, role: 'closer', bps: 7_000 },
        ],
      }),
      order({ dealId: 2, amountKopecks: 333_333, managerId: 2, paidAt: null }),
      order({ dealId: 3, amountKopecks: 777, managerId: 2 }),
      order({
        dealId: 4,
        amountKopecks: 10_001,
        credits: [
          { managerId: 1, role: 'originator', bps: 3_333 },
          { managerId: 2, role: 'closer', bps: 3_333 },
          { managerId: 3, role: 'helper', bps: 3_334 },
        ],
        paidAt: null,
      }),
    ];
    for (const rules of [flat5, marginal, whole, { ...flat5, flatRateBps: 333 }]) {
      const r = commissionReport(rules, orders);
      const byManager = new Map<number, number>();
      for (const l of r.lines)
        byManager.set(l.managerId, (byManager.get(l.managerId) ?? 0) + l.commissionKopecks);
      for (const row of r.rows) {
        expect(byManager.get(row.managerId)).toBe(row.commissionKopecks);
        expect(row.commissionKopecks).toBe(commissionOn(rules, row.creditedKopecks));
        expect(row.paidKopecks + row.unpaidKopecks).toBe(row.creditedKopecks);
        expect(row.payableKopecks + row.heldBackKopecks).toBe(row.commissionKopecks);
      }
      // credited revenue of all managers = the orders' amounts, to the kopeck
      expect(r.totals.creditedKopecks).toBe(orders.reduce((s, o) => s + o.amountKopecks, 0));
      expect(r.totals.orders).toBe(4);
    }
    const r = commissionReport(flat5, orders);
    const l1 = r.lines.filter((l) => l.dealId === 1);
    expect(l1.map((l) => [l.managerId, l.creditedKopecks])).toEqual([
      [1, 30_000],
      [2, 70_001],
    ]);
    expect(r.rows.map((x) => [x.managerId, x.orders])).toEqual([
      [1, 2],
      [2, 4],
      [3, 1],
    ]);
  });

  it('merges two roles of one manager on one order into one line', () => {
    const r = commissionReport(flat5, [
      order({
        dealId: 1,
        amountKopecks: 1_000,
        credits: [
          { managerId: 1, role: 'originator', bps: 4_000 },
          { managerId: 1, role: 'helper', bps: 1_000 },
          { managerId: 2, role: 'closer', bps: 5_000 },
        ],
      }),
    ]);
    expect(r.lines.find((l) => l.managerId === 1)).toMatchObject({
      roles: ['originator', 'helper'],
      shareBps: 5_000,
      creditedKopecks: 500,
    });
    expect(r.rows.find((x) => x.managerId === 1)!.orders).toBe(1);
  });

  it('tiers apply to the month total of credited revenue, not per order', () => {
    const orders = [
      order({ dealId: 1, amountKopecks: 400_000 * RUB }),
      order({ dealId: 2, amountKopecks: 400_000 * RUB }),
    ];
    const r = commissionReport(whole, orders);
    expect(r.rows[0]!.commissionKopecks).toBe(40_000 * RUB); // 800 000 ₽ × 5 %
    expect(r.lines.map((l) => l.commissionKopecks)).toEqual([20_000 * RUB, 20_000 * RUB]);
    const m = commissionReport(marginal, orders);
    expect(m.rows[0]!.commissionKopecks).toBe((15_000 + 15_000) * RUB); // 3 % × 500k + 5 % × 300k
    expect(m.rows[0]!.effectiveRateBps).toBe(375);
  });

  it('holds back commission on unpaid orders only when the policy says so (R-COMM-4)', () => {
    const orders = [
      order({ dealId: 1, amountKopecks: 100_000 * RUB }),
      order({ dealId: 2, amountKopecks: 50_000 * RUB, paidAt: null }),
    ];
    const held = commissionReport({ ...flat5, holdBackUnpaid: true }, orders);
    expect(held.rows[0]).toMatchObject({
      commissionKopecks: 7_500 * RUB,
      paidKopecks: 100_000 * RUB,
      unpaidKopecks: 50_000 * RUB,
      heldBackKopecks: 2_500 * RUB,
      payableKopecks: 5_000 * RUB,
    });
    expect(held.lines.map((l) => l.heldBackKopecks)).toEqual([0, 2_500 * RUB]);
    const notHeld = commissionReport({ ...flat5, holdBackUnpaid: false }, orders);
    expect(notHeld.rows[0]).toMatchObject({ heldBackKopecks: 0, payableKopecks: 7_500 * RUB });
  });

  it('an empty month is all zeros', () => {
    const r = commissionReport(marginal, []);
    expect(r.rows).toEqual([]);
    expect(r.totals).toMatchObject({ orders: 0, creditedKopecks: 0, commissionKopecks: 0 });
  });
});

describe('policy: the commission section', () => {
  it('is filled in by default for a policy stored before it', () => {
    const { commission: _c, ...old } = presets.balanced;
    expect(policySchema.parse(old).commission).toEqual(defaultCommissionRules);
  });
  it('presets differ as documented', () => {
    expect(presets.team.commission).toMatchObject({ mode: 'flat', flatRateBps: 500, holdBackUnpaid: false });
    expect(presets.balanced.commission).toMatchObject({
      mode: 'tiers',
      tierApplication: 'marginal',
      holdBackUnpaid: true,
    });
    expect(presets.competition.commission).toMatchObject({ mode: 'tiers', tierApplication: 'whole' });
  });
  it.each([
    [{ tiers: [{ fromKopecks: 100, rateBps: 300 }] }, 'commission.tiers'],
    [
      {
        tiers: [
          { fromKopecks: 0, rateBps: 300 },
          { fromKopecks: 0, rateBps: 500 },
        ],
      },
      'commission.tiers',
    ],
    [{ flatRateBps: 10_001 }, 'commission.flatRateBps'],
  ])('rejects %j naming the field', (patch, path) => {
    const r = policySchema.safeParse({
      ...presets.balanced,
      commission: { ...defaultCommissionRules, ...patch },
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('months and receivables (R-RECV-1, R-RECV-2)', () => {
  it('a month is a UTC calendar month', () => {
    expect(monthRange('2026-12')).toEqual({
      from: new Date('2026-12-01T00:00:00Z'),
      to: new Date('2027-01-01T00:00:00Z'),
    });
    expect(monthRange('2026-13')).toBeNull();
    expect(monthRange('2026-1')).toBeNull();
  });

  const now = new Date('2026-06-30T12:00:00Z');
  const ago = (days: number, extraMs = 0) => new Date(now.getTime() - days * 86_400_000 - extraMs);
  it.each([
    [ago(0, 1), 1, '1-30'],
    [ago(30), 30, '1-30'],
    [ago(30, 1), 31, '31-60'],
    [ago(60), 60, '31-60'],
    [ago(61), 61, '61-90'],
    [ago(90), 90, '61-90'],
    [ago(90, 1), 91, '90+'],
    [ago(400), 400, '90+'],
  ])('due %s → %i days, bucket %s', (due, days, bucket) => {
    expect(daysOverdue(due, now)).toBe(days);
    expect(agingBucket(days)).toBe(bucket);
  });
  it('not yet due is not overdue', () => {
    expect(daysOverdue(now, now)).toBeNull();
    expect(daysOverdue(new Date(now.getTime() + 1), now)).toBeNull();
  });
  it('groups per manager with totals', () => {
    const o = (dealId: number, managerId: number, days: number, amount: number) => ({
      dealId,
      title: '',
      clientId: 1,
      clientName: '',
      managerId,
      amountKopecks: amount,
      dueAt: ago(days).toISOString(),
    });
    const r = receivablesReport(
      [o(1, 1, 5, 100), o(2, 1, 45, 200), o(3, 2, 100, 300), o(4, 2, -3, 999)],
      now,
    );
    expect(r.rows.map((x) => [x.managerId, x.orders, x.totalKopecks])).toEqual([
      [1, 2, 300],
      [2, 1, 300],
    ]);
    expect(r.rows[0]!.buckets['31-60']).toEqual({ orders: 1, amountKopecks: 200 });
    expect(r.totals.buckets['90+']).toEqual({ orders: 1, amountKopecks: 300 });
    expect(r.totals.totalKopecks).toBe(600);
    expect(r.orders.map((x) => x.dealId)).toEqual([3, 2, 1]);
  });
});
