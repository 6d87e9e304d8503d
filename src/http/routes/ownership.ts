import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../app/context.ts';
import { claimClient } from '../../app/use-cases/claim-client.ts';
import { releaseClient } from '../../app/use-cases/release-client.ts';
import { swapClients } from '../../app/use-cases/swap-clients.ts';
import { transferClient } from '../../app/use-cases/transfer-client.ts';
import type { PublicUser } from '../../app/use-cases/users.ts';
import {
  changeOut,
  claimInput,
  idParam,
  releaseInput,
  swapInput,
  transferInput,
} from '../../contract/schemas.ts';
import { currentUser, HEAD, SELLERS } from '../auth.ts';
import { sendOutcome } from '../reply.ts';

const actorOf = (u: PublicUser) => ({ kind: 'user' as const, id: u.id, role: u.role });
const opt = <K extends string, V>(key: K, v: V | undefined) =>
  v === undefined ? {} : ({ [key]: v } as Record<K, V>);

export function registerOwnershipRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const schema = { tags: ['ownership'], params: idParam, response: { 200: changeOut } };
  app.post(
    '/api/clients/:id/claim',
    { config: { access: SELLERS }, schema: { ...schema, body: claimInput } },
    async (req, reply) =>
      sendOutcome(
        reply,
        await claimClient(ctx, {
          actor: actorOf(currentUser(req)),
          clientId: req.params.id,
          ...opt('lineId', req.body?.lineId),
        }),
      ),
  );
  app.post(
    '/api/clients/:id/release',
    { config: { access: SELLERS }, schema: { ...schema, body: releaseInput } },
    async (req, reply) =>
      sendOutcome(
        reply,
        await releaseClient(ctx, {
          actor: actorOf(currentUser(req)),
          clientId: req.params.id,
          reason: req.body?.reason ?? null,
          ...opt('lineId', req.body?.lineId),
          ...opt('overrideProtection', req.body?.overrideProtection),
        }),
      ),
  );
  app.post(
    '/api/clients/:id/swap',
    { config: { access: SELLERS }, schema: { ...schema, body: swapInput } },
    async (req, reply) =>
      sendOutcome(
        reply,
        await swapClients(ctx, {
          actor: actorOf(currentUser(req)),
          clientId: req.params.id,
          releaseClientId: req.body.releaseClientId,
          ...opt('lineId', req.body.lineId),
        }),
      ),
  );
  app.post(
    '/api/clients/:id/transfer',
    { config: { access: HEAD }, schema: { ...schema, body: transferInput } },
    async (req, reply) =>
      sendOutcome(
        reply,
        await transferClient(ctx, {
          actor: actorOf(currentUser(req)),
          clientId: req.params.id,
          toManagerId: req.body.toManagerId,
          reason: req.body.reason,
          ...opt('lineId', req.body.lineId),
          ...opt('overrideProtection', req.body.overrideProtection),
        }),
      ),
  );
}
