import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedMigrations, readiness } from '../src/app/readiness.ts';
import { addUser } from '../src/app/use-cases/users.ts';
import { buildServer } from '../src/http/server.ts';
import { createTestEnv, type TestEnv } from './helpers.ts';
import { startServerProcess } from './support/processes.ts';

/** Issue 8, item 8: readiness, structured logs without secrets, graceful shutdown. */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe('/api/health and /api/ready', () => {
  it('health is liveness; ready checks the database and that every migration of this build is applied', async () => {
    const h = await env.app.inject({ method: 'GET', url: '/api/health' });
    expect(h.statusCode).toBe(200);
    const r = await env.app.inject({ method: 'GET', url: '/api/ready' });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ ready: true, database: 'ok', migrations: { missing: [] } });
    expect(body.migrations.expected).toBe(expectedMigrations().length);
    expect(body.migrations.applied).toBe(body.migrations.expected);
  });

  it('a missing migration makes the instance not ready (503, naming it)', async () => {
    const last = expectedMigrations().at(-1)!;
    await env.ctx.db.execute(sql`DELETE FROM drizzle.__drizzle_migrations WHERE created_at = ${last.when}`);
    const r = await env.app.inject({ method: 'GET', url: '/api/ready' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ ready: false, database: 'ok', migrations: { missing: [last.tag] } });
    // liveness stays green: the process is alive, only not ready for traffic
    expect((await env.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  });

  it('an unreachable database is reported', async () => {
    const broken = {
      ...env.ctx,
      db: { execute: () => Promise.reject(new Error('connection refused')) } as unknown as typeof env.ctx.db,
    };
    const r = await readiness(broken);
    expect(r).toMatchObject({ ready: false, database: 'unreachable', error: 'connection refused' });
  });
});

describe('structured logs', () => {
  it('every line is JSON with a request id; passwords, tokens and cookies never appear', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        cb();
      },
    });
    const app = await buildServer({ ctx: env.ctx, logger: { level: 'trace', stream } });
    try {
      const password = 'Very-Secret-Pa55word';
      const u = await addUser(env.ctx, { name: 'Log', email: 'log@test.local', password, role: 'manager' });
      expect(u.ok).toBe(true);
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'log@test.local', password },
        headers: { 'x-request-id': 'req-login-1' },
      });
      expect(login.statusCode).toBe(200);
      const token = login.json().token as string;
      const wrong = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'log@test.local', password: `${password}-wrong` },
      });
      expect(wrong.statusCode).toBe(401);
      await app.inject({
        method: 'GET',
        url: '/api/me',
        headers: { authorization: `Bearer ${token}`, cookie: `fairbase_session=${token}` },
      });
      await app.inject({ method: 'POST', url: '/api/me/password', payload: { currentPassword: password } });
      const all = lines.join('\n');
      expect(lines.length).toBeGreaterThan(4);
      expect(all).not.toContain(password);
      expect(all).not.toContain(token);
      const parsed = lines.map((l) => JSON.parse(l) as { reqId?: string; msg: string });
      const requestLines = parsed.filter(
        (p) => p.msg === 'incoming request' || p.msg === 'request completed',
      );
      expect(requestLines.length).toBeGreaterThanOrEqual(8);
      expect(requestLines.every((p) => typeof p.reqId === 'string' && p.reqId.length > 0)).toBe(true);
      expect(parsed.filter((p) => p.reqId === 'req-login-1').length).toBeGreaterThanOrEqual(2);
    } finally {
      await app.close();
    }
  });
});

describe('graceful shutdown', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fairbase-ops-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('SIGTERM: an in-flight request completes with 200, then the process exits 0', async () => {
    const server = await startServerProcess({
      FAIRBASE_DATA_DIR: join(dir, 'data'),
      FAIRBASE_ADMIN_EMAIL: 'boss@test.local',
      FAIRBASE_ADMIN_PASSWORD: 'boss-password-1',
    });
    const exitCode = new Promise<number | null>((r) => server.child.on('exit', (c) => r(c)));
    const url = new URL(server.url);
    const body = JSON.stringify({ email: 'boss@test.local', password: 'boss-password-1' });
    // A slow client: headers and half the body now, the rest after SIGTERM has been sent.
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: '/api/auth/login',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 700);
      }, 500);
    });
    const res = await answer;
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body).user.email).toBe('boss@test.local');
    expect(await exitCode).toBe(0);
  }, 180_000);
});
