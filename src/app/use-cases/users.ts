import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { and, asc, eq, gt, ne, sql } from 'drizzle-orm';
import type { Role, UserStatus } from '../../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { Executor } from '../../db/connect.ts';
import { sessions, users } from '../../db/schema/index.ts';
import type { AppContext } from '../context.ts';

const SESSION_DAYS = 30;

export type PublicUser = {
  id: number;
  name: string;
  email: string;
  role: Role;
  status: UserStatus;
  hiredAt: Date;
  capOverride: number | null;
  phoneExtension: string | null;
};

const publicColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  role: users.role,
  status: users.status,
  hiredAt: users.hiredAt,
  capOverride: users.capOverride,
  phoneExtension: users.phoneExtension,
};

/** Argon2id (memory-hard) with the library's defaults: 19 MiB, t=2, p=1 (OWASP's minimum). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export type AddUserCommand = {
  name: string;
  email: string;
  password: string;
  role: Role;
  hiredAt?: Date | undefined;
  status?: UserStatus | undefined;
};

export async function addUser(ctx: AppContext, cmd: AddUserCommand): Promise<Outcome<PublicUser>> {
  const now = ctx.clock();
  const email = cmd.email.trim().toLowerCase();
  const [existing] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(eq(sql`lower(${users.email})`, email));
  if (existing) return fail('CONFLICT', { field: 'email', email });
  const passwordHash = await hashPassword(cmd.password);
  try {
    const [row] = await ctx.db
      .insert(users)
      .values({
        name: cmd.name.trim(),
        email,
        passwordHash,
        role: cmd.role,
        status: cmd.status ?? 'active',
        hiredAt: cmd.hiredAt ?? now,
        createdAt: now,
      })
      .returning(publicColumns);
    return ok(row!);
  } catch (e) {
    if ((e as { code?: string }).code === '23505') return fail('CONFLICT', { field: 'email', email });
    throw e;
  }
}

/** Users by id, keyset-paginated (no limit: all, for the CLI). */
export async function listUsers(ex: Executor, page: { cursor?: number | undefined; limit?: number } = {}) {
  const q = ex
    .select(publicColumns)
    .from(users)
    .where(page.cursor ? gt(users.id, page.cursor) : undefined)
    .orderBy(asc(users.id));
  const list: PublicUser[] = page.limit ? await q.limit(page.limit + 1) : await q;
  const more = page.limit !== undefined && list.length > page.limit;
  const items = more ? list.slice(0, page.limit) : list;
  return { items, nextCursor: more ? items[items.length - 1]!.id : null };
}

export async function updateUser(
  ctx: AppContext,
  id: number,
  patch: {
    role?: Role;
    status?: UserStatus;
    name?: string;
    capOverride?: number | null;
    password?: string;
    phoneExtension?: string | null;
  },
): Promise<Outcome<PublicUser>> {
  const set: Partial<typeof users.$inferInsert> = {};
  if (patch.role) set.role = patch.role;
  if (patch.status) set.status = patch.status;
  if (patch.name) set.name = patch.name.trim();
  if (patch.capOverride !== undefined) set.capOverride = patch.capOverride;
  if (patch.phoneExtension !== undefined) set.phoneExtension = patch.phoneExtension;
  if (patch.password) set.passwordHash = await hashPassword(patch.password);
  if (Object.keys(set).length === 0)
    return fail('VALIDATION_FAILED', { issues: [{ path: '', message: 'nothing to change' }] });
  const [row] = await ctx.db.update(users).set(set).where(eq(users.id, id)).returning(publicColumns);
  if (!row) return fail('NOT_FOUND', { entity: 'user', userId: id });
  // Someone who left is signed out everywhere; any change refreshes the cached user (role, status).
  evictUser(ctx, id);
  if (patch.status === 'left' || patch.password) await ctx.db.delete(sessions).where(eq(sessions.userId, id));
  return ok(row);
}

function sessionId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Sign in: a random token goes to the cookie; only its SHA-256 is stored, so a database leak yields no sessions. */
export async function login(
  ctx: AppContext,
  email: string,
  password: string,
  userAgent: string | null,
): Promise<Outcome<{ token: string; user: PublicUser; expiresAt: Date }>> {
  const now = ctx.clock();
  const [u] = await ctx.db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()));
  // Verify even for unknown e-mails would cost a hash; a constant-time answer is not worth it at this scale.
  if (!u || !(await verify(u.passwordHash, password))) return fail('INVALID_CREDENTIALS', {});
  if (u.status === 'left') return fail('INVALID_CREDENTIALS', {});
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * 86_400_000);
  await ctx.db
    .insert(sessions)
    .values({ id: sessionId(token), userId: u.id, createdAt: now, expiresAt, userAgent });
  const { passwordHash: _omit, createdAt: _c, ...user } = u;
  return ok({ token, user, expiresAt });
}

/**
 * A user changes their own password: the current one must be right. Their other sessions end
 * (a stolen session does not survive the change); the one they are using stays signed in.
 */
export async function changeOwnPassword(
  ctx: AppContext,
  userId: number,
  currentToken: string,
  currentPassword: string,
  newPassword: string,
): Promise<Outcome<{ ok: true }>> {
  const [u] = await ctx.db.select().from(users).where(eq(users.id, userId));
  if (!u || !(await verify(u.passwordHash, currentPassword)))
    return fail('INVALID_CREDENTIALS', { field: 'currentPassword' });
  await ctx.db
    .update(users)
    .set({ passwordHash: await hashPassword(newPassword) })
    .where(eq(users.id, userId));
  await ctx.db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, sessionId(currentToken))));
  evictUser(ctx, userId);
  return ok({ ok: true });
}

export async function logout(ctx: AppContext, token: string): Promise<void> {
  sessionCache(ctx).delete(sessionId(token));
  await ctx.db.delete(sessions).where(eq(sessions.id, sessionId(token)));
}

/**
 * Sessions are looked up on every request; a few seconds of in-process memory saves that round trip.
 * Sign-out, a status change or a password change on this instance evicts at once; on another
 * instance the change takes effect within SESSION_CACHE_MS.
 */
export const SESSION_CACHE_MS = 5_000;
type CachedSession = { user: PublicUser; at: number };
const sessionCaches = new WeakMap<AppContext, Map<string, CachedSession>>();

function sessionCache(ctx: AppContext): Map<string, CachedSession> {
  let c = sessionCaches.get(ctx);
  if (!c) {
    c = new Map();
    sessionCaches.set(ctx, c);
  }
  return c;
}

function evictUser(ctx: AppContext, userId: number) {
  for (const [k, v] of sessionCache(ctx)) if (v.user.id === userId) sessionCache(ctx).delete(k);
}

export async function userForSession(ctx: AppContext, token: string): Promise<PublicUser | null> {
  const id = sessionId(token);
  const now = ctx.clock().getTime();
  const cache = sessionCache(ctx);
  const hit = cache.get(id);
  if (hit && now - hit.at >= 0 && now - hit.at < SESSION_CACHE_MS) return hit.user;
  const user = await loadSessionUser(ctx, id);
  if (user) {
    if (cache.size > 10_000) cache.clear();
    cache.set(id, { user, at: now });
  } else cache.delete(id);
  return user;
}

async function loadSessionUser(ctx: AppContext, id: string): Promise<PublicUser | null> {
  const [row] = await ctx.db
    .select(publicColumns)
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, ctx.clock())));
  if (!row || row.status === 'left') return null;
  return row;
}
