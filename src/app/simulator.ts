import { type SQL, sql } from 'drizzle-orm';
import { fail, ok, type Outcome } from '../core/outcome.ts';
import { isPresetName, type Policy, policySchema, presets } from '../core/policy/policy.ts';
import { TouchColumnsBuilder } from '../core/simulator/order.ts';
import { simulate } from '../core/simulator/simulate.ts';
import type {
  Progress,
  SimDeal,
  SimLedgerEvent,
  SimManualDispute,
  SimSnapshot,
  SimulationReport,
} from '../core/simulator/types.ts';
import type { Executor } from '../db/connect.ts';
import { rows } from '../db/raw.ts';
import type { AppContext } from './context.ts';
import { activePolicy } from './policy-store.ts';

/**
 * The policy simulator (C19), application side: load the recorded history once (one ordered query
 * per table, read through a server-side cursor in pages, inside one read-only REPEATABLE READ
 * transaction so that every table shows the same moment), then run the pure core.
 * Runs synchronously: the period is limited to MAX_DAYS, and a year with a million touches takes a
 * few seconds (bench/simulate.ts), so a request answers without a job queue.
 */

const DAY = 86_400_000;
/** The longest period one request may replay. */
export const MAX_DAYS = 1100;
/** Rows per FETCH from a cursor. */
const PAGE = 20_000;

export type SimulationRequest = {
  /** A preset name, or a policy document: full, or partial (merged over the current policy). */
  policy: unknown;
  from?: Date | undefined;
  to?: Date | undefined;
};

type Issues = { path: string; message: string }[];
const invalid = (issues: Issues) => fail<never>('VALIDATION_FAILED', { issues });

function isObject(x: unknown): x is Record<string, unknown> {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

/** Objects merge key by key; arrays and values replace. */
function overlay(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = overlay(base[k], v);
  return out;
}

/** The candidate: a preset by name, or a (partial) document over the current policy, validated by the policy schema. */
export function resolveCandidate(current: Policy, input: unknown): Outcome<Policy> {
  if (typeof input === 'string') {
    if (!isPresetName(input))
      return invalid([
        {
          path: 'policy',
          message: `unknown preset "${input}"; use team, balanced or competition, or a document`,
        },
      ]);
    return ok(structuredClone(presets[input]) as Policy);
  }
  if (!isObject(input)) return invalid([{ path: 'policy', message: 'a preset name or a policy document' }]);
  const parsed = policySchema.safeParse(overlay(current, input));
  if (!parsed.success) {
    return invalid(
      parsed.error.issues.map((i) => ({ path: ['policy', ...i.path].join('.'), message: i.message })),
    );
  }
  return ok(parsed.data);
}

export async function runSimulation(
  ctx: AppContext,
  req: SimulationRequest,
  onProgress?: Progress,
  onLoad?: (table: string, loaded: number) => void,
): Promise<Outcome<SimulationReport>> {
  const current = await activePolicy(ctx.db);
  const candidate = resolveCandidate(current.policy, req.policy);
  if (!candidate.ok) return candidate;
  const to = req.to ?? ctx.clock();
  if (req.from && req.from > to) return invalid([{ path: 'from', message: 'from must not be after to' }]);
  const snapshot = await loadSnapshot(ctx.db, to, onLoad);
  const first = snapshot.events[0]?.at ?? to.getTime();
  const from = req.from?.getTime() ?? Math.max(first, to.getTime() - 365 * DAY);
  if ((to.getTime() - from) / DAY > MAX_DAYS) {
    return invalid([{ path: 'from', message: `a simulation covers at most ${MAX_DAYS} days` }]);
  }
  return ok(simulate({ snapshot, current, candidate: candidate.value, from, to: to.getTime() }, onProgress));
}

/** Epoch milliseconds as a float8 (date_part is double precision: a JS number on both drivers, no Date parsing per row). */
const epoch = (col: string): SQL => sql.raw(`floor(date_part('epoch', ${col}) * 1000)`);

/** One ordered query read through a cursor in pages (a million touches never sit in one result). */
async function* cursor<T>(tx: Executor, name: string, query: SQL): AsyncGenerator<T[]> {
  await tx.execute(sql`DECLARE ${sql.raw(name)} NO SCROLL CURSOR FOR ${query}`);
  for (;;) {
    const page = await rows<T>(tx, sql.raw(`FETCH ${PAGE} FROM ${name}`));
    if (page.length === 0) break;
    yield page;
    if (page.length < PAGE) break;
  }
  await tx.execute(sql.raw(`CLOSE ${name}`));
}

/** The history up to `to`, for the replay: managers, lines, clients, ledger, touches, won deals, plans, decided manual disputes. */
export async function loadSnapshot(
  db: AppContext['db'],
  to: Date,
  onLoad?: (table: string, loaded: number) => void,
): Promise<SimSnapshot> {
  const until = to.toISOString();
  return db.transaction(
    async (tx) => {
      // Every row of every cursor is read: plan for all of them (a sequential scan and one sort),
      // not for the first few (an index walk with a random heap read per row).
      await tx.execute(sql`SET LOCAL cursor_tuple_fraction = 1.0`);
      // …and sort the touches in memory rather than in temporary files.
      await tx.execute(sql`SET LOCAL work_mem = '256MB'`);
      const managers = (
        await rows<{
          id: number;
          name: string;
          role: 'manager' | 'head' | 'admin';
          hired: number;
          cap: number | null;
        }>(
          tx,
          sql`SELECT id, name, role, ${epoch('hired_at')} AS hired, cap_override AS cap FROM users ORDER BY id`,
        )
      ).map((u) => ({ id: u.id, name: u.name, role: u.role, hiredAt: Number(u.hired), capOverride: u.cap }));
      const lines = await rows<{ id: number; name: string }>(tx, sql`SELECT id, name FROM lines ORDER BY id`);
      const clients: SimSnapshot['clients'] = [];
      for await (const page of cursor<{ id: number; name: string }>(
        tx,
        'sim_clients',
        sql`SELECT id, display_name AS name FROM clients ORDER BY id`,
      )) {
        for (const c of page) clients.push(c);
        onLoad?.('clients', clients.length);
      }
      const events: SimLedgerEvent[] = [];
      for await (const page of cursor<{
        id: number;
        at: number;
        client_id: number;
        line_id: number;
        type: string;
        reason_code: string;
        from_id: number | null;
        to_id: number | null;
        prot: number | null;
        ext: string | null;
      }>(
        tx,
        'sim_events',
        sql`SELECT id::float8 AS id, ${epoch('occurred_at')} AS at, client_id, line_id, type, reason_code,
                   from_manager_id AS from_id, to_manager_id AS to_id, ${epoch('protected_until')} AS prot,
                   CASE WHEN type = 'ExpiryExtended' THEN details->>'until' END AS ext
            FROM ownership_events WHERE occurred_at <= ${until} ORDER BY occurred_at, id`,
      )) {
        for (const e of page) {
          events.push({
            id: Number(e.id),
            at: Number(e.at),
            clientId: e.client_id,
            lineId: e.line_id,
            type: e.type,
            reasonCode: e.reason_code,
            fromManagerId: e.from_id,
            toManagerId: e.to_id,
            protectedUntil: e.prot === null ? null : Number(e.prot),
            extendedUntil: e.ext ? Date.parse(e.ext) : null,
          });
        }
        onLoad?.('ledger', events.length);
      }
      // The biggest table, straight into columns (no object per touch outlives its page), then
      // ordered by a radix sort rather than by the server, which sorted a million rows before sending
      // the first (README, simulator benchmark).
      const touches = new TouchColumnsBuilder();
      let loaded = 0;
      for await (const page of cursor<{
        id: number;
        at: number;
        client_id: number;
        line_id: number | null;
        author_id: number;
        outcome: string | null;
      }>(
        tx,
        'sim_touches',
        sql`SELECT id::float8 AS id, ${epoch('occurred_at')} AS at, client_id, line_id, author_id, outcome
            FROM touches WHERE occurred_at <= ${until}`,
      )) {
        for (const t of page) touches.push(t.id, t.at, t.client_id, t.line_id, t.author_id, t.outcome);
        loaded += page.length;
        onLoad?.('touches', loaded);
      }
      const ordered = touches.build();
      const deals: SimDeal[] = [];
      for await (const page of cursor<{
        id: number;
        at: number;
        client_id: number;
        line_id: number;
        manager_id: number;
        amount: number;
      }>(
        tx,
        'sim_deals',
        sql`SELECT id, ${epoch('won_at')} AS at, client_id, line_id, manager_id, amount_kopecks::float8 AS amount
            FROM deals WHERE stage = 'won' AND won_at IS NOT NULL AND won_at <= ${until} ORDER BY won_at, id`,
      )) {
        for (const d of page) {
          deals.push({
            id: d.id,
            at: Number(d.at),
            clientId: d.client_id,
            lineId: d.line_id,
            managerId: d.manager_id,
            amountKopecks: Number(d.amount),
          });
        }
        onLoad?.('deals', deals.length);
      }
      const plans: SimSnapshot['plans'] = [];
      for await (const page of cursor<{ manager_id: number; iso_week: string; client_id: number }>(
        tx,
        'sim_plans',
        sql`SELECT manager_id, iso_week, client_id FROM weekly_plan_items ORDER BY manager_id, iso_week, client_id`,
      )) {
        for (const p of page)
          plans.push({ managerId: p.manager_id, isoWeek: p.iso_week, clientId: p.client_id });
      }
      const disputes: SimManualDispute[] = (
        await rows<{
          id: number;
          at: number;
          client_id: number;
          line_id: number;
          owner_id: number;
          claimant_id: number;
          resolution: 'keep' | 'transfer' | 'split';
          client_to: number | null;
        }>(
          tx,
          sql`SELECT id, ${epoch('decided_at')} AS at, client_id, line_id, owner_id, claimant_id, resolution, client_to
              FROM disputes WHERE trigger = 'manual' AND status = 'resolved' AND decided_at IS NOT NULL
                AND resolution IS NOT NULL AND decided_at <= ${until}
              ORDER BY decided_at, id`,
        )
      ).map((d) => ({
        id: d.id,
        at: Number(d.at),
        clientId: d.client_id,
        lineId: d.line_id,
        ownerId: d.owner_id,
        claimantId: d.claimant_id,
        resolution: d.resolution,
        clientTo: d.client_to,
      }));
      return { managers, lines, clients, events, touches: ordered, deals, plans, disputes };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
