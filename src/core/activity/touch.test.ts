import { describe, expect, it } from 'vitest';
import { type Policy, presets } from '../policy/policy.ts';
import { checkTouch, type TouchCheckInput } from './touch.ts';

const NOW = new Date('2026-06-10T12:00:00Z');
const H = 3_600_000;
const D = 24 * H;
const at = (ms: number) => new Date(NOW.getTime() + ms);
const withContact = (p: Policy, c: Partial<Policy['contact']>): Policy => ({
  ...p,
  contact: { ...p.contact, ...c },
});

const base = (over: Partial<TouchCheckInput> = {}): TouchCheckInput => ({
  policy: withContact(presets.balanced, { nonOwnerOutreach: 'warn', cooldownDays: 3 }),
  now: NOW,
  actor: { id: 1, role: 'manager' },
  kind: 'call',
  direction: 'outbound',
  occurredAt: NOW,
  nextStepAt: null,
  contact: null,
  owners: [null],
  lastOtherOutreach: null,
  ...over,
});

describe('touch dates (R-TOUCH-1)', () => {
  it.each([
    ['now', 0, 'accepted'],
    ['4 minutes ahead (skew)', 4 * 60_000, 'accepted'],
    ['exactly 5 minutes ahead', 5 * 60_000, 'accepted'],
    ['6 minutes ahead', 6 * 60_000, 'rejected'],
    ['a week ago', -7 * D, 'accepted'],
  ])('occurredAt %s → %s', (_l, delta, kind) => {
    const r = checkTouch(base({ occurredAt: at(delta) }));
    expect(r.kind).toBe(kind);
    if (r.kind === 'rejected') {
      expect(r.code).toBe('VALIDATION_FAILED');
      expect(r.details.issues).toEqual([{ path: 'body.occurredAt', message: expect.any(String) }]);
    }
  });
  it('a next step before the touch names body.nextStepAt', () => {
    const r = checkTouch(base({ occurredAt: at(-D), nextStepAt: at(-2 * D) }));
    expect(r).toMatchObject({ kind: 'rejected', details: { issues: [{ path: 'body.nextStepAt' }] } });
    expect(checkTouch(base({ occurredAt: at(-D), nextStepAt: at(D) })).kind).toBe('accepted');
  });
});

describe('do-not-contact (R-VOICE-3)', () => {
  const dnc = { id: 9, doNotContact: true };
  it.each([
    ['call', 'outbound', 'rejected'],
    ['meeting', 'outbound', 'rejected'],
    ['email', 'outbound', 'rejected'],
    ['proposal', 'outbound', 'rejected'],
    ['note', 'outbound', 'accepted'],
    ['call', 'inbound', 'accepted'],
  ] as const)('%s %s to a do-not-contact contact → %s', (kind, direction, expected) => {
    const r = checkTouch(base({ kind, direction, contact: dnc }));
    expect(r.kind).toBe(expected);
    if (r.kind === 'rejected')
      expect(r).toMatchObject({ code: 'DO_NOT_CONTACT', details: { field: 'contactId', contactId: 9 } });
  });
  it('a contact without the flag is fine', () => {
    expect(checkTouch(base({ contact: { id: 9, doNotContact: false } })).kind).toBe('accepted');
  });
});

describe('one voice: non-owner outreach (R-VOICE-1)', () => {
  const cases: [string, Partial<TouchCheckInput>, 'allow' | 'warn' | 'block', string, number[]][] = [
    ['pool client, block', { owners: [null] }, 'block', 'accepted', []],
    ['own client, block', { owners: [1] }, 'block', 'accepted', []],
    ["other's client, block", { owners: [2] }, 'block', 'NON_OWNER_OUTREACH_BLOCKED', []],
    ["other's client, warn", { owners: [2] }, 'warn', 'NON_OWNER_OUTREACH', [2]],
    ["other's client, allow", { owners: [2] }, 'allow', 'accepted', []],
    ['owned by me in one line of two (no line named)', { owners: [2, 1] }, 'block', 'accepted', []],
    ['two other owners, warn', { owners: [2, 3, 2] }, 'warn', 'NON_OWNER_OUTREACH', [2, 3]],
    [
      "a head on another's client under block is warned",
      { owners: [2], actor: { id: 7, role: 'head' } },
      'block',
      'NON_OWNER_OUTREACH',
      [2],
    ],
    ["an inbound call on another's client", { owners: [2], direction: 'inbound' }, 'block', 'accepted', []],
    ["a note on another's client", { owners: [2], kind: 'note' }, 'block', 'accepted', []],
  ];
  it.each(cases)('%s', (_l, over, mode, expected, notify) => {
    const input = base(over);
    const r = checkTouch({ ...input, policy: withContact(input.policy, { nonOwnerOutreach: mode }) });
    if (expected === 'NON_OWNER_OUTREACH_BLOCKED') {
      expect(r).toMatchObject({ kind: 'rejected', code: expected, details: { ownerIds: [2] } });
      return;
    }
    expect(r.kind).toBe('accepted');
    if (r.kind !== 'accepted') return;
    expect(r.warnings.map((w) => w.code)).toEqual(expected === 'accepted' ? [] : [expected]);
    expect(r.notifyOwnerIds).toEqual(notify);
  });

  it.each([
    ['team', 'rejected'],
    ['balanced', 'accepted'],
    ['competition', 'accepted'],
  ] as const)("preset %s: outreach to another manager's client is %s", (preset, kind) => {
    const r = checkTouch({ ...base({ owners: [2] }), policy: presets[preset] });
    expect(r.kind).toBe(kind);
    if (preset === 'balanced' && r.kind === 'accepted') expect(r.notifyOwnerIds).toEqual([2]);
    if (preset === 'competition' && r.kind === 'accepted') expect(r.warnings).toEqual([]);
  });
});

describe('company-wide contact cooldown (R-VOICE-2)', () => {
  const last = (ago: number, authorId = 2) => ({
    lastOtherOutreach: { authorId, kind: 'call' as const, occurredAt: at(-ago) },
  });
  it.each([
    ['1 hour ago', 1 * H, true],
    ['2 days 23 hours ago', 3 * D - H, true],
    ['exactly 3 days ago', 3 * D, false],
    ['4 days ago', 4 * D, false],
  ])('someone else reached out %s (cooldown 3 days) → warned: %s', (_l, ago, warned) => {
    const r = checkTouch(base(last(ago)));
    expect(r.kind).toBe('accepted');
    if (r.kind === 'accepted') expect(r.warnings.some((w) => w.code === 'CONTACT_COOLDOWN')).toBe(warned);
  });
  it('my own last outreach does not warn me', () => {
    const r = checkTouch(base(last(H, 1)));
    expect(r.kind === 'accepted' && r.warnings).toEqual([]);
  });
  it('cooldown 0 turns it off; inbound calls and notes are never warned', () => {
    const off = base(last(H));
    const r0 = checkTouch({ ...off, policy: withContact(off.policy, { cooldownDays: 0 }) });
    expect(r0.kind === 'accepted' && r0.warnings).toEqual([]);
    const inbound = checkTouch(base({ ...last(H), direction: 'inbound' }));
    expect(inbound.kind === 'accepted' && inbound.warnings).toEqual([]);
    const note = checkTouch(base({ ...last(H), kind: 'note' }));
    expect(note.kind === 'accepted' && note.warnings).toEqual([]);
  });
  it('the owner warning and the cooldown warning come together', () => {
    const r = checkTouch(base({ ...last(H), owners: [2] }));
    expect(r.kind === 'accepted' && r.warnings.map((w) => w.code)).toEqual([
      'NON_OWNER_OUTREACH',
      'CONTACT_COOLDOWN',
    ]);
  });
});
