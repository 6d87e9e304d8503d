import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_DUPLICATES_MAX, liveDuplicatesMax, runDuplicateScan } from '../app/identity/duplicate-scan.ts';
import { reviewBase } from '../app/identity/review.ts';
import { tick } from '../app/scheduler.ts';
import { rows } from '../db/raw.ts';
import { addTestUser, call, createTestEnv, type Seller, type TestEnv } from '../../test/helpers.ts';

/**
 * C23 on a large base: likely duplicates come from a stored scan (nightly, or a head's request)
 * instead of clustering the base on every review. `liveDuplicatesMax: 0` makes this small base
 * count as large.
 */
let env: TestEnv;
let head: Seller;
let m: Seller;
const ids = { unix: 0, twin: 0, other: 0 };

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head');
  m = await addTestUser(env, 'manager');
  const make = async (body: Record<string, unknown>) => {
    const r = await call(env, head, 'POST', '/api/clients', { claim: false, ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as number;
  };
  ids.unix = await make({
    displayName: 'Юникс',
    legalEntities: [{ name: 'ООО «Юникс»', inn: '7707083893' }],
  });
  ids.twin = await make({
    displayName: 'Юникс (дубль)',
    legalEntities: [{ name: 'ООО «Юникс»', inn: '7707083893' }],
    force: true,
    forceReason: 'scan test',
  });
  ids.other = await make({ displayName: 'Феникс' });
});
afterAll(() => env.close());

const review = () => reviewBase(env.ctx.db, { now: env.ctx.clock(), liveDuplicatesMax: 0 });

describe('likely duplicates of a large base: a stored scan', () => {
  it('FAIRBASE_LIVE_DUPLICATES_MAX: a whole number, or the default; anything else names the variable', () => {
    expect(liveDuplicatesMax({})).toBe(LIVE_DUPLICATES_MAX);
    expect(liveDuplicatesMax({ FAIRBASE_LIVE_DUPLICATES_MAX: '0' })).toBe(0);
    expect(liveDuplicatesMax({ FAIRBASE_LIVE_DUPLICATES_MAX: '20000' })).toBe(20_000);
    expect(() => liveDuplicatesMax({ FAIRBASE_LIVE_DUPLICATES_MAX: '5k' })).toThrow(
      /FAIRBASE_LIVE_DUPLICATES_MAX/,
    );
  });

  it('a small base is clustered live on every review', async () => {
    const r = await reviewBase(env.ctx.db, { now: env.ctx.clock() });
    expect(r.duplicateScan).toEqual({
      source: 'live',
      scannedAt: null,
      scanRunningSince: null,
      scanProblem: null,
    });
    expect(r.likelyDuplicates.map((g) => g.clients)).toEqual([[ids.unix, ids.twin]]);
  });

  it('a large base shows nothing until scanned, then the scan with its time', async () => {
    const before = await review();
    expect(before.duplicateScan.source).toBe('none');
    expect(before.likelyDuplicates).toEqual([]);
    expect(before.counts.likelyDuplicates).toBe(0);

    const summary = await runDuplicateScan(env.ctx, '2026-06-01');
    expect(summary).toMatchObject({ clients: 3, total: 1 });
    // The slot is taken: a second instance does not scan again.
    expect(await runDuplicateScan(env.ctx, '2026-06-01')).toBeNull();

    const after = await review();
    expect(after.duplicateScan).toEqual({
      source: 'scan',
      scannedAt: env.ctx.clock(),
      scanRunningSince: null,
      scanProblem: null,
    });
    expect(after.likelyDuplicates).toEqual([
      expect.objectContaining({
        clients: [ids.unix, ids.twin],
        reasons: expect.arrayContaining(['same ИНН']),
      }),
    ]);
    expect(after.counts.likelyDuplicates).toBe(1);
  });

  it('a head asks for a scan now: 202, one at a time; managers cannot', async () => {
    expect((await call(env, m, 'POST', '/api/review/duplicate-scan')).status).toBe(403);
    // A scan started elsewhere and still running: no second one.
    const since = new Date(env.ctx.clock().getTime() - 60_000);
    await env.ctx.db.execute(
      sql`INSERT INTO job_runs (job, slot, started_at) VALUES ('duplicate_scan', 'elsewhere', ${since.toISOString()})`,
    );
    const busy = await call(env, head, 'POST', '/api/review/duplicate-scan');
    expect(busy.status).toBe(202);
    expect(busy.body).toEqual({ started: false, runningSince: since.toISOString() });
    expect((await review()).duplicateScan.scanRunningSince).toEqual(since);
    await env.ctx.db.execute(sql`DELETE FROM job_runs WHERE slot = 'elsewhere'`);

    const r = await call(env, head, 'POST', '/api/review/duplicate-scan');
    expect(r.status).toBe(202);
    expect(r.body.started).toBe(true);
    // It runs after the answer; wait for its row to finish.
    for (let i = 0; i < 200; i++) {
      const [run] = await rows<{ finished_at: Date | null }>(
        env.ctx.db,
        sql`SELECT finished_at FROM job_runs WHERE job = 'duplicate_scan' AND slot LIKE 'manual-%'`,
      );
      if (run?.finished_at) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const [done] = await rows<{ summary: { total: number } }>(
      env.ctx.db,
      sql`SELECT summary FROM job_runs WHERE job = 'duplicate_scan' AND slot LIKE 'manual-%'`,
    );
    expect(done?.summary.total).toBe(1);
  });

  it('a base too large for the heap is not scanned: the review keeps the last scan and says why', async () => {
    expect(await runDuplicateScan(env.ctx, 'huge', { bytesPerClient: 1e15 })).toBeNull();
    const r = await review();
    expect(r.duplicateScan.source).toBe('scan');
    expect(r.duplicateScan.scanProblem).toEqual({
      code: 'BASE_TOO_LARGE',
      clients: 3,
      heapLimitMb: expect.any(Number),
    });
    expect(r.likelyDuplicates).toHaveLength(1);
    // A later scan that succeeds clears it.
    await runDuplicateScan(env.ctx, 'after-huge');
    expect((await review()).duplicateScan.scanProblem).toBeNull();
  });

  it('clients merged since the scan drop out of it', async () => {
    const merged = await call(env, head, 'POST', `/api/clients/${ids.unix}/merge`, {
      otherClientId: ids.twin,
    });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    const r = await review();
    expect(r.duplicateScan.source).toBe('scan');
    expect(r.likelyDuplicates).toEqual([]);
    expect(r.counts.likelyDuplicates).toBe(0);
  });

  it('the nightly tick does not scan a small base (its review clusters live)', async () => {
    const scans = async () =>
      (
        await rows<{ n: number }>(
          env.ctx.db,
          sql`SELECT count(*)::int AS n FROM job_runs WHERE job = 'duplicate_scan'`,
        )
      )[0]!.n;
    const before = await scans();
    await tick(env.ctx, '02:00');
    expect(await scans()).toBe(before);
  });
});
