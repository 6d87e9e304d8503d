import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import { decideDispute, getDispute, listDisputes, openDisputeByHand } from '../../app/disputes.ts';
import { dealCredits } from '../../app/queries/credits.ts';
import {
  creditsOut,
  disputeDecideInput,
  disputeOpenInput,
  disputeOut,
  disputesQuery,
} from '../../contract/disputes.ts';
import { idParam } from '../../contract/schemas.ts';
import { ALL, currentUser, HEAD, SELLERS } from '../auth.ts';
import { sendOutcome, sendRejection } from '../reply.ts';

/** Disputes (C11) and order credit (C12). A manager sees the disputes they are part of; a head sees all. */
export function registerDisputeRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/disputes',
    {
      config: { access: SELLERS },
      schema: {
        tags: ['disputes'],
        summary: 'Disputes: mine (as owner or claimant), or all for a head; open first',
        querystring: disputesQuery,
        response: { 200: z.object({ items: z.array(disputeOut) }) },
      },
    },
    async (req) => {
      const u = currentUser(req);
      return {
        items: await listDisputes(ctx.db, {
          status: req.query.status,
          involving: u.role === 'head' ? undefined : u.id,
          limit: req.query.limit,
        }),
      };
    },
  );
  app.get(
    '/api/disputes/:id',
    {
      config: { access: SELLERS },
      schema: {
        tags: ['disputes'],
        summary: 'One dispute with its frozen evidence and the decision',
        params: idParam,
        response: { 200: disputeOut },
      },
    },
    async (req, reply) => {
      const u = currentUser(req);
      const d = await getDispute(ctx.db, req.params.id);
      if (!d || (u.role !== 'head' && d.ownerId !== u.id && d.claimantId !== u.id)) {
        return sendRejection(reply, 'NOT_FOUND', { entity: 'dispute', disputeId: req.params.id });
      }
      return d;
    },
  );
  app.post(
    '/api/disputes',
    {
      config: { access: SELLERS },
      schema: {
        tags: ['disputes'],
        summary:
          'Ask for a client someone else owns ("I can close this client"), with a reason; a head decides',
        body: disputeOpenInput,
        response: { 201: disputeOut },
      },
    },
    async (req, reply) => {
      const u = currentUser(req);
      const out = await openDisputeByHand(ctx, {
        actor: { kind: 'user', id: u.id, role: u.role },
        clientId: req.body.clientId,
        reason: req.body.reason,
        ...(req.body.lineId === undefined ? {} : { lineId: req.body.lineId }),
      });
      if (!out.ok) return sendOutcome(reply, out);
      return reply.code(201).send((await getDispute(ctx.db, out.value))!);
    },
  );
  app.post(
    '/api/disputes/:id/decide',
    {
      config: { access: HEAD },
      schema: {
        tags: ['disputes'],
        summary:
          'Decide an open dispute: keep with the owner, transfer to the claimant, or split the credit (R-DISP-5)',
        params: idParam,
        body: disputeDecideInput,
        response: { 200: disputeOut },
      },
    },
    async (req, reply) => {
      const u = currentUser(req);
      return sendOutcome(
        reply,
        await decideDispute(ctx, {
          actor: { kind: 'user', id: u.id, role: u.role },
          disputeId: req.params.id,
          decision: {
            resolution: req.body.resolution,
            ownerBps: req.body.ownerBps,
            clientTo: req.body.clientTo,
            comment: req.body.comment,
          },
        }),
      );
    },
  );
  app.get(
    '/api/deals/:id/credits',
    {
      config: { access: ALL },
      schema: {
        tags: ['disputes'],
        summary: "An order's credit: shares in basis points and money to the kopeck (R-CREDIT-1)",
        params: idParam,
        response: { 200: creditsOut },
      },
    },
    async (req, reply) => {
      const c = await dealCredits(ctx.db, req.params.id);
      if (!c) return sendRejection(reply, 'NOT_FOUND', { entity: 'deal', dealId: req.params.id });
      return c;
    },
  );
}
