import { describe, expect, it } from 'vitest';
import { createRng } from '../demo/prng.ts';
import { generateInn10 } from '../identity/ru-identifiers.ts';
import { defaultIdentityRules } from '../policy/policy.ts';
import { groupWithinFile, resolveOwner } from './group.ts';
import { applyOverrides, detectPreset, parseMapOption, presetMapping } from './presets.ts';
import { type ImportRecord, rowToRecord, UNNAMED_CONTACT } from './rows.ts';

const rng = createRng(7);
const INN = generateInn10(rng, '77');
const INN2 = generateInn10(rng, '63');
const badInn = INN.slice(0, -1) + String((Number(INN.at(-1)) + 1) % 10);

const AMO = [
  'Тип',
  'Наименование',
  'Компания',
  'Ответственный',
  'Должность',
  'Телефон',
  'E-mail',
  'Адрес',
  'Web',
  'Примечания',
  'ИНН',
  'Город',
];
const BITRIX = [
  'ID',
  'Название компании',
  'Телефон',
  'E-mail',
  'Фактический адрес',
  'Юридический адрес',
  'Ответственный',
  'Сокращенное наименование организации',
  'ИНН',
  'КПП',
  'ОГРН',
  'Генеральный директор',
];

describe('presets', () => {
  it('detects amoCRM, Bitrix24 and anything else from the headers', () => {
    expect(detectPreset(AMO)).toBe('amocrm');
    expect(detectPreset(BITRIX)).toBe('bitrix24');
    expect(detectPreset(['Название', 'ИНН', 'Телефон'])).toBe('generic');
    expect(detectPreset(['\uFEFFтип', 'НАИМЕНОВАНИЕ'])).toBe('amocrm');
  });

  it("maps a preset's labels onto the file's own spelling of the headers", () => {
    const m = presetMapping(
      'amocrm',
      AMO.map((h) => (h === 'E-mail' ? 'e-mail' : h)),
    );
    expect(m.name).toEqual(['Наименование']);
    expect(m.email).toEqual(['e-mail']);
    expect(m.owner).toEqual(['Ответственный']);
    expect(m.legalName).toBeUndefined();
    const b = presetMapping('bitrix24', BITRIX);
    expect(b.legalName).toEqual(['Сокращенное наименование организации']);
    expect(b.contactName).toEqual(['Генеральный директор']);
    expect(b.legalAddress).toEqual(['Юридический адрес']);
  });

  it('--map overrides replace fields, clear them, and name unknown fields and columns', () => {
    const base = presetMapping('generic', ['Название', 'Тел. 1', 'Тел. 2', 'Менеджер']);
    const parsed = parseMapOption('phone=Тел. 1,phone=Тел. 2,owner=');
    expect(parsed).toEqual({ phone: ['Тел. 1', 'Тел. 2'], owner: [] });
    const { mapping, problems } = applyOverrides(base, parsed as Record<string, string[]>, [
      'Название',
      'Тел. 1',
      'Тел. 2',
      'Менеджер',
    ]);
    expect(problems).toEqual([]);
    expect(mapping.phone).toEqual(['Тел. 1', 'Тел. 2']);
    expect(mapping.owner).toBeUndefined();
    expect(applyOverrides(base, { colour: ['X'] }, []).problems).toEqual([
      { field: 'colour', reason: 'UNKNOWN_FIELD' },
    ]);
    expect(applyOverrides(base, { name: ['Нет такой'] }, ['Название']).problems[0]).toMatchObject({
      reason: 'UNKNOWN_COLUMN',
      column: 'Нет такой',
    });
    expect(parseMapOption('name')).toEqual({ error: 'expected field=Column, got "name"' });
  });
});

describe('rowToRecord', () => {
  const amo = presetMapping('amocrm', AMO);
  it('a company row → legal entity with its ИНН, contact with every phone and e-mail, address, notes', () => {
    const { record, issues } = rowToRecord(
      2,
      {
        Тип: 'компания',
        Наименование: 'ООО «Вектор Плюс»',
        Телефон: '+7 (495) 123-45-67, 8 916 555-12-34',
        'E-mail': 'info@vektor.ru; sales@vektor.ru',
        Адрес: 'ул. Тверская, 12',
        Город: 'Москва',
        ИНН: INN,
        Web: 'vektor.ru',
        Ответственный: 'Анна Смирнова',
      },
      amo,
    );
    expect(issues).toEqual([]);
    expect(record).toMatchObject({
      row: 2,
      kind: 'company',
      displayName: 'ООО «Вектор Плюс»',
      legalEntities: [{ name: 'ООО «Вектор Плюс»', legalForm: 'ООО', inn: INN }],
      contacts: [
        {
          name: UNNAMED_CONTACT,
          phones: ['+7 (495) 123-45-67', '8 916 555-12-34'],
          emails: ['info@vektor.ru', 'sales@vektor.ru'],
        },
      ],
      addresses: [{ kind: 'hq', address: 'ул. Тверская, 12', city: 'Москва' }],
      notes: 'Сайт: vektor.ru',
      owner: { value: 'Анна Смирнова', column: 'Ответственный' },
    });
  });

  it('amoCRM contact rows: the person is «Наименование», the client «Компания»', () => {
    const { record } = rowToRecord(
      3,
      {
        Тип: 'контакт',
        Наименование: 'Игорь Петров',
        Компания: 'ООО Ромашка',
        Должность: 'Директор',
        Телефон: '89165551234',
      },
      amo,
    );
    expect(record).toMatchObject({
      kind: 'contact',
      displayName: 'ООО Ромашка',
      contacts: [{ name: 'Игорь Петров', position: 'Директор', phones: ['89165551234'] }],
    });
  });

  it('a bad ИНН, phone or e-mail is reported and left out; the row still comes in', () => {
    const { record, issues } = rowToRecord(
      5,
      { Тип: 'компания', Наименование: 'Фитнес «Олимп»', ИНН: badInn, Телефон: '123-45', 'E-mail': 'olimp@' },
      amo,
    );
    expect(record?.legalEntities).toEqual([]);
    expect(record?.contacts).toEqual([]);
    expect(issues.map((i) => [i.row, i.column, i.reason, i.severity])).toEqual([
      [5, 'ИНН', 'INVALID_INN', 'warning'],
      [5, 'Телефон', 'INVALID_PHONE', 'warning'],
      [5, 'E-mail', 'INVALID_EMAIL', 'warning'],
    ]);
  });

  it('no name: the row is an error and not imported', () => {
    const a = rowToRecord(7, { Тип: 'компания', Наименование: '  ', Телефон: '+7 495 000-00-01' }, amo);
    expect(a.record).toBeNull();
    expect(a.issues).toEqual([
      { row: 7, column: 'Наименование', reason: 'MISSING_NAME', value: '', severity: 'error' },
    ]);
    const b = rowToRecord(8, { Тип: 'контакт', Наименование: 'Андрей Волков', Компания: '' }, amo);
    expect(b.issues[0]).toMatchObject({ column: 'Компания', reason: 'MISSING_NAME' });
  });

  it('Bitrix24: the short legal name is the legal entity, the company title its brand', () => {
    const m = presetMapping('bitrix24', BITRIX);
    const { record } = rowToRecord(
      2,
      {
        'Название компании': 'Гранд Отель Самара',
        'Сокращенное наименование организации': 'ООО «Гранд-Инвест»',
        ИНН: INN2,
        'Генеральный директор': 'Соколов Павел Андреевич',
        'Фактический адрес': 'ул. Куйбышева, 103',
        'Юридический адрес': '443010, г. Самара, ул. Куйбышева, д. 103',
      },
      m,
    );
    expect(record?.legalEntities).toEqual([
      { name: 'ООО «Гранд-Инвест»', legalForm: 'ООО', inn: INN2, kpp: null, ogrn: null },
    ]);
    expect(record?.brands).toEqual([{ name: 'Гранд Отель Самара' }]);
    expect(record?.contacts[0]?.name).toBe('Соколов Павел Андреевич');
    expect(record?.addresses.map((a) => a.kind)).toEqual(['hq', 'other']);
  });
});

describe('groupWithinFile', () => {
  const amo = presetMapping('amocrm', AMO);
  const rec = (row: number, values: Record<string, string>): ImportRecord =>
    rowToRecord(row, { Тип: 'компания', ...values }, amo).record!;

  it('same ИНН, same phone in another spelling, and contact rows of a company are one client', () => {
    const groups = groupWithinFile(
      [
        rec(2, { Наименование: 'ООО «Вектор Плюс»', ИНН: INN, Телефон: '+7 (495) 123-45-67' }),
        rowToRecord(
          3,
          {
            Тип: 'контакт',
            Наименование: 'Игорь Петров',
            Компания: 'ООО «Вектор Плюс»',
            Телефон: '+7 916 555-12-34',
          },
          amo,
        ).record!,
        rec(4, { Наименование: 'ООО "Альфа-Медиа"', Телефон: '7 (843) 200-10-20' }),
        rec(5, { Наименование: 'ООО "Вектор плюс"', ИНН: INN }),
        rec(6, { Наименование: 'Альфа Медиа', Телефон: '+7 843 200 10 20' }),
        rec(7, { Наименование: 'ООО «Другая»', ИНН: INN2 }),
      ],
      defaultIdentityRules,
    );
    expect(groups.map((g) => g.rows)).toEqual([[2, 3, 5], [4, 6], [7]]);
    const vektor = groups[0]!.record;
    expect(vektor.displayName).toBe('ООО «Вектор Плюс»');
    expect(vektor.contacts.map((c) => c.name)).toContain('Игорь Петров');
    expect(vektor.legalEntities).toHaveLength(1);
  });
});

describe('resolveOwner', () => {
  const users = [
    { id: 1, name: 'Анна Смирнова', email: 'anna@x.ru', role: 'manager' as const, status: 'active' as const },
    { id: 2, name: 'Борис Котов', email: 'boris@x.ru', role: 'manager' as const, status: 'left' as const },
    { id: 3, name: 'Админ', email: 'admin@x.ru', role: 'admin' as const, status: 'active' as const },
    {
      id: 4,
      name: 'Вера Лебедева',
      email: 'vera1@x.ru',
      role: 'manager' as const,
      status: 'active' as const,
    },
    { id: 5, name: 'Вера Лебедева', email: 'vera2@x.ru', role: 'head' as const, status: 'active' as const },
  ];
  it('by e-mail in any case, by name in any word order; unknown, ambiguous and who cannot own are said so', () => {
    expect(resolveOwner('ANNA@x.ru', users)).toEqual({ ok: true, userId: 1 });
    expect(resolveOwner('смирнова  анна', users)).toEqual({ ok: true, userId: 1 });
    expect(resolveOwner('Пётр Неизвестный', users)).toEqual({ ok: false, reason: 'UNKNOWN_OWNER' });
    expect(resolveOwner('Вера Лебедева', users)).toEqual({ ok: false, reason: 'AMBIGUOUS_OWNER' });
    expect(resolveOwner('boris@x.ru', users)).toEqual({ ok: false, reason: 'OWNER_CANNOT_OWN' });
    expect(resolveOwner('admin@x.ru', users)).toEqual({ ok: false, reason: 'OWNER_CANNOT_OWN' });
  });
});
