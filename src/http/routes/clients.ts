import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import { getClientCard, listClients } from '../../app/queries/clients.ts';
import { createClient } from '../../app/use-cases/create-client.ts';
import {
  addClientPart,
  editClientPart,
  removeClientPart,
  updateClient,
} from '../../app/use-cases/edit-client.ts';
import type { ClientPartKind } from '../../app/client-types.ts';
import {
  clientCardOut,
  clientCreateInput,
  createdOut,
  forceFields,
  clientListItemOut,
  clientListQuery,
  clientPatchInput,
  idOut,
  idParam,
  page,
  partInputs,
  partParam,
  poolQuery,
} from '../../contract/schemas.ts';
import { ALL, currentUser, SELLERS } from '../auth.ts';
import { sendOutcome, sendRejection } from '../reply.ts';

const partPaths: Record<ClientPartKind, string> = {
  legalEntities: 'legal-entities',
  brands: 'brands',
  contacts: 'contacts',
  addresses: 'addresses',
};

export function registerClientRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/clients',
    {
      config: { access: ALL },
      schema: { tags: ['clients'], querystring: clientListQuery, response: { 200: page(clientListItemOut) } },
    },
    async (req) => {
      const q = req.query;
      const ownerId = q.owner === 'me' ? currentUser(req).id : q.owner;
      return listClients(ctx.db, {
        q: q.q,
        ownerId,
        lineId: q.line,
        status: q.status,
        cursor: q.cursor,
        limit: q.limit,
      });
    },
  );
  app.get(
    '/api/pool',
    {
      config: { access: ALL },
      schema: { tags: ['clients'], querystring: poolQuery, response: { 200: page(clientListItemOut) } },
    },
    async (req) => {
      const q = req.query;
      return listClients(ctx.db, {
        q: q.q,
        lineId: q.line,
        status: 'pool',
        cursor: q.cursor,
        limit: q.limit,
      });
    },
  );
  app.post(
    '/api/clients',
    {
      config: { access: SELLERS },
      schema: { tags: ['clients'], body: clientCreateInput, response: { 201: createdOut } },
    },
    async (req, reply) => {
      const user = currentUser(req);
      const { claim, lineId, ...data } = req.body;
      const out = await createClient(ctx, {
        actor: { kind: 'user', id: user.id, role: user.role },
        ...data,
        ...(claim !== undefined ? { claim } : {}),
        ...(lineId !== undefined ? { lineId } : {}),
      });
      return sendOutcome(reply, out, 201);
    },
  );
  app.get(
    '/api/clients/:id',
    {
      config: { access: ALL },
      schema: { tags: ['clients'], params: idParam, response: { 200: clientCardOut } },
    },
    async (req, reply) => {
      const card = await getClientCard(ctx.db, req.params.id);
      if (!card) return sendRejection(reply, 'NOT_FOUND', { entity: 'client', clientId: req.params.id });
      return card;
    },
  );
  app.patch(
    '/api/clients/:id',
    {
      config: { access: SELLERS },
      schema: { tags: ['clients'], params: idParam, body: clientPatchInput, response: { 200: idOut } },
    },
    async (req, reply) => sendOutcome(reply, await updateClient(ctx, req.params.id, req.body)),
  );

  for (const kind of Object.keys(partPaths) as ClientPartKind[]) {
    const path = `/api/clients/:id/${partPaths[kind]}`;
    const input = partInputs[kind] as z.ZodObject;
    app.post(
      path,
      {
        config: { access: SELLERS },
        schema: {
          tags: ['clients'],
          params: idParam,
          body: input.extend(forceFields),
          response: { 201: createdOut },
        },
      },
      async (req, reply) =>
        sendOutcome(
          reply,
          await addClientPart(ctx, currentUser(req).id, req.params.id, kind, req.body as never, {
            force: (req.body as { force?: boolean }).force,
            forceReason: (req.body as { forceReason?: string }).forceReason,
          }),
          201,
        ),
    );
    app.patch(
      `${path}/:partId`,
      {
        config: { access: SELLERS },
        schema: { tags: ['clients'], params: partParam, body: input.partial(), response: { 200: idOut } },
      },
      async (req, reply) =>
        sendOutcome(
          reply,
          await editClientPart(ctx, req.params.id, kind, req.params.partId, req.body as never),
        ),
    );
    app.delete(
      `${path}/:partId`,
      {
        config: { access: SELLERS },
        schema: { tags: ['clients'], params: partParam, response: { 200: idOut } },
      },
      async (req, reply) =>
        sendOutcome(reply, await removeClientPart(ctx, req.params.id, kind, req.params.partId)),
    );
  }
}
