import { describe, expect, it } from 'vitest';
import { isoWeekRange } from './iso-week.ts';
import { decidePlanEdit, type PlanItemCandidate } from './plan.ts';

// Wednesday of 2026-W24 (8–14 June 2026).
const NOW = new Date('2026-06-10T12:00:00Z');
const manager = { id: 1, role: 'manager' as const };
const head = { id: 9, role: 'head' as const };
const own: PlanItemCandidate = { clientId: 10, own: true, pool: false };
const pool: PlanItemCandidate = { clientId: 11, own: false, pool: true };
const foreign: PlanItemCandidate = { clientId: 12, own: false, pool: false };

const decide = (
  week: string,
  actor: { id: number; role: 'manager' | 'head' },
  items: PlanItemCandidate[],
  managerId = 1,
) => decidePlanEdit({ now: NOW, actor, managerId, isoWeek: week, weekEnd: isoWeekRange(week)!.end, items });
const result = (d: ReturnType<typeof decidePlanEdit>) => (d.kind === 'accepted' ? 'accepted' : d.code);

describe('weekly plans (R-PLAN-1..3)', () => {
  it.each([
    ['the current week, own and pool clients', '2026-W24', manager, [own, pool], 1, 'accepted'],
    ['next week', '2026-W25', manager, [own], 1, 'accepted'],
    ["another manager's plan", '2026-W24', manager, [own], 2, 'NOT_PLAN_OWNER'],
    ["a head edits another manager's plan", '2026-W24', head, [own], 2, 'accepted'],
    ['last week (history)', '2026-W23', manager, [own], 1, 'PLAN_WEEK_CLOSED'],
    ['a head corrects last week', '2026-W23', head, [own], 1, 'accepted'],
    ["someone else's client", '2026-W24', manager, [own, foreign], 1, 'PLAN_CLIENT_NOT_AVAILABLE'],
    ['the same client twice', '2026-W24', manager, [own, own], 1, 'VALIDATION_FAILED'],
    ['an empty plan', '2026-W24', manager, [], 1, 'accepted'],
  ] as const)('%s → %s', (_l, week, actor, items, managerId, expected) => {
    expect(result(decide(week, actor, [...items], managerId))).toBe(expected);
  });
  it('names the item that is not available', () => {
    expect(decide('2026-W24', manager, [own, foreign])).toMatchObject({
      details: { clientId: 12, field: 'items.1.clientId' },
    });
  });
  it('the week ends on Monday 00:00 UTC: Sunday 23:59 still edits, Monday 00:00 does not', () => {
    const end = isoWeekRange('2026-W24')!.end;
    const at = (ms: number) =>
      decidePlanEdit({
        now: new Date(end.getTime() + ms),
        actor: manager,
        managerId: 1,
        isoWeek: '2026-W24',
        weekEnd: end,
        items: [],
      });
    expect(result(at(-60_000))).toBe('accepted');
    expect(result(at(0))).toBe('PLAN_WEEK_CLOSED');
  });
});
