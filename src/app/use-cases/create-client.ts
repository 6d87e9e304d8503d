import { eq } from 'drizzle-orm';
import { decideClaim } from '../../core/ownership/decide.ts';
import type { Actor } from '../../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { Tx } from '../../db/connect.ts';
import {
  addresses,
  brands,
  clients,
  contacts,
  legalEntities,
  lines,
  ownership,
} from '../../db/schema/index.ts';
import type { AddressInput, BrandInput, ContactInput, LegalEntityInput } from '../client-types.ts';
import type { AppContext } from '../context.ts';
import { reindexClients } from '../identity/reindex.ts';
import { inTransaction } from '../tx.ts';
import { checkDuplicates, logOverride } from '../identity/duplicates.ts';
import type { MatchResult } from '../identity/lookup.ts';
import { applyEvents, baseFacts, loadRules, lockManager } from './ownership-support.ts';

export type CreateClientCommand = {
  actor: Actor & { kind: 'user' };
  displayName: string;
  notes?: string | null;
  legalEntities?: LegalEntityInput[];
  brands?: BrandInput[];
  contacts?: ContactInput[];
  addresses?: AddressInput[];
  /** Put the new client straight into the creator's base (default for managers); else it starts in the pool. */
  claim?: boolean;
  lineId?: number;
  /** Create although it matches an existing client (`same`): needs a reason, which is logged. */
  force?: boolean;
  forceReason?: string | null;
};

export async function insertClientRows(
  tx: Tx,
  cmd: Omit<CreateClientCommand, 'actor' | 'claim' | 'lineId'>,
  createdBy: number | null,
  now: Date,
): Promise<number> {
  const [row] = await tx
    .insert(clients)
    .values({
      displayName: cmd.displayName.trim(),
      notes: cmd.notes ?? null,
      createdBy,
      createdAt: now,
      updatedAt: now,
    })
    .returning({ id: clients.id });
  const clientId = row!.id;
  const common = { clientId, createdBy, createdAt: now };
  if (cmd.legalEntities?.length) {
    await tx.insert(legalEntities).values(cmd.legalEntities.map((e) => ({ ...common, ...e })));
  }
  if (cmd.brands?.length)
    await tx.insert(brands).values(cmd.brands.map((b) => ({ ...common, name: b.name })));
  if (cmd.contacts?.length) await tx.insert(contacts).values(cmd.contacts.map((c) => ({ ...common, ...c })));
  if (cmd.addresses?.length)
    await tx.insert(addresses).values(cmd.addresses.map((a) => ({ ...common, ...a })));
  // Every client has an ownership row per line from the first day (C24); it starts in the pool.
  const active = await tx.select({ id: lines.id }).from(lines).where(eq(lines.active, true));
  await tx
    .insert(ownership)
    .values(active.map((l) => ({ clientId, lineId: l.id, ownerId: null, since: now })));
  await reindexClients(tx, [clientId]);
  return clientId;
}

/**
 * Create a client with its parts (C1): refused as `DUPLICATE_SUSPECTED` when it is the same organisation
 * as an existing client (R-ID-3) unless forced with a logged reason; `maybe` matches come back as
 * warnings. A manager's new client goes into their base under the cap (R-CLAIM-1). All or nothing.
 */
export async function createClient(
  ctx: AppContext,
  cmd: CreateClientCommand,
): Promise<Outcome<{ id: number; duplicates: MatchResult[] }>> {
  const now = ctx.clock();
  return inTransaction(ctx.db, async (tx) => {
    const claim = cmd.claim ?? cmd.actor.role === 'manager';
    const rules = await loadRules(tx, cmd.lineId);
    if (!rules.ok) return rules;
    const dup = await checkDuplicates(tx, rules.value.policy.policy.identity, cmd, null, cmd);
    if (!dup.ok) return dup;
    const manager = claim ? await lockManager(tx, cmd.actor.id) : null;
    const clientId = await insertClientRows(tx, cmd, cmd.actor.id, now);
    if (dup.value.forced.length)
      await logOverride(tx, clientId, cmd.actor.id, cmd.forceReason!, dup.value.forced, now);
    if (claim) {
      if (!manager) return fail('NOT_FOUND', { entity: 'user', userId: cmd.actor.id });
      const decision = decideClaim({
        policy: rules.value.policy,
        now,
        actor: cmd.actor,
        manager,
        slots: rules.value.lineIds.map((lineId) => ({
          clientId,
          lineId,
          ownerId: null,
          protectedUntil: null,
        })),
        baseCount: (await baseFacts(tx, manager.id, rules.value, null)).baseCount,
        lastReleasedAt: null,
        reasonCode: 'CREATED_BY_OWNER',
      });
      if (decision.kind === 'rejected') return fail(decision.code, { ...decision.details, field: 'claim' });
      await applyEvents(tx, decision.events);
    }
    return ok({ id: clientId, duplicates: dup.value.warnings });
  });
}
