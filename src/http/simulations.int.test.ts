import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestUser, call, createTestEnv, type Seller, type TestEnv } from '../../test/helpers.ts';
import { loadDemo } from '../app/use-cases/load-demo.ts';

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
    { body: { policy: { expiry: { noTouchDays: 'soon' } } }, field: 'policy.expiry.noTouchDays' },
    { body: { policy: { caps: { defaultCap: 0 } } }, field: 'policy.caps.defaultCap' },
    { body: { policy: 'wolves' }, field: 'policy' },
    { body: { policy: 'balanced', from: '2026-06-01', to: '2026-01-01' }, field: 'from' },
    { body: { policy: 'balanced', from: '2020-01-01', to: '2026-01-01' }, field: 'from' },
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
