import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestUser, call, createTestEnv, type Seller, type TestEnv } from '../../test/helpers.ts';
import { loadDemo } from '../app/use-cases/load-demo.ts';
import { runCli } from '../cli/main.ts';
import { bufferIo } from '../cli/output.ts';

let env: TestEnv;
let head: Seller;
let manager: Seller;

beforeAll(async () => {
  env = await createTestEnv();
  const demo = await loadDemo(env.ctx, { clients: 400, seed: 7 });
  if (!demo.ok) throw new Error(`demo: ${demo.code}`);
  head = await addTestUser(env, 'head');
  manager = await addTestUser(env, 'manager');
}, 300_000);

afterAll(async () => {
  await env?.close();
});

const simulate = (who: Seller, body: unknown) => call(env, who, 'POST', '/api/simulations', body);

describe('POST /api/simulations (C19) on the demo company', () => {
  it('"what if the expiry were 45 days instead of 60?": more clients expire under 45', async () => {
    const r = await simulate(head, { policy: { expiry: { noTouchDays: 45 } } });
    expect(r.status).toBe(200);
    const rep = r.body;
    expect(rep.changes).toEqual([{ path: 'expiry.noTouchDays', current: 60, candidate: 45 }]);
    expect(rep.candidate.expiry.noTouchDays).toBe(45);
    expect(rep.days).toBeGreaterThan(100);
    expect(rep.current.totals.expiries).toBeGreaterThanOrEqual(0);
    expect(rep.candidateRun.totals.expiries).toBeGreaterThan(rep.current.totals.expiries);
    // Every client that expires under 60 also expires under 45, and no later.
    for (const row of rep.expiredClients) {
      if (row.current) {
        expect(row.candidate).not.toBeNull();
        expect(row.candidate.at <= row.current.at).toBe(true);
      }
    }
    // Who gains / who loses: the managers' bases shrink or stay under the shorter expiry.
    const lost = rep.gains.reduce((s: number, g: { baseEnd: { delta: number } }) => s + g.baseEnd.delta, 0);
    expect(lost).toBeLessThan(0);
    expect(rep.candidateRun.caps.length).toBeGreaterThan(0);
    expect(rep.candidateRun.coverage.length).toBeGreaterThan(0);
  }, 120_000);

  it('the same policy gives the same report as the current one; the same input gives an identical report', async () => {
    const same = await simulate(head, {
      policy: { expiry: { noTouchDays: 60 } },
      from: '2026-03-01',
      to: '2026-05-31',
    });
    expect(same.status).toBe(200);
    expect(same.body.changes).toEqual([]);
    expect(same.body.candidateRun).toEqual(same.body.current);
    const a = await simulate(head, { policy: 'competition', from: '2026-03-01', to: '2026-05-31' });
    const b = await simulate(head, { policy: 'competition', from: '2026-03-01', to: '2026-05-31' });
    expect(a.status).toBe(200);
    expect(a.body.from).toBe('2026-03-01T00:00:00.000Z');
    expect(a.body.to).toBe('2026-05-31T00:00:00.000Z');
    expect(JSON.stringify(b.body)).toBe(JSON.stringify(a.body));
  }, 120_000);

  it.each([
    { body: { policy: { expiry: { noTouchDays: 'soon' } } }, field: 'body.policy.expiry.noTouchDays' },
    { body: { policy: { caps: { defaultCap: 0 } } }, field: 'body.policy.caps.defaultCap' },
    { body: { policy: 'wolves' }, field: 'body.policy' },
    { body: { policy: 'balanced', from: '2026-06-01', to: '2026-01-01' }, field: 'body.from' },
    { body: { policy: 'balanced', from: '2020-01-01', to: '2026-01-01' }, field: 'body.from' },
  ])('a bad input is a 400 naming $field', async ({ body, field }) => {
    const r = await simulate(head, body);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(r.body.error.details.issues.map((i: { path: string }) => i.path)).toContain(field);
  });

  it('only a head or an admin may simulate', async () => {
    expect((await simulate(manager, { policy: 'team' })).status).toBe(403);
  });
});

describe('fairbase simulate (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fairbase-sim-'));
  async function cli(...argv: string[]) {
    const io = bufferIo();
    const code = await runCli(argv, io, { env: {}, server: env.ctx });
    return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
  }

  it('a partial policy file: a readable summary, a progress bar, the full report in --out (as the API gives it)', async () => {
    const file = join(dir, 'expiry45.json');
    writeFileSync(file, JSON.stringify({ expiry: { noTouchDays: 45 } }));
    const out = join(dir, 'report.json');
    const r = await cli(
      'simulate',
      '--policy',
      file,
      '--from',
      '2026-03-01',
      '--to',
      '2026-05-31',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain('Changes: expiry.noTouchDays 60 → 45');
    expect(r.out).toContain('clients expired');
    expect(r.out).toContain('Who gains / who loses:');
    expect(r.err).toContain('simulate [##############################] 100%');
    const report = JSON.parse(readFileSync(out, 'utf8'));
    const api = await simulate(head, {
      policy: { expiry: { noTouchDays: 45 } },
      from: '2026-03-01',
      to: '2026-05-31',
    });
    expect(report).toEqual(api.body);
    expect(report.candidateRun.totals.expiries).toBeGreaterThan(report.current.totals.expiries);
  }, 120_000);

  it('--json prints the report; a bad policy names the field', async () => {
    const r = await cli(
      '--json',
      'simulate',
      '--policy',
      'team',
      '--from',
      '2026-05-01',
      '--to',
      '2026-05-31',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).candidate.preset).toBe('team');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ expiry: { noTouchDays: -1 } }));
    const b = await cli('simulate', '--policy', bad);
    expect(b.code).not.toBe(0);
    expect(b.err).toContain('policy.expiry.noTouchDays');
    const missing = await cli('simulate', '--policy', join(dir, 'nope.json'));
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('--policy');
  }, 120_000);
});
