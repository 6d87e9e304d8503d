import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Policy, presets } from '../policy/policy.ts';
import {
  addDays,
  type ClaimInput,
  type MergeInput,
  decideClaim,
  decideMerge,
  decideRelease,
  decideSwap,
  decideTransfer,
  effectiveCap,
  evolveOwnership,
  foldLedger,
  isNewcomer,
  type OwnershipState,
  protectionUntil,
  type ReleaseInput,
  type SwapInput,
  slotKey,
  type TransferInput,
} from './decide.ts';
import { decideExtend } from './expiry.ts';
import {
  type Actor,
  actorLabel,
  type Decision,
  type ManagerSnapshot,
  type OwnershipEvent,
  type OwnershipSlot,
  type PolicyRef,
  type Rejection,
  type RuleRejectionCode,
  rejectionCodes,
} from './types.ts';

// ---------------------------------------------------------------------------------------------
// Fixtures: a fixed clock, the balanced preset (cap 200, newcomer 90 days / 300, protection 14,
// re-claim cooldown 14) at policy version 3, manager 7 (a veteran), manager 8, head 1, admin 2.
// ---------------------------------------------------------------------------------------------

const NOW = new Date('2026-06-01T09:00:00Z');
const DAY = 86_400_000;
const VERSION = 3;
const BALANCED = presets.balanced;

const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);
const msFromNow = (ms: number) => new Date(NOW.getTime() + ms);

function ref(policy: Policy = BALANCED, version = VERSION): PolicyRef {
  return { version, policy };
}

function withPolicy(patch: Partial<Policy>): PolicyRef {
  return ref({ ...BALANCED, ...patch });
}

function manager(id: number, over: Partial<ManagerSnapshot> = {}): ManagerSnapshot {
  return { id, role: 'manager', status: 'active', hiredAt: daysAgo(400), capOverride: null, ...over };
}

const user = (id: number, role: 'manager' | 'head' | 'admin' = 'manager'): Actor => ({
  kind: 'user',
  id,
  role,
});
const SYSTEM: Actor = { kind: 'system', job: 'expiry' };
const HEAD_ACTOR = user(1, 'head');
const A = manager(7);
const B = manager(8);

function poolSlot(clientId = 100, lineId = 1): OwnershipSlot {
  return { clientId, lineId, ownerId: null, protectedUntil: null };
}

function ownedSlot(
  ownerId: number,
  clientId = 100,
  lineId = 1,
  protectedUntil: Date | null = null,
): OwnershipSlot {
  return { clientId, lineId, ownerId, protectedUntil };
}

function claimInput(given: Partial<ClaimInput> = {}): ClaimInput {
  return {
    policy: ref(),
    now: NOW,
    actor: user(7),
    manager: A,
    slots: [poolSlot()],
    baseCount: 0,
    lastReleasedAt: null,
    ...given,
  };
}

function releaseInput(given: Partial<ReleaseInput> = {}): ReleaseInput {
  return { policy: ref(), now: NOW, actor: user(7), slots: [ownedSlot(7)], ...given };
}

function swapInput(given: Partial<SwapInput> = {}): SwapInput {
  return {
    policy: ref(),
    now: NOW,
    actor: user(7),
    manager: A,
    slots: [poolSlot(100)],
    releaseSlots: [ownedSlot(7, 200)],
    baseCount: 200,
    lastReleasedAt: null,
    ...given,
  };
}

function transferInput(given: Partial<TransferInput> = {}): TransferInput {
  return {
    policy: ref(),
    now: NOW,
    actor: HEAD_ACTOR,
    target: B,
    slots: [ownedSlot(7)],
    targetBaseCount: 10,
    reason: 'A moves to the Moscow office',
    ...given,
  };
}

function accepted(d: Decision): OwnershipEvent[] {
  if (d.kind !== 'accepted') throw new Error(`expected accepted, got ${d.code} ${JSON.stringify(d.details)}`);
  return d.events;
}

function rejected(d: Decision): Rejection {
  if (d.kind !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(d.events)}`);
  return d;
}

type RejectCase<I> = {
  name: string;
  given: Partial<I>;
  code: RuleRejectionCode;
  details?: Record<string, unknown>;
};

/** Rejection codes seen by the tables below, to prove every rule code is exercised. */
const codesSeen = new Set<RuleRejectionCode>();

function expectRejection(d: Decision, code: RuleRejectionCode, details?: Record<string, unknown>): Rejection {
  const r = rejected(d);
  expect(r.code).toBe(code);
  if (details) expect(r.details).toMatchObject(details);
  codesSeen.add(r.code);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Cap, newcomer and protection helpers
// ---------------------------------------------------------------------------------------------

describe('effectiveCap / isNewcomer / protectionUntil', () => {
  it.each([
    {
      name: 'veteran gets the policy default cap (R-CAP-1)',
      policy: BALANCED,
      given: { hiredAt: daysAgo(400), capOverride: null },
      expected: { cap: 200, source: 'policy' },
    },
    {
      name: 'team preset default cap is 250 (R-CAP-1)',
      policy: presets.team,
      given: { hiredAt: daysAgo(400), capOverride: null },
      expected: { cap: 250, source: 'policy' },
    },
    {
      name: 'competition preset default cap is 150 (R-CAP-1)',
      policy: presets.competition,
      given: { hiredAt: daysAgo(400), capOverride: null },
      expected: { cap: 150, source: 'policy' },
    },
    {
      name: 'capOverride replaces the default for a veteran, lower (R-CAP-1)',
      policy: BALANCED,
      given: { hiredAt: daysAgo(400), capOverride: 120 },
      expected: { cap: 120, source: 'override' },
    },
    {
      name: 'capOverride replaces the default for a veteran, higher (R-CAP-1)',
      policy: BALANCED,
      given: { hiredAt: daysAgo(400), capOverride: 260 },
      expected: { cap: 260, source: 'override' },
    },
    {
      name: 'newcomer on day 89 gets the newcomer cap 300 (R-NEW-1)',
      policy: BALANCED,
      given: { hiredAt: daysAgo(89), capOverride: null },
      expected: { cap: 300, source: 'newcomer' },
    },
    {
      name: 'one ms before day 90 is still a newcomer (R-NEW-1)',
      policy: BALANCED,
      given: { hiredAt: new Date(daysAgo(90).getTime() + 1), capOverride: null },
      expected: { cap: 300, source: 'newcomer' },
    },
    {
      name: 'on day 90 the newcomer period is over: cap 200 (R-NEW-1)',
      policy: BALANCED,
      given: { hiredAt: daysAgo(90), capOverride: null },
      expected: { cap: 200, source: 'policy' },
    },
    {
      name: 'a lower capOverride never lowers a newcomer cap (R-NEW-1)',
      policy: BALANCED,
      given: { hiredAt: daysAgo(10), capOverride: 100 },
      expected: { cap: 300, source: 'newcomer' },
    },
    {
      name: 'a higher capOverride raises a newcomer cap (R-NEW-1)',
      policy: BALANCED,
      given: { hiredAt: daysAgo(10), capOverride: 350 },
      expected: { cap: 350, source: 'newcomer' },
    },
    {
      name: 'newcomer.enabled=false: a fresh hire gets the default cap (R-NEW-1)',
      policy: { ...BALANCED, newcomer: { ...BALANCED.newcomer, enabled: false } },
      given: { hiredAt: daysAgo(1), capOverride: null },
      expected: { cap: 200, source: 'policy' },
    },
  ])('$name', ({ policy, given, expected }) => {
    expect(effectiveCap(policy, given, NOW)).toEqual(expected);
    expect(isNewcomer(policy, given, NOW)).toBe(expected.source === 'newcomer');
  });

  it.each([
    {
      name: 'veteran: claim protection = now + claimProtectionDays (14) (R-PROT-1)',
      policy: BALANCED,
      hiredAt: daysAgo(400),
      expected: addDays(NOW, 14),
    },
    {
      name: 'team preset protects 30 days (R-PROT-1)',
      policy: presets.team,
      hiredAt: daysAgo(400),
      expected: addDays(NOW, 30),
    },
    {
      name: 'competition preset protects 7 days (R-PROT-1)',
      policy: presets.competition,
      hiredAt: daysAgo(400),
      expected: addDays(NOW, 7),
    },
    {
      name: 'claimProtectionDays = 0: no protection (R-PROT-1)',
      policy: { ...BALANCED, claimProtectionDays: 0 },
      hiredAt: daysAgo(400),
      expected: null,
    },
    {
      name: 'newcomer: protected to the end of the newcomer period (R-NEW-2)',
      policy: BALANCED,
      hiredAt: daysAgo(10),
      expected: addDays(daysAgo(10), 90),
    },
    {
      name: 'newcomer whose period ends before the claim protection keeps the longer claim protection (R-NEW-2)',
      policy: BALANCED,
      hiredAt: daysAgo(85),
      expected: addDays(NOW, 14),
    },
    {
      name: 'newcomer with claimProtectionDays = 0 is still protected to the period end (R-NEW-2)',
      policy: { ...BALANCED, claimProtectionDays: 0 },
      hiredAt: daysAgo(10),
      expected: addDays(daysAgo(10), 90),
    },
    {
      name: 'newcomer.protectClients=false: only the claim protection (R-NEW-2)',
      policy: { ...BALANCED, newcomer: { ...BALANCED.newcomer, protectClients: false } },
      hiredAt: daysAgo(10),
      expected: addDays(NOW, 14),
    },
  ])('$name', ({ policy, hiredAt, expected }) => {
    expect(protectionUntil(policy, { hiredAt }, NOW)).toEqual(expected);
  });

  it('labels actors as user:<id> or system:<job>', () => {
    expect(actorLabel(user(7))).toBe('user:7');
    expect(actorLabel(SYSTEM)).toBe('system:expiry');
  });
});

// ---------------------------------------------------------------------------------------------
// Claim
// ---------------------------------------------------------------------------------------------

describe('decideClaim', () => {
  it('Given a veteran under the cap and a pool client, When they claim it, Then one ClientClaimed event (R-CLAIM-1)', () => {
    const events = accepted(decideClaim(claimInput({ baseCount: 12 })));
    expect(events).toEqual([
      {
        type: 'ClientClaimed',
        clientId: 100,
        lineId: 1,
        fromManagerId: null,
        toManagerId: 7,
        actor: 'user:7',
        reasonCode: 'CLAIMED_FROM_POOL',
        rule: 'R-CLAIM-1',
        policyVersion: VERSION,
        occurredAt: NOW,
        protectedUntil: addDays(NOW, 14),
        details: { cap: 200, countBefore: 12, capSource: 'policy' },
      },
    ]);
    expect(events[0]!.occurredAt).toBe(NOW);
  });

  it('a client created by its owner is claimed with reason CREATED_BY_OWNER (R-CLAIM-1)', () => {
    const [e] = accepted(decideClaim(claimInput({ reasonCode: 'CREATED_BY_OWNER' })));
    expect(e).toMatchObject({ type: 'ClientClaimed', reasonCode: 'CREATED_BY_OWNER', rule: 'R-CLAIM-1' });
  });

  it('records the policy version it used (R-CLAIM-1, R-POL-1)', () => {
    const [e] = accepted(decideClaim(claimInput({ policy: ref(BALANCED, 42) })));
    expect(e!.policyVersion).toBe(42);
  });

  it('a head may own clients and claims for themself (R-CLAIM-1, R-OWN-1)', () => {
    const head = manager(1, { role: 'head' });
    const [e] = accepted(decideClaim(claimInput({ actor: HEAD_ACTOR, manager: head })));
    expect(e).toMatchObject({ toManagerId: 1, actor: 'user:1' });
  });

  it.each<{ name: string; given: Partial<ClaimInput>; cap: number; source: string }>([
    { name: 'accepts at cap-1 (R-CAP-1)', given: { baseCount: 199 }, cap: 200, source: 'policy' },
    {
      name: 'accepts at cap-1 with capOverride 50 (R-CAP-1)',
      given: { baseCount: 49, manager: manager(7, { capOverride: 50 }) },
      cap: 50,
      source: 'override',
    },
    {
      name: 'newcomer on day 89 is accepted at 299 of 300 (R-NEW-1)',
      given: { baseCount: 299, manager: manager(7, { hiredAt: daysAgo(89) }) },
      cap: 300,
      source: 'newcomer',
    },
    {
      name: 'team preset accepts at 249 of 250 (R-CAP-1)',
      given: { baseCount: 249, policy: ref(presets.team) },
      cap: 250,
      source: 'policy',
    },
    {
      name: 'competition preset accepts at 149 of 150 (R-CAP-1)',
      given: { baseCount: 149, policy: ref(presets.competition) },
      cap: 150,
      source: 'policy',
    },
  ])('$name', ({ given, cap, source }) => {
    const [e] = accepted(decideClaim(claimInput(given)));
    expect(e!.details).toEqual({ cap, countBefore: given.baseCount, capSource: source });
  });

  it.each<RejectCase<ClaimInput>>([
    {
      name: 'rejects at cap (R-CAP-1)',
      given: { baseCount: 200 },
      code: 'CAP_REACHED',
      details: { cap: 200, count: 200, capSource: 'policy' },
    },
    {
      name: 'rejects above cap after the cap shrank (R-CAP-1)',
      given: { baseCount: 230 },
      code: 'CAP_REACHED',
      details: { cap: 200, count: 230 },
    },
    {
      name: 'rejects at a capOverride of 50 (R-CAP-1)',
      given: { baseCount: 50, manager: manager(7, { capOverride: 50 }) },
      code: 'CAP_REACHED',
      details: { cap: 50, count: 50, capSource: 'override' },
    },
    {
      name: 'newcomer on day 89 is rejected at 300 of 300 (R-NEW-1)',
      given: { baseCount: 300, manager: manager(7, { hiredAt: daysAgo(89) }) },
      code: 'CAP_REACHED',
      details: { cap: 300, count: 300, capSource: 'newcomer' },
    },
    {
      name: 'on day 90 the former newcomer is rejected at 200 (R-NEW-1)',
      given: { baseCount: 200, manager: manager(7, { hiredAt: daysAgo(90) }) },
      code: 'CAP_REACHED',
      details: { cap: 200, count: 200, capSource: 'policy' },
    },
    {
      name: 'competition preset rejects at 150 (R-CAP-1)',
      given: { baseCount: 150, policy: ref(presets.competition) },
      code: 'CAP_REACHED',
      details: { cap: 150, count: 150 },
    },
    {
      name: 'a client in another base is locked (R-CLAIM-2)',
      given: { slots: [ownedSlot(8)] },
      code: 'CLIENT_OWNED_BY_OTHER',
      details: { clientId: 100, lineId: 1, ownerId: 8 },
    },
    {
      name: 'single-owner mode: another owner on any line locks the whole client (R-CLAIM-2, R-LINE-1)',
      given: { slots: [poolSlot(100, 1), ownedSlot(8, 100, 2)] },
      code: 'CLIENT_OWNED_BY_OTHER',
      details: { lineId: 2, ownerId: 8 },
    },
    {
      name: 'the lock holds even when the owner is at cap and the client unprotected (R-CLAIM-2)',
      given: { slots: [ownedSlot(8, 100, 1, daysAgo(100))], baseCount: 0 },
      code: 'CLIENT_OWNED_BY_OTHER',
    },
    {
      name: 'claiming a client already in my base (R-CLAIM-2)',
      given: { slots: [ownedSlot(7)] },
      code: 'ALREADY_OWNER',
      details: { clientId: 100 },
    },
    {
      name: 'single-owner mode: all lines already mine (R-CLAIM-2, R-LINE-1)',
      given: { slots: [ownedSlot(7, 100, 1), ownedSlot(7, 100, 2)] },
      code: 'ALREADY_OWNER',
    },
    {
      name: 'a head cannot claim for a manager (R-CLAIM-3)',
      given: { actor: HEAD_ACTOR },
      code: 'ROLE_NOT_ALLOWED',
      details: { action: 'claim' },
    },
    {
      name: 'a manager cannot claim for another manager (R-CLAIM-3)',
      given: { actor: user(8) },
      code: 'ROLE_NOT_ALLOWED',
    },
    {
      name: 'a system job cannot claim (R-CLAIM-3)',
      given: { actor: SYSTEM },
      code: 'ROLE_NOT_ALLOWED',
    },
    {
      name: 'cooldown: released 14 days minus 1 ms ago, one ms before expiry (R-CLAIM-4)',
      given: { lastReleasedAt: new Date(daysAgo(14).getTime() + 1) },
      code: 'RECLAIM_COOLDOWN',
      details: { until: msFromNow(1).toISOString(), days: 14 },
    },
    {
      name: 'cooldown: released an hour ago (R-CLAIM-4)',
      given: { lastReleasedAt: new Date(NOW.getTime() - 3_600_000) },
      code: 'RECLAIM_COOLDOWN',
      details: { until: addDays(new Date(NOW.getTime() - 3_600_000), 14).toISOString() },
    },
    {
      name: 'cooldown: competition preset waits 30 days (R-CLAIM-4)',
      given: { policy: ref(presets.competition), lastReleasedAt: daysAgo(29) },
      code: 'RECLAIM_COOLDOWN',
      details: { until: addDays(NOW, 1).toISOString(), days: 30 },
    },
    {
      name: 'cooldown is checked before the cap (R-CLAIM-4)',
      given: { lastReleasedAt: daysAgo(1), baseCount: 500 },
      code: 'RECLAIM_COOLDOWN',
    },
    {
      name: 'a manager on leave cannot own clients (R-OWN-1)',
      given: { manager: manager(7, { status: 'on_leave' }) },
      code: 'USER_NOT_ACTIVE',
      details: { userId: 7, status: 'on_leave' },
    },
    {
      name: 'a manager who left cannot own clients (R-OWN-1)',
      given: { manager: manager(7, { status: 'left' }) },
      code: 'USER_NOT_ACTIVE',
      details: { userId: 7, status: 'left' },
    },
    {
      name: 'an admin cannot own clients (R-OWN-1)',
      given: { actor: user(2, 'admin'), manager: manager(2, { role: 'admin' }) },
      code: 'USER_CANNOT_OWN',
      details: { userId: 2, role: 'admin' },
    },
  ])('$name', ({ given, code, details }) => {
    expectRejection(decideClaim(claimInput(given)), code, details);
  });

  it.each([
    { name: 'cooldown: exactly at expiry the claim is accepted (R-CLAIM-4)', lastReleasedAt: daysAgo(14) },
    {
      name: 'cooldown: one ms after expiry the claim is accepted (R-CLAIM-4)',
      lastReleasedAt: new Date(daysAgo(14).getTime() - 1),
    },
    { name: 'never released: no cooldown (R-CLAIM-4)', lastReleasedAt: null },
  ])('$name', ({ lastReleasedAt }) => {
    accepted(decideClaim(claimInput({ lastReleasedAt })));
  });

  it('reclaimCooldownDays = 0 turns the cooldown off (R-CLAIM-4)', () => {
    accepted(
      decideClaim(claimInput({ policy: withPolicy({ reclaimCooldownDays: 0 }), lastReleasedAt: NOW })),
    );
  });

  it('newcomer claim is protected to the end of the newcomer period (R-NEW-2)', () => {
    const hiredAt = daysAgo(30);
    const [e] = accepted(decideClaim(claimInput({ manager: manager(7, { hiredAt }), baseCount: 250 })));
    expect(e).toMatchObject({
      protectedUntil: addDays(hiredAt, 90),
      details: { cap: 300, capSource: 'newcomer' },
    });
  });

  it('claimProtectionDays = 0: a veteran claim is not protected (R-PROT-1)', () => {
    const [e] = accepted(decideClaim(claimInput({ policy: withPolicy({ claimProtectionDays: 0 }) })));
    expect(e!.protectedUntil).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Lines of business (R-LINE-1)
// ---------------------------------------------------------------------------------------------

describe('lines of business (R-LINE-1)', () => {
  const SINGLE = withPolicy({ lines: { mode: 'single_owner' } });

  it('single-owner mode: a claim over three lines emits one event per line and counts the client once (R-LINE-1)', () => {
    const slots = [poolSlot(100, 1), poolSlot(100, 2), poolSlot(100, 3)];
    const events = accepted(decideClaim(claimInput({ policy: SINGLE, slots, baseCount: 199 })));
    expect(events.map((e) => [e.clientId, e.lineId, e.toManagerId, e.rule])).toEqual([
      [100, 1, 7, 'R-CLAIM-1'],
      [100, 2, 7, 'R-CLAIM-1'],
      [100, 3, 7, 'R-CLAIM-1'],
    ]);
    for (const e of events) expect(e.details).toEqual({ cap: 200, countBefore: 199, capSource: 'policy' });
  });

  it('single-owner mode: a three-line client at cap is still one client too many (R-LINE-1, R-CAP-1)', () => {
    const slots = [poolSlot(100, 1), poolSlot(100, 2), poolSlot(100, 3)];
    expectRejection(decideClaim(claimInput({ policy: SINGLE, slots, baseCount: 200 })), 'CAP_REACHED', {
      cap: 200,
      count: 200,
    });
  });

  it('a half-owned client adds nothing to the count: accepted at cap, only the open line is claimed (R-LINE-1)', () => {
    const slots = [ownedSlot(7, 100, 1), poolSlot(100, 2)];
    const events = accepted(decideClaim(claimInput({ policy: SINGLE, slots, baseCount: 200 })));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ lineId: 2, fromManagerId: null, toManagerId: 7 });
  });

  it('a half-owned client is completed even when the base is above a shrunk cap (R-LINE-1)', () => {
    const slots = [ownedSlot(7, 100, 1), poolSlot(100, 2)];
    const events = accepted(decideClaim(claimInput({ policy: SINGLE, slots, baseCount: 201 })));
    expect(events.map((e) => e.lineId)).toEqual([2]);
  });

  it('a half-owned client is transferred to its holder above a shrunk cap without counting as over cap (R-LINE-1)', () => {
    const slots = [ownedSlot(8, 100, 1), poolSlot(100, 2)];
    const events = accepted(decideTransfer(transferInput({ policy: SINGLE, slots, targetBaseCount: 250 })));
    expect(events[0]!.details.overCap).toBeUndefined();
  });

  it('single-owner mode: the owner release emits one event per owned line (R-LINE-1, R-REL-1)', () => {
    const slots = [ownedSlot(7, 100, 1), ownedSlot(7, 100, 2), poolSlot(100, 3)];
    const events = accepted(decideRelease(releaseInput({ policy: SINGLE, slots })));
    expect(events.map((e) => [e.lineId, e.fromManagerId, e.toManagerId, e.rule])).toEqual([
      [1, 7, null, 'R-REL-1'],
      [2, 7, null, 'R-REL-1'],
    ]);
  });

  it('single-owner mode: a head transfer of a client half-owned by the target at cap is not over cap (R-LINE-1, R-XFER-1)', () => {
    const slots = [ownedSlot(8, 100, 1), poolSlot(100, 2)];
    const events = accepted(decideTransfer(transferInput({ policy: SINGLE, slots, targetBaseCount: 200 })));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ lineId: 2, toManagerId: 8, rule: 'R-XFER-1' });
    expect(events[0]!.details.overCap).toBeUndefined();
  });

  it('independent mode: each line is its own slot with its own owner (R-LINE-1)', () => {
    const [e] = accepted(decideClaim(claimInput({ slots: [poolSlot(100, 2)] })));
    expect(e).toMatchObject({ clientId: 100, lineId: 2 });
    const state = foldLedger([e!]);
    expect(state.get(slotKey(100, 2))?.ownerId).toBe(7);
    expect(state.get(slotKey(100, 1))).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Release
// ---------------------------------------------------------------------------------------------

describe('decideRelease', () => {
  it('Given my client, When I release it, Then it goes to the pool (R-REL-1)', () => {
    const events = accepted(decideRelease(releaseInput()));
    expect(events).toEqual([
      {
        type: 'ClientReleased',
        clientId: 100,
        lineId: 1,
        fromManagerId: 7,
        toManagerId: null,
        actor: 'user:7',
        reasonCode: 'RELEASED_BY_OWNER',
        rule: 'R-REL-1',
        policyVersion: VERSION,
        occurredAt: NOW,
        protectedUntil: null,
        details: {},
      },
    ]);
  });

  it('the owner may release their own protected client without an override, reason optional (R-REL-1)', () => {
    const slots = [ownedSlot(7, 100, 1, addDays(NOW, 10))];
    const [e] = accepted(decideRelease(releaseInput({ slots, reason: '  not our profile  ' })));
    expect(e).toMatchObject({
      rule: 'R-REL-1',
      reasonCode: 'RELEASED_BY_OWNER',
      details: { reason: 'not our profile' },
    });
    expect(e!.details.protectionOverridden).toBeUndefined();
  });

  it('a head who owns the client releases it as its owner (R-REL-1)', () => {
    const [e] = accepted(decideRelease(releaseInput({ actor: HEAD_ACTOR, slots: [ownedSlot(1)] })));
    expect(e).toMatchObject({ rule: 'R-REL-1', reasonCode: 'RELEASED_BY_OWNER', actor: 'user:1' });
  });

  it('Given a client of manager 7, When the head releases it with a reason, Then RELEASED_BY_HEAD (R-REL-2)', () => {
    const [e] = accepted(
      decideRelease(releaseInput({ actor: HEAD_ACTOR, reason: ' no calls in 3 months ' })),
    );
    expect(e).toEqual({
      type: 'ClientReleased',
      clientId: 100,
      lineId: 1,
      fromManagerId: 7,
      toManagerId: null,
      actor: 'user:1',
      reasonCode: 'RELEASED_BY_HEAD',
      rule: 'R-REL-2',
      policyVersion: VERSION,
      occurredAt: NOW,
      protectedUntil: null,
      details: { reason: 'no calls in 3 months' },
    });
  });

  it('a head releases a protected client only with overrideProtection, recorded as protectionOverridden (R-PROT-2, R-REL-2)', () => {
    const slots = [ownedSlot(7, 100, 1, addDays(NOW, 5))];
    const [e] = accepted(
      decideRelease(
        releaseInput({ actor: HEAD_ACTOR, slots, reason: 'order via B', overrideProtection: true }),
      ),
    );
    expect(e).toMatchObject({
      rule: 'R-REL-2',
      reasonCode: 'RELEASED_BY_HEAD',
      details: { reason: 'order via B', protectionOverridden: true },
    });
  });

  it('protection one ms past its end needs no override and records none (R-PROT-2)', () => {
    const slots = [ownedSlot(7, 100, 1, msFromNow(-1))];
    const [e] = accepted(decideRelease(releaseInput({ actor: HEAD_ACTOR, slots, reason: 'idle' })));
    expect(e!.details).toEqual({ reason: 'idle' });
  });

  it('protection ending exactly now has ended (R-PROT-2)', () => {
    const slots = [ownedSlot(7, 100, 1, NOW)];
    accepted(decideRelease(releaseInput({ actor: HEAD_ACTOR, slots, reason: 'idle' })));
  });

  it.each<RejectCase<ReleaseInput>>([
    {
      name: 'a client in the pool cannot be released (R-REL-1)',
      given: { slots: [poolSlot()] },
      code: 'CLIENT_IN_POOL',
      details: { clientId: 100 },
    },
    {
      name: 'another manager cannot release my client (R-LOCK-1)',
      given: { actor: user(8) },
      code: 'NOT_OWNER',
      details: { clientId: 100, ownerId: 7 },
    },
    {
      name: 'another manager cannot release it even with a reason and override (R-LOCK-1)',
      given: { actor: user(8), reason: 'I have an order', overrideProtection: true },
      code: 'NOT_OWNER',
    },
    {
      name: 'an admin is not a head and cannot release (R-LOCK-1)',
      given: { actor: user(2, 'admin'), reason: 'cleanup' },
      code: 'NOT_OWNER',
    },
    {
      name: 'a system actor cannot release through this rule (R-LOCK-1)',
      given: { actor: SYSTEM, reason: 'expired' },
      code: 'NOT_OWNER',
    },
    {
      name: 'a head needs a reason (R-REL-2)',
      given: { actor: HEAD_ACTOR },
      code: 'REASON_REQUIRED',
      details: { field: 'reason' },
    },
    {
      name: 'a blank reason is no reason (R-REL-2)',
      given: { actor: HEAD_ACTOR, reason: '   ' },
      code: 'REASON_REQUIRED',
    },
    {
      name: 'a head cannot release a protected client without override (R-PROT-2)',
      given: { actor: HEAD_ACTOR, reason: 'idle', slots: [ownedSlot(7, 100, 1, msFromNow(1))] },
      code: 'CLIENT_PROTECTED',
      details: { until: msFromNow(1).toISOString(), field: 'overrideProtection' },
    },
    {
      name: 'a newcomer client is protected against a head release (R-NEW-2, R-PROT-2)',
      given: { actor: HEAD_ACTOR, reason: 'idle', slots: [ownedSlot(7, 100, 1, addDays(NOW, 60))] },
      code: 'CLIENT_PROTECTED',
      details: { until: addDays(NOW, 60).toISOString() },
    },
  ])('$name', ({ given, code, details }) => {
    expectRejection(decideRelease(releaseInput(given)), code, details);
  });
});

// ---------------------------------------------------------------------------------------------
// Swap
// ---------------------------------------------------------------------------------------------

describe('decideSwap', () => {
  it('Given a base at cap, When I swap client 200 for pool client 100, Then release and claim both happen (R-SWAP-1)', () => {
    const events = accepted(decideSwap(swapInput()));
    const swap = { swappedOut: 200, swappedIn: 100 };
    expect(events).toEqual([
      {
        type: 'ClientReleased',
        clientId: 200,
        lineId: 1,
        fromManagerId: 7,
        toManagerId: null,
        actor: 'user:7',
        reasonCode: 'SWAP_RELEASE',
        rule: 'R-SWAP-1',
        policyVersion: VERSION,
        occurredAt: NOW,
        protectedUntil: null,
        details: swap,
      },
      {
        type: 'ClientClaimed',
        clientId: 100,
        lineId: 1,
        fromManagerId: null,
        toManagerId: 7,
        actor: 'user:7',
        reasonCode: 'SWAP_CLAIM',
        rule: 'R-SWAP-1',
        policyVersion: VERSION,
        occurredAt: NOW,
        protectedUntil: addDays(NOW, 14),
        details: { cap: 200, countBefore: 200, capSource: 'policy', ...swap },
      },
    ]);
  });

  it('a newcomer at 300 of 300 can swap (R-SWAP-1, R-NEW-1)', () => {
    const events = accepted(
      decideSwap(swapInput({ manager: manager(7, { hiredAt: daysAgo(89) }), baseCount: 300 })),
    );
    expect(events).toHaveLength(2);
  });

  it('the owner may swap out a protected client (R-SWAP-1, R-REL-1)', () => {
    accepted(decideSwap(swapInput({ releaseSlots: [ownedSlot(7, 200, 1, addDays(NOW, 10))] })));
  });

  it('single-owner mode: the swap moves every line of both clients (R-SWAP-1, R-LINE-1)', () => {
    const events = accepted(
      decideSwap(
        swapInput({
          policy: withPolicy({ lines: { mode: 'single_owner' } }),
          slots: [poolSlot(100, 1), poolSlot(100, 2)],
          releaseSlots: [ownedSlot(7, 200, 1), ownedSlot(7, 200, 2)],
        }),
      ),
    );
    expect(events.map((e) => [e.type, e.clientId, e.lineId])).toEqual([
      ['ClientReleased', 200, 1],
      ['ClientReleased', 200, 2],
      ['ClientClaimed', 100, 1],
      ['ClientClaimed', 100, 2],
    ]);
  });

  it.each<RejectCase<SwapInput>>([
    {
      name: 'a swap of a client for itself (R-SWAP-1)',
      given: { releaseSlots: [ownedSlot(7, 100)] },
      code: 'SWAP_SAME_CLIENT',
      details: { clientId: 100 },
    },
    {
      name: 'a swap giving away a client of another manager (R-SWAP-1, R-LOCK-1)',
      given: { releaseSlots: [ownedSlot(8, 200)] },
      code: 'NOT_OWNER',
      details: { clientId: 200, field: 'releaseClientId' },
    },
    {
      name: 'a swap giving away a pool client (R-SWAP-1)',
      given: { releaseSlots: [poolSlot(200)] },
      code: 'CLIENT_IN_POOL',
      details: { clientId: 200, field: 'releaseClientId' },
    },
    {
      name: 'a swap whose claim hits another owner emits nothing (R-SWAP-1, R-CLAIM-2)',
      given: { slots: [ownedSlot(8, 100)] },
      code: 'CLIENT_OWNED_BY_OTHER',
    },
    {
      name: 'a swap whose claim is in cooldown emits nothing (R-SWAP-1, R-CLAIM-4)',
      given: { lastReleasedAt: daysAgo(3) },
      code: 'RECLAIM_COOLDOWN',
    },
    {
      name: 'a swap cannot bring a base that is over its cap back to it plus one (R-SWAP-1, R-CAP-1)',
      given: { baseCount: 201 },
      code: 'CAP_REACHED',
      details: { cap: 200, count: 201 },
    },
    {
      name: 'a swap by a manager on leave emits nothing (R-SWAP-1, R-OWN-1)',
      given: { manager: manager(7, { status: 'on_leave' }) },
      code: 'USER_NOT_ACTIVE',
    },
    {
      name: 'a swap claiming a client I already own (R-SWAP-1, R-CLAIM-2)',
      given: { slots: [ownedSlot(7, 100)] },
      code: 'ALREADY_OWNER',
    },
  ])('$name', ({ given, code, details }) => {
    const d = decideSwap(swapInput(given));
    expectRejection(d, code, details);
    expect('events' in d).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Transfer
// ---------------------------------------------------------------------------------------------

describe('decideTransfer', () => {
  it('Given a client of A, When the head transfers it to B with a reason, Then OwnershipTransferred (R-XFER-1)', () => {
    const events = accepted(decideTransfer(transferInput()));
    expect(events).toEqual([
      {
        type: 'OwnershipTransferred',
        clientId: 100,
        lineId: 1,
        fromManagerId: 7,
        toManagerId: 8,
        actor: 'user:1',
        reasonCode: 'HEAD_TRANSFER',
        rule: 'R-XFER-1',
        policyVersion: VERSION,
        occurredAt: NOW,
        protectedUntil: addDays(NOW, 14),
        details: { reason: 'A moves to the Moscow office', cap: 200, countBefore: 10 },
      },
    ]);
  });

  it('a head may transfer a pool client to a manager (R-XFER-1)', () => {
    const [e] = accepted(decideTransfer(transferInput({ slots: [poolSlot()] })));
    expect(e).toMatchObject({ fromManagerId: null, toManagerId: 8, rule: 'R-XFER-1' });
  });

  it('a transfer to a newcomer protects the client to the end of their period (R-XFER-1, R-NEW-2)', () => {
    const hiredAt = daysAgo(20);
    const [e] = accepted(decideTransfer(transferInput({ target: manager(8, { hiredAt }) })));
    expect(e!.protectedUntil).toEqual(addDays(hiredAt, 90));
  });

  it('a transfer at the target cap-1 is within the cap (R-XFER-1)', () => {
    const [e] = accepted(decideTransfer(transferInput({ targetBaseCount: 199 })));
    expect(e!.rule).toBe('R-XFER-1');
    expect(e!.details.overCap).toBeUndefined();
  });

  it('headTransferMayExceedCap: a transfer to a full base is recorded as R-XFER-2 with overCap (R-XFER-2)', () => {
    const policy = withPolicy({ caps: { defaultCap: 200, headTransferMayExceedCap: true } });
    const [e] = accepted(decideTransfer(transferInput({ policy, targetBaseCount: 200 })));
    expect(e).toMatchObject({
      rule: 'R-XFER-2',
      reasonCode: 'HEAD_TRANSFER',
      details: { overCap: true, cap: 200, countBefore: 200 },
    });
  });

  it('the team preset lets a head exceed the cap (R-XFER-2)', () => {
    const [e] = accepted(decideTransfer(transferInput({ policy: ref(presets.team), targetBaseCount: 250 })));
    expect(e!.rule).toBe('R-XFER-2');
  });

  it('a transfer over protection with overrideProtection records protectionOverridden (R-PROT-2, R-XFER-1)', () => {
    const slots = [ownedSlot(7, 100, 1, addDays(NOW, 3))];
    const [e] = accepted(decideTransfer(transferInput({ slots, overrideProtection: true })));
    expect(e!.details).toEqual({
      reason: 'A moves to the Moscow office',
      cap: 200,
      countBefore: 10,
      protectionOverridden: true,
    });
  });

  it('a pool slot with a stale protection date is not protected (R-PROT-2)', () => {
    accepted(
      decideTransfer(
        transferInput({ slots: [poolSlot()].map((s) => ({ ...s, protectedUntil: addDays(NOW, 9) })) }),
      ),
    );
  });

  it.each<RejectCase<TransferInput>>([
    {
      name: 'a manager cannot transfer (R-XFER-1)',
      given: { actor: user(7) },
      code: 'ROLE_NOT_ALLOWED',
      details: { action: 'transfer' },
    },
    {
      name: 'an admin cannot transfer (R-XFER-1)',
      given: { actor: user(2, 'admin') },
      code: 'ROLE_NOT_ALLOWED',
    },
    { name: 'a system job cannot transfer (R-XFER-1)', given: { actor: SYSTEM }, code: 'ROLE_NOT_ALLOWED' },
    {
      name: 'a transfer needs a reason (R-XFER-1)',
      given: { reason: null },
      code: 'REASON_REQUIRED',
      details: { field: 'reason' },
    },
    { name: 'a blank reason is no reason (R-XFER-1)', given: { reason: ' \t ' }, code: 'REASON_REQUIRED' },
    {
      name: 'a transfer to the current owner (R-XFER-1)',
      given: { target: A },
      code: 'TRANSFER_SAME_OWNER',
      details: { clientId: 100, ownerId: 7 },
    },
    {
      name: 'a transfer to an admin (R-XFER-1, R-OWN-1)',
      given: { target: manager(2, { role: 'admin' }) },
      code: 'USER_CANNOT_OWN',
      details: { userId: 2, role: 'admin', field: 'toManagerId' },
    },
    {
      name: 'a transfer to a manager on leave (R-XFER-1, R-OWN-1)',
      given: { target: manager(8, { status: 'on_leave' }) },
      code: 'USER_NOT_ACTIVE',
      details: { status: 'on_leave', field: 'toManagerId' },
    },
    {
      name: 'a transfer to a manager who left (R-XFER-1, R-OWN-1)',
      given: { target: manager(8, { status: 'left' }) },
      code: 'USER_NOT_ACTIVE',
      details: { status: 'left', field: 'toManagerId' },
    },
    {
      name: 'a transfer to a full base is rejected by default (R-XFER-2)',
      given: { targetBaseCount: 200 },
      code: 'CAP_REACHED',
      details: { cap: 200, count: 200, capSource: 'policy', field: 'toManagerId' },
    },
    {
      name: 'the competition preset never lets a head exceed the cap (R-XFER-2)',
      given: { policy: ref(presets.competition), targetBaseCount: 150 },
      code: 'CAP_REACHED',
      details: { cap: 150 },
    },
    {
      name: 'a transfer over protection without override (R-PROT-2)',
      given: { slots: [ownedSlot(7, 100, 1, addDays(NOW, 3))] },
      code: 'CLIENT_PROTECTED',
      details: { until: addDays(NOW, 3).toISOString(), field: 'overrideProtection' },
    },
  ])('$name', ({ given, code, details }) => {
    expectRejection(decideTransfer(transferInput(given)), code, details);
  });
});

// ---------------------------------------------------------------------------------------------
// Ledger fold (R-LEDGER-1)
// ---------------------------------------------------------------------------------------------

describe('ledger fold (R-LEDGER-1)', () => {
  const ev = (
    clientId: number,
    lineId: number,
    toManagerId: number | null,
    protectedUntil: Date | null = null,
  ) => ({
    clientId,
    lineId,
    toManagerId,
    protectedUntil,
  });

  it.each([
    { name: 'empty ledger: nobody owns anything (R-LEDGER-1)', events: [], expected: {} },
    {
      name: 'claim then release: back in the pool (R-LEDGER-1)',
      events: [ev(1, 1, 7, addDays(NOW, 14)), ev(1, 1, null)],
      expected: { '1:1': { ownerId: null, protectedUntil: null } },
    },
    {
      name: 'the last event wins (R-LEDGER-1)',
      events: [ev(1, 1, 7), ev(1, 1, null), ev(1, 1, 8, addDays(NOW, 14))],
      expected: { '1:1': { ownerId: 8, protectedUntil: addDays(NOW, 14) } },
    },
    {
      name: 'lines and clients are folded independently (R-LEDGER-1, R-LINE-1)',
      events: [ev(1, 1, 7), ev(1, 2, 8), ev(2, 1, 8), ev(1, 1, 9)],
      expected: {
        '1:1': { ownerId: 9, protectedUntil: null },
        '1:2': { ownerId: 8, protectedUntil: null },
        '2:1': { ownerId: 8, protectedUntil: null },
      },
    },
  ])('$name', ({ events, expected }) => {
    expect(Object.fromEntries(foldLedger(events))).toEqual(expected);
  });

  it('evolveOwnership updates and returns the same state (R-LEDGER-1)', () => {
    const state: OwnershipState = new Map();
    const next = evolveOwnership(state, ev(5, 1, 7));
    expect(next).toBe(state);
    expect(state.get(slotKey(5, 1))).toEqual({ ownerId: 7, protectedUntil: null });
  });

  it('folding the events of real decisions gives the owners they describe (R-LEDGER-1)', () => {
    const claim = accepted(decideClaim(claimInput()));
    const xfer = accepted(decideTransfer(transferInput({ slots: [ownedSlot(7)] })));
    const swap = accepted(
      decideSwap(
        swapInput({ actor: user(8), manager: B, releaseSlots: [ownedSlot(8, 100)], slots: [poolSlot(300)] }),
      ),
    );
    const state = foldLedger([...claim, ...xfer, ...swap]);
    expect(state.get(slotKey(100, 1))?.ownerId).toBeNull();
    expect(state.get(slotKey(300, 1))).toEqual({ ownerId: 8, protectedUntil: addDays(NOW, 14) });
  });
});

// ---------------------------------------------------------------------------------------------
// Property: a random history of decisions never breaks the cap, and the ledger fold is the state.
// ---------------------------------------------------------------------------------------------

type Op =
  | { kind: 'claim'; m: number; c: number; line: number }
  | { kind: 'release'; m: number; c: number; line: number }
  | { kind: 'swap'; m: number; c: number; r: number; line: number }
  | { kind: 'headRelease'; c: number; line: number; override: boolean }
  | { kind: 'transfer'; m: number; c: number; line: number; override: boolean }
  | { kind: 'wait'; ms: number };

const MANAGER_IDS = [1, 2, 3] as const;
const CLIENTS = 8;
const LINES = [1, 2];

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('claim' as const),
      m: fc.constantFrom(...MANAGER_IDS),
      c: fc.integer({ min: 1, max: CLIENTS }),
      line: fc.constantFrom(...LINES),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('release' as const),
      m: fc.constantFrom(...MANAGER_IDS),
      c: fc.integer({ min: 1, max: CLIENTS }),
      line: fc.constantFrom(...LINES),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('swap' as const),
      m: fc.constantFrom(...MANAGER_IDS),
      c: fc.integer({ min: 1, max: CLIENTS }),
      r: fc.integer({ min: 1, max: CLIENTS }),
      line: fc.constantFrom(...LINES),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('headRelease' as const),
      c: fc.integer({ min: 1, max: CLIENTS }),
      line: fc.constantFrom(...LINES),
      override: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('transfer' as const),
      m: fc.constantFrom(...MANAGER_IDS),
      c: fc.integer({ min: 1, max: CLIENTS }),
      line: fc.constantFrom(...LINES),
      override: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 5 * DAY }) }),
  },
);

describe('property: random claim/release/swap/transfer histories (R-CAP-1, R-LEDGER-1)', () => {
  it.each(['independent', 'single_owner'] as const)(
    'in %s mode no base exceeds its cap and fold(ledger) equals the simulated state (R-CAP-1, R-LEDGER-1, R-LINE-1)',
    (mode) => {
      // Small caps so the cap is hit often: default 2, manager 2 overridden to 3, manager 3 a newcomer (cap 4)
      // for the whole run (newcomer period 365 days > 60 ops × 5 days). Cooldown and protection 3 days.
      const policy: PolicyRef = ref({
        ...BALANCED,
        lines: { mode },
        caps: { defaultCap: 2, headTransferMayExceedCap: false },
        newcomer: { enabled: true, days: 365, cap: 4, protectClients: false },
        claimProtectionDays: 3,
        reclaimCooldownDays: 3,
      });
      const managers = new Map<number, ManagerSnapshot>([
        [1, manager(1)],
        [2, manager(2, { capOverride: 3 })],
        [3, manager(3, { hiredAt: daysAgo(1) })],
      ]);
      const head: Actor = { kind: 'user', id: 99, role: 'head' };
      // Outcomes seen over all runs, to prove the generator reaches the interesting cases.
      const seen = new Set<string>();

      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 60, size: 'max' }), (ops) => {
          let now = NOW;
          const ledger: OwnershipEvent[] = [];
          const state: OwnershipState = new Map();
          // The test's own model of who owns what, kept without the code under test.
          const model = new Map<string, { ownerId: number | null; protectedUntil: Date | null }>();
          const lastRelease = new Map<string, Date>();
          const slotOf = (c: number, line: number): OwnershipSlot => {
            const s = model.get(slotKey(c, line));
            return {
              clientId: c,
              lineId: line,
              ownerId: s?.ownerId ?? null,
              protectedUntil: s?.protectedUntil ?? null,
            };
          };
          const scope = (line: number) => (mode === 'single_owner' ? LINES : [line]);
          const slotsOf = (c: number, line: number) => scope(line).map((l) => slotOf(c, l));
          const count = (m: number, line: number) => {
            const owned = new Set<number>();
            for (let c = 1; c <= CLIENTS; c++) {
              if (slotsOf(c, line).some((s) => s.ownerId === m)) owned.add(c);
            }
            return owned.size;
          };
          const apply = (d: Decision) => {
            seen.add(d.kind === 'accepted' ? `accepted:${d.events[0]?.rule}` : d.code);
            if (d.kind !== 'accepted') return;
            for (const e of d.events) {
              expect(e.occurredAt).toBe(now);
              expect(e.policyVersion).toBe(VERSION);
              ledger.push(e);
              evolveOwnership(state, e);
              model.set(slotKey(e.clientId, e.lineId), {
                ownerId: e.toManagerId,
                protectedUntil: e.protectedUntil,
              });
              if (e.toManagerId === null && e.fromManagerId !== null) {
                lastRelease.set(`${e.fromManagerId}:${e.clientId}`, e.occurredAt);
              }
            }
          };

          for (const op of ops) {
            if (op.kind === 'wait') {
              now = new Date(now.getTime() + op.ms);
              continue;
            }
            if (op.kind === 'claim' || op.kind === 'swap') {
              const mgr = managers.get(op.m)!;
              const slots = slotsOf(op.c, op.line);
              const baseCount = count(op.m, op.line);
              const lastReleasedAt = lastRelease.get(`${op.m}:${op.c}`) ?? null;
              const common = {
                policy,
                now,
                actor: user(op.m),
                manager: mgr,
                slots,
                baseCount,
                lastReleasedAt,
              };
              const d =
                op.kind === 'claim'
                  ? decideClaim(common)
                  : decideSwap({ ...common, releaseSlots: slotsOf(op.r, op.line) });
              // Independent oracle for a plain claim: free of others, something open, out of cooldown, room left.
              if (op.kind === 'claim') {
                const cap = effectiveCap(policy.policy, mgr, now).cap;
                const free = slots.every((s) => s.ownerId === null || s.ownerId === op.m);
                const open = slots.filter((s) => s.ownerId === null).length;
                const cool = !lastReleasedAt || now.getTime() >= addDays(lastReleasedAt, 3).getTime();
                const adds = open === slots.length ? 1 : 0;
                expect(d.kind).toBe(
                  free && open > 0 && cool && baseCount + adds <= cap ? 'accepted' : 'rejected',
                );
              }
              apply(d);
            } else if (op.kind === 'release') {
              const slots = slotsOf(op.c, op.line);
              const d = decideRelease({ policy, now, actor: user(op.m), slots });
              const owned = slots.filter((s) => s.ownerId !== null);
              expect(d.kind).toBe(
                owned.length > 0 && owned.every((s) => s.ownerId === op.m) ? 'accepted' : 'rejected',
              );
              apply(d);
            } else if (op.kind === 'headRelease') {
              const slots = slotsOf(op.c, op.line);
              const d = decideRelease({
                policy,
                now,
                actor: head,
                slots,
                reason: 'property',
                overrideProtection: op.override,
              });
              apply(d);
            } else {
              const slots = slotsOf(op.c, op.line);
              const d = decideTransfer({
                policy,
                now,
                actor: head,
                target: managers.get(op.m)!,
                slots,
                targetBaseCount: count(op.m, op.line),
                reason: 'property',
                overrideProtection: op.override,
              });
              apply(d);
            }

            for (const [id, mgr] of managers) {
              const cap = effectiveCap(policy.policy, mgr, now).cap;
              for (const line of LINES) expect(count(id, line)).toBeLessThanOrEqual(cap);
            }
          }

          const folded = foldLedger(ledger);
          expect(folded).toEqual(state);
          expect(folded).toEqual(model);
        }),
        { numRuns: 300 },
      );
      for (const outcome of [
        'accepted:R-CLAIM-1',
        'accepted:R-REL-1',
        'accepted:R-REL-2',
        'accepted:R-SWAP-1',
        'accepted:R-XFER-1',
        'CAP_REACHED',
        'RECLAIM_COOLDOWN',
        'CLIENT_OWNED_BY_OTHER',
        'CLIENT_PROTECTED',
      ]) {
        expect(seen).toContain(outcome);
      }
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Completeness: every rule rejection code in types.ts is exercised above.
// ---------------------------------------------------------------------------------------------

describe('merge (R-MERGE-1)', () => {
  const head = user(9, 'head');
  const mergeInput = (given: Partial<MergeInput> = {}): MergeInput => ({
    policy: ref(),
    now: NOW,
    actor: head,
    survivor: [ownedSlot(7, 100)],
    other: [ownedSlot(8, 200)],
    ...given,
  });

  it.each([
    [
      'survivor owned, other owned: the survivor keeps its owner (R-MERGE-1)',
      [ownedSlot(7, 100)],
      [ownedSlot(8, 200)],
      undefined,
      7,
    ],
    [
      'survivor in the pool: the other owner gets it (R-MERGE-1)',
      [poolSlot(100)],
      [ownedSlot(8, 200)],
      undefined,
      8,
    ],
    ['both in the pool: it stays in the pool (R-MERGE-1)', [poolSlot(100)], [poolSlot(200)], undefined, null],
    ['the head gives it to the other owner (R-MERGE-1)', [ownedSlot(7, 100)], [ownedSlot(8, 200)], 8, 8],
    ['the head sends it to the pool (R-MERGE-1)', [ownedSlot(7, 100)], [ownedSlot(8, 200)], null, null],
  ] as const)('%s', (_name, survivor, other, chosen, owner) => {
    const events = accepted(
      decideMerge(
        mergeInput({
          survivor: [...survivor],
          other: [...other],
          chosenOwnerId: chosen as number | null | undefined,
        }),
      ),
    );
    expect(events.map((e) => [e.clientId, e.type, e.fromManagerId, e.toManagerId, e.reasonCode])).toEqual([
      [200, 'ClientsMerged', other[0]!.ownerId, null, 'MERGED_INTO'],
      [100, 'ClientsMerged', survivor[0]!.ownerId, owner, 'MERGE_SURVIVOR'],
    ]);
    expect(events.every((e) => e.rule === 'R-MERGE-1' && e.actor === 'user:9')).toBe(true);
  });

  it('rejects a third manager as owner, a merge with itself, and a manager merging (R-MERGE-1)', () => {
    expectRejection(decideMerge(mergeInput({ chosenOwnerId: 42 })), 'MERGE_OWNER_NOT_INVOLVED', {
      field: 'ownerId',
    });
    expectRejection(decideMerge(mergeInput({ other: [ownedSlot(8, 100)] })), 'MERGE_SAME_CLIENT', {
      field: 'otherClientId',
    });
    expectRejection(decideMerge(mergeInput({ actor: user(7) })), 'ROLE_NOT_ALLOWED', { action: 'merge' });
  });
});

describe('a head extends a client (R-EXP-4)', () => {
  const slot = { clientId: 1, lineId: 1, ownerId: 8, protectedUntil: null };
  const base = { policy: { version: 3, policy: presets.balanced }, now: NOW };
  const head = { kind: 'user', id: 1, role: 'head' } as const;
  it.each([
    {
      name: 'a manager',
      actor: { kind: 'user', id: 8, role: 'manager' } as const,
      reason: 'x',
      until: 5,
      code: 'ROLE_NOT_ALLOWED',
    },
    { name: 'no reason', actor: head, reason: '  ', until: 5, code: 'REASON_REQUIRED' },
    { name: 'a date not in the future', actor: head, reason: 'x', until: 0, code: 'EXTENSION_NOT_LATER' },
  ] as const)('rejects $name with $code', ({ actor, reason, until, code }) => {
    const d = decideExtend({ ...base, actor, slots: [slot], reason, until: addDays(NOW, until) });
    expectRejection(d, code);
  });
  it('rejects a pool client', () => {
    const d = decideExtend({
      ...base,
      actor: head,
      slots: [{ ...slot, ownerId: null }],
      reason: 'x',
      until: addDays(NOW, 5),
    });
    expectRejection(d, 'CLIENT_IN_POOL');
  });
  it('keeps owner and protection, records the date and reason', () => {
    const d = decideExtend({
      ...base,
      actor: head,
      slots: [slot],
      reason: 'тендер',
      until: addDays(NOW, 30),
    });
    expect(d).toMatchObject({
      kind: 'accepted',
      events: [
        {
          type: 'ExpiryExtended',
          fromManagerId: 8,
          toManagerId: 8,
          reasonCode: 'EXTENDED_BY_HEAD',
          rule: 'R-EXP-4',
          details: { until: addDays(NOW, 30).toISOString(), reason: 'тендер' },
        },
      ],
    });
  });
});

describe('coverage of rejection codes', () => {
  it('every code in rejectionCodes was produced by a table above', () => {
    expect([...codesSeen].sort()).toEqual([...rejectionCodes].sort());
  });
});

describe('swap is a manager acting on their own base (R-SWAP-1)', () => {
  it('rejects a swap made for another manager with ROLE_NOT_ALLOWED (R-SWAP-1)', () => {
    const d = decideSwap(
      swapInput({ actor: user(7), manager: B, releaseSlots: [ownedSlot(8, 100)], slots: [poolSlot(300)] }),
    );
    expect(d).toMatchObject({ kind: 'rejected', code: 'ROLE_NOT_ALLOWED', details: { action: 'swap' } });
  });
});
