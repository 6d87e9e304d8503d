import { addDays } from './decide.ts';
import { type Actor, actorLabel, type OwnershipEvent, type PolicyRef } from './types.ts';

/**
 * Handover of a base (C17) as pure rules: who gets which client of a manager who leaves or goes on
 * leave, previewed before it is applied.
 */

export type HandoverClient = {
  clientId: number;
  lineId: number;
  displayName: string;
  revenueKopecks: number;
  marked: boolean;
};
export type Receiver = { id: number; name: string; cap: number; base: number; revenueKopecks: number };
export type Strategy = 'manual' | 'round_robin' | 'by_results';

export type PlanItem = {
  clientId: number;
  lineId: number;
  displayName: string;
  /** null = to the pool (nobody had room). */
  toManagerId: number | null;
  key: boolean;
  overCap: boolean;
};

export type HandoverPlan = {
  items: PlanItem[];
  receivers: (Receiver & { receiving: number; newBase: number; overCap: boolean })[];
  toPool: number;
};

/**
 * R-HAND-1: the distribution. `manual`: the head's assignment for each client (a client not
 * assigned goes to the pool). `round_robin`: each client (largest revenue first) to the receiver
 * with the most free room under their cap. `by_results`: receivers in order of their results fill
 * up to their caps, the best first. Clients that fit nowhere go to the pool. Key clients
 * (R-HAND-2) are the marked ones and the top `keyTop` by revenue (revenue > 0).
 */
export function planHandover(input: {
  clients: HandoverClient[];
  receivers: Receiver[];
  strategy: Strategy;
  assignments?: Map<number, number>;
  keyTop: number;
}): HandoverPlan {
  const byRevenue = [...input.clients].sort(
    (a, b) => b.revenueKopecks - a.revenueKopecks || a.clientId - b.clientId,
  );
  const keyIds = new Set(
    byRevenue
      .filter((c) => c.revenueKopecks > 0)
      .slice(0, input.keyTop)
      .map((c) => c.clientId),
  );
  for (const c of input.clients) if (c.marked) keyIds.add(c.clientId);
  const load = new Map(input.receivers.map((r) => [r.id, 0]));
  const free = (r: Receiver) => r.cap - r.base - (load.get(r.id) ?? 0);
  const items: PlanItem[] = [];
  const ranked = [...input.receivers].sort((a, b) => b.revenueKopecks - a.revenueKopecks || a.id - b.id);
  for (const c of byRevenue) {
    let to: Receiver | undefined;
    if (input.strategy === 'manual') {
      const id = input.assignments?.get(c.clientId);
      to = id === undefined ? undefined : input.receivers.find((r) => r.id === id);
    } else if (input.strategy === 'round_robin') {
      to = [...input.receivers]
        .filter((r) => free(r) > 0)
        .sort((a, b) => free(b) - free(a) || a.id - b.id)[0];
    } else {
      to = ranked.find((r) => free(r) > 0);
    }
    const overCap = to !== undefined && free(to) <= 0;
    if (to) load.set(to.id, (load.get(to.id) ?? 0) + 1);
    items.push({
      clientId: c.clientId,
      lineId: c.lineId,
      displayName: c.displayName,
      toManagerId: to?.id ?? null,
      key: keyIds.has(c.clientId),
      overCap,
    });
  }
  return {
    items,
    receivers: input.receivers.map((r) => {
      const receiving = load.get(r.id) ?? 0;
      return { ...r, receiving, newBase: r.base + receiving, overCap: r.base + receiving > r.cap };
    }),
    toPool: items.filter((i) => i.toManagerId === null).length,
  };
}

/** R-HAND-3: the ledger events of an applied plan; receivers get `protectionDays` of protection. */
export function handoverEvents(
  base: { policy: PolicyRef; now: Date; actor: Actor },
  fromManagerId: number,
  plan: HandoverPlan,
  handoverId: number,
  protectionDays: number,
): OwnershipEvent[] {
  return plan.items.map((i) => ({
    type: i.toManagerId === null ? 'ClientReleased' : 'OwnershipTransferred',
    clientId: i.clientId,
    lineId: i.lineId,
    fromManagerId,
    toManagerId: i.toManagerId,
    actor: actorLabel(base.actor),
    reasonCode: i.toManagerId === null ? 'HANDOVER_TO_POOL' : 'HANDOVER',
    rule: 'R-HAND-1',
    policyVersion: base.policy.version,
    occurredAt: base.now,
    protectedUntil: i.toManagerId === null || protectionDays === 0 ? null : addDays(base.now, protectionDays),
    details: { handoverId, ...(i.key ? { key: true } : {}), ...(i.overCap ? { overCap: true } : {}) },
  }));
}
