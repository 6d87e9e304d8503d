import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../support/processes.ts';
import { e2eEnvironment } from './environment.ts';

/**
 * «Симулятор» (C19) in the browser: on the demo company (`fairbase demo`), a head asks "what if the
 * expiry were 45 days instead of 60?" and sees more clients go to the pool under the candidate.
 * Screenshot: docs/screenshots/simulator.png.
 */
let headEmail: string;
const e2e = e2eEnvironment('sim', {
  beforeStart: async ({ env }) => {
    const demo = await runCliProcess(['--json', 'demo', '--clients', '300'], env);
    if (demo.code !== 0) throw new Error(`demo: ${demo.stderr}`);
    headEmail = (JSON.parse(demo.stdout) as { users: { email: string; role: string }[] }).users.find(
      (u) => u.role === 'head',
    )!.email;
  },
  pageTimeout: 60_000,
  setupTimeout: 1_200_000,
});
const { newPage, signIn, shot } = e2e;

const num = (s: string) => Number(s.replace(/\D/g, ''));

describe('the policy simulator in the browser', () => {
  it('a head sets the expiry to 45 days, runs, and sees more expiries than under 60', async () => {
    const page = await newPage();
    await signIn(page, headEmail, 'fairbase-demo');
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
    // ECharts draws after the report renders; on a loaded 2-core CI machine that takes seconds.
    await expect.poll(() => chart.getAttribute('data-drawn'), { timeout: 15_000 }).toBe('true');
    expect(await chart.getAttribute('data-series')).toBe('2');
    await expect
      .poll(
        () =>
          page
            .getByRole('img', { name: 'Лимиты менеджеров по месяцам (кандидат)' })
            .getAttribute('data-drawn'),
        { timeout: 15_000 },
      )
      .toBe('true');
    // Who gains / who loses lists the demo managers; the expired clients table has rows.
    expect(
      await page.getByRole('table', { name: 'Кто выигрывает, кто теряет' }).getByRole('row').count(),
    ).toBeGreaterThan(3);
    expect(
      await page.getByRole('table', { name: 'Клиенты, ушедшие в пул' }).getByRole('row').count(),
    ).toBeGreaterThan(1);
    await shot(page, 'simulator');
  }, 300_000);
});
