import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { e2eEnvironment } from './environment.ts';
import { MARIA, POOL_NAMES, seed } from './seed.ts';

/**
 * «Экспорт» (C20) in the browser: Мария downloads her base as CSV (the playwright download event) and
 * the file holds her clients — and nobody else's. A screenshot goes to docs/screenshots/.
 */
const e2e = e2eEnvironment('export', {
  seed: async ({ server }) => {
    await seed(server.url);
  },
});
const { newPage, signIn, shot } = e2e;

describe('export in the browser', () => {
  it('a manager downloads her base as CSV and the file has her clients', async () => {
    const page = await newPage();
    await signIn(page, MARIA.email);
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
