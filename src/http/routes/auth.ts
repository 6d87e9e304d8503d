import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import { changeOwnPassword, login, logout, revokeAllSessions } from '../../app/use-cases/users.ts';
import { loginInput, passwordChangeInput, userOut } from '../../contract/schemas.ts';
import { ALL, currentUser, SESSION_COOKIE, sessionToken, setSessionCookie } from '../auth.ts';
import { sendOutcome } from '../reply.ts';

export function registerAuthRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/auth/login',
    {
      // A per-process flood guard in front of the password hash (argon2 costs CPU); the real
      // throttling of failed sign-ins is in the database, shared by every instance (app/login-throttle.ts).
      config: { access: 'public', rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        description:
          'Too many failed sign-ins for one account (5 in 15 min) or from one address (30 in 15 min) lock ' +
          'it for 15 minutes: 429 LOGIN_THROTTLED with `Retry-After` and details.retryAfterSeconds.',
        body: loginInput,
        response: { 200: z.object({ user: userOut, token: z.string(), expiresAt: z.string() }) },
      },
    },
    async (req, reply) => {
      const out = await login(
        ctx,
        req.body.email,
        req.body.password,
        req.headers['user-agent'] ?? null,
        req.ip,
      );
      if (out.ok) setSessionCookie(req, reply, out.value.token, out.value.expiresAt);
      else if (out.code === 'LOGIN_THROTTLED')
        reply.header('retry-after', String(out.details.retryAfterSeconds));
      // The token is also returned for scripts and API clients (Authorization: Bearer).
      return sendOutcome(reply, out, 200, (v) => ({ ...v, expiresAt: v.expiresAt.toISOString() }));
    },
  );
  app.post(
    '/api/auth/logout',
    { config: { access: ALL }, schema: { tags: ['auth'], response: { 200: z.object({ ok: z.boolean() }) } } },
    async (req, reply) => {
      const token = sessionToken(req);
      if (token) await logout(ctx, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true };
    },
  );
  app.post(
    '/api/auth/sessions/revoke-all',
    {
      config: { access: ALL },
      schema: {
        tags: ['auth'],
        summary: 'Sign out everywhere: every session of the caller ends, this one too',
        response: { 200: z.object({ revoked: z.number() }) },
      },
    },
    async (req, reply) => {
      const me = currentUser(req);
      const out = await revokeAllSessions(ctx, me.id, { id: me.id });
      if (out.ok) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return sendOutcome(reply, out);
    },
  );
  app.get(
    '/api/me',
    { config: { access: ALL }, schema: { tags: ['auth'], response: { 200: userOut } } },
    async (req) => currentUser(req),
  );
  app.post(
    '/api/me/password',
    {
      config: { access: ALL },
      schema: { tags: ['auth'], body: passwordChangeInput, response: { 200: z.object({ ok: z.boolean() }) } },
    },
    async (req, reply) =>
      sendOutcome(
        reply,
        await changeOwnPassword(
          ctx,
          currentUser(req).id,
          sessionToken(req) ?? '',
          req.body.currentPassword,
          req.body.newPassword,
        ),
      ),
  );
}
