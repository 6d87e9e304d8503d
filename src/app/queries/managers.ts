import { asc, eq, inArray, sql } from 'drizzle-orm';
import { effectiveCap, isNewcomer } from '../../core/ownership/decide.ts';
import type { PolicyRef } from '../../core/ownership/types.ts';
import type { Executor } from '../../db/connect.ts';
import { rows } from '../../db/raw.ts';
import { users } from '../../db/schema/index.ts';

/** Sellers (managers and heads) with their base size and cap in a line. */
export async function listManagers(ex: Executor, policy: PolicyRef, lineId: number, now: Date) {
  const list = await ex
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      status: users.status,
      hiredAt: users.hiredAt,
      capOverride: users.capOverride,
      phoneExtension: users.phoneExtension,
    })
    .from(users)
    .where(inArray(users.role, ['manager', 'head']))
    .orderBy(asc(users.name));
  const counts = await rows<{ owner_id: number; n: number }>(
    ex,
    policy.policy.lines.mode === 'single_owner'
      ? sql`SELECT owner_id, count(DISTINCT client_id)::int AS n FROM ownership WHERE owner_id IS NOT NULL GROUP BY owner_id`
      : sql`SELECT owner_id, count(*)::int AS n FROM ownership WHERE owner_id IS NOT NULL AND line_id = ${lineId} GROUP BY owner_id`,
  );
  const byId = new Map(counts.map((c) => [Number(c.owner_id), Number(c.n)]));
  return list.map((m) => {
    const cap = effectiveCap(policy.policy, m, now);
    return {
      ...m,
      baseCount: byId.get(m.id) ?? 0,
      cap: cap.cap,
      capSource: cap.source,
      newcomer: isNewcomer(policy.policy, m, now),
    };
  });
}

export async function findUser(ex: Executor, id: number) {
  const [u] = await ex.select().from(users).where(eq(users.id, id));
  return u ?? null;
}
