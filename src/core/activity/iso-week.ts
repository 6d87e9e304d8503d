/**
 * ISO-8601 weeks ('2026-W48'): weeks start on Monday, week 1 holds the year's first Thursday.
 * Weeks are counted in UTC (the company's time zone is not configurable yet).
 */
const DAY = 86_400_000;
const WEEK = 7 * DAY;

export function isoWeekOf(d: Date): string {
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = day.getUTCDay() || 7; // Monday 1 … Sunday 7
  const thursday = new Date(day.getTime() + (4 - dow) * DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / WEEK) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday 00:00 UTC of week 1 of an ISO year. */
function week1Monday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  const dow = new Date(jan4).getUTCDay() || 7;
  return jan4 - (dow - 1) * DAY;
}

export function weeksInYear(year: number): 52 | 53 {
  return (week1Monday(year + 1) - week1Monday(year)) / WEEK === 53 ? 53 : 52;
}

/** Parse '2026-W48' into its [start, end) instants; null when it is not a real ISO week. */
export function isoWeekRange(isoWeek: string): { start: Date; end: Date } | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(isoWeek);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (week < 1 || week > weeksInYear(year)) return null;
  const start = week1Monday(year) + (week - 1) * WEEK;
  return { start: new Date(start), end: new Date(start + WEEK) };
}
