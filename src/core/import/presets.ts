/*
 * Import (C20): the fields a row of a CRM export can fill, and presets that map the header labels
 * of real exports (amoCRM, Bitrix24; see /work/shared/data/crm-export-headers) onto them. Pure.
 */

export const importFields = [
  /** The client's name (a company name or a brand). */
  'name',
  /** amoCRM: «Тип» — «контакт» rows carry a person in «Наименование» and the company in «Компания». */
  'rowType',
  /** amoCRM contact rows: the company the contact belongs to. */
  'company',
  'legalName',
  'inn',
  'kpp',
  'ogrn',
  'brand',
  'contactName',
  'position',
  'phone',
  'email',
  'website',
  'address',
  'legalAddress',
  'city',
  'owner',
  'notes',
] as const;
export type ImportField = (typeof importFields)[number];

export const presetNames = ['amocrm', 'bitrix24', 'generic'] as const;
export type PresetName = (typeof presetNames)[number];

/** A field → the header labels it is read from (several columns may fill one field: phones, e-mails). */
export type Mapping = Partial<Record<ImportField, string[]>>;

type PresetDef = Partial<Record<ImportField, string[]>>;

const PRESETS: Record<PresetName, PresetDef> = {
  // amoCRM «Экспорт контактов и компаний»: standard columns; ИНН/КПП/ОГРН/«Юр. лицо»/«Город» are the
  // custom fields most accounts add (exported under their own names).
  amocrm: {
    rowType: ['Тип'],
    name: ['Наименование'],
    company: ['Компания'],
    legalName: ['Юр. лицо', 'Юридическое название', 'Полное наименование'],
    inn: ['ИНН'],
    kpp: ['КПП'],
    ogrn: ['ОГРН', 'ОГРНИП'],
    brand: ['Бренд'],
    position: ['Должность'],
    phone: ['Телефон', 'Рабочий телефон', 'Мобильный телефон'],
    email: ['E-mail', 'Email', 'Рабочий email'],
    website: ['Web', 'Сайт'],
    address: ['Адрес'],
    city: ['Город'],
    owner: ['Ответственный'],
    notes: ['Примечания'],
  },
  // Bitrix24 company list + requisites (реквизиты) export.
  bitrix24: {
    name: ['Название компании'],
    legalName: ['Сокращенное наименование организации', 'Полное наименование организации'],
    inn: ['ИНН'],
    kpp: ['КПП'],
    ogrn: ['ОГРН', 'ОГРНИП'],
    contactName: ['Генеральный директор', 'Контакт'],
    phone: ['Телефон', 'Рабочий телефон', 'Мобильный телефон'],
    email: ['E-mail', 'Рабочий e-mail'],
    website: ['Сайт', 'Корпоративный сайт'],
    address: ['Фактический адрес', 'Адрес'],
    legalAddress: ['Юридический адрес'],
    city: ['Город'],
    owner: ['Ответственный'],
    notes: ['Комментарий'],
  },
  // Any sheet: the usual Russian and English labels.
  generic: {
    name: [
      'Название',
      'Наименование',
      'Компания',
      'Клиент',
      'Организация',
      'Name',
      'Company',
      'Account Name',
    ],
    legalName: ['Юр. лицо', 'Юрлицо', 'Юридическое лицо', 'Юридическое название', 'Legal name'],
    inn: ['ИНН', 'INN'],
    kpp: ['КПП', 'KPP'],
    ogrn: ['ОГРН', 'ОГРНИП', 'OGRN'],
    brand: ['Бренд', 'Brand'],
    contactName: ['Контакт', 'Контактное лицо', 'ФИО', 'Contact', 'Contact name'],
    position: ['Должность', 'Position', 'Title'],
    phone: ['Телефон', 'Тел.', 'Телефоны', 'Phone', 'Phone number', 'Мобильный'],
    email: ['E-mail', 'Email', 'Почта', 'Эл. почта'],
    website: ['Сайт', 'Web', 'Website'],
    address: ['Адрес', 'Фактический адрес', 'Address', 'Street address'],
    legalAddress: ['Юридический адрес'],
    city: ['Город', 'City'],
    owner: ['Менеджер', 'Ответственный', 'Owner', 'Manager'],
    notes: ['Комментарий', 'Примечание', 'Примечания', 'Notes', 'Description'],
  },
};

/** A header label for comparison: case, ё, spaces and punctuation around words do not matter. */
export function headerKey(label: string): string {
  return label
    .replace(/^\uFEFF/, '')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[\s_.:-]+/g, ' ')
    .trim();
}

/** Which preset fits these headers best: amoCRM's «Тип»+«Наименование», Bitrix24's «Название компании», else generic. */
export function detectPreset(headers: readonly string[]): PresetName {
  const keys = new Set(headers.map(headerKey));
  if (keys.has(headerKey('Название компании'))) return 'bitrix24';
  if (
    keys.has(headerKey('Наименование')) &&
    (keys.has(headerKey('Тип')) || keys.has(headerKey('Ответственный')))
  )
    return 'amocrm';
  return 'generic';
}

/** The preset's mapping restricted to the columns this file has (each header used by one field at most). */
export function presetMapping(preset: PresetName, headers: readonly string[]): Mapping {
  const byKey = new Map<string, string>();
  for (const h of headers) if (!byKey.has(headerKey(h))) byKey.set(headerKey(h), h);
  const used = new Set<string>();
  const out: Mapping = {};
  for (const field of importFields) {
    const cols: string[] = [];
    for (const label of PRESETS[preset][field] ?? []) {
      const h = byKey.get(headerKey(label));
      if (h && !used.has(h)) {
        cols.push(h);
        used.add(h);
      }
    }
    if (cols.length) out[field] = cols;
  }
  return out;
}

export type MappingProblem = { field: string; column?: string; reason: 'UNKNOWN_FIELD' | 'UNKNOWN_COLUMN' };

/**
 * `--map field=Column,field=Column2` (or the UI's selects) over the preset: each named field is
 * replaced by the columns given (`field=` clears it). Unknown fields and columns are problems.
 */
export function applyOverrides(
  base: Mapping,
  overrides: Record<string, string[]>,
  headers: readonly string[],
): { mapping: Mapping; problems: MappingProblem[] } {
  const mapping: Mapping = { ...base };
  const problems: MappingProblem[] = [];
  const byKey = new Map(headers.map((h) => [headerKey(h), h]));
  for (const [field, cols] of Object.entries(overrides)) {
    if (!(importFields as readonly string[]).includes(field)) {
      problems.push({ field, reason: 'UNKNOWN_FIELD' });
      continue;
    }
    const resolved: string[] = [];
    for (const c of cols.filter((x) => x.trim() !== '')) {
      const h = byKey.get(headerKey(c));
      if (h) resolved.push(h);
      else problems.push({ field, column: c, reason: 'UNKNOWN_COLUMN' });
    }
    if (resolved.length) mapping[field as ImportField] = resolved;
    else delete mapping[field as ImportField];
  }
  return { mapping, problems };
}

/** `name=Компания,phone=Тел. 1,phone=Тел. 2` → { name: ['Компания'], phone: ['Тел. 1', 'Тел. 2'] }. */
export function parseMapOption(text: string): Record<string, string[]> | { error: string } {
  const out: Record<string, string[]> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return { error: `expected field=Column, got "${part.trim()}"` };
    const field = part.slice(0, eq).trim();
    const col = part.slice(eq + 1).trim();
    const list = out[field] ?? [];
    out[field] = list;
    if (col) list.push(col);
  }
  return out;
}
