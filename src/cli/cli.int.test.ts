import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../db/raw.ts';
import {
  addTestUser,
  createTestEnv,
  ledgerRows,
  ownershipVsLedger,
  type TestEnv,
} from '../../test/helpers.ts';
import { bufferIo } from './output.ts';
import { runCli } from './main.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

/** The CLI as it runs inside a server (the same path a forwarded command takes). */
async function cli(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, io, { env: {}, server: env.ctx });
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('fairbase CLI', () => {
  it('loads the demo company, whose ledger explains every owner', async () => {
    const r = await cli('demo', '--clients', '300', '--json');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.clients).toBe(300);
    expect(res.users.filter((u: { role: string }) => u.role === 'manager')).toHaveLength(8);
    expect(res.events).toBeGreaterThan(150);
    expect(await ownershipVsLedger(env.ctx.db)).toEqual([]);
    // Touches and deals came with it, stored as counted, none in the future.
    expect(res.touches).toBeGreaterThan(300);
    expect(res.deals).toBeGreaterThan(5);
    const [stored] = await rows<{ touches: number; deals: number; future: number; won: number }>(
      env.ctx.db,
      sql`SELECT (SELECT count(*)::int FROM touches) AS touches, (SELECT count(*)::int FROM deals) AS deals,
            (SELECT count(*)::int FROM touches WHERE occurred_at > ${env.clock.now}) AS future,
            (SELECT count(*)::int FROM deals WHERE stage = 'won' AND won_at IS NOT NULL) AS won`,
    );
    expect(stored).toMatchObject({ touches: res.touches, deals: res.deals, future: 0 });
    expect(stored!.won).toBeGreaterThan(0);
    const again = await cli('demo', '--clients', '10');
    expect(again.code).toBe(6);
    expect(again.err).toContain('CONFLICT');
  });

  it('claims, releases and transfers for scripting, with exit codes from the rejection table', async () => {
    const m = await addTestUser(env, 'manager');
    const head = await addTestUser(env, 'head');
    const pool = await env.app.inject({
      method: 'GET',
      url: '/api/pool?limit=2',
      headers: { authorization: `Bearer ${m.token}` },
    });
    const [a, b] = JSON.parse(pool.body).items.map((i: { id: number }) => String(i.id));
    expect((await cli('claim', a, '--as', m.email)).code).toBe(0);
    const twice = await cli('claim', a, '--as', String(m.id));
    expect(twice.code).toBe(12);
    expect(twice.err).toContain('ALREADY_OWNER');
    expect((await cli('transfer', a, '--as', m.email, '--to', head.email, '--reason', 'x')).code).toBe(5);
    const xfer = await cli(
      'transfer',
      b,
      '--as',
      head.email,
      '--to',
      m.email,
      '--reason',
      'key account',
      '--json',
    );
    expect(xfer.code).toBe(0);
    expect(JSON.parse(xfer.out).events[0]).toMatchObject({ reasonCode: 'HEAD_TRANSFER', toManagerId: m.id });
    expect((await cli('release', a, '--as', m.email, '--reason', 'не наш профиль')).code).toBe(0);
    expect((await ledgerRows(env, Number(a))).map((e) => e.type)).toEqual([
      'ClientClaimed',
      'ClientReleased',
    ]);
    expect((await cli('claim', 'abc', '--as', m.email)).code).toBe(2);
  });

  it('manages users and the policy', async () => {
    const add = await cli('user', 'add', '--name', 'Ольга', '--email', 'olga@radio.ru', '--role', 'manager');
    expect(add.code).toBe(0);
    expect(add.out).toMatch(/password: \S{8,}/);
    expect((await cli('user', 'set-role', 'olga@radio.ru', 'head')).code).toBe(0);
    expect((await cli('user', 'set-status', 'olga@radio.ru', 'gone')).code).toBe(2);
    const pw = await cli('user', 'set-password', 'olga@radio.ru', '--password', 'new-secret-1');
    expect(pw.code).toBe(0);
    const { login } = await import('../app/use-cases/users.ts');
    expect((await login(env.ctx, 'olga@radio.ru', 'new-secret-1', null)).ok).toBe(true);
    expect((await cli('user', 'set-password', 'olga@radio.ru', '--password', 'short')).code).toBe(2);
    expect((await cli('user', 'list')).out).toMatch(/olga@radio\.ru\s+head/);
    const preset = await cli('policy', 'preset', 'competition');
    expect(preset.code).toBe(0);
    expect(JSON.parse((await cli('policy', 'show')).out).policy.caps.defaultCap).toBe(150);
    expect((await cli('policy', 'preset', 'wolves')).code).toBe(2);
  });
});

describe('fairbase lookup, merge, reindex', () => {
  it('finds a demo client by a fragment of its name, and rebuilds the index', async () => {
    const pool = await env.app.inject({
      method: 'GET',
      url: '/api/clients?limit=1',
      headers: { authorization: `Bearer ${(await addTestUser(env, 'head')).token}` },
    });
    const first = JSON.parse(pool.body).items[0] as { id: number; displayName: string };
    const word = first.displayName.split(/\s+/)[0]!.slice(0, 6);
    const r = await cli('lookup', word, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).map((i: { clientId: number }) => i.clientId)).toContain(first.id);
    const re = await cli('reindex', '--json');
    expect(JSON.parse(re.out).clients).toBeGreaterThanOrEqual(300);
    expect(
      JSON.parse((await cli('lookup', word, '--json')).out).map((i: { clientId: number }) => i.clientId),
    ).toContain(first.id);
  });

  it('merges two clients as a head, and refuses a manager', async () => {
    const head = await addTestUser(env, 'head');
    const m = await addTestUser(env, 'manager');
    const res = await env.app.inject({
      method: 'GET',
      url: '/api/pool?limit=2',
      headers: { authorization: `Bearer ${m.token}` },
    });
    const [a, b] = JSON.parse(res.body).items.map((i: { id: number }) => String(i.id));
    expect((await cli('merge', a, b, '--as', m.email)).code).toBe(5);
    const ok = await cli('merge', a, b, '--as', head.email, '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).events.map((e: { reasonCode: string }) => e.reasonCode)).toEqual([
      'MERGED_INTO',
      'MERGE_SURVIVOR',
    ]);
  });
});

describe('fairbase review', () => {
  it('prints the data-hygiene report', async () => {
    const r = await cli('review', '--limit', '5');
    expect(r.code).toBe(0);
    expect(r.out.length).toBeGreaterThan(20);
    const j = JSON.parse((await cli('review', '--json')).out);
    expect(j.basis).toBe('touches');
    expect(j.counts.forcedDuplicates).toBeTypeOf('number');
    expect((await cli('review', '--limit', 'x')).code).toBe(2);
  });
});

describe('fairbase dedupe', () => {
  it('clusters the rows of a CSV file, and names a missing column', async () => {
    const { mkdtempSync, writeFileSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'fairbase-dedupe-'));
    const file = join(dir, 'in.csv');
    writeFileSync(
      file,
      'Компания;Телефон;ИНН\nООО «Юникс»;+7 (846) 212-34-56;7707083893\nЮникс, ООО;8 846 2123456;\nФеникс;+7 846 300-00-00;7736050003\n',
    );
    const out = join(dir, 'out.csv');
    const r = await cli('dedupe', file, '--columns', 'name=Компания,phone=Телефон,inn=ИНН', '--out', out);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('row,cluster,score');
    const cluster = (row: number) => lines[row + 1]!.split(',')[1];
    expect(cluster(0)).toBe(cluster(1));
    expect(cluster(2)).not.toBe(cluster(0));
    const bad = await cli('dedupe', file, '--columns', 'name=Название');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('Название');
    expect((await cli('dedupe', file)).code).toBe(2);
  });

  it('reports likely duplicates already in the base', async () => {
    const r = await cli('dedupe', '--base', '--json');
    expect(r.code).toBe(0);
    expect(Array.isArray(JSON.parse(r.out))).toBe(true);
  });
});
