import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app/context.ts';
import { getPlan, planReport, savePlan } from '../../app/use-cases/plans.ts';
import { isoWeekOf } from '../../core/activity/iso-week.ts';
import {
  planOut,
  planParams,
  planPutInput,
  planReportOut,
  planReportQuery,
} from '../../contract/activity.ts';
import { ALL, currentUser, SELLERS } from '../auth.ts';
import { sendOutcome } from '../reply.ts';

export function registerPlanRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/plans/report',
    {
      config: { access: ALL },
      schema: {
        tags: ['plans'],
        summary: 'Plan vs fact for an ISO week: which planned clients got which touches, per manager',
        querystring: planReportQuery,
        response: { 200: planReportOut },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const managerId = q.manager === 'me' ? currentUser(req).id : q.manager;
      return sendOutcome(reply, await planReport(ctx.db, q.week ?? isoWeekOf(ctx.clock()), managerId));
    },
  );
  app.get(
    '/api/plans/:managerId/:isoWeek',
    {
      config: { access: ALL },
      schema: { tags: ['plans'], params: planParams, response: { 200: planOut } },
    },
    async (req, reply) => sendOutcome(reply, await getPlan(ctx.db, req.params.managerId, req.params.isoWeek)),
  );
  app.put(
    '/api/plans/:managerId/:isoWeek',
    {
      config: { access: SELLERS },
      schema: {
        tags: ['plans'],
        summary: 'Save a weekly plan: own or pool clients with a goal each (R-PLAN-1..3)',
        params: planParams,
        body: planPutInput,
        response: { 200: planOut },
      },
    },
    async (req, reply) => {
      const u = currentUser(req);
      return sendOutcome(
        reply,
        await savePlan(ctx, {
          actor: { kind: 'user', id: u.id, role: u.role },
          managerId: req.params.managerId,
          isoWeek: req.params.isoWeek,
          items: req.body.items,
        }),
      );
    },
  );
}
