import { count, eq, sql } from 'drizzle-orm';
import { generateDemoActivity } from '../../core/demo/demo-activity.ts';
import { generateDemo } from '../../core/demo/generate-demo.ts';
import { addDays, protectionUntil } from '../../core/ownership/decide.ts';
import type { OwnershipEvent } from '../../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import {
  addresses,
  brands,
  clients,
  contacts,
  deals,
  legalEntities,
  ownership,
  ownershipEvents,
  touches,
  users,
} from '../../db/schema/index.ts';
import type { AppContext } from '../context.ts';
import { reindexClients } from '../identity/reindex.ts';
import { loadRules } from './ownership-support.ts';
import { addUser } from './users.ts';

export const DEMO_PASSWORD = 'fairbase-demo';
const BATCH = 500;

export type DemoResult = {
  users: { email: string; role: string }[];
  clients: number;
  events: number;
  touches: number;
  deals: number;
  password: string;
};

/**
 * Load the demo company (C-demo): a head, 8 managers, N clients and a few months of ownership history.
 * The history is written as ordinary ledger events, so current ownership equals the fold of the ledger.
 * Only on a database without clients: demo data mixed into real data would corrupt bases and caps.
 */
export async function loadDemo(
  ctx: AppContext,
  opts: { clients: number; seed?: number; onProgress?: (done: number, total: number) => void },
): Promise<Outcome<DemoResult>> {
  const now = ctx.clock();
  const [existing] = await ctx.db.select({ n: count() }).from(clients);
  if (existing?.n)
    return fail('CONFLICT', {
      field: 'clients',
      reason: 'the database already has clients; demo data loads only into an empty one',
    });
  const rules = await loadRules(ctx.db, undefined);
  if (!rules.ok) return rules;
  const { policy } = rules.value;
  const data = generateDemo({
    clients: opts.clients,
    seed: opts.seed ?? 42,
    cap: policy.policy.caps.defaultCap,
    newcomerCap: policy.policy.newcomer.cap,
  });

  const people = [data.head, ...data.managers];
  const idByKey = new Map<string, number>();
  const hiredByKey = new Map<string, Date>();
  for (const p of people) {
    const hiredAt = addDays(now, -p.hiredDaysAgo);
    hiredByKey.set(p.key, hiredAt);
    const [found] = await ctx.db
      .select({ id: users.id })
      .from(users)
      .where(eq(sql`lower(${users.email})`, p.email));
    if (found) {
      idByKey.set(p.key, found.id);
      continue;
    }
    const res = await addUser(ctx, {
      name: p.name,
      email: p.email,
      password: DEMO_PASSWORD,
      role: p.role,
      hiredAt,
    });
    if (!res.ok) return res;
    idByKey.set(p.key, res.value.id);
  }
  const headId = idByKey.get(data.head.key)!;
  const activity = generateDemoActivity(data, opts.seed ?? 42);
  const defaultLine = rules.value.lineIds[0]!;

  let events = 0;
  let touchCount = 0;
  let dealCount = 0;
  for (let start = 0; start < data.clients.length; start += BATCH) {
    const batch = data.clients.slice(start, start + BATCH);
    await ctx.db.transaction(async (tx) => {
      const ids = await tx
        .insert(clients)
        .values(
          batch.map((c) => {
            const at = addDays(now, -c.createdDaysAgo);
            const creator = c.history[0]?.ownerKey ? idByKey.get(c.history[0].ownerKey)! : headId;
            return {
              displayName: c.displayName,
              notes: c.notes,
              createdBy: creator,
              createdAt: at,
              updatedAt: at,
            };
          }),
        )
        .returning({ id: clients.id });
      const parts = {
        le: [] as (typeof legalEntities.$inferInsert)[],
        br: [] as (typeof brands.$inferInsert)[],
        co: [] as (typeof contacts.$inferInsert)[],
        ad: [] as (typeof addresses.$inferInsert)[],
      };
      const own: (typeof ownership.$inferInsert)[] = [];
      const evs: OwnershipEvent[] = [];
      batch.forEach((c, i) => {
        const clientId = ids[i]!.id;
        const createdAt = addDays(now, -c.createdDaysAgo);
        const common = { clientId, createdBy: headId, createdAt };
        for (const e of c.legalEntities) parts.le.push({ ...common, ...e });
        for (const b of c.brands) parts.br.push({ ...common, name: b });
        for (const k of c.contacts) parts.co.push({ ...common, ...k });
        for (const a of c.addresses) parts.ad.push({ ...common, ...a });
        for (const lineId of rules.value.lineIds) {
          let owner: number | null = null;
          let since = createdAt;
          let protectedUntil: Date | null = null;
          let lastReason: string | null = null;
          for (const step of c.history) {
            const to = step.ownerKey ? idByKey.get(step.ownerKey)! : null;
            const at = addDays(now, -step.daysAgo);
            const hiredAt = step.ownerKey ? hiredByKey.get(step.ownerKey)! : now;
            const prot = to !== null ? protectionUntil(policy.policy, { hiredAt }, at) : null;
            const type =
              owner === null ? 'ClientClaimed' : to === null ? 'ClientReleased' : 'OwnershipTransferred';
            const reasonCode =
              type === 'ClientClaimed'
                ? 'CLAIMED_FROM_POOL'
                : type === 'ClientReleased'
                  ? 'RELEASED_BY_OWNER'
                  : 'HEAD_TRANSFER';
            const rule =
              type === 'ClientClaimed' ? 'R-CLAIM-1' : type === 'ClientReleased' ? 'R-REL-1' : 'R-XFER-1';
            const actorId = type === 'ClientClaimed' ? to : type === 'ClientReleased' ? owner : headId;
            evs.push({
              type,
              clientId,
              lineId,
              fromManagerId: owner,
              toManagerId: to,
              actor: `user:${actorId}`,
              reasonCode,
              rule,
              policyVersion: policy.version,
              occurredAt: at,
              protectedUntil: prot,
              details: {
                demo: true,
                ...(type === 'OwnershipTransferred' ? { reason: 'передача базы (демо)' } : {}),
              },
            });
            owner = to;
            since = at;
            protectedUntil = prot;
            lastReason = reasonCode;
          }
          own.push({ clientId, lineId, ownerId: owner, since, protectedUntil, lastReason });
        }
      });
      const leIds = parts.le.length
        ? await tx
            .insert(legalEntities)
            .values(parts.le)
            .returning({ id: legalEntities.id, clientId: legalEntities.clientId })
        : [];
      if (parts.br.length) await tx.insert(brands).values(parts.br);
      const coIds = parts.co.length
        ? await tx
            .insert(contacts)
            .values(parts.co)
            .returning({ id: contacts.id, clientId: contacts.clientId })
        : [];
      if (parts.ad.length) await tx.insert(addresses).values(parts.ad);
      await tx.insert(ownership).values(own);
      for (let j = 0; j < evs.length; j += 1000)
        await tx.insert(ownershipEvents).values(evs.slice(j, j + 1000));
      // Touches and deals (C8, C9), bulk-inserted like the rest.
      const byClient = (list: { id: number; clientId: number }[]) => {
        const m = new Map<number, number[]>();
        for (const r of list) m.set(r.clientId, [...(m.get(r.clientId) ?? []), r.id]);
        return m;
      };
      const contactIdsOf = byClient(coIds);
      const leIdsOf = byClient(leIds);
      const trows: (typeof touches.$inferInsert)[] = [];
      const drows: (typeof deals.$inferInsert)[] = [];
      batch.forEach((_c, i) => {
        const clientId = ids[i]!.id;
        for (const t of activity.touches[start + i] ?? []) {
          const occurredAt = new Date(now.getTime() - t.daysAgo * 86_400_000);
          trows.push({
            clientId,
            authorId: idByKey.get(t.authorKey)!,
            contactId:
              t.contactIndex === null ? null : (contactIdsOf.get(clientId)?.[t.contactIndex] ?? null),
            kind: t.kind,
            direction: t.direction,
            outcome: t.outcome,
            occurredAt,
            createdAt: occurredAt,
            nextStep: t.nextStep,
            nextStepAt: t.nextStepInDays === null ? null : addDays(occurredAt, t.nextStepInDays),
            body: t.body,
          });
        }
        for (const d of activity.deals[start + i] ?? []) {
          const createdAt = addDays(now, -d.createdDaysAgo);
          const closedAt = d.closedDaysAgo === null ? null : addDays(now, -d.closedDaysAgo);
          const won = d.stage === 'won' ? closedAt : null;
          drows.push({
            clientId,
            lineId: defaultLine,
            managerId: idByKey.get(d.managerKey)!,
            legalEntityId:
              d.legalEntityIndex === null ? null : (leIdsOf.get(clientId)?.[d.legalEntityIndex] ?? null),
            title: d.title,
            stage: d.stage,
            amountKopecks: d.amountKopecks,
            expectedCloseAt: d.expectedCloseInDays === null ? null : addDays(now, d.expectedCloseInDays),
            wonAt: won,
            lostAt: d.stage === 'lost' ? closedAt : null,
            lostReason: d.lostReason,
            signedAt: won,
            dueAt: won && d.dueInDays !== null ? addDays(won, d.dueInDays) : null,
            paidAt: won && d.paid ? addDays(won, 10) : null,
            createdBy: idByKey.get(d.managerKey)!,
            createdAt,
            updatedAt: closedAt ?? createdAt,
          });
        }
      });
      for (let j = 0; j < trows.length; j += 1000) await tx.insert(touches).values(trows.slice(j, j + 1000));
      for (let j = 0; j < drows.length; j += 1000) await tx.insert(deals).values(drows.slice(j, j + 1000));
      touchCount += trows.length;
      dealCount += drows.length;
      await reindexClients(
        tx,
        ids.map((r) => r.id),
      );
      events += evs.length;
    });
    opts.onProgress?.(Math.min(start + BATCH, data.clients.length), data.clients.length);
  }
  // last_event_id links each ownership row to the event that set it.
  await ctx.db.execute(sql`
    UPDATE ownership o SET last_event_id = e.id
    FROM (SELECT client_id, line_id, max(id) AS id FROM ownership_events GROUP BY client_id, line_id) e
    WHERE o.client_id = e.client_id AND o.line_id = e.line_id`);
  return ok({
    users: people.map((p) => ({ email: p.email, role: p.role })),
    clients: data.clients.length,
    events,
    touches: touchCount,
    deals: dealCount,
    password: DEMO_PASSWORD,
  });
}
