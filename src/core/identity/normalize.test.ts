import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressKey,
  companyDomain,
  detectLegalForm,
  FREE_MAIL_DOMAINS,
  NAME_STOP_WORDS,
  nameTokens,
  normalizeAddress,
  normalizeEmail,
  normalizeOrgName,
  normalizePhone,
  translitKey,
} from './normalize.ts';

describe('normalizeOrgName and detectLegalForm', () => {
  it.each([
    // [spelling as typed, comparison form, legal form]
    ['ООО "Юникс"', 'юникс', 'ООО'],
    ['Общество с ограниченной ответственностью «Юникс»', 'юникс', 'ООО'],
    ['ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "ЮНИКС"', 'юникс', 'ООО'],
    ['ЮНИКС, ООО', 'юникс', 'ООО'],
    ['Юникс ооо', 'юникс', 'ООО'],
    ['  Юникс   (ООО) ', 'юникс', 'ООО'],
    ['OOO "Юникс"', 'юникс', 'ООО'], // Latin «OOO»
    ['ООО «Юникc»', 'юникс', 'ООО'], // Latin «c» inside a Cyrillic word
    ['О.О.О. «Юникс»', 'юникс', 'ООО'],
    ['ИП Иванов Иван Иванович', 'иванов иван иванович', 'ИП'],
    ['Индивидуальный предприниматель Иванов Иван Иванович', 'иванов иван иванович', 'ИП'],
    ['Иванов Иван Иванович ИП', 'иванов иван иванович', 'ИП'],
    ['И.П. Иванов', 'иванов', 'ИП'],
    ['Иванов И. П.', 'иванов и п', null], // initials are not «И.П.»
    ['ПАО «Сбербанк России»', 'сбербанк россии', 'ПАО'],
    ['Публичное акционерное общество «Сбербанк России»', 'сбербанк россии', 'ПАО'],
    ['PJSC Sberbank', 'sberbank', 'PJSC'],
    ['АО "Тандер"', 'тандер', 'АО'],
    ['Акционерное общество «Тандер»', 'тандер', 'АО'],
    ['Тандер АО', 'тандер', 'АО'],
    ['ЗАО «Юникс»', 'юникс', 'ЗАО'],
    ['Закрытое акционерное общество "Юникс"', 'юникс', 'ЗАО'],
    ['ОАО «РЖД»', 'ржд', 'ОАО'],
    ['Непубличное акционерное общество «Юникс»', 'юникс', 'НАО'],
    ['ФГУП «Почта России»', 'почта россии', 'ФГУП'],
    ['Unix LLC', 'unix', 'LLC'],
    ['LLC "Unix"', 'unix', 'LLC'],
    ['Unix Ltd.', 'unix', 'LTD'],
    ['Unix Limited', 'unix', 'LTD'],
    ['Unix Co., Ltd.', 'unix', 'LTD'],
    ['Unix, Inc.', 'unix', 'INC'],
    ['Siemens AG', 'siemens', 'AG'],
    ['Robert Bosch GmbH', 'robert bosch', 'GMBH'],
    ['Philips N.V.', 'philips', 'NV'],
    ['Shell B.V.', 'shell', 'BV'],
    ['„Ёлка“', 'елка', null],
    ["'Кафе' Берёзка", 'кафе березка', null],
    ['«Кафе „Берёзка“»', 'кафе березка', null],
    ["McDonald's", 'mcdonalds', null],
    // ТД is part of the registered name, not a legal form: kept, one spelling («тд»); nameTokens drops it.
    ['ООО ТД "Электроцентр"', 'тд электроцентр', 'ООО'],
    ['ООО «Торговый дом «Электроцентр»»', 'тд электроцентр', 'ООО'],
    ['Электро-Центр', 'электро центр', null],
    // ambiguous abbreviations are stripped only in front: «ПК» is also a computer
    ['ООО "Мир ПК"', 'мир пк', 'ООО'],
    ['ПК «Заря»', 'заря', 'ПК'],
    // a legal form inside the name is part of the name
    ['Ассоциация акционерных обществ', 'ассоциация акционерных обществ', null],
    ['Союз индивидуальных предпринимателей', 'союз индивидуальных предпринимателей', null],
    ['Группа компаний «Юникс»', 'гк юникс', null],
    ['ГК Юникс', 'гк юникс', null],
    ['ООО', '', 'ООО'],
    ['', '', null],
    ['«»', '', null],
  ] as const)('%s → %j (%s)', (input, expected, form) => {
    expect(normalizeOrgName(input)).toBe(expected);
    expect(detectLegalForm(input)).toBe(form);
  });

  it('spellings of one company meet on one form', () => {
    const spellings = [
      'ООО "Юникс"',
      'Общество с ограниченной ответственностью «Юникс»',
      'ЮНИКС, ООО',
      'Юникс ооо',
      'OOO «Юникс»',
      '"Юникс"',
    ];
    expect(new Set(spellings.map(normalizeOrgName))).toEqual(new Set(['юникс']));
  });

  it('reports the leftmost of two legal forms', () => {
    expect(detectLegalForm('ООО «Юникс» LLC')).toBe('ООО');
    expect(normalizeOrgName('ООО «Юникс» LLC')).toBe('юникс');
  });
});

describe('translitKey', () => {
  it.each([
    [['Юникс', 'ЮНИКС', 'юникс', 'Uniks', 'UNIX', 'Unix', 'Yuniks', 'Unicks'], 'unx'],
    [['Электроцентр', 'Elektrocentr', 'Electrocentre', 'Elektrotsentr', 'электро центр'], 'elktrsntr'],
    [['Феникс', 'Fenix', 'Phoenix'], 'fnx'],
    [['Сбербанк России', 'Sberbank Rossii', 'Sberbank Rossiya'], 'sbrbnkrs'],
    [['Альфа', 'Alpha', 'Alfa'], 'alf'],
    [['Ситибанк', 'Citibank'], 'stbnk'],
    [['Химпром', 'Khimprom', 'Himprom'], 'hmprm'],
    [['Щит', 'Shchit', 'Schit'], 'sht'],
    [['Жемчуг', 'Zhemchug'], 'zhmchg'],
    [['Вектор', 'Wektor', 'Vector'], 'vktr'],
    [['Лексус', 'Lexus', 'Leksus'], 'lxs'],
    [['Аэрофлот', 'Aeroflot'], 'erflt'],
    [['Nestlé', 'Nestle', 'Нестле'], 'nstl'],
    [['', '  ', '—'], ''],
  ])('%j → %s', (spellings, key) => {
    for (const s of spellings) expect(translitKey(s), s).toBe(key);
  });

  it.each([
    ['Юникс', 'Феникс'],
    ['Юникс', 'Оникс'],
    ['Электроцентр', 'Электросвет'],
    ['Тандер', 'Тендер плюс'],
    ['Альфа', 'Бета'],
  ])('%s and %s stay apart', (a, b) => {
    expect(translitKey(a)).not.toBe(translitKey(b));
  });

  it('keeps digits and letters of other scripts', () => {
    expect(translitKey('Альфа-2')).toBe('alf2');
    expect(translitKey('Ωμέγα')).toBe(translitKey('ΩΜΈΓΑ'));
  });
});

describe('nameTokens', () => {
  it.each([
    ['тд электроцентр', ['электроцентр']],
    ['гк юникс', ['юникс']],
    ['сбербанк россии', ['сбербанк']],
    ['иванов иван иванович', ['иванов', 'иван', 'иванович']],
    ['иванов и п', ['иванов']],
    ['юникс групп', ['юникс']],
    ['торговая компания юникс самара', ['юникс']],
    ['электроцентр', ['электроцентр']],
    ['центр', ['центр']], // the only word is kept
    ['торговый дом', ['тд']], // only stop-words: all are kept
    ['юникс центр', ['юникс']],
    ['johnson johnson', ['johnson']],
    ['unix group', ['unix']],
    ['', []],
  ])('%j → %j', (name, tokens) => {
    expect(nameTokens(name)).toEqual(tokens);
  });

  it('accepts a raw name too (it is normalised first)', () => {
    expect(nameTokens('ООО ТД «Электроцентр»')).toEqual(['электроцентр']);
  });

  it('stop-words are whole words in normalised form', () => {
    for (const w of NAME_STOP_WORDS) expect(w).toMatch(/^[\p{Ll}\p{N}]+$/u);
    expect(NAME_STOP_WORDS.has('центр')).toBe(true);
    expect(NAME_STOP_WORDS.has('электроцентр')).toBe(false);
  });
});

describe('normalizePhone', () => {
  const fixed = (e164: string, extension: string | null = null) =>
    ({ ok: true, e164, extension, kind: 'fixed' }) as const;
  const mobile = (e164: string, extension: string | null = null) =>
    ({ ok: true, e164, extension, kind: 'mobile' }) as const;

  it.each([
    ['8 (495) 123-45-67', fixed('+74951234567')],
    ['+7 495 1234567', fixed('+74951234567')],
    ['84951234567', fixed('+74951234567')],
    ['7 495 123 45 67', fixed('+74951234567')],
    ['495-123-45-67', fixed('+74951234567')],
    ['+7(495)123-45-67', fixed('+74951234567')],
    ['8.495.123.45.67', fixed('+74951234567')],
    ['\u00a08\u00a0(495)\u00a0123\u201345\u201367 ', fixed('+74951234567')],
    ['+8 (495) 123-45-67', fixed('+74951234567')], // a common slip for 8 (495)
    ['тел. 8 (846) 200-00-00', fixed('+78462000000')],
    ['tel:+74951234567', fixed('+74951234567')],
    ['+7 (8482) 12-34-56', fixed('+78482123456')],
    ['8 927 123-45-67', mobile('+79271234567')],
    ['+7(927)1234567', mobile('+79271234567')],
    ['89271234567', mobile('+79271234567')],
    ['9271234567', mobile('+79271234567')],
    ['8-927-123-45-67', mobile('+79271234567')],
    ['моб. +7 927 123 45 67', mobile('+79271234567')],
    ['8 (495) 123-45-67 доб. 123', fixed('+74951234567', '123')],
    ['8 (495) 123-45-67, доб.123', fixed('+74951234567', '123')],
    ['+7 495 123 45 67 (добавочный 45)', fixed('+74951234567', '45')],
    ['+7 495 123 45 67 ext 12', fixed('+74951234567', '12')],
    ['+7 495 123 45 67 ext. 12', fixed('+74951234567', '12')],
    ['+7 495 123 45 67 #12', fixed('+74951234567', '12')],
    ['+7 495 123 45 67 x12', fixed('+74951234567', '12')],
    ['+74951234567x12', fixed('+74951234567', '12')],
    ['+7 495 123 45 67 вн. 12', fixed('+74951234567', '12')],
    ['8 846 200-00-00 внутр. 5', fixed('+78462000000', '5')],
    ['8 800 555-35-35', { ok: true, e164: '+78005553535', extension: null, kind: 'other' }],
    ['+44 20 7946 0958', fixed('+442079460958')],
    ['8 10 44 20 7946 0958', fixed('+442079460958')], // Russian international prefix 8~10
  ] as const)('%j → %j', (raw, expected) => {
    expect(normalizePhone(raw)).toEqual(expected);
  });

  it.each([
    ['123', 'INVALID_PHONE'],
    ['123-45-67', 'INVALID_PHONE'], // a local number without its area code
    ['+7 495 123', 'INVALID_PHONE'],
    ['8 (495) 123-45-678-9', 'INVALID_PHONE'],
    ['abc', 'INVALID_PHONE'],
    ['8 (495) 123-45-67 Иван', 'INVALID_PHONE'],
    ['8 800 CALL NOW', 'INVALID_PHONE'],
    ['+7 (495) 123-45-67, 8 927 123 45 67', 'INVALID_PHONE'], // one number per call
    ['8 (000) 000-00-00', 'INVALID_PHONE'],
    ['', 'EMPTY'],
    ['   ', 'EMPTY'],
    ['—', 'EMPTY'],
    ['()', 'EMPTY'],
  ] as const)('%j → %s', (raw, error) => {
    expect(normalizePhone(raw)).toEqual({ ok: false, error });
  });

  it('honours another default region', () => {
    expect(normalizePhone('020 7946 0958', 'GB')).toEqual(fixed('+442079460958'));
    expect(normalizePhone('+7 495 123 45 67', 'ZZ')).toEqual(fixed('+74951234567'));
    expect(normalizePhone('8 495 123 45 67', 'ZZ')).toEqual({ ok: false, error: 'INVALID_PHONE' });
  });
});

describe('normalizeEmail', () => {
  it.each([
    ['Ivan.Petrov@Unix.RU', 'ivan.petrov@unix.ru', 'unix.ru', false],
    ['  ivan@unix.ru  ', 'ivan@unix.ru', 'unix.ru', false],
    ['mailto:Ivan@Unix.ru', 'ivan@unix.ru', 'unix.ru', false],
    ['MAILTO:ivan@unix.ru?subject=Заявка', 'ivan@unix.ru', 'unix.ru', false],
    ['Иван Петров <ivan@unix.ru>', 'ivan@unix.ru', 'unix.ru', false],
    ['ivan @ unix.ru', 'ivan@unix.ru', 'unix.ru', false],
    ['ivan@unix.ru;', 'ivan@unix.ru', 'unix.ru', false],
    ['sales+crm@unix-shop.ru', 'sales+crm@unix-shop.ru', 'unix-shop.ru', false],
    ['почта@юникс.рф', 'почта@юникс.рф', 'юникс.рф', false],
    ['info@xn--e1afmkfd.xn--p1ai', 'info@xn--e1afmkfd.xn--p1ai', 'xn--e1afmkfd.xn--p1ai', false],
    ['IVAN@MAIL.RU', 'ivan@mail.ru', 'mail.ru', true],
    ['ivan@yandex.ru', 'ivan@yandex.ru', 'yandex.ru', true],
    ['ivan@ya.ru', 'ivan@ya.ru', 'ya.ru', true],
    ['ivan.petrov@gmail.com', 'ivan.petrov@gmail.com', 'gmail.com', true],
    ['ivan@bk.ru', 'ivan@bk.ru', 'bk.ru', true],
    ['ivan@e1.ru', 'ivan@e1.ru', 'e1.ru', true],
  ] as const)('%j → %s', (raw, email, domain, freeMail) => {
    expect(normalizeEmail(raw)).toEqual({ ok: true, email, domain, freeMail });
  });

  it.each([
    ['ivan', 'INVALID_EMAIL'],
    ['ivan@', 'INVALID_EMAIL'],
    ['@unix.ru', 'INVALID_EMAIL'],
    ['ivan@unix', 'INVALID_EMAIL'],
    ['ivan@@unix.ru', 'INVALID_EMAIL'],
    ['ivan@unix..ru', 'INVALID_EMAIL'],
    ['ivan..petrov@unix.ru', 'INVALID_EMAIL'],
    ['ivan petrov@unix.ru', 'INVALID_EMAIL'],
    ['ivan@192.168.0.1', 'INVALID_EMAIL'],
    ['ivan@-unix.ru', 'INVALID_EMAIL'],
    ['', 'EMPTY'],
    ['   ', 'EMPTY'],
    ['mailto:', 'EMPTY'],
  ] as const)('%j → %s', (raw, error) => {
    expect(normalizeEmail(raw)).toEqual({ ok: false, error });
  });

  it('lists the usual free-mail providers', () => {
    for (const d of [
      'mail.ru',
      'bk.ru',
      'list.ru',
      'inbox.ru',
      'yandex.ru',
      'rambler.ru',
      'gmail.com',
      'icloud.com',
    ]) {
      expect(FREE_MAIL_DOMAINS.has(d), d).toBe(true);
    }
  });
});

describe('companyDomain', () => {
  it.each([
    ['https://www.unix-shop.ru/contacts', 'unix-shop.ru'],
    ['http://unix-shop.ru', 'unix-shop.ru'],
    ['HTTPS://WWW.UNIX-SHOP.RU/Contacts?utm_source=x#top', 'unix-shop.ru'],
    ['www.unix-shop.ru', 'unix-shop.ru'],
    ['unix-shop.ru/', 'unix-shop.ru'],
    ['unix-shop.ru:8080', 'unix-shop.ru'],
    ['//www2.unix-shop.ru/', 'unix-shop.ru'],
    ['https://user:pass@unix-shop.ru/', 'unix-shop.ru'],
    ['unix-shop.ru.', 'unix-shop.ru'],
    ['shop.unix.ru', 'shop.unix.ru'], // subdomains are kept: no public-suffix guessing
    ['unix.spb.ru', 'unix.spb.ru'],
    ['https://юникс.рф', 'юникс.рф'],
    ['xn--e1afmkfd.xn--p1ai', 'xn--e1afmkfd.xn--p1ai'],
    ['ivan@unix-shop.ru', 'unix-shop.ru'],
    ['mailto:Ivan@Unix-Shop.ru', 'unix-shop.ru'],
    ['ivan@mail.ru', null],
    ['ivan@gmail.com', null],
    ['https://mail.ru', null],
    ['www.yandex.ru', null],
    ['http://192.168.0.1/', null],
    ['localhost', null],
    ['не сайт', null],
    ['', null],
  ] as const)('%j → %j', (raw, domain) => {
    expect(companyDomain(raw)).toBe(domain);
  });
});

describe('normalizeAddress and addressKey', () => {
  it.each([
    ['г. Самара, ул. Ленинградская, д. 10, оф. 5', 'г самара ул ленинградская д 10 оф 5'],
    ['Самара город, улица Ленинградская, дом 10, офис 5', 'самара г ул ленинградская д 10 оф 5'],
    [
      '443001, Российская Федерация, г.Самара, ул.Ленинградская, д.10',
      'россия г самара ул ленинградская д 10',
    ],
    ['Самарская обл., Тольятти, б-р Ленина, 15', 'самарская обл тольятти бул ленина 15'],
    ['г. Самара, пр-т Кирова, д. 10-А', 'г самара пр кирова д 10а'],
    ['Самара, Московское ш., 4к2, стр. 1', 'самара московское ш 4 к 2 с 1'],
    ['ул. Ёлкина, 5-й этаж, пом. 3', 'ул елкина 5 эт пом 3'],
    ['', ''],
  ])('normalizeAddress(%j) = %j', (raw, expected) => {
    expect(normalizeAddress(raw)).toBe(expected);
  });

  it.each([
    ['г. Самара, ул. Ленинградская, д. 10, оф. 5', 'Самара город, улица Ленинградская, дом 10, офис 5'],
    [
      '443001, Россия, г. Самара, ул. Ленинградская, д.10',
      'Российская Федерация, город Самара, улица Ленинградская, дом 10',
    ],
    ['г. Самара, ул. Ленинградская, д. 10', 'Самара, Ленинградская ул., 10'],
    ['г Самара, Московское ш., д. 4, корп. 2', 'Самара, Московское шоссе, 4к2'],
    ['Самарская обл., г. Тольятти, б-р Ленина, 15', 'Самарская область, Тольятти г., бульвар Ленина, дом 15'],
    ['г. Самара, пр-т Кирова, д. 10а', 'Самара, проспект Кирова, 10-А'],
    [
      'ул. Галактионовская, д. 157, стр. 1, пом. 3',
      'улица Галактионовская, дом 157, строение 1, помещение 3',
    ],
    ['Самара, наб. реки Самары, 1', 'Самара, набережная реки Самары, д. 1'],
    ['пер. Ульяновский, 5, 3 этаж', 'переулок Ульяновский, дом 5, эт. 3'],
    ['ЁЛКИНА УЛ., Д.3', 'улица Елкина, дом 3'],
    ['офис 5, д. 10, ул. Ленинградская, г. Самара', 'г. Самара, ул. Ленинградская, д. 10, оф. 5'],
    ['ул. 22 Партсъезда, 10', 'улица 22 Партсъезда, дом 10'],
    ['г. Самара, пр. Ленина, д. 1, кв. 7', 'Самара, просп. Ленина, 1, квартира 7'],
    ['Самара, ул. Садовая, 5-й этаж, д. 2', 'Самара, ул. Садовая, д. 2, 5 эт.'],
  ])('%j ~ %j', (a, b) => {
    expect(addressKey(a)).toBe(addressKey(b));
  });

  it.each([
    ['г. Самара, ул. Ленинградская, д. 10, оф. 5', 'г. Самара, ул. Ленинградская, д. 12, оф. 5'], // another house
    ['г. Самара, ул. Ленинградская, д. 10, оф. 5', 'г. Самара, ул. Ленинградская, д. 10, оф. 6'], // another office
    ['г. Самара, ул. Ленинградская, д. 10, оф. 5', 'г. Самара, ул. Ленинградская, д. 5, оф. 10'], // numbers swapped
    ['г. Самара, ул. Ленинградская, д. 10', 'г. Самара, ул. Ленина, д. 10'], // another street
    ['г. Самара, ул. Ленинградская, д. 10', 'г. Тольятти, ул. Ленинградская, д. 10'], // another city
    ['Самара, Московское ш., д. 4, корп. 1', 'Самара, Московское ш., д. 4, корп. 2'], // another building
    ['г. Самара, ул. Кирова, д. 10', 'г. Самара, пр-т Кирова, д. 10'], // street vs avenue
    ['Самара, ул. Садовая, д. 10а', 'Самара, ул. Садовая, д. 10б'], // another литера
  ])('%j ≁ %j', (a, b) => {
    expect(addressKey(a)).not.toBe(addressKey(b));
  });

  it('the key is sorted tokens with numbered markers glued to their numbers', () => {
    expect(addressKey('г. Самара, ул. Ленинградская, д. 10, оф. 5')).toBe('д10 ленинградская оф5 самара ул');
  });
});

describe('properties', () => {
  const fragment = fc.constantFrom(
    'ООО',
    'ооо',
    'OOO',
    'ИП',
    'АО',
    'ПАО',
    'LLC',
    'Ltd.',
    'N.V.',
    'Общество с ограниченной ответственностью',
    'Торговый дом',
    'ТД',
    '«',
    '»',
    '"',
    "'",
    '„',
    '“',
    ',',
    '.',
    '-',
    ' ',
    '  ',
    'Юникс',
    'Ёлка',
    'Электроцентр',
    'и',
    'П',
    'c',
    'Unix',
    'Ai',
    'ё',
    '\u0301',
    'Ⅻ',
    'ß',
    'İ',
    'Ａ',
  );
  const realistic = fc.array(fragment, { maxLength: 10 }).map((parts) => parts.join(''));
  const anyText = fc.oneof(
    realistic,
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.string({ maxLength: 30 }),
  );

  it('normalizeOrgName is idempotent', () => {
    fc.assert(
      fc.property(anyText, (x) => {
        const once = normalizeOrgName(x);
        expect(normalizeOrgName(once)).toBe(once);
      }),
      { numRuns: 3000 },
    );
  });

  it('translitKey is stable under case changes', () => {
    fc.assert(
      fc.property(anyText, (x) => {
        const key = translitKey(x);
        expect(translitKey(x.toUpperCase())).toBe(key);
        expect(translitKey(x.toLowerCase())).toBe(key);
      }),
      { numRuns: 3000 },
    );
  });

  it('translitKey of a name and of its normalised form agree on Cyrillic and Latin names', () => {
    const word = fc.string({
      unit: fc.constantFrom(...'абвгдеёжзийклмнопрстуфхцчшщъыьэюяabcdefghijklmnopqrstuvwxyz'.split('')),
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), (ws) => {
        const name = ws.join(' ');
        expect(translitKey(name.toUpperCase())).toBe(translitKey(name));
      }),
      { numRuns: 1000 },
    );
  });

  it('nameTokens is never empty for a non-empty normalised name', () => {
    fc.assert(
      fc.property(realistic, (x) => {
        const name = normalizeOrgName(x);
        expect(nameTokens(name).length > 0).toBe(name !== '');
      }),
      { numRuns: 1000 },
    );
  });

  it('normalizeAddress is idempotent', () => {
    const part = fc.constantFrom(
      'г.',
      'Самара',
      'ул.',
      'улица',
      'Ленинградская',
      'д.',
      '10',
      '10а',
      '10-А',
      '4к2',
      'оф.',
      'этаж',
      '5-й',
      'пр-т',
      'б-р',
      '443001',
      'Российская Федерация',
      ',',
      ' ',
      '/',
      '2',
      'Ё',
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }), (parts) => {
        const once = normalizeAddress(parts.join(' '));
        expect(normalizeAddress(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });
});
