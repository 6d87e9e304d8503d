import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../src/app/use-cases/load-demo.ts';
import { connect } from '../src/db/connect.ts';
import { createTestEnv, type TestEnv } from './helpers.ts';
import { answers } from './support/answers.ts';
import { runCliProcess } from './support/processes.ts';

/** Issue 8, item 7 on PostgreSQL: `fairbase backup` (pg_dump -Fc) → `fairbase restore` (pg_restore) into a new database. */
let env: TestEnv;
const dir = mkdtempSync(join(tmpdir(), 'fairbase-pgdump-'));
const target = `fb_restore_${process.pid}_${randomBytes(3).toString('hex')}`;
const admin = async (q: string) => {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  await c.query(q);
  await c.end();
};

beforeAll(async () => {
  if (!process.env.DATABASE_URL) throw new Error('this suite needs DATABASE_URL (PostgreSQL)');
  env = await createTestEnv();
  expect((await loadDemo(env.ctx, { clients: 120 })).ok).toBe(true);
}, 240_000);
afterAll(async () => {
  await env?.close();
  await admin(`DROP DATABASE IF EXISTS ${target} WITH (FORCE)`);
  rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore on PostgreSQL (pg_dump / pg_restore)', () => {
  it('the restored database answers the same; restoring over a populated one needs --force', async () => {
    const before = await answers(env.ctx.db);
    const file = join(dir, 'fairbase.dump');
    const b = await runCliProcess(['backup', file], { DATABASE_URL: env.databaseUrl! });
    expect(b.code, b.stderr).toBe(0);

    await admin(`CREATE DATABASE ${target}`);
    const u = new URL(env.databaseUrl!);
    u.pathname = `/${target}`;
    const r = await runCliProcess(['restore', file], { DATABASE_URL: u.toString() });
    expect(r.code, r.stderr).toBe(0);
    const restored = await connect({ databaseUrl: u.toString() });
    try {
      expect(await answers(restored.db)).toEqual(before);
    } finally {
      await restored.close();
    }
    const again = await runCliProcess(['restore', file], { DATABASE_URL: u.toString() });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('--force');
  }, 240_000);
});
