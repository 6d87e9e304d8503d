import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app/context.ts';
import { lastContactOf } from '../../app/queries/touches.ts';
import { logTouch } from '../../app/use-cases/log-touch.ts';
import { contactCheckOut, contactCheckQuery, touchInput, touchLoggedOut } from '../../contract/activity.ts';
import { describeRejection } from '../../contract/rejections.ts';
import { idParam } from '../../contract/schemas.ts';
import { currentUser, SELLERS } from '../auth.ts';
import { sendOutcome, sendRejection } from '../reply.ts';

export function registerTouchRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/clients/:id/touches',
    {
      config: { access: SELLERS },
      schema: { tags: ['touches'], params: idParam, body: touchInput, response: { 201: touchLoggedOut } },
    },
    async (req, reply) => {
      const u = currentUser(req);
      const out = await logTouch(ctx, {
        actor: { kind: 'user', id: u.id, role: u.role },
        clientId: req.params.id,
        ...req.body,
      });
      return sendOutcome(reply, out, 201);
    },
  );
  app.get(
    '/api/clients/:id/contact-check',
    {
      config: { access: SELLERS },
      schema: {
        tags: ['touches'],
        summary: 'Before contacting: would this touch be accepted, and with which warnings (R-VOICE-1..3)?',
        params: idParam,
        querystring: contactCheckQuery,
        response: { 200: contactCheckOut },
      },
    },
    async (req, reply) => {
      const u = currentUser(req);
      const q = req.query;
      const out = await logTouch(
        ctx,
        {
          actor: { kind: 'user', id: u.id, role: u.role },
          clientId: req.params.id,
          kind: q.kind,
          direction: q.direction,
          contactId: q.contactId ?? null,
          lineId: q.lineId ?? null,
        },
        { dryRun: true },
      );
      if (!out.ok && out.code === 'VALIDATION_FAILED') {
        // The use case names body fields; here they came in the query string.
        const issues = (out.details.issues as { path: string; message: string }[] | undefined) ?? [];
        return sendRejection(reply, 'VALIDATION_FAILED', {
          ...out.details,
          issues: issues.map((i) => ({ ...i, path: i.path.replace(/^body\./, 'querystring.') })),
        });
      }
      if (!out.ok && out.code === 'NOT_FOUND') return sendOutcome(reply, out);
      const lastContact = await lastContactOf(ctx.db, req.params.id);
      if (!out.ok) {
        const r = describeRejection(out.code, out.details);
        return {
          allowed: false,
          rejection: { code: out.code, message: r.body.error.message, details: out.details },
          warnings: [],
          lastContact,
        };
      }
      return { allowed: true, rejection: null, warnings: out.value.warnings, lastContact };
    },
  );
}
