import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer, sendPendingEmails } from '../app/mailer.ts';
import { notify } from '../app/notifications.ts';
import { isoWeekOf } from '../core/activity/iso-week.ts';
import { rows } from '../db/raw.ts';
import {
  addPoolClient,
  addTestUser,
  call,
  createTestEnv,
  type Seller,
  type TestEnv,
} from '../../test/helpers.ts';

let env: TestEnv;
let head: Seller;
let anna: Seller;
let boris: Seller;

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head', { name: 'Head' });
  anna = await addTestUser(env, 'manager', { name: 'Anna' });
  boris = await addTestUser(env, 'manager', { name: 'Boris' });
});
afterAll(() => env.close());

async function annasClient(name?: string): Promise<number> {
  const c = await addPoolClient(env, head, name);
  expect((await call(env, anna, 'POST', `/api/clients/${c}/claim`)).status).toBe(200);
  return c;
}

type Received = { from: string; to: string[]; raw: string };
/** A real SMTP server on a free local port that keeps what it receives (or refuses every recipient). */
async function smtpSink(opts: { refuse?: boolean } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, cb) {
      if (opts.refuse) return cb(new Error('mailbox unavailable'));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    received,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('notifications (C15)', () => {
  it('the owner is notified of a foreign touch, lists it as unread, marks it read; nobody else can', async () => {
    const c = await annasClient('Юникс');
    expect((await call(env, boris, 'POST', `/api/clients/${c}/touches`, { kind: 'call' })).status).toBe(201);
    const list = await call(env, anna, 'GET', '/api/notifications');
    expect(list.status).toBe(200);
    expect(list.body.unreadCount).toBe(1);
    expect(list.body.items[0]).toMatchObject({
      kind: 'foreign_touch',
      title: 'Boris связался с вашим клиентом «Юникс»',
      readAt: null,
      payload: { clientId: c, authorId: boris.id },
    });
    const id = list.body.items[0].id;
    expect((await call(env, boris, 'POST', `/api/notifications/${id}/read`)).status).toBe(404);
    expect((await call(env, anna, 'POST', `/api/notifications/${id}/read`)).status).toBe(200);
    const after = await call(env, anna, 'GET', '/api/notifications');
    expect(after.body.unreadCount).toBe(0);
    expect(after.body.items[0].readAt).toBe(env.clock.now.toISOString());
    expect((await call(env, boris, 'GET', '/api/notifications')).body.items).toEqual([]);
  });

  it('notify() stores a scheduled warning once per dedupe key; pages and read-all work', async () => {
    const now = env.clock.now;
    expect(
      await notify(env.ctx.db, now, boris.id, 'expiry_warning', { clientId: 1, days: 7 }, 'expiry:1:7'),
    ).toEqual(expect.any(Number));
    expect(
      await notify(env.ctx.db, now, boris.id, 'expiry_warning', { clientId: 1, days: 7 }, 'expiry:1:7'),
    ).toBe(null);
    for (let i = 0; i < 3; i++) await notify(env.ctx.db, now, boris.id, 'misc', { i });
    const first = await call(env, boris, 'GET', '/api/notifications?limit=2');
    expect(first.body.unreadCount).toBe(4);
    expect(first.body.items.map((n: { payload: { i: number } }) => n.payload.i)).toEqual([2, 1]);
    expect(first.body.items[0].title).toBe('Fairbase: misc');
    const second = await call(
      env,
      boris,
      'GET',
      `/api/notifications?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((n: { kind: string }) => n.kind)).toEqual(['misc', 'expiry_warning']);
    expect(second.body.nextCursor).toBe(null);
    expect((await call(env, boris, 'POST', '/api/notifications/read-all')).body).toEqual({ marked: 4 });
    expect((await call(env, boris, 'GET', '/api/notifications?unread=true')).body.items).toEqual([]);
  });
});

describe('e-mail delivery through a local SMTP server (C15)', () => {
  it('sends pending notifications once, to the user, after commit', async () => {
    const sink = await smtpSink();
    try {
      await env.ctx.db.execute(sql`UPDATE notifications SET email_status = 'skipped'`);
      const c = await annasClient('Electrocentre');
      await call(env, boris, 'POST', `/api/clients/${c}/touches`, { kind: 'meeting' });
      const mailer = createSmtpMailer(sink.url, 'Fairbase <noreply@fairbase.test>');
      const r = await sendPendingEmails(env.ctx, mailer);
      expect(r).toMatchObject({ sent: 1, failed: 0 });
      expect(sink.received).toHaveLength(1);
      expect(sink.received[0]!.to).toEqual([anna.email]);
      expect(sink.received[0]!.from).toBe('noreply@fairbase.test');
      expect(decodeSubject(sink.received[0]!.raw)).toBe('Boris связался с вашим клиентом «Electrocentre»');
      // A second run sends nothing more.
      expect(await sendPendingEmails(env.ctx, mailer)).toMatchObject({ sent: 0 });
      expect(sink.received).toHaveLength(1);
      const [row] = await rows<{ email_status: string; email_attempts: number }>(
        env.ctx.db,
        sql`SELECT email_status, email_attempts FROM notifications WHERE user_id = ${anna.id} ORDER BY id DESC LIMIT 1`,
      );
      expect(row).toEqual({ email_status: 'sent', email_attempts: 1 });
      mailer.close();
    } finally {
      await sink.close();
    }
  });

  it('keeps a failed e-mail with its error, retries it later, gives up after the last attempt; old news is skipped', async () => {
    const sink = await smtpSink({ refuse: true });
    const logged: string[] = [];
    try {
      await env.ctx.db.execute(
        sql`UPDATE notifications SET email_status = 'skipped' WHERE email_status = 'pending'`,
      );
      const id = await notify(env.ctx.db, env.clock.now, anna.id, 'misc', { title: 'Hello' });
      const mailer = createSmtpMailer(sink.url, 'fairbase@fairbase.test');
      const o = { maxAttempts: 2, retryDelayMs: 60_000, log: (m: string) => logged.push(m) };
      expect(await sendPendingEmails(env.ctx, mailer, o)).toMatchObject({ sent: 0, retried: 1 });
      const [first] = await rows<{ email_status: string; email_error: string }>(
        env.ctx.db,
        sql`SELECT email_status, email_error FROM notifications WHERE id = ${id}`,
      );
      expect(first!.email_status).toBe('pending');
      expect(first!.email_error).toContain('mailbox unavailable');
      expect(logged[0]).toContain(`notification ${id}`);
      // Not again before the retry delay…
      expect(await sendPendingEmails(env.ctx, mailer, o)).toMatchObject({ retried: 0, failed: 0 });
      env.clock.advanceDays(0.01);
      // …then the last attempt fails for good.
      expect(await sendPendingEmails(env.ctx, mailer, o)).toMatchObject({ failed: 1 });
      const [last] = await rows<{ email_status: string; email_attempts: number }>(
        env.ctx.db,
        sql`SELECT email_status, email_attempts FROM notifications WHERE id = ${id}`,
      );
      expect(last).toEqual({ email_status: 'failed', email_attempts: 2 });

      const stale = await notify(
        env.ctx.db,
        new Date(env.clock.now.getTime() - 2 * 86_400_000),
        anna.id,
        'misc',
        {},
      );
      expect(await sendPendingEmails(env.ctx, mailer, o)).toMatchObject({ skipped: 1 });
      const [s] = await rows<{ email_status: string }>(
        env.ctx.db,
        sql`SELECT email_status FROM notifications WHERE id = ${stale}`,
      );
      expect(s!.email_status).toBe('skipped');
      mailer.close();
    } finally {
      await sink.close();
    }
  });
});

describe('daily nudges (C15)', () => {
  it('lists untouched clients, planned-but-untouched clients and due next steps of the signed-in manager', async () => {
    const vera = await addTestUser(env, 'manager', { name: 'Vera' });
    const mine = async (name: string) => {
      const c = await addPoolClient(env, head, name);
      expect((await call(env, vera, 'POST', `/api/clients/${c}/claim`)).status).toBe(200);
      return c;
    };
    const never = await mine('Never touched');
    const old = await mine('Touched long ago');
    const fresh = await mine('Touched yesterday');
    const day = 86_400_000;
    const ago = (d: number) => new Date(env.clock.now.getTime() - d * day).toISOString();
    await call(env, vera, 'POST', `/api/clients/${old}/touches`, {
      kind: 'call',
      occurredAt: ago(40),
      nextStep: 'call back',
      nextStepAt: ago(35),
    });
    await call(env, vera, 'POST', `/api/clients/${fresh}/touches`, {
      kind: 'call',
      occurredAt: ago(1),
      nextStep: 'send the offer',
      nextStepAt: ago(0),
    });
    const week = isoWeekOf(env.clock.now);
    await env.ctx.db.execute(sql`INSERT INTO weekly_plans (manager_id, iso_week, created_at, updated_at)
      VALUES (${vera.id}, ${week}, ${env.clock.now}, ${env.clock.now})`);
    await env.ctx.db.execute(sql`INSERT INTO weekly_plan_items (manager_id, iso_week, client_id, goal)
      VALUES (${vera.id}, ${week}, ${never}, 'first meeting')`);

    const r = await call(env, vera, 'GET', '/api/nudges/daily?untouchedDays=30');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.isoWeek).toBe(week);
    expect(r.body.untouched.total).toBe(2);
    expect(
      r.body.untouched.items.map((c: { displayName: string; daysSinceTouch: number | null }) => [
        c.displayName,
        c.daysSinceTouch,
      ]),
    ).toEqual([
      ['Never touched', null],
      ['Touched long ago', 40],
    ]);
    expect(r.body.plannedNotTouched).toEqual([
      expect.objectContaining({ clientId: never, goal: 'first meeting' }),
    ]);
    // A next step more than 30 days overdue has dropped off the list (35 days here).
    expect(r.body.nextStepsDue.map((s: { nextStep: string }) => s.nextStep)).toEqual(['send the offer']);
    expect(r.body.expiringSoon).toEqual([]);
    // A touch today clears the plan and next-step entries.
    await call(env, vera, 'POST', `/api/clients/${never}/touches`, { kind: 'email' });
    await call(env, vera, 'POST', `/api/clients/${fresh}/touches`, { kind: 'email' });
    const after = await call(env, vera, 'GET', '/api/nudges/daily');
    expect(after.body.plannedNotTouched).toEqual([]);
    expect(after.body.nextStepsDue).toEqual([]);
    expect(after.body.untouched.total).toBe(1);
  });
});

/** The Subject header of a raw message with RFC 2047 encoded words (B or Q) decoded. */
function decodeSubject(raw: string): string {
  const m = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw);
  if (!m) return '';
  return m[1]!
    .replace(/\r?\n[ \t]/g, ' ')
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc: string, text: string) =>
      enc.toLowerCase() === 'b'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9a-f]{2})/gi, (_h, hex: string) =>
                String.fromCharCode(Number.parseInt(hex, 16)),
              ),
            'latin1',
          ).toString('utf8'),
    );
}
