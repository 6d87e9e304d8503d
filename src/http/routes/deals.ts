import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app/context.ts';
import { clientExists } from '../../app/queries/clients.ts';
import { getDeal, listDeals } from '../../app/queries/deals.ts';
import { createDeal, updateDeal } from '../../app/use-cases/deals.ts';
import {
  dealChangedOut,
  dealCreateInput,
  dealListQuery,
  dealOut,
  dealPage,
  dealPatchInput,
} from '../../contract/activity.ts';
import { idParam, pageQuery } from '../../contract/schemas.ts';
import { ALL, currentUser, SELLERS } from '../auth.ts';
import { sendOutcome, sendRejection } from '../reply.ts';

/** Strip undefined keys so that "absent" stays "unchanged" under exactOptionalPropertyTypes. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function registerDealRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/api/clients/:id/deals',
    {
      config: { access: SELLERS },
      schema: { tags: ['deals'], params: idParam, body: dealCreateInput, response: { 201: dealChangedOut } },
    },
    async (req, reply) => {
      const u = currentUser(req);
      const out = await createDeal(ctx, {
        actor: { kind: 'user', id: u.id, role: u.role },
        clientId: req.params.id,
        input: defined(req.body),
      });
      return sendOutcome(reply, out, 201);
    },
  );
  app.get(
    '/api/clients/:id/deals',
    {
      config: { access: ALL },
      schema: { tags: ['deals'], params: idParam, querystring: pageQuery, response: { 200: dealPage } },
    },
    async (req, reply) => {
      if (!(await clientExists(ctx.db, req.params.id)))
        return sendRejection(reply, 'NOT_FOUND', { entity: 'client' });
      return listDeals(ctx.db, { clientId: req.params.id, cursor: req.query.cursor, limit: req.query.limit });
    },
  );
  app.get(
    '/api/deals',
    {
      config: { access: ALL },
      schema: { tags: ['deals'], querystring: dealListQuery, response: { 200: dealPage } },
    },
    async (req) => {
      const q = req.query;
      return listDeals(ctx.db, {
        managerId: q.manager === 'me' ? currentUser(req).id : q.manager,
        stage: q.stage,
        clientId: q.client,
        cursor: q.cursor,
        limit: q.limit,
      });
    },
  );
  app.get(
    '/api/deals/:id',
    { config: { access: ALL }, schema: { tags: ['deals'], params: idParam, response: { 200: dealOut } } },
    async (req, reply) => {
      const deal = await getDeal(ctx.db, req.params.id);
      return deal ?? sendRejection(reply, 'NOT_FOUND', { entity: 'deal' });
    },
  );
  app.patch(
    '/api/deals/:id',
    {
      config: { access: SELLERS },
      schema: { tags: ['deals'], params: idParam, body: dealPatchInput, response: { 200: dealChangedOut } },
    },
    async (req, reply) => {
      const u = currentUser(req);
      const out = await updateDeal(ctx, {
        actor: { kind: 'user', id: u.id, role: u.role },
        dealId: req.params.id,
        input: defined(req.body),
      });
      return sendOutcome(reply, out);
    },
  );
}
