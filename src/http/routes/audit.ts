import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { listAudit } from '../../app/audit.ts';
import type { AppContext } from '../../app/context.ts';
import { auditPageOut, auditQuery } from '../../contract/audit.ts';

export function registerAuditRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/audit',
    {
      config: { access: ['head', 'admin'] },
      schema: {
        tags: ['audit'],
        summary:
          'The audit log of head and admin actions (newest first; ownership changes are in the ledger)',
        querystring: auditQuery,
        response: { 200: auditPageOut },
      },
    },
    async (req) => {
      const q = req.query;
      return listAudit(ctx.db, {
        action: q.action,
        actorId: q.actor,
        targetType: q.targetType,
        targetId: q.targetId,
        from: q.from,
        to: q.to,
        cursor: q.cursor,
        limit: q.limit,
      });
    },
  );
}
