import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../db/raw.ts';
import { addTestUser, call, createTestEnv, type Seller, type TestEnv } from '../../test/helpers.ts';

let env: TestEnv;
let a: Seller;
let b: Seller;
let head: Seller;
let unix: number;
let pool: number;
let token: string;
let tokenId: number;

/** C18: the PBX asks "who is calling?" with an API token; the answer names the client and its owner's extension. */
beforeAll(async () => {
  env = await createTestEnv();
  a = await addTestUser(env, 'manager', { name: 'Алексей А.' });
  b = await addTestUser(env, 'manager', { name: 'Борис Б.' });
  head = await addTestUser(env, 'head');
  await env.ctx.db.execute(sql`UPDATE users SET phone_extension = '101' WHERE id = ${a.id}`);
  await env.ctx.db.execute(sql`UPDATE users SET phone_extension = '102' WHERE id = ${b.id}`);
  const r = await call(env, a, 'POST', '/api/clients', {
    displayName: 'Юникс',
    contacts: [
      { name: 'Иванова Мария', phones: ['+7 (846) 212-34-56'] },
      { name: 'Петров Пётр', phones: ['8 927 100-20-30'] },
    ],
  });
  expect(r.status).toBe(201);
  unix = r.body.id;
  const p = await call(env, head, 'POST', '/api/clients', {
    displayName: 'Феникс',
    claim: false,
    contacts: [{ name: 'Сидоров', phones: ['+7 846 300-00-00'] }],
  });
  expect(p.status).toBe(201);
  pool = p.body.id;
  const t = await call(env, head, 'POST', '/api/tokens', { name: 'Asterisk, офис' });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  token = t.body.token;
  tokenId = t.body.id;
});
afterAll(() => env.close());

type Reply = { status: number; body: any; text: string; type: string };

async function lookup(phone: string, opts: { format?: 'text'; headers?: Record<string, string> } = {}) {
  const qs = `phone=${encodeURIComponent(phone)}${opts.format ? `&format=${opts.format}` : ''}`;
  const r = await env.app.inject({
    method: 'GET',
    url: `/api/telephony/lookup?${qs}`,
    headers: opts.headers ?? { 'x-api-token': token },
  });
  const type = String(r.headers['content-type'] ?? '');
  return {
    status: r.statusCode,
    text: r.body,
    type,
    body: type.startsWith('application/json') && r.body ? JSON.parse(r.body) : null,
  } satisfies Reply;
}

describe('API tokens (C18)', () => {
  it('a head creates a token: shown once, stored as SHA-256 only, listed without the secret', async () => {
    expect(token).toMatch(/^fbt_[A-Za-z0-9_-]{43}$/);
    const stored = await rows<{ token_hash: string; scope: string; created_by: number }>(
      env.ctx.db,
      sql`SELECT token_hash, scope, created_by FROM api_tokens WHERE id = ${tokenId}`,
    );
    expect(stored[0]).toEqual({
      token_hash: createHash('sha256').update(token).digest('hex'),
      scope: 'telephony',
      created_by: head.id,
    });
    const list = await call(env, head, 'GET', '/api/tokens');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      id: tokenId,
      name: 'Asterisk, офис',
      scope: 'telephony',
      createdBy: head.id,
      revokedAt: null,
    });
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(list.body.items[0].token).toBeUndefined();
  });

  it('the answer with the secret is not cached', async () => {
    const r = await env.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: { authorization: `Bearer ${head.token}` },
      payload: { name: 'second' },
    });
    expect(r.statusCode).toBe(201);
    expect(r.headers['cache-control']).toBe('no-store');
    await call(env, head, 'DELETE', `/api/tokens/${JSON.parse(r.body).id}`);
  });

  it('a manager (or admin) may not create, list or revoke tokens; a name is required', async () => {
    const admin = await addTestUser(env, 'admin');
    for (const who of [a, admin]) {
      expect((await call(env, who, 'POST', '/api/tokens', { name: 'mine' })).status).toBe(403);
      expect((await call(env, who, 'GET', '/api/tokens')).status).toBe(403);
      expect((await call(env, who, 'DELETE', `/api/tokens/${tokenId}`)).status).toBe(403);
    }
    const bad = await call(env, head, 'POST', '/api/tokens', { name: '  ' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('body.name');
    expect((await call(env, head, 'DELETE', '/api/tokens/999999')).status).toBe(404);
  });
});

describe('who is calling? GET /api/telephony/lookup (C18)', () => {
  it.each([
    ['international', '+7 927 100-20-30'],
    ['trunk prefix 8', '89271002030'],
    ['7 without the plus (a "+" lost in a URL)', '79271002030'],
    ['ten digits', '9271002030'],
  ])('finds the client and its owner by caller ID, %s', async (_what, phone) => {
    const r = await lookup(phone);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({
      phone: '+79271002030',
      found: true,
      clients: [
        {
          clientId: unix,
          displayName: 'Юникс',
          matched: { display: '8 927 100-20-30', contactName: 'Петров Пётр' },
          owners: [
            {
              lineId: expect.any(Number),
              lineName: expect.any(String),
              ownerId: a.id,
              ownerName: 'Алексей А.',
              ownerExtension: '101',
              ownerStatus: 'active',
            },
          ],
          status: 'owned',
        },
      ],
    });
  });

  it('accepts the token as Authorization: Bearer too', async () => {
    const r = await lookup('+78462123456', { headers: { authorization: `Bearer ${token}` } });
    expect(r.status).toBe(200);
    expect(r.body.clients[0]).toMatchObject({
      clientId: unix,
      matched: { display: '+7 (846) 212-34-56', contactName: 'Иванова Мария' },
    });
  });

  it('plain text for a dialplan: the owner extension, else an empty body', async () => {
    const owned = await lookup('8 (927) 100-20-30', { format: 'text' });
    expect(owned.status).toBe(200);
    expect(owned.type).toMatch(/^text\/plain/);
    expect(owned.text).toBe('101');
    // A pool client: found, but nobody to ring.
    const inPool = await lookup('+78463000000');
    expect(inPool.body.clients[0]).toMatchObject({ clientId: pool, status: 'pool', owners: [] });
    expect((await lookup('+78463000000', { format: 'text' })).text).toBe('');
    // Unknown and unparseable numbers: the queue.
    expect((await lookup('+79999999999', { format: 'text' })).text).toBe('');
    const anon = await lookup('anonymous', { format: 'text' });
    expect([anon.status, anon.text]).toEqual([200, '']);
  });

  it('an owner on leave is not rung', async () => {
    await env.ctx.db.execute(sql`UPDATE users SET status = 'on_leave' WHERE id = ${a.id}`);
    try {
      const r = await lookup('89271002030');
      expect(r.body.clients[0].owners[0]).toMatchObject({ ownerId: a.id, ownerStatus: 'on_leave' });
      expect((await lookup('89271002030', { format: 'text' })).text).toBe('');
    } finally {
      await env.ctx.db.execute(sql`UPDATE users SET status = 'active' WHERE id = ${a.id}`);
    }
  });

  it('an unknown number is found: false', async () => {
    const r = await lookup('+7 999 999-99-99');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ phone: '+79999999999', found: false, clients: [] });
  });

  it('a bad number is a 400 naming querystring.phone', async () => {
    for (const phone of ['abc', '123-45-67', '']) {
      const r = await lookup(phone);
      expect(r.status, phone).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
      expect(r.body.error.details.issues[0].path).toBe('querystring.phone');
    }
  });

  it('a merged client is not an answer', async () => {
    const twin = await call(env, head, 'POST', '/api/clients', {
      displayName: 'Старый дубль',
      claim: false,
      contacts: [{ name: 'Дубль', phones: ['+7 846 311-11-11'] }],
    });
    expect((await lookup('+78463111111')).body.found).toBe(true);
    await env.ctx.db.execute(sql`UPDATE clients SET merged_into = ${unix} WHERE id = ${twin.body.id}`);
    expect((await lookup('+78463111111')).body).toMatchObject({ found: false, clients: [] });
  });

  it('a session (cookie or Bearer) is not enough, whatever the role', async () => {
    const login = await env.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: head.email, password: 'password-123' },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const withCookie = await lookup('89271002030', { headers: { cookie } });
    expect(withCookie.status).toBe(401);
    expect(withCookie.body.error.code).toBe('UNAUTHENTICATED');
    expect((await call(env, head, 'GET', '/api/telephony/lookup?phone=89271002030')).status).toBe(401);
    expect((await lookup('89271002030', { headers: {} })).status).toBe(401);
    expect((await lookup('89271002030', { headers: { 'x-api-token': 'fbt_nope' } })).status).toBe(401);
    const forged = `fbt_${'A'.repeat(43)}`;
    expect((await lookup('89271002030', { headers: { 'x-api-token': forged } })).status).toBe(401);
  });

  it('records when a token was last used, at most once a minute', async () => {
    const lastUsed = async () => {
      const [row] = await rows<{ last_used_at: Date | string | null }>(
        env.ctx.db,
        sql`SELECT last_used_at FROM api_tokens WHERE id = ${tokenId}`,
      );
      return row!.last_used_at === null ? null : new Date(row!.last_used_at).getTime();
    };
    env.clock.advanceDays(1);
    const t1 = env.clock.now.getTime();
    await lookup('89271002030');
    expect(await lastUsed()).toBe(t1);
    env.clock.set(new Date(t1 + 30_000));
    await lookup('89271002030');
    expect(await lastUsed()).toBe(t1);
    env.clock.set(new Date(t1 + 61_000));
    await lookup('89271002030');
    expect(await lastUsed()).toBe(t1 + 61_000);
  });

  it('a revoked token stops working at once', async () => {
    const r = await call(env, head, 'POST', '/api/tokens', { name: 'temporary' });
    const temp = r.body.token as string;
    expect((await lookup('89271002030', { headers: { 'x-api-token': temp } })).status).toBe(200);
    const del = await call(env, head, 'DELETE', `/api/tokens/${r.body.id}`);
    expect(del.status).toBe(200);
    expect(del.body.revokedAt).toBe(env.clock.now.toISOString());
    const after = await lookup('89271002030', { headers: { 'x-api-token': temp } });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    // Revoking again keeps the first time; the other token still works.
    env.clock.advanceDays(1);
    expect((await call(env, head, 'DELETE', `/api/tokens/${r.body.id}`)).body.revokedAt).toBe(
      del.body.revokedAt,
    );
    expect((await lookup('89271002030')).status).toBe(200);
  });
});
