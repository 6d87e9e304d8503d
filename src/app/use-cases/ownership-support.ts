import { type SQL, sql } from 'drizzle-orm';
import type {
  ManagerSnapshot,
  OwnershipEvent,
  OwnershipSlot,
  PolicyRef,
} from '../../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import { defaultPolicy, type Policy, policySchema } from '../../core/policy/policy.ts';
import type { Executor, Tx } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';

/*
 * The hot path of every ownership change. Raw SQL, one round trip per step: a claim is
 * begin, rules, lock manager, lock slots, base facts, write, commit (see bench/).
 */

const parsedPolicies = new Map<string, Policy>();

function parsePolicy(version: number, doc: unknown): Policy {
  // Keyed by the document too: one process may serve several databases (tests, tools) whose
  // version numbers coincide. Stringifying is far cheaper than the schema parse it saves.
  const key = `${version}:${JSON.stringify(doc)}`;
  let p = parsedPolicies.get(key);
  if (!p) {
    p = policySchema.parse(doc);
    // Versions are immutable rows, so a parsed version can be kept; bounded in case of many edits.
    if (parsedPolicies.size > 100) parsedPolicies.clear();
    parsedPolicies.set(key, p);
  }
  return p;
}

export type Rules = { policy: PolicyRef; lineIds: number[] };

/**
 * The active policy and the lines an operation touches, in one statement: the line asked for
 * (or the default), or every active line when the policy has one owner for all lines (R-LINE-1).
 */
export async function loadRules(ex: Executor, lineId: number | undefined): Promise<Outcome<Rules>> {
  const [row] = await rows<{
    version: number | null;
    document: unknown;
    lines: { id: number; d: boolean }[] | null;
  }>(
    ex,
    sql`SELECT p.version, p.document,
          (SELECT json_agg(json_build_object('id', l.id, 'd', l.is_default) ORDER BY l.id) FROM lines l WHERE l.active) AS lines
        FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT version, document FROM policies ORDER BY version DESC LIMIT 1) p ON true`,
  );
  const policy: PolicyRef =
    row?.version == null
      ? { version: 0, policy: defaultPolicy }
      : { version: row.version, policy: parsePolicy(row.version, row.document) };
  const active = row?.lines ?? [];
  if (policy.policy.lines.mode === 'single_owner') return ok({ policy, lineIds: active.map((l) => l.id) });
  if (lineId === undefined) {
    const def = active.find((l) => l.d) ?? active[0];
    if (!def) return fail('NOT_FOUND', { entity: 'line' });
    return ok({ policy, lineIds: [def.id] });
  }
  if (!active.some((l) => l.id === lineId))
    return fail('NOT_FOUND', { entity: 'line', field: 'lineId', lineId });
  return ok({ policy, lineIds: [lineId] });
}

/** Lock the manager row before counting the base: a row lock on the client alone does not protect a per-manager count. */
export async function lockManager(tx: Tx, id: number): Promise<ManagerSnapshot | null> {
  // NO KEY UPDATE, not UPDATE: it still serialises every base change of this manager, but does not
  // block the FOR KEY SHARE that foreign-key checks take on users (a sweep holding ownership rows
  // and inserting a notification for this user would otherwise deadlock with a claim: storm test).
  const [row] = await rows<{
    id: number;
    role: ManagerSnapshot['role'];
    status: ManagerSnapshot['status'];
    hired_at: Date;
    cap_override: number | null;
  }>(tx, sql`SELECT id, role, status, hired_at, cap_override FROM users WHERE id = ${id} FOR NO KEY UPDATE`);
  if (!row) return null;
  return {
    id: row.id,
    role: row.role,
    status: row.status,
    hiredAt: new Date(row.hired_at),
    capOverride: row.cap_override,
  };
}

/** Lock the ownership rows of the clients in the lines, ordered by (client, line) so that opposite swaps cannot deadlock. */
export async function lockSlots(tx: Tx, clientIds: number[], lineIds: number[]): Promise<OwnershipSlot[]> {
  const found = await rows<{
    client_id: number;
    line_id: number;
    owner_id: number | null;
    protected_until: Date | null;
  }>(
    tx,
    sql`SELECT client_id, line_id, owner_id, protected_until FROM ownership
        WHERE client_id IN (${sql.join(
          clientIds.map((c) => sql`${c}`),
          sql`, `,
        )})
          AND line_id IN (${sql.join(
            lineIds.map((l) => sql`${l}`),
            sql`, `,
          )})
        ORDER BY client_id, line_id FOR UPDATE`,
  );
  return found.map((r) => ({
    clientId: r.client_id,
    lineId: r.line_id,
    ownerId: r.owner_id,
    protectedUntil: r.protected_until ? new Date(r.protected_until) : null,
  }));
}

/**
 * What the claim rules need to know about the manager, read after the locks (a fresh snapshot):
 * the base in the counted scope (the line, or distinct clients over all lines in single-owner mode; R-CAP-1)
 * and when they last sent this client to the pool (R-CLAIM-4).
 */
export async function baseFacts(
  ex: Executor,
  managerId: number,
  rules: Rules,
  clientId: number | null,
): Promise<{ baseCount: number; lastReleasedAt: Date | null }> {
  const count =
    rules.policy.policy.lines.mode === 'single_owner'
      ? sql`(SELECT count(DISTINCT client_id) FROM ownership WHERE owner_id = ${managerId})`
      : sql`(SELECT count(*) FROM ownership WHERE owner_id = ${managerId} AND line_id = ${rules.lineIds[0]!})`;
  const last =
    clientId === null || rules.policy.policy.reclaimCooldownDays === 0
      ? sql`NULL::timestamptz`
      : sql`(SELECT max(occurred_at) FROM ownership_events
             WHERE client_id = ${clientId} AND from_manager_id = ${managerId} AND to_manager_id IS NULL)`;
  const [row] = await rows<{ n: number | string; last: Date | null }>(
    ex,
    sql`SELECT ${count}::int AS n, ${last} AS last`,
  );
  return { baseCount: Number(row?.n ?? 0), lastReleasedAt: row?.last ? new Date(row.last) : null };
}

/**
 * Write each ledger event and the current-owner row it implies in one statement, in the caller's
 * transaction (R-LEDGER-1): the ownership row points at the event that set it.
 */
export async function applyEvents(tx: Tx, events: OwnershipEvent[]): Promise<{ id: number }[]> {
  const ids: { id: number }[] = [];
  for (const e of events) {
    const [row] = await rows<{ id: number | string }>(
      tx,
      sql`WITH ev AS (
            INSERT INTO ownership_events (client_id, line_id, type, from_manager_id, to_manager_id, actor, reason_code,
                                          rule, policy_version, occurred_at, protected_until, details)
            VALUES (${e.clientId}, ${e.lineId}, ${e.type}, ${e.fromManagerId}, ${e.toManagerId}, ${e.actor}, ${e.reasonCode},
                    ${e.rule}, ${e.policyVersion}, ${e.occurredAt.toISOString()}, ${e.protectedUntil?.toISOString() ?? null},
                    ${JSON.stringify(e.details)}::jsonb)
            RETURNING id)
          UPDATE ownership SET ${
            e.type === 'ExpiryExtended'
              ? // R-EXP-4: the owner and their "since" stay; only the extension date changes.
                sql`extended_until = ${String(e.details.until)}::timestamptz`
              : e.fromManagerId !== null && e.fromManagerId === e.toManagerId
                ? // A decision that keeps the owner (a dispute kept, R-DISP-7): "since" and any extension stay.
                  sql`owner_id = ${e.toManagerId}`
                : sql`owner_id = ${e.toManagerId}, since = ${e.occurredAt.toISOString()}, extended_until = NULL`
          },
                 protected_until = ${e.protectedUntil?.toISOString() ?? null}, last_reason = ${e.reasonCode},
                 last_event_id = (SELECT id FROM ev)
          WHERE client_id = ${e.clientId} AND line_id = ${e.lineId}
          RETURNING last_event_id AS id`,
    );
    if (!row) throw new Error(`no ownership row for client ${e.clientId} line ${e.lineId}`);
    ids.push({ id: Number(row.id) });
  }
  return ids;
}

export type OwnershipChange = { events: (OwnershipEvent & { id: number })[] };

export function withIds(events: OwnershipEvent[], ids: { id: number }[]): OwnershipChange {
  return { events: events.map((e, i) => ({ ...e, id: ids[i]!.id })) };
}

/**
 * A batch's ledger rows in one INSERT (a JSON recordset, in the batch's order, so ledger ids follow
 * it), returning what the ownership rows take from them; the first CTE of the batch statements below.
 */
function insertEventsSql(events: OwnershipEvent[]): SQL {
  const doc = events.map((e) => ({
    client_id: e.clientId,
    line_id: e.lineId,
    type: e.type,
    from_manager_id: e.fromManagerId,
    to_manager_id: e.toManagerId,
    actor: e.actor,
    reason_code: e.reasonCode,
    rule: e.rule,
    policy_version: e.policyVersion,
    occurred_at: e.occurredAt.toISOString(),
    protected_until: e.protectedUntil?.toISOString() ?? null,
    details: e.details,
  }));
  return sql`INSERT INTO ownership_events (client_id, line_id, type, from_manager_id, to_manager_id, actor, reason_code,
                                  rule, policy_version, occurred_at, protected_until, details)
    SELECT x.client_id, x.line_id, x.type, x.from_manager_id, x.to_manager_id, x.actor, x.reason_code,
           x.rule, x.policy_version, x.occurred_at, x.protected_until, x.details
    FROM jsonb_to_recordset(${JSON.stringify(doc)}::jsonb) AS x(
           client_id int, line_id int, type text, from_manager_id int, to_manager_id int, actor text,
           reason_code text, rule text, policy_version int, occurred_at timestamptz, protected_until timestamptz,
           details jsonb)
    RETURNING id, client_id, line_id, to_manager_id, occurred_at, protected_until, reason_code`;
}

/**
 * New clients' ownership rows (one per active line) written together with their first ledger events
 * (a claim per owned client and line, from the pool): the row is inserted already owned, instead of
 * inserted in the pool and then updated by applyEventsBatch (a second version of every owned row and
 * its index entries). Clients without an event start in the pool. Same end state as an insert in the
 * pool followed by applyEventsBatch.
 */
export async function insertOwnershipWithEvents(
  tx: Tx,
  clientIds: number[],
  since: Date,
  events: OwnershipEvent[],
): Promise<void> {
  if (clientIds.length === 0) return;
  const keys = new Set(events.map((e) => `${e.clientId}:${e.lineId}`));
  if (
    keys.size !== events.length ||
    events.some((e) => e.type !== 'ClientClaimed' || e.fromManagerId !== null)
  )
    throw new Error('insertOwnershipWithEvents: one claim from the pool per client and line');
  const [res] = await rows<{ n: number | string }>(
    tx,
    sql`WITH ev AS (${insertEventsSql(events)}),
    ins AS (
      INSERT INTO ownership (client_id, line_id, owner_id, since, protected_until, last_reason, last_event_id)
      SELECT c.id, l.id, ev.to_manager_id, coalesce(ev.occurred_at, ${since.toISOString()}::timestamptz),
             ev.protected_until, ev.reason_code, ev.id
      FROM unnest(${`{${clientIds.map((c) => Math.trunc(c)).join(',')}}`}::int[]) AS c(id)
      CROSS JOIN lines l
      LEFT JOIN ev ON ev.client_id = c.id AND ev.line_id = l.id
      WHERE l.active
      RETURNING last_event_id)
    SELECT count(last_event_id) AS n FROM ins`,
  );
  // Every event must have found its client's row on an active line (as applyEventsBatch checks).
  if (Number(res?.n ?? 0) !== events.length)
    throw new Error(`insertOwnershipWithEvents: ${res?.n} ownership rows for ${events.length} events`);
}

/**
 * The set-based form of applyEvents for batches that move each (client, line) at most once and
 * change owners (the sweep): one statement for the whole batch instead of one per event. The
 * function scan returns the batch in order, so ledger ids follow it.
 */
export async function applyEventsBatch(tx: Tx, events: OwnershipEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const keys = new Set(events.map((e) => `${e.clientId}:${e.lineId}`));
  if (keys.size !== events.length || events.some((e) => e.type === 'ExpiryExtended')) {
    return (await applyEvents(tx, events)).length;
  }
  const updated = await rows<{ n: number | string }>(
    tx,
    sql`WITH ev AS (${insertEventsSql(events)}),
        up AS (
          UPDATE ownership o SET owner_id = ev.to_manager_id, since = ev.occurred_at, protected_until = ev.protected_until,
                 last_reason = ev.reason_code, last_event_id = ev.id, extended_until = NULL
          FROM ev WHERE o.client_id = ev.client_id AND o.line_id = ev.line_id
          RETURNING 1)
        SELECT count(*) AS n FROM up`,
  );
  const n = Number(updated[0]?.n ?? 0);
  if (n !== events.length)
    throw new Error(`applyEventsBatch: ${n} ownership rows for ${events.length} events`);
  return n;
}
