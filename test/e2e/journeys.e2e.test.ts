import { describe, expect, it } from 'vitest';
import { bulkPool } from './bulk-pool.ts';
import { e2eEnvironment } from './environment.ts';
import { ADMIN, forceUnixDuplicate, HEAD, MARIA, PASSWORD, PETR, seed } from './seed.ts';

/** The pool the journeys work in: this many plain clients plus the seeded ones (E2E_POOL_CLIENTS=0 to skip). */
const BULK = Number(process.env.E2E_POOL_CLIENTS ?? 100_000);
let seeded: Awaited<ReturnType<typeof seed>>;
const e2e = e2eEnvironment('journeys', {
  seed: async ({ server, dataDir, offline, timings }) => {
    seeded = await seed(server.url);
    if (BULK > 0) {
      // The folder belongs to one process at a time: stop, add the large pool, start again.
      await offline(async () => {
        const t1 = Date.now();
        await bulkPool(dataDir, BULK);
        timings.push(
          `${BULK.toLocaleString('en')} pool clients added to the data folder: ${Date.now() - t1} ms`,
        );
      });
    }
  },
  pageTimeout: 30_000, // a loaded shared CI box: 100,000 pool clients and slow first paints
  timings: 'Browser timings',
});
const { newPage, signIn, shot, timings } = e2e;

describe('a manager’s day in the browser', () => {
  it('signs in, claims from the pool, hits the cap and swaps, sees the timeline', async () => {
    const page = await newPage();
    await page.goto(e2e.server.url);
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { dcl: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd) };
    });
    await page.getByLabel('Электронная почта').waitFor();
    await shot(page, 'sign-in');
    timings.push(`first load of the sign-in page: DOMContentLoaded ${nav.dcl} ms, load ${nav.load} ms`);

    await page.getByLabel('Электронная почта').fill(MARIA.email);
    await page.getByLabel('Пароль').fill(PASSWORD);
    const started = Date.now();
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('row', { name: /Бассейн Драйв/ }).waitFor();
    timings.push(`sign-in click → «Моя база» rows rendered: ${Date.now() - started} ms`);

    const meter = page.getByRole('meter', { name: 'Заполненность базы' });
    await expect.poll(() => meter.getAttribute('aria-valuetext')).toBe('2 / 3');
    await expect.poll(() => page.getByRole('cell', { name: '—' }).count()).toBeGreaterThan(0);
    await shot(page, 'base');

    const poolStarted = Date.now();
    await page.getByRole('link', { name: 'Копилка' }).click();
    await page
      .getByRole('button', { name: /^Взять «/ })
      .first()
      .waitFor();
    timings.push(
      `«Копилка» click → first page of a ${(BULK + 8).toLocaleString('en')}-client pool rendered: ${Date.now() - poolStarted} ms`,
    );
    // Page through on the server, then search it.
    await page.getByRole('button', { name: 'Дальше' }).click();
    await page.getByText('Страница 2').waitFor();
    const search = page.getByLabel('Поиск в копилке');
    if (BULK > 0) {
      const searchStarted = Date.now();
      await search.fill(`копилки ${BULK - 1}`);
      await page.getByRole('button', { name: `Взять «Клиент копилки ${BULK - 1}»` }).waitFor();
      timings.push(
        `pool search typed → the one match rendered: ${Date.now() - searchStarted} ms (300 ms of it is the typing pause)`,
      );
      await page.getByText('Страница 1').waitFor();
    }
    await search.fill('Автосалон');
    await page.getByRole('button', { name: 'Взять «Автосалон Лидер»' }).click();
    await page.getByText('«Автосалон Лидер» теперь в вашей базе').waitFor();
    await expect.poll(() => meter.getAttribute('aria-valuetext')).toBe('3 / 3');
    await shot(page, 'pool');

    // At the cap: the swap dialog proposes the client claimed longest ago.
    await search.fill('Глазная');
    await page.getByRole('button', { name: 'Взять «Глазная клиника Айболит»' }).click();
    const dialog = page.getByRole('dialog', { name: 'База заполнена — обменять?' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByRole('radio', { name: /Бассейн Драйв/ }).isChecked()).toBe(true);
    await shot(page, 'swap');
    await dialog.getByRole('button', { name: 'Обменять' }).click();
    await page.getByText('Обмен выполнен: «Глазная клиника Айболит» в вашей базе').waitFor();

    // The released client can't be taken back at once: the cooldown names its date.
    await search.fill('Бассейн');
    await page.getByRole('button', { name: 'Взять «Бассейн Драйв»' }).click();
    await page.getByRole('alert').filter({ hasText: 'взять снова можно после' }).waitFor();
    const alert = await page.getByRole('alert').filter({ hasText: 'взять снова можно после' }).innerText();
    expect(alert).toMatch(/\d{2}\.\d{2}\.\d{4}/);

    await page.getByRole('link', { name: 'Моя база' }).click();
    await page.getByRole('link', { name: 'Глазная клиника Айболит' }).click();
    await page.getByRole('heading', { name: 'Глазная клиника Айболит' }).waitFor();
    const timeline = page.getByRole('region', { name: 'Касания и события' });
    await timeline.getByText('Взят из копилки в обмен').waitFor();
    expect(await timeline.innerText()).toContain(`кому: ${MARIA.name}`);

    // The client Мария gave back shows why it returned to the pool.
    await page.goto(`${e2e.server.url}/clients/${seeded.pool[6]}`);
    await page
      .getByRole('region', { name: 'Касания и события' })
      .getByText('Возвращён в копилку при обмене')
      .waitFor();

    // Bulk release from «Моя база», with a reason that the timeline then shows.
    await page.getByRole('link', { name: 'Моя база' }).click();
    await page.getByLabel('Выбрать «Автосалон Лидер»').check();
    await page.getByRole('button', { name: 'Вернуть в копилку (1)' }).click();
    const release = page.getByRole('dialog', { name: 'Вернуть в копилку клиентов: 1' });
    await release.getByRole('button', { name: 'Вернуть' }).click();
    await release.getByText('Укажите причину').waitFor();
    await release.getByLabel('Причина').fill('не наш профиль');
    await release.getByRole('button', { name: 'Вернуть' }).click();
    await page.getByText('Возвращено в копилку: 1').waitFor();
    await expect.poll(() => meter.getAttribute('aria-valuetext')).toBe('2 / 3');
    await page.goto(`${e2e.server.url}/clients/${seeded.pool[0]}`);
    const history = page.getByRole('region', { name: 'Касания и события' });
    await history.getByText('Возвращён в копилку владельцем').waitFor();
    expect(await history.innerText()).toContain('не наш профиль');
  });

  it('«Кто владелец?» finds Юникс by a fragment of its brand, with the owner (Ctrl+K)', async () => {
    const page = await newPage();
    await signIn(page, MARIA.email);
    await page.getByRole('link', { name: 'Копилка' }).waitFor();
    await page.keyboard.press('Control+k');
    await page.keyboard.type('электроц');
    const owner = page.getByText(`Владелец: ${PETR.name}`);
    await owner.waitFor();
    await page.locator('mark', { hasText: /^Электроц$/ }).waitFor();
    expect(await page.getByText('Бренд:').count()).toBeGreaterThan(0);
    await shot(page, 'lookup');
    await page.getByText('Юникс', { exact: true }).click();
    await page.getByRole('heading', { name: 'Юникс' }).waitFor();
    await page.getByRole('table', { name: 'Юридические лица' }).getByText('7707083893').waitFor();
    await page.getByText('ЛПР').waitFor();
    await page.getByText('Не беспокоить').waitFor();
    await shot(page, 'client');
  });

  it('creating a client that already exists offers linking to it', async () => {
    const page = await newPage();
    await signIn(page, MARIA.email);
    const box = page.getByLabel('Кто владелец?');
    await box.fill('Юникс Самара');
    await page.getByText('+ Создать клиента «Юникс Самара»').click();
    const dialog = page.getByRole('dialog', { name: 'Новый клиент' });
    await dialog.getByLabel('ИНН').fill('7707083892');
    await dialog.getByRole('button', { name: 'Создать' }).click();
    await dialog.getByText('Не сходится контрольная сумма').waitFor();
    await dialog.getByLabel('ИНН').fill('7707083893');
    await dialog.getByRole('button', { name: 'Создать' }).click();
    await dialog.getByText('Похоже, такой клиент уже есть').first().waitFor();
    await shot(page, 'duplicate');
    await dialog.getByRole('button', { name: 'Привязать к существующему' }).click();
    await page.waitForURL(`**/clients/${seeded.unixId}`);
    await page.getByRole('heading', { name: 'Юникс' }).waitFor();
  });
});

describe('a head of sales', () => {
  it('edits the rules: a new version appears, with its diff', async () => {
    const page = await newPage();
    await signIn(page, HEAD.email);
    await page.getByRole('link', { name: 'Правила' }).click();
    const cap = page.getByLabel('Лимит клиентов в базе');
    await cap.fill('180');
    await page.getByLabel('Комментарий к изменению').fill('меньше базы');
    await page.getByRole('button', { name: 'Сохранить новую версию' }).click();
    await page.getByText('Сохранена версия 2').waitFor();
    const versions = page.getByRole('table', { name: 'Версии правил' });
    await versions.getByRole('cell', { name: 'меньше базы' }).waitFor();
    const diff = page.getByRole('table', { name: 'Разница между версиями' });
    const row = diff.getByRole('row', { name: /Лимит клиентов в базе/ });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/200\s+180/);
    await shot(page, 'policy');

    // Transfer Юникс to Мария with a reason: the owner changes and the timeline says why.
    await page.getByLabel('Кто владелец?').fill('Юникс');
    // The option's title (the name also shows, highlighted, as the matched field).
    await page.getByText('Юникс', { exact: true }).first().click();
    await page.getByRole('heading', { name: 'Юникс' }).waitFor();
    await page.getByRole('button', { name: 'Передать' }).click();
    const transfer = page.getByRole('dialog', { name: 'Передать клиента менеджеру' });
    await transfer.getByLabel('Кому').click();
    await page.getByTitle(new RegExp(`^${MARIA.name}`)).click();
    await transfer.getByLabel('Причина передачи').fill('Пётр в отпуске');
    await transfer.getByRole('button', { name: 'Передать' }).click();
    // Юникс is under claim protection: the server's «no» is shown with its date, then overridden.
    await transfer
      .getByRole('alert')
      .filter({ hasText: /Клиент защищён до \d{2}\.\d{2}\.\d{4}/ })
      .waitFor();
    await transfer.getByLabel('Передать, несмотря на защиту').check();
    await transfer.getByRole('button', { name: 'Передать' }).click();
    await page
      .getByRole('table', { name: 'Владельцы по направлениям' })
      .getByRole('cell', { name: MARIA.name })
      .waitFor();
    const history = page.getByRole('region', { name: 'Касания и события' });
    await history.getByText('Передан руководителем').waitFor();
    expect(await history.innerText()).toContain('Пётр в отпуске');

    // A branch entered with Юникс's ИНН, forced through the duplicate check with a reason: the
    // review lists it beside the client it matched, until someone merges them.
    await forceUnixDuplicate(e2e.server.url, 'Юникс Тольятти', 'отдельный договор филиала');
    await page.getByRole('link', { name: 'Проверка базы' }).click();
    await page.getByRole('heading', { name: 'Проверка базы' }).waitFor();
    await page.getByRole('tab', { name: /Созданы вопреки дублю/ }).click();
    const forced = page.getByRole('row', { name: /Юникс Тольятти/ });
    await forced.waitFor();
    const forcedText = await forced.innerText();
    expect(forcedText).toContain('отдельный договор филиала');
    expect(forcedText).toContain(HEAD.name);
    expect(forcedText).toMatch(/Юникс: .*тот же ИНН/);
    await shot(page, 'review');
  });

  it('switches the UI to English and back; the choice survives a reload', async () => {
    const page = await newPage();
    await signIn(page, HEAD.email);
    await page.getByRole('link', { name: 'Правила' }).waitFor();
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('link', { name: 'Rules' }).waitFor();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor(); // a head lands on the dashboard
    await page.reload();
    await page.getByRole('link', { name: 'Pool' }).waitFor();
    await page.getByText('RU', { exact: true }).click();
    await page.getByRole('link', { name: 'Копилка' }).waitFor();
    await page.getByRole('heading', { name: 'Дашборд' }).waitFor();
  });
});

describe('the profile', () => {
  it('changes one’s own password', async () => {
    const page = await newPage();
    await signIn(page, PETR.email);
    await page.getByRole('link', { name: 'Профиль' }).click();
    await page.getByLabel('Текущий пароль').fill(PASSWORD);
    await page.getByLabel('Новый пароль', { exact: true }).fill('petr-new-pass-2');
    await page.getByLabel('Новый пароль ещё раз').fill('petr-new-pass-3');
    await page.getByRole('button', { name: 'Сменить пароль' }).click();
    await page.getByText('Пароли не совпадают').waitFor();
    await page.getByLabel('Новый пароль ещё раз').fill('petr-new-pass-2');
    await page.getByRole('button', { name: 'Сменить пароль' }).click();
    await page.getByText('Пароль изменён').waitFor();
    await shot(page, 'profile');
    await page.getByRole('button', { name: 'Выйти' }).first().click();
    await signIn(page, PETR.email, 'petr-new-pass-2');
    await page.getByRole('heading', { name: 'Моя база' }).waitFor();
  });
});

describe('an administrator', () => {
  it('sees the users and changes a role', async () => {
    const page = await newPage();
    await signIn(page, ADMIN.email, ADMIN.password);
    const table = page.getByRole('table', { name: 'Пользователи' });
    await table.getByRole('cell', { name: PETR.email }).waitFor();
    await shot(page, 'users');
    await page.getByLabel(`Роль: ${PETR.name}`).click();
    await page.getByTitle('Руководитель продаж').last().click();
    await page.getByText('Сохранено').waitFor();
  });
});
