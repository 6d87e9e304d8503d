import { describe, expect, it } from 'vitest';
import { type Policy, presets } from '../policy/policy.ts';
import { simulate } from './simulate.ts';
import { touchColumns } from './order.ts';
import type { SimDeal, SimLedgerEvent, SimSnapshot, SimTouch } from './types.ts';

const DAY = 86_400_000;
const D0 = Date.parse('2026-03-02T00:00:00Z');
const at = (day: number, hour = 10) => D0 + day * DAY + hour * 3_600_000;
const LONG_AGO = Date.parse('2024-01-01T00:00:00Z');

/** Balanced with the newcomer rules off (the managers are not newcomers anyway) and a custom expiry. */
function policy(over: { noTouchDays?: number; cap?: number; preset?: Policy } = {}): Policy {
  const p = structuredClone(over.preset ?? presets.balanced) as Policy;
  p.newcomer.enabled = false;
  if (over.noTouchDays !== undefined) p.expiry.noTouchDays = over.noTouchDays;
  if (over.cap !== undefined) p.caps.defaultCap = over.cap;
  return p;
}

let seq = 1;
const claim = (day: number, clientId: number, managerId: number, hour = 9): SimLedgerEvent => ({
  id: seq++,
  at: at(day, hour),
  clientId,
  lineId: 1,
  type: 'ClientClaimed',
  reasonCode: 'CLAIMED_FROM_POOL',
  fromManagerId: null,
  toManagerId: managerId,
  protectedUntil: null,
  extendedUntil: null,
});
const touchOf = (day: number, clientId: number, authorId: number, outcome = 'reached'): SimTouch => ({
  id: seq++,
  at: at(day, 12),
  clientId,
  lineId: null,
  authorId,
  outcome,
});
const won = (day: number, clientId: number, managerId: number, amountKopecks = 10_000_000): SimDeal => ({
  id: seq++,
  at: at(day, 15),
  clientId,
  lineId: 1,
  managerId,
  amountKopecks,
});

type History = Omit<SimSnapshot, 'touches'> & { touches: SimTouch[] };

/** A hand-built history; touches as records, in columns for the core (in the order given). */
function snapshot(parts: Partial<History>): History {
  return {
    managers: [
      { id: 1, name: 'Анна', role: 'manager', hiredAt: LONG_AGO, capOverride: null },
      { id: 2, name: 'Борис', role: 'manager', hiredAt: LONG_AGO, capOverride: null },
      { id: 9, name: 'Admin', role: 'admin', hiredAt: LONG_AGO, capOverride: null },
    ],
    lines: [{ id: 1, name: 'Радио' }],
    clients: [1, 2, 3, 4].map((id) => ({ id, name: `Клиент ${id}` })),
    events: [],
    touches: [],
    deals: [],
    plans: [],
    disputes: [],
    ...parts,
  };
}

function run(h: History, current: Policy, candidate: Policy, days: number) {
  const s: SimSnapshot = { ...h, touches: touchColumns(h.touches) };
  return simulate({
    snapshot: s,
    current: { version: 3, policy: current },
    candidate,
    from: D0,
    to: at(days),
  });
}

describe('simulate: expiry (R-EXP-1 under two policies)', () => {
  // Claimed 10 days before the period, an order on day 1 (R-EXP-2 met), the last qualifying touch on day 0.
  const history = snapshot({
    events: [claim(-10, 1, 1)],
    touches: [touchOf(0, 1, 1)],
    deals: [won(1, 1, 1)],
  });
  it.each([
    { noTouchDays: 45, expiresOn: '2026-04-16', expiries: 1 },
    { noTouchDays: 60, expiresOn: null, expiries: 0 },
    { noTouchDays: 30, expiresOn: '2026-04-01', expiries: 1 },
  ])(
    'a last touch 50 days back under $noTouchDays days → $expiresOn',
    ({ noTouchDays, expiresOn, expiries }) => {
      const r = run(history, policy(), policy({ noTouchDays }), 50);
      expect(r.candidateRun.totals.expiries).toBe(expiries);
      expect(r.candidateRun.expiries[0]?.at.slice(0, 10) ?? null).toBe(expiresOn);
      if (expiresOn) {
        expect(r.candidateRun.expiries[0]).toMatchObject({ clientId: 1, managerId: 1, rule: 'R-EXP-1' });
        expect(r.expiredClients).toEqual([
          {
            clientId: 1,
            clientName: 'Клиент 1',
            lineId: 1,
            current: null,
            candidate: { at: expect.any(String), managerId: 1 },
          },
        ]);
      }
      // The current policy (60 days) keeps it for the whole period.
      expect(r.current.totals.expiries).toBe(0);
      expect(r.changes).toEqual(
        noTouchDays === 60 ? [] : [{ path: 'expiry.noTouchDays', current: 60, candidate: noTouchDays }],
      );
    },
  );

  it('a later owner touch keeps the client only when it comes before the expiry; after it, it is a non-owner touch of the pool', () => {
    const s = snapshot({
      events: [claim(-10, 1, 1), claim(-10, 2, 2)],
      touches: [touchOf(0, 1, 1), touchOf(0, 2, 2), touchOf(50, 1, 1), touchOf(50, 2, 2)],
      deals: [won(1, 1, 1), won(1, 2, 2)],
    });
    const r = run(s, policy(), policy({ noTouchDays: 45 }), 80);
    // Under 60 days both touches on day 50 come in time; under 45 both clients are in the pool by then.
    expect(r.current.totals.expiries).toBe(0);
    expect(r.candidateRun.totals.expiries).toBe(2);
    expect(r.candidateRun.totals.baseEnd).toBe(0);
    expect(r.current.totals.baseEnd).toBe(2);
    const anna = r.gains.find((g) => g.managerId === 1)!;
    expect(anna.baseEnd).toEqual({ current: 1, candidate: 0, delta: -1 });
    expect(anna.expiries).toEqual({ current: 0, candidate: 1, delta: 1 });
  });

  it('a recorded expiry is not replayed: the policy decides', () => {
    const s = snapshot({
      events: [
        claim(-10, 1, 1),
        {
          ...claim(30, 1, 1),
          type: 'ClientExpired',
          reasonCode: 'EXPIRED_NO_TOUCH',
          fromManagerId: 1,
          toManagerId: null,
        },
      ],
      touches: [touchOf(0, 1, 1)],
      deals: [won(1, 1, 1)],
    });
    const r = run(s, policy(), policy({ noTouchDays: 90 }), 50);
    expect(r.candidateRun.totals.baseEnd).toBe(1);
    expect(r.candidateRun.totals.expiries).toBe(0);
  });
});

describe('simulate: caps (R-CAP-1)', () => {
  const history = snapshot({
    events: [claim(1, 1, 1), claim(2, 2, 1), claim(3, 3, 1), claim(4, 4, 2)],
    touches: [1, 2, 3].map((c) => touchOf(5, c, 1)),
  });
  it.each([
    { cap: 200, refused: 0, base: 3 },
    { cap: 3, refused: 0, base: 3 },
    { cap: 2, refused: 1, base: 2 },
    { cap: 1, refused: 2, base: 1 },
  ])('cap $cap: $refused claims refused, a base of $base', ({ cap, refused, base }) => {
    const r = run(history, policy(), policy({ cap }), 40);
    expect(r.candidateRun.totals.refusedClaims).toBe(refused);
    const anna = r.candidateRun.managers.find((m) => m.managerId === 1)!;
    expect(anna.baseEnd).toBe(base);
    expect(anna.refusedClaims).toBe(refused);
    if (refused)
      expect(r.candidateRun.refusals[0]).toMatchObject({
        clientId: 4 - refused,
        managerId: 1,
        code: 'CAP_REACHED',
      });
    // Caps per manager per month: the first of March and the first of the next month.
    expect(r.candidateRun.caps.filter((c) => c.managerId === 1).map((c) => c.cap)).toEqual([cap, cap]);
    expect(r.current.totals.refusedClaims).toBe(0);
  });

  it('a refused claim leaves the client in the pool, and a later release of it is skipped', () => {
    const s = snapshot({
      events: [
        claim(1, 1, 1),
        claim(2, 2, 1),
        {
          ...claim(3, 2, 1),
          type: 'ClientReleased',
          reasonCode: 'RELEASED_BY_OWNER',
          fromManagerId: 1,
          toManagerId: null,
        },
        claim(4, 2, 2),
      ],
    });
    const r = run(s, policy(), policy({ cap: 1 }), 10);
    expect(r.candidateRun.totals.refusedClaims).toBe(1);
    expect(r.candidateRun.managers.find((m) => m.managerId === 2)!.baseEnd).toBe(1);
  });

  it('the re-claim cooldown (R-CLAIM-4) refuses a claim back within the cooldown', () => {
    const s = snapshot({
      events: [
        claim(1, 1, 1),
        {
          ...claim(3, 1, 1),
          type: 'ClientReleased',
          reasonCode: 'RELEASED_BY_OWNER',
          fromManagerId: 1,
          toManagerId: null,
        },
        claim(20, 1, 1),
      ],
    });
    const longCooldown = policy();
    longCooldown.reclaimCooldownDays = 30;
    const r = run(s, policy(), longCooldown, 25);
    expect(r.current.totals.refusedClaims).toBe(0);
    expect(r.candidateRun.refusals.map((x) => x.code)).toEqual(['RECLAIM_COOLDOWN']);
  });
});

describe('simulate: disputes (R-DISP-3) and credit', () => {
  // Анна holds client 1 since long ago and has not touched it; Борис wins an order on it on day 10.
  const history = snapshot({
    events: [claim(-200, 1, 1)],
    touches: [touchOf(-150, 1, 1)],
    deals: [won(-190, 1, 1, 1), won(10, 1, 2, 10_000_000)],
  });
  const noExpiry = (p: Policy) => {
    p.expiry.enabled = false;
    return p;
  };
  it.each([
    { preset: 'team' as const, resolution: 'keep', owner: 1, anna: 4_000_000, boris: 6_000_000 },
    { preset: 'balanced' as const, resolution: 'transfer', owner: 2, anna: 0, boris: 10_000_000 },
    { preset: 'competition' as const, resolution: 'transfer', owner: 2, anna: 0, boris: 10_000_000 },
  ])('$preset: the dispute resolves as $resolution', ({ preset, resolution, owner, anna, boris }) => {
    const cand = noExpiry(policy({ preset: presets[preset] }));
    const r = run(history, noExpiry(policy({ preset: presets.team })), cand, 20);
    expect(r.candidateRun.disputes).toHaveLength(1);
    expect(r.candidateRun.disputes[0]).toMatchObject({
      clientId: 1,
      ownerId: 1,
      claimantId: 2,
      trigger: 'won_deal',
      resolution,
    });
    const m = new Map(r.candidateRun.managers.map((x) => [x.managerId, x]));
    expect(m.get(1)!.creditedKopecks).toBe(anna);
    expect(m.get(2)!.creditedKopecks).toBe(boris);
    expect(m.get(owner)!.baseEnd).toBe(1);
    const gain = r.gains.find((g) => g.managerId === 2)!;
    expect(gain.creditedKopecks.delta).toBe(boris - 6_000_000);
  });

  it('an owner who put the client in a weekly plan keeps it under balanced (the owner was working it)', () => {
    const planned = {
      ...history,
      plans: [
        { managerId: 1, isoWeek: '2026-W03', clientId: 1 },
        { managerId: 1, isoWeek: '2026-W10', clientId: 1 },
      ],
    };
    const r = run(planned, noExpiry(policy()), noExpiry(policy()), 20);
    expect(r.candidateRun.disputes[0]!.resolution).toBe('keep');
  });

  it('head_decides: the dispute waits for a head and the closer keeps the credit meanwhile', () => {
    const p = noExpiry(policy());
    p.disputes.autoResolution = 'head_decides';
    const r = run(history, noExpiry(policy()), p, 20);
    expect(r.candidateRun.totals.disputesForHead).toBe(1);
    expect(r.candidateRun.disputes[0]!.resolution).toBeNull();
    expect(r.candidateRun.managers.find((m) => m.managerId === 2)!.creditedKopecks).toBe(10_000_000);
  });

  it('commission follows the policy (flat 5 % under team)', () => {
    const p = noExpiry(policy({ preset: presets.team }));
    const r = run(history, p, p, 20);
    expect(r.candidateRun.managers.find((m) => m.managerId === 2)!.commissionKopecks).toBe(300_000);
  });
});

describe('simulate: coverage, determinism, progress', () => {
  const s = snapshot({
    events: [claim(-5, 1, 1), claim(-5, 2, 1), claim(-5, 3, 2)],
    touches: [touchOf(20, 1, 1), touchOf(25, 3, 2)],
    deals: [won(1, 1, 1), won(1, 2, 1), won(1, 3, 2)],
  });
  it('coverage: share of the base the owner touched in the last 30 days, at each month end', () => {
    const r = run(s, policy(), policy(), 40);
    const march = r.current.coverage.filter((c) => c.month === '2026-03');
    expect(march.find((c) => c.managerId === 1)).toMatchObject({ base: 2, touched30: 1, shareBps: 5000 });
    expect(march.find((c) => c.managerId === 2)).toMatchObject({ base: 1, touched30: 1, shareBps: 10_000 });
  });

  it('the same input in any order gives the same report', () => {
    const a = run(s, policy(), policy({ noTouchDays: 20 }), 60);
    const shuffled = {
      ...s,
      events: [...s.events].reverse(),
      touches: [...s.touches].reverse(),
      deals: [...s.deals].reverse(),
    };
    const b = run(shuffled, policy(), policy({ noTouchDays: 20 }), 60);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.candidateRun.totals.expiries).toBeGreaterThan(0);
  });

  it('reports progress over both runs, day by day', () => {
    const seen: number[] = [];
    simulate(
      {
        snapshot: { ...s, touches: touchColumns(s.touches) },
        current: { version: 1, policy: policy() },
        candidate: policy(),
        from: D0,
        to: at(9),
      },
      (p) => seen.push(p.done),
    );
    expect(seen).toHaveLength(20);
    expect(seen.at(-1)).toBe(20);
  });
});
