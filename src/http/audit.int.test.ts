import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../app/audit.ts';
import { presets } from '../core/policy/policy.ts';
import { rows } from '../db/raw.ts';
import { bufferIo } from '../cli/output.ts';
import { runCli } from '../cli/main.ts';
import { addTestUser, call, createTestEnv, relogin, type Seller, type TestEnv } from '../../test/helpers.ts';

/** Issue 8, item 6: head and admin actions land in an append-only audit log with actor, time, before/after. */
let env: TestEnv;
let admin: Seller;
let head: Seller;
let manager: Seller;

beforeAll(async () => {
  env = await createTestEnv();
  admin = await addTestUser(env, 'admin', { name: 'Админ' });
  head = await addTestUser(env, 'head', { name: 'Руководитель' });
  manager = await addTestUser(env, 'manager', { name: 'Менеджер' });
});
afterAll(() => env.close());

async function auditOf(query: string) {
  const r = await call(env, admin, 'GET', `/api/audit?${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.items as any[];
}

describe('audit records', () => {
  it('a policy change: actor, time, the previous and the new version', async () => {
    const r = await call(env, head, 'PUT', '/api/policy', { policy: presets.competition, note: 'тест' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const [rec] = await auditOf('action=policy.set');
    expect(rec.actorId).toBe(head.id);
    expect(rec.actorName).toBe('Руководитель');
    expect(rec.at).toBe(env.clock.now.toISOString());
    expect(rec.targetType).toBe('policy');
    expect(rec.targetId).toBe(String(r.body.version));
    expect(rec.after.version).toBe(r.body.version);
    expect(rec.after.note).toBe('тест');
    expect(rec.before.version).toBe(r.body.version - 1);
  });

  it('user changes: create, role, status, cap override (before/after), password reset without the secret', async () => {
    const created = await call(env, admin, 'POST', '/api/users', {
      name: 'Новый',
      email: 'new-audit@test.local',
      password: 'secret-password-1',
      role: 'manager',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(
      (await call(env, admin, 'PATCH', `/api/users/${id}`, { role: 'head', capOverride: 40 })).status,
    ).toBe(200);
    expect((await call(env, admin, 'PATCH', `/api/users/${id}`, { status: 'on_leave' })).status).toBe(200);
    expect(
      (await call(env, admin, 'PATCH', `/api/users/${id}`, { password: 'another-secret-2' })).status,
    ).toBe(200);
    const recs = await auditOf(`targetType=user&targetId=${id}`);
    expect(recs.map((r) => r.action)).toEqual([
      'user.password_reset',
      'user.update',
      'user.update',
      'user.create',
    ]);
    expect(recs.every((r) => r.actorId === admin.id)).toBe(true);
    expect(recs[2].before).toEqual({ role: 'manager', capOverride: null });
    expect(recs[2].after).toEqual({ role: 'head', capOverride: 40 });
    expect(recs[1].before).toEqual({ status: 'active' });
    expect(recs[1].after).toEqual({ status: 'on_leave' });
    const text = JSON.stringify(recs);
    expect(text).not.toContain('secret-password-1');
    expect(text).not.toContain('another-secret-2');
    expect(text).not.toContain('argon2');
  });

  it('token create and revoke, and session revocation by an admin', async () => {
    const t = await call(env, head, 'POST', '/api/tokens', { name: 'АТС', scope: 'telephony' });
    expect(t.status).toBe(201);
    expect((await call(env, head, 'DELETE', `/api/tokens/${t.body.id}`)).status).toBe(200);
    // revoking again writes no second record
    expect((await call(env, head, 'DELETE', `/api/tokens/${t.body.id}`)).status).toBe(200);
    const recs = await auditOf(`targetType=api_token&targetId=${t.body.id}`);
    expect(recs.map((r) => r.action)).toEqual(['token.revoke', 'token.create']);
    expect(recs[1].after).toEqual({ name: 'АТС', scope: 'telephony' });
    expect(JSON.stringify(recs)).not.toContain(t.body.token);
    expect((await call(env, admin, 'POST', `/api/users/${manager.id}/sessions/revoke`)).status).toBe(200);
    const [s] = await auditOf(`action=sessions.revoke_all&targetId=${manager.id}`);
    expect(s.actorId).toBe(admin.id);
    expect(s.after).toEqual({ revoked: 1 });
  });

  it('the hook for other features: audit(ex, …) inside their transaction commits or rolls back with it', async () => {
    await env.ctx.db.transaction(async (tx) => {
      await audit(tx, {
        at: env.clock.now,
        actor: { id: head.id },
        action: 'import.apply',
        target: { type: 'import', id: 7 },
        after: { rows: 3, token: 'must-not-be-stored' },
      });
    });
    await env.ctx.db
      .transaction(async (tx) => {
        await audit(tx, {
          at: env.clock.now,
          actor: { id: head.id },
          action: 'import.apply',
          target: { type: 'import', id: 8 },
        });
        throw new Error('rollback');
      })
      .catch(() => {});
    const recs = await auditOf('action=import.apply');
    expect(recs.map((r) => r.targetId)).toEqual(['7']);
    expect(recs[0].after).toEqual({ rows: 3, token: '[redacted]' });
  });
});

describe('append-only', () => {
  it('UPDATE, DELETE and TRUNCATE of audit_log are refused by the database', async () => {
    const before = await rows<{ n: number }>(env.ctx.db, sql`SELECT count(*)::int AS n FROM audit_log`);
    expect(before[0]!.n).toBeGreaterThan(0);
    const refusal = (q: ReturnType<typeof sql>) =>
      env.ctx.db.execute(q).then(
        () => 'allowed',
        (e: Error & { cause?: Error }) => String(e.cause?.message ?? e.message),
      );
    expect(await refusal(sql`UPDATE audit_log SET action = 'x'`)).toMatch(/append-only: UPDATE/);
    expect(await refusal(sql`DELETE FROM audit_log`)).toMatch(/append-only: DELETE/);
    expect(await refusal(sql`TRUNCATE audit_log`)).toMatch(/append-only: TRUNCATE/);
    const after = await rows<{ n: number }>(env.ctx.db, sql`SELECT count(*)::int AS n FROM audit_log`);
    expect(after[0]!.n).toBe(before[0]!.n);
  });
});

describe('GET /api/audit', () => {
  it('admin and head may read; a manager may not; anonymous is 401', async () => {
    expect((await call(env, head, 'GET', '/api/audit')).status).toBe(200);
    manager = await relogin(env, manager);
    expect((await call(env, manager, 'GET', '/api/audit')).status).toBe(403);
    expect((await call(env, null, 'GET', '/api/audit')).status).toBe(401);
  });

  it('filters by actor and time, pages newest first without gaps or repeats', async () => {
    const all = await auditOf('limit=500');
    expect(all.length).toBeGreaterThanOrEqual(8);
    const ids = all.map((r) => r.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const paged: number[] = [];
    let cursor: number | null = null;
    do {
      const r = await call(env, admin, 'GET', `/api/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...r.body.items.map((x: { id: number }) => x.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(ids);
    const byHead = await auditOf(`actor=${head.id}`);
    expect(byHead.length).toBeGreaterThan(0);
    expect(byHead.every((r) => r.actorId === head.id)).toBe(true);
    const future = new Date(env.clock.now.getTime() + 86_400_000).toISOString();
    expect(await auditOf(`from=${encodeURIComponent(future)}`)).toEqual([]);
    const bad = await call(env, admin, 'GET', '/api/audit?from=yesterday');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('querystring.from');
  });
});

describe('fairbase audit (CLI)', () => {
  async function cli(...argv: string[]) {
    const io = bufferIo();
    const code = await runCli(argv, io, { env: {}, server: env.ctx });
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  }

  it('lists records; a CLI change is recorded with actor "cli"', async () => {
    const r = await cli('user', 'set-role', manager.email, 'head');
    expect(r.code, r.err).toBe(0);
    const list = await cli('audit', '--action', 'user.update', '--limit', '1');
    expect(list.code, list.err).toBe(0);
    expect(list.out).toContain('user.update');
    expect(list.out).toContain(`user:${manager.id}`);
    expect(list.out).toContain('cli');
    const json = await cli('--json', 'audit', '--actor', head.email);
    expect(JSON.parse(json.out).every((x: { actorId: number }) => x.actorId === head.id)).toBe(true);
    const bad = await cli('audit', '--since', 'never');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--since');
  });
});
