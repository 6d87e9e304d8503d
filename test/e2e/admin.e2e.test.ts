import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { buildWeb } from '../../bin/build-web.mjs';
import { startServerProcess } from '../support/processes.ts';
import { launchChromium } from './browser.ts';
import { ADMIN, HEAD, MARIA, PASSWORD, seed } from './seed.ts';

/**
 * Admin screens in the browser: an admin ends a manager's sessions from «Пользователи» (her other
 * browser is signed out), and a head creates a full and a telephony API token on «API-токены» — the
 * secret shown once works as `Authorization: Bearer …` on the normal API only for the full one.
 */
const SHOTS = 'docs/screenshots';
let server: Awaited<ReturnType<typeof startServerProcess>>;
let browser: Browser;
let dataDir: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await buildWeb({ quiet: true });
  dataDir = mkdtempSync(join(tmpdir(), 'fairbase-e2e-admin-'));
  server = await startServerProcess({
    FAIRBASE_DATA_DIR: dataDir,
    FAIRBASE_ADMIN_EMAIL: ADMIN.email,
    FAIRBASE_ADMIN_PASSWORD: ADMIN.password,
    DATABASE_URL: '',
  });
  await seed(server.url);
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
}, 900_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'ru-RU' });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  return page;
}

async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto(server.url);
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль').fill(password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.getByRole('button', { name: 'Войти' }).waitFor({ state: 'detached' });
}

/** The status of GET /api/me with this browser's session cookie. */
const meStatus = (page: Page) => page.evaluate(() => fetch('/api/me').then((r) => r.status));

const withBearer = (token: string, path: string) =>
  fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

describe('admin screens in the browser', () => {
  it('«Завершить сеансы»: an admin signs a manager out of her other browser', async () => {
    const maria = await newPage();
    await signIn(maria, MARIA.email);
    expect(await meStatus(maria)).toBe(200);

    const admin = await newPage();
    await signIn(admin, ADMIN.email, ADMIN.password);
    await admin.goto(`${server.url}/users`);
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
    await head.goto(`${server.url}/tokens`);
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
});
