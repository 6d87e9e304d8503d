import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestUser, call, createTestEnv, type Seller, type TestEnv } from '../../test/helpers.ts';
import { buildServer } from './server.ts';

let env: TestEnv;
let head: Seller;
let webRoot: string;

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head');
  webRoot = mkdtempSync(join(tmpdir(), 'fairbase-web-'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Fairbase</title><div id="root"></div>');
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'assets', 'app-abc123.js'), 'console.log(1)');
});
afterAll(async () => {
  await env.close();
  rmSync(webRoot, { recursive: true, force: true });
});

describe('the web UI served by the API server', () => {
  it('serves index.html at / and for any screen path (SPA fallback), assets as immutable files', async () => {
    const app = await buildServer({ ctx: env.ctx, webRoot });
    try {
      const root = await app.inject({ method: 'GET', url: '/' });
      expect(root.statusCode).toBe(200);
      expect(root.body).toContain('<div id="root">');
      const screen = await app.inject({ method: 'GET', url: '/clients/17?tab=history' });
      expect(screen.statusCode).toBe(200);
      expect(screen.headers['content-type']).toContain('text/html');
      expect(screen.headers['cache-control']).toBe('no-cache');
      const asset = await app.inject({ method: 'GET', url: '/assets/app-abc123.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
      // The API keeps its JSON 404s: an unknown /api path is never the web page.
      const api = await app.inject({ method: 'GET', url: '/api/no-such-thing' });
      expect(api.statusCode).toBe(404);
      expect(api.json().error.code).toBe('NOT_FOUND');
      // A missing asset (an old build's file) is a plain 404, not the page.
      const gone = await app.inject({ method: 'GET', url: '/assets/app-old.js' });
      expect(gone.statusCode).toBe(404);
      // A file added after start (a rebuild under a running server) is served.
      writeFileSync(join(webRoot, 'assets', 'app-new.js'), 'console.log(2)');
      expect((await app.inject({ method: 'GET', url: '/assets/app-new.js' })).body).toBe('console.log(2)');
      const post = await app.inject({ method: 'POST', url: '/somewhere' });
      expect(post.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('without a built UI the root leads to the API docs', async () => {
    const r = await env.app.inject({ method: 'GET', url: '/' });
    expect(r.statusCode).toBe(302);
    expect(r.headers.location).toBe('/api/docs');
  });
});

describe('policy versions for the diff screen', () => {
  it('returns a stored version by number, 404 for an unknown one', async () => {
    const cur = await call(env, head, 'GET', '/api/policy');
    const next = { ...cur.body.policy, caps: { ...cur.body.policy.caps, defaultCap: 123 } };
    const put = await call(env, head, 'PUT', '/api/policy', { policy: next, note: 'smaller' });
    expect(put.status).toBe(200);
    const old = await call(env, head, 'GET', `/api/policy/versions/${cur.body.version}`);
    expect(old.status).toBe(200);
    expect(old.body.policy.caps.defaultCap).toBe(cur.body.policy.caps.defaultCap);
    const now = await call(env, head, 'GET', `/api/policy/versions/${put.body.version}`);
    expect(now.body).toMatchObject({ version: put.body.version, policy: { caps: { defaultCap: 123 } } });
    const missing = await call(env, head, 'GET', '/api/policy/versions/999');
    expect(missing.status).toBe(404);
  });
});

describe('changing one’s own password (profile screen)', () => {
  it('needs the current password, keeps this session, ends the others', async () => {
    const m = await addTestUser(env, 'manager');
    const other = await call(env, null, 'POST', '/api/auth/login', {
      email: m.email,
      password: 'password-123',
    });
    expect(other.status).toBe(200);
    const otherSession = { ...m, token: other.body.token as string };

    const wrong = await call(env, m, 'POST', '/api/me/password', {
      currentPassword: 'not-it',
      newPassword: 'new-password-1',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    const short = await call(env, m, 'POST', '/api/me/password', {
      currentPassword: 'password-123',
      newPassword: 'x',
    });
    expect(short.status).toBe(400);
    expect(short.body.error.details.issues[0].path).toBe('body.newPassword');

    const ok = await call(env, m, 'POST', '/api/me/password', {
      currentPassword: 'password-123',
      newPassword: 'new-password-1',
    });
    expect(ok.status).toBe(200);
    expect((await call(env, m, 'GET', '/api/me')).status).toBe(200);
    expect((await call(env, otherSession, 'GET', '/api/me')).status).toBe(401);
    const oldLogin = await call(env, null, 'POST', '/api/auth/login', {
      email: m.email,
      password: 'password-123',
    });
    expect(oldLogin.status).toBe(401);
    const newLogin = await call(env, null, 'POST', '/api/auth/login', {
      email: m.email,
      password: 'new-password-1',
    });
    expect(newLogin.status).toBe(200);
  });
});
