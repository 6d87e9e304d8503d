import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addPoolClient,
  addTestUser,
  createTestEnv,
  ledgerRows,
  ownershipVsLedger,
  type Seller,
  T0,
  type TestEnv,
} from '../../test/helpers.ts';
import { currentSlot, parseSweepAt, tick } from '../app/scheduler.ts';
import { setPolicy } from '../app/use-cases/policy.ts';
import { presets } from '../core/policy/policy.ts';
import { runCli } from './main.ts';
import { bufferIo } from './output.ts';

const DAY = 86_400_000;
const iso = (days: number) => new Date(T0.getTime() + days * DAY).toISOString();

let env: TestEnv;
let head: Seller;
let anna: Seller;
const ids: number[] = [];

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head', { name: 'Head' });
  anna = await addTestUser(env, 'manager', { name: 'Anna' });
  expect((await setPolicy(env.ctx, presets.balanced, head.id, 'balanced')).ok).toBe(true);
  for (let i = 0; i < 7; i++) {
    const id = await addPoolClient(env, head, `sweep cli ${i}`);
    ids.push(id);
    await env.ctx.db.execute(
      sql`UPDATE ownership SET owner_id = ${anna.id}, since = ${T0.toISOString()} WHERE client_id = ${id}`,
    );
    await env.ctx.db.execute(
      sql`INSERT INTO ownership_events (client_id, line_id, type, from_manager_id, to_manager_id, actor, reason_code, rule, policy_version, occurred_at, details)
          SELECT ${id}, line_id, 'ClientClaimed', NULL, ${anna.id}, 'test', 'CLAIMED_FROM_POOL', 'R-CLAIM-1', 1, ${T0.toISOString()}, '{}'::jsonb
          FROM ownership WHERE client_id = ${id}`,
    );
  }
  await env.ctx.db.execute(
    sql`UPDATE ownership o SET last_event_id = (SELECT max(id) FROM ownership_events e WHERE e.client_id = o.client_id)`,
  );
});
afterAll(() => env.close());

async function cli(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, io, { env: {}, server: env.ctx });
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('fairbase sweep', () => {
  it('--dry-run at a given --now shows what would go, with a progress bar, and changes nothing', async () => {
    const r = await cli('--now', iso(60), 'sweep', '--dry-run', '--batch', '3');
    expect(r.code).toBe(0);
    expect(r.out).toContain('DRY RUN');
    expect(r.out).toContain('7 would go to the pool');
    expect(r.out).toContain('EXPIRED_NO_TOUCH');
    // 7 candidates in batches of 3: three steps of the bar.
    expect(r.err.split('\n').filter((l) => l.startsWith('sweep ['))).toEqual([
      'sweep [#############.................] 42% 3/7',
      'sweep [##########################....] 85% 6/7',
      'sweep [##############################] 100% 7/7',
    ]);
    expect((await ledgerRows(env, ids[0])).some((e) => e.type === 'ClientExpired')).toBe(false);
  });

  it('a bad --now is a usage error naming the option', async () => {
    const r = await cli('--now', 'yesterday', 'sweep');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--now');
  });

  it('warns first (JSON), then moves the clients to the pool; a second run changes nothing', async () => {
    const warn = await cli('--now', iso(50), '--json', 'sweep');
    expect(JSON.parse(warn.out).warned).toHaveLength(7);
    const r = await cli('--now', iso(60), '--json', 'sweep');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.expired).toHaveLength(7);
    expect(report.expired[0]).toMatchObject({
      ownerId: anna.id,
      rule: 'R-EXP-1',
      reasonCode: 'EXPIRED_NO_TOUCH',
    });
    const again = JSON.parse((await cli('--now', iso(60), '--json', 'sweep')).out);
    expect(again.expired).toEqual([]);
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
  });

  it('extend and caps review: role and input errors come with exit codes', async () => {
    const ext = await cli('extend', String(ids[0]), '--as', anna.email, '--until', iso(200), '--reason', 'x');
    expect(ext.code).toBe(5); // ROLE_NOT_ALLOWED: only a head
    const bad = await cli('extend', String(ids[0]), '--as', head.email, '--until', 'soon', '--reason', 'x');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--until');
    const pool = await cli(
      'extend',
      String(ids[0]),
      '--as',
      head.email,
      '--until',
      iso(200),
      '--reason',
      'x',
    );
    expect(pool.code).toBe(14); // CLIENT_IN_POOL: it expired above
    const caps = await cli('caps', 'review', '--dry-run');
    expect(caps.code).toBe(0);
    expect(caps.out).toContain('not applied');
    expect(caps.out).toContain('Anna');
  });
});

describe('the nightly schedule', () => {
  it('parses FAIRBASE_SWEEP_AT and names the slot by the local date', () => {
    expect(parseSweepAt(undefined)).toBe('02:00');
    expect(parseSweepAt('off')).toBeNull();
    expect(() => parseSweepAt('25:00')).toThrow(/FAIRBASE_SWEEP_AT/);
    const before = new Date(2026, 5, 10, 1, 59);
    const after = new Date(2026, 5, 10, 2, 0);
    expect(currentSlot(before, '02:00').slot).toBe('2026-06-09');
    expect(currentSlot(after, '02:00').slot).toBe('2026-06-10');
  });

  it('runs a slot once: the second tick of the same night does nothing', async () => {
    env.clock.set(new Date(T0.getTime() + 300 * DAY));
    const first = await tick(env.ctx, '02:00');
    expect(first).not.toBeNull();
    expect(await tick(env.ctx, '02:00')).toBeNull();
    const runs = await env.ctx.db.execute(sql`SELECT job, finished_at FROM job_runs WHERE job = 'sweep'`);
    const list = (runs as unknown as { rows: { finished_at: string | null }[] }).rows;
    expect(list).toHaveLength(1);
    expect(list[0]!.finished_at).not.toBeNull();
  });
});

describe('fairbase dispute and handover', () => {
  it('a manager asks for a client by hand, a head decides it from the command line', async () => {
    env.clock.set(new Date(T0.getTime() + 400 * DAY));
    const boris = await addTestUser(env, 'manager', { name: 'Boris' });
    const c = await addPoolClient(env, head, 'CLI dispute');
    await env.ctx.db.execute(
      sql`UPDATE ownership SET owner_id = ${anna.id}, since = ${iso(400)} WHERE client_id = ${c}`,
    );
    const bad = await cli('dispute', 'open', String(c), '--as', anna.email, '--reason', 'x');
    expect(bad.code).toBe(12); // ALREADY_OWNER
    const open = await cli(
      '--json',
      'dispute',
      'open',
      String(c),
      '--as',
      boris.email,
      '--reason',
      'знаю директора',
    );
    expect(open.code).toBe(0);
    const id = JSON.parse(open.out).id as number;
    const list = await cli('dispute', 'list', '--status', 'open');
    expect(list.out).toContain('CLI dispute');
    expect(
      (
        await cli(
          'dispute',
          'decide',
          String(id),
          '--as',
          head.email,
          '--resolution',
          'maybe',
          '--comment',
          'x',
        )
      ).code,
    ).toBe(2);
    const split = await cli(
      '--json',
      'dispute',
      'decide',
      String(id),
      '--as',
      head.email,
      '--resolution',
      'split',
      '--owner-share',
      '25',
      '--comment',
      'пополам не честно',
    );
    expect(split.code).toBe(0);
    expect(JSON.parse(split.out)).toMatchObject({
      resolution: 'split',
      shares: [{ bps: 2500 }, { bps: 7500 }],
    });
  });

  it('previews a handover without changing anything, then applies it', async () => {
    const preview = await cli('handover', anna.email, '--as', head.email, '--kind', 'left');
    expect(preview.code).toBe(0);
    expect(preview.out).toContain('PREVIEW');
    const applied = await cli(
      '--json',
      'handover',
      anna.email,
      '--as',
      head.email,
      '--kind',
      'left',
      '--apply',
    );
    expect(applied.code).toBe(0);
    const id = JSON.parse(applied.out).handoverId as number;
    expect(id).toBeGreaterThan(0);
    expect((await cli('handover-show', String(id))).code).toBe(0);
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
  });
});
