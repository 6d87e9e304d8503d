import type { Policy } from '../../src/core/policy/policy.ts';
/** Seeds a fresh server through its public API, as an administrator and a head of sales would. */
export type Api = <T = any>(method: string, path: string, body?: unknown) => Promise<T>;

export async function signIn(url: string, email: string, password: string): Promise<Api> {
  const r = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!r.ok) throw new Error(`sign-in ${email}: ${r.status} ${await r.text()}`);
  const { token } = (await r.json()) as { token: string };
  return async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}

/** As the head: read the active rules, change them with `change`, save them as a new version. */
export async function changePolicy(url: string, change: (policy: Policy) => Policy, note: string) {
  const asHead = await signIn(url, HEAD.email, PASSWORD);
  const active = await asHead<{ policy: Policy }>('GET', '/api/policy');
  await asHead('PUT', '/api/policy', { policy: change(active.policy), note });
}

/**
 * As the head, through the API: a client entered with Юникс's ИНН, forced through the duplicate
 * check with a reason (R-ID-3), so the review has an override and a likely duplicate to show.
 */
export async function forceUnixDuplicate(url: string, displayName: string, forceReason: string) {
  const asHead = await signIn(url, HEAD.email, PASSWORD);
  return asHead<{ id: number }>('POST', '/api/clients', {
    displayName,
    claim: false,
    legalEntities: [{ name: 'ООО «Юникс»', inn: '7707083893' }],
    force: true,
    forceReason,
  });
}

export const PASSWORD = 'e2e-password-1';
export const ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-pass' };
export const HEAD = { name: 'Ирина Руководитель', email: 'head@e2e.test' };
export const MARIA = { name: 'Мария Смирнова', email: 'maria@e2e.test' };
export const PETR = { name: 'Пётр Иванов', email: 'petr@e2e.test' };

export const POOL_NAMES = [
  'Автосалон Лидер',
  'Глазная клиника Айболит',
  'Торговый дом ТехноМаркет',
  'КафельСклад',
  'Фитнес-клуб Антей',
  'Ювелирный дом Яхонт',
  'Бассейн Драйв',
  'Школа танцев Ритм',
];

export async function seed(url: string) {
  const admin = await signIn(url, ADMIN.email, ADMIN.password);
  const hiredAt = '2024-01-10';
  const head = await admin('POST', '/api/users', { ...HEAD, password: PASSWORD, role: 'head', hiredAt });
  const maria = await admin('POST', '/api/users', { ...MARIA, password: PASSWORD, role: 'manager', hiredAt });
  const petr = await admin('POST', '/api/users', { ...PETR, password: PASSWORD, role: 'manager', hiredAt });
  // A small base for Мария, so the journey reaches the cap in two claims.
  await admin('PATCH', `/api/users/${maria.id}`, { capOverride: 3 });

  const asHead = await signIn(url, HEAD.email, PASSWORD);
  const pool: number[] = [];
  for (const name of POOL_NAMES) pool.push((await asHead('POST', '/api/clients', { displayName: name })).id);

  // The Юникс case: a client known by its legal entity, and by its brand «Электроцентр».
  const asPetr = await signIn(url, PETR.email, PASSWORD);
  const unix = await asPetr('POST', '/api/clients', {
    displayName: 'Юникс',
    legalEntities: [{ name: 'ООО «Юникс»', legalForm: 'ООО', inn: '7707083893', kpp: '773601001' }],
    brands: [{ name: 'Электроцентр' }],
    contacts: [
      { name: 'Соколов Андрей', position: 'Директор', isDecisionMaker: true, phones: ['+7 846 200-10-20'] },
      { name: 'Бухгалтерия', doNotContact: true, emails: ['buh@unix-samara.ru'] },
    ],
    addresses: [{ kind: 'hq', address: 'ул. Ново-Садовая, 106', city: 'Самара' }],
  });

  const asMaria = await signIn(url, MARIA.email, PASSWORD);
  // Мария already holds two of her three: the first claimed is the one the swap proposes.
  await asMaria('POST', `/api/clients/${pool[6]}/claim`);
  await asMaria('POST', `/api/clients/${pool[7]}/claim`);
  return { head, maria, petr, pool, unixId: unix.id as number };
}
