import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addLine } from '../app/use-cases/lines.ts';
import { setPolicy } from '../app/use-cases/policy.ts';
import { isoWeekOf } from '../core/activity/iso-week.ts';
import { type Policy, presets } from '../core/policy/policy.ts';
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
let vera: Seller;
let admin: Seller;

const usePolicy = async (contact: Partial<Policy['contact']>) => {
  const p = presets.balanced;
  const r = await setPolicy(env.ctx, { ...p, contact: { ...p.contact, ...contact } }, head.id, 'test');
  expect(r.ok).toBe(true);
};

/** A client in Anna's base (claimed through the API). */
async function annasClient(): Promise<number> {
  const c = await addPoolClient(env, head);
  expect((await call(env, anna, 'POST', `/api/clients/${c}/claim`)).status).toBe(200);
  return c;
}

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head', { name: 'Head' });
  anna = await addTestUser(env, 'manager', { name: 'Anna' });
  boris = await addTestUser(env, 'manager', { name: 'Boris' });
  vera = await addTestUser(env, 'manager', { name: 'Vera' });
  admin = await addTestUser(env, 'admin');
  await usePolicy({ nonOwnerOutreach: 'warn', cooldownDays: 3 });
});
afterAll(() => env.close());

describe('touches (C8)', () => {
  it('logs a touch, shows it in the history between ownership events, and on the card as the last contact', async () => {
    const c = await annasClient();
    env.clock.advanceDays(1);
    const r = await call(env, anna, 'POST', `/api/clients/${c}/touches`, {
      kind: 'call',
      outcome: 'reached',
      body: 'Talked to the marketing director',
      nextStep: 'Send the media kit',
      nextStepAt: new Date(env.clock.now.getTime() + 2 * 86_400_000).toISOString(),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.warnings).toEqual([]);
    expect(r.body.touch).toMatchObject({
      clientId: c,
      authorId: anna.id,
      authorName: 'Anna',
      kind: 'call',
      direction: 'outbound',
      outcome: 'reached',
      occurredAt: env.clock.now.toISOString(),
      nextStep: 'Send the media kit',
      lineId: null,
    });
    env.clock.advanceDays(1);
    await call(env, anna, 'POST', `/api/clients/${c}/touches`, { kind: 'note', body: 'Budget is in March' });
    env.clock.advanceDays(1);
    expect((await call(env, anna, 'POST', `/api/clients/${c}/release`)).status).toBe(200);

    // Visible to every role, admin included.
    const h = await call(env, admin, 'GET', `/api/clients/${c}/history`);
    expect(h.status).toBe(200);
    expect(h.body.items.map((i: { entry: string; type: string }) => `${i.entry}:${i.type}`)).toEqual([
      'ownership:ClientClaimed',
      'touch:Touch',
      'touch:Touch',
      'ownership:ClientReleased',
    ]);
    expect(h.body.items[1]).toMatchObject({ kind: 'call', authorName: 'Anna' });
    const onlyTouches = await call(env, admin, 'GET', `/api/clients/${c}/history?include=touches&order=desc`);
    expect(onlyTouches.body.items.map((i: { kind: string }) => i.kind)).toEqual(['note', 'call']);

    // The note is not a contact: the card shows the call.
    const card = await call(env, boris, 'GET', `/api/clients/${c}`);
    expect(card.body.lastContact).toMatchObject({
      touchId: r.body.touch.id,
      authorName: 'Anna',
      kind: 'call',
      direction: 'outbound',
      outcome: 'reached',
    });
    const fresh = await addPoolClient(env, head);
    expect((await call(env, boris, 'GET', `/api/clients/${fresh}`)).body.lastContact).toBe(null);
  });

  it('pages the history with an opaque cursor, in both orders, without gaps or repeats', async () => {
    const c = await annasClient();
    for (let i = 0; i < 5; i++) {
      env.clock.advanceDays(0.1);
      await call(env, anna, 'POST', `/api/clients/${c}/touches`, { kind: 'email', body: `mail ${i}` });
    }
    // Same instant as the last touch: ownership events sort first at equal times.
    await call(env, anna, 'POST', `/api/clients/${c}/release`);
    for (const order of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = `/api/clients/${c}/history?limit=2&order=${order}${cursor ? `&cursor=${cursor}` : ''}`;
        const p = await call(env, boris, 'GET', q);
        expect(p.status, JSON.stringify(p.body)).toBe(200);
        for (const i of p.body.items) seen.push(i.entry === 'touch' ? i.body : i.type);
        cursor = p.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      const expected = ['ClientClaimed', 'mail 0', 'mail 1', 'mail 2', 'mail 3', 'ClientReleased', 'mail 4'];
      expect(seen).toEqual(order === 'asc' ? expected : [...expected].reverse());
    }
    const bad = await call(env, boris, 'GET', `/api/clients/${c}/history?cursor=abc`);
    expect(bad.body.error.details.issues[0].path).toBe('querystring.cursor');
  });

  it('rejects bad input naming the field (R-TOUCH-1, R-TOUCH-2)', async () => {
    const c = await annasClient();
    const other = await addPoolClient(env, head);
    const contact = await call(env, anna, 'POST', `/api/clients/${other}/contacts`, { name: 'Petrov' });
    expect(contact.status).toBe(201);
    const future = new Date(env.clock.now.getTime() + 3_600_000).toISOString();
    const cases: [unknown, string][] = [
      [{ kind: 'fax' }, 'body.kind'],
      [{ kind: 'call', outcome: 'maybe' }, 'body.outcome'],
      [{ kind: 'call', occurredAt: future }, 'body.occurredAt'],
      [{ kind: 'call', occurredAt: 'yesterday' }, 'body.occurredAt'],
      [{ kind: 'call', contactId: contact.body.id }, 'body.contactId'],
      [
        {
          kind: 'call',
          occurredAt: env.clock.now.toISOString(),
          nextStepAt: new Date(env.clock.now.getTime() - 86_400_000).toISOString(),
        },
        'body.nextStepAt',
      ],
    ];
    for (const [body, path] of cases) {
      const r = await call(env, anna, 'POST', `/api/clients/${c}/touches`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.details.issues[0].path).toBe(path);
    }
    expect((await call(env, anna, 'POST', '/api/clients/999999/touches', { kind: 'call' })).status).toBe(404);
    expect((await call(env, admin, 'POST', `/api/clients/${c}/touches`, { kind: 'call' })).status).toBe(403);
  });
});

describe('one voice to the client (C16)', () => {
  it('warns a non-owner and notifies the owner under "warn" (R-VOICE-1)', async () => {
    const c = await annasClient();
    const r = await call(env, boris, 'POST', `/api/clients/${c}/touches`, {
      kind: 'meeting',
      outcome: 'meeting_held',
    });
    expect(r.status).toBe(201);
    expect(r.body.warnings).toEqual([
      expect.objectContaining({
        code: 'NON_OWNER_OUTREACH',
        rule: 'R-VOICE-1',
        details: expect.objectContaining({ ownerIds: [anna.id], ownerNames: ['Anna'] }),
      }),
    ]);
    const notes = await rows<{
      user_id: number;
      kind: string;
      payload: { touchId: number; authorName: string };
    }>(
      env.ctx.db,
      sql`SELECT user_id, kind, payload FROM notifications WHERE payload->>'clientId' = ${String(c)}`,
    );
    expect(notes).toEqual([
      {
        user_id: anna.id,
        kind: 'foreign_touch',
        payload: expect.objectContaining({ touchId: r.body.touch.id, authorName: 'Boris' }),
      },
    ]);
    // The owner's own touches and inbound calls to anyone raise nothing.
    env.clock.advanceDays(5);
    const own = await call(env, anna, 'POST', `/api/clients/${c}/touches`, { kind: 'call' });
    expect(own.body.warnings).toEqual([]);
  });

  it('blocks a non-owner under "block" but not a head, nor an inbound call (R-VOICE-1)', async () => {
    await usePolicy({ nonOwnerOutreach: 'block', cooldownDays: 0 });
    try {
      const c = await annasClient();
      const r = await call(env, boris, 'POST', `/api/clients/${c}/touches`, { kind: 'email' });
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({
        code: 'NON_OWNER_OUTREACH_BLOCKED',
        details: { ownerIds: [anna.id] },
      });
      const check = await call(env, boris, 'GET', `/api/clients/${c}/contact-check?kind=email`);
      expect(check.body).toMatchObject({ allowed: false, rejection: { code: 'NON_OWNER_OUTREACH_BLOCKED' } });
      const inbound = await call(env, boris, 'POST', `/api/clients/${c}/touches`, {
        kind: 'call',
        direction: 'inbound',
      });
      expect(inbound.status).toBe(201);
      const byHead = await call(env, head, 'POST', `/api/clients/${c}/touches`, { kind: 'call' });
      expect(byHead.status).toBe(201);
      expect(byHead.body.warnings.map((w: { code: string }) => w.code)).toEqual(['NON_OWNER_OUTREACH']);
      const pool = await addPoolClient(env, head);
      expect((await call(env, boris, 'POST', `/api/clients/${pool}/touches`, { kind: 'call' })).status).toBe(
        201,
      );
      const nothingWritten = await rows<{ n: number }>(
        env.ctx.db,
        sql`SELECT count(*)::int AS n FROM touches WHERE client_id = ${c} AND author_id = ${boris.id} AND direction = 'outbound'`,
      );
      expect(nothingWritten[0]!.n).toBe(0);
    } finally {
      await usePolicy({ nonOwnerOutreach: 'warn', cooldownDays: 3 });
    }
  });

  it('warns within the company-wide cooldown, and the contact check says so before logging (R-VOICE-2)', async () => {
    const pool = await addPoolClient(env, head);
    await call(env, boris, 'POST', `/api/clients/${pool}/touches`, { kind: 'call', outcome: 'not_reached' });
    env.clock.advanceDays(1);
    const check = await call(env, vera, 'GET', `/api/clients/${pool}/contact-check`);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({
      allowed: true,
      rejection: null,
      warnings: [{ code: 'CONTACT_COOLDOWN', details: { lastAuthorName: 'Boris', cooldownDays: 3 } }],
      lastContact: { authorName: 'Boris', kind: 'call' },
    });
    // The check wrote nothing.
    const n = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(*)::int AS n FROM touches WHERE client_id = ${pool}`,
    );
    expect(n[0]!.n).toBe(1);
    const r = await call(env, vera, 'POST', `/api/clients/${pool}/touches`, { kind: 'email' });
    expect(r.body.warnings.map((w: { code: string }) => w.code)).toEqual(['CONTACT_COOLDOWN']);
    env.clock.advanceDays(3);
    const later = await call(env, boris, 'POST', `/api/clients/${pool}/touches`, { kind: 'call' });
    expect(later.body.warnings).toEqual([]);
  });

  it('refuses outbound touches to a do-not-contact contact, naming contactId (R-VOICE-3)', async () => {
    const c = await annasClient();
    const contact = await call(env, anna, 'POST', `/api/clients/${c}/contacts`, {
      name: 'Sidorova',
      doNotContact: true,
    });
    const r = await call(env, anna, 'POST', `/api/clients/${c}/touches`, {
      kind: 'call',
      contactId: contact.body.id,
    });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'DO_NOT_CONTACT', details: { field: 'contactId' } });
    const inbound = await call(env, anna, 'POST', `/api/clients/${c}/touches`, {
      kind: 'call',
      direction: 'inbound',
      contactId: contact.body.id,
    });
    expect(inbound.status).toBe(201);
    expect(inbound.body.touch.contactName).toBe('Sidorova');
  });
});

describe('merging clients (R-MERGE-1) keeps their touches, deals and plans together', () => {
  it("moves the duplicate's touches, deals and plan entries to the survivor", async () => {
    const survivor = await annasClient();
    const dup = await addPoolClient(env, head);
    env.clock.advanceDays(1);
    const t = await call(env, boris, 'POST', `/api/clients/${dup}/touches`, {
      kind: 'call',
      body: 'on the duplicate',
    });
    expect(t.status).toBe(201);
    const d = await call(env, boris, 'POST', `/api/clients/${dup}/deals`, {
      title: 'dup deal',
      amountKopecks: 100,
    });
    expect(d.status).toBe(201);
    const w = isoWeekOf(env.clock.now);
    expect(
      (
        await call(env, anna, 'PUT', `/api/plans/${anna.id}/${w}`, {
          items: [
            { clientId: survivor, goal: 'a' },
            { clientId: dup, goal: 'b' },
          ],
        })
      ).status,
    ).toBe(200);
    const m = await call(env, head, 'POST', `/api/clients/${survivor}/merge`, { otherClientId: dup });
    expect(m.status, JSON.stringify(m.body)).toBe(200);
    const h = await call(env, anna, 'GET', `/api/clients/${survivor}/history?include=touches`);
    expect(h.body.items.map((i: { body: string }) => i.body)).toContain('on the duplicate');
    const deals = await call(env, anna, 'GET', `/api/clients/${survivor}/deals`);
    expect(deals.body.items.map((x: { title: string }) => x.title)).toContain('dup deal');
    const plan = await call(env, anna, 'GET', `/api/plans/${anna.id}/${w}`);
    expect(plan.body.items).toEqual([expect.objectContaining({ clientId: survivor, goal: 'a' })]);
  });
});

describe('one voice per line of business (R-VOICE-1, R-LINE-1)', () => {
  it("looks at the touch's line; at every line when it names none or in single-owner mode", async () => {
    const l = await addLine(env.ctx, 'Радио 2');
    expect(l.ok).toBe(true);
    const radio2 = l.ok ? l.value.id : 0;
    const c = await annasClient();
    env.clock.advanceDays(10);
    const codes = async (body: Record<string, unknown>) => {
      const r = await call(
        env,
        boris,
        'GET',
        `/api/clients/${c}/contact-check?${new URLSearchParams(body as Record<string, string>)}`,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.warnings.map((w: { code: string }) => w.code);
    };
    expect(await codes({ lineId: String(radio2) })).toEqual([]);
    expect(await codes({})).toEqual(['NON_OWNER_OUTREACH']);
    const logged = await call(env, boris, 'POST', `/api/clients/${c}/touches`, {
      kind: 'call',
      lineId: radio2,
    });
    expect(logged.status).toBe(201);
    expect(logged.body.touch.lineId).toBe(radio2);
    expect(
      (await call(env, boris, 'POST', `/api/clients/${c}/touches`, { kind: 'call', lineId: 9999 })).body
        .error,
    ).toMatchObject({
      code: 'NOT_FOUND',
      details: { field: 'lineId' },
    });
    const p = presets.balanced;
    await setPolicy(
      env.ctx,
      {
        ...p,
        lines: { mode: 'single_owner' },
        contact: { ...p.contact, nonOwnerOutreach: 'warn', cooldownDays: 0 },
      },
      head.id,
      'one owner',
    );
    expect(await codes({ lineId: String(radio2) })).toEqual(['NON_OWNER_OUTREACH']);
  });
});
