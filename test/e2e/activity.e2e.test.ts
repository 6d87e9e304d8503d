import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess, startServerProcess } from '../support/processes.ts';
import { e2eEnvironment } from './environment.ts';
import { ADMIN, HEAD, MARIA, PETR, seed } from './seed.ts';
import { seedActivity } from './seed-activity.ts';

/**
 * Browser journeys of touches, the dashboard, notifications, plans and the head's sweep.
 * Screenshots (Russian UI) go to docs/screenshots/; timings are printed at the end.
 */
let seeded: Awaited<ReturnType<typeof seed>>;
const e2e = e2eEnvironment('activity', {
  seed: async ({ server, timings }) => {
    const t0 = Date.now();
    seeded = await seed(server.url);
    await seedActivity(server.url, seeded, 26);
    timings.push(`seeding (29 managers, touches, deals) through the API: ${Date.now() - t0} ms`);
  },
  timings: 'Activity browser timings',
});
const { newPage, signIn, shot, timings } = e2e;

/** A chart is drawn: ECharts finished rendering into its SVG; returns what it drew. */
async function chartDrawn(page: Page, name: string) {
  const chart = page.getByRole('img', { name, exact: true });
  await expect.poll(() => chart.getAttribute('data-drawn'), { timeout: 20_000 }).toBe('true');
  return {
    series: Number(await chart.getAttribute('data-series')),
    paths: await chart.locator('svg path').count(),
    texts: await chart.locator('svg text').allTextContents(),
  };
}

describe('activity in the browser', () => {
  it('a manager logs a call after the contact check and sees it in the timeline', async () => {
    const page = await newPage();
    await signIn(page, PETR.email);
    await page.getByRole('link', { name: 'Моя база' }).first().waitFor();
    await page.goto(`${e2e.server.url}/clients/${seeded.unixId}`);
    await page.getByRole('heading', { name: 'Юникс' }).waitFor();
    // lastContact: the seeded touches make it known who spoke to them last.
    await page
      .getByText(/Наша компания последний раз связывалась \d{2}\.\d{2}\.\d{4}: Пётр Иванов/)
      .waitFor();

    const form = page.getByRole('region', { name: 'Записать касание' });
    await form.getByLabel('Результат').click();
    await page.getByTitle('Дозвонились', { exact: true }).click();
    await form.getByLabel('Следующий шаг', { exact: true }).fill('Отправить медиаплан');
    await form.getByLabel('Текст').fill('Обсудили эфир на январь');
    const started = Date.now();
    await form.getByRole('button', { name: 'Записать' }).click();
    await page.getByText('Касание записано').waitFor();
    const timeline = page.getByRole('region', { name: 'Касания и события' });
    await timeline.getByText('Обсудили эфир на январь').waitFor();
    timings.push(`log a call (contact-check + save) → in the timeline: ${Date.now() - started} ms`);
    const text = (await timeline.textContent()) ?? '';
    expect(text).toContain('Звонок');
    expect(text).toContain('Следующий шаг: Отправить медиаплан');
    // Ownership events are interleaved with touches.
    expect(text).toContain('Создан');
    // Deals: the won one with its dates.
    const deals = page.getByRole('table', { name: 'Сделки' });
    await deals.getByText('Эфир на Радио Самара, декабрь').waitFor();
    expect(await deals.textContent()).toContain('Выиграна');
    await shot(page, 'client-activity');
  });

  it('a foreign touch warns first, and the owner’s bell shows it unread', async () => {
    const maria = await newPage();
    await signIn(maria, MARIA.email);
    await maria.getByRole('link', { name: 'Моя база' }).first().waitFor();
    await maria.goto(`${e2e.server.url}/clients/${seeded.unixId}`);
    const form = maria.getByRole('region', { name: 'Записать касание' });
    await form.getByLabel('Текст').fill('Звонила по рекомендации');
    await form.getByRole('button', { name: 'Записать' }).click();
    const dialog = maria.getByRole('dialog', { name: 'Перед записью — правило одного голоса' });
    await dialog.getByText(/Клиент в базе: Пётр Иванов/).waitFor();
    await dialog.getByRole('button', { name: 'Всё равно записать' }).click();
    await maria.getByText('Касание записано').waitFor();

    const petr = await newPage();
    await signIn(petr, PETR.email);
    const bell = petr.getByRole('link', { name: /Уведомления, непрочитанных: [1-9]/ });
    await bell.waitFor();
    await bell.click();
    await petr.getByRole('heading', { name: /Уведомления/ }).waitFor();
    const inbox = petr.getByRole('region', { name: 'Входящие' });
    await inbox.getByText(/Юникс/).first().waitFor();
    await inbox
      .getByRole('button', { name: /^Отметить прочитанным/ })
      .first()
      .waitFor();
    await petr.getByRole('region', { name: 'На сегодня' }).waitFor();
    await shot(petr, 'notifications');
    await petr.getByRole('button', { name: 'Прочитать все' }).click();
    await petr.getByRole('link', { name: 'Уведомления, непрочитанных: 0' }).waitFor();
  });

  it('the head lands on the dashboard and its charts draw the seeded team', async () => {
    const page = await newPage();
    const started = Date.now();
    await signIn(page, HEAD.email);
    await page.getByRole('heading', { name: 'Дашборд' }).waitFor();
    const coverage = await chartDrawn(page, 'Охват базы за 30 дн.');
    const cap = await chartDrawn(page, 'База и лимит');
    const trends = await chartDrawn(page, 'Касания по неделям (26 недель)');
    const nav = await page.evaluate(() => Math.round(performance.now()));
    timings.push(
      `head sign-in click → dashboard's 3 charts drawn: ${Date.now() - started} ms (page clock ${nav} ms)`,
    );
    // Five stacked series (met / called / only e-mailed / other / untouched), base + cap, 5 kinds + won.
    expect(coverage.series).toBe(5);
    expect(cap.series).toBe(2);
    expect(trends.series).toBe(6);
    // Bars are drawn as SVG paths; 29 managers × 5 buckets would be far more than are in the window.
    expect(coverage.paths).toBeGreaterThan(25);
    expect(coverage.texts).toContain('Встреча');
    expect(trends.paths).toBeGreaterThan(5);
    // 29 managers: the bars scroll (dataZoom slider), the table shows the revenue of the won deal.
    const results = page.getByRole('table', { name: 'Выручка и конверсия (90 дней)' });
    await results.getByRole('link', { name: PETR.name }).waitFor();
    expect(await results.textContent()).toMatch(/450\s000\s₽/);
    await shot(page, 'dashboard');

    // Window switch re-draws the same chart for 7 days.
    await page.getByText('7 дн.', { exact: true }).click();
    const week = await chartDrawn(page, 'Охват базы за 7 дн.');
    expect(week.series).toBe(5);

    // Click-through: a manager's row narrows the dashboard to them, the lists link to client cards.
    await results.getByRole('link', { name: PETR.name }).click();
    await expect.poll(() => page.url()).toContain('manager=');
    await page.getByRole('table', { name: 'Без касаний 30 дней' }).waitFor();
    const one = await chartDrawn(page, 'Охват базы за 7 дн.');
    expect(one.series).toBe(5);
  });

  it('a manager plans the week and sees plan vs fact', async () => {
    const page = await newPage();
    await signIn(page, MARIA.email);
    await page.getByRole('link', { name: 'План недели' }).click();
    await page.getByRole('heading', { name: 'План недели' }).waitFor();
    const picker = page.getByLabel('Добавить клиента в план (поиск)');
    await picker.click();
    await picker.fill('Бассейн');
    await page.getByTitle('Бассейн Драйв', { exact: true }).click();
    await page.getByLabel('Цель по клиенту «Бассейн Драйв»').fill('Встреча с директором');
    await picker.click();
    await picker.fill('Автосалон');
    await page.getByTitle('Автосалон Лидер', { exact: true }).click();
    await page.getByRole('button', { name: 'Сохранить план' }).click();
    await page.getByText('План сохранён: клиентов 2').waitFor();
    const report = page.getByRole('table', { name: 'План и факт за неделю' });
    await report.getByRole('cell', { name: MARIA.name }).waitFor();
    expect(await report.textContent()).toMatch(/2/);
    await shot(page, 'plans');
  });

  it('a head checks the sweep without changes, then runs it', async () => {
    const page = await newPage();
    await signIn(page, HEAD.email);
    await page.getByRole('link', { name: 'Возврат и лимиты' }).click();
    await page.getByRole('button', { name: 'Проверить (без изменений)' }).click();
    await page.getByText(/Проверка на .* \(правила v\d+\): вернутся \d+/).waitFor();
    await page.getByRole('table', { name: 'Результат проверки возврата' }).waitFor();
    await page.getByRole('button', { name: 'Выполнить' }).click();
    await page.getByRole('tooltip').getByRole('button', { name: 'Выполнить' }).click();
    await page.getByText(/Выполнено .* \(правила v\d+\)/).waitFor();
    await page.getByRole('button', { name: 'Рассчитать (без изменений)' }).click();
    await page
      .getByRole('table', { name: 'Пересмотр лимитов' })
      .getByRole('cell', { name: PETR.name })
      .waitFor();
    await shot(page, 'sweep');
  });
});

/**
 * The dashboard at scale, opt in: FAIRBASE_E2E_SCALE=<clients> loads the demo company (`fairbase
 * demo`) into a second data folder, then times a head's sign-in → the three charts drawn. The demo
 * has ownership history but no touches, so coverage is mostly «без касаний»: the figure is about
 * aggregating the bases, not drawing more bars.
 */
const SCALE = Number(process.env.FAIRBASE_E2E_SCALE ?? 0);
describe.runIf(SCALE > 0)('the dashboard with a demo company', () => {
  let big: Awaited<ReturnType<typeof startServerProcess>>;
  let bigDir: string;
  let headEmail: string;
  beforeAll(async () => {
    bigDir = process.env.FAIRBASE_E2E_SCALE_DIR ?? mkdtempSync(join(tmpdir(), 'fairbase-e2e-scale-'));
    const env = {
      FAIRBASE_DATA_DIR: bigDir,
      FAIRBASE_ADMIN_EMAIL: ADMIN.email,
      FAIRBASE_ADMIN_PASSWORD: ADMIN.password,
    };
    const t0 = Date.now();
    const demo = await runCliProcess(['--json', 'demo', '--clients', String(SCALE)], env);
    if (demo.code === 0) {
      const res = JSON.parse(demo.stdout) as { users: { email: string; role: string }[] };
      headEmail = res.users.find((u) => u.role === 'head')!.email;
      timings.push(`demo company of ${SCALE} clients loaded: ${Date.now() - t0} ms`);
    } else {
      // Already loaded (FAIRBASE_E2E_SCALE_DIR reused): the head is in the CLI's user list.
      const list = await runCliProcess(['--json', 'user', 'list'], env);
      headEmail = (JSON.parse(list.stdout) as { email: string; role: string }[]).find(
        (u) => u.role === 'head',
      )!.email;
    }
    big = await startServerProcess({ ...env, DATABASE_URL: '' });
  }, 3_600_000);
  afterAll(async () => {
    await big?.stop();
    if (!process.env.FAIRBASE_E2E_SCALE_DIR && bigDir) rmSync(bigDir, { recursive: true, force: true });
  });

  it('draws the charts for the whole team', async () => {
    const page = await newPage();
    await page.goto(big.url);
    await page.getByLabel('Электронная почта').fill(headEmail);
    await page.getByLabel('Пароль').fill('fairbase-demo');
    const started = Date.now();
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { name: 'Дашборд' }).waitFor();
    const coverage = await chartDrawn(page, 'Охват базы за 30 дн.');
    await chartDrawn(page, 'База и лимит');
    await chartDrawn(page, 'Касания по неделям (26 недель)');
    timings.push(
      `${SCALE} demo clients: head sign-in click → dashboard's 3 charts drawn: ${Date.now() - started} ms`,
    );
    const t1 = Date.now();
    await page.reload();
    await chartDrawn(page, 'Охват базы за 30 дн.');
    await chartDrawn(page, 'База и лимит');
    await chartDrawn(page, 'Касания по неделям (26 недель)');
    timings.push(`${SCALE} demo clients: reload /dashboard → 3 charts drawn: ${Date.now() - t1} ms`);
    expect(coverage.series).toBe(5);
  }, 300_000);
});
