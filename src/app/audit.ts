import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';
import { auditLog, users } from '../db/schema/index.ts';

/**
 * The audit log (issue 8, item 6): what heads and admins did, with actor, time, target and
 * before/after. Append-only in the database (a trigger refuses UPDATE, DELETE and TRUNCATE).
 *
 * Ownership changes — transfers, head overrides, handovers, dispute decisions — are already in
 * the ownership ledger (`ownership_events`, with actor, rule and reason); they are not copied here.
 *
 * The hook for other features (imports, …): call `audit(ex, {...})` with the transaction that
 * did the change, so the record commits or rolls back with it:
 *
 *   await audit(tx, { at: now, actor: { id: user.id }, action: 'import.apply',
 *     target: { type: 'import', id: batchId }, after: { rows: 120, created: 118 } });
 */
export const auditActions = [
  'policy.set',
  'user.create',
  'user.update',
  'user.password_reset',
  'sessions.revoke_all',
  'token.create',
  'token.revoke',
  'import.apply',
] as const;
export type AuditAction = (typeof auditActions)[number];

export type AuditActor = { id: number | null; label?: string };

export type AuditEntry = {
  at: Date;
  /** The user who acted, or `{ id: null, label: 'cli' | 'system' }`. */
  actor: AuditActor;
  action: AuditAction;
  target: { type: string; id?: string | number | null };
  before?: unknown;
  after?: unknown;
};

/** Write one audit record on the given executor (pass the transaction of the change). */
export async function audit(ex: Executor, e: AuditEntry): Promise<void> {
  await ex.insert(auditLog).values({
    at: e.at,
    actorId: e.actor.id,
    actorLabel: e.actor.label ?? (e.actor.id === null ? 'system' : 'user'),
    action: e.action,
    targetType: e.target.type,
    targetId: e.target.id === undefined || e.target.id === null ? null : String(e.target.id),
    before: e.before === undefined ? null : redactSecrets(e.before),
    after: e.after === undefined ? null : redactSecrets(e.after),
  });
}

const SECRET_KEYS = /pass(word)?|token|secret|hash/i;

/** Never store a password, token or hash in the audit log: such fields become "[redacted]". */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = SECRET_KEYS.test(k) ? '[redacted]' : redactSecrets(v);
    return out;
  }
  return value;
}

export type AuditFilter = {
  action?: string | undefined;
  actorId?: number | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Keyset paging: records with id below this one (newest first). */
  cursor?: number | undefined;
  limit?: number | undefined;
};

export type AuditRecord = {
  id: number;
  at: Date;
  actorId: number | null;
  actorLabel: string;
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
};

/** Newest first, filtered, keyset-paginated by id. */
export async function listAudit(
  ex: Executor,
  f: AuditFilter,
): Promise<{ items: AuditRecord[]; nextCursor: number | null }> {
  const limit = f.limit ?? 50;
  const where: SQL[] = [];
  if (f.action) where.push(eq(auditLog.action, f.action));
  if (f.actorId !== undefined) where.push(eq(auditLog.actorId, f.actorId));
  if (f.targetType) where.push(eq(auditLog.targetType, f.targetType));
  if (f.targetId) where.push(eq(auditLog.targetId, f.targetId));
  if (f.from) where.push(gte(auditLog.at, f.from));
  if (f.to) where.push(lte(auditLog.at, f.to));
  if (f.cursor) where.push(lt(auditLog.id, f.cursor));
  const list = await ex
    .select({
      id: auditLog.id,
      at: auditLog.at,
      actorId: auditLog.actorId,
      actorLabel: auditLog.actorLabel,
      actorName: users.name,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      before: auditLog.before,
      after: auditLog.after,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(limit + 1);
  const more = list.length > limit;
  const items = more ? list.slice(0, limit) : list;
  return { items, nextCursor: more ? items[items.length - 1]!.id : null };
}
