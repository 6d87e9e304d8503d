import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { and, asc, eq, gt, ne, sql } from 'drizzle-orm';
import type { Role, UserStatus } from '../../core/ownership/types.ts';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import type { Executor } from '../../db/connect.ts';
import { sessions, users } from '../../db/schema/index.ts';
import { type AuditActor, audit } from '../audit.ts';
import type { AppContext } from '../context.ts';
import { activeLockout, clearAccount, recordFailure, throttleKeys } from '../login-throttle.ts';

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

/** Adds a user; with an `actor` (an admin via the API, the CLI) the creation is audited. */
export async function addUser(
  ctx: AppContext,
  cmd: AddUserCommand,
  actor?: AuditActor,
): Promise<Outcome<PublicUser>> {
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
    if (actor)
      await audit(ctx.db, {
        at: now,
        actor,
        action: 'user.create',
        target: { type: 'user', id: row!.id },
        after: row,
      });
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

/**
 * An admin changes a user (role, status, name, cap override, extension, password reset). The
 * change and its audit record (before/after; a password reset is its own action, no secret
 * stored) commit together. Someone who left, or whose password was reset, is signed out everywhere.
 */
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
  actor: AuditActor = { id: null, label: 'system' },
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
  const now = ctx.clock();
  const row = await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select(publicColumns).from(users).where(eq(users.id, id)).for('update');
    if (!before) return null;
    const [after] = await tx.update(users).set(set).where(eq(users.id, id)).returning(publicColumns);
    const changed = (Object.keys(set) as (keyof typeof set)[]).filter((k) => k !== 'passwordHash');
    if (changed.length > 0) {
      const pick = (u: PublicUser) =>
        Object.fromEntries(changed.map((k) => [k, (u as Record<string, unknown>)[k] ?? null]));
      await audit(tx, {
        at: now,
        actor,
        action: 'user.update',
        target: { type: 'user', id },
        before: pick(before),
        after: pick(after!),
      });
    }
    if (patch.password)
      await audit(tx, { at: now, actor, action: 'user.password_reset', target: { type: 'user', id } });
    if (patch.status === 'left' || patch.password) await tx.delete(sessions).where(eq(sessions.userId, id));
    return after!;
  });
  if (!row) return fail('NOT_FOUND', { entity: 'user', userId: id });
  // Any change refreshes the cached user (role, status) on this instance at once.
  evictUser(ctx, id);
  return ok(row);
}

/**
 * Sign out everywhere: every session of the user ends (on every instance within
 * SESSION_CACHE_MS; on this one at once). The user themself, or an admin for anyone; audited.
 */
export async function revokeAllSessions(
  ctx: AppContext,
  userId: number,
  actor: AuditActor,
): Promise<Outcome<{ revoked: number }>> {
  const now = ctx.clock();
  const revoked = await ctx.db.transaction(async (tx) => {
    const [u] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
    if (!u) return null;
    const gone = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
    await audit(tx, {
      at: now,
      actor,
      action: 'sessions.revoke_all',
      target: { type: 'user', id: userId },
      after: { revoked: gone.length },
    });
    return gone.length;
  });
  if (revoked === null) return fail('NOT_FOUND', { entity: 'user', userId });
  evictUser(ctx, userId);
  return ok({ revoked });
}

/** A user by id (public columns), or null. */
export async function userById(ctx: AppContext, id: number): Promise<PublicUser | null> {
  const [u] = await ctx.db.select(publicColumns).from(users).where(eq(users.id, id));
  return u ?? null;
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
  /** The client's address (throttling per IP); null = not throttled per address (CLI, tests). */
  ip: string | null = null,
): Promise<Outcome<{ token: string; user: PublicUser; expiresAt: Date }>> {
  const now = ctx.clock();
  // Throttling (app/login-throttle.ts): a locked account or address is refused before any hash is checked.
  const keys = throttleKeys(email, ip);
  const locked = await activeLockout(ctx.db, keys, now);
  if (locked) return fail('LOGIN_THROTTLED', { ...locked });
  const [u] = await ctx.db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()));
  // Verify even for unknown e-mails would cost a hash; a constant-time answer is not worth it at this scale.
  if (!u || !(await verify(u.passwordHash, password)) || u.status === 'left') {
    const lockout = await recordFailure(ctx.db, keys, now);
    if (lockout) return fail('LOGIN_THROTTLED', { ...lockout });
    return fail('INVALID_CREDENTIALS', {});
  }
  await clearAccount(ctx.db, email, now);
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
