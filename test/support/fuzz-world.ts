import { sql } from 'drizzle-orm';
import { rows } from '../../src/db/raw.ts';
import { addTestUser, call, relogin, type Seller, type TestEnv } from '../helpers.ts';
import type { Fixtures } from './fuzz-routes.ts';

/** The people and rows a fuzz or access run acts on. */
export type World = {
  head: Seller;
  manager: Seller;
  /** Another manager: owner of the "someone else's client". */
  manager2: Seller;
  admin: Seller;
  /** Plain API token of scope telephony (a caller), and one of the same scope that is revoked. */
  telephonyToken: string;
  revokedApiToken: string;
  fixtures: Fixtures;
};

async function must(env: TestEnv, who: Seller, method: string, url: string, payload?: unknown) {
  const r = await call(env, who, method, url, payload);
  if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function firstId(env: TestEnv, table: string): Promise<number> {
  const r = await rows<{ id: number | null }>(env.ctx.db, sql.raw(`SELECT min(id) AS id FROM "${table}"`));
  return Number(r[0]?.id ?? 1);
}

/** Users, two owned clients with every kind of part, a deal, a dispute, API tokens, a notification. */
export async function buildWorld(env: TestEnv): Promise<World> {
  const head = await addTestUser(env, 'head', { name: 'Fuzz Head' });
  const manager = await addTestUser(env, 'manager', { name: 'Fuzz Manager' });
  const manager2 = await addTestUser(env, 'manager', { name: 'Fuzz Manager 2' });
  const admin = await addTestUser(env, 'admin', { name: 'Fuzz Admin' });
  const victim = await addTestUser(env, 'manager', { name: 'Fuzz Victim' });

  const own = await must(env, manager, 'POST', '/api/clients', {
    displayName: 'ООО Фаззинг',
    legalEntities: [{ name: 'ООО «Фаззинг»', inn: '7707083893' }],
    brands: [{ name: 'Фаззер' }],
    contacts: [{ name: 'Иван Фаззов', phones: ['+7 927 100-20-30'], emails: ['ivan@fuzz.test'] }],
    addresses: [{ kind: 'hq', address: 'Москва, ул. Тестовая, 1', city: 'Москва' }],
  });
  const other = await must(env, manager2, 'POST', '/api/clients', {
    displayName: 'АО Чужой клиент',
    contacts: [{ name: 'Пётр Чужов', phones: ['+7 927 555-66-77'] }],
  });
  const card = await must(env, manager, 'GET', `/api/clients/${own.id}`);
  const deal = await must(env, manager, 'POST', `/api/clients/${own.id}/deals`, {
    title: 'Fuzz deal',
    amountKopecks: 1_000_00,
  });
  const dispute = await call(env, manager, 'POST', '/api/disputes', {
    clientId: other.id,
    reason: 'Fuzz dispute',
  });
  // A touch on someone else's client notifies its owner: a notification row exists.
  await call(env, manager, 'POST', `/api/clients/${other.id}/touches`, { kind: 'note', body: 'fuzz' });
  const victimToken = await must(env, head, 'POST', '/api/tokens', { name: 'Fuzz victim token' });
  const callerToken = await must(env, head, 'POST', '/api/tokens', { name: 'Fuzz caller token' });
  const revoked = await must(env, head, 'POST', '/api/tokens', { name: 'Fuzz revoked token' });
  await must(env, head, 'DELETE', `/api/tokens/${revoked.id}`);

  return {
    head,
    manager,
    manager2,
    admin,
    telephonyToken: callerToken.token,
    revokedApiToken: revoked.token,
    fixtures: {
      clientId: own.id,
      otherClientId: other.id,
      managerId: manager2.id,
      victimUserId: victim.id,
      legalEntityId: card.legalEntities[0].id,
      brandId: card.brands[0].id,
      contactId: card.contacts[0].id,
      addressId: card.addresses[0].id,
      dealId: deal.deal?.id ?? deal.id,
      disputeId: dispute.status < 300 ? dispute.body.id : await firstId(env, 'disputes'),
      tokenId: victimToken.id,
      notificationId: await firstId(env, 'notifications'),
      handoverId: await firstId(env, 'handovers'),
    },
  };
}

/** A fresh session for a world user (after a sign-out or a password change by the run). */
export async function refreshSession(env: TestEnv, w: World, who: Seller): Promise<Seller> {
  const fresh = await relogin(env, who);
  for (const k of ['head', 'manager', 'manager2', 'admin'] as const) if (w[k].id === who.id) w[k] = fresh;
  return fresh;
}
