import { sql } from 'drizzle-orm';
import { type DealEvent, type DealPatch, type DealState, decideDeal } from '../../core/activity/deal.ts';
import type { Role } from '../../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { Tx } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';
import type { AppContext } from '../context.ts';
import { type DealView, getDeal } from '../queries/deals.ts';
import { inTransaction } from '../tx.ts';
import { openDispute } from '../disputes.ts';
import { loadRules } from './ownership-support.ts';

type Actor = { kind: 'user'; id: number; role: Role };

/**
 * What a deal change did. A `DealWon` event carries the client's owners in the deal's line and whether
 * the deal's manager is one of them: the place where disputes (C11) will hook in.
 */
export type DealChangeEvent =
  | Exclude<DealEvent, { type: 'DealWon' }>
  | (Extract<DealEvent, { type: 'DealWon' }> & {
      ownerIds: number[];
      byNonOwner: boolean;
      disputeId: number | null;
    });
export type DealChanged = { deal: DealView; events: DealChangeEvent[] };

export type DealInput = DealPatch & { lineId?: number };

export async function createDeal(
  ctx: AppContext,
  cmd: { actor: Actor; clientId: number; input: DealInput },
): Promise<Outcome<DealChanged>> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const client = await clientRow(tx, cmd.clientId);
    if (!client.ok) return client;
    const rules = await loadRules(tx, cmd.input.lineId);
    if (!rules.ok) return rules;
    const lineId = cmd.input.lineId ?? rules.value.lineIds[0]!;
    const refs = await checkRefs(tx, cmd.clientId, cmd.input);
    if (!refs.ok) return refs;
    const decision = decideDeal({
      now,
      actor: cmd.actor,
      deal: null,
      patch: { ...cmd.input, lineId, managerId: cmd.input.managerId ?? cmd.actor.id },
    });
    if (decision.kind === 'rejected') return fail(decision.code, decision.details);
    const n = decision.next;
    const [row] = await rows<{ id: number }>(
      tx,
      sql`INSERT INTO deals (client_id, line_id, manager_id, legal_entity_id, title, stage, amount_kopecks,
            expected_close_at, won_at, lost_at, lost_reason, signed_at, due_at, paid_at, created_by, created_at, updated_at)
          VALUES (${cmd.clientId}, ${n.lineId}, ${n.managerId}, ${n.legalEntityId}, ${n.title}, ${n.stage},
            ${n.amountKopecks}, ${n.expectedCloseAt}, ${n.wonAt}, ${n.lostAt}, ${n.lostReason}, ${n.signedAt},
            ${n.dueAt}, ${n.paidAt}, ${cmd.actor.id}, ${now}, ${now})
          RETURNING id`,
    );
    const deal = (await getDeal(tx, row!.id))!;
    return ok({ deal, events: await withOwners(tx, deal, decision.events, now) });
  });
}

export async function updateDeal(
  ctx: AppContext,
  cmd: { actor: Actor; dealId: number; input: DealInput },
): Promise<Outcome<DealChanged>> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const [locked] = await rows<{ id: number }>(
      tx,
      sql`SELECT id FROM deals WHERE id = ${cmd.dealId} FOR UPDATE`,
    );
    if (!locked) return fail('NOT_FOUND', { entity: 'deal', dealId: cmd.dealId });
    const current = (await getDeal(tx, cmd.dealId))!;
    if (cmd.input.lineId !== undefined) {
      const rules = await loadRules(tx, cmd.input.lineId);
      if (!rules.ok) return rules;
    }
    const refs = await checkRefs(tx, current.clientId, cmd.input);
    if (!refs.ok) return refs;
    const decision = decideDeal({ now, actor: cmd.actor, deal: stateOf(current), patch: cmd.input });
    if (decision.kind === 'rejected') return fail(decision.code, decision.details);
    const n = decision.next;
    await tx.execute(
      sql`UPDATE deals SET line_id = ${n.lineId}, manager_id = ${n.managerId}, legal_entity_id = ${n.legalEntityId},
            title = ${n.title}, stage = ${n.stage}, amount_kopecks = ${n.amountKopecks},
            expected_close_at = ${n.expectedCloseAt}, won_at = ${n.wonAt}, lost_at = ${n.lostAt},
            lost_reason = ${n.lostReason}, signed_at = ${n.signedAt}, due_at = ${n.dueAt}, paid_at = ${n.paidAt},
            updated_at = ${now}
          WHERE id = ${cmd.dealId}`,
    );
    const deal = (await getDeal(tx, cmd.dealId))!;
    return ok({ deal, events: await withOwners(tx, deal, decision.events, now) });
  });
}

function stateOf(v: DealView): DealState {
  const { stage, managerId, lineId, legalEntityId, title, amountKopecks, expectedCloseAt, wonAt, lostAt } = v;
  return {
    stage,
    managerId,
    lineId,
    legalEntityId,
    title,
    amountKopecks,
    expectedCloseAt,
    wonAt,
    lostAt,
    lostReason: v.lostReason,
    signedAt: v.signedAt,
    dueAt: v.dueAt,
    paidAt: v.paidAt,
  };
}

async function clientRow(tx: Tx, clientId: number): Promise<Outcome<true>> {
  const [c] = await rows<{ merged_into: number | null }>(
    tx,
    sql`SELECT merged_into FROM clients WHERE id = ${clientId}`,
  );
  if (!c) return fail('NOT_FOUND', { entity: 'client', clientId });
  if (c.merged_into !== null)
    return fail('NOT_FOUND', { entity: 'client', clientId, mergedInto: c.merged_into });
  return ok(true);
}

/** The paying legal entity is one of the client's; the manager is an active manager or head. */
async function checkRefs(tx: Tx, clientId: number, input: DealInput): Promise<Outcome<true>> {
  if (input.legalEntityId != null) {
    const [le] = await rows<{ client_id: number }>(
      tx,
      sql`SELECT client_id FROM legal_entities WHERE id = ${input.legalEntityId}`,
    );
    if (!le || le.client_id !== clientId)
      return fail('VALIDATION_FAILED', {
        issues: [{ path: 'body.legalEntityId', message: 'not a legal entity of this client' }],
      });
  }
  if (input.managerId !== undefined) {
    const [u] = await rows<{ role: string; status: string }>(
      tx,
      sql`SELECT role, status FROM users WHERE id = ${input.managerId}`,
    );
    if (!u || u.role === 'admin' || u.status !== 'active')
      return fail('VALIDATION_FAILED', {
        issues: [{ path: 'body.managerId', message: 'not an active manager or head of sales' }],
      });
  }
  return ok(true);
}

/**
 * After a deal change: a won deal gets its default credit (R-CREDIT-3: all to the manager who closed
 * it) and, when that manager does not own the client, opens a dispute (R-DISP-1) that the policy may
 * settle at once; a reopened deal loses its credit until it is won again.
 */
async function withOwners(
  tx: Tx,
  deal: DealView,
  events: DealEvent[],
  now: Date,
): Promise<DealChangeEvent[]> {
  const out: DealChangeEvent[] = [];
  for (const e of events) {
    if (e.type === 'DealReopened') await tx.execute(sql`DELETE FROM deal_credits WHERE deal_id = ${deal.id}`);
    if (e.type !== 'DealWon') {
      out.push(e);
      continue;
    }
    const owners = await rows<{ owner_id: number }>(
      tx,
      sql`SELECT owner_id FROM ownership WHERE client_id = ${deal.clientId} AND line_id = ${deal.lineId} AND owner_id IS NOT NULL`,
    );
    const ownerIds = owners.map((o) => o.owner_id);
    const byNonOwner = ownerIds.length > 0 && !ownerIds.includes(deal.managerId);
    await tx.execute(
      sql`INSERT INTO deal_credits (deal_id, manager_id, role, share_bps, source, set_at)
          SELECT ${deal.id}, ${deal.managerId}, 'closer', 10000, 'default', ${now.toISOString()}
          WHERE NOT EXISTS (SELECT 1 FROM deal_credits WHERE deal_id = ${deal.id})`,
    );
    let disputeId: number | null = null;
    const rules = await loadRules(tx, deal.lineId);
    if (byNonOwner && rules.ok && rules.value.policy.policy.disputes.openOnWonDeal) {
      disputeId = await openDispute(tx, {
        now,
        policy: rules.value.policy,
        clientId: deal.clientId,
        lineId: deal.lineId,
        ownerId: ownerIds[0]!,
        claimantId: deal.managerId,
        trigger: 'won_deal',
        dealId: deal.id,
      });
    }
    out.push({ ...e, ownerIds, byNonOwner, disputeId });
  }
  return out;
}
