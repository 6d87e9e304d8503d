import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../core/ownership/types.ts';
import type { PublicUser } from '../app/use-cases/users.ts';

export const SESSION_COOKIE = 'fairbase_session';

/**
 * Every route declares who may call it; the hook in server.ts enforces it (R-AUTH-1).
 * 'telephony': machines only — an API token of scope telephony (`Authorization: Bearer fbt_…` or
 * `X-Api-Token: fbt_…`); a user's session is not enough (C18).
 */
export type RouteAccess = 'public' | 'ops' | 'telephony' | readonly Role[];

export const ALL: readonly Role[] = ['manager', 'head', 'admin'];
export const SELLERS: readonly Role[] = ['manager', 'head'];
export const HEAD: readonly Role[] = ['head'];
export const ADMIN: readonly Role[] = ['admin'];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    user: PublicUser | null;
  }
}

export function sessionToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || null;
  return req.cookies[SESSION_COOKIE] ?? null;
}

export function currentUser(req: FastifyRequest): PublicUser {
  if (!req.user) throw new Error('route reached without a user: its access is not declared');
  return req.user;
}

export function setSessionCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expires: Date,
): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: req.protocol === 'https',
    expires,
  });
}
