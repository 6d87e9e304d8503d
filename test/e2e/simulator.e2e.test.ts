import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { buildWeb } from '../../bin/build-web.mjs';
import { runCliProcess, startServerProcess } from '../support/processes.ts';
import { launchChromium } from './browser.ts';
import { ADMIN } from './seed.ts';

/**
 * «Симулятор» (C19) in the browser: on the demo company (`fairbase demo`), a head asks "what if the
 * expiry were 45 days instead of 60?" and sees more clients go to the pool under the candidate.
 * Screenshot: docs/screenshots/simulator.png.
 */
const SHOTS = 'docs/screenshots';
let server: Awaited<ReturnType<typeof startServerProcess>>;
let browser: Browser;
let dataDir: string;
let headEmail: string;

beforeAll(async () => {
  await buildWeb({ quiet: true });
  dataDir = mkdtempSync(join(tmpdir(), 'fairbase-e2e-sim-'));
  const env = {
    FAIRBASE_DATA_DIR: dataDir,
    FAIRBASE_ADMIN_EMAIL: ADMIN.email,
    FAIRBASE_ADMIN_PASSWORD: ADMIN.password,
  };
  const demo = await runCliProcess(['--json', 'demo', '--clients', '300'], env);
  if (demo.code !== 0) throw new Error(`demo: ${demo.stderr}`);
  headEmail = (JSON.parse(demo.stdout) as { users: { email: string; role: string }[] }).users.find(
    (u) => u.role === 'head',
  )!.email;
  server = await startServerProcess({ ...env, DATABASE_URL: '' });
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
}, 1_200_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'ru-RU' });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  return page;
}

const num = (s: string) => Number(s.replace(/\D/g, ''));

describe('the policy simulator in the browser', () => {
  it('a head sets the expiry to 45 days, runs, and sees more expiries than under 60', async () => {
    const page = await newPage();
    await page.goto(server.url);
    await page.getByLabel('Электронная почта').fill(headEmail);
    await page.getByLabel('Пароль').fill('fairbase-demo');
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('link', { name: 'Симулятор' }).click();
    await page.getByRole('heading', { name: 'Симулятор' }).waitFor();
    const days = page.getByLabel('Без касания, дней');
    expect(await days.inputValue()).toBe('60');
    await days.fill('45');
    await page.getByRole('button', { name: 'Запустить симуляцию' }).click();
    await page.getByText('expiry.noTouchDays: 60 → 45').waitFor();
    const row = page.getByRole('table', { name: 'Итоги' }).getByRole('row', { name: /Ушли в пул по сроку/ });
    const cells = await row.getByRole('cell').allInnerTexts();
    const [current, candidate] = [num(cells[1]!), num(cells[2]!)];
    expect(candidate).toBeGreaterThan(current);
    expect(cells[3]).toBe(`+${candidate - current}`);
    // Both charts drawn: expiries per month (current vs candidate) and caps per manager.
    const chart = page.getByRole('img', { name: 'Уходы в пул по месяцам' });
    await expect.poll(() => chart.getAttribute('data-drawn')).toBe('true');
    expect(await chart.getAttribute('data-series')).toBe('2');
    await expect
      .poll(() =>
        page.getByRole('img', { name: 'Лимиты менеджеров по месяцам (кандидат)' }).getAttribute('data-drawn'),
      )
      .toBe('true');
    // Who gains / who loses lists the demo managers; the expired clients table has rows.
    expect(
      await page.getByRole('table', { name: 'Кто выигрывает, кто теряет' }).getByRole('row').count(),
    ).toBeGreaterThan(3);
    expect(
      await page.getByRole('table', { name: 'Клиенты, ушедшие в пул' }).getByRole('row').count(),
    ).toBeGreaterThan(1);
    await page.screenshot({ path: `${SHOTS}/simulator.png`, fullPage: true });
  }, 300_000);
});
