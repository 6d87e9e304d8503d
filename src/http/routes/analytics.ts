import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app/context.ts';
import { activePolicy } from '../../app/policy-store.ts';
import { coverage, trends, untouchedClients } from '../../app/queries/analytics.ts';
import { defaultLineId } from '../../app/queries/clients.ts';
import {
  coverageOut,
  coverageQuery,
  trendsOut,
  trendsQuery,
  untouchedOut,
  untouchedQuery,
} from '../../contract/rules-over-time.ts';
import { currentUser, SELLERS } from '../auth.ts';
import { sendRejection } from '../reply.ts';

const DAY = 86_400_000;

/**
 * A head sees everyone; a manager sees their own figures only (omitting `manager` means "me").
 * Returns undefined after sending a 403.
 */
function scope(
  req: FastifyRequest,
  reply: FastifyReply,
  asked: number | undefined,
): { managerId?: number } | undefined {
  const u = currentUser(req);
  if (u.role === 'head') return asked === undefined ? {} : { managerId: asked };
  if (asked !== undefined && asked !== u.id) {
    sendRejection(reply, 'FORBIDDEN', { field: 'manager' });
    return undefined;
  }
  return { managerId: u.id };
}

/** Coverage analytics for the dashboard (C14). */
export function registerAnalyticsRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/analytics/coverage',
    {
      config: { access: SELLERS },
      schema: {
        tags: ['analytics'],
        summary:
          'Coverage per manager and team: base vs cap, share touched in 7/30/90 days by kind, last-touch ages, deals',
        description:
          '`buckets` are exclusive and stack to the base (met → called → only e-mailed → other touches → untouched); ' +
          '`counts` overlap (e.g. of 200: met 50, called 100, notCalled 100). Only the owner’s own touches count. ' +
          'Deals: won / lost / revenue in (from, to]; `from` defaults to 90 days before `to` (default now).',
        querystring: coverageQuery,
        response: { 200: coverageOut },
      },
    },
    async (req, reply) => {
      const who = scope(req, reply, req.query.manager);
      if (!who) return reply;
      const to = req.query.to ?? ctx.clock();
      const from = req.query.from ?? new Date(to.getTime() - 90 * DAY);
      if (from >= to)
        return sendRejection(reply, 'VALIDATION_FAILED', {
          issues: [{ path: 'querystring.from', message: 'must be before "to"' }],
        });
      return coverage(ctx.db, await activePolicy(ctx.db), {
        from,
        to,
        lineId: req.query.line ?? (await defaultLineId(ctx.db)),
        managerId: who.managerId,
      });
    },
  );
  app.get(
    '/api/analytics/untouched',
    {
      config: { access: SELLERS },
      schema: {
        tags: ['analytics'],
        summary: 'Owned clients without the owner’s touch for N days, never-touched first',
        querystring: untouchedQuery,
        response: { 200: untouchedOut },
      },
    },
    async (req, reply) => {
      const who = scope(req, reply, req.query.manager);
      if (!who) return reply;
      const items = await untouchedClients(ctx.db, {
        to: ctx.clock(),
        lineId: req.query.line ?? (await defaultLineId(ctx.db)),
        managerId: who.managerId,
        days: req.query.days,
        limit: req.query.limit,
      });
      return { items };
    },
  );
  app.get(
    '/api/analytics/trends',
    {
      config: { access: SELLERS },
      schema: {
        tags: ['analytics'],
        summary:
          'Weekly touches by kind, meetings held, calls reached, won deals and revenue (ISO weeks, UTC)',
        querystring: trendsQuery,
        response: { 200: trendsOut },
      },
    },
    async (req, reply) => {
      const who = scope(req, reply, req.query.manager);
      if (!who) return reply;
      return trends(ctx.db, {
        to: ctx.clock(),
        weeks: req.query.weeks,
        lineId: req.query.line ?? (await defaultLineId(ctx.db)),
        managerId: who.managerId,
      });
    },
  );
}
