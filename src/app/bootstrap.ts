import { randomBytes } from 'node:crypto';
import { count, sql } from 'drizzle-orm';
import { defaultPolicy } from '../core/policy/policy.ts';
import { rows } from '../db/raw.ts';
import { lines, policies, users } from '../db/schema/index.ts';
import type { AppContext } from './context.ts';
import { reindexAll } from './identity/reindex.ts';
import { savePolicyVersion } from './policy-store.ts';
import { addUser } from './use-cases/users.ts';

export const DEFAULT_LINE_NAME = 'Основное направление';

/**
 * First start on an empty database: the default line, policy version 1, and an admin whose password
 * is printed once (or taken from FAIRBASE_ADMIN_EMAIL / FAIRBASE_ADMIN_PASSWORD). Idempotent and safe
 * for several instances starting at once (one advisory lock).
 */
export async function bootstrap(
  ctx: AppContext,
  env: { adminEmail?: string | undefined; adminPassword?: string | undefined; createAdmin?: boolean } = {},
): Promise<{ adminCreated: { email: string; password: string; generated: boolean } | null }> {
  const now = ctx.clock();
  const needsAdmin = await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(7240003)`);
    const [l] = await tx.select({ n: count() }).from(lines);
    if (!l?.n) await tx.insert(lines).values({ name: DEFAULT_LINE_NAME, isDefault: true, createdAt: now });
    const [p] = await tx.select({ n: count() }).from(policies);
    if (!p?.n) await savePolicyVersion(tx, defaultPolicy, null, 'initial policy (preset balanced)', now);
    const [u] = await tx.select({ n: count() }).from(users);
    return !u?.n;
  });
  // A database filled before the identifier index existed (migration 0002) gets its index once.
  const [state] = await rows<{ c: boolean; i: boolean }>(
    ctx.db,
    sql`SELECT EXISTS (SELECT 1 FROM clients) AS c, EXISTS (SELECT 1 FROM client_identifiers) AS i`,
  );
  if (state?.c && !state.i) await ctx.db.transaction((tx) => reindexAll(tx));
  if (!needsAdmin || env.createAdmin === false) return { adminCreated: null };
  const email = env.adminEmail ?? 'admin@fairbase.local';
  const generated = !env.adminPassword;
  const password = env.adminPassword ?? randomBytes(12).toString('base64url');
  const res = await addUser(ctx, { name: 'Администратор', email, password, role: 'admin' });
  // Another instance won the race: it printed the password.
  if (!res.ok) return { adminCreated: null };
  return { adminCreated: { email, password, generated } };
}
