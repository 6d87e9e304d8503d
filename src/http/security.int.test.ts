import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../app/login-throttle.ts';
import { rows } from '../db/raw.ts';
import { addTestUser, call, createTestEnv, relogin, type Seller, type TestEnv } from '../../test/helpers.ts';

/** Issue 8, item 5: sessions and accounts — throttling, expiry, revocation, CSRF, headers, API tokens. */
let env: TestEnv;
let admin: Seller;
let head: Seller;

beforeAll(async () => {
  env = await createTestEnv();
  admin = await addTestUser(env, 'admin');
  head = await addTestUser(env, 'head');
});
afterAll(() => env.close());

type Inject = { status: number; body: any; headers: Record<string, unknown> };

async function loginHttp(email: string, password: string, ip = '10.0.0.1', headers = {}): Promise<Inject> {
  const r = await env.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
    remoteAddress: ip,
    headers,
  });
  return { status: r.statusCode, body: r.json(), headers: r.headers };
}

async function withCookie(method: string, url: string, cookie: string, headers: Record<string, string> = {}) {
  const r = await env.app.inject({
    method: method as 'POST',
    url,
    headers: { cookie: `fairbase_session=${cookie}`, ...headers },
  });
  return { status: r.statusCode, body: r.body ? r.json() : null, headers: r.headers };
}

describe('login throttling', () => {
  it('locks an account after 5 failures (429 LOGIN_THROTTLED, Retry-After), also for the right password; unlocks after the lock time', async () => {
    const m = await addTestUser(env, 'manager');
    const max = LOGIN_LIMITS.account.max;
    for (let i = 1; i < max; i++) {
      const r = await loginHttp(m.email, 'wrong-password', `10.1.0.${i}`);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('INVALID_CREDENTIALS');
    }
    const fifth = await loginHttp(m.email, 'wrong-password', '10.1.0.99');
    expect(fifth.status).toBe(429);
    expect(fifth.body.error.code).toBe('LOGIN_THROTTLED');
    expect(fifth.body.error.details.scope).toBe('account');
    expect(Number(fifth.headers['retry-after'])).toBe(15 * 60);
    // The right password from yet another address is refused while the account is locked.
    const right = await loginHttp(m.email, 'password-123', '10.1.0.200');
    expect(right.status).toBe(429);
    expect(right.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    // Case and spaces do not make a new account key.
    expect((await loginHttp(` ${m.email.toUpperCase()} `, 'password-123', '10.1.0.201')).status).toBe(429);
    env.clock.set(new Date(env.clock.now.getTime() + LOGIN_LIMITS.account.lockMs + 1000));
    const later = await loginHttp(m.email, 'password-123', '10.1.0.202');
    expect(later.status).toBe(200);
  });

  it('a successful sign-in resets the account counter', async () => {
    const m = await addTestUser(env, 'manager');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < LOGIN_LIMITS.account.max - 1; i++)
        expect((await loginHttp(m.email, 'nope-nope', '10.2.0.1')).status).toBe(401);
      expect((await loginHttp(m.email, 'password-123', '10.2.0.1')).status).toBe(200);
    }
    const [row] = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(*)::int AS n FROM login_throttle WHERE key = ${`account:${m.email}`}`,
    );
    expect(row!.n).toBe(0);
  });

  it('locks an address after 30 failures across many accounts (unknown e-mails count too)', async () => {
    const ip = '10.3.0.7';
    let last: Inject | null = null;
    for (let i = 0; i < LOGIN_LIMITS.ip.max; i++)
      last = await loginHttp(`nobody${i}@x.test`, 'whatever1', ip);
    expect(last!.status).toBe(429);
    expect(last!.body.error.details.scope).toBe('ip');
    const m = await addTestUser(env, 'manager');
    expect((await loginHttp(m.email, 'password-123', ip)).status).toBe(429);
    // Another address is not affected.
    expect((await loginHttp(m.email, 'password-123', '10.3.0.8')).status).toBe(200);
  });

  it('the per-process flood guard (121st login request a minute from one address) answers 429 LOGIN_THROTTLED, not 500', async () => {
    const ip = '10.9.9.9';
    let last: Inject | null = null;
    for (let i = 0; i < 121; i++) last = await loginHttp(`flood${i}@x.test`, 'whatever1', ip);
    expect(last!.status).toBe(429);
    expect(last!.body.error.code).toBe('LOGIN_THROTTLED');
    expect(last!.body.error.details.scope).toBe('ip');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.headers['x-ratelimit-limit']).toBe('120');
  });

  it('concurrent failures are all counted (one atomic upsert per attempt)', async () => {
    const m = await addTestUser(env, 'manager');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => loginHttp(m.email, 'bad-password', `10.4.0.${i}`)),
    );
    const [row] = await rows<{ failures: number }>(
      env.ctx.db,
      sql`SELECT failures FROM login_throttle WHERE key = ${`account:${m.email}`}`,
    );
    // Attempts that arrive after the lock are refused before counting; none is lost before it.
    expect(row!.failures).toBeGreaterThanOrEqual(LOGIN_LIMITS.account.max);
    expect(results.some((r) => r.status === 429)).toBe(true);
    expect((await loginHttp(m.email, 'password-123', '10.4.0.99')).status).toBe(429);
  });
});

describe('sessions: expiry and revocation', () => {
  it('a session expires after 30 days', async () => {
    const m = await relogin(env, await addTestUser(env, 'manager'));
    expect((await call(env, m, 'GET', '/api/me')).status).toBe(200);
    env.clock.advanceDays(30);
    env.clock.set(new Date(env.clock.now.getTime() + 10_000)); // past the 5 s session cache
    expect((await call(env, m, 'GET', '/api/me')).status).toBe(401);
    admin = await relogin(env, admin);
    head = await relogin(env, head);
  });

  it('sign out everywhere ends every session of the caller (cookie cleared), and is audited', async () => {
    const u = await addTestUser(env, 'manager');
    const s2 = await relogin(env, u);
    const s3 = await relogin(env, u);
    const out = await withCookie('POST', '/api/auth/sessions/revoke-all', s2.token);
    expect(out.status).toBe(200);
    expect(out.body.revoked).toBe(3);
    expect(String(out.headers['set-cookie'])).toMatch(/fairbase_session=;/);
    for (const s of [u, s2, s3]) expect((await call(env, s, 'GET', '/api/me')).status).toBe(401);
    const audit = await call(env, admin, 'GET', `/api/audit?action=sessions.revoke_all&targetId=${u.id}`);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0].actorId).toBe(u.id);
  });

  it('an admin revokes a user’s sessions; a manager may not', async () => {
    const u = await addTestUser(env, 'manager');
    const other = await addTestUser(env, 'manager');
    expect((await call(env, other, 'POST', `/api/users/${u.id}/sessions/revoke`)).status).toBe(403);
    const r = await call(env, admin, 'POST', `/api/users/${u.id}/sessions/revoke`);
    expect(r.status).toBe(200);
    expect(r.body.revoked).toBe(1);
    expect((await call(env, u, 'GET', '/api/me')).status).toBe(401);
    expect((await call(env, other, 'GET', '/api/me')).status).toBe(200);
    expect((await call(env, admin, 'POST', '/api/users/999999/sessions/revoke')).status).toBe(404);
  });

  it('a user set to left loses every session at once and cannot sign in', async () => {
    const u = await addTestUser(env, 'manager');
    expect((await call(env, u, 'GET', '/api/me')).status).toBe(200);
    expect((await call(env, admin, 'PATCH', `/api/users/${u.id}`, { status: 'left' })).status).toBe(200);
    expect((await call(env, u, 'GET', '/api/me')).status).toBe(401);
    const [n] = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(*)::int AS n FROM sessions WHERE user_id = ${u.id}`,
    );
    expect(n!.n).toBe(0);
    expect((await loginHttp(u.email, 'password-123', '10.5.0.1')).status).toBe(401);
  });

  it('sessions are stored as SHA-256 of the token, never the token', async () => {
    const u = await addTestUser(env, 'manager');
    const stored = await rows<{ id: string }>(
      env.ctx.db,
      sql`SELECT id FROM sessions WHERE user_id = ${u.id}`,
    );
    expect(stored.map((s) => s.id)).toEqual([createHash('sha256').update(u.token).digest('hex')]);
  });

  it('passwords are argon2id hashes', async () => {
    const [u] = await rows<{ password_hash: string }>(
      env.ctx.db,
      sql`SELECT password_hash FROM users WHERE id = ${head.id}`,
    );
    expect(u!.password_hash).toMatch(/^\$argon2id\$/);
  });
});

describe('CSRF: Origin check on cookie-authenticated writes', () => {
  it('a foreign Origin is refused with 403 CSRF_REJECTED, nothing changes', async () => {
    const u = await addTestUser(env, 'manager');
    const r = await withCookie('POST', '/api/auth/sessions/revoke-all', u.token, {
      origin: 'https://evil.example',
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('CSRF_REJECTED');
    expect((await call(env, u, 'GET', '/api/me')).status).toBe(200);
    // A foreign Referer (no Origin) is refused too; `Origin: null` as well.
    expect(
      (await withCookie('POST', '/api/auth/logout', u.token, { referer: 'https://evil.example/page' }))
        .status,
    ).toBe(403);
    expect((await withCookie('POST', '/api/auth/logout', u.token, { origin: 'null' })).status).toBe(403);
    // A login form posted from another site is refused as well (login CSRF).
    expect(
      (await loginHttp(u.email, 'password-123', '10.6.0.1', { origin: 'https://evil.example' })).status,
    ).toBe(403);
  });

  it('same origin, no Origin (CLI, curl) and Bearer requests pass; GET is never checked', async () => {
    const u = await addTestUser(env, 'manager');
    const s = await relogin(env, u);
    expect(
      (
        await withCookie('POST', '/api/auth/logout', s.token, {
          origin: 'http://localhost:80',
          host: 'localhost:80',
        })
      ).status,
    ).toBe(200);
    const s1 = await relogin(env, u);
    expect(
      (
        await withCookie('POST', '/api/auth/logout', s1.token, {
          origin: 'http://127.0.0.1:3000',
          host: '127.0.0.1:3000',
          referer: 'http://127.0.0.1:3000/profile',
        })
      ).status,
    ).toBe(200);
    const s2 = await relogin(env, u);
    expect((await withCookie('POST', '/api/auth/logout', s2.token)).status).toBe(200);
    const r = await env.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { authorization: `Bearer ${u.token}`, origin: 'https://evil.example' },
    });
    expect(r.statusCode).toBe(200);
    const g = await withCookie('GET', '/api/me', (await relogin(env, u)).token, {
      origin: 'https://evil.example',
    });
    expect(g.status).toBe(200);
  });

  it('behind a proxy (trustProxy), the forwarded host is the own origin', async () => {
    const { buildServer } = await import('./server.ts');
    const app = await buildServer({ ctx: env.ctx, trustProxy: true });
    try {
      const u = await relogin(env, await addTestUser(env, 'manager'));
      const r = await app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: {
          cookie: `fairbase_session=${u.token}`,
          origin: 'https://crm.example.ru',
          'x-forwarded-host': 'crm.example.ru',
          'x-forwarded-proto': 'https',
        },
      });
      expect(r.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('FAIRBASE_ALLOWED_ORIGINS lets a listed origin through', async () => {
    const { buildServer } = await import('./server.ts');
    const app = await buildServer({ ctx: env.ctx, allowedOrigins: ['http://localhost:5173'] });
    try {
      const u = await relogin(env, await addTestUser(env, 'manager'));
      const ok = await app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { cookie: `fairbase_session=${u.token}`, origin: 'http://localhost:5173' },
      });
      expect(ok.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('security headers', () => {
  it('helmet: CSP, nosniff, frame-ancestors none, no upgrade-insecure-requests; request id echoed', async () => {
    const r = await env.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-request-id': 'abc-123' },
    });
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.headers['x-request-id']).toBe('abc-123');
    const fresh = await env.app.inject({
      method: 'GET',
      url: '/api/health',
      headers: { 'x-request-id': 'bad id!' },
    });
    expect(String(fresh.headers['x-request-id'])).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('API tokens', () => {
  it('hashed at rest; telephony tokens reach only the lookup; full tokens act as their creator; revocation is immediate', async () => {
    const tel = await call(env, head, 'POST', '/api/tokens', { name: 'PBX' });
    expect(tel.status).toBe(201);
    expect(tel.body.scope).toBe('telephony');
    const full = await call(env, head, 'POST', '/api/tokens', { name: 'script', scope: 'full' });
    expect(full.status).toBe(201);
    expect(full.body.scope).toBe('full');
    const stored = await rows<{ token_hash: string }>(env.ctx.db, sql`SELECT token_hash FROM api_tokens`);
    const all = JSON.stringify(stored);
    expect(all).not.toContain(tel.body.token);
    expect(all).not.toContain(full.body.token);
    expect(stored.map((s) => s.token_hash)).toContain(
      createHash('sha256').update(full.body.token).digest('hex'),
    );
    const bearer = (t: string, method: string, url: string, payload?: object) =>
      env.app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: `Bearer ${t}` },
        ...(payload ? { payload } : {}),
      });
    // telephony: the lookup yes, user routes no
    expect(
      (await bearer(tel.body.token, 'GET', '/api/telephony/lookup?phone=%2B78462000000')).statusCode,
    ).toBe(200);
    expect((await bearer(tel.body.token, 'GET', '/api/me')).statusCode).toBe(401);
    // full: acts as the head who made it (head routes yes, admin routes no), but not the telephony lookup
    const me = await bearer(full.body.token, 'GET', '/api/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(head.id);
    expect((await bearer(full.body.token, 'GET', '/api/tokens')).statusCode).toBe(200);
    expect((await bearer(full.body.token, 'GET', '/api/users')).statusCode).toBe(403);
    expect(
      (await bearer(full.body.token, 'GET', '/api/telephony/lookup?phone=%2B78462000000')).statusCode,
    ).toBe(401);
    // revoke: stops at once
    expect((await call(env, head, 'DELETE', `/api/tokens/${full.body.id}`)).status).toBe(200);
    expect((await bearer(full.body.token, 'GET', '/api/me')).statusCode).toBe(401);
    // a full token of someone who left stops working
    const head2 = await addTestUser(env, 'head');
    const t2 = await call(env, head2, 'POST', '/api/tokens', { name: 'h2', scope: 'full' });
    expect((await bearer(t2.body.token, 'GET', '/api/me')).statusCode).toBe(200);
    await call(env, admin, 'PATCH', `/api/users/${head2.id}`, { status: 'left' });
    expect((await bearer(t2.body.token, 'GET', '/api/me')).statusCode).toBe(401);
    // unknown scope: a clear 400 naming the field
    const bad = await call(env, head, 'POST', '/api/tokens', { name: 'x', scope: 'root' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('body.scope');
  });
});
