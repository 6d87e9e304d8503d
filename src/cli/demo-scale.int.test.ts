import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, ownershipVsLedger, type TestEnv } from '../../test/helpers.ts';
import { rows } from '../db/raw.ts';
import { runCli } from './main.ts';
import { bufferIo } from './output.ts';

/** `fairbase demo --bulk`: the set-based generator through the CLI, with its progress on stderr. */
let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});

afterAll(async () => {
  await env?.close();
});

describe('fairbase demo at scale', () => {
  it('takes --clients/--months/--managers/--touches, reports progress on stderr and the result on stdout', async () => {
    const io = bufferIo();
    const code = await runCli(
      ['demo', '--clients', '400', '--months', '6', '--managers', '3', '--touches', '2000', '--seed', '3'],
      io,
      { env: {}, server: env.ctx },
    );
    expect(code, io.stderr.join('\n')).toBe(0);
    expect(io.stderr.join('\n')).toMatch(/touches\s+\[#+\] 100%/);
    const out = io.stdout.join('\n');
    expect(out).toMatch(/demo loaded in [\d.]+ s: 400 clients/);
    expect(out).toContain('head@scale.radio-demo.ru');
    const [m] = await rows<{ n: number; first: Date }>(
      env.ctx.db,
      sql`SELECT (SELECT count(*)::int FROM users WHERE role = 'manager') AS n, (SELECT min(occurred_at) FROM touches) AS first`,
    );
    expect(Number(m!.n)).toBe(3);
    // Six months of history before the test clock's 2026-06-01.
    expect(new Date(m!.first).getTime()).toBeGreaterThanOrEqual(Date.parse('2025-12-01T00:00:00Z'));
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
    const bad = await runCli(['demo', '--clients', 'many'], bufferIo(), { env: {}, server: env.ctx });
    expect(bad).toBe(2);
  }, 300_000);
});
