import { sql } from 'drizzle-orm';
import { isoWeekOf } from '../core/activity/iso-week.ts';
import {
  autoResolve,
  type DisputeEvidence,
  decideByHead,
  decisionDeadline,
  type HeadDecision,
  type Resolution,
  type TouchFact,
} from '../core/disputes/dispute.ts';
import { isNewcomer } from '../core/ownership/decide.ts';
import type { OwnershipEvent, PolicyRef, Role } from '../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../core/outcome.ts';
import type { Executor, Tx } from '../db/connect.ts';
import { rows } from '../db/raw.ts';
import type { AppContext } from './context.ts';
import { notify } from './notifications.ts';
import { inTransaction } from './tx.ts';
import { applyEvents, loadRules, lockSlots } from './use-cases/ownership-support.ts';

const DAY = 86_400_000;

export type OpenDisputeInput = {
  now: Date;
  policy: PolicyRef;
  clientId: number;
  lineId: number;
  ownerId: number;
  claimantId: number;
  trigger: DisputeEvidence['trigger'];
  dealId?: number | null;
  reason?: string | null;
};

async function touchesOf(tx: Tx, clientId: number, authorId: number, at: Date) {
  const list = await rows<{
    occurred_at: Date | string;
    kind: string;
    outcome: string | null;
    direction: string;
  }>(
    tx,
    sql`SELECT occurred_at, kind, outcome, direction FROM touches
        WHERE client_id = ${clientId} AND author_id = ${authorId} AND occurred_at <= ${at.toISOString()}
        ORDER BY occurred_at DESC LIMIT 50`,
  );
  const [count] = await rows<{ n: string | number }>(
    tx,
    sql`SELECT count(*) AS n FROM touches WHERE client_id = ${clientId} AND author_id = ${authorId} AND occurred_at <= ${at.toISOString()}`,
  );
  const facts: TouchFact[] = list.map((t) => ({
    at: new Date(t.occurred_at).toISOString(),
    kind: t.kind,
    outcome: t.outcome,
    direction: t.direction,
  }));
  return { touches: facts, touchCount: Number(count?.n ?? 0) };
}

/** Gather the evidence the moment a dispute opens (R-DISP-2); it is stored and never updated. */
export async function gatherEvidence(tx: Tx, o: OpenDisputeInput): Promise<DisputeEvidence> {
  const p = o.policy.policy;
  const [slot] = await rows<{ since: Date | string; protected_until: Date | string | null }>(
    tx,
    sql`SELECT since, protected_until FROM ownership WHERE client_id = ${o.clientId} AND line_id = ${o.lineId}`,
  );
  const people = await rows<{ id: number; name: string; hired_at: Date | string }>(
    tx,
    sql`SELECT id, name, hired_at FROM users WHERE id IN (${o.ownerId}, ${o.claimantId})`,
  );
  const person = (id: number) => people.find((u) => u.id === id);
  const owner = await touchesOf(tx, o.clientId, o.ownerId, o.now);
  const claimant = await touchesOf(tx, o.clientId, o.claimantId, o.now);
  const [lastQ] = await rows<{ at: Date | string | null }>(
    tx,
    sql`SELECT max(occurred_at) AS at FROM touches WHERE client_id = ${o.clientId} AND author_id = ${o.ownerId}
          AND occurred_at <= ${o.now.toISOString()}
          AND outcome IN (${sql.join(
            p.expiry.qualifyingOutcomes.map((x) => sql`${x}`),
            sql`, `,
          )})`,
  );
  const weeks = Array.from({ length: p.disputes.planWeeks }, (_, i) =>
    isoWeekOf(new Date(o.now.getTime() - i * 7 * DAY)),
  );
  const planned =
    weeks.length === 0
      ? []
      : await rows<{ iso_week: string }>(
          tx,
          sql`SELECT iso_week FROM weekly_plan_items WHERE manager_id = ${o.ownerId} AND client_id = ${o.clientId}
                AND iso_week IN (${sql.join(
                  weeks.map((w) => sql`${w}`),
                  sql`, `,
                )}) ORDER BY iso_week`,
        );
  const identifiers = await rows<{
    kind: string;
    value: string;
    created_by: number | null;
    name: string | null;
    created_at: Date | string;
  }>(
    tx,
    sql`SELECT x.kind, x.value, x.created_by, u.name, x.created_at FROM (
          SELECT 'legal_entity' AS kind, coalesce(name || coalesce(' ИНН ' || inn, ''), '') AS value, created_by, created_at
            FROM legal_entities WHERE client_id = ${o.clientId}
          UNION ALL SELECT 'brand', name, created_by, created_at FROM brands WHERE client_id = ${o.clientId}
          UNION ALL SELECT 'contact', name || coalesce(' ' || array_to_string(phones, ', '), ''), created_by, created_at
            FROM contacts WHERE client_id = ${o.clientId}) x
        LEFT JOIN users u ON u.id = x.created_by
        ORDER BY x.created_at, x.kind`,
  );
  const [deal] = o.dealId
    ? await rows<{
        id: number;
        title: string;
        amount_kopecks: string | number;
        won_at: Date | string | null;
      }>(tx, sql`SELECT id, title, amount_kopecks, won_at FROM deals WHERE id = ${o.dealId}`)
    : [];
  const protectedUntil = slot?.protected_until ? new Date(slot.protected_until) : null;
  const protectionActive = protectedUntil !== null && protectedUntil > o.now;
  const ownerRow = person(o.ownerId);
  const newcomer =
    ownerRow !== undefined &&
    p.newcomer.protectClients &&
    isNewcomer(p, { hiredAt: new Date(ownerRow.hired_at) }, o.now) &&
    protectionActive;
  return {
    openedAt: o.now.toISOString(),
    policyVersion: o.policy.version,
    trigger: o.trigger,
    deal: deal
      ? {
          id: deal.id,
          title: deal.title,
          amountKopecks: Number(deal.amount_kopecks),
          wonAt: deal.won_at ? new Date(deal.won_at).toISOString() : null,
        }
      : null,
    owner: {
      id: o.ownerId,
      name: ownerRow?.name ?? '',
      since: slot ? new Date(slot.since).toISOString() : o.now.toISOString(),
      ...owner,
      lastQualifyingTouchAt: lastQ?.at ? new Date(lastQ.at).toISOString() : null,
      plannedWeeks: planned.map((r) => r.iso_week),
      newcomerProtected: newcomer,
    },
    claimant: { id: o.claimantId, name: person(o.claimantId)?.name ?? '', ...claimant },
    protection: { until: protectedUntil?.toISOString() ?? null, active: protectionActive },
    identifiers: identifiers.map((i) => ({
      kind: i.kind,
      value: i.value,
      createdBy: i.created_by,
      createdByName: i.name,
      createdAt: new Date(i.created_at).toISOString(),
    })),
  };
}

/**
 * Open a dispute in the caller's transaction (R-DISP-1) and let the policy settle it at once where
 * it can (R-DISP-3, R-DISP-4). A client with an open dispute in the line gets no second one: null.
 */
export async function openDispute(tx: Tx, o: OpenDisputeInput): Promise<number | null> {
  const evidence = await gatherEvidence(tx, o);
  const deadline = decisionDeadline(o.now, o.policy.policy.disputes.decisionDeadlineDays);
  const [row] = await rows<{ id: number }>(
    tx,
    sql`INSERT INTO disputes (client_id, line_id, owner_id, claimant_id, deal_id, trigger, reason, opened_at, deadline_at,
                              policy_version, evidence)
        VALUES (${o.clientId}, ${o.lineId}, ${o.ownerId}, ${o.claimantId}, ${o.dealId ?? null}, ${o.trigger}, ${o.reason ?? null},
                ${o.now.toISOString()}, ${deadline.toISOString()}, ${o.policy.version}, ${JSON.stringify(evidence)}::jsonb)
        ON CONFLICT (client_id, line_id) WHERE status = 'open' DO NOTHING
        RETURNING id`,
  );
  if (!row) return null;
  const id = row.id;
  const name = await clientName(tx, o.clientId);
  const verdict = autoResolve(o.policy.policy, evidence, o.now);
  if (verdict.resolution) {
    await resolve(tx, {
      id,
      now: o.now,
      policy: o.policy,
      evidence,
      clientId: o.clientId,
      lineId: o.lineId,
      dealId: o.dealId ?? null,
      resolution: verdict.resolution,
      clientTo: verdict.resolution.kind === 'transfer' ? 'claimant' : 'owner',
      decidedBy: null,
      rule: verdict.rule,
      comment: verdict.why,
    });
    return id;
  }
  const text = `Спор о клиенте «${name}»: ${evidence.claimant.name} ${triggerText(o.trigger)}, владелец — ${evidence.owner.name}. Решение руководителя до ${deadline.toISOString().slice(0, 10)}.`;
  for (const userId of [o.ownerId, o.claimantId])
    await notify(tx, o.now, userId, 'dispute_opened', {
      disputeId: id,
      clientId: o.clientId,
      title: `Спор о клиенте «${name}»`,
      text,
    });
  const heads = await rows<{ id: number }>(
    tx,
    sql`SELECT id FROM users WHERE role = 'head' AND status = 'active'`,
  );
  for (const h of heads)
    await notify(tx, o.now, h.id, 'dispute_to_decide', {
      disputeId: id,
      clientId: o.clientId,
      title: `Нужно решение: спор о «${name}»`,
      text,
    });
  return id;
}

function triggerText(t: DisputeEvidence['trigger']) {
  return t === 'won_deal' ? 'выиграл сделку' : t === 'meeting' ? 'провёл встречу' : 'просит клиента себе';
}

async function clientName(ex: Executor, clientId: number): Promise<string> {
  const [c] = await rows<{ display_name: string }>(
    ex,
    sql`SELECT display_name FROM clients WHERE id = ${clientId}`,
  );
  return c?.display_name ?? `#${clientId}`;
}

type ResolveInput = {
  id: number;
  now: Date;
  policy: PolicyRef;
  evidence: DisputeEvidence;
  clientId: number;
  lineId: number;
  dealId: number | null;
  resolution: Resolution;
  clientTo: 'owner' | 'claimant';
  decidedBy: number | null;
  rule: string;
  comment: string;
};

/**
 * Carry out a resolution: the ledger records it (R-DISP-7: `DisputeResolved`, to the claimant with
 * reason DISPUTE_TRANSFER, or kept with DISPUTE_KEPT), the order's credit is replaced by the
 * shares (R-CREDIT-2), the dispute row is closed, both managers are told.
 */
async function resolve(tx: Tx, r: ResolveInput): Promise<void> {
  const ownerId = r.evidence.owner.id;
  const claimantId = r.evidence.claimant.id;
  const slots = await lockSlots(tx, [r.clientId], [r.lineId]);
  const slot = slots[0];
  const toClaimant = r.clientTo === 'claimant';
  if (slot) {
    // The owner may have changed since the dispute opened (released, expired): then only the credit is settled.
    const stillOwner = slot.ownerId === ownerId;
    const event: OwnershipEvent = {
      type: 'DisputeResolved',
      clientId: r.clientId,
      lineId: r.lineId,
      fromManagerId: slot.ownerId,
      toManagerId: toClaimant && stillOwner ? claimantId : slot.ownerId,
      actor: r.decidedBy === null ? 'system:disputes' : `user:${r.decidedBy}`,
      reasonCode: toClaimant && stillOwner ? 'DISPUTE_TRANSFER' : 'DISPUTE_KEPT',
      rule: r.rule,
      policyVersion: r.policy.version,
      occurredAt: r.now,
      protectedUntil: toClaimant && stillOwner ? null : slot.protectedUntil,
      details: {
        disputeId: r.id,
        resolution: r.resolution.kind,
        shares: r.resolution.shares,
        comment: r.comment,
        ...(toClaimant && !stillOwner ? { ownerChanged: true } : {}),
      },
    };
    await applyEvents(tx, [event]);
  }
  if (r.dealId !== null) {
    await tx.execute(sql`DELETE FROM deal_credits WHERE deal_id = ${r.dealId}`);
    for (const s of r.resolution.shares)
      await tx.execute(
        sql`INSERT INTO deal_credits (deal_id, manager_id, role, share_bps, source, dispute_id, set_at)
            VALUES (${r.dealId}, ${s.managerId}, ${s.role}, ${s.bps}, 'dispute', ${r.id}, ${r.now.toISOString()})`,
      );
  }
  await tx.execute(
    sql`UPDATE disputes SET status = 'resolved', resolution = ${r.resolution.kind},
          client_to = ${toClaimant ? claimantId : ownerId}, shares = ${JSON.stringify(r.resolution.shares)}::jsonb,
          decided_by = ${r.decidedBy}, decided_at = ${r.now.toISOString()}, decision_rule = ${r.rule}, comment = ${r.comment}
        WHERE id = ${r.id}`,
  );
  const name = await clientName(tx, r.clientId);
  const pct = r.resolution.shares
    .map(
      (s) => `${s.managerId === ownerId ? r.evidence.owner.name : r.evidence.claimant.name} ${s.bps / 100} %`,
    )
    .join(', ');
  const text = `Спор о клиенте «${name}» решён (${r.rule}${r.decidedBy === null ? ', автоматически' : ''}): клиент ${
    toClaimant ? `переходит к ${r.evidence.claimant.name}` : `остаётся у ${r.evidence.owner.name}`
  }; зачёт: ${pct}. ${r.comment}`;
  for (const userId of [ownerId, claimantId])
    await notify(tx, r.now, userId, 'dispute_resolved', {
      disputeId: r.id,
      clientId: r.clientId,
      title: `Спор о «${name}» решён`,
      text,
    });
}

export type DisputeRow = {
  id: number;
  client_id: number;
  client_name: string;
  line_id: number;
  owner_id: number;
  claimant_id: number;
  deal_id: number | null;
  trigger: DisputeEvidence['trigger'];
  reason: string | null;
  status: 'open' | 'resolved';
  opened_at: Date | string;
  deadline_at: Date | string;
  policy_version: number;
  evidence: DisputeEvidence;
  resolution: 'keep' | 'transfer' | 'split' | null;
  client_to: number | null;
  shares: { managerId: number; role: string; bps: number }[] | null;
  decided_by: number | null;
  decided_at: Date | string | null;
  decision_rule: string | null;
  comment: string | null;
};

export function disputeView(r: DisputeRow) {
  return {
    id: r.id,
    clientId: r.client_id,
    clientName: r.client_name,
    lineId: r.line_id,
    ownerId: r.owner_id,
    claimantId: r.claimant_id,
    dealId: r.deal_id,
    trigger: r.trigger,
    reason: r.reason,
    status: r.status,
    openedAt: new Date(r.opened_at),
    deadlineAt: new Date(r.deadline_at),
    policyVersion: r.policy_version,
    evidence: r.evidence,
    resolution: r.resolution,
    clientTo: r.client_to,
    shares: r.shares,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? new Date(r.decided_at) : null,
    decisionRule: r.decision_rule,
    comment: r.comment,
  };
}

const SELECT = sql`SELECT d.*, c.display_name AS client_name FROM disputes d JOIN clients c ON c.id = d.client_id`;

export async function getDispute(ex: Executor, id: number) {
  const [r] = await rows<DisputeRow>(ex, sql`${SELECT} WHERE d.id = ${id}`);
  return r ? disputeView(r) : null;
}

export async function listDisputes(
  ex: Executor,
  f: { status?: 'open' | 'resolved' | undefined; involving?: number | undefined; limit: number },
) {
  const found = await rows<DisputeRow>(
    ex,
    sql`${SELECT} WHERE true
          ${f.status ? sql`AND d.status = ${f.status}` : sql``}
          ${f.involving === undefined ? sql`` : sql`AND (d.owner_id = ${f.involving} OR d.claimant_id = ${f.involving})`}
        ORDER BY d.status, d.opened_at DESC LIMIT ${f.limit}`,
  );
  return found.map(disputeView);
}

type Actor = { kind: 'user'; id: number; role: Role };

/** R-DISP-1: a manager asks for a client someone else owns ("I can close this client"), with a reason. */
export async function openDisputeByHand(
  ctx: AppContext,
  cmd: { actor: Actor; clientId: number; lineId?: number; reason: string },
): Promise<Outcome<number>> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const rules = await loadRules(tx, cmd.lineId);
    if (!rules.ok) return rules;
    const lineId = rules.value.lineIds[0]!;
    const [slot] = await lockSlots(tx, [cmd.clientId], [lineId]);
    if (!slot) return fail('NOT_FOUND', { entity: 'client', clientId: cmd.clientId });
    if (slot.ownerId === null) return fail('CLIENT_IN_POOL', { clientId: cmd.clientId });
    if (slot.ownerId === cmd.actor.id) return fail('ALREADY_OWNER', { clientId: cmd.clientId });
    const id = await openDispute(tx, {
      now,
      policy: rules.value.policy,
      clientId: cmd.clientId,
      lineId,
      ownerId: slot.ownerId,
      claimantId: cmd.actor.id,
      trigger: 'manual',
      reason: cmd.reason,
    });
    if (id === null) return fail('DISPUTE_ALREADY_OPEN', { clientId: cmd.clientId, lineId });
    return ok(id);
  });
}

/** R-DISP-5: a head decides an open dispute. */
export async function decideDispute(
  ctx: AppContext,
  cmd: { actor: Actor; disputeId: number; decision: HeadDecision },
): Promise<Outcome<ReturnType<typeof disputeView>>> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    if (cmd.actor.role !== 'head') return fail('ROLE_NOT_ALLOWED', { role: cmd.actor.role });
    const [d] = await rows<DisputeRow>(tx, sql`${SELECT} WHERE d.id = ${cmd.disputeId} FOR UPDATE OF d`);
    if (!d) return fail('NOT_FOUND', { entity: 'dispute', disputeId: cmd.disputeId });
    if (d.status !== 'open') return fail('DISPUTE_CLOSED', { disputeId: d.id, resolution: d.resolution });
    const v = decideByHead(d.evidence, cmd.decision);
    if (!v.ok)
      return fail('VALIDATION_FAILED', { issues: [{ path: `body.${v.field}`, message: v.message }] });
    const rules = await loadRules(tx, d.line_id);
    if (!rules.ok) return rules;
    await resolve(tx, {
      id: d.id,
      now,
      policy: rules.value.policy,
      evidence: d.evidence,
      clientId: d.client_id,
      lineId: d.line_id,
      dealId: d.deal_id,
      resolution: v.resolution,
      clientTo: v.clientTo,
      decidedBy: cmd.actor.id,
      rule: 'R-DISP-5',
      comment: cmd.decision.comment.trim(),
    });
    return ok((await getDispute(tx, d.id))!);
  });
}
