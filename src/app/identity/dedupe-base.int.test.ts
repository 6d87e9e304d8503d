import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestUser, createTestEnv, type Seller, type TestEnv } from '../../../test/helpers.ts';
import { defaultIdentityRules } from '../../core/policy/policy.ts';
import { type CreateClientCommand, createClient } from '../use-cases/create-client.ts';
import { findDuplicateClients } from './dedupe-base.ts';

let env: TestEnv;
let head: Seller;
const ids: Record<string, number> = {};

async function add(key: string, cmd: Omit<CreateClientCommand, 'actor'>): Promise<void> {
  const res = await createClient(env.ctx, {
    actor: { kind: 'user', id: head.id, role: head.role },
    claim: false,
    force: true,
    forceReason: 'test',
    ...cmd,
  });
  if (!res.ok) throw new Error(`createClient ${key}: ${res.code}`);
  ids[key] = res.value.id;
}

beforeAll(async () => {
  env = await createTestEnv();
  head = await addTestUser(env, 'head');
  // Юникс, entered three times: by ИНН, by the store's phone, and once more by its legal name.
  await add('unix', {
    displayName: 'Юникс',
    legalEntities: [{ name: 'ООО «Юникс»', inn: '7707083893' }],
    contacts: [{ name: 'Иванова Мария', phones: ['+7 (846) 212-34-56'] }],
  });
  await add('store', {
    displayName: 'Электроцентр',
    brands: [{ name: 'Электроцентр' }],
    contacts: [{ name: 'Петров Пётр', phones: ['8 846 212-34-56'] }],
  });
  await add('legal', { displayName: 'Юникс, ООО', legalEntities: [{ name: 'Юникс', inn: '7707 083893' }] });
  // Two ИП with one surname and different ИНН: not duplicates.
  await add('ip1', {
    displayName: 'ИП Иванов И.И.',
    legalEntities: [{ name: 'ИП Иванов И.И.', inn: '500100732259' }],
  });
  await add('ip2', { displayName: 'ИП Иванов', legalEntities: [{ name: 'ИП Иванов', inn: '7736207543' }] });
  // A pair of which one is merged away: not reported.
  await add('old', { displayName: 'Сигма', contacts: [{ name: 'Сидоров', emails: ['info@sigma63.ru'] }] });
  await add('survivor', {
    displayName: 'Сигма',
    contacts: [{ name: 'Сидоров', emails: ['INFO@sigma63.ru'] }],
  });
  await env.ctx.db.execute(sql`UPDATE clients SET merged_into = ${ids.survivor} WHERE id = ${ids.old}`);
  await add('alone', { displayName: 'Феникс' });
});

afterAll(async () => {
  await env?.close();
});

describe('findDuplicateClients', () => {
  it('finds the clients that are one organisation, with score and reasons', async () => {
    const found = await findDuplicateClients(env.ctx.db, defaultIdentityRules);
    expect(found).toEqual([
      {
        clients: [ids.unix, ids.store, ids.legal].sort((a, b) => (a as number) - (b as number)),
        score: 0.93,
        reasons: expect.arrayContaining(['same ИНН', 'same phone']),
        reasonCodes: expect.arrayContaining([expect.objectContaining({ code: 'SAME_PHONE', kind: 'phone' })]),
      },
    ]);
    expect(found[0]?.reasons[0]).toBe('same ИНН');
    // The structured reasons go with the English ones, one for one, for the UI to translate.
    expect(found[0]?.reasonCodes).toHaveLength(found[0]!.reasons.length);
    expect(found[0]?.reasonCodes[0]).toMatchObject({ code: 'SAME_INN', kind: 'inn', similarity: 1 });
  });

  it('reads in batches and honours the limit', async () => {
    const whole = await findDuplicateClients(env.ctx.db, defaultIdentityRules);
    for (const batchSize of [1, 2, 3]) {
      expect(await findDuplicateClients(env.ctx.db, defaultIdentityRules, { batchSize })).toEqual(whole);
    }
    expect(await findDuplicateClients(env.ctx.db, defaultIdentityRules, { limit: 0 })).toEqual([]);
    expect(await findDuplicateClients(env.ctx.db, defaultIdentityRules, { limit: 5 })).toHaveLength(1);
  });

  it('reports a merged-away pair once the merge is undone', async () => {
    await env.ctx.db.execute(sql`UPDATE clients SET merged_into = NULL WHERE id = ${ids.old}`);
    const found = await findDuplicateClients(env.ctx.db, defaultIdentityRules);
    expect(found.map((f) => f.clients)).toContainEqual([ids.old, ids.survivor]);
    await env.ctx.db.execute(sql`UPDATE clients SET merged_into = ${ids.survivor} WHERE id = ${ids.old}`);
  });
});
