import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { reviewCaps } from '../../app/cap-review.ts';
import type { AppContext } from '../../app/context.ts';
import { activePolicy } from '../../app/policy-store.ts';
import { listExpiry } from '../../app/queries/expiry.ts';
import { runSweep } from '../../app/sweep.ts';
import { extendExpiry } from '../../app/use-cases/extend-expiry.ts';
import {
  capReviewInput,
  capReviewOut,
  expiryOut,
  expiryQuery,
  extendInput,
  sweepInput,
  sweepOut,
} from '../../contract/rules-over-time.ts';
import { changeOut, idParam } from '../../contract/schemas.ts';
import { currentUser, HEAD, SELLERS } from '../auth.ts';
import { sendOutcome, sendRejection } from '../reply.ts';

/** Expiry to the pool (C10), head extensions, the sweep on demand, result-based cap reviews (C7). */
export function registerSweepRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/expiry',
    {
      config: { access: SELLERS },
      schema: {
        tags: ['expiry'],
        summary: 'When owned clients go back to the pool, soonest first (R-EXP-1…4)',
        description:
          'A manager sees their own base (the `manager` parameter must be omitted or their own id); a head sees anyone. ' +
          '`within=14` lists only clients expiring in the next 14 days (and those due but not yet swept).',
        querystring: expiryQuery,
        response: { 200: expiryOut },
      },
    },
    async (req, reply) => {
      const user = currentUser(req);
      const managerId = user.role === 'head' ? req.query.manager : (req.query.manager ?? user.id);
      if (user.role !== 'head' && managerId !== user.id) {
        return sendRejection(reply, 'FORBIDDEN', { field: 'manager' });
      }
      return listExpiry(ctx.db, await activePolicy(ctx.db), {
        now: ctx.clock(),
        withinDays: req.query.within,
        managerId,
        lineId: req.query.line,
        limit: req.query.limit,
      });
    },
  );
  app.post(
    '/api/clients/:id/extend',
    {
      config: { access: HEAD },
      schema: {
        tags: ['expiry'],
        summary: "Postpone a client's return to the pool, with a reason (R-EXP-4)",
        params: idParam,
        body: extendInput,
        response: { 200: changeOut },
      },
    },
    async (req, reply) => {
      const u = currentUser(req);
      return sendOutcome(
        reply,
        await extendExpiry(ctx, {
          actor: { kind: 'user', id: u.id, role: u.role },
          clientId: req.params.id,
          until: req.body.until,
          reason: req.body.reason,
          ...(req.body.lineId === undefined ? {} : { lineId: req.body.lineId }),
        }),
      );
    },
  );
  app.post(
    '/api/sweep',
    {
      config: { access: HEAD },
      schema: {
        tags: ['expiry'],
        summary: 'Run the sweep now: warnings, expiry to the pool, cap surplus (C10, R-TIER-3)',
        description:
          'The server also runs it on a schedule. With `dryRun` nothing changes. `ran: false` means another instance is sweeping right now.',
        body: sweepInput,
        response: { 200: sweepOut },
      },
    },
    async (req) => runSweep(ctx, { dryRun: req.body.dryRun }),
  );
  app.post(
    '/api/caps/review',
    {
      config: { access: HEAD },
      schema: {
        tags: ['expiry'],
        summary: 'Review result-based caps now (R-TIER-1, R-TIER-2)',
        description:
          'Computes every active seller’s tier from won deals in the policy window. Applied only when `resultCaps.enabled` and not `dryRun`; ' +
          'a cap that falls below the base starts a release deadline and notifies the manager.',
        body: capReviewInput,
        response: { 200: capReviewOut },
      },
    },
    async (req) => {
      const u = currentUser(req);
      return reviewCaps(ctx, {
        actor: { kind: 'user', id: u.id, role: u.role },
        dryRun: req.body.dryRun,
        ...(req.body.managerId === undefined ? {} : { managerId: req.body.managerId }),
      });
    },
  );
}
