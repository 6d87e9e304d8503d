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
          'Base review: invalid ИНН/КПП/ОГРН, unparseable phones, untouched contacts and legal entities, likely and forced duplicates',
        description:
          '"Untouched for N days" (`basis: touches`): a contact added more than N days ago that no touch of its ' +
          'client since names (or a touch naming nobody); a legal entity added more than N days ago whose client ' +
          'has had no touch since and no deal with it opened or won. `forcedDuplicates`: clients created despite a ' +
          '`same` match, while both still stand alone. Each list holds at most `limit` items; `counts` are the totals.',
        querystring: reviewQuery,
        response: { 200: reviewOut },
      },
    },
    async (req) => reviewBase(ctx.db, { now: ctx.clock(), ...req.query }),
  );
}
