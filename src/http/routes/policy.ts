import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import { activePolicy, policyVersion } from '../../app/policy-store.ts';
import { listLines } from '../../app/use-cases/lines.ts';
import { listPolicyVersions, setPolicy } from '../../app/use-cases/policy.ts';
import {
  MAX_ID,
  page,
  pageQuery,
  policyOut,
  policyPutInput,
  policyVersionOut,
} from '../../contract/schemas.ts';
import { ALL, currentUser, HEAD } from '../auth.ts';
import { sendOutcome, sendRejection } from '../reply.ts';

export function registerPolicyRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/policy',
    { config: { access: ALL }, schema: { tags: ['policy'], response: { 200: policyOut } } },
    async () => activePolicy(ctx.db),
  );
  app.put(
    '/api/policy',
    {
      config: { access: HEAD },
      schema: { tags: ['policy'], body: policyPutInput, response: { 200: policyOut } },
    },
    async (req, reply) =>
      sendOutcome(reply, await setPolicy(ctx, req.body.policy, currentUser(req).id, req.body.note ?? null)),
  );
  app.get(
    '/api/lines',
    {
      config: { access: ALL },
      schema: {
        tags: ['policy'],
        response: {
          200: z.object({
            items: z.array(
              z.object({ id: z.number(), name: z.string(), isDefault: z.boolean(), active: z.boolean() }),
            ),
          }),
        },
      },
    },
    async () => ({ items: await listLines(ctx.db) }),
  );
  app.get(
    '/api/policy/versions',
    {
      config: { access: ALL },
      schema: { tags: ['policy'], querystring: pageQuery, response: { 200: page(policyVersionOut) } },
    },
    async (req) => listPolicyVersions(ctx, req.query),
  );
  app.get(
    '/api/policy/versions/:version',
    {
      config: { access: ALL },
      schema: {
        tags: ['policy'],
        params: z.object({ version: z.coerce.number().int().positive().max(MAX_ID) }),
        response: { 200: policyOut },
      },
    },
    async (req, reply) => {
      const found = await policyVersion(ctx.db, req.params.version);
      return found ?? sendRejection(reply, 'NOT_FOUND', { entity: 'policy version' });
    },
  );
}
