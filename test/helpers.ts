import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { bootstrap } from '../src/app/bootstrap.ts';
import type { AppContext } from '../src/app/context.ts';
import { createClient } from '../src/app/use-cases/create-client.ts';
import { addUser, login, type PublicUser } from '../src/app/use-cases/users.ts';
import type { Role } from '../src/core/ownership/types.ts';
import { connect, type Database } from '../src/db/connect.ts';
import { migrate } from '../src/db/migrate.ts';
import { rows } from '../src/db/raw.ts';
import { type App, buildServer } from '../src/http/server.ts';
import { sql } from 'drizzle-orm';

export const T0 = new Date('2026-06-01T09:00:00Z');
const DAY = 86_400_000;

/** A clock tests move by hand. */
export class TestClock {
  now = new Date(T0);
  set(d: Date) {
    this.now = new Date(d);
  }
  advanceDays(days: number) {
    this.now = new Date(this.now.getTime() + days * DAY);
  }
}

export type TestEnv = {
  database: Database;
  ctx: AppContext;
  clock: TestClock;
  app: App;
  /** The PostgreSQL URL of this file's database (PostgreSQL runs only). */
  databaseUrl: string | null;
  close(): Promise<void>;
};

/** A fresh database per test file: a copy of the migrated PGlite template, or a new database on the PostgreSQL server when DATABASE_URL is set. */
export async function createTestEnv(): Promise<TestEnv> {
  const url = process.env.DATABASE_URL;
  let database: Database;
  let dropDb: (() => Promise<void>) | null = null;
  let databaseUrl: string | null = null;
  if (url) {
    const name = `fb_t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
    database = await connect({ databaseUrl, poolSize: 60 });
    dropDb = async () => {
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    };
  } else {
    const blob = new Blob([readFileSync(inject('pgliteTemplate'))]);
    database = await connect({ loadDataDir: blob });
  }
  await migrate(database);
  const clock = new TestClock();
  const ctx: AppContext = { db: database.db, dbKind: database.kind, clock: () => new Date(clock.now) };
  await bootstrap(ctx, { createAdmin: false });
  const app = await buildServer({ ctx });
  return {
    database,
    ctx,
    clock,
    app,
    databaseUrl,
    close: async () => {
      await app.close();
      await database.close();
      await dropDb?.();
    },
  };
}

export type Seller = PublicUser & { token: string };

let seq = 0;
export async function addTestUser(
  env: TestEnv,
  role: Role,
  opts: { name?: string; hiredDaysAgo?: number; status?: 'active' | 'on_leave' | 'left' } = {},
): Promise<Seller> {
  seq += 1;
  const email = `${role}${seq}-${randomBytes(3).toString('hex')}@test.local`;
  const password = 'password-123';
  const hiredAt = new Date(env.clock.now.getTime() - (opts.hiredDaysAgo ?? 365) * DAY);
  const res = await addUser(env.ctx, { name: opts.name ?? `${role} ${seq}`, email, password, role, hiredAt });
  if (!res.ok) throw new Error(`addUser: ${res.code}`);
  const session = await login(env.ctx, email, password, null);
  if (!session.ok) throw new Error(`login: ${session.code}`);
  if (opts.status && opts.status !== 'active') {
    await env.ctx.db.execute(sql`UPDATE users SET status = ${opts.status} WHERE id = ${res.value.id}`);
  }
  return { ...res.value, token: session.value.token };
}

/** A client in the pool (created by the given head or manager without claiming). */
export async function addPoolClient(
  env: TestEnv,
  creator: Seller,
  name = `Client ${++seq}`,
): Promise<number> {
  const res = await createClient(env.ctx, {
    actor: { kind: 'user', id: creator.id, role: creator.role },
    displayName: name,
    claim: false,
  });
  if (!res.ok) throw new Error(`createClient: ${res.code}`);
  return res.value.id;
}

export type Res = { status: number; body: any };

/** Call the HTTP API as a user (Bearer token), or anonymously. */
export async function call(
  env: TestEnv,
  who: Seller | null,
  method: string,
  url: string,
  payload?: unknown,
): Promise<Res> {
  const r = await env.app.inject({
    method: method as 'GET',
    url,
    headers: who ? { authorization: `Bearer ${who.token}` } : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : null };
}

export async function ledgerRows(env: TestEnv, clientId?: number) {
  return rows<{
    id: number;
    type: string;
    client_id: number;
    line_id: number;
    from_manager_id: number | null;
    to_manager_id: number | null;
    actor: string;
    reason_code: string;
    rule: string;
    policy_version: number;
  }>(
    env.ctx.db,
    clientId === undefined
      ? sql`SELECT * FROM ownership_events ORDER BY id`
      : sql`SELECT * FROM ownership_events WHERE client_id = ${clientId} ORDER BY id`,
  );
}

/** Compare ownership to the fold of the ledger (R-LEDGER-1); returns the mismatching (client, line) keys. */
export async function ownershipVsLedger(ex: AppContext['db']): Promise<string[]> {
  const bad = await rows<{ client_id: number; line_id: number }>(
    ex,
    sql`SELECT o.client_id, o.line_id FROM ownership o
        LEFT JOIN LATERAL (SELECT to_manager_id FROM ownership_events e
          WHERE e.client_id = o.client_id AND e.line_id = o.line_id ORDER BY e.id DESC LIMIT 1) last ON true
        WHERE o.owner_id IS DISTINCT FROM last.to_manager_id`,
  );
  return bad.map((b) => `${b.client_id}:${b.line_id}`);
}

/** A new session for a test user at the test clock's current time (sessions expire after 30 days). */
export async function relogin(env: TestEnv, user: Seller): Promise<Seller> {
  const session = await login(env.ctx, user.email, 'password-123', null);
  if (!session.ok) throw new Error(`login: ${session.code}`);
  return { ...user, token: session.value.token };
}
