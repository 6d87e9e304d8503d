import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eEnvironment, SHOTS } from './environment.ts';
import { changePolicy, HEAD, seed } from './seed.ts';

/**
 * Issue 8 in the browser: the web UI runs under the CSP (no violation on any screen visited),
 * «Журнал действий» shows a head's policy change, and «Выйти на всех устройствах» ends the
 * session in another browser too.
 */
const cspViolations: string[] = [];
const e2e = e2eEnvironment('security', {
  seed: async ({ server }) => {
    await seed(server.url);
    await changePolicy(server.url, (p) => p, 'аудит в браузере');
  },
  pageTimeout: 60_000,
});
const { signIn } = e2e;

/** A page that records every CSP violation the browser reports on its console. */
async function newPage(): Promise<Page> {
  const page = await e2e.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|apply|execute)/i.test(m.text()))
      cspViolations.push(m.text());
  });
  return page;
}

describe('security in the browser', () => {
  it('the UI runs under the CSP: dashboard (ECharts), policy, audit log — no violation', async () => {
    const page = await newPage();
    const res = await page.goto(e2e.server.url);
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
    await page.goto(`${e2e.server.url}/dashboard`);
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
    await laptop.goto(`${e2e.server.url}/profile`);
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
