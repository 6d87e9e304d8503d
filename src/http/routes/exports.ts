import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app/context.ts';
import { planExport } from '../../app/export.ts';
import { exportContentType, exportFileName, writeExport } from '../../app/export-files.ts';
import { exportParams, exportQuery } from '../../contract/exports.ts';
import { ALL, currentUser } from '../auth.ts';
import { sendRejection } from '../reply.ts';

/** Data export (C20): a file streamed page by page; access is checked before the first byte. */
export function registerExportRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/exports/:kind',
    {
      config: { access: ALL },
      schema: {
        tags: ['export'],
        summary: 'Export clients (a base), the pool, the ledger or touches as CSV (Excel, ru-RU) or XLSX',
        description:
          'A manager exports their own base and touches and the pool; a head or an admin exports anything ' +
          '(optionally one `manager`); the ledger is for heads and admins. Rows are read in keyset pages and ' +
          'streamed, so the size of the table does not matter. Russian column titles; CSV: UTF-8 with BOM, `;`.',
        params: exportParams,
        querystring: exportQuery,
      },
    },
    async (req, reply) => {
      const u = currentUser(req);
      const plan = await planExport(ctx.db, {
        kind: req.params.kind,
        actor: { id: u.id, role: u.role },
        managerId: req.query.manager,
        line: req.query.line,
      });
      if (!plan.ok) return sendRejection(reply, plan.code, plan.details);
      const format = req.query.format;
      const body = new PassThrough();
      writeExport(plan.value, format, body).catch((e) => {
        req.log.error(e);
        body.destroy(e as Error);
      });
      return reply
        .header('content-type', exportContentType[format])
        .header(
          'content-disposition',
          `attachment; filename="${exportFileName(plan.value, format, ctx.clock())}"`,
        )
        .header('cache-control', 'no-store')
        .send(body);
    },
  );
}
