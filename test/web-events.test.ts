import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../web/src/api/types.ts';
import { describeEvent } from '../web/src/features/client/events.ts';

// The client card's timeline says why an ownership event happened, in words, in both languages.
const load = (f: string) => JSON.parse(readFileSync(`web/src/i18n/${f}`, 'utf8'));
const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({
    resources: {
      ru: { translation: { ...load('ru.json'), ...load('ru.events.json') } },
      en: { translation: { ...load('en.json'), ...load('en.events.json') } },
    },
    lng: 'ru',
    interpolation: { escapeValue: false },
  });
});

const event = (e: Partial<LedgerEvent>): LedgerEvent => ({
  id: 1,
  type: 'ClientExpired',
  clientId: 1,
  lineId: 1,
  fromManagerId: 5,
  toManagerId: null,
  actor: 'system:sweep',
  reasonCode: 'EXPIRED_NO_TOUCH',
  rule: 'R-EXP-1',
  policyVersion: 7,
  occurredAt: '2026-11-01T00:00:00.000Z',
  protectedUntil: null,
  details: { noTouchDays: 60, lastQualifyingTouchAt: null },
  ...e,
});
const names = new Map([
  [5, 'Мария'],
  [6, 'Пётр'],
]);
const line = (e: LedgerEvent) => {
  const d = describeEvent(i18n.t, e, names);
  return `${d.title}${d.reason ? `: ${d.reason}` : ''}, ${d.policy}`;
};

describe('ownership events in words', () => {
  it('an expiry names the rule’s days and the policy version', () => {
    expect(line(event({}))).toBe('Возвращён в копилку: нет касаний 60 дней, правила v7');
    expect(describeEvent(i18n.t, event({}), names).from).toBe('Мария');
  });

  it('a release keeps the person’s own reason; a handover and a dispute say what decided it', () => {
    expect(
      line(
        event({
          type: 'ClientReleased',
          reasonCode: 'RELEASED_BY_OWNER',
          details: { reason: 'не наш профиль' },
        }),
      ),
    ).toBe('Возвращён в копилку владельцем: не наш профиль, правила v7');
    expect(
      line(
        event({
          type: 'OwnershipTransferred',
          reasonCode: 'HANDOVER',
          toManagerId: 6,
          details: { handoverId: 3 },
        }),
      ),
    ).toBe('Передан: передача базы, правила v7');
    expect(
      line(
        event({
          type: 'DisputeResolved',
          reasonCode: 'DISPUTE_TRANSFER',
          toManagerId: 6,
          details: { disputeId: 2, comment: 'довёл до встречи' },
        }),
      ),
    ).toBe('Спор решён: клиент передан претенденту — довёл до встречи, правила v7');
    expect(
      line(event({ type: 'ClientReleased', reasonCode: 'CAP_SURPLUS_RELEASED', details: { cap: 150 } })),
    ).toBe('Возвращён в копилку: база больше лимита 150, правила v7');
  });

  it('in English too', async () => {
    await i18n.changeLanguage('en');
    expect(line(event({}))).toBe('Returned to the pool: no touches for 60 days, rules v7');
    await i18n.changeLanguage('ru');
  });
});
