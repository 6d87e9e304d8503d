import { sql } from 'drizzle-orm';
import type { Executor } from '../db/connect.ts';
import { rows } from '../db/raw.ts';

/**
 * Store a notification for a user (C15), in the caller's transaction: it exists exactly when the
 * change that caused it commits. A `dedupeKey` makes scheduled warnings idempotent: a second call
 * with the same (userId, dedupeKey) stores nothing and returns null (unique index).
 * `payload.title` / `payload.text`, when present, are the human message (in-app and e-mail subject/body).
 * The row is also the e-mail outbox (email_status 'pending'); the mailer sends it after commit.
 */
export async function notify(
  ex: Executor,
  now: Date,
  userId: number,
  kind: string,
  payload: Record<string, unknown>,
  dedupeKey: string | null = null,
): Promise<number | null> {
  const [row] = await rows<{ id: number | string }>(
    ex,
    sql`INSERT INTO notifications (user_id, kind, payload, created_at, dedupe_key)
        VALUES (${userId}, ${kind}, ${JSON.stringify(payload)}::jsonb, ${now}, ${dedupeKey})
        ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING id`,
  );
  return row ? Number(row.id) : null;
}

export type NotificationView = {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  title: string;
  text: string;
  createdAt: Date;
  readAt: Date | null;
};

type NotificationRow = {
  id: string | number;
  kind: string;
  payload: Record<string, unknown>;
  created_at: Date | string;
  read_at: Date | string | null;
};

/** The human message of a notification: payload.title / payload.text, or a plain fallback. */
export function renderNotification(
  kind: string,
  payload: Record<string, unknown>,
): { title: string; text: string } {
  const title =
    typeof payload.title === 'string' && payload.title
      ? payload.title
      : `Fairbase: ${kind.replaceAll('_', ' ')}`;
  const text =
    typeof payload.text === 'string' && payload.text ? payload.text : JSON.stringify(payload, null, 2);
  return { title, text };
}

function toView(r: NotificationRow): NotificationView {
  return {
    id: Number(r.id),
    kind: r.kind,
    payload: r.payload,
    ...renderNotification(r.kind, r.payload),
    createdAt: new Date(r.created_at),
    readAt: r.read_at ? new Date(r.read_at) : null,
  };
}

/** A user's notifications, newest first (keyset by id), with the unread count. */
export async function listNotifications(
  ex: Executor,
  userId: number,
  f: { unreadOnly?: boolean | undefined; cursor?: number | undefined; limit: number },
) {
  const found = await rows<NotificationRow>(
    ex,
    sql`SELECT id, kind, payload, created_at, read_at FROM notifications
        WHERE user_id = ${userId} ${f.unreadOnly ? sql`AND read_at IS NULL` : sql``}
          ${f.cursor !== undefined ? sql`AND id < ${f.cursor}` : sql``}
        ORDER BY id DESC LIMIT ${f.limit + 1}`,
  );
  const [count] = await rows<{ n: number }>(
    ex,
    sql`SELECT count(*)::int AS n FROM notifications WHERE user_id = ${userId} AND read_at IS NULL`,
  );
  const more = found.length > f.limit;
  const items = (more ? found.slice(0, f.limit) : found).map(toView);
  return { unreadCount: count?.n ?? 0, items, nextCursor: more ? items[items.length - 1]!.id : null };
}

/** Mark one of the user's notifications read; false when it is not theirs (or does not exist). */
export async function markNotificationRead(
  ex: Executor,
  userId: number,
  id: number,
  now: Date,
): Promise<boolean> {
  const r = await rows<{ id: number }>(
    ex,
    sql`UPDATE notifications SET read_at = coalesce(read_at, ${now}) WHERE id = ${id} AND user_id = ${userId} RETURNING id`,
  );
  return r.length > 0;
}

export async function markAllNotificationsRead(ex: Executor, userId: number, now: Date): Promise<number> {
  const r = await rows<{ id: number }>(
    ex,
    sql`UPDATE notifications SET read_at = ${now} WHERE user_id = ${userId} AND read_at IS NULL RETURNING id`,
  );
  return r.length;
}
