import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eEnvironment, SHOTS } from './environment.ts';
import { ADMIN, forceUnixDuplicate, HEAD, MARIA, seed } from './seed.ts';

/**
 * Admin screens in the browser: an admin ends a manager's sessions from «Пользователи» (her other
 * browser is signed out), and a head creates a full and a telephony API token on «API-токены» — the
 * secret shown once works as `Authorization: Bearer …` on the normal API only for the full one.
 * The server treats every base as large for duplicates (FAIRBASE_LIVE_DUPLICATES_MAX=0), so
 * «Проверка базы» shows a stored scan, and a head starts one.
 */
const e2e = e2eEnvironment('admin', {
  env: { FAIRBASE_LIVE_DUPLICATES_MAX: '0' },
  seed: async ({ server }) => void (await seed(server.url)),
  pageTimeout: 60_000,
});
const { newPage, signIn } = e2e;

/** The status of GET /api/me with this browser's session cookie. */
const meStatus = (page: Page) => page.evaluate(() => fetch('/api/me').then((r) => r.status));

const withBearer = (token: string, path: string) =>
  fetch(`${e2e.server.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

describe('admin screens in the browser', () => {
  it('«Завершить сеансы»: an admin signs a manager out of her other browser', async () => {
    const maria = await newPage();
    await signIn(maria, MARIA.email);
    expect(await meStatus(maria)).toBe(200);

    const admin = await newPage();
    await signIn(admin, ADMIN.email, ADMIN.password);
    await admin.goto(`${e2e.server.url}/users`);
    await admin.getByRole('button', { name: `Завершить сеансы: ${MARIA.name}` }).click();
    const confirm = admin.getByRole('tooltip');
    await confirm.getByText(`Завершить все сеансы пользователя ${MARIA.name}?`).waitFor();
    await confirm.getByRole('button', { name: 'Завершить сеансы' }).click();
    await admin.getByText(/Сеансов завершено: [1-9]/).waitFor();
    await admin.screenshot({ path: `${SHOTS}/users-end-sessions.png`, fullPage: true });

    // Same server instance: the revocation holds at once.
    expect(await meStatus(maria)).toBe(401);
    await maria.reload();
    await maria.getByRole('button', { name: 'Войти' }).waitFor();
    // The admin's own session is untouched.
    expect(await meStatus(admin)).toBe(200);
  }, 300_000);

  it('«API-токены»: a full token works on the whole API, a telephony one only for the PBX', async () => {
    const head = await newPage();
    await signIn(head, HEAD.email);
    await head.goto(`${e2e.server.url}/tokens`);
    await head.getByRole('heading', { name: 'API-токены' }).waitFor();
    await head.getByText('Только поиск звонящего по номеру').waitFor();

    const createToken = async (name: string, scope: 'Телефония' | 'Полный') => {
      await head.getByLabel('Назначение').fill(name);
      await head.getByText(scope, { exact: true }).click();
      await head.getByRole('button', { name: 'Создать токен' }).click();
      await head.getByRole('cell', { name, exact: true }).waitFor();
      return ((await head.getByText(/^fbt_/).textContent()) ?? '').trim();
    };

    await head.getByText('Полный', { exact: true }).click();
    await head.getByText('Действует от вашего имени во всём API').waitFor();
    const full = await createToken('Скрипт отчётов', 'Полный');
    expect(full).toMatch(/^fbt_/);
    const telephony = await createToken('АТС офиса', 'Телефония');
    expect(telephony).toMatch(/^fbt_/);
    expect(telephony).not.toBe(full);

    // The list shows each token's scope.
    const rowOf = (name: string) => head.getByRole('row').filter({ hasText: name });
    await expect(rowOf('Скрипт отчётов').getByText('Полный', { exact: true }).count()).resolves.toBe(1);
    await expect(rowOf('АТС офиса').getByText('Телефония', { exact: true }).count()).resolves.toBe(1);
    await head.screenshot({ path: `${SHOTS}/tokens-scopes.png`, fullPage: true });

    // A full token acts as the head on a normal API route; a telephony token does not get in there.
    expect(await withBearer(full, '/api/clients')).toBe(200);
    expect(await withBearer(full, '/api/me')).toBe(200);
    expect([401, 403]).toContain(await withBearer(telephony, '/api/clients'));
    expect([401, 403]).toContain(await withBearer(telephony, '/api/me'));
    // …but it is a working token: the PBX lookup answers it.
    expect(await withBearer(telephony, '/api/telephony/lookup?phone=%2B74951234567')).toBe(200);
  }, 300_000);

  it('«Проверка базы» on a large base: no scan yet, a head starts one, the duplicates appear', async () => {
    await forceUnixDuplicate(e2e.server.url, 'Юникс-2', 'проверка сканирования');
    const head = await newPage();
    await signIn(head, HEAD.email);
    await head.goto(`${e2e.server.url}/review`);
    await head.getByRole('heading', { name: 'Проверка базы' }).waitFor();
    await head.getByRole('tab', { name: /Возможные дубли/ }).click();
    await head.getByText('Большая база проверяется на дубли по ночам; проверки ещё не было.').waitFor();
    await head.getByRole('button', { name: 'Проверить сейчас' }).click();
    // The scan runs in the server; the page looks again by itself until it is done.
    await head.getByText(/Показана проверка от \d{2}\.\d{2}\.\d{4}/).waitFor({ timeout: 60_000 });
    const group = head.getByRole('row', { name: /тот же ИНН/ });
    await group.waitFor();
    expect(await group.innerText()).toMatch(/#\d+, #\d+/);
  }, 300_000);
});
