import { describe, expect, it } from 'vitest';
import { generateDemoActivity } from './demo-activity.ts';
import { generateDemo } from './generate-demo.ts';

const data = generateDemo({ clients: 2000, seed: 42 });
const activity = generateDemoActivity(data, 42);

describe('demo touches and deals', () => {
  it('is deterministic and has one list per client', () => {
    expect(generateDemoActivity(data, 42)).toEqual(activity);
    expect(activity.touches).toHaveLength(2000);
    expect(activity.deals).toHaveLength(2000);
  });

  it('never dates a touch in the future or before its author was hired; never reaches out to do-not-contact', () => {
    const hired = new Map(data.managers.map((m) => [m.key, m.hiredDaysAgo]));
    activity.touches.forEach((list, i) => {
      for (const t of list) {
        expect(t.daysAgo).toBeGreaterThanOrEqual(0);
        expect(t.daysAgo).toBeLessThanOrEqual(hired.get(t.authorKey)!);
        if (t.contactIndex !== null && t.direction === 'outbound')
          expect(data.clients[i]!.contacts[t.contactIndex]!.doNotContact).toBe(false);
      }
    });
  });

  it('shows the picture of SPEC.md: in the last 30 days about half of a base called, a quarter met, many never called', () => {
    let owned = 0;
    let called = 0;
    let met = 0;
    let neverCalled = 0;
    data.clients.forEach((c, i) => {
      const last = c.history[c.history.length - 1];
      if (!last?.ownerKey) return;
      owned++;
      const mine = activity.touches[i]!.filter(
        (t) => t.authorKey === last.ownerKey && t.daysAgo <= last.daysAgo,
      );
      if (mine.some((t) => t.kind === 'call' && t.direction === 'outbound' && t.daysAgo <= 30)) called++;
      if (mine.some((t) => t.kind === 'meeting' && t.daysAgo <= 30)) met++;
      if (!mine.some((t) => t.kind === 'call')) neverCalled++;
    });
    expect(owned).toBeGreaterThan(1000);
    expect(called / owned).toBeGreaterThan(0.3);
    expect(called / owned).toBeLessThan(0.65);
    expect(met / owned).toBeGreaterThan(0.1);
    expect(met / owned).toBeLessThan(0.35);
    expect(neverCalled / owned).toBeGreaterThan(0.3);
  });

  it('has won, lost and open deals in kopecks; won deals have a close date, open ones an expected date', () => {
    const all = activity.deals.flat();
    const stages = new Set(all.map((d) => d.stage));
    expect([...stages].sort()).toEqual(['lead', 'lost', 'negotiation', 'proposal', 'won']);
    for (const d of all) {
      expect(Number.isSafeInteger(d.amountKopecks)).toBe(true);
      expect(d.amountKopecks % 100).toBe(0);
      if (d.stage === 'won' || d.stage === 'lost') expect(d.closedDaysAgo).not.toBe(null);
      else expect(d.expectedCloseInDays).not.toBe(null);
    }
    expect(all.filter((d) => d.stage === 'won').length).toBeGreaterThan(50);
  });
});
