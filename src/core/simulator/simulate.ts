import type { Policy } from '../policy/policy.ts';
import { orderTouches } from './order.ts';
import { DAY, dayStart, LIST_LIMIT, replay } from './replay.ts';
import type {
  Progress,
  SimExpiredClient,
  SimGain,
  SimRun,
  SimSnapshot,
  SimulationInput,
  SimulationReport,
} from './types.ts';

/**
 * The policy simulator (C19): the same recorded history replayed under the current policy and under
 * a candidate, side by side. Pure and deterministic: the same snapshot and policies give the same
 * report (no clock, no randomness, every list sorted).
 */
export function simulate(input: SimulationInput, onProgress?: Progress): SimulationReport {
  const snapshot = sorted(input.snapshot);
  const fromDay = dayStart(input.from);
  const endDay = dayStart(input.to) + DAY;
  if (endDay <= fromDay) throw new Error('simulate: `to` is before `from`');
  const names = new Map(snapshot.clients.map((c) => [c.id, c.name]));
  const clientName = (id: number) => names.get(id) ?? `#${id}`;
  const run = (policy: Policy, version: number, phase: 'current' | 'candidate') =>
    replay({
      snapshot,
      policy: { version, policy },
      fromDay,
      endDay,
      clientName,
      ...(onProgress
        ? {
            onDay: (done: number, total: number) =>
              onProgress({ done: phase === 'current' ? done : total + done, total: total * 2, phase }),
          }
        : {}),
    });
  const current = run(input.current.policy, input.current.version, 'current');
  const candidateRun = run(input.candidate, 0, 'candidate');
  const managers = snapshot.managers
    .filter((m) => m.role !== 'admin')
    .map((m) => ({ id: m.id, name: m.name }))
    .sort((a, b) => a.id - b.id);
  return {
    from: new Date(fromDay).toISOString(),
    to: new Date(endDay - DAY).toISOString(),
    days: Math.round((endDay - fromDay) / DAY),
    currentVersion: input.current.version,
    changes: policyChanges(input.current.policy, input.candidate),
    candidate: input.candidate,
    managers,
    current,
    candidateRun,
    gains: gains(current, candidateRun),
    expiredClients: expiredClients(current, candidateRun),
    limits: {
      listLimit: LIST_LIMIT,
      truncated: [current, candidateRun].some(
        (r) =>
          r.totals.expiries > r.expiries.length ||
          r.totals.refusedClaims > r.refusals.length ||
          r.totals.disputes > r.disputes.length,
      ),
    },
  };
}

/** Who gains, who loses: per manager, the end base, expiries and credited revenue under both; biggest revenue gain first. */
export function gains(current: SimRun, candidate: SimRun): SimGain[] {
  const ids = [...new Set([...current.managers, ...candidate.managers].map((m) => m.managerId))];
  const cur = new Map(current.managers.map((m) => [m.managerId, m]));
  const cand = new Map(candidate.managers.map((m) => [m.managerId, m]));
  const pair = (a: number, b: number) => ({ current: a, candidate: b, delta: b - a });
  return ids
    .map((id) => {
      const a = cur.get(id);
      const b = cand.get(id);
      return {
        managerId: id,
        name: a?.name ?? b?.name ?? `#${id}`,
        baseEnd: pair(a?.baseEnd ?? 0, b?.baseEnd ?? 0),
        expiries: pair(a?.expiries ?? 0, b?.expiries ?? 0),
        creditedKopecks: pair(a?.creditedKopecks ?? 0, b?.creditedKopecks ?? 0),
        commissionKopecks: pair(a?.commissionKopecks ?? 0, b?.commissionKopecks ?? 0),
      };
    })
    .sort(
      (x, y) =>
        y.creditedKopecks.delta - x.creditedKopecks.delta ||
        y.baseEnd.delta - x.baseEnd.delta ||
        x.managerId - y.managerId,
    );
}

function expiredClients(current: SimRun, candidate: SimRun): SimExpiredClient[] {
  const rows = new Map<string, SimExpiredClient>();
  const add = (run: SimRun, side: 'current' | 'candidate') => {
    for (const e of run.expiries) {
      const key = `${e.clientId}:${e.lineId}`;
      let row = rows.get(key);
      if (!row) {
        row = {
          clientId: e.clientId,
          clientName: e.clientName,
          lineId: e.lineId,
          current: null,
          candidate: null,
        };
        rows.set(key, row);
      }
      if (row[side] === null) row[side] = { at: e.at, managerId: e.managerId };
    }
  };
  add(current, 'current');
  add(candidate, 'candidate');
  const first = (r: SimExpiredClient) =>
    [r.candidate?.at, r.current?.at].filter((x): x is string => !!x).sort()[0] ?? '';
  return [...rows.values()].sort(
    (a, b) => first(a).localeCompare(first(b)) || a.clientId - b.clientId || a.lineId - b.lineId,
  );
}

/** The leaves of the candidate that differ from the current policy (arrays compared whole). */
export function policyChanges(a: unknown, b: unknown, path = ''): SimulationReport['changes'] {
  const isObj = (x: unknown): x is Record<string, unknown> =>
    !!x && typeof x === 'object' && !Array.isArray(x);
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => policyChanges(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path, current: a ?? null, candidate: b ?? null }];
}

function isSorted<T extends { at: number; id: number }>(list: T[]): boolean {
  for (let i = 1; i < list.length; i++) {
    const p = list[i - 1]!;
    const c = list[i]!;
    if (p.at > c.at || (p.at === c.at && p.id > c.id)) return false;
  }
  return true;
}

function byTime<T extends { at: number; id: number }>(list: T[]): T[] {
  return isSorted(list) ? list : [...list].sort((x, y) => x.at - y.at || x.id - y.id);
}

/** The replay needs every stream in (time, id) order; the loader reads them so, anything else is sorted here. */
function sorted(s: SimSnapshot): SimSnapshot {
  return {
    ...s,
    managers: [...s.managers].sort((a, b) => a.id - b.id),
    lines: [...s.lines].sort((a, b) => a.id - b.id),
    events: byTime(s.events),
    touches: orderTouches(s.touches),
    deals: byTime(s.deals),
    disputes: byTime(s.disputes),
  };
}
