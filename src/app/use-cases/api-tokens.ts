import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, isNull, lte, or } from 'drizzle-orm';
import { fail, ok, type Outcome } from '../../core/outcome.ts';
import { apiTokens, users } from '../../db/schema/index.ts';
import { type AuditActor, audit } from '../audit.ts';
import type { AppContext } from '../context.ts';
import { type PublicUser, userById } from './users.ts';

/**
 * API tokens for machines (C18): a PBX asking "who is calling?" has no user and no session.
 * The plain token is shown once, at creation; only its SHA-256 is stored, so a database leak
 * yields no usable token. A token is revoked, never deleted (its row says who made it and when
 * it was last used).
 */
/** 'telephony': caller lookup only (C18). 'full': acts as its creator on the whole API (scripts, integrations). */
export type ApiTokenScope = 'telephony' | 'full';

export const API_TOKEN_PREFIX = 'fbt_';
/** `fbt_` + 32 random bytes in base64url (43 characters). */
const TOKEN_SHAPE = /^fbt_[A-Za-z0-9_-]{43}$/;
/** last_used_at is written at most once a minute per token: a busy PBX must not turn every call into a write. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export type ApiTokenView = {
  id: number;
  name: string;
  scope: ApiTokenScope;
  createdBy: number;
  createdByName: string | null;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
};

export type CreatedApiToken = ApiTokenView & {
  /** The plain token: returned here once and never again. */
  token: string;
};

function tokenHash(plain: string): string {
  return createHash('sha256').update(plain).digest('hex');
}

const viewColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  scope: apiTokens.scope,
  createdBy: apiTokens.createdBy,
  createdByName: users.name,
  createdAt: apiTokens.createdAt,
  revokedAt: apiTokens.revokedAt,
  lastUsedAt: apiTokens.lastUsedAt,
};

export async function createApiToken(
  ctx: AppContext,
  cmd: { name: string; scope: ApiTokenScope; createdBy: number },
): Promise<Outcome<CreatedApiToken>> {
  const name = cmd.name.trim();
  if (!name) return fail('VALIDATION_FAILED', { issues: [{ path: 'name', message: 'a name is required' }] });
  const now = ctx.clock();
  const token = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const [row] = await ctx.db
    .insert(apiTokens)
    .values({ name, tokenHash: tokenHash(token), scope: cmd.scope, createdBy: cmd.createdBy, createdAt: now })
    .returning({ id: apiTokens.id });
  await audit(ctx.db, {
    at: now,
    actor: { id: cmd.createdBy },
    action: 'token.create',
    target: { type: 'api_token', id: row!.id },
    after: { name, scope: cmd.scope },
  });
  const [creator] = await ctx.db.select({ name: users.name }).from(users).where(eq(users.id, cmd.createdBy));
  return ok({
    id: row!.id,
    name,
    scope: cmd.scope,
    createdBy: cmd.createdBy,
    createdByName: creator?.name ?? null,
    createdAt: now,
    revokedAt: null,
    lastUsedAt: null,
    token,
  });
}

/** Every token, revoked ones included, oldest first; never a secret (only hashes are stored anyway). */
export async function listApiTokens(ctx: AppContext): Promise<ApiTokenView[]> {
  return ctx.db
    .select(viewColumns)
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .orderBy(asc(apiTokens.id));
}

/** Revoke a token: it stops working at once, on every instance (no cache). Revoking twice keeps the first time. */
export async function revokeApiToken(
  ctx: AppContext,
  id: number,
  actor: AuditActor = { id: null, label: 'system' },
): Promise<Outcome<ApiTokenView>> {
  const now = ctx.clock();
  const revoked = await ctx.db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning({ name: apiTokens.name, scope: apiTokens.scope });
  if (revoked[0])
    await audit(ctx.db, {
      at: now,
      actor,
      action: 'token.revoke',
      target: { type: 'api_token', id },
      before: { name: revoked[0].name, scope: revoked[0].scope, revokedAt: null },
      after: { revokedAt: now },
    });
  const [row] = await ctx.db
    .select(viewColumns)
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .where(eq(apiTokens.id, id));
  if (!row) return fail('NOT_FOUND', { entity: 'api token', tokenId: id });
  return ok(row);
}

export type ApiTokenRow = typeof apiTokens.$inferSelect;

/**
 * The token row for a plain token presented by a caller, or null when it is malformed, unknown or
 * revoked. One indexed read (token_hash is unique); last_used_at is refreshed at most once a minute,
 * by a conditional UPDATE, so concurrent calls don't pile up writes.
 */
export async function tokenForRequest(ctx: AppContext, plain: string): Promise<ApiTokenRow | null> {
  if (!TOKEN_SHAPE.test(plain)) return null;
  const [row] = await ctx.db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, tokenHash(plain)), isNull(apiTokens.revokedAt)));
  if (!row) return null;
  const now = ctx.clock();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const cutoff = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    await ctx.db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(
        and(eq(apiTokens.id, row.id), or(isNull(apiTokens.lastUsedAt), lte(apiTokens.lastUsedAt, cutoff))),
      );
    row.lastUsedAt = now;
  }
  return row;
}

/**
 * The user a `full` API token acts as: its creator, while they have not left. Null for any other
 * token (unknown, revoked, telephony-only) — a telephony token never reaches user routes.
 */
export async function userForApiToken(ctx: AppContext, plain: string): Promise<PublicUser | null> {
  const row = await tokenForRequest(ctx, plain);
  if (row?.scope !== 'full') return null;
  const user = await userById(ctx, row.createdBy);
  return user && user.status !== 'left' ? user : null;
}
