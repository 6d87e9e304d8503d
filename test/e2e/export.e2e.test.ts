import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs helper without types
import { buildWeb } from '../../bin/build-web.mjs';
import { startServerProcess } from '../support/processes.ts';
import { launchChromium } from './browser.ts';
import { ADMIN, MARIA, PASSWORD, POOL_NAMES, seed } from './seed.ts';

/**
 * «Экспорт» (C20) in the browser: Мария downloads her base as CSV (the playwright download event) and
 * the file holds her clients — and nobody else's. A screenshot goes to docs/screenshots/.
 */
const SHOTS = 'docs/screenshots';
let server: Awaited<ReturnType<typeof startServerProcess>>;
let browser: Browser;
let dataDir: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  await buildWeb({ quiet: true });
  dataDir = mkdtempSync(join(tmpdir(), 'fairbase-e2e-export-'));
  server = await startServerProcess({
    FAIRBASE_DATA_DIR: dataDir,
    FAIRBASE_ADMIN_EMAIL: ADMIN.email,
    FAIRBASE_ADMIN_PASSWORD: ADMIN.password,
    DATABASE_URL: '',
  });
  await seed(server.url);
  browser = await launchChromium();
  mkdirSync(SHOTS, { recursive: true });
}, 400_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    locale: 'ru-RU',
    acceptDownloads: true,
  });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return page;
}

describe('export in the browser', () => {
  it('a manager downloads her base as CSV and the file has her clients', async () => {
    const page = await newPage();
    await page.goto(server.url);
    await page.getByLabel('Электронная почта').fill(MARIA.email);
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('link', { name: 'Экспорт' }).click();
    await page.getByRole('heading', { name: 'Экспорт' }).waitFor();
    // A manager is not offered the ledger, nor another manager.
    await expect(page.getByTestId('export-manager').count()).resolves.toBe(0);
    await page.getByTestId('export-format').click();
    await page.getByTitle('CSV для Excel (;)').click();
    await shot(page, 'export');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-download').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^clients-\d{4}-\d{2}-\d{2}\.csv$/);
    const file = await download.path();
    const text = readFileSync(file!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const data = Papa.parse<string[]>(text.slice(1), { delimiter: ';', skipEmptyLines: true }).data;
    expect(data[0]!.slice(0, 4)).toEqual(['ID клиента', 'Клиент', 'Направление', 'Владелец']);
    const rows = data.slice(1);
    // The seed gives Мария «Бассейн Драйв» and «Школа танцев Ритм»; Пётр's Юникс is not hers.
    expect(rows.map((r) => r[1]).sort()).toEqual([POOL_NAMES[6], POOL_NAMES[7]].sort());
    expect(rows.every((r) => r[3] === MARIA.name)).toBe(true);
  }, 120_000);
});

const shot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
