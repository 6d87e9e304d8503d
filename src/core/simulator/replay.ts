import { isoWeekOf } from '../activity/iso-week.ts';
import { autoResolve, allocate, type DisputeEvidence, type Share } from '../disputes/dispute.ts';
import { commissionOn } from '../money/commission.ts';
import {
  decideClaim,
  decideTransfer,
  effectiveCap,
  isNewcomer,
  protectionUntil,
} from '../ownership/decide.ts';
import { decideExpiry, expiryOf } from '../ownership/expiry.ts';
import { tierFor } from '../ownership/result-caps.ts';
import type { ManagerSnapshot, OwnershipSlot, PolicyRef } from '../ownership/types.ts';
import type { Policy } from '../policy/policy.ts';
import type {
  SimCapPoint,
  SimCoveragePoint,
  SimDisputeOutcome,
  SimExpiry,
  SimLedgerEvent,
  SimManagerTotals,
  SimRefusal,
  SimRun,
  SimSnapshot,
} from './types.ts';

/**
 * One replay of the recorded history under one policy (the replay model: docs/rules.md
 * "Policy simulator"). Before `from` the ledger is folded as recorded; from `from` on:
 * - recorded claims, releases, head transfers, extensions and merges are replayed as acts, each
 *   re-decided by the ownership rules (decideClaim / decideTransfer) on the simulated state: a claim
 *   the policy refuses (cap, cooldown) is counted as refused, a release of a client the manager no
 *   longer holds in the simulation is skipped;
 * - recorded expiries, surplus releases and dispute results are NOT replayed: the simulation
 *   computes its own (expiryOf / decideExpiry at each nightly sweep, autoResolve on each won deal or
 *   meeting by a non-owner);
 * - touches and won deals happen as recorded; who owns the client at that moment (in the simulation)
 *   decides whether a touch is an owner touch (it keeps the client) and who is credited.
 */

export const DAY = 86_400_000;
/** The longest list a report carries (expiries, refusals, disputes); totals count everything. */
export const LIST_LIMIT = 2000;

type Slot = {
  clientId: number;
  lineId: number;
  ownerId: number | null;
  since: number;
  protectedUntil: number | null;
  extendedUntil: number | null;
  /** The owner's last qualifying touch since `since`. */
  lastQ: number | null;
  /** The owner's last touch of any kind since `since`. */
  lastTouch: number | null;
  /** The first won deal in this line since `since`. */
  firstWon: number | null;
  /** The sweep (day index) this slot is queued for; -1 = none. */
  bucket: number;
};

export function dayStart(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
const iso = (ms: number) => new Date(ms).toISOString();

export type ReplayOptions = {
  snapshot: SimSnapshot;
  policy: PolicyRef;
  fromDay: number;
  /** Exclusive end: the start of the day after the last replayed day. */
  endDay: number;
  clientName: (id: number) => string;
  onDay?: (done: number, total: number) => void;
};

export function replay(o: ReplayOptions): SimRun {
  const { snapshot: s, fromDay, endDay } = o;
  const policy: Policy = o.policy.policy;
  const single = policy.lines.mode === 'single_owner';
  const qualifying = new Set<string>(policy.expiry.qualifyingOutcomes);
  const lineIds = s.lines.map((l) => l.id).sort((a, b) => a - b);
  const managers = new Map(s.managers.map((m) => [m.id, m]));
  const capOverride = new Map(s.managers.map((m) => [m.id, m.capOverride]));
  const plans = new Set(s.plans.map((p) => `${p.managerId}|${p.isoWeek}|${p.clientId}`));

  // ---- state ----
  const slotsOf = new Map<number, Slot[]>();
  /** manager → client → lines held (the base is the number of clients; per line in independent mode). */
  const held = new Map<number, Map<number, number>>();
  const perLine = new Map<string, number>();
  const lastReleased = new Map<string, number>();

  const stats = new Map<number, SimManagerTotals>();
  const totalsOf = (id: number): SimManagerTotals => {
    let t = stats.get(id);
    if (!t) {
      t = {
        managerId: id,
        name: managers.get(id)?.name ?? `#${id}`,
        baseStart: 0,
        baseEnd: 0,
        claims: 0,
        refusedClaims: 0,
        expiries: 0,
        disputesWon: 0,
        disputesLost: 0,
        nonOwnerTouches: 0,
        creditedKopecks: 0,
        commissionKopecks: 0,
        coverageEndBps: 0,
      };
      stats.set(id, t);
    }
    return t;
  };
  const expiries: SimExpiry[] = [];
  let expiryCount = 0;
  const expiriesByMonth = new Map<string, number>();
  const refusals: SimRefusal[] = [];
  let refusalCount = 0;
  const disputes: SimDisputeOutcome[] = [];
  let disputeCount = 0;
  let disputesTransferred = 0;
  let disputesForHead = 0;
  let nonOwnerTouches = 0;
  /** Credited revenue per manager and month (for commission and result caps). */
  const credits = new Map<number, Map<string, number>>();
  const creditLog = new Map<number, { at: number; kopecks: number; orders: number }[]>();

  function slot(clientId: number, lineId: number): Slot {
    let list = slotsOf.get(clientId);
    if (!list) {
      list = [];
      slotsOf.set(clientId, list);
    }
    let sl = list.find((x) => x.lineId === lineId);
    if (!sl) {
      sl = {
        clientId,
        lineId,
        ownerId: null,
        since: 0,
        protectedUntil: null,
        extendedUntil: null,
        lastQ: null,
        lastTouch: null,
        firstWon: null,
        bucket: -1,
      };
      list.push(sl);
      list.sort((a, b) => a.lineId - b.lineId);
    }
    return sl;
  }

  function baseCount(managerId: number, lineId: number): number {
    if (single) return held.get(managerId)?.size ?? 0;
    return perLine.get(`${managerId}:${lineId}`) ?? 0;
  }

  function baseSize(managerId: number): number {
    return held.get(managerId)?.size ?? 0;
  }

  function account(managerId: number, sl: Slot, delta: 1 | -1) {
    let m = held.get(managerId);
    if (!m) {
      m = new Map();
      held.set(managerId, m);
    }
    const n = (m.get(sl.clientId) ?? 0) + delta;
    if (n <= 0) m.delete(sl.clientId);
    else m.set(sl.clientId, n);
    const k = `${managerId}:${sl.lineId}`;
    perLine.set(k, (perLine.get(k) ?? 0) + delta);
  }

  /** Sets the owner (no rules: the caller decided). */
  function setOwner(sl: Slot, to: number | null, at: number, protectedUntil: number | null, live: boolean) {
    if (sl.ownerId === to) {
      sl.protectedUntil = protectedUntil ?? sl.protectedUntil;
      return;
    }
    if (sl.ownerId !== null) {
      account(sl.ownerId, sl, -1);
      lastReleased.set(`${sl.ownerId}:${sl.clientId}:${sl.lineId}`, at);
    }
    sl.ownerId = to;
    sl.since = at;
    sl.protectedUntil = to === null ? null : protectedUntil;
    sl.extendedUntil = null;
    sl.lastQ = null;
    sl.lastTouch = null;
    sl.firstWon = null;
    sl.bucket = -1;
    if (to !== null) account(to, sl, 1);
    if (live) queue(sl);
  }

  function managerSnap(id: number): ManagerSnapshot {
    const m = managers.get(id);
    // Managers who have left since acted while they were active: the replay treats them as active then.
    return {
      id,
      role: m?.role ?? 'manager',
      status: 'active',
      hiredAt: new Date(m?.hiredAt ?? 0),
      capOverride: capOverride.get(id) ?? null,
    };
  }

  const ownershipSlot = (sl: Slot): OwnershipSlot => ({
    clientId: sl.clientId,
    lineId: sl.lineId,
    ownerId: sl.ownerId,
    protectedUntil: date(sl.protectedUntil),
  });

  // ---- the sweep queue: day index → slots due at that night's sweep ----
  const buckets = new Map<number, Slot[]>();
  /** The day being replayed (a slot is never queued for a sweep already run). */
  let today = 0;

  function facts(sl: Slot) {
    return {
      slot: { ...ownershipSlot(sl), ownerId: sl.ownerId! },
      since: new Date(sl.since),
      lastQualifyingTouchAt: date(sl.lastQ),
      firstWonDealAt: date(sl.firstWon),
      extendedUntil: date(sl.extendedUntil),
    };
  }

  function queue(sl: Slot) {
    if (sl.ownerId === null) {
      sl.bucket = -1;
      return;
    }
    const v = expiryOf(policy, facts(sl));
    if (!v.expiresAt) {
      sl.bucket = -1;
      return;
    }
    // The sweep of day d runs at the end of the day (fromDay + (d + 1) days): the first one at or after expiresAt.
    const d = Math.max(today, Math.ceil((v.expiresAt.getTime() - fromDay) / DAY) - 1);
    if (sl.bucket === d) return;
    sl.bucket = d;
    let b = buckets.get(d);
    if (!b) {
      b = [];
      buckets.set(d, b);
    }
    b.push(sl);
  }

  function refuse(at: number, sl: Slot, managerId: number, code: string) {
    refusalCount++;
    totalsOf(managerId).refusedClaims++;
    if (refusals.length < LIST_LIMIT)
      refusals.push({ at: iso(at), clientId: sl.clientId, lineId: sl.lineId, managerId, code });
  }

  function credit(managerId: number, at: number, kopecks: number, orders: number) {
    totalsOf(managerId).creditedKopecks += kopecks;
    let m = credits.get(managerId);
    if (!m) {
      m = new Map();
      credits.set(managerId, m);
    }
    const month = monthOf(at);
    m.set(month, (m.get(month) ?? 0) + kopecks);
    let log = creditLog.get(managerId);
    if (!log) {
      log = [];
      creditLog.set(managerId, log);
    }
    log.push({ at, kopecks, orders });
  }

  // ---- recorded acts ----
  function applyRecorded(e: SimLedgerEvent) {
    const sl = slot(e.clientId, e.lineId);
    setOwner(sl, e.toManagerId, e.at, e.protectedUntil, false);
    if (e.type === 'ExpiryExtended') sl.extendedUntil = e.extendedUntil;
  }

  function replayEvent(e: SimLedgerEvent) {
    const sl = slot(e.clientId, e.lineId);
    const now = new Date(e.at);
    const ref = o.policy;
    switch (e.type) {
      case 'ClientExpired':
      case 'DisputeResolved':
        return; // recomputed by the simulation
      case 'ExpiryExtended':
        if (sl.ownerId !== null && sl.ownerId === e.fromManagerId && e.extendedUntil !== null) {
          sl.extendedUntil = e.extendedUntil;
          queue(sl);
        }
        return;
      case 'ProtectionGranted':
        if (sl.ownerId !== null && sl.ownerId === e.toManagerId) {
          sl.protectedUntil = e.protectedUntil;
          queue(sl);
        }
        return;
      case 'ClientsMerged':
        setOwner(sl, e.toManagerId, e.at, e.protectedUntil, true);
        return;
    }
    if (e.toManagerId === null) {
      // A release (by the owner, a head, a swap, a handover to the pool): only if they still hold it here.
      if (sl.ownerId !== null && sl.ownerId === e.fromManagerId) setOwner(sl, null, e.at, null, true);
      return;
    }
    const to = e.toManagerId;
    if (e.type === 'ClientClaimed') {
      if (sl.ownerId === to) return;
      const slots = single ? lineIds.map((l) => slot(e.clientId, l)) : [sl];
      const last = lastReleased.get(`${to}:${e.clientId}:${e.lineId}`) ?? null;
      const d = decideClaim({
        policy: ref,
        now,
        actor: { kind: 'user', id: to, role: 'manager' },
        manager: managerSnap(to),
        slots: slots.map(ownershipSlot),
        baseCount: baseCount(to, e.lineId),
        lastReleasedAt: date(last),
      });
      if (d.kind === 'rejected') {
        if (d.code !== 'ALREADY_OWNER') refuse(e.at, sl, to, d.code);
        return;
      }
      totalsOf(to).claims++;
      for (const ev of d.events)
        setOwner(slot(ev.clientId, ev.lineId), to, e.at, ev.protectedUntil?.getTime() ?? null, true);
      return;
    }
    // A head's transfer (or a handover): re-decided against the target's cap; the head overrode protection then.
    if (sl.ownerId === to) return;
    const d = decideTransfer({
      policy: ref,
      now,
      actor: { kind: 'user', id: 0, role: 'head' },
      target: managerSnap(to),
      slots: [ownershipSlot(sl)],
      targetBaseCount: baseCount(to, e.lineId),
      reason: e.reasonCode,
      overrideProtection: true,
    });
    if (d.kind === 'rejected') {
      refuse(e.at, sl, to, d.code);
      return;
    }
    for (const ev of d.events) setOwner(sl, to, e.at, ev.protectedUntil?.getTime() ?? null, true);
  }

  // Touches are columns (SimTouchColumns); an outcome is a code, qualifying or not under this policy.
  const T = s.touches;
  const qualifyingCode = T.outcomes.map((x) => x !== null && qualifying.has(x));
  const meetingHeldCode = T.outcomes.indexOf('meeting_held');

  function touch(i: number, live: boolean) {
    const list = slotsOf.get(T.clientId[i]!);
    if (!list) return;
    const lineId = T.lineId[i]!;
    const authorId = T.authorId[i]!;
    const at = T.at[i]!;
    let counted = false;
    for (const sl of list) {
      if (lineId !== 0 && sl.lineId !== lineId) continue;
      if (sl.ownerId === authorId) {
        if (at >= sl.since) {
          sl.lastTouch = at;
          // Only postpones the expiry: the queued sweep re-decides and re-queues (lazy, no date maths per touch).
          if (qualifyingCode[T.outcome[i]!]) sl.lastQ = at;
        }
      } else if (live && sl.ownerId !== null) {
        if (!counted) {
          counted = true;
          nonOwnerTouches++;
          totalsOf(authorId).nonOwnerTouches++;
        }
        if (T.outcome[i] === meetingHeldCode && policy.disputes.openOnMeeting) {
          dispute(sl, authorId, at, 'meeting', null);
        }
      }
    }
  }

  function evidence(
    sl: Slot,
    claimantId: number,
    at: number,
    trigger: 'won_deal' | 'meeting',
  ): DisputeEvidence {
    const ownerId = sl.ownerId!;
    const now = new Date(at);
    const weeks = Array.from({ length: policy.disputes.planWeeks }, (_, i) =>
      isoWeekOf(new Date(at - i * 7 * DAY)),
    );
    const owner = managers.get(ownerId);
    const protectionActive = sl.protectedUntil !== null && sl.protectedUntil > at;
    return {
      openedAt: now.toISOString(),
      policyVersion: o.policy.version,
      trigger,
      deal: null,
      owner: {
        id: ownerId,
        name: owner?.name ?? '',
        since: iso(sl.since),
        touches: [],
        touchCount: 0,
        lastQualifyingTouchAt: sl.lastQ === null ? null : iso(sl.lastQ),
        plannedWeeks: weeks.filter((w) => plans.has(`${ownerId}|${w}|${sl.clientId}`)),
        newcomerProtected:
          policy.newcomer.protectClients &&
          isNewcomer(policy, { hiredAt: new Date(owner?.hiredAt ?? 0) }, now) &&
          protectionActive,
      },
      claimant: { id: claimantId, name: managers.get(claimantId)?.name ?? '', touches: [], touchCount: 0 },
      protection: {
        until: sl.protectedUntil === null ? null : iso(sl.protectedUntil),
        active: protectionActive,
      },
      identifiers: [],
    };
  }

  /** A non-owner's won deal or meeting: the policy's automatic resolution (R-DISP-3); returns the credit shares. */
  function dispute(
    sl: Slot,
    claimantId: number,
    at: number,
    trigger: 'won_deal' | 'meeting',
    deal: SimDeal | null,
  ): Share[] {
    const ownerId = sl.ownerId!;
    const verdict = autoResolve(policy, evidence(sl, claimantId, at, trigger), new Date(at));
    const closerOnly: Share[] = [{ managerId: claimantId, role: 'closer', bps: 10_000 }];
    const shares = verdict.resolution?.shares ?? closerOnly;
    disputeCount++;
    if (verdict.resolution === null) disputesForHead++;
    if (verdict.resolution?.kind === 'transfer') {
      disputesTransferred++;
      totalsOf(claimantId).disputesWon++;
      totalsOf(ownerId).disputesLost++;
      const until = protectionUntil(policy, managerSnap(claimantId), new Date(at));
      setOwner(sl, claimantId, at, until?.getTime() ?? null, true);
    }
    if (disputes.length < LIST_LIMIT) {
      disputes.push({
        at: iso(at),
        clientId: sl.clientId,
        clientName: o.clientName(sl.clientId),
        lineId: sl.lineId,
        ownerId,
        claimantId,
        trigger,
        dealId: deal?.id ?? null,
        amountKopecks: deal?.amountKopecks ?? null,
        resolution: verdict.resolution?.kind ?? null,
        rule: verdict.rule,
        why: verdict.why,
        shares: shares.map((x) => ({ managerId: x.managerId, role: x.role, bps: x.bps })),
      });
    }
    return shares;
  }

  function won(d: SimDeal, live: boolean) {
    const sl = slot(d.clientId, d.lineId);
    let shares: Share[] = [{ managerId: d.managerId, role: 'closer', bps: 10_000 }];
    if (live && sl.ownerId !== null && sl.ownerId !== d.managerId && policy.disputes.openOnWonDeal) {
      shares = dispute(sl, d.managerId, d.at, 'won_deal', d);
    }
    // An order only postpones the expiry (R-EXP-2 met): re-decided lazily at the queued sweep.
    if (sl.ownerId !== null && sl.firstWon === null && d.at >= sl.since) sl.firstWon = d.at;
    if (!live) return;
    const parts = allocate(d.amountKopecks, shares);
    shares.forEach((x, i) => {
      credit(x.managerId, d.at, parts[i]!, x.role === 'closer' ? 1 : 0);
    });
  }

  function manualDispute(m: SimSnapshot['disputes'][number]) {
    const sl = slot(m.clientId, m.lineId);
    if (sl.ownerId !== m.ownerId) return;
    disputeCount++;
    const toClaimant = m.clientTo === m.claimantId;
    if (toClaimant) {
      disputesTransferred++;
      totalsOf(m.claimantId).disputesWon++;
      totalsOf(m.ownerId).disputesLost++;
      const until = protectionUntil(policy, managerSnap(m.claimantId), new Date(m.at));
      setOwner(sl, m.claimantId, m.at, until?.getTime() ?? null, true);
    }
    if (disputes.length < LIST_LIMIT) {
      disputes.push({
        at: iso(m.at),
        clientId: m.clientId,
        clientName: o.clientName(m.clientId),
        lineId: m.lineId,
        ownerId: m.ownerId,
        claimantId: m.claimantId,
        trigger: 'manual',
        dealId: null,
        amountKopecks: null,
        resolution: m.resolution,
        rule: 'R-DISP-5',
        why: 'decided by a head (as recorded)',
        shares: [],
      });
    }
  }

  function sweep(d: number) {
    const due = buckets.get(d);
    if (!due) return;
    buckets.delete(d);
    const now = new Date(fromDay + (d + 1) * DAY);
    const base = { policy: o.policy, now, actor: { kind: 'system', job: 'simulator' } as const };
    // Sorted so that the order of the queue never shows in the report.
    due.sort((a, b) => a.clientId - b.clientId || a.lineId - b.lineId);
    for (const sl of due) {
      if (sl.bucket !== d || sl.ownerId === null) continue;
      const ev = decideExpiry(base, facts(sl));
      if (!ev) {
        sl.bucket = -1;
        queue(sl);
        continue;
      }
      const managerId = sl.ownerId;
      // The sweep runs at the end of the day: report the day itself.
      const at = now.getTime() - DAY;
      expiryCount++;
      totalsOf(managerId).expiries++;
      const month = monthOf(at);
      expiriesByMonth.set(month, (expiriesByMonth.get(month) ?? 0) + 1);
      if (expiries.length < LIST_LIMIT) {
        expiries.push({
          at: iso(at),
          clientId: sl.clientId,
          clientName: o.clientName(sl.clientId),
          lineId: sl.lineId,
          managerId,
          rule: ev.rule as 'R-EXP-1' | 'R-EXP-2',
        });
      }
      setOwner(sl, null, now.getTime(), null, true);
    }
  }

  // ---- monthly: result-cap reviews, caps, coverage ----
  const caps: SimCapPoint[] = [];
  const coverage: SimCoveragePoint[] = [];
  const sellers = s.managers
    .filter((m) => m.role !== 'admin')
    .map((m) => m.id)
    .sort((a, b) => a - b);

  function monthStart(at: number) {
    const now = new Date(at);
    if (policy.resultCaps.enabled) {
      const from = at - policy.resultCaps.windowDays * DAY;
      for (const id of sellers) {
        let revenueKopecks = 0;
        let orders = 0;
        for (const c of creditLog.get(id) ?? []) {
          if (c.at >= from && c.at < at) {
            revenueKopecks += c.kopecks;
            orders += c.orders;
          }
        }
        capOverride.set(id, tierFor(policy, { revenueKopecks, orders }).cap);
      }
    }
    for (const id of sellers) {
      const { cap, source } = effectiveCap(policy, managerSnap(id), now);
      caps.push({ month: monthOf(at), managerId: id, cap, capSource: source, base: baseSize(id) });
    }
  }

  function measureCoverage(at: number) {
    const since = at - 30 * DAY;
    const touched = new Map<number, Set<number>>();
    for (const [clientId, list] of slotsOf) {
      for (const sl of list) {
        if (sl.ownerId === null || sl.lastTouch === null || sl.lastTouch < since) continue;
        let set = touched.get(sl.ownerId);
        if (!set) {
          set = new Set();
          touched.set(sl.ownerId, set);
        }
        set.add(clientId);
      }
    }
    for (const id of sellers) {
      const base = baseSize(id);
      const t = touched.get(id)?.size ?? 0;
      coverage.push({
        month: monthOf(at - 1),
        managerId: id,
        base,
        touched30: t,
        shareBps: base === 0 ? 0 : Math.round((t * 10_000) / base),
      });
    }
  }

  // ---- the replay ----
  const { events, deals, disputes: manual } = s;
  const tAt = T.at;
  const tn = T.length;
  let ei = 0;
  let ti = 0;
  let di = 0;
  let mi = 0;
  // Before `from`: the ledger as recorded, touches and orders only as facts.
  for (;;) {
    const ne = ei < events.length && events[ei]!.at < fromDay ? events[ei]!.at : Infinity;
    const nt = ti < tn && tAt[ti]! < fromDay ? tAt[ti]! : Infinity;
    const nd = di < deals.length && deals[di]!.at < fromDay ? deals[di]!.at : Infinity;
    const next = Math.min(ne, nt, nd);
    if (next === Infinity) break;
    if (ne === next) applyRecorded(events[ei++]!);
    else if (nt === next) touch(ti++, false);
    else won(deals[di++]!, false);
  }
  while (mi < manual.length && manual[mi]!.at < fromDay) mi++;
  for (const list of slotsOf.values()) for (const sl of list) queue(sl);
  for (const id of sellers) totalsOf(id).baseStart = baseSize(id);

  const days = Math.round((endDay - fromDay) / DAY);
  for (let d = 0; d < days; d++) {
    today = d;
    const dayFrom = fromDay + d * DAY;
    const dayEnd = dayFrom + DAY;
    if (d === 0 || new Date(dayFrom).getUTCDate() === 1) monthStart(dayFrom);
    for (;;) {
      const ne = ei < events.length && events[ei]!.at < dayEnd ? events[ei]!.at : Infinity;
      const nt = ti < tn && tAt[ti]! < dayEnd ? tAt[ti]! : Infinity;
      const nd = di < deals.length && deals[di]!.at < dayEnd ? deals[di]!.at : Infinity;
      const nm = mi < manual.length && manual[mi]!.at < dayEnd ? manual[mi]!.at : Infinity;
      const next = Math.min(ne, nt, nd, nm);
      if (next === Infinity) break;
      if (ne === next) replayEvent(events[ei++]!);
      else if (nt === next) {
        // Every touch before the next other record, in one run (ties: a ledger event goes first, a
        // touch before a deal or a manual dispute at the same instant, as in the comparison above).
        const limit = Math.min(nd, nm);
        do touch(ti++, true);
        while (ti < tn && tAt[ti]! < dayEnd && tAt[ti]! < ne && tAt[ti]! <= limit);
      } else if (nd === next) won(deals[di++]!, true);
      else manualDispute(manual[mi++]!);
    }
    sweep(d);
    if (d === days - 1 || new Date(dayEnd).getUTCDate() === 1) measureCoverage(dayEnd);
    o.onDay?.(d + 1, days);
  }

  // ---- totals ----
  let creditedKopecks = 0;
  let commissionKopecks = 0;
  let baseEnd = 0;
  const lastCoverage = new Map(coverage.map((c) => [c.managerId, c.shareBps]));
  for (const id of [...stats.keys(), ...sellers]) totalsOf(id);
  for (const t of stats.values()) {
    t.baseEnd = baseSize(t.managerId);
    t.coverageEndBps = lastCoverage.get(t.managerId) ?? 0;
    for (const [, kopecks] of [...(credits.get(t.managerId) ?? new Map<string, number>())].sort()) {
      t.commissionKopecks += commissionOn(policy.commission, kopecks);
    }
    creditedKopecks += t.creditedKopecks;
    commissionKopecks += t.commissionKopecks;
    baseEnd += t.baseEnd;
  }
  const byAt = <T extends { at: string; clientId: number; lineId: number }>(a: T, b: T) =>
    a.at.localeCompare(b.at) || a.clientId - b.clientId || a.lineId - b.lineId;
  return {
    totals: {
      expiries: expiryCount,
      refusedClaims: refusalCount,
      disputes: disputeCount,
      disputesTransferred,
      disputesForHead,
      creditedKopecks,
      commissionKopecks,
      baseEnd,
      nonOwnerTouches,
    },
    expiriesByMonth: [...expiriesByMonth]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([month, count]) => ({ month, count })),
    expiries: expiries.sort(byAt),
    refusals: refusals.sort(byAt),
    disputes: disputes.sort(byAt),
    caps,
    coverage,
    managers: [...stats.values()].sort((a, b) => a.managerId - b.managerId),
  };
}

type SimDeal = SimSnapshot['deals'][number];
