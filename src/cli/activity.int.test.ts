import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPolicy } from '../app/use-cases/policy.ts';
import { presets } from '../core/policy/policy.ts';
import { addPoolClient, addTestUser, createTestEnv, type Seller, type TestEnv } from '../../test/helpers.ts';
import { runCli } from './main.ts';
import { bufferIo } from './output.ts';

let env: TestEnv;
let head: Seller;
let anna: Seller;
let boris: Seller;
beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head', { name: 'Head' });
  anna = await addTestUser(env, 'manager', { name: 'Anna' });
  boris = await addTestUser(env, 'manager', { name: 'Boris' });
});
afterAll(() => env.close());

async function cli(...argv: string[]) {
  const io = bufferIo();
  const code = await runCli(argv, io, { env: {}, server: env.ctx });
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('fairbase touch', () => {
  it('logs a touch, prints warnings, and exits with the rejection code of a blocked one', async () => {
    const c = await addPoolClient(env, head);
    expect((await cli('claim', String(c), '--as', anna.email)).code).toBe(0);
    const at = new Date(env.clock.now.getTime() - 3_600_000).toISOString();
    const ok = await cli(
      'touch',
      String(c),
      '--as',
      anna.email,
      '--kind',
      'call',
      '--outcome',
      'reached',
      '--at',
      at,
      '--text',
      'hello',
    );
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/touch #\d+: outbound call \(reached\) on client \d+ by Anna/);

    const warned = await cli('touch', String(c), '--as', boris.email, '--kind', 'email');
    expect(warned.code).toBe(0);
    expect(warned.err).toContain('warning NON_OWNER_OUTREACH (R-VOICE-1)');
    expect(warned.err).toContain('warning CONTACT_COOLDOWN (R-VOICE-2)');

    await setPolicy(env.ctx, { ...presets.team }, head.id, 'block');
    const blocked = await cli('touch', String(c), '--as', boris.email, '--kind', 'call');
    expect(blocked.code).toBe(41);
    expect(blocked.err).toContain('NON_OWNER_OUTREACH_BLOCKED');

    const badDate = await cli('touch', String(c), '--as', anna.email, '--kind', 'call', '--at', 'soon');
    expect(badDate.code).toBe(2);
    expect(badDate.err).toContain('--at');
    const json = await cli(
      '--json',
      'touch',
      String(c),
      '--as',
      anna.email,
      '--kind',
      'note',
      '--text',
      'memo',
    );
    expect(JSON.parse(json.out).touch).toMatchObject({ kind: 'note', body: 'memo' });
  });
});
