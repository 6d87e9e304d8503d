import { describe, expect, it } from 'vitest';
import { type Policy, presets } from '../policy/policy.ts';
import { addDays } from './decide.ts';
import { reviewCap, tierFor } from './result-caps.ts';

const comp = presets.competition; // tiers: 120 from 0; 200 from 500 000 ₽; 300 from 1 500 000 ₽
const RUB = 100; // kopecks

describe('tierFor (R-TIER-1)', () => {
  it.each([
    { revenue: 0, cap: 120, tier: 0 },
    { revenue: 499_999.99, cap: 120, tier: 0 },
    { revenue: 500_000, cap: 200, tier: 1 },
    { revenue: 1_499_999, cap: 200, tier: 1 },
    { revenue: 1_500_000, cap: 300, tier: 2 },
    { revenue: 90_000_000, cap: 300, tier: 2 },
  ])('$revenue ₽ → cap $cap', ({ revenue, cap, tier }) => {
    expect(tierFor(comp, { revenueKopecks: Math.round(revenue * RUB), orders: 0 })).toEqual({ cap, tier });
  });

  it('the orders metric uses the order thresholds', () => {
    const p: Policy = { ...comp, resultCaps: { ...comp.resultCaps, metric: 'orders' } };
    expect(tierFor(p, { revenueKopecks: 0, orders: 2 }).cap).toBe(120);
    expect(tierFor(p, { revenueKopecks: 0, orders: 3 }).cap).toBe(200);
    expect(tierFor(p, { revenueKopecks: 0, orders: 8 }).cap).toBe(300);
  });

  it('tier order in the document does not matter; no tier reached → the default cap', () => {
    const p: Policy = {
      ...comp,
      resultCaps: {
        ...comp.resultCaps,
        tiers: [
          { minRevenueKopecks: 300_000_00, minOrders: 0, cap: 250 },
          { minRevenueKopecks: 100_000_00, minOrders: 0, cap: 180 },
        ],
      },
    };
    expect(tierFor(p, { revenueKopecks: 400_000_00, orders: 0 })).toEqual({ cap: 250, tier: 0 });
    expect(tierFor(p, { revenueKopecks: 200_000_00, orders: 0 })).toEqual({ cap: 180, tier: 1 });
    expect(tierFor(p, { revenueKopecks: 50_000_00, orders: 0 })).toEqual({
      cap: comp.caps.defaultCap,
      tier: null,
    });
  });
});

describe('reviewCap (R-TIER-2)', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const veteran = { id: 3, hiredAt: new Date('2024-01-01T00:00:00Z'), capOverride: null };

  it('a shrinking cap below the base starts a deadline of releaseDeadlineDays (14)', () => {
    const r = reviewCap(comp, veteran, {
      results: { revenueKopecks: 0, orders: 0 },
      baseCount: 140,
      now,
      currentDeadline: null,
    });
    expect(r).toMatchObject({ oldCap: 150, newCap: 120, effectiveCap: 120, baseCount: 140 });
    expect(r.releaseDeadline).toEqual(addDays(now, 14));
  });

  it('a running deadline is kept, not restarted', () => {
    const earlier = addDays(now, 3);
    const r = reviewCap(
      comp,
      { ...veteran, capOverride: 120 },
      {
        results: { revenueKopecks: 0, orders: 0 },
        baseCount: 140,
        now,
        currentDeadline: earlier,
      },
    );
    expect(r.releaseDeadline).toEqual(earlier);
  });

  it('a growing cap, or a base within it, has no deadline', () => {
    const r = reviewCap(comp, veteran, {
      results: { revenueKopecks: 2_000_000 * RUB, orders: 9 },
      baseCount: 140,
      now,
      currentDeadline: addDays(now, 3),
    });
    expect(r.newCap).toBe(300);
    expect(r.releaseDeadline).toBeNull();
  });

  it('a newcomer keeps the newcomer cap (300) whatever the tier (R-NEW-1)', () => {
    const newcomer = { id: 4, hiredAt: addDays(now, -10), capOverride: null };
    const r = reviewCap(comp, newcomer, {
      results: { revenueKopecks: 0, orders: 0 },
      baseCount: 250,
      now,
      currentDeadline: null,
    });
    expect(r).toMatchObject({ newCap: 120, effectiveCap: 300, releaseDeadline: null });
  });
});
