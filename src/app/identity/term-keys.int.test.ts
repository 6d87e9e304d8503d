import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestUser, createTestEnv, type Seller, type TestEnv } from '../../../test/helpers.ts';
import { translitKey } from '../../core/identity/normalize.ts';
import { rows } from '../../db/raw.ts';
import { createClient } from '../use-cases/create-client.ts';
import { lookup } from './lookup.ts';
import { reindexClients } from './reindex.ts';
import { fillTermKeys } from './term-keys.ts';

let env: TestEnv;
let head: Seller;
let unix = 0;

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head');
  const res = await createClient(env.ctx, {
    actor: { kind: 'user', id: head.id, role: head.role },
    claim: false,
    displayName: 'Юникс',
    legalEntities: [{ name: 'ООО «Юникс»', inn: '7707083893' }],
    addresses: [{ kind: 'hq', address: 'ул. Ленина, 5', city: 'Самара' }],
  });
  if (!res.ok) throw new Error(res.code);
  unix = res.value.id;
});
afterAll(async () => env?.close());

const keyOf = async (term: string) =>
  (
    await rows<{ key: string | null }>(env.ctx.db, sql`SELECT key FROM identity_terms WHERE term = ${term}`)
  )[0]?.key;

describe('transliteration keys in the vocabulary (migration 0015)', () => {
  it('every written word carries its key, and no posting is a key', async () => {
    expect(await keyOf('юникс')).toBe(translitKey('юникс'));
    expect(await keyOf('ленина')).toBe(translitKey('ленина'));
    const [n] = await rows<{ n: number }>(
      env.ctx.db,
      sql`SELECT count(*)::int AS n FROM identity_tokens WHERE left(token, 1) = '~'`,
    );
    expect(n!.n).toBe(0);
  });

  it('a Latin spelling finds the Cyrillic name through the key', async () => {
    const found = await lookup(env.ctx.db, 'Uniks');
    expect(found.map((f) => f.clientId)).toContain(unix);
  });

  it('words left without a key by an upgrade are filled in at start-up, once', async () => {
    // The state right after migration 0015 on an older base: words without keys.
    await env.ctx.db.execute(sql`UPDATE identity_terms SET key = NULL`);
    expect((await lookup(env.ctx.db, 'Uniks')).map((f) => f.clientId)).not.toContain(unix);
    const [total] = await rows<{ n: number }>(env.ctx.db, sql`SELECT count(*)::int AS n FROM identity_terms`);
    const progress: number[] = [];
    expect(await fillTermKeys(env.ctx.db, (d) => progress.push(d))).toBe(total!.n);
    expect(progress.at(-1)).toBe(total!.n);
    expect(await keyOf('юникс')).toBe(translitKey('юникс'));
    expect((await lookup(env.ctx.db, 'Uniks')).map((f) => f.clientId)).toContain(unix);
    expect(await fillTermKeys(env.ctx.db)).toBe(0);
  });

  it('a write that meets a word without its key fills it in', async () => {
    await env.ctx.db.execute(sql`UPDATE identity_terms SET key = NULL WHERE term = 'юникс'`);
    await reindexClients(env.ctx.db, [unix]);
    expect(await keyOf('юникс')).toBe(translitKey('юникс'));
  });
});
