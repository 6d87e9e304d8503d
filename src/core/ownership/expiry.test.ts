import { describe, expect, it } from 'vitest';
import { type Policy, presets } from '../policy/policy.ts';
import { addDays } from './decide.ts';
import {
  daysLeft,
  decideExpiry,
  decideSurplusRelease,
  type ExpiryFacts,
  expiryOf,
  type SurplusCandidate,
  warningDue,
} from './expiry.ts';

const T0 = new Date('2026-03-01T09:00:00Z');
const bal = presets.balanced; // 60 days without a touch, 90 without an order, warnings 14/7/1
const ref = { version: 7, policy: bal };
const system = { kind: 'system', job: 'sweep' } as const;

function facts(over: Partial<ExpiryFacts> & { protectedUntil?: Date | null } = {}): ExpiryFacts {
  const { protectedUntil = null, ...rest } = over;
  return {
    slot: { clientId: 10, lineId: 1, ownerId: 5, protectedUntil },
    since: T0,
    lastQualifyingTouchAt: null,
    firstWonDealAt: null,
    extendedUntil: null,
    ...rest,
  };
}

describe('expiryOf (R-EXP-1…R-EXP-4)', () => {
  it.each([
    {
      name: 'no touch, no order: the order deadline (90) is later than the touch deadline (60)',
      f: facts(),
      at: addDays(T0, 60),
      rule: 'R-EXP-1',
    },
    {
      name: 'a touch on day 50 moves the touch deadline to day 110; the order deadline (90) comes first',
      f: facts({ lastQualifyingTouchAt: addDays(T0, 50) }),
      at: addDays(T0, 90),
      rule: 'R-EXP-2',
    },
    {
      name: 'with a won order the order rule is satisfied: touch deadline only',
      f: facts({ lastQualifyingTouchAt: addDays(T0, 50), firstWonDealAt: addDays(T0, 20) }),
      at: addDays(T0, 110),
      rule: 'R-EXP-1',
    },
    {
      name: 'a touch from before the current ownership does not count',
      f: facts({ lastQualifyingTouchAt: addDays(T0, -30) }),
      at: addDays(T0, 60),
      rule: 'R-EXP-1',
    },
  ])('$name', ({ f, at, rule }) => {
    const v = expiryOf(bal, f);
    expect(v.expiresAt?.toISOString()).toBe(at.toISOString());
    expect(v.rule).toBe(rule);
    expect(v.heldBy).toBeNull();
  });

  it('protection postpones expiry to its end (R-EXP-3, e.g. a newcomer period)', () => {
    const until = addDays(T0, 75);
    const v = expiryOf(bal, facts({ protectedUntil: until }));
    expect(v.expiresAt?.toISOString()).toBe(until.toISOString());
    expect(v.heldBy).toBe('protection');
  });

  it('a head extension postpones it further (R-EXP-4); an earlier extension changes nothing', () => {
    expect(expiryOf(bal, facts({ extendedUntil: addDays(T0, 80) })).expiresAt).toEqual(addDays(T0, 80));
    expect(expiryOf(bal, facts({ extendedUntil: addDays(T0, 80) })).heldBy).toBe('extension');
    expect(expiryOf(bal, facts({ extendedUntil: addDays(T0, 10) })).expiresAt).toEqual(addDays(T0, 60));
  });

  it('expiry off: never', () => {
    const off: Policy = { ...bal, expiry: { ...bal.expiry, enabled: false } };
    expect(expiryOf(off, facts()).expiresAt).toBeNull();
    expect(
      decideExpiry({ policy: { version: 1, policy: off }, now: addDays(T0, 999), actor: system }, facts()),
    ).toBeNull();
  });

  it.each([
    ['team', 90],
    ['balanced', 60],
    ['competition', 30],
  ] as const)('the %s preset expires an untouched, order-free client after %i days', (name, days) => {
    const p = presets[name];
    const orderDays = p.expiry.noOrderDays;
    expect(expiryOf(p, facts()).expiresAt).toEqual(addDays(T0, Math.min(days, orderDays)));
  });
});

describe('decideExpiry: the boundary is exact', () => {
  it('one millisecond before the deadline nothing happens; at it the client goes to the pool', () => {
    const due = addDays(T0, 60);
    expect(
      decideExpiry({ policy: ref, now: new Date(due.getTime() - 1), actor: system }, facts()),
    ).toBeNull();
    const e = decideExpiry({ policy: ref, now: due, actor: system }, facts());
    expect(e).toMatchObject({
      type: 'ClientExpired',
      clientId: 10,
      lineId: 1,
      fromManagerId: 5,
      toManagerId: null,
      reasonCode: 'EXPIRED_NO_TOUCH',
      rule: 'R-EXP-1',
      policyVersion: 7,
      actor: 'system:sweep',
      details: { noTouchDays: 60, lastQualifyingTouchAt: null },
    });
  });

  it('the order rule gives EXPIRED_NO_ORDER', () => {
    const f = facts({ lastQualifyingTouchAt: addDays(T0, 80) });
    expect(decideExpiry({ policy: ref, now: addDays(T0, 90), actor: system }, f)?.reasonCode).toBe(
      'EXPIRED_NO_ORDER',
    );
  });

  it('a protected client is not taken before its protection ends', () => {
    const f = facts({ protectedUntil: addDays(T0, 70) });
    expect(decideExpiry({ policy: ref, now: addDays(T0, 65), actor: system }, f)).toBeNull();
    expect(decideExpiry({ policy: ref, now: addDays(T0, 70), actor: system }, f)?.rule).toBe('R-EXP-1');
  });
});

describe('warningDue (R-EXP-5)', () => {
  const due = addDays(T0, 60);
  it.each([
    { before: 15, step: null },
    { before: 14, step: 14 },
    { before: 8, step: 14 },
    { before: 7, step: 7 },
    { before: 2, step: 7 },
    { before: 1, step: 1 },
    { before: 0, step: null }, // due: the sweep expires it instead
  ])('$before days before expiry → the $step-day warning', ({ before, step }) => {
    const w = warningDue(bal, facts(), addDays(due, -before));
    expect(w?.daysBefore ?? null).toBe(step);
  });

  it('the key names the client, line, expiry date and step, so a repeated sweep sends nothing twice', () => {
    const a = warningDue(bal, facts(), addDays(due, -3));
    const b = warningDue(bal, facts(), addDays(due, -2));
    expect(a?.dedupeKey).toBe('expiry:10:1:2026-04-30:7');
    expect(b?.dedupeKey).toBe(a?.dedupeKey);
  });

  it('a new touch moves the date, and the warnings start over under a new key', () => {
    const touched = facts({ lastQualifyingTouchAt: addDays(T0, 20), firstWonDealAt: addDays(T0, 5) });
    const w = warningDue(bal, touched, addDays(T0, 70));
    expect(w).toMatchObject({ daysBefore: 14, dedupeKey: 'expiry:10:1:2026-05-20:14' });
  });

  it('daysLeft rounds up', () => {
    expect(daysLeft(due, addDays(due, -1.5))).toBe(2);
    expect(daysLeft(due, due)).toBe(0);
  });
});

describe('decideSurplusRelease (R-TIER-3)', () => {
  const now = addDays(T0, 30);
  const cand = (clientId: number, lastTouch: number | null, prot = false, since = 0): SurplusCandidate => ({
    slot: { clientId, lineId: 1, ownerId: 5, protectedUntil: prot ? addDays(now, 5) : null },
    lastTouchAt: lastTouch === null ? null : addDays(T0, lastTouch),
    since: addDays(T0, since),
  });
  const candidates = [
    cand(1, 20),
    cand(2, null, false, 3),
    cand(3, 5),
    cand(4, null, true),
    cand(5, null, false, 1),
  ];

  it('before the deadline nothing is released', () => {
    const out = decideSurplusRelease(
      { policy: ref, now, actor: system },
      { cap: 3, baseCount: 5, candidates, deadline: addDays(now, 1) },
    );
    expect(out).toEqual([]);
  });

  it('after it: never-touched first (earlier claim first), then the oldest touch; protected ones are kept', () => {
    const out = decideSurplusRelease(
      { policy: ref, now, actor: system },
      { cap: 2, baseCount: 5, candidates, deadline: now },
    );
    expect(out.map((e) => e.clientId)).toEqual([5, 2, 3]);
    expect(out[0]).toMatchObject({ reasonCode: 'CAP_SURPLUS_RELEASED', rule: 'R-TIER-3', toManagerId: null });
  });

  it('at or under the cap nothing is released', () => {
    const out = decideSurplusRelease(
      { policy: ref, now, actor: system },
      { cap: 5, baseCount: 5, candidates, deadline: now },
    );
    expect(out).toEqual([]);
  });
});
