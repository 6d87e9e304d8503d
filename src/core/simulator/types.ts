import type { CapSource } from '../ownership/decide.ts';
import type { Role } from '../ownership/types.ts';
import type { Policy } from '../policy/policy.ts';

/**
 * The policy simulator (C19): the recorded history, loaded once, replayed day by day under a
 * candidate policy beside the current one. Instants are epoch milliseconds (UTC) so that a
 * million touches cost no Date objects until a rule needs one. Every list is sorted by (at, id);
 * the loader reads it in that order and the core checks (and sorts if it must).
 */

export type SimManager = {
  id: number;
  name: string;
  role: Role;
  hiredAt: number;
  /** The stored per-manager cap (users.cap_override); result-cap reviews replace it when the policy runs them. */
  capOverride: number | null;
};

export type SimLine = { id: number; name: string };
export type SimClient = { id: number; name: string };

/** One recorded ledger event (ownership_events). */
export type SimLedgerEvent = {
  id: number;
  at: number;
  clientId: number;
  lineId: number;
  type: string;
  reasonCode: string;
  fromManagerId: number | null;
  toManagerId: number | null;
  protectedUntil: number | null;
  /** ExpiryExtended: the new date (details.until). */
  extendedUntil: number | null;
};

export type SimTouch = {
  id: number;
  at: number;
  clientId: number;
  /** null = the touch concerns every line of the client. */
  lineId: number | null;
  authorId: number;
  outcome: string | null;
};

/**
 * The touches as columns, row i of every array being one touch, in (at, id) order for the replay
 * (the core reorders a snapshot that is not). A million touch objects cost the loader and the garbage
 * collector more than the replay itself did (bench:simulate); typed arrays cost neither. The kind of a
 * touch is not read: what counts is who touched the client, when, and with which outcome.
 */
export type SimTouchColumns = {
  length: number;
  id: Float64Array;
  at: Float64Array;
  clientId: Int32Array;
  /** 0 = the touch concerns every line of the client (line ids start at 1). */
  lineId: Int32Array;
  authorId: Int32Array;
  /** Index into `outcomes`; 0 = no outcome. */
  outcome: Uint16Array;
  /** The distinct outcomes; `outcomes[0]` is null. */
  outcomes: (string | null)[];
};

/** A won deal (an order), at its won_at. */
export type SimDeal = {
  id: number;
  at: number;
  clientId: number;
  lineId: number;
  managerId: number;
  amountKopecks: number;
};

/** One client of one weekly plan. */
export type SimPlanItem = { managerId: number; isoWeek: string; clientId: number };

/**
 * A recorded dispute opened by hand (trigger manual) and decided by a head: replayed at its decision.
 * Disputes opened by a won deal or a meeting are not read: the replay opens its own from the deals and touches.
 */
export type SimManualDispute = {
  id: number;
  at: number;
  clientId: number;
  lineId: number;
  ownerId: number;
  claimantId: number;
  resolution: 'keep' | 'transfer' | 'split';
  /** Who got the client (users.id). */
  clientTo: number | null;
};

export type SimSnapshot = {
  managers: SimManager[];
  lines: SimLine[];
  clients: SimClient[];
  events: SimLedgerEvent[];
  touches: SimTouchColumns;
  deals: SimDeal[];
  plans: SimPlanItem[];
  disputes: SimManualDispute[];
};

export type SimulationInput = {
  snapshot: SimSnapshot;
  current: { version: number; policy: Policy };
  candidate: Policy;
  /** First day replayed under the rules (UTC day of this instant). */
  from: number;
  /** Last day replayed (inclusive, UTC day of this instant). */
  to: number;
};

export type Progress = (p: { done: number; total: number; phase: 'current' | 'candidate' }) => void;

export type SimExpiry = {
  at: string;
  clientId: number;
  clientName: string;
  lineId: number;
  managerId: number;
  rule: 'R-EXP-1' | 'R-EXP-2';
};

export type SimRefusal = { at: string; clientId: number; lineId: number; managerId: number; code: string };

export type SimDisputeOutcome = {
  at: string;
  clientId: number;
  clientName: string;
  lineId: number;
  ownerId: number;
  claimantId: number;
  trigger: 'won_deal' | 'meeting' | 'manual';
  dealId: number | null;
  amountKopecks: number | null;
  /** null = left to a head (the credit stays with the closer until then). */
  resolution: 'keep' | 'transfer' | 'split' | null;
  rule: string;
  why: string;
  shares: { managerId: number; role: string; bps: number }[];
};

export type SimCapPoint = {
  month: string;
  managerId: number;
  cap: number;
  capSource: CapSource;
  /** Clients held on the first day of the month. */
  base: number;
};

export type SimCoveragePoint = {
  /** The month whose last day it was measured on (or the last day replayed). */
  month: string;
  managerId: number;
  base: number;
  /** Clients of the base the owner touched in the 30 days before. */
  touched30: number;
  /** touched30 / base in basis points (10,000 = 100 %); 0 for an empty base. */
  shareBps: number;
};

export type SimManagerTotals = {
  managerId: number;
  name: string;
  baseStart: number;
  baseEnd: number;
  claims: number;
  refusedClaims: number;
  expiries: number;
  disputesWon: number;
  disputesLost: number;
  nonOwnerTouches: number;
  creditedKopecks: number;
  commissionKopecks: number;
  coverageEndBps: number;
};

export type SimRun = {
  totals: {
    expiries: number;
    refusedClaims: number;
    disputes: number;
    disputesTransferred: number;
    disputesForHead: number;
    creditedKopecks: number;
    commissionKopecks: number;
    baseEnd: number;
    nonOwnerTouches: number;
  };
  expiriesByMonth: { month: string; count: number }[];
  /** The first LIST_LIMIT items, by date; totals count all. */
  expiries: SimExpiry[];
  refusals: SimRefusal[];
  disputes: SimDisputeOutcome[];
  caps: SimCapPoint[];
  coverage: SimCoveragePoint[];
  managers: SimManagerTotals[];
};

export type SimGain = {
  managerId: number;
  name: string;
  baseEnd: { current: number; candidate: number; delta: number };
  expiries: { current: number; candidate: number; delta: number };
  creditedKopecks: { current: number; candidate: number; delta: number };
  commissionKopecks: { current: number; candidate: number; delta: number };
};

export type SimExpiredClient = {
  clientId: number;
  clientName: string;
  lineId: number;
  /** The first expiry of this client in this line under each policy (ISO), and who lost it. */
  current: { at: string; managerId: number } | null;
  candidate: { at: string; managerId: number } | null;
};

export type SimulationReport = {
  from: string;
  to: string;
  days: number;
  currentVersion: number;
  /** The policy fields the candidate changes (dot paths), with both values. */
  changes: { path: string; current: unknown; candidate: unknown }[];
  candidate: Policy;
  managers: { id: number; name: string }[];
  current: SimRun;
  candidateRun: SimRun;
  gains: SimGain[];
  /** Client-line pairs that expire under at least one policy, first expiry under each. */
  expiredClients: SimExpiredClient[];
  limits: { listLimit: number; truncated: boolean };
};
