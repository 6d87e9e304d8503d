import { sql } from 'drizzle-orm';
import { foldLedger, slotKey } from '../../src/core/ownership/decide.ts';
import type { Executor } from '../../src/db/connect.ts';
import { rows } from '../../src/db/raw.ts';

/**
 * The invariants of issue 8 checked on a database after a storm or a crash:
 * one owner per (client, line); no base over its cap unless a head's ledger-recorded override put it
 * there; ownership = the core fold of the ledger; every credit split of a won deal sums to 10000 bp.
 * Returns human-readable violations (empty = all hold).
 */
export async function checkInvariants(db: Executor, opts: { defaultCap: number }): Promise<string[]> {
  const out: string[] = [];
  const dup = await rows<{ client_id: number; line_id: number; n: number }>(
    db,
    sql`SELECT client_id, line_id, count(*)::int AS n FROM ownership GROUP BY 1, 2 HAVING count(*) > 1`,
  );
  for (const d of dup) out.push(`two owner rows for client ${d.client_id} line ${d.line_id}`);

  // Ownership = the fold of the ledger (core foldLedger), slot by slot; a slot with no event is in the pool.
  const events = await rows<{ client_id: number; line_id: number; to_manager_id: number | null }>(
    db,
    sql`SELECT client_id, line_id, to_manager_id FROM ownership_events ORDER BY id`,
  );
  const folded = foldLedger(
    events.map((e) => ({
      clientId: Number(e.client_id),
      lineId: Number(e.line_id),
      toManagerId: e.to_manager_id === null ? null : Number(e.to_manager_id),
      protectedUntil: null,
    })),
  );
  const owned = await rows<{ client_id: number; line_id: number; owner_id: number | null }>(
    db,
    sql`SELECT client_id, line_id, owner_id FROM ownership`,
  );
  const seen = new Set<string>();
  for (const o of owned) {
    const key = slotKey(Number(o.client_id), Number(o.line_id));
    seen.add(key);
    const want = folded.get(key)?.ownerId ?? null;
    const have = o.owner_id === null ? null : Number(o.owner_id);
    if (want !== have) out.push(`slot ${key}: owner ${have}, ledger says ${want}`);
  }
  for (const [key, s] of folded)
    if (!seen.has(key) && s.ownerId !== null)
      out.push(`slot ${key}: no ownership row, ledger says ${s.ownerId}`);

  // Caps: a base over its cap is allowed only by as many slots as a head's override brought in
  // (a transfer recorded with details.overCap under R-XFER-2, or a dispute decided for the claimant).
  // What brought a slot in is the latest event that moved it to its owner: a later event that keeps
  // the owner (a dispute decided for the owner, DISPUTE_KEPT) does not undo the override.
  const over = await rows<{ owner_id: number; line_id: number; n: number; cap: number; overrides: number }>(
    db,
    sql`SELECT o.owner_id, o.line_id, count(*)::int AS n, coalesce(u.cap_override, ${opts.defaultCap})::int AS cap,
          count(*) FILTER (WHERE (e.type = 'OwnershipTransferred' AND (e.details->>'overCap')::boolean IS TRUE)
                             OR e.reason_code = 'DISPUTE_TRANSFER')::int AS overrides
        FROM ownership o JOIN users u ON u.id = o.owner_id
        LEFT JOIN LATERAL (
          SELECT e.type, e.details, e.reason_code FROM ownership_events e
          WHERE e.client_id = o.client_id AND e.line_id = o.line_id AND e.to_manager_id = o.owner_id
            AND e.from_manager_id IS DISTINCT FROM e.to_manager_id
          ORDER BY e.id DESC LIMIT 1) e ON true
        GROUP BY o.owner_id, o.line_id, u.cap_override
        HAVING count(*) > coalesce(u.cap_override, ${opts.defaultCap})`,
  );
  for (const r of over)
    if (r.n - r.cap > r.overrides)
      out.push(
        `manager ${r.owner_id} holds ${r.n} > cap ${r.cap} on line ${r.line_id}; head overrides explain ${r.overrides}`,
      );

  // Credit splits: a won deal's shares sum to 10000 bp; a deal that is not won has none.
  const credits = await rows<{ deal_id: number; stage: string; bps: number | null }>(
    db,
    sql`SELECT d.id AS deal_id, d.stage, sum(c.share_bps)::int AS bps
        FROM deals d LEFT JOIN deal_credits c ON c.deal_id = d.id GROUP BY d.id, d.stage
        HAVING (d.stage = 'won' AND coalesce(sum(c.share_bps), 0) <> 10000)
            OR (d.stage <> 'won' AND count(c.deal_id) > 0)`,
  );
  for (const c of credits) out.push(`deal ${c.deal_id} (${c.stage}): credit shares sum to ${c.bps ?? 0} bp`);
  return out;
}

/** What a 2xx answer promised; checked against the database afterwards. */
export type Ack =
  | { kind: 'event'; id: number; clientId: number; toManagerId: number | null; type: string }
  | { kind: 'touch'; id: number; clientId: number }
  | { kind: 'deal'; id: number; clientId: number; stage: string }
  | { kind: 'decision'; disputeId: number };

/** Every acknowledged write that is not in the database, as readable lines. */
export async function missingAcks(db: Executor, acks: Ack[]): Promise<string[]> {
  const ids = (k: Ack['kind']) =>
    acks.filter((a) => a.kind === k).map((a) => (a.kind === 'decision' ? a.disputeId : a.id));
  const list = (xs: number[]) =>
    xs.length
      ? sql.join(
          xs.map((x) => sql`${x}`),
          sql`, `,
        )
      : sql`NULL`;
  const ev = new Map(
    (
      await rows<{ id: number; client_id: number; to_manager_id: number | null; type: string }>(
        db,
        sql`SELECT id, client_id, to_manager_id, type FROM ownership_events WHERE id IN (${list(ids('event'))})`,
      )
    ).map((r) => [Number(r.id), r]),
  );
  const touches = new Map(
    (
      await rows<{ id: number; client_id: number }>(
        db,
        sql`SELECT id, client_id FROM touches WHERE id IN (${list(ids('touch'))})`,
      )
    ).map((r) => [Number(r.id), r]),
  );
  const deals = new Map(
    (
      await rows<{ id: number; client_id: number; stage: string }>(
        db,
        sql`SELECT id, client_id, stage FROM deals WHERE id IN (${list(ids('deal'))})`,
      )
    ).map((r) => [Number(r.id), r]),
  );
  const decided = new Set(
    (
      await rows<{ id: number }>(
        db,
        sql`SELECT id FROM disputes WHERE status = 'resolved' AND id IN (${list(ids('decision'))})`,
      )
    ).map((r) => Number(r.id)),
  );
  const out: string[] = [];
  for (const a of acks) {
    if (a.kind === 'event') {
      const e = ev.get(a.id);
      const to = e?.to_manager_id === null || e === undefined ? null : Number(e.to_manager_id);
      if (!e || Number(e.client_id) !== a.clientId || to !== a.toManagerId || e.type !== a.type)
        out.push(`acknowledged ${a.type} event ${a.id} (client ${a.clientId}) missing or different`);
    } else if (a.kind === 'touch') {
      if (Number(touches.get(a.id)?.client_id) !== a.clientId) out.push(`acknowledged touch ${a.id} missing`);
    } else if (a.kind === 'deal') {
      const d = deals.get(a.id);
      if (!d || Number(d.client_id) !== a.clientId || d.stage !== a.stage)
        out.push(`acknowledged deal ${a.id} missing or different`);
    } else if (!decided.has(a.disputeId)) out.push(`acknowledged decision of dispute ${a.disputeId} missing`);
  }
  return out;
}
