import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import { addUser, listUsers, revokeAllSessions, updateUser } from '../../app/use-cases/users.ts';
import {
  idParam,
  page,
  pageQuery,
  userCreateInput,
  userOut,
  userPatchInput,
} from '../../contract/schemas.ts';
import { ADMIN, currentUser } from '../auth.ts';
import { sendOutcome } from '../reply.ts';

export function registerUserRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/users',
    {
      config: { access: ADMIN },
      schema: { tags: ['users'], querystring: pageQuery, response: { 200: page(userOut) } },
    },
    async (req) => listUsers(ctx.db, req.query),
  );
  app.post(
    '/api/users',
    {
      config: { access: ADMIN },
      schema: { tags: ['users'], body: userCreateInput, response: { 201: userOut } },
    },
    async (req, reply) => sendOutcome(reply, await addUser(ctx, req.body, { id: currentUser(req).id }), 201),
  );
  app.patch(
    '/api/users/:id',
    {
      config: { access: ADMIN },
      schema: { tags: ['users'], params: idParam, body: userPatchInput, response: { 200: userOut } },
    },
    async (req, reply) =>
      sendOutcome(reply, await updateUser(ctx, req.params.id, req.body, { id: currentUser(req).id })),
  );
  app.post(
    '/api/users/:id/sessions/revoke',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['users'],
        summary: 'Sign a user out everywhere (all their sessions end); audited',
        params: idParam,
        response: { 200: z.object({ revoked: z.number() }) },
      },
    },
    async (req, reply) =>
      sendOutcome(reply, await revokeAllSessions(ctx, req.params.id, { id: currentUser(req).id })),
  );
}
