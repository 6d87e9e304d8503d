import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { reasonsText, reasonText } from '../web/src/features/identity/reasonText.ts';

// Match reasons are shown in the user's language, built from the code and fields, never the English text.
const load = (f: string) => JSON.parse(readFileSync(`web/src/i18n/${f}`, 'utf8'));
const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({
    resources: {
      ru: { translation: load('ru.identity-reasons.json') },
      en: { translation: load('en.identity-reasons.json') },
    },
    lng: 'ru',
    interpolation: { escapeValue: false },
  });
});
const r = (code: string, kind: string, similarity = 1, more: Record<string, unknown> = {}) => ({
  code,
  kind,
  similarity,
  display: '',
  contact: null,
  ...more,
});

describe('match reasons in words', () => {
  it.each([
    [r('SAME_INN', 'inn'), 'тот же ИНН', 'same INN'],
    [r('SAME_OGRN', 'ogrn'), 'тот же ОГРН', 'same OGRN'],
    [r('SAME_PHONE', 'phone'), 'тот же телефон', 'same phone'],
    [
      r('SAME_PHONE', 'phone', 1, { contact: 'Иванов И.' }),
      'тот же телефон, что у контакта Иванов И.',
      'same phone as contact Иванов И.',
    ],
    [
      r('SAME_EMAIL', 'email', 1, { contact: 'Петров П.' }),
      'тот же e-mail, что у контакта Петров П.',
      'same e-mail as contact Петров П.',
    ],
    [r('SAME_DOMAIN', 'domain'), 'тот же домен компании', 'same company domain'],
    [r('NAME_SIMILAR', 'brand', 0.921), 'название бренда похоже на 92 %', 'brand name 92 % similar'],
    [r('NAME_SIMILAR', 'legal_name', 1), 'то же название юрлица', 'same legal name'],
    [r('NAME_SIMILAR', 'display_name', 0.95), 'название похоже на 95 %', 'name 95 % similar'],
    [
      r('SAME_CONTACT_NAME', 'contact_name', 1, { display: 'Сидоров Семён' }),
      'тот же контакт Сидоров Семён',
      'same contact Сидоров Семён',
    ],
    [r('SAME_ADDRESS', 'address'), 'тот же адрес', 'same address'],
    [r('ADDRESS_SIMILAR', 'address', 0.9), 'адрес похож на 90 %', 'address 90 % similar'],
    [r('DIFFERENT_INN', 'inn', 0), 'разные ИНН', 'different INN'],
    [r('SOMETHING_NEW', 'inn'), 'совпадение (SOMETHING_NEW)', 'match (SOMETHING_NEW)'],
  ])('%o → «%s» / "%s"', async (reason, ru, en) => {
    await i18n.changeLanguage('ru');
    expect(reasonText(i18n.t, reason)).toBe(ru);
    await i18n.changeLanguage('en');
    expect(reasonText(i18n.t, reason)).toBe(en);
  });

  it('takes a full match reason too (the create dialog): the matched display names the contact', async () => {
    await i18n.changeLanguage('ru');
    const full = {
      code: 'SAME_CONTACT_NAME',
      kind: 'contact_name',
      similarity: 1,
      matched: { display: 'Дмитриев К. С.' },
      text: 'same contact Дмитриев К. С.',
    };
    expect(reasonText(i18n.t, full)).toBe('тот же контакт Дмитриев К. С.');
  });

  it('joins a list, each wording once', async () => {
    await i18n.changeLanguage('ru');
    expect(
      reasonsText(i18n.t, [r('SAME_INN', 'inn'), r('SAME_INN', 'inn'), r('SAME_ADDRESS', 'address')]),
    ).toBe('тот же ИНН; тот же адрес');
    expect(reasonsText(i18n.t, [])).toBe('');
  });
});
