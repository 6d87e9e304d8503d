import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2eEnvironment } from './environment.ts';
import { ADMIN, HEAD, PASSWORD, signIn as apiSignIn } from './seed.ts';

/**
 * «Импорт» (C20) in the browser: a head uploads the amoCRM sample, sees the preset's mapping, the duplicate
 * decisions and the row problems, confirms the one «maybe», applies, downloads the report, and finds the new
 * clients through «Кто владелец?». Then the same wizard in English shows no raw i18n keys.
 */
const SAMPLE = 'test/fixtures/import/amocrm-companies-contacts.csv';
const INN = JSON.parse(readFileSync('test/fixtures/import/amocrm-inn.json', 'utf8')) as Record<
  string,
  string
>;
const e2e = e2eEnvironment('import', {
  seed: async ({ server }) => {
    const admin = await apiSignIn(server.url, ADMIN.email, ADMIN.password);
    const hiredAt = '2024-01-10';
    await admin('POST', '/api/users', { ...HEAD, password: PASSWORD, role: 'head', hiredAt });
    // The managers the file's «Ответственный» column names (by name or by e-mail).
    for (const [name, email] of [
      ['Анна Смирнова', 'anna.smirnova@fairbase.test'],
      ['Борис Котов', 'boris.kotov@fairbase.test'],
      ['Вера Лебедева', 'vera.lebedeva@fairbase.test'],
    ])
      await admin('POST', '/api/users', { name, email, password: PASSWORD, role: 'manager', hiredAt });
    const head = await apiSignIn(server.url, HEAD.email, PASSWORD);
    // Already in the base: «Вектор Плюс» by its ИНН (linked), and a namesake of «ООО «Сибирские окна»» (maybe).
    await head('POST', '/api/clients', {
      displayName: 'Вектор Плюс',
      legalEntities: [{ name: 'ООО «Вектор Плюс»', inn: INN.vektor }],
    });
    await head('POST', '/api/clients', {
      displayName: 'Сибирские окна',
      addresses: [{ kind: 'hq', address: 'ул. Ленина, 1', city: 'Новосибирск' }],
    });
  },
});
const { newPage, signIn, shot } = e2e;

async function openImport(page: Page) {
  await signIn(page, HEAD.email);
  await page.getByRole('link', { name: 'Импорт' }).click();
  await page.getByRole('heading', { name: 'Импорт клиентов' }).waitFor();
}

/** Raw i18n keys left on screen: `import.…`, `errors.…` and friends. */
const rawKeys = (text: string) =>
  text.match(/\b(import|errors|common|nav|identityReason)\.[a-zA-Z_.]+/g) ?? [];

describe('import in the browser', () => {
  it('a head imports the amoCRM sample: mapping, duplicates, problems, apply, report, the clients exist', async () => {
    const page = await newPage();
    await openImport(page);
    await page.locator('input[type=file]').setInputFiles(SAMPLE);

    // Step 2: the amoCRM preset was detected and its mapping is filled in.
    const mapping = page.getByRole('table', { name: '2. Колонки' });
    await mapping.waitFor();
    await page.getByText('amocrm-companies-contacts.csv').first().waitFor();
    expect(await page.getByLabel('Шаблон').locator('..').innerText()).toContain('amoCRM');
    const nameRow = mapping.getByRole('row', { name: /Название клиента/ });
    expect(await nameRow.innerText()).toContain('Наименование');
    expect(await mapping.getByRole('row', { name: /^ИНН/ }).innerText()).toContain('ИНН');
    expect(
      await mapping.getByRole('row', { name: /Ответственный \(e-mail или имя\)/ }).innerText(),
    ).toContain('Ответственный');

    // Step 3: the decisions — «Вектор Плюс» linked by ИНН (with its contact and the file's repeat), a maybe.
    const decisions = page.getByRole('table', { name: 'Решения по клиентам' });
    const linked = decisions.getByRole('row', { name: /Уже в базе/ });
    expect(await linked.innerText()).toMatch(/2, 3, 19/);
    expect(await linked.innerText()).toMatch(/ИНН/);
    // The reason is worded in Russian from its code, not the server's English text.
    await linked.getByText(/тот же ИНН/).waitFor();
    expect(await linked.getByText(/same ИНН|same INN/).count()).toBe(0);
    await linked.getByRole('link', { name: 'Вектор Плюс' }).waitFor();
    const maybe = decisions.getByRole('row', { name: /Возможно, дубль/ });
    expect(await maybe.innerText()).toContain('Сибирские окна');
    // The problems: an invalid ИНН (row 9), an unknown manager (row 10), a row without a name (row 12).
    const issues = page.getByRole('table', { name: 'Проблемы в строках' });
    expect(
      await issues
        .getByRole('row', { name: /неверный ИНН/ })
        .first()
        .innerText(),
    ).toMatch(/^9\b/);
    await issues.getByText('менеджер не найден').first().waitFor();
    await issues.getByText('нет названия — строка пропущена').first().waitFor();
    await shot(page, 'import-preview');

    // An edited mapping must be rechecked before it can be applied: the preview would not match otherwise.
    const applyAny = page.getByRole('button', { name: /Импортировать \(\d+ новых\)/ });
    await mapping
      .getByRole('row', { name: /Примечания/ })
      .locator('.anticon-close')
      .click();
    await page.getByText('Колонки изменены').waitFor();
    expect(await applyAny.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Пересчитать с этими колонками' }).click();
    await page.getByText('Колонки изменены').waitFor({ state: 'detached' });
    expect(await applyAny.isEnabled()).toBe(true);
    // The server's answer kept the edit: «Примечания» is no longer mapped.
    expect(
      await mapping
        .getByRole('row', { name: /Примечания/ })
        .locator('.anticon-close')
        .count(),
    ).toBe(0);

    // Confirming the maybe adds one to the clients to create.
    const applyButton = page.getByRole('button', { name: /Импортировать \(\d+ новых\)/ });
    const before = Number((await applyButton.innerText()).match(/\d+/)![0]);
    await maybe.getByRole('checkbox').check();
    await page.getByRole('button', { name: `Импортировать (${before + 1} новых)` }).click();

    // Step 4: the result, its counts and the report.
    await page.getByText(/Импорт №\d+ выполнен/).waitFor();
    const counts = page.getByRole('table', { name: 'Итоги' }).or(page.getByLabel('Итоги')).first();
    const countsText = await counts.innerText();
    expect(countsText).toMatch(new RegExp(`Новых клиентов\\s+${before + 1}\\b`));
    expect(countsText).toMatch(/Уже в базе\s+1\b/);
    expect(countsText).toMatch(/Ошибок\s+2\b/);
    // The confirmed maybe was created: the result says so, and links the new client, not the namesake.
    const done = page.getByRole('table', { name: 'Решения по клиентам' });
    const confirmed = done.getByRole('row', { name: /Возможно, дубль/ });
    await confirmed.getByText('импортирован как новый').waitFor();
    await confirmed.getByRole('link', { name: 'ООО «Сибирские окна»' }).waitFor();
    await shot(page, 'import-done');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Скачать отчёт (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^import-\d+-report\.csv$/);
    const text = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    const report = Papa.parse<string[]>(text, { delimiter: ';', skipEmptyLines: true }).data;
    expect(report[0]!.slice(0, 3)).toEqual(['row', 'column', 'reason']);
    expect(report.some((r) => r[0] === '9' && r[2] === 'INVALID_INN')).toBe(true);

    // The import is in the list of past imports, applied.
    const past = page.getByRole('table', { name: 'Прошлые импорты' });
    const pastRow = past.getByRole('row', { name: /Выполнен/ }).first();
    expect(await pastRow.innerText()).toContain('amocrm-companies-contacts.csv');
    // The dry runs of the uploads are hidden unless asked for.
    expect(await past.getByRole('row', { name: /Предпросмотр/ }).count()).toBe(0);
    await page.getByRole('checkbox', { name: 'показать предпросмотры' }).check();
    await past
      .getByRole('row', { name: /Предпросмотр/ })
      .first()
      .waitFor();

    // The new clients exist: «Кто владелец?» finds one by name, with its owner from the file.
    await page.getByLabel('Кто владелец?').fill('Стройгарант');
    await page.getByText('Владелец: Вера Лебедева').first().waitFor();
    await page.getByLabel('Кто владелец?').fill(INN.severstal!);
    await page.getByText('Владелец: Борис Котов').first().waitFor();
    await page.getByLabel('Кто владелец?').fill('Сибирские окна');
    await page.getByText('ООО «Сибирские окна»').first().waitFor();
  }, 180_000);

  it('the wizard in English shows no raw i18n keys', async () => {
    const page = await newPage();
    await openImport(page);
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('heading', { name: 'Import clients' }).waitFor();
    await page.locator('input[type=file]').setInputFiles(SAMPLE);
    await page.getByRole('table', { name: 'Decisions per client' }).waitFor();
    await page.getByRole('table', { name: 'Past imports' }).waitFor();
    const text = await page.locator('body').innerText();
    expect(rawKeys(text)).toEqual([]);
    // Russian UI words the translation should have replaced.
    expect(text).not.toMatch(/Импорт клиентов|Решения по клиентам|Прошлые импорты/);
    // «Вектор Плюс» is linked by its ИНН again: the reason in English words.
    expect(text).toContain('same INN');
    expect(text).not.toContain('тот же ИНН');
    await shot(page, 'import-en');
  }, 120_000);
});
