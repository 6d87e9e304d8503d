import { describe, expect, it } from 'vitest';
import { type DealPatch, type DealStage, type DealState, decideDeal } from './deal.ts';

const NOW = new Date('2026-06-10T12:00:00Z');
const D = 86_400_000;
const manager = { id: 1, role: 'manager' as const };
const other = { id: 2, role: 'manager' as const };
const head = { id: 9, role: 'head' as const };

const deal = (over: Partial<DealState> = {}): DealState => ({
  stage: 'lead',
  managerId: 1,
  lineId: 1,
  legalEntityId: null,
  title: 'Spring campaign',
  amountKopecks: 150_000_00,
  expectedCloseAt: null,
  wonAt: null,
  lostAt: null,
  lostReason: null,
  signedAt: null,
  dueAt: null,
  paidAt: null,
  ...over,
});
const won = () => deal({ stage: 'won', wonAt: new Date(NOW.getTime() - D) });
const lost = () => deal({ stage: 'lost', lostAt: new Date(NOW.getTime() - D), lostReason: 'budget cut' });
const decide = (
  d: DealState | null,
  patch: DealPatch,
  actor: { id: number; role: 'manager' | 'head' } = manager,
) => decideDeal({ now: NOW, actor, deal: d, patch });

describe('stage transitions (R-DEAL-1, R-DEAL-2)', () => {
  const stages: DealStage[] = ['lead', 'proposal', 'negotiation', 'won', 'lost'];
  const from = (s: DealStage) => (s === 'won' ? won() : s === 'lost' ? lost() : deal({ stage: s }));
  // [from, to, manager's result, head's result]
  const table: [DealStage, DealStage, string, string][] = [];
  for (const f of stages)
    for (const t of stages) {
      const closed = f === 'won' || f === 'lost';
      table.push([f, t, closed && f !== t ? 'DEAL_CLOSED' : 'accepted', 'accepted']);
    }
  it.each(table)('%s → %s: manager %s, head %s', (f, t, byManager, byHead) => {
    const m = decide(from(f), { stage: t });
    expect(m.kind === 'accepted' ? 'accepted' : m.code).toBe(byManager);
    const h = decide(from(f), { stage: t }, head);
    expect(h.kind === 'accepted' ? 'accepted' : h.code).toBe(byHead);
    if (h.kind === 'accepted') expect(h.next.stage).toBe(t);
  });
});

describe('stamps and order dates (R-DEAL-3)', () => {
  it('winning stamps won_at now and emits DealWon (the hook for disputes)', () => {
    const r = decide(deal({ stage: 'negotiation' }), { stage: 'won' });
    expect(r).toMatchObject({ kind: 'accepted', next: { stage: 'won', wonAt: NOW } });
    if (r.kind === 'accepted')
      expect(r.events).toEqual([
        { type: 'DealStageChanged', from: 'negotiation', to: 'won' },
        { type: 'DealWon', wonAt: NOW },
      ]);
  });
  it('a win may be back-dated, not dated in the future', () => {
    const earlier = new Date(NOW.getTime() - 3 * D);
    expect(decide(deal(), { stage: 'won', wonAt: earlier })).toMatchObject({ next: { wonAt: earlier } });
    const r = decide(deal(), { stage: 'won', wonAt: new Date(NOW.getTime() + D) });
    expect(r).toMatchObject({
      kind: 'rejected',
      code: 'VALIDATION_FAILED',
      details: { issues: [{ path: 'body.wonAt' }] },
    });
  });
  it('creating a won deal records an order in one step', () => {
    const r = decide(null, { stage: 'won', lineId: 1, title: 'x', amountKopecks: 100, signedAt: NOW });
    expect(r).toMatchObject({ kind: 'accepted', next: { stage: 'won', wonAt: NOW, signedAt: NOW } });
    if (r.kind === 'accepted') expect(r.events.map((e) => e.type)).toEqual(['DealCreated', 'DealWon']);
  });
  it.each(['signedAt', 'dueAt', 'paidAt'] as const)('%s on an open deal is refused naming the field', (f) => {
    expect(decide(deal(), { [f]: NOW })).toMatchObject({
      kind: 'rejected',
      code: 'DEAL_NOT_WON',
      details: { field: f },
    });
  });
  it('the manager fills the order dates of their won deal; due may be ahead, paid may not', () => {
    const due = new Date(NOW.getTime() + 30 * D);
    expect(decide(won(), { signedAt: NOW, dueAt: due })).toMatchObject({
      kind: 'accepted',
      next: { dueAt: due },
    });
    expect(decide(won(), { paidAt: new Date(NOW.getTime() + D) })).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [{ path: 'body.paidAt' }] },
    });
  });
  it('losing stamps lost_at and keeps the reason; reopening clears stamps and order dates', () => {
    expect(decide(deal(), { stage: 'lost', lostReason: 'went to TV' })).toMatchObject({
      next: { stage: 'lost', lostAt: NOW, lostReason: 'went to TV' },
    });
    const reopened = decide({ ...won(), signedAt: NOW, paidAt: NOW }, { stage: 'negotiation' }, head);
    expect(reopened).toMatchObject({
      next: { stage: 'negotiation', wonAt: null, signedAt: null, paidAt: null },
      events: [{ type: 'DealReopened', from: 'won', to: 'negotiation' }],
    });
    expect(decide(lost(), { stage: 'lead' }, head)).toMatchObject({
      next: { lostAt: null, lostReason: null },
    });
  });
  it("a won deal's amount is frozen for its manager, not for a head", () => {
    expect(decide(won(), { amountKopecks: 1 })).toMatchObject({
      code: 'DEAL_CLOSED',
      details: { field: 'amountKopecks' },
    });
    expect(decide(won(), { amountKopecks: 1 }, head).kind).toBe('accepted');
    // Repeating the same value is not a change.
    expect(decide(won(), { amountKopecks: 150_000_00, paidAt: NOW }).kind).toBe('accepted');
  });
});

describe('who edits (R-DEAL-4) and money (R-DEAL-5)', () => {
  it("only the deal's manager or a head edits", () => {
    expect(decide(deal(), { title: 'y' }, other)).toMatchObject({ code: 'NOT_DEAL_MANAGER' });
    expect(decide(deal(), { title: 'y' }, head).kind).toBe('accepted');
  });
  it('a manager creates for themselves; only a head gives a deal to another manager', () => {
    expect(decide(null, { managerId: 2, lineId: 1, title: 't', amountKopecks: 0 })).toMatchObject({
      code: 'ROLE_NOT_ALLOWED',
      details: { field: 'managerId' },
    });
    expect(decide(deal(), { managerId: 2 })).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
    expect(decide(deal(), { managerId: 2 }, head)).toMatchObject({ next: { managerId: 2 } });
  });
  it.each([-1, 0.5, Number.MAX_SAFE_INTEGER + 2])('amount %s is refused', (amountKopecks) => {
    expect(decide(deal(), { amountKopecks })).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [{ path: 'body.amountKopecks' }] },
    });
  });
});
