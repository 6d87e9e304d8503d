import { sql } from 'drizzle-orm';
import { addDays, effectiveCap } from '../core/ownership/decide.ts';
import {
  decideExpiry,
  decideSurplusRelease,
  type ExpiryFacts,
  expiryOf,
  type SurplusCandidate,
  warningDue,
} from '../core/ownership/expiry.ts';
import type { Actor, OwnershipEvent, PolicyRef } from '../core/ownership/types.ts';
import { defaultPolicy, policySchema } from '../core/policy/policy.ts';
import { JOB_LOCKS, withJobLock } from '../db/job-lock.ts';
import type { Tx } from '../db/connect.ts';
import { rows } from '../db/raw.ts';
import type { AppContext } from './context.ts';
import { expiresAtSql, type FactRow, factsOf, factColumns, toFacts } from './expiry-facts.ts';
import { applyEventsBatch, loadRules, lockManager, lockSlots } from './use-cases/ownership-support.ts';

/**
 * The sweep (C10, C7): warnings before expiry, expiry to the pool, and the release of a shrunk
 * cap's surplus after its deadline. Candidates come from one set-based SELECT; the writes go in
 * bounded batches, each its own transaction that locks its slots, re-reads their facts and asks
 * the core again (a touch logged meanwhile saves the client). Idempotent: a second run at the
 * same `now` finds nothing due (expired clients are in the pool, warnings carry dedupe keys).
 */

export type SweepOptions = {
  now?: Date;
  dryRun?: boolean;
  batchSize?: number;
  onProgress?: (p: { phase: 'expiry' | 'surplus'; done: number; total: number }) => void;
};

export type SweepItem = {
  clientId: number;
  lineId: number;
  ownerId: number;
  rule: string;
  reasonCode: string;
};

export type SweepReport = {
  now: string;
  dryRun: boolean;
  policyVersion: number;
  candidates: number;
  expired: SweepItem[];
  warned: { clientId: number; lineId: number; ownerId: number; daysBefore: number; expiresAt: string }[];
  surplusReleased: SweepItem[];
  /** false when another instance was running the sweep; nothing was done. */
  ran: boolean;
};

export const SWEEP_ACTOR: Actor = { kind: 'system', job: 'sweep' };

type Notice = { userId: number; kind: string; payload: Record<string, unknown>; dedupeKey: string | null };

/** Notifications written by the sweep, in its transaction; a dedupe key makes a repeat a no-op. */
const RU_DATE = new Intl.DateTimeFormat('ru-RU', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/**
 * The human message of each notice (e-mail subject and body, the inbox line): Russian, the
 * language of the team; the web UI may render its own text from `kind` and the payload instead.
 */
async function withTexts(tx: Tx, notices: Notice[]): Promise<Notice[]> {
  const ids = [...new Set(notices.map((n) => Number(n.payload.clientId)).filter(Number.isInteger))];
  if (ids.length === 0) return notices;
  const names = new Map(
    (
      await rows<{ id: number; display_name: string }>(
        tx,
        sql`SELECT id, display_name FROM clients WHERE id IN (${sql.join(
          ids.map((i) => sql`${i}`),
          sql`, `,
        )})`,
      )
    ).map((r) => [r.id, r.display_name]),
  );
  return notices.map((n) => {
    const name = names.get(Number(n.payload.clientId)) ?? `#${String(n.payload.clientId)}`;
    const p = n.payload;
    if (n.kind === 'expiry_warning') {
      const when = RU_DATE.format(new Date(String(p.expiresAt)));
      return {
        ...n,
        payload: {
          ...p,
          clientName: name,
          title: `«${name}» вернётся в копилку через ${String(p.daysBefore)} дн.`,
          text: `Клиент «${name}» вернётся в копилку ${when}, если до этого не будет встречи или дозвона (правило ${p.rule ?? 'R-EXP-1'}).`,
        },
      };
    }
    const why =
      p.reasonCode === 'CAP_SURPLUS_RELEASED'
        ? 'база больше лимита после срока на освобождение (R-TIER-3)'
        : p.reasonCode === 'EXPIRED_NO_ORDER'
          ? 'нет выигранной сделки в срок после взятия (R-EXP-2)'
          : 'нет встречи или дозвона в срок (R-EXP-1)';
    return {
      ...n,
      payload: {
        ...p,
        clientName: name,
        title: `«${name}» возвращён в копилку`,
        text: `Клиент «${name}» возвращён в копилку: ${why}.`,
      },
    };
  });
}

async function insertNotices(tx: Tx, now: Date, raw: Notice[]): Promise<Set<string>> {
  if (raw.length === 0) return new Set();
  const notices = await withTexts(tx, raw);
  const inserted = await rows<{ dedupe_key: string }>(
    tx,
    sql`INSERT INTO notifications (user_id, kind, payload, created_at, dedupe_key)
        VALUES ${sql.join(
          notices.map(
            (n) =>
              sql`(${n.userId}, ${n.kind}, ${JSON.stringify(n.payload)}::jsonb, ${now.toISOString()}, ${n.dedupeKey})`,
          ),
          sql`, `,
        )}
        ON CONFLICT DO NOTHING RETURNING dedupe_key`,
  );
  return new Set(inserted.map((r) => r.dedupe_key));
}

function item(e: OwnershipEvent): SweepItem {
  return {
    clientId: e.clientId,
    lineId: e.lineId,
    ownerId: e.fromManagerId!,
    rule: e.rule,
    reasonCode: e.reasonCode,
  };
}

/** Owned slots whose expiry (or its earliest warning) has come: the one set-based SELECT of the sweep. */
export async function expiryCandidates(
  ctx: AppContext,
  policy: PolicyRef,
  now: Date,
): Promise<ExpiryFacts[]> {
  const p = policy.policy;
  if (!p.expiry.enabled) return [];
  const warnAhead = Math.max(0, ...p.expiry.warnDaysBefore);
  const found = await rows<FactRow>(
    ctx.db,
    sql`SELECT * FROM (
          SELECT o.client_id, o.line_id, o.owner_id, o.since, o.protected_until, o.extended_until, ${factColumns(p)}
          FROM ownership o WHERE o.owner_id IS NOT NULL
          OFFSET 0) o -- OFFSET 0: keep the subqueries computed once per row, not once per use below
        WHERE ${expiresAtSql(p, { lastQ: sql`o.last_q`, firstWon: sql`o.first_won` })}
              <= ${addDays(now, warnAhead).toISOString()}::timestamptz
        ORDER BY o.client_id, o.line_id`,
  );
  return found.map(toFacts);
}

async function loadPolicy(ctx: AppContext): Promise<PolicyRef> {
  const rules = await loadRules(ctx.db, undefined);
  if (rules.ok) return rules.value.policy;
  // No active line at all: the policy alone (nothing can be owned anyway).
  const [row] = await rows<{ version: number; document: unknown }>(
    ctx.db,
    sql`SELECT version, document FROM policies ORDER BY version DESC LIMIT 1`,
  );
  return row
    ? { version: row.version, policy: policySchema.parse(row.document) }
    : { version: 0, policy: defaultPolicy };
}

/** One batch of expiry candidates in one transaction. */
async function expireBatch(
  ctx: AppContext,
  policy: PolicyRef,
  now: Date,
  batch: ExpiryFacts[],
  report: SweepReport,
): Promise<void> {
  const base = { policy, now, actor: SWEEP_ACTOR };
  const decide = (facts: ExpiryFacts[]) => {
    const events: OwnershipEvent[] = [];
    const notices: Notice[] = [];
    const warned: (SweepReport['warned'][number] & { key: string })[] = [];
    for (const f of facts) {
      const e = decideExpiry(base, f);
      if (e) {
        events.push(e);
        notices.push({
          userId: f.slot.ownerId,
          kind: 'client_expired',
          payload: { clientId: e.clientId, lineId: e.lineId, rule: e.rule, reasonCode: e.reasonCode },
          dedupeKey: `expired:${e.clientId}:${e.lineId}:${now.toISOString()}`,
        });
        continue;
      }
      const w = warningDue(policy.policy, f, now);
      if (w) {
        const expiresAt = expiryOf(policy.policy, f).expiresAt!.toISOString();
        warned.push({
          clientId: f.slot.clientId,
          lineId: f.slot.lineId,
          ownerId: f.slot.ownerId,
          daysBefore: w.daysBefore,
          expiresAt,
          key: w.dedupeKey,
        });
        notices.push({
          userId: f.slot.ownerId,
          kind: 'expiry_warning',
          payload: {
            clientId: f.slot.clientId,
            lineId: f.slot.lineId,
            daysBefore: w.daysBefore,
            expiresAt,
            rule: expiryOf(policy.policy, f).rule,
          },
          dedupeKey: w.dedupeKey,
        });
      }
    }
    return { events, notices, warned };
  };

  if (report.dryRun) {
    const d = decide(batch);
    report.expired.push(...d.events.map(item));
    report.warned.push(...d.warned.map(({ key: _, ...w }) => w));
    return;
  }
  await ctx.db.transaction(async (tx) => {
    // Lock in (client, line) order like every ownership change, then re-read the facts under the lock.
    const clientIds = [...new Set(batch.map((f) => f.slot.clientId))];
    const lineIds = [...new Set(batch.map((f) => f.slot.lineId))];
    await lockSlots(tx, clientIds, lineIds);
    const fresh = await factsOf(
      tx,
      policy.policy,
      batch.map((f) => ({ clientId: f.slot.clientId, lineId: f.slot.lineId })),
    );
    const d = decide(fresh);
    await applyEventsBatch(tx, d.events);
    const sent = await insertNotices(tx, now, d.notices);
    report.expired.push(...d.events.map(item));
    // A warning whose notice already existed was sent by an earlier run: not reported again.
    report.warned.push(...d.warned.filter((w) => sent.has(w.key)).map(({ key: _, ...w }) => w));
  });
}

/** R-TIER-3: bases past their release deadline and still over the cap lose the surplus. */
async function releaseSurplus(
  ctx: AppContext,
  policy: PolicyRef,
  now: Date,
  report: SweepReport,
  opts: SweepOptions,
): Promise<void> {
  const due = await rows<{ id: number }>(
    ctx.db,
    sql`SELECT id FROM users WHERE cap_deadline_at IS NOT NULL AND cap_deadline_at <= ${now.toISOString()} ORDER BY id`,
  );
  let done = 0;
  for (const { id } of due) {
    const work = async (tx: Tx) => {
      const manager = await lockManager(tx, id);
      if (!manager) return;
      const rules = await loadRules(tx, undefined);
      if (!rules.ok) return;
      const single = policy.policy.lines.mode === 'single_owner';
      const lineId = rules.value.lineIds[0]!;
      const owned = await rows<{
        client_id: number;
        line_id: number;
        since: Date | string;
        protected_until: Date | string | null;
        last_touch: Date | string | null;
      }>(
        tx,
        sql`SELECT o.client_id, o.line_id, o.since, o.protected_until,
                   (SELECT max(t.occurred_at) FROM touches t WHERE t.client_id = o.client_id AND t.author_id = o.owner_id) AS last_touch
            FROM ownership o WHERE o.owner_id = ${id} ${single ? sql`` : sql`AND o.line_id = ${lineId}`}
            ORDER BY o.client_id, o.line_id`,
      );
      const cap = effectiveCap(policy.policy, manager, now).cap;
      const baseCount = single ? new Set(owned.map((o) => o.client_id)).size : owned.length;
      const candidates: SurplusCandidate[] = owned.map((o) => ({
        slot: {
          clientId: o.client_id,
          lineId: o.line_id,
          ownerId: id,
          protectedUntil: o.protected_until ? new Date(o.protected_until) : null,
        },
        lastTouchAt: o.last_touch ? new Date(o.last_touch) : null,
        since: new Date(o.since),
      }));
      const events = decideSurplusRelease(
        { policy, now, actor: SWEEP_ACTOR },
        { cap, baseCount, candidates, deadline: now },
      );
      report.surplusReleased.push(...events.map(item));
      if (report.dryRun) return;
      await applyEventsBatch(tx, events);
      await insertNotices(
        tx,
        now,
        events.map((e) => ({
          userId: id,
          kind: 'client_expired',
          payload: { clientId: e.clientId, lineId: e.lineId, rule: e.rule, reasonCode: e.reasonCode },
          dedupeKey: `surplus:${e.clientId}:${e.lineId}:${now.toISOString()}`,
        })),
      );
      if (baseCount - events.length <= cap) {
        await tx.execute(sql`UPDATE users SET cap_deadline_at = NULL WHERE id = ${id}`);
      }
    };
    await ctx.db.transaction(work);
    opts.onProgress?.({ phase: 'surplus', done: ++done, total: due.length });
  }
}

/** Run the sweep once. With another instance sweeping right now, returns `ran: false` at once. */
export async function runSweep(ctx: AppContext, opts: SweepOptions = {}): Promise<SweepReport> {
  const now = opts.now ?? ctx.clock();
  const batchSize = opts.batchSize ?? 500;
  const policy = await loadPolicy(ctx);
  const report: SweepReport = {
    now: now.toISOString(),
    dryRun: opts.dryRun ?? false,
    policyVersion: policy.version,
    candidates: 0,
    expired: [],
    warned: [],
    surplusReleased: [],
    ran: true,
  };
  const out = await withJobLock(ctx.db, ctx.dbKind, JOB_LOCKS.sweep, async () => {
    const candidates = await expiryCandidates(ctx, policy, now);
    report.candidates = candidates.length;
    for (let i = 0; i < candidates.length; i += batchSize) {
      await expireBatch(ctx, policy, now, candidates.slice(i, i + batchSize), report);
      opts.onProgress?.({
        phase: 'expiry',
        done: Math.min(i + batchSize, candidates.length),
        total: candidates.length,
      });
    }
    await releaseSurplus(ctx, policy, now, report, opts);
    return report;
  });
  if (!out.ran) return { ...report, ran: false };
  return out.value;
}
