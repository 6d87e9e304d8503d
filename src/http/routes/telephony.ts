import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import { routeExtension, whoIsCalling } from '../../app/identity/telephony.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../../app/use-cases/api-tokens.ts';
import {
  apiTokenCreatedOut,
  apiTokenCreateInput,
  apiTokenOut,
  idParam,
  telephonyLookupOut,
  telephonyLookupQuery,
} from '../../contract/schemas.ts';
import { normalizePhone } from '../../core/identity/normalize.ts';
import { currentUser, HEAD } from '../auth.ts';
import { sendOutcome, sendRejection } from '../reply.ts';

/** The API token a machine presents: `X-Api-Token: fbt_…`, or `Authorization: Bearer fbt_…`. */
export function apiTokenFromRequest(req: FastifyRequest): string | null {
  const header = req.headers['x-api-token'];
  if (typeof header === 'string' && header.trim()) return header.trim();
  const auth = req.headers.authorization;
  const bearer = auth ? /^bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return bearer ? (bearer[1] as string) : null;
}

/**
 * The plain-text answer for a dialplan. A string sent as text/plain bypasses the route's JSON
 * serializer; the type provider only knows the JSON shape, hence the cast.
 */
function sendText(reply: FastifyReply, body: string) {
  return reply
    .code(200)
    .type('text/plain; charset=utf-8')
    .send(body as never);
}

export function registerTelephonyRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/tokens',
    {
      config: { access: HEAD },
      schema: {
        tags: ['telephony'],
        summary: 'API tokens for machines (no secrets)',
        response: { 200: z.object({ items: z.array(apiTokenOut) }) },
      },
    },
    async () => ({ items: await listApiTokens(ctx) }),
  );
  app.post(
    '/api/tokens',
    {
      config: { access: HEAD },
      schema: {
        tags: ['telephony'],
        summary: 'Create an API token (scope telephony or full); the secret is in this answer only',
        body: apiTokenCreateInput,
        response: { 201: apiTokenCreatedOut },
      },
    },
    async (req, reply) => {
      reply.header('cache-control', 'no-store');
      return sendOutcome(
        reply,
        await createApiToken(ctx, {
          name: req.body.name,
          scope: req.body.scope,
          createdBy: currentUser(req).id,
        }),
        201,
      );
    },
  );
  app.delete(
    '/api/tokens/:id',
    {
      config: { access: HEAD },
      schema: {
        tags: ['telephony'],
        summary: 'Revoke an API token (it stops working at once)',
        params: idParam,
        response: { 200: apiTokenOut },
      },
    },
    async (req, reply) =>
      sendOutcome(reply, await revokeApiToken(ctx, req.params.id, { id: currentUser(req).id })),
  );

  app.get(
    '/api/telephony/lookup',
    {
      config: { access: 'telephony' },
      schema: {
        tags: ['telephony'],
        summary: 'Who is calling? (caller ID → client and owner); API token only',
        description:
          'Authenticate with `X-Api-Token: fbt_…` or `Authorization: Bearer fbt_…` (a token of scope ' +
          'telephony; a user session is not accepted). `format=text` answers `text/plain`: the ' +
          "extension of the caller's owner, or an empty body (unknown or unparseable number, pool " +
          'client, owner not active or without an extension, owners who disagree) — ring the queue then.',
        security: [{ bearer: [] }],
        querystring: telephonyLookupQuery,
        response: { 200: telephonyLookupOut },
      },
    },
    async (req, reply) => {
      const text = req.query.format === 'text';
      const phone = normalizePhone(req.query.phone);
      if (!phone.ok) {
        // A PBX sends what it has ("anonymous", an empty caller ID): for the dialplan that is "no owner".
        if (text) return sendText(reply, '');
        return sendRejection(reply, 'VALIDATION_FAILED', {
          issues: [
            {
              path: 'querystring.phone',
              message: phone.error === 'EMPTY' ? 'empty' : 'not a phone number (with its area code)',
            },
          ],
        });
      }
      const found = await whoIsCalling(ctx.db, phone.e164);
      if (text) return sendText(reply, routeExtension(found) ?? '');
      return found;
    },
  );
}
