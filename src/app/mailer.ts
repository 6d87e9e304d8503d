import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { rows } from '../db/raw.ts';
import type { AppContext } from './context.ts';
import { renderNotification } from './notifications.ts';

/** Sends one e-mail; throws on failure. */
export type Mailer = { send(to: string, subject: string, text: string): Promise<void>; close(): void };

/** A mailer over SMTP: `SMTP_URL` such as `smtp://user:pass@mail.example.com:587` or `smtps://…:465`. */
export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(to, subject, text) {
      await transport.sendMail({ from, to, subject, text });
    },
    close: () => transport.close(),
  };
}

export type OutboxOptions = {
  /** Rows per run. */
  batch?: number;
  /** After this many failed attempts a row is marked failed (and kept, with its last error). */
  maxAttempts?: number;
  /** Notifications older than this are not e-mailed (marked skipped): no flood of old news after SMTP is turned on. */
  maxAgeMs?: number;
  /** Wait between attempts of one row: attempt n waits n × this. */
  retryDelayMs?: number;
  log?: (msg: string) => void;
};

/**
 * The e-mail outbox (C15): a notification row is written in the transaction that caused it
 * (email_status 'pending'); this sends pending rows after commit. Each row is claimed by one
 * conditional UPDATE (attempts + 1, emailed_at = the attempt's time), so two instances never send
 * it at once; a crash between claim and send leaves it pending, retried after the delay (at least once).
 * Failures are logged and kept on the row (email_error), never lost.
 */
export async function sendPendingEmails(ctx: AppContext, mailer: Mailer, o: OutboxOptions = {}) {
  const now = ctx.clock();
  const batch = o.batch ?? 50;
  const maxAttempts = o.maxAttempts ?? 5;
  const maxAgeMs = o.maxAgeMs ?? 24 * 3_600_000;
  const retryDelayMs = o.retryDelayMs ?? 60_000;
  const result = { sent: 0, failed: 0, retried: 0, skipped: 0 };
  const old = await rows<{ id: number }>(
    ctx.db,
    sql`UPDATE notifications SET email_status = 'skipped'
        WHERE email_status = 'pending' AND created_at < ${new Date(now.getTime() - maxAgeMs)} RETURNING id`,
  );
  result.skipped = old.length;
  const due = await rows<{
    id: string | number;
    kind: string;
    payload: Record<string, unknown>;
    email_attempts: number;
    email: string;
  }>(
    ctx.db,
    sql`SELECT n.id, n.kind, n.payload, n.email_attempts, u.email
        FROM notifications n JOIN users u ON u.id = n.user_id
        WHERE n.email_status = 'pending'
          AND (n.emailed_at IS NULL
               OR n.emailed_at <= ${now}::timestamptz - make_interval(secs => n.email_attempts * ${retryDelayMs / 1000}))
        ORDER BY n.id LIMIT ${batch}`,
  );
  for (const n of due) {
    const claimed = await rows<{ id: number }>(
      ctx.db,
      sql`UPDATE notifications SET email_attempts = email_attempts + 1, emailed_at = ${now}
          WHERE id = ${n.id} AND email_status = 'pending' AND email_attempts = ${n.email_attempts} RETURNING id`,
    );
    if (claimed.length === 0) continue;
    const { title, text } = renderNotification(n.kind, n.payload);
    try {
      await mailer.send(n.email, title, text);
      await ctx.db.execute(
        sql`UPDATE notifications SET email_status = 'sent', emailed_at = ${ctx.clock()}, email_error = NULL WHERE id = ${n.id}`,
      );
      result.sent++;
    } catch (e) {
      const attempts = n.email_attempts + 1;
      const error = String((e as Error).message ?? e).slice(0, 1000);
      const final = attempts >= maxAttempts;
      await ctx.db.execute(
        sql`UPDATE notifications SET email_error = ${error}, email_status = ${final ? 'failed' : 'pending'} WHERE id = ${n.id}`,
      );
      o.log?.(
        `e-mail for notification ${n.id} to ${n.email} failed (attempt ${attempts}${final ? ', giving up' : ''}): ${error}`,
      );
      if (final) result.failed++;
      else result.retried++;
    }
  }
  return result;
}

/** Run the outbox every `intervalMs` in this process (the server does when SMTP_URL is set). */
export function startOutbox(ctx: AppContext, mailer: Mailer, intervalMs: number, o: OutboxOptions = {}) {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await sendPendingEmails(ctx, mailer, o);
    } catch (e) {
      o.log?.(`e-mail outbox run failed: ${(e as Error).message}`);
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    mailer.close();
  };
}
