import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { buildWeb } from '../../bin/build-web.mjs';
import { startServerProcess } from '../support/processes.ts';
import { launchChromium } from './browser.ts';
import { ADMIN, HEAD, PASSWORD, seed, signIn as apiSignIn } from './seed.ts';

/**
 * Issue 8 in the browser: the web UI runs under the CSP (no violation on any screen visited),
 * «Журнал действий» shows a head's policy change, and «Выйти на всех устройствах» ends the
 * session in another browser too.
 */
const SHOTS = 'docs/screenshots';
let server: Awaited<ReturnType<typeof startServerProcess>>;
let browser: Browser;
let dataDir: string;
const contexts: BrowserContext[] = [];
const cspViolations: string[] = [];

beforeAll(async () => {
  await buildWeb({ quiet: true });
  dataDir = mkdtempSync(join(tmpdir(), 'fairbase-e2e-security-'));
  server = await startServerProcess({
    FAIRBASE_DATA_DIR: dataDir,
    FAIRBASE_ADMIN_EMAIL: ADMIN.email,
    FAIRBASE_ADMIN_PASSWORD: ADMIN.password,
    DATABASE_URL: '',
  });
  await seed(server.url);
  const asHead = await apiSignIn(server.url, HEAD.email, PASSWORD);
  const active = await asHead('GET', '/api/policy');
  await asHead('PUT', '/api/policy', { policy: active.policy, note: 'аудит в браузере' });
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
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|apply|execute)/i.test(m.text()))
      cspViolations.push(m.text());
  });
  return page;
}

async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto(server.url);
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль').fill(password);
  await page.getByRole('button', { name: 'Войти' }).click();
}

describe('security in the browser', () => {
  it('the UI runs under the CSP: dashboard (ECharts), policy, audit log — no violation', async () => {
    const page = await newPage();
    const res = await page.goto(server.url);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await signIn(page, HEAD.email);
    await page.getByRole('link', { name: 'Журнал действий' }).click();
    await page
      .getByText('Правила изменены')
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async (e) => {
        await page.screenshot({ path: `${SHOTS}/audit-log-failed.png`, fullPage: true });
        throw new Error(`${e}; CSP: ${cspViolations.join(' | ')}`);
      });
    await page.screenshot({ path: `${SHOTS}/audit-log.png`, fullPage: true });
    await page.getByRole('link', { name: 'Правила' }).first().click();
    await page.waitForLoadState('networkidle');
    await page.goto(`${server.url}/dashboard`);
    await page.waitForLoadState('networkidle');
    await page
      .locator('canvas')
      .first()
      .waitFor({ timeout: 20_000 })
      .catch(() => {});
    expect(cspViolations).toEqual([]);
  }, 300_000);

  it('«Выйти на всех устройствах» ends the session in another browser too', async () => {
    const phone = await newPage();
    await signIn(phone, HEAD.email);
    await phone.getByRole('link', { name: 'Журнал действий' }).waitFor();
    const laptop = await newPage();
    await signIn(laptop, HEAD.email);
    await laptop.getByRole('link', { name: 'Журнал действий' }).waitFor();
    await laptop.goto(`${server.url}/profile`);
    await laptop.getByRole('button', { name: 'Выйти на всех устройствах' }).click();
    await laptop.getByRole('tooltip').getByRole('button', { name: 'Выйти на всех устройствах' }).click();
    await laptop
      .getByRole('button', { name: 'Войти' })
      .waitFor()
      .catch(async (e) => {
        await laptop.screenshot({ path: `${SHOTS}/sign-out-everywhere-failed.png`, fullPage: true });
        throw new Error(`${e}; page: ${((await laptop.locator('body').textContent()) ?? '').slice(0, 800)}`);
      });
    // Same server: its session cache is evicted at once (another instance: within 5 s). A reload shows the sign-in form.
    await phone.reload();
    await phone.getByRole('button', { name: 'Войти' }).waitFor();
    expect(cspViolations).toEqual([]);
  }, 300_000);
});
