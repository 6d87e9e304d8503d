import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import { lookup, matchRecord } from '../../app/identity/lookup.ts';
import { activePolicy } from '../../app/policy-store.ts';
import { mergeClients } from '../../app/use-cases/merge-clients.ts';
import {
  changeOut,
  idParam,
  lookupOut,
  lookupQuery,
  matchInput,
  matchResultOut,
  mergeInput,
} from '../../contract/schemas.ts';
import { sendOutcome } from '../reply.ts';
import { ALL, currentUser, HEAD } from '../auth.ts';

export function registerIdentityRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/lookup',
    {
      config: { access: ALL },
      schema: { tags: ['identity'], querystring: lookupQuery, response: { 200: lookupOut } },
    },
    async (req) => ({ items: await lookup(ctx.db, req.query.q, req.query.limit) }),
  );
  app.post(
    '/api/clients/:id/merge',
    {
      config: { access: HEAD },
      schema: { tags: ['identity'], params: idParam, body: mergeInput, response: { 200: changeOut } },
    },
    async (req, reply) => {
      const u = currentUser(req);
      return sendOutcome(
        reply,
        await mergeClients(ctx, {
          actor: { kind: 'user', id: u.id, role: u.role },
          survivorId: req.params.id,
          otherClientId: req.body.otherClientId,
          ownerId: req.body.ownerId,
        }),
      );
    },
  );
  app.post(
    '/api/clients/match',
    {
      config: { access: ALL },
      schema: {
        tags: ['identity'],
        body: matchInput,
        response: { 200: z.object({ items: z.array(matchResultOut) }) },
      },
    },
    async (req) => {
      const policy = await activePolicy(ctx.db);
      return { items: await matchRecord(ctx.db, policy.policy.identity, req.body) };
    },
  );
}
