import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import { clientExists, defaultLineId, listClients } from '../../app/queries/clients.ts';
import { clientHistory } from '../../app/queries/history.ts';
import { listLedger, ownerAt } from '../../app/queries/ledger.ts';
import { findUser, listManagers } from '../../app/queries/managers.ts';
import { activePolicy } from '../../app/policy-store.ts';
import {
  clientListItemOut,
  eventOut,
  idParam,
  ledgerQuery,
  lineQuery,
  managerOut,
  ownerAtOut,
  ownerAtQuery,
  page,
  MAX_ID,
} from '../../contract/schemas.ts';
import { historyOut, historyQuery } from '../../contract/activity.ts';
import { ALL } from '../auth.ts';
import { sendRejection } from '../reply.ts';

export function registerLedgerRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/clients/:id/history',
    {
      config: { access: ALL },
      schema: {
        tags: ['ledger'],
        summary: 'Ownership events and touches of a client in time order (entry: ownership | touch)',
        params: idParam,
        querystring: historyQuery,
        response: { 200: historyOut },
      },
    },
    async (req, reply) => {
      if (!(await clientExists(ctx.db, req.params.id)))
        return sendRejection(reply, 'NOT_FOUND', { entity: 'client' });
      const q = req.query;
      return clientHistory(ctx.db, {
        clientId: req.params.id,
        lineId: q.line,
        from: q.from,
        to: q.to,
        cursor: q.cursor,
        limit: q.limit,
        order: q.order,
        include: q.include,
      });
    },
  );
  app.get(
    '/api/ledger',
    {
      config: { access: ALL },
      schema: { tags: ['ledger'], querystring: ledgerQuery, response: { 200: page(eventOut) } },
    },
    async (req) => {
      const q = req.query;
      return listLedger(ctx.db, { ...q, lineId: q.line });
    },
  );
  app.get(
    '/api/clients/:id/owner',
    {
      config: { access: ALL },
      schema: { tags: ['ledger'], params: idParam, querystring: ownerAtQuery, response: { 200: ownerAtOut } },
    },
    async (req, reply) => {
      if (!(await clientExists(ctx.db, req.params.id)))
        return sendRejection(reply, 'NOT_FOUND', { entity: 'client' });
      const byLine = await ownerAt(ctx.db, req.params.id, req.query.at);
      const lineIds = byLine.size ? [...byLine.keys()] : [await defaultLineId(ctx.db)];
      return {
        clientId: req.params.id,
        at: req.query.at,
        lines: lineIds.map((lineId) => {
          const e = byLine.get(lineId) ?? null;
          return { lineId, ownerId: e?.toManagerId ?? null, since: e?.occurredAt ?? null, event: e };
        }),
      };
    },
  );
  app.get(
    '/api/managers',
    {
      config: { access: ALL },
      schema: {
        tags: ['managers'],
        querystring: lineQuery,
        response: { 200: z.object({ items: z.array(managerOut) }) },
      },
    },
    async (req) => {
      const lineId = req.query.line ?? (await defaultLineId(ctx.db));
      return { items: await listManagers(ctx.db, await activePolicy(ctx.db), lineId, ctx.clock()) };
    },
  );
  app.get(
    '/api/managers/:id/base',
    {
      config: { access: ALL },
      schema: {
        tags: ['managers'],
        params: idParam,
        querystring: lineQuery.extend({
          cursor: z.coerce.number().int().positive().max(MAX_ID).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({
            manager: managerOut,
            items: z.array(clientListItemOut),
            nextCursor: z.number().nullable(),
          }),
        },
      },
    },
    async (req, reply) => {
      const user = await findUser(ctx.db, req.params.id);
      if (!user || user.role === 'admin') return sendRejection(reply, 'NOT_FOUND', { entity: 'manager' });
      const lineId = req.query.line ?? (await defaultLineId(ctx.db));
      const managers = await listManagers(ctx.db, await activePolicy(ctx.db), lineId, ctx.clock());
      const manager = managers.find((m) => m.id === user.id)!;
      const list = await listClients(ctx.db, {
        ownerId: user.id,
        lineId,
        cursor: req.query.cursor,
        limit: req.query.limit,
      });
      return { manager, ...list };
    },
  );
}
