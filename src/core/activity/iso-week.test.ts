import { describe, expect, it } from 'vitest';
import { isoWeekOf, isoWeekRange, weeksInYear } from './iso-week.ts';

describe('ISO weeks', () => {
  it.each([
    ['2026-01-01T00:00:00Z', '2026-W01'], // Thursday
    ['2025-12-29T00:00:00Z', '2026-W01'], // Monday of week 1 of 2026
    ['2025-12-28T23:59:59Z', '2025-W52'], // Sunday
    ['2021-01-03T12:00:00Z', '2020-W53'], // 2020 has 53 weeks
    ['2026-11-27T04:00:00Z', '2026-W48'],
    ['2027-01-01T00:00:00Z', '2026-W53'],
  ])('%s is in %s', (at, week) => {
    expect(isoWeekOf(new Date(at))).toBe(week);
    const r = isoWeekRange(week)!;
    expect(r.start.getTime()).toBeLessThanOrEqual(new Date(at).getTime());
    expect(r.end.getTime()).toBeGreaterThan(new Date(at).getTime());
    expect(r.start.getUTCDay()).toBe(1);
  });
  it('knows 52- and 53-week years and refuses weeks that do not exist', () => {
    expect(weeksInYear(2020)).toBe(53);
    expect(weeksInYear(2025)).toBe(52);
    expect(weeksInYear(2026)).toBe(53);
    expect(isoWeekRange('2025-W53')).toBe(null);
    expect(isoWeekRange('2026-W53')).not.toBe(null);
    expect(isoWeekRange('2026-W00')).toBe(null);
    expect(isoWeekRange('2026-48')).toBe(null);
  });
});
