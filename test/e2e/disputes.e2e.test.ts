import { describe, expect, it } from 'vitest';
import { e2eEnvironment } from './environment.ts';
import { changePolicy, HEAD, MARIA, PASSWORD, PETR, seed, signIn as apiSignIn } from './seed.ts';

/**
 * Browser journeys of «Споры» (C11) and «Передача базы» (C16): a head decides a dispute Мария opened
 * over Petr's Юникс, Мария sees it resolved and the client in her base; a head hands Мария's base
 * over to Пётр while she is on leave. Screenshots go to docs/screenshots/.
 */
let seeded: Awaited<ReturnType<typeof seed>>;
const e2e = e2eEnvironment('disputes', {
  seed: async ({ server }) => {
    seeded = await seed(server.url);
    await changePolicy(
      server.url,
      (p) => ({ ...p, disputes: { ...p.disputes, autoResolution: 'head_decides' } }),
      'disputes go to the head',
    );
    const asMaria = await apiSignIn(server.url, MARIA.email, PASSWORD);
    await asMaria('POST', '/api/disputes', {
      clientId: seeded.unixId,
      reason: 'Я вела переговоры с директором Юникса',
    });
  },
  timings: 'Disputes browser timings',
});
const { newPage, signIn, shot, timings } = e2e;

describe('disputes and handover in the browser', () => {
  it('a head decides «передать» on the evidence; the claimant sees it resolved and the client in her base', async () => {
    const t0 = Date.now();
    const page = await newPage();
    await signIn(page, HEAD.email);
    await page.getByRole('link', { name: 'Споры' }).click();
    await page.getByRole('heading', { name: 'Споры' }).waitFor();
    await page.getByRole('link', { name: 'Юникс' }).click();
    await page.getByRole('heading', { name: 'Спор за клиента «Юникс»' }).waitFor();
    // The frozen evidence, side by side: Petr entered the identifiers of Юникс.
    await page.getByText(`Владелец: ${PETR.name}`).waitFor();
    await page.getByText(`Претендент: ${MARIA.name}`).waitFor();
    await page.getByText('Я вела переговоры с директором Юникса').waitFor();
    const ids = page.getByRole('table', { name: 'Кто ввёл идентификаторы' });
    await expect.poll(() => ids.getByText('7707083893').count()).toBeGreaterThan(0);
    await page.getByRole('radio', { name: 'передать' }).check();
    const submit = page.getByRole('button', { name: 'Решить спор' });
    expect(await submit.isDisabled()).toBe(true); // a comment is required
    await page.getByLabel('Комментарий').fill('Мария довела переговоры до встречи');
    await shot(page, 'disputes');
    await submit.click();
    await page.getByText('Спор решён').waitFor();
    await page.getByText('Передать претенденту').first().waitFor();
    expect(await page.getByRole('button', { name: 'Решить спор' }).count()).toBe(0);

    const maria = await newPage();
    await signIn(maria, MARIA.email);
    await maria.getByRole('link', { name: 'Споры' }).click();
    const row = maria.getByRole('row', { name: /Юникс/ });
    await row.getByText('Решён').waitFor();
    await row.getByText('Передать претенденту').waitFor();
    await maria.getByRole('link', { name: 'Моя база' }).click();
    await maria.getByRole('link', { name: 'Юникс' }).waitFor();
    timings.push(`dispute decided and seen by the claimant: ${Date.now() - t0} ms`);

    // Пётр asks for one of Мария's clients from its card: the dispute opens with his reason.
    const petr = await newPage();
    await signIn(petr, PETR.email);
    await petr.getByRole('link', { name: 'Споры' }).waitFor();
    await petr.goto(`${e2e.server.url}/clients/${seeded.pool[6]}`);
    await petr.getByRole('button', { name: 'Спорить за клиента' }).click();
    const dialog = petr.getByRole('dialog', { name: 'Спор за клиента' });
    await dialog.getByLabel('Причина').fill('Клиент пришёл по моей рекомендации');
    await dialog.getByRole('button', { name: 'Открыть спор' }).click();
    await petr.getByRole('heading', { name: /^Спор за клиента «/ }).waitFor();
    await petr.getByText('Клиент пришёл по моей рекомендации').waitFor();
    await petr.getByText('Открыт', { exact: true }).waitFor();
  }, 240_000);

  it('a head previews and applies a handover for a manager on leave and sees the new bases', async () => {
    const t0 = Date.now();
    const page = await newPage();
    await signIn(page, HEAD.email);
    await page.getByRole('link', { name: 'Передача базы' }).click();
    await page.getByRole('heading', { name: 'Передача базы' }).waitFor();
    await page.getByLabel('Менеджер').click();
    await page.getByTitle(new RegExp(`^${MARIA.name}`)).click();
    await page.getByRole('radio', { name: 'отпуск' }).check();
    const back = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Дата возвращения').fill(back);
    await page.getByLabel('Дата возвращения').press('Enter');
    await page.getByRole('radio', { name: 'по очереди' }).check();
    await page.getByLabel('Получатели').click();
    await page.getByTitle(PETR.name, { exact: true }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Показать распределение' }).click();
    const receivers = page.getByRole('table', { name: 'Базы получателей' });
    const petrRow = receivers.getByRole('row', { name: new RegExp(PETR.name) });
    await petrRow.waitFor();
    // Мария holds three (two claimed, Юникс won in the dispute): all go to Пётр, whose base was emptied.
    await expect.poll(() => petrRow.textContent()).toMatch(/0.*3.*3 \//);
    const clients = page.getByRole('table', { name: 'Клиенты' });
    await clients.getByRole('link', { name: 'Юникс' }).waitFor();
    await shot(page, 'handover');
    await page.getByRole('button', { name: 'Передать' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: 'Передать' }).click();
    await page.getByText('3. Готово').waitFor();
    await page.getByRole('link', { name: /Открыть передачу/ }).click();
    await page.getByRole('heading', { name: /Передача №\d+: база/ }).waitFor();
    await page.getByRole('table', { name: 'Клиенты' }).getByRole('link', { name: 'Юникс' }).waitFor();
    timings.push(`handover previewed, applied and viewed: ${Date.now() - t0} ms`);
  }, 240_000);
});
