import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app/context.ts';
import { reviewBase } from '../../app/identity/review.ts';
import { requestDuplicateScan } from '../../app/identity/duplicate-scan.ts';
import { duplicateScanStartedOut, reviewOut, reviewQuery } from '../../contract/schemas.ts';
import { HEAD, SELLERS } from '../auth.ts';

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
  app.post(
    '/api/review/duplicate-scan',
    {
      config: { access: HEAD },
      schema: {
        tags: ['identity'],
        summary: 'Scan the base for likely duplicates now (a large base is otherwise scanned nightly)',
        description:
          'Answers 202 at once; the scan runs in this server (about 30 s per 100,000 clients) and the review ' +
          'shows it when done (`duplicateScan.scanRunningSince` meanwhile). `started: false` when one is running.',
        response: { 202: duplicateScanStartedOut },
      },
    },
    async (req, reply) =>
      reply.code(202).send(await requestDuplicateScan(ctx, (msg, data) => req.log.error(data ?? {}, msg))),
  );
}
