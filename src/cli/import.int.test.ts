import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestUser, createTestEnv, type Seller, type TestEnv } from '../../test/helpers.ts';
import { addUser } from '../app/use-cases/users.ts';
import { rows } from '../db/raw.ts';
import { runCli } from './main.ts';
import { bufferIo } from './output.ts';

let env: TestEnv;
let head: Seller;
let manager: Seller;
const dir = resolve('test/fixtures/import');
const out = mkdtempSync(join(tmpdir(), 'fairbase-import-'));

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head', { name: 'Head' });
  manager = await addTestUser(env, 'manager');
  for (const [name, email] of [
    ['Анна Смирнова', 'anna.smirnova@fairbase.test'],
    ['Борис Котов', 'boris.kotov@fairbase.test'],
  ] as const)
    await addUser(env.ctx, {
      name,
      email,
      password: 'password-123',
      role: 'manager',
      hiredAt: new Date('2025-01-01'),
    });
}, 120_000);
afterAll(() => env.close());

async function cli(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, io, { env: {}, server: env.ctx });
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}
const clients = async () =>
  Number((await rows<{ n: string }>(env.ctx.db, sql`SELECT count(*) AS n FROM clients`))[0]!.n);

describe('fairbase import / imports', () => {
  it('--dry-run prints the plan and writes only the import record; the report file has every row', async () => {
    const report = join(out, 'dry.csv');
    const r = await cli(
      'import',
      join(dir, 'bitrix24-companies.csv'),
      '--as',
      head.email,
      '--dry-run',
      '--report',
      report,
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/DRY RUN/);
    expect(r.out).toMatch(/preset bitrix24/);
    expect(r.out).toMatch(/windows-1251/);
    expect(r.err).toMatch(/import \[#+\.*\] \d+%/);
    expect(await clients()).toBe(0);
    const text = readFileSync(report, 'utf8');
    expect(text.split(/\r?\n/)[0]).toBe('\uFEFFrow;column;reason;decision;client_id;detail');
    expect(text).toMatch(/^10;Название компании;MISSING_NAME;error;;/m);
  });

  it('applies with --map and --owner-column; unknown managers go to the pool; `imports` lists it', async () => {
    const r = await cli(
      'import',
      join(dir, 'generic-clients.xlsx'),
      '--as',
      head.email,
      '--map',
      'contactName=Контактное лицо,position=Должность',
      '--owner-column',
      'Менеджер',
      '--json',
    );
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out);
    expect(res.status).toBe('applied');
    expect(res.counts).toMatchObject({ rows: 27, errors: 1, sameInFile: 1 });
    expect(await clients()).toBe(res.counts.created);
    // «Вера Лебедева» is not a user here: her rows go to the pool.
    expect(res.counts.pool).toBeGreaterThan(0);
    const [owned] = await rows<{ n: string }>(
      env.ctx.db,
      sql`SELECT count(*) AS n FROM ownership_events WHERE reason_code = 'IMPORTED' AND (details->>'importId')::int = ${res.id}`,
    );
    expect(Number(owned!.n)).toBe(res.counts.owned);
    const list = await cli('imports');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/generic-clients\.xlsx .*applied/);
    const rep = await cli('imports', '--report', String(res.id));
    expect(rep.out).toMatch(/^28;Название;MISSING_NAME;error;;$/m);
  });

  it('refuses managers, unknown presets, bad --map and unreadable files with a clear message', async () => {
    const f = join(dir, 'amocrm-companies-contacts.csv');
    expect((await cli('import', f, '--as', manager.email)).code).toBe(5);
    const preset = await cli('import', f, '--as', head.email, '--preset', 'salesforce');
    expect(preset.code).toBe(2);
    expect(preset.err).toMatch(/--preset/);
    const map = await cli('import', f, '--as', head.email, '--map', 'name');
    expect(map.code).toBe(2);
    expect(map.err).toMatch(/--map/);
    const missing = await cli('import', join(out, 'nope.csv'), '--as', head.email);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/ENOENT/);
    const maybe = await cli('import', f, '--as', head.email, '--confirm-maybe', 'some');
    expect(maybe.code).toBe(2);
    expect(maybe.err).toMatch(/--confirm-maybe/);
  });
});
