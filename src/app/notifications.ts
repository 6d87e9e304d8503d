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
