import { desc, eq, sql } from 'drizzle-orm';
import { type Policy, policySchema, defaultPolicy } from '../core/policy/policy.ts';
import type { PolicyRef } from '../core/ownership/types.ts';
import type { Executor } from '../db/connect.ts';
import { rows } from '../db/raw.ts';
import { policies } from '../db/schema/index.ts';

/** The active policy is the highest version. Read inside the deciding transaction, so a decision names the version it used. */
export async function activePolicy(ex: Executor): Promise<PolicyRef> {
  const [row] = await ex.select().from(policies).orderBy(desc(policies.version)).limit(1);
  if (!row) return { version: 0, policy: defaultPolicy };
  return { version: row.version, policy: policySchema.parse(row.document) };
}

/** One stored version (for a diff between versions); null when there is no such version. */
export async function policyVersion(ex: Executor, version: number): Promise<PolicyRef | null> {
  const [row] = await ex.select().from(policies).where(eq(policies.version, version)).limit(1);
  return row ? { version: row.version, policy: policySchema.parse(row.document) } : null;
}

export async function savePolicyVersion(
  ex: Executor,
  policy: Policy,
  createdBy: number | null,
  note: string | null,
  now: Date,
): Promise<number> {
  // Serialise concurrent edits: the version number is max+1 under a transaction-scoped lock.
  await ex.execute(sql`SELECT pg_advisory_xact_lock(7240002)`);
  const [row] = await rows<{ next: number }>(
    ex,
    sql`SELECT coalesce(max(version), 0) + 1 AS next FROM policies`,
  );
  const next = Number(row?.next ?? 1);
  await ex.insert(policies).values({ version: next, document: policy, note, createdBy, createdAt: now });
  return next;
}
