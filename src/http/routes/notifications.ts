import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app/context.ts';
import {
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from '../../app/notifications.ts';
import { activePolicy } from '../../app/policy-store.ts';
import { listExpiry } from '../../app/queries/expiry.ts';
import { dailyNudges } from '../../app/queries/nudges.ts';
import { notificationPage, notificationQuery, nudgesOut, nudgesQuery } from '../../contract/activity.ts';
import { idParam } from '../../contract/schemas.ts';
import { ALL, currentUser, SELLERS } from '../auth.ts';
import { sendRejection } from '../reply.ts';

export function registerNotificationRoutes(root: FastifyInstance, ctx: AppContext) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/api/notifications',
    {
      config: { access: ALL },
      schema: {
        tags: ['notifications'],
        summary: 'My notifications, newest first, with the unread count',
        querystring: notificationQuery,
        response: { 200: notificationPage },
      },
    },
    async (req) =>
      listNotifications(ctx.db, currentUser(req).id, {
        unreadOnly: req.query.unread,
        cursor: req.query.cursor,
        limit: req.query.limit,
      }),
  );
  app.post(
    '/api/notifications/:id/read',
    {
      config: { access: ALL },
      schema: { tags: ['notifications'], params: idParam, response: { 200: z.object({ id: z.number() }) } },
    },
    async (req, reply) =>
      (await markNotificationRead(ctx.db, currentUser(req).id, req.params.id, ctx.clock()))
        ? { id: req.params.id }
        : sendRejection(reply, 'NOT_FOUND', { entity: 'notification' }),
  );
  app.post(
    '/api/notifications/read-all',
    {
      config: { access: ALL },
      schema: { tags: ['notifications'], response: { 200: z.object({ marked: z.number() }) } },
    },
    async (req) => ({ marked: await markAllNotificationsRead(ctx.db, currentUser(req).id, ctx.clock()) }),
  );
  app.get(
    '/api/nudges/daily',
    {
      config: { access: SELLERS },
      schema: {
        tags: ['notifications'],
        summary: 'My daily list: untouched clients, planned but not touched this week, next steps due',
        querystring: nudgesQuery,
        response: { 200: nudgesOut },
      },
    },
    async (req) =>
      dailyNudges(ctx.db, currentUser(req).id, ctx.clock(), {
        untouchedDays: req.query.untouchedDays,
        limit: req.query.limit,
        // C10: the owner's clients going back to the pool within 7 days.
        extra: {
          expiringSoon: async (ex, managerId, now) =>
            (
              await listExpiry(ex, await activePolicy(ex), {
                now,
                withinDays: 7,
                managerId,
                limit: req.query.limit,
              })
            ).items.map((i) => ({
              clientId: i.clientId,
              displayName: i.clientName,
              lineId: i.lineId,
              expiresAt: i.expiresAt,
              daysLeft: i.daysLeft,
              rule: i.rule,
            })),
        },
      }),
  );
}
