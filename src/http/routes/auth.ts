import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import { changeOwnPassword, login, logout } from '../../app/use-cases/users.ts';
import { loginInput, passwordChangeInput, userOut } from '../../contract/schemas.ts';
import { ALL, currentUser, SESSION_COOKIE, sessionToken, setSessionCookie } from '../auth.ts';
import { sendOutcome } from '../reply.ts';

export function registerAuthRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        body: loginInput,
        response: { 200: z.object({ user: userOut, token: z.string(), expiresAt: z.string() }) },
      },
    },
    async (req, reply) => {
      const out = await login(ctx, req.body.email, req.body.password, req.headers['user-agent'] ?? null);
      if (out.ok) setSessionCookie(req, reply, out.value.token, out.value.expiresAt);
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
