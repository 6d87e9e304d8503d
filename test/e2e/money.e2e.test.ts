import { describe, expect, it } from 'vitest';
import { e2eEnvironment } from './environment.ts';
import { changePolicy, HEAD, MARIA, PASSWORD, PETR, POOL_NAMES, seed, signIn as apiSignIn } from './seed.ts';

/**
 * Browser journeys of «Комиссия и дебиторка» (C12, C22), the «Моя база» columns and filters, key
 * clients and a handover by hand (C17), and the dispute screens in English.
 *
 * Seed: Пётр owns Юникс; Мария logs a held meeting and a won order (1 000 000 ₽) on it, the dispute
 * is split by the head 30/70 (Пётр originator, Мария closer). Пётр has an order won 50 days ago,
 * due 45 days ago, unpaid (31–60 bucket). Мария holds «Бассейн Драйв» (no touches) and «Школа
 * танцев Ритм» (a call with a next step); Пётр asks for the latter in a dispute.
 */
const DAY = 86_400_000;
let seeded: Awaited<ReturnType<typeof seed>>;
let openDisputeId: number;
const e2e = e2eEnvironment('money', {
  seed: async ({ server }) => {
    seeded = await seed(server.url);
    await changePolicy(
      server.url,
      (p) => ({
        ...p,
        disputes: { ...p.disputes, autoResolution: 'head_decides' },
        commission: { ...p.commission, holdBackUnpaid: true },
      }),
      'disputes go to the head; commission on unpaid orders held back',
    );
    const asHead = await apiSignIn(server.url, HEAD.email, PASSWORD);
    const asMaria = await apiSignIn(server.url, MARIA.email, PASSWORD);
    const asPetr = await apiSignIn(server.url, PETR.email, PASSWORD);
    const now = Date.now();
    await asPetr('POST', `/api/clients/${seeded.unixId}/touches`, { kind: 'email', body: 'маркетологу' });
    await asMaria('POST', `/api/clients/${seeded.unixId}/touches`, {
      kind: 'meeting',
      direction: 'inbound',
      outcome: 'meeting_held',
    });
    await asMaria('POST', `/api/clients/${seeded.unixId}/deals`, {
      title: 'Эфир на декабрь',
      amountKopecks: 100_000_000,
      stage: 'won',
    });
    const open = await asHead('GET', '/api/disputes?status=open');
    const wonDispute = open.items.find((d: any) => d.clientId === seeded.unixId);
    await asHead('POST', `/api/disputes/${wonDispute.id}/decide`, {
      resolution: 'split',
      ownerBps: 3_000,
      comment: 'Пётр привёл клиента, Мария закрыла',
    });
    // Пётр's overdue order (31–60 days).
    await asPetr('POST', `/api/clients/${seeded.pool[2]}/claim`);
    await asPetr('POST', `/api/clients/${seeded.pool[2]}/deals`, {
      title: 'Каталог',
      amountKopecks: 25_000_000,
      stage: 'won',
      wonAt: new Date(now - 50 * DAY).toISOString(),
      dueAt: new Date(now - 45 * DAY).toISOString(),
    });
    await asMaria('POST', `/api/clients/${seeded.pool[7]}/touches`, {
      kind: 'call',
      outcome: 'reached',
      nextStep: 'Отправить КП на абонементы',
      nextStepAt: new Date(now + 3 * DAY).toISOString(),
    });
    openDisputeId = (
      await asPetr('POST', '/api/disputes', { clientId: seeded.pool[7], reason: 'Я знаю их директора' })
    ).id;
  },
  timings: 'Money browser timings',
});
const { newPage, signIn, shot, timings } = e2e;
const RAW_KEY = /\b(disputes|activity|money|handover|baseWork|eventWhy|clientKey)\.[a-zA-Z]/;

describe('commission and receivables in the browser', () => {
  it('a head sees every manager, drills down to the credit shares, downloads the XLSX, sees aging', async () => {
    const t0 = Date.now();
    const page = await newPage();
    await signIn(page, HEAD.email);
    await page.getByRole('link', { name: 'Комиссия и дебиторка' }).click();
    await page.getByRole('heading', { name: 'Комиссия и дебиторка' }).waitFor();
    const table = page.getByRole('table', { name: 'Комиссия по менеджерам' });
    const maria = table.getByRole('row', { name: new RegExp(MARIA.name) }).first();
    await maria.waitFor();
    await table
      .getByRole('row', { name: new RegExp(PETR.name) })
      .first()
      .waitFor();
    // 70 % of 1 000 000 ₽ credited to Мария, in ru-RU money.
    expect((await maria.textContent())?.replace(/\s/g, '')).toContain('700000,00₽');
    await page.getByRole('button', { name: `Заказы: ${MARIA.name}` }).click();
    const lines = page.getByRole('table', { name: 'Заказы и доли в зачёте' });
    const line = lines.getByRole('row', { name: /Эфир на декабрь/ });
    await line.waitFor();
    const text = (await line.textContent()) ?? '';
    expect(text).toContain('закрыл');
    expect(text).toContain('70 %');
    expect(text).toContain('Юникс');
    // The receivables: Пётр's order in the 31–60 bucket, the chart drawn.
    const chart = page.getByRole('img', { name: 'Просроченная дебиторка по менеджерам и срокам' });
    await expect.poll(() => chart.getAttribute('data-drawn')).toBe('true');
    expect(await chart.locator('path').count()).toBeGreaterThan(0);
    const overdue = page.getByRole('table', { name: 'Просроченные заказы' });
    const row = overdue.getByRole('row', { name: /Каталог/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(PETR.name);
    expect((await row.textContent())?.replace(/\s/g, '')).toContain('250000,00₽');
    await shot(page, 'money');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Скачать XLSX' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^commission-\d{4}-\d{2}\.xlsx$/);
    timings.push(`money screen with drill-down and download: ${Date.now() - t0} ms`);

    // A manager sees only her own figures.
    const m = await newPage();
    await signIn(m, MARIA.email);
    await m.getByRole('link', { name: 'Комиссия и дебиторка' }).click();
    await m.getByText('Моя комиссия за месяц').waitFor();
    const mine = m.getByRole('table', { name: 'Комиссия по менеджерам' });
    await mine
      .getByRole('row', { name: new RegExp(MARIA.name) })
      .first()
      .waitFor();
    expect(await mine.getByText(PETR.name).count()).toBe(0);
    await m.getByText('Просроченных оплат нет').waitFor();
  }, 240_000);
});

describe('«Моя база»: last touch, next step and the attention filters', () => {
  it('shows the owner’s last touch and next step; filters the untouched and this week’s plan', async () => {
    const page = await newPage();
    await signIn(page, MARIA.email);
    await page.getByRole('link', { name: 'Моя база' }).click();
    const table = page.getByRole('table', { name: 'Клиенты моей базы' });
    const ritm = table.getByRole('row', { name: /Школа танцев Ритм/ });
    await ritm.waitFor();
    const text = (await ritm.textContent()) ?? '';
    expect(text).toContain('Звонок');
    expect(text).toContain('Отправить КП на абонементы');
    expect(text).toMatch(/\d{2}\.\d{2}\.\d{4}/);
    expect(await table.getByRole('row', { name: /Бассейн Драйв/ }).textContent()).toContain(
      'касаний не было',
    );
    await page.getByLabel('Что требует внимания').click();
    await page.getByTitle('Без касаний 30+ дней').click();
    await table.getByRole('link', { name: POOL_NAMES[6]! }).waitFor();
    expect(await table.getByRole('link', { name: POOL_NAMES[7]! }).count()).toBe(0);
    await page.getByLabel('Что требует внимания').click();
    await page.getByTitle('В плане этой недели').click();
    await page.getByText('Никто не подходит под фильтры').waitFor();
  }, 240_000);
});

describe('key clients and a handover by hand', () => {
  it('a head marks a key client on its card, then assigns clients by hand and sees the new bases', async () => {
    const page = await newPage();
    await signIn(page, HEAD.email);
    await page.getByRole('link', { name: 'Передача базы' }).waitFor();
    await page.goto(`${e2e.server.url}/clients/${seeded.pool[7]}`);
    await page.getByRole('heading', { name: POOL_NAMES[7]! }).waitFor();
    // One timeline: touches and ownership events, no second «История» card.
    await page
      .getByRole('region', { name: 'Касания и события' })
      .getByText('Взят из копилки')
      .first()
      .waitFor();
    expect(await page.getByRole('region', { name: 'История' }).count()).toBe(0);
    await page.getByRole('switch', { name: 'Ключевой клиент' }).click();
    await page.getByText('Клиент отмечен ключевым').waitFor();
    await page.getByText('ключевой клиент', { exact: true }).waitFor();

    await page.getByRole('link', { name: 'Передача базы' }).click();
    await page.getByLabel('Менеджер').click();
    await page.getByTitle(new RegExp(`^${MARIA.name}`)).click();
    await page.getByRole('radio', { name: 'уходит' }).check();
    await page.getByRole('radio', { name: 'вручную' }).check();
    await page.getByLabel('Получатели').click();
    await page.getByTitle(PETR.name, { exact: true }).click();
    await page.keyboard.press('Escape');
    // The receivers' dropdown closes with an animation; until it is gone it still matches
    // `.ant-select-dropdown:visible` (and holds a «Пётр Иванов» option) — a later pick must not hit it.
    await expect
      .poll(() => page.locator('.ant-select-dropdown:visible').count(), { timeout: 10_000 })
      .toBe(0);
    await page.getByRole('button', { name: 'Показать распределение' }).click();
    const receivers = page.getByRole('table', { name: 'Базы получателей' });
    const petrRow = receivers.getByRole('row', { name: new RegExp(PETR.name) });
    await petrRow.waitFor();
    // Nothing assigned yet: Пётр (Юникс and «Торговый дом») receives none; both of Мария's go to the pool.
    await expect.poll(() => petrRow.textContent()).toMatch(/^[^/]*2\D*0\D*2 \//);
    await page.getByText('В копилку: 2').waitFor();
    const clients = page.getByRole('table', { name: 'Клиенты' });
    const ritm = clients.getByRole('row', { name: new RegExp(POOL_NAMES[7]!) });
    await expect.poll(() => ritm.textContent()).toContain('ключевой');
    await page.getByLabel(`Кому передать «${POOL_NAMES[6]}»`).click();
    await page.locator('.ant-select-dropdown:visible').getByTitle(PETR.name).click();
    await expect.poll(() => petrRow.textContent()).toMatch(/^[^/]*2\D*1\D*3 \//);
    await page.getByText('В копилку: 1').waitFor();
    await shot(page, 'handover-manual');
  }, 240_000);
});

describe('disputes in English', () => {
  it('every dispute screen and form shows words, not keys, and touch kinds as labels', async () => {
    const page = await newPage();
    await signIn(page, HEAD.email);
    await page.getByRole('link', { name: 'Споры' }).waitFor();
    await page.getByText('EN', { exact: true }).click();
    await page.getByRole('link', { name: 'Disputes' }).click();
    await page.getByRole('heading', { name: 'Disputes' }).waitFor();
    await page.getByRole('link', { name: POOL_NAMES[7]! }).waitFor();
    expect(await page.locator('main').first().innerText()).not.toMatch(RAW_KEY);
    await page.goto(`${e2e.server.url}/disputes/${openDisputeId}`);
    const owner = page.getByRole('table', { name: "Owner's touches" });
    const call = owner.getByRole('row', { name: /Call/ });
    await call.waitFor();
    expect(await call.textContent()).toContain('Reached');
    await page.getByRole('button', { name: 'Decide' }).waitFor();
    const body = await page.locator('main').first().innerText();
    expect(body).not.toMatch(RAW_KEY);
    expect(body).not.toMatch(/\bcall\b|\breached\b/);
    // The resolved (split) dispute over Юникс: the claimant's held meeting in words.
    await page
      .getByRole('link', { name: /Disputes|All disputes/ })
      .first()
      .click();
    await page.getByRole('link', { name: 'Юникс' }).click();
    await page.getByText('Meeting held').first().waitFor();
    expect(await page.locator('main').first().innerText()).not.toMatch(RAW_KEY);

    // A manager's «dispute this client» form, in English.
    const petr = await newPage();
    await signIn(petr, PETR.email);
    await petr.getByRole('link', { name: 'Споры' }).waitFor();
    await petr.getByText('EN', { exact: true }).click();
    await petr.goto(`${e2e.server.url}/clients/${seeded.pool[6]}`);
    await petr.getByRole('heading', { name: POOL_NAMES[6]! }).waitFor();
    expect(await petr.locator('main').first().innerText()).not.toMatch(RAW_KEY);
    await petr.getByRole('button', { name: /dispute/i }).click();
    const dialog = petr.getByRole('dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).not.toMatch(RAW_KEY);
    await dialog.getByRole('button', { name: 'Open the dispute' }).waitFor();
  }, 240_000);
});
