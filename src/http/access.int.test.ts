import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../core/ownership/types.ts';
import {
  addPoolClient,
  addTestUser,
  call,
  createTestEnv,
  type Seller,
  type TestEnv,
} from '../../test/helpers.ts';

let env: TestEnv;
const who: Partial<Record<Role, Seller>> = {};

beforeAll(async () => {
  env = await createTestEnv();
  for (const r of ['manager', 'head', 'admin'] as const) who[r] = await addTestUser(env, r);
});
afterAll(() => env.close());

/** Every route × every role (R-AUTH-1): anonymous gets 401, a role outside the route's list gets 403, others pass the gate. */
describe('every route declares its roles and the gate enforces them (R-AUTH-1)', () => {
  it('walks every route', async () => {
    const routes = [...env.app.routeAccess.entries()];
    expect(routes.length).toBeGreaterThan(25);
    const client = await addPoolClient(env, who.head!);
    const checked: string[] = [];
    for (const [key, access] of routes) {
      const [method, path] = key.split(' ') as [string, string];
      const url = path.replace(':partId', '1').replace(':id', String(client));
      // Signing out is tested below; here it would end the sessions the walk uses.
      // Likewise revoking sessions (tested in security.int.test.ts).
      const endsSessions = [
        'POST /api/auth/logout',
        'POST /api/auth/sessions/revoke-all',
        'POST /api/users/:id/sessions/revoke',
      ];
      if (access === 'public' || endsSessions.includes(key)) continue;
      const anon = await call(
        env,
        null,
        method,
        url,
        method === 'GET' || method === 'DELETE' ? undefined : {},
      );
      if (access === 'ops') {
        expect(anon.status, key).toBe(403);
        continue;
      }
      expect(anon.status, `${key} anonymous`).toBe(401);
      if (access === 'telephony') {
        // Machines only (C18): a user's session is not an API token, whatever the role.
        for (const role of ['manager', 'head', 'admin'] as const) {
          const r = await call(env, who[role]!, method, url);
          expect(r.status, `${key} as ${role} (session)`).toBe(401);
          checked.push(`${key} ${role}`);
        }
        continue;
      }
      for (const role of ['manager', 'head', 'admin'] as const) {
        const r = await call(
          env,
          who[role]!,
          method,
          url,
          method === 'GET' || method === 'DELETE' ? undefined : {},
        );
        if (access.includes(role))
          expect(
            [401, 403].includes(r.status) && r.body?.error?.code === 'FORBIDDEN',
            `${key} as ${role}: ${r.status}`,
          ).toBe(false);
        else expect(r.status, `${key} as ${role}`).toBe(403);
        checked.push(`${key} ${role}`);
      }
    }
    expect(checked.length).toBeGreaterThan(75);
  });

  it('signs in with a cookie (HttpOnly, SameSite=Lax), reads /api/me, signs out', async () => {
    const admin = who.admin!;
    const bad = await call(env, null, 'POST', '/api/auth/login', {
      email: admin.email,
      password: 'nope-nope',
    });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('INVALID_CREDENTIALS');
    const r = await env.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: admin.email, password: 'password-123' },
    });
    expect(r.statusCode).toBe(200);
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/fairbase_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const value = cookie.split(';')[0]!;
    const me = await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: value } });
    expect(JSON.parse(me.body)).toMatchObject({ id: admin.id, role: 'admin' });
    await env.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: value } });
    const after = await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: value } });
    expect(after.statusCode).toBe(401);
  });

  it('a user who left is signed out and cannot sign in', async () => {
    const m = await addTestUser(env, 'manager');
    const r = await call(env, who.admin!, 'PATCH', `/api/users/${m.id}`, { status: 'left' });
    expect(r.status).toBe(200);
    expect((await call(env, m, 'GET', '/api/me')).status).toBe(401);
    expect(
      (await call(env, null, 'POST', '/api/auth/login', { email: m.email, password: 'password-123' })).status,
    ).toBe(401);
  });

  it('serves the OpenAPI document and health without sign-in', async () => {
    const doc = await call(env, null, 'GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/api/clients/{id}/claim');
    expect((await call(env, null, 'GET', '/api/health')).body).toMatchObject({ status: 'ok' });
  });
});
