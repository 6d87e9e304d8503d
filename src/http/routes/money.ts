import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app/context.ts';
import { commissionCsv, commissionXlsx } from '../../app/money-export.ts';
import { commissionForMonth, receivables } from '../../app/queries/money.ts';
import {
  commissionExportQuery,
  commissionOut,
  commissionQuery,
  receivablesOut,
  receivablesQuery,
} from '../../contract/money.ts';
import { currentUser, SELLERS } from '../auth.ts';
import { sendRejection } from '../reply.ts';

/** A head sees everyone (or `manager`); a manager sees their own figures only. Undefined after a 403. */
function scope(req: FastifyRequest, reply: FastifyReply, asked: number | undefined) {
  const u = currentUser(req);
  if (u.role === 'head') return { managerId: asked };
  if (asked !== undefined && asked !== u.id) {
    sendRejection(reply, 'FORBIDDEN', { field: 'manager' });
    return undefined;
  }
  return { managerId: u.id };
}

/** Commission (C12) and receivables (C22). */
export function registerMoneyRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/commission',
    {
      config: { access: SELLERS },
      schema: {
        tags: ['money'],
        summary:
          'Monthly commission per manager: orders won in the month, credited revenue, commission, paid vs unpaid, held back',
        description:
          'Orders count in the month of `won_at` (UTC). Credited revenue follows the order’s credit shares ' +
          '(none = 100 % to its manager); commission at the active policy’s rates (R-COMM-1..4). Money in kopecks.',
        querystring: commissionQuery,
        response: { 200: commissionOut },
      },
    },
    async (req, reply) => {
      const who = scope(req, reply, req.query.manager);
      if (!who) return reply;
      return commissionForMonth(ctx.db, { month: req.query.month, managerId: who.managerId });
    },
  );
  app.get(
    '/api/commission/export',
    {
      config: { access: SELLERS },
      schema: {
        tags: ['money'],
        summary: 'The monthly commission report as a file: XLSX (summary + per-order sheet) or CSV for Excel',
        description:
          'The same figures as GET /api/commission (a manager gets their own only). XLSX money cells are numbers ' +
          'in rubles with a ruble format; CSV is UTF-8 with BOM, `;` between fields, decimal comma.',
        querystring: commissionExportQuery,
      },
    },
    async (req, reply) => {
      const who = scope(req, reply, req.query.manager);
      if (!who) return reply;
      const report = await commissionForMonth(ctx.db, { month: req.query.month, managerId: who.managerId });
      const name = `commission-${report.month}.${req.query.format}`;
      reply.header('content-disposition', `attachment; filename="${name}"`);
      if (req.query.format === 'csv')
        return reply.type('text/csv; charset=utf-8').send(commissionCsv(report, req.query.detail));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(await commissionXlsx(report));
    },
  );
  app.get(
    '/api/receivables',
    {
      config: { access: SELLERS },
      schema: {
        tags: ['money'],
        summary:
          'Overdue orders (won, due date passed, unpaid) per manager in aging buckets 1–30/31–60/61–90/90+ days',
        querystring: receivablesQuery,
        response: { 200: receivablesOut },
      },
    },
    async (req, reply) => {
      const who = scope(req, reply, req.query.manager);
      if (!who) return reply;
      return receivables(ctx.db, { now: ctx.clock(), managerId: who.managerId });
    },
  );
}
