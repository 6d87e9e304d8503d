import { describe, expect, it } from 'vitest';
import {
  defaultPolicy,
  isPresetName,
  type Policy,
  type PresetName,
  policySchema,
  presets,
} from './policy.ts';

const NAMES: PresetName[] = ['team', 'balanced', 'competition'];

/** A deep copy of a preset with one change, for "invalid document" cases. */
function mutate(change: (p: Policy) => void, from: Policy = presets.balanced): unknown {
  const copy = structuredClone(from);
  change(copy);
  return copy;
}

function issuePaths(doc: unknown): string[] {
  const r = policySchema.safeParse(doc);
  if (r.success) return [];
  return r.error.issues.map((i) => i.path.join('.'));
}

describe('presets (R-POL-1)', () => {
  it.each(NAMES)('the %s preset parses with policySchema and round-trips unchanged', (name) => {
    const r = policySchema.safeParse(presets[name]);
    expect(r.success).toBe(true);
    expect(r.data).toEqual(presets[name]);
  });

  it.each(NAMES)('the %s preset names itself in its preset field', (name) => {
    expect(presets[name].preset).toBe(name);
  });

  it('there are exactly three presets: team, balanced, competition', () => {
    expect(Object.keys(presets).sort()).toEqual(['balanced', 'competition', 'team']);
  });

  it('the default policy is the balanced preset', () => {
    expect(defaultPolicy).toEqual(presets.balanced);
  });

  it('balanced holds the documented defaults (R-CAP-1, R-NEW-1, R-NEW-2, R-PROT-1, R-CLAIM-4, R-LINE-1, R-XFER-2)', () => {
    const p = presets.balanced;
    expect(p.lines.mode).toBe('independent');
    expect(p.caps).toEqual({ defaultCap: 200, headTransferMayExceedCap: false });
    expect(p.newcomer).toEqual({ enabled: true, days: 90, cap: 300, protectClients: true });
    expect(p.claimProtectionDays).toBe(14);
    expect(p.reclaimCooldownDays).toBe(14);
    expect(p.expiry).toEqual({
      enabled: true,
      noTouchDays: 60,
      noOrderDays: 90,
      warnDaysBefore: [14, 7, 1],
      qualifyingOutcomes: ['meeting_held', 'reached'],
    });
    expect(p.resultCaps.tiers.map((t) => t.cap)).toEqual([120, 200, 300]);
    expect(p.resultCaps.releaseDeadlineDays).toBe(14);
    expect(p.contact).toEqual({ cooldownDays: 3, nonOwnerOutreach: 'warn' });
    expect(p.resultCaps.enabled).toBe(false);
    expect(p.disputes.autoTransferIfOwnerIdleDays).toBe(0);
    expect(p.splits.defaultPreset).toBe('by_contribution');
  });

  it.each(NAMES)('the %s preset gives newcomers 300 clients for 90 days (C6, R-NEW-1)', (name) => {
    expect(presets[name].newcomer).toEqual({ enabled: true, days: 90, cap: 300, protectClients: true });
  });

  it.each(NAMES)('the %s preset has one line mode: independent (R-LINE-1)', (name) => {
    expect(presets[name].lines.mode).toBe('independent');
  });

  it.each(NAMES)('the %s preset splits credit into shares summing to 100', (name) => {
    const s = presets[name].splits.byContribution;
    expect(s.originator + s.closer + s.helper).toBe(100);
  });

  describe('team vs competition differ as documented', () => {
    const team = presets.team;
    const comp = presets.competition;
    const bal = presets.balanced;

    it.each([
      {
        name: 'caps: team bases are larger than balanced, competition bases smaller (R-CAP-1)',
        pick: (p: Policy) => p.caps.defaultCap,
        team: 250,
        balanced: 200,
        competition: 150,
      },
      {
        name: 'a head may exceed the cap only in team (R-XFER-2)',
        pick: (p: Policy) => p.caps.headTransferMayExceedCap,
        team: true,
        balanced: false,
        competition: false,
      },
      {
        name: 'claim protection: team long, competition short (R-PROT-1)',
        pick: (p: Policy) => p.claimProtectionDays,
        team: 30,
        balanced: 14,
        competition: 7,
      },
      {
        name: 're-claim cooldown: competition longest (R-CLAIM-4)',
        pick: (p: Policy) => p.reclaimCooldownDays,
        team: 7,
        balanced: 14,
        competition: 30,
      },
      {
        name: 'non-owner outreach: blocked in team, allowed in competition',
        pick: (p: Policy) => p.contact.nonOwnerOutreach,
        team: 'block',
        balanced: 'warn',
        competition: 'allow',
      },
      {
        name: 'company contact cooldown days',
        pick: (p: Policy) => p.contact.cooldownDays,
        team: 5,
        balanced: 3,
        competition: 2,
      },
      {
        name: 'an idle owner loses a dispute automatically only in competition',
        pick: (p: Policy) => p.disputes.autoTransferIfOwnerIdleDays,
        team: 0,
        balanced: 0,
        competition: 21,
      },
      {
        name: 'result-based caps are on only in competition',
        pick: (p: Policy) => p.resultCaps.enabled,
        team: false,
        balanced: false,
        competition: true,
      },
      {
        name: 'expiry without a touch: team slow, competition fast',
        pick: (p: Policy) => p.expiry.noTouchDays,
        team: 90,
        balanced: 60,
        competition: 30,
      },
      {
        name: 'expiry without an order: team slow, competition fast',
        pick: (p: Policy) => p.expiry.noOrderDays,
        team: 120,
        balanced: 90,
        competition: 60,
      },
      {
        name: 'a meeting by a non-owner opens a dispute in team and competition',
        pick: (p: Policy) => p.disputes.openOnMeeting,
        team: true,
        balanced: false,
        competition: true,
      },
      {
        name: 'the closer share grows from team to competition',
        pick: (p: Policy) => p.splits.byContribution.closer,
        team: 50,
        balanced: 60,
        competition: 75,
      },
    ])('$name', ({ pick, team: t, balanced: b, competition: c }) => {
      expect(pick(team)).toEqual(t);
      expect(pick(bal)).toEqual(b);
      expect(pick(comp)).toEqual(c);
    });

    it('expiry warnings: team warns earlier than competition', () => {
      expect(team.expiry.warnDaysBefore).toEqual([14, 7, 1]);
      expect(comp.expiry.warnDaysBefore).toEqual([5, 1]);
    });
  });
});

describe('policySchema rejects invalid documents, naming the path (R-POL-1)', () => {
  it.each<{ name: string; doc: unknown; path: string }>([
    { name: 'caps.defaultCap = 0', doc: mutate((p) => (p.caps.defaultCap = 0)), path: 'caps.defaultCap' },
    { name: 'caps.defaultCap = 1.5', doc: mutate((p) => (p.caps.defaultCap = 1.5)), path: 'caps.defaultCap' },
    {
      name: 'caps.defaultCap above 100 000',
      doc: mutate((p) => (p.caps.defaultCap = 100_001)),
      path: 'caps.defaultCap',
    },
    { name: 'newcomer.cap = 0', doc: mutate((p) => (p.newcomer.cap = 0)), path: 'newcomer.cap' },
    { name: 'newcomer.days = -1', doc: mutate((p) => (p.newcomer.days = -1)), path: 'newcomer.days' },
    { name: 'newcomer.days = 731', doc: mutate((p) => (p.newcomer.days = 731)), path: 'newcomer.days' },
    {
      name: 'claimProtectionDays = -1',
      doc: mutate((p) => (p.claimProtectionDays = -1)),
      path: 'claimProtectionDays',
    },
    {
      name: 'reclaimCooldownDays = 366',
      doc: mutate((p) => (p.reclaimCooldownDays = 366)),
      path: 'reclaimCooldownDays',
    },
    {
      name: 'splits not summing to 100',
      doc: mutate((p) => (p.splits.byContribution = { originator: 50, closer: 50, helper: 10 })),
      path: 'splits.byContribution',
    },
    {
      name: 'a split share above 100',
      doc: mutate((p) => (p.splits.byContribution = { originator: 120, closer: -10, helper: -10 })),
      path: 'splits.byContribution.originator',
    },
    {
      name: 'an unknown split preset',
      doc: mutate((p) => Object.assign(p.splits, { defaultPreset: 'winner_takes_all' })),
      path: 'splits.defaultPreset',
    },
    {
      name: 'an unknown preset name',
      doc: mutate((p) => Object.assign(p, { preset: 'wolves' })),
      path: 'preset',
    },
    {
      name: 'an unknown lines mode',
      doc: mutate((p) => Object.assign(p.lines, { mode: 'per_brand' })),
      path: 'lines.mode',
    },
    {
      name: 'an unknown outreach rule',
      doc: mutate((p) => Object.assign(p.contact, { nonOwnerOutreach: 'shout' })),
      path: 'contact.nonOwnerOutreach',
    },
    {
      name: 'a string where a boolean is expected',
      doc: mutate((p) => Object.assign(p.caps, { headTransferMayExceedCap: 'yes' })),
      path: 'caps.headTransferMayExceedCap',
    },
    {
      name: 'expiry.noTouchDays = 0',
      doc: mutate((p) => (p.expiry.noTouchDays = 0)),
      path: 'expiry.noTouchDays',
    },
    {
      name: 'a warning day of 0',
      doc: mutate((p) => (p.expiry.warnDaysBefore = [7, 0])),
      path: 'expiry.warnDaysBefore.1',
    },
    {
      name: 'more than 10 warning days',
      doc: mutate((p) => (p.expiry.warnDaysBefore = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1])),
      path: 'expiry.warnDaysBefore',
    },
    {
      name: 'a result tier with cap 0',
      doc: mutate((p) => (p.resultCaps.tiers[0]!.cap = 0)),
      path: 'resultCaps.tiers.0.cap',
    },
    {
      name: 'disputes.decisionDeadlineDays = 0',
      doc: mutate((p) => (p.disputes.decisionDeadlineDays = 0)),
      path: 'disputes.decisionDeadlineDays',
    },
    {
      name: 'a missing section',
      doc: mutate((p) => delete (p as Partial<Policy>).newcomer),
      path: 'newcomer',
    },
  ])('rejects $name at $path', ({ doc, path }) => {
    expect(issuePaths(doc)).toContain(path);
  });

  it('reports every invalid path at once', () => {
    const doc = mutate((p) => {
      p.caps.defaultCap = 0;
      p.splits.byContribution.helper = 20;
    });
    expect(issuePaths(doc)).toEqual(['caps.defaultCap', 'splits.byContribution']);
  });

  it('names every section of an empty document', () => {
    expect(issuePaths({})).toEqual([
      'preset',
      'lines',
      'caps',
      'newcomer',
      'claimProtectionDays',
      'reclaimCooldownDays',
      'resultCaps',
      'expiry',
      'contact',
      'disputes',
      'splits',
    ]);
  });

  it.each([
    { name: 'a custom preset', doc: mutate((p) => Object.assign(p, { preset: 'custom' })) },
    { name: 'single-owner lines (R-LINE-1)', doc: mutate((p) => (p.lines.mode = 'single_owner')) },
    { name: 'newcomers switched off', doc: mutate((p) => (p.newcomer.enabled = false)) },
    {
      name: 'no claim protection and no cooldown',
      doc: mutate((p) => {
        p.claimProtectionDays = 0;
        p.reclaimCooldownDays = 0;
      }),
    },
    { name: 'a cap of 1', doc: mutate((p) => (p.caps.defaultCap = 1)) },
    {
      name: 'a 100/0/0 split',
      doc: mutate((p) => (p.splits.byContribution = { originator: 100, closer: 0, helper: 0 })),
    },
    { name: 'no expiry warnings', doc: mutate((p) => (p.expiry.warnDaysBefore = [])) },
  ])('accepts $name', ({ doc }) => {
    expect(issuePaths(doc)).toEqual([]);
  });

  it('drops unknown keys instead of storing them', () => {
    const r = policySchema.safeParse({ ...presets.team, favouriteManager: 7 });
    expect(r.success).toBe(true);
    expect(r.data).not.toHaveProperty('favouriteManager');
  });
});

describe('isPresetName', () => {
  it.each([
    ['team', true],
    ['balanced', true],
    ['competition', true],
    ['custom', false],
    ['Team', false],
    ['wolves', false],
    ['', false],
    ['toString', false],
  ])('isPresetName(%j) is %s', (name, expected) => {
    expect(isPresetName(name)).toBe(expected);
  });
});
