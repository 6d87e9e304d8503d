import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app/context.ts';
import { reviewBase } from '../../app/identity/review.ts';
import { reviewOut, reviewQuery } from '../../contract/schemas.ts';
import { SELLERS } from '../auth.ts';

export function registerReviewRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  // Heads and managers: it is data hygiene, and editing client data is open to both (ARCHITECTURE.md).
  app.get(
    '/api/review',
    {
      config: { access: SELLERS },
      schema: {
        tags: ['identity'],
        summary:
          'Base review: invalid ИНН/КПП/ОГРН, unparseable phones, untouched contacts and legal entities',
        description:
          'Touches are not recorded yet, so "untouched for N days" means: created more than N days ago ' +
          'and no ownership event for the client in the last N days (`basis: created_at_and_ledger`). ' +
          'Each list holds at most `limit` items; `counts` are the totals.',
        querystring: reviewQuery,
        response: { 200: reviewOut },
      },
    },
    async (req) => reviewBase(ctx.db, { now: ctx.clock(), ...req.query }),
  );
}
