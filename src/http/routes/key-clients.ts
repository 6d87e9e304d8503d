import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app/context.ts';
import { markKeyClient } from '../../app/handover.ts';
import { keyClientInput, keyClientOut } from '../../contract/rules-over-time.ts';
import { idParam } from '../../contract/schemas.ts';
import { currentUser, HEAD } from '../auth.ts';
import { sendOutcome } from '../reply.ts';

/** R-HAND-2: a head marks key clients (they get a joint meeting in a handover). */
export function registerKeyClientRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/clients/:id/key',
    {
      config: { access: HEAD },
      schema: {
        tags: ['handover'],
        summary: 'Mark or unmark a key client (R-HAND-2)',
        description:
          'Key clients (marked, or the top by revenue) get a joint-meeting task for the leaving manager and the receiver in a handover.',
        params: idParam,
        body: keyClientInput,
        response: { 200: keyClientOut },
      },
    },
    async (req, reply) => {
      const u = currentUser(req);
      return sendOutcome(
        reply,
        await markKeyClient(ctx, {
          actor: { kind: 'user', id: u.id, role: u.role },
          clientId: req.params.id,
          key: req.body.key,
        }),
      );
    },
  );
}
