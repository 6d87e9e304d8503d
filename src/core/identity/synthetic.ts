/**
 * Realistic Russian duplicate-detection test data with ground truth (C2 quality, issue 3): each
 * organisation ("entity") is written down 1…6 times, the way different managers, imports and
 * inbound calls enter one company into a CRM, and every record carries the id of its entity.
 *
 * The mix (default weights of `DEFAULT_IDENTITY_MIX`, per entity):
 * - `company` 40 %: an ООО / АО named by a word, a compound or an invented name («Улыбка»,
 *   «СтройМаркет», «Ардисния»), often written with an activity word («Стоматология «Улыбка»»),
 *   a legal entity (ИНН, ОГРН), an office line, 1–3 contacts, a company domain (70 %), sometimes
 *   a second outlet; 1–4 records. Names are unique among these (a tail — «Улыбка Плюс» — is added
 *   when the short ones run out, which makes near-namesakes).
 * - `namesake` 12 %: the same, but named with one of a dozen short common names («Уют», «Стиль»,
 *   «Комфорт» …), so many different organisations carry one name — each with its own valid ИНН,
 *   phones and address; 1–3 records, and a third of the single-record ones are only a name.
 * - `chain` 8 %: one legal entity (ООО «Юникс», one ИНН) trading under 2–4 store brands
 *   («Электроцентр», «ТехноМир») in 2–4 stores, each with its own address (often in a mall),
 *   phone and director; a head office with its line and a marketer with an e-mail on the chain's
 *   domain; 3–6 records: the head office first, then stores entered under their brand.
 * - `soleTrader` 22 %: ИП Фамилия Имя Отчество (12-digit ИНН, ОГРНИП) written «ИП Иванов И.И.»,
 *   «ИП Иванов», in full, or under a shop name a third of them trade by; surnames come from a
 *   skewed list, so many different «ИП Иванов …» exist; 1–3 records.
 * - `bcTenant` 18 %: a company whose office is in one of six business centres, so different
 *   clients share an address (with or without their office number, with or without the centre's
 *   name); 1–4 records.
 * With the defaults there are about 2.1 records per entity; chains hold about a third of the pairs
 * of records that are truly one organisation.
 *
 * How one entity's records differ from each other:
 * - names: legal-form and quote variants («ООО "Юникс"», «Юникс, ООО», «Общество с ограниченной
 *   ответственностью «Юникс»», «ЮНИКС», «Юникс»), with or without the activity word; a typo (two
 *   letters swapped, one dropped or doubled) in 12 % of names (`typoRate`);
 * - phones: «+7 (846) 212-34-56», «8 846 212-34-56», «88462123456», «+7 846 2123456» …;
 * - e-mails: case («Info@Unix.ru», «INFO@UNIX.RU»); addresses: «ул.»/«улица», «д.»/«дом»/none,
 *   the city in the text or in its own field, the office number or not;
 * - contacts: «Иванов Иван Иванович», «Иван Иванов», «Иван Иванович», «Иванов И.И.», «Иван»;
 * - an ИНН with a typo (invalid checksum, so no key) in 3 % of the legal entities written down.
 *
 * Linkability: every record after an entity's first is tied on purpose to an earlier record of its
 * entity (`link`), drawn with weights ИНН 30, phone 33, e-mail 16, the same address with the name
 * 9, the same contact person with the name 5, «only a phone» 4 (an inbound call logged as «Входящий
 * звонок» or with no name), «only a name» 3 (nothing else: such a record can't be told from a
 * namesake by its own data) — among the kinds the earlier records make possible. With 10 000
 * entities that gives, of the later records: phone 45 %, ИНН 22 %, name + address 10 %, e-mail 7 %,
 * name + contact 6 %, only a phone 5 %, only a name 5 %. Other fields are filled at random and may
 * link too, or differ (another store of the chain, another contact).
 *
 * One entity never carries two different valid ИНН, and no phone, e-mail, domain, ИНН or ОГРН is
 * shared between entities: any `same` pair across two different valid ИНН is a scoring error.
 *
 * Pure: all randomness comes from the seeded PRNG; the same options give the same records.
 */
import { chance, createRng, int, pick, type Rng } from '../demo/prng.ts';
import { type ClientSnapshot, type Identifier, identifiersOf } from './identifiers.ts';
import { generateInn10, generateInn12, generateOgrn, generateOgrnip, validateInn } from './ru-identifiers.ts';

export type SyntheticEntityKind = 'company' | 'namesake' | 'chain' | 'soleTrader' | 'bcTenant';

/** How a record was made (for error analysis): a normal view, or one of the partial shapes. */
export type SyntheticRecordShape = 'full' | 'onlyName' | 'onlyPhone';

export type SyntheticLink =
  | 'inn'
  | 'phone'
  | 'email'
  | 'nameAddress'
  | 'nameContact'
  | 'onlyName'
  | 'onlyPhone';

export type SyntheticRecord = {
  /** 0-based position in `records` (rows are shuffled, so entities are not contiguous). */
  row: number;
  /** Ground truth: the entity (organisation) this record belongs to. */
  truth: number;
  kind: SyntheticEntityKind;
  shape: SyntheticRecordShape;
  /**
   * The evidence this record was given on purpose to tie it to an earlier record of its entity
   * (null for an entity's first record); see the module comment.
   */
  link: SyntheticLink | null;
  displayName: string;
  legalEntities: { name: string; inn: string | null; ogrn: string | null }[];
  brands: string[];
  contacts: { name: string; phones: string[]; emails: string[] }[];
  addresses: { address: string; city: string | null }[];
};

export type IdentityDatasetOptions = {
  seed: number;
  /** Number of organisations; records are about 2.1 × this. */
  entities: number;
  /** Relative weights of the entity kinds (missing kinds keep their default weight). */
  mix?: Partial<Record<SyntheticEntityKind, number>>;
  /** Probability that a name is written with a typo (default 0.12). */
  typoRate?: number;
};

export type IdentityDataset = {
  records: SyntheticRecord[];
  /** Entities generated per kind. */
  entitiesByKind: Record<SyntheticEntityKind, number>;
};

export const DEFAULT_IDENTITY_MIX: Readonly<Record<SyntheticEntityKind, number>> = {
  company: 0.4,
  namesake: 0.12,
  chain: 0.08,
  soleTrader: 0.22,
  bcTenant: 0.18,
};

// ─────────────────────────────────────────────────────────────────────────────
// Vocabulary
// ─────────────────────────────────────────────────────────────────────────────

function list(text: string): readonly string[] {
  return text
    .split(/[|\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const CITY = 'Самара';

/** Activity words written before a name on signs and in CRMs; the words a legal name drops. */
const ACTIVITIES = list(`
  Стоматология | Клиника | Медцентр | Автосервис | Автосалон | Мебельный салон | Кафе | Ресторан
  Пиццерия | Кофейня | Фитнес-клуб | Салон красоты | Барбершоп | Агентство недвижимости | Турагентство
  Автошкола | Ювелирный салон | Окна | Натяжные потолки | Типография | Цветочный салон | Зоомагазин
  Студия дизайна | Юридическая компания | Ветклиника | Оптика
`);

const CORES = list(`
  Улыбка | Жемчужина | Денталия | Эстетика | Премьер | Эдельвейс | Кристалл | Эверест | Авиценна
  Гиппократ | Династия | Медлайн | Пульс | Здравица | Колесо | Механик | Форсаж | Пит-Стоп | Автодоктор
  Драйв | Турбо | Мебельград | Волжанка | Дриада | Классика | Сосновый бор | Березка | Самурай | Папа Карло
  Сказка | Баклажан | Хлебница | Жар-птица | Ласточка | Причал | Атлет | Олимп | Энергия | Импульс
  Титан | Грация | Спарта | Шарм | Клеопатра | Афродита | Локон | Жасмин | Лотос | Венера | Эталон
  Гарант | Фасад | Оптима | Полиглот | Эрудит | Светофор | Умка | Алмаз | Изумруд | Сапфир | Яхонт
  Малахит | Глобус | Круиз | Каникулы | Чемодан | Меридиан | Зенит | Альтаир | Орион | Сириус | Вега
  Антарес | Пегас | Феникс | Гермес | Аргонавт | Бригантина | Парус | Маяк | Якорь | Компас | Радуга
  Ромашка | Василек | Незабудка | Рябина | Калина | Ольха | Кедр | Дубрава | Тайга | Дельфин | Пингвин
  Медведица | Лисица | Сокол | Беркут | Кондор | Ястреб | Пеликан | Фламинго | Колибри | Гранит
  Базальт | Кварц | Янтарь | Аметист | Бирюза | Топаз | Коралл | Жемчуг | Магнолия | Орхидея | Лаванда
`);
/** Compounds retail chains and stores are named by: «Электроцентр», «СтройМаркет», «Техномир». */
const STEMS_A = list(`
  Строй | Электро | Техно | Авто | Хоз | Эко | Дом | Зоо | Сад | Мега | Продукт | Свет | Вело | Спорт
  Кафель | Обои | Книго | Мото | Фермер | Аква | Тепло | Сантех | Краски | Инстру | Мебель | Гипер
`);
const STEMS_B = list(`
  маркет | центр | мир | град | лэнд | торг | дом | мастер | сити | склад | галерея | парк | плюс | база
`);
/** Invented legal names of chains («Юникс»): nothing in them says what the chain sells. */
const CHAIN_LEGAL = list(`
  Юникс | Ардис | Селена | Максима | Веста | Карат | Ника | Дельта | Сигма | Омега | Лагуна | Аврора
  Гелиос | Интра | Сфера | Кварта | Вертикаль | Магистраль | Альянс | Континент | Триумф | Квант
  Прайм | Стимул | Формат | Монолит | Росток | Нордика | Тандем | Палладий
`);
const CHAIN_TAILS = list('Поволжье | Трейд | Групп | Ритейл | М | Плюс | Регион | Холдинг | Центр | Самара');
const NAME_TAILS = list(
  'Плюс | Экспресс | 24 | Самара | Люкс | Сити | Премиум | Волга | 63 | Дисконт | Про | Маркет',
);
/** Short common names: many different organisations are called this. */
const SHORT_NAMES = list(`
  Уют | Стиль | Комфорт | Престиж | Лидер | Гарант | Фаворит | Империя | Эталон | Вектор | Мастер | Успех
`);
const SHOP_WORDS = list('Магазин | Салон | Ателье | Мастерская | Студия | Павильон');

const MALE_NAMES = list(`
  Александр | Сергей | Андрей | Дмитрий | Алексей | Максим | Евгений | Иван | Михаил | Артем | Николай
  Владимир | Павел | Роман | Игорь | Олег | Денис | Константин | Виктор | Юрий | Илья | Антон | Кирилл
  Вадим | Станислав | Григорий | Тимур | Руслан
`);
const FEMALE_NAMES = list(`
  Анна | Елена | Ольга | Наталья | Татьяна | Ирина | Екатерина | Мария | Светлана | Юлия | Марина
  Анастасия | Людмила | Галина | Виктория | Дарья | Ксения | Валентина | Надежда | Алина | Евгения
  Оксана | Полина | Вероника | Лариса
`);
/** Male forms ending in -ов/-ев/-ин (the female form adds «а»); the first ones are drawn far more often. */
const SURNAMES = list(`
  Иванов | Смирнов | Кузнецов | Попов | Васильев | Петров | Соколов | Михайлов | Новиков | Федоров
  Морозов | Волков | Алексеев | Лебедев | Семенов | Егоров | Павлов | Козлов | Степанов | Николаев
  Орлов | Андреев | Макаров | Никитин | Захаров | Зайцев | Соловьев | Борисов | Яковлев | Григорьев
  Романов | Воробьев | Сергеев | Кузьмин | Фролов | Александров | Дмитриев | Королев | Гусев | Киселев
  Ильин | Максимов | Поляков | Сорокин | Виноградов | Ковалев | Белов | Медведев | Антонов | Тарасов
  Жуков | Баранов | Филиппов | Комаров | Давыдов | Беляев | Герасимов | Богданов | Осипов | Сидоров
  Матвеев | Титов | Марков | Миронов | Крылов | Куликов | Карпов | Власов | Мельников | Денисов
  Гаврилов | Тихонов | Казаков | Афанасьев | Данилов | Савельев | Тимофеев | Фомин | Чернов | Абрамов
`);
const PATRONYMICS = list(`
  Александрович | Сергеевич | Андреевич | Дмитриевич | Алексеевич | Евгеньевич | Иванович | Михайлович
  Николаевич | Владимирович | Павлович | Игоревич | Олегович | Викторович | Юрьевич | Анатольевич
  Геннадьевич | Валерьевич | Борисович | Петрович | Васильевич | Григорьевич | Вячеславович
`);

const STREETS = list(`
  ул. Ленинградская | Московское шоссе | пр-т Ленина | ул. Молодогвардейская | ул. Куйбышева
  ул. Самарская | ул. Галактионовская | ул. Ново-Садовая | пр-т Кирова | ул. Победы | ул. Гагарина
  ул. Мичурина | Южное шоссе | ул. Авроры | ул. Стара-Загора | ул. Ташкентская | ул. Дыбенко
  ул. Революционная | ул. Полевая | ул. Фрунзе | ул. Некрасовская | ул. Чапаевская | пр-т Масленникова
  ул. Солнечная | пр-т Металлургов | ул. Демократическая | ул. Антонова-Овсеенко | ул. Московская
  ул. Лесная | ул. Ерошевского | ул. Садовая | ул. Ульяновская | ул. Циолковского | ул. Свободы
  ул. Советской Армии | Заводское шоссе | ул. Мяги | ул. Аэродромная | ул. Агибалова | ул. Максима Горького
`);
/** «ул. Ленинградская» spelled the other ways people write it. */
const STREET_FULL: Readonly<Record<string, string>> = { 'ул.': 'улица', 'пр-т': 'проспект' };
const MALLS = list('Космопорт | Мега | Гудок | Амбар | Аврора | Парк Хаус | Вива Лэнд | Московский');
const BUSINESS_CENTRES: readonly { name: string; street: string; house: string }[] = [
  { name: 'Бизнес-Парк', street: 'ул. Ново-Садовая', house: '106' },
  { name: 'Вертикаль', street: 'Московское шоссе', house: '4' },
  { name: 'Деловой квартал', street: 'ул. Молодогвардейская', house: '204' },
  { name: 'Скала', street: 'ул. Мичурина', house: '21' },
  { name: 'Альфа', street: 'ул. Галактионовская', house: '132' },
  { name: 'Бизнес-центр на Самарской', street: 'ул. Самарская', house: '146А' },
];

const FREE_MAIL = list('mail.ru | yandex.ru | gmail.com | bk.ru | list.ru | inbox.ru | rambler.ru');
const MAILBOXES = list('info | office | sales | reklama | marketing | director | zakaz | buh');
const PLACEHOLDERS = list('Входящий звонок | Новый клиент | Без названия | Звонок | Лид с сайта');
const MOBILE_CODES = list('927 | 937 | 917 | 987 | 996 | 960 | 964 | 903 | 906 | 991');
const SAMARA_TAX_OFFICES = list('6311 | 6312 | 6313 | 6314 | 6315 | 6316 | 6317 | 6318 | 6319');

const TRANSLIT_FROM = 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя';
const TRANSLIT_TO = 'a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya'.split(' ');
const TRANSLIT = new Map([...TRANSLIT_FROM].map((ch, i) => [ch, (TRANSLIT_TO[i] ?? '').replace('_', '')]));

function translit(text: string): string {
  let out = '';
  for (const ch of text.toLowerCase()) out += TRANSLIT.get(ch) ?? ch;
  return out.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

// ─────────────────────────────────────────────────────────────────────────────
// Helpers
// ─────────────────────────────────────────────────────────────────────────────

/** A skewed pick: index ~ floor(len · u²), so the first entries are drawn far more often. */
function pickSkewed<T>(rng: Rng, arr: readonly T[]): T {
  const u = rng();
  return arr[Math.floor(arr.length * u * u)] as T;
}

function pickWeighted<K extends string>(rng: Rng, weights: Readonly<Record<K, number>>): K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [k, w] of entries) {
    r -= w;
    if (r < 0) return k;
  }
  return (entries.at(-1) as [K, number])[0];
}

/** A typo in a word: two neighbouring letters swapped, a letter dropped, or one doubled. */
export function typo(rng: Rng, word: string): string {
  const letters = [...word];
  const inner = letters.map((ch, i) => (/\p{L}/u.test(ch) && i > 0 ? i : -1)).filter((i) => i > 0);
  if (inner.length < 3) return word;
  const i = pick(rng, inner);
  switch (int(rng, 0, 2)) {
    case 0: {
      const j = i + 1 < letters.length && /\p{L}/u.test(letters[i + 1] as string) ? i + 1 : i - 1;
      [letters[i], letters[j]] = [letters[j] as string, letters[i] as string];
      break;
    }
    case 1:
      letters.splice(i, 1);
      break;
    default:
      letters.splice(i, 0, letters[i] as string);
  }
  return letters.join('');
}

/** Distinct values across the whole data set (no two entities share a phone, ИНН, mailbox …). */
class Unique {
  private readonly used = new Set<string>();
  /** A fresh value from `make`; after 8 collisions, `widen` makes the space larger (a name's tail). */
  take(make: () => string, widen?: (v: string, attempt: number) => string): string {
    for (let attempt = 0; ; attempt++) {
      const v = attempt >= 8 && widen ? widen(make(), attempt) : make();
      const key = v.toLowerCase().replace(/[^\p{L}\p{N}@.]+/gu, '');
      if (!this.used.has(key)) {
        this.used.add(key);
        return v;
      }
      if (attempt > 10_000) throw new Error(`synthetic: cannot find a free value like ${v}`);
    }
  }
}

/** A name made longer when the short ones are used up: «Электроцентр Плюс», «Электроцентр 24» … */
function widenName(rng: Rng): (v: string, attempt: number) => string {
  return (v, attempt) =>
    attempt < 24 ? `${v} ${pick(rng, NAME_TAILS)}` : `${v} ${pick(rng, NAME_TAILS)} ${int(rng, 2, 999)}`;
}

const SYLLABLES_A = list(
  'Ар | Ве | Ди | Ка | Ло | Ни | Са | Те | Ом | Ур | Юн | Эл | Ин | Ор | Ал | Ма | Ре | Си | Фе | Зе',
);
const SYLLABLES_B = list(
  'ник | ра | та | ния | он | ис | ада | екс | ант | ора | ита | ус | ена | ард | ион | ея',
);

/** An invented company name like «Юникс»: nothing in it says what the company does. */
function inventedName(rng: Rng): string {
  const a = pick(rng, SYLLABLES_A);
  const mid = chance(rng, 0.5) ? pick(rng, SYLLABLES_B).slice(0, 2) : '';
  const b = pick(rng, SYLLABLES_B);
  return a + mid.toLowerCase() + b;
}

type Person = { first: string; last: string; middle: string };

function randomPerson(rng: Rng): Person {
  const female = chance(rng, 0.45);
  const surname = pickSkewed(rng, SURNAMES);
  const patronymic = pick(rng, PATRONYMICS);
  return {
    first: female ? pick(rng, FEMALE_NAMES) : pick(rng, MALE_NAMES),
    last: female ? `${surname}а` : surname,
    middle: female ? `${patronymic.slice(0, -2)}на` : patronymic,
  };
}

const fullName = (p: Person) => `${p.last} ${p.first} ${p.middle}`;
const initials = (p: Person, space: boolean) => `${p.last} ${p.first[0]}.${space ? ' ' : ''}${p.middle[0]}.`;

/** A contact's name as a manager writes it down. */
function personVariant(rng: Rng, p: Person): string {
  const r = rng();
  if (r < 0.5) return fullName(p);
  if (r < 0.7) return `${p.first} ${p.last}`;
  if (r < 0.85) return `${p.first} ${p.middle}`;
  if (r < 0.95) return initials(p, chance(rng, 0.5));
  return p.first;
}

/** Ten digits after +7: a Samara fixed line (846) or a mobile number. */
function phoneDigits(rng: Rng, mobile: boolean): string {
  if (mobile) return pick(rng, MOBILE_CODES) + String(int(rng, 0, 9_999_999)).padStart(7, '0');
  return '846' + pick(rng, ['2', '3', '9']) + String(int(rng, 0, 999_999)).padStart(6, '0');
}

/** The same number in one of the ways it reaches a CRM. */
export function formatPhone(rng: Rng, d: string): string {
  const code = d.slice(0, 3);
  const a = d.slice(3, 6);
  const b = d.slice(6, 8);
  const c = d.slice(8, 10);
  switch (int(rng, 0, 8)) {
    case 0:
      return `+7 (${code}) ${a}-${b}-${c}`;
    case 1:
      return `8 (${code}) ${a}-${b}-${c}`;
    case 2:
      return `8 ${code} ${a}-${b}-${c}`;
    case 3:
      return `8${d}`;
    case 4:
      return `+7 ${code} ${a}${b}${c}`;
    case 5:
      return `+7${d}`;
    case 6:
      return `8-${code}-${a}-${b}-${c}`;
    case 7:
      return `7${d}`;
    default:
      return `8 (${code}) ${a} ${b} ${c}`;
  }
}

function emailVariant(rng: Rng, email: string): string {
  const r = rng();
  if (r < 0.7) return email;
  if (r < 0.85) {
    const [local, domain] = email.split('@') as [string, string];
    const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
    return `${cap(local)}@${domain.split('.').map(cap).join('.')}`;
  }
  return email.toUpperCase();
}

type Address = { street: string; house: string; extra: string | null };

function randomAddress(rng: Rng, kind: 'office' | 'store'): Address {
  let house = String(int(rng, 1, 180));
  if (chance(rng, 0.15)) house += pick(rng, ['А', 'Б', 'В']);
  let extra: string | null = null;
  if (kind === 'store' && chance(rng, 0.4)) extra = `ТЦ «${pick(rng, MALLS)}», ${int(rng, 1, 3)} этаж`;
  else if (kind === 'office' && chance(rng, 0.4))
    extra = `оф. ${int(rng, 1, 9)}${String(int(rng, 1, 30)).padStart(2, '0')}`;
  return { street: pick(rng, STREETS), house, extra };
}

/** An address as written in one record: abbreviations, the city in the text or in its own field. */
function addressVariant(rng: Rng, a: Address, dropExtra: boolean): { address: string; city: string | null } {
  let street = a.street;
  const [abbr, ...rest] = street.split(' ');
  if (abbr && STREET_FULL[abbr] && chance(rng, 0.3)) street = `${STREET_FULL[abbr]} ${rest.join(' ')}`;
  else if (abbr && STREET_FULL[abbr] && chance(rng, 0.15)) street = `${rest.join(' ')} ${abbr}`;
  const house = pick(rng, [`д. ${a.house}`, `д.${a.house}`, a.house, `дом ${a.house}`]);
  let text = `${street}, ${house}`;
  if (a.extra && !dropExtra) text += `, ${a.extra.replace('оф.', chance(rng, 0.3) ? 'офис' : 'оф.')}`;
  const where = rng();
  if (where < 0.45) return { address: text, city: CITY };
  if (where < 0.8) return { address: `г. ${CITY}, ${text}`, city: null };
  return { address: `${CITY}, ${text}`, city: chance(rng, 0.5) ? CITY : null };
}

/** An organisation name as written in one record. `core` is the name proper, `activity` the word before it. */
function orgNameVariant(rng: Rng, form: 'ООО' | 'АО', core: string, activity: string | null): string {
  const fullForm = form === 'ООО' ? 'Общество с ограниченной ответственностью' : 'Акционерное общество';
  switch (int(rng, 0, 9)) {
    case 0:
      return `${form} «${core}»`;
    case 1:
      return `${form} "${core}"`;
    case 2:
      return `${core}, ${form}`;
    case 3:
      return `${fullForm} «${core}»`;
    case 4:
      return core.toUpperCase();
    case 5:
      return `«${core}»`;
    case 6:
    case 7:
      return activity ? `${activity} «${core}»` : core;
    default:
      return core;
  }
}

function soleTraderNameVariant(rng: Rng, p: Person): string {
  switch (int(rng, 0, 6)) {
    case 0:
      return `ИП ${fullName(p)}`;
    case 1:
      return `ИП ${initials(p, false)}`;
    case 2:
      return `ИП ${initials(p, true)}`;
    case 3:
      return `Индивидуальный предприниматель ${fullName(p)}`;
    case 4:
      return `${fullName(p)}, ИП`;
    case 5:
      return `ИП ${p.last}`;
    default:
      return `ИП ${fullName(p)}`;
  }
}

/** A typo in one word of a name (the longest, so the name stays recognisable). */
function nameTypo(rng: Rng, name: string): string {
  const words = name.split(' ');
  let longest = 0;
  words.forEach((w, i) => {
    if (w.length > (words[longest] as string).length) longest = i;
  });
  words[longest] = typo(rng, words[longest] as string);
  return words.join(' ');
}

/** An ИНН with one digit changed so its checksum fails (a typo that gives no key). */
function brokenInn(rng: Rng, inn: string): string {
  for (;;) {
    const i = int(rng, 0, inn.length - 1);
    const d = String((Number(inn[i]) + int(rng, 1, 9)) % 10);
    const out = inn.slice(0, i) + d + inn.slice(i + 1);
    if (!validateInn(out).ok) return out;
  }
}

// ─────────────────────────────────────────────────────────────────────────────
// Entities
// ─────────────────────────────────────────────────────────────────────────────

type Contact = { person: Person; phone: string | null; email: string | null };
type Outlet = { names: string[]; address: Address; phone: string; contact: Contact };

/** Everything known about one organisation; records are partial views of it. */
type Entity = {
  truth: number;
  kind: SyntheticEntityKind;
  /** Names a record may be written under (each gets its own spelling variants). */
  nameOf: (rng: Rng) => string;
  legal: { name: (rng: Rng) => string; inn: string; ogrn: string };
  brands: string[];
  /** The head office (or the only place). */
  main: Outlet;
  /** Other places: a chain's stores. A record is about the main office or one outlet. */
  outlets: Outlet[];
  contacts: Contact[];
  recordCount: number;
};

type Ctx = { rng: Rng; unique: Unique; typoRate: number };

function makeContact(ctx: Ctx, domain: string | null, person = randomPerson(ctx.rng)): Contact {
  const { rng, unique } = ctx;
  const phone = chance(rng, 0.7) ? unique.take(() => phoneDigits(rng, true)) : null;
  let email: string | null = null;
  if (chance(rng, 0.6)) {
    email =
      domain && chance(rng, 0.7)
        ? unique.take(() =>
            chance(rng, 0.4)
              ? `${pick(rng, MAILBOXES)}@${domain}`
              : `${translit(person.first).charAt(0)}.${translit(person.last)}${chance(rng, 0.2) ? int(rng, 1, 9) : ''}@${domain}`,
          )
        : unique.take(() => `${translit(person.last)}${int(rng, 1, 9999)}@${pick(rng, FREE_MAIL)}`);
  }
  return { person, phone, email };
}

function makeDomain(ctx: Ctx, name: string): string {
  const base = translit(name) || 'company';
  const { rng } = ctx;
  return ctx.unique.take(
    () => `${base}${pick(rng, ['', '', '-samara', '63', '-smr', String(int(rng, 2, 99))])}.ru`,
    (v) =>
      v.replace(/\.ru$/, `-${pick(rng, ['group', 'trade', 'pro', 'city', 'plus'])}${int(rng, 2, 9999)}.ru`),
  );
}

/** 1 + an index drawn by weight: [35, 35, 20, 10] gives 1…4 records. */
function recordCount(rng: Rng, weights: readonly number[]): number {
  return 1 + Number(pickWeighted(rng, Object.fromEntries(weights.map((w, i) => [String(i), w]))));
}

function companyEntity(ctx: Ctx, truth: number, kind: 'company' | 'namesake' | 'bcTenant'): Entity {
  const { rng, unique } = ctx;
  let core: string;
  let activity: string | null;
  if (kind === 'namesake') {
    core = pick(rng, SHORT_NAMES);
    activity = chance(rng, 0.5) ? pick(rng, ACTIVITIES) : null;
  } else {
    // Apart from the namesakes, a name is used by one organisation only: a word («Улыбка»), a
    // compound («СтройМаркет») or an invented name («Ардисния»); when those run out, a tail is
    // added («Улыбка Плюс»), which makes near-namesakes.
    const style = rng();
    core = unique.take(() => {
      if (style < 0.4) return pick(rng, CORES);
      if (style < 0.65) {
        const a = pick(rng, STEMS_A);
        const b = pick(rng, STEMS_B);
        return chance(rng, 0.6) ? a + b.charAt(0).toUpperCase() + b.slice(1) : a + b;
      }
      return inventedName(rng);
    }, widenName(rng));
    activity =
      style < 0.4
        ? chance(rng, 0.7)
          ? pick(rng, ACTIVITIES)
          : null
        : chance(rng, 0.5)
          ? pick(rng, SHOP_WORDS)
          : null;
  }
  const form = chance(rng, 0.85) ? 'ООО' : 'АО';
  const office = pick(rng, SAMARA_TAX_OFFICES);
  const domain = chance(rng, kind === 'namesake' ? 0.4 : 0.7) ? makeDomain(ctx, core) : null;
  let address = randomAddress(rng, 'office');
  if (kind === 'bcTenant') {
    const bc = pick(rng, BUSINESS_CENTRES);
    const withName = chance(rng, 0.4) ? `БЦ «${bc.name}», ` : '';
    address = {
      street: bc.street,
      house: bc.house,
      extra: `${withName}оф. ${int(rng, 1, 12)}${String(int(rng, 1, 40)).padStart(2, '0')}`,
    };
  }
  const contacts: Contact[] = [];
  const nContacts = int(rng, 1, 3);
  for (let i = 0; i < nContacts; i++) contacts.push(makeContact(ctx, domain));
  const main: Outlet = {
    names: [core],
    address,
    phone: unique.take(() => phoneDigits(rng, false)),
    contact: contacts[0] as Contact,
  };
  const outlets: Outlet[] = [];
  if (kind !== 'bcTenant' && chance(rng, 0.2)) {
    outlets.push({
      names: [core],
      address: randomAddress(rng, 'store'),
      phone: unique.take(() => phoneDigits(rng, false)),
      contact: contacts[contacts.length - 1] as Contact,
    });
  }
  return {
    truth,
    kind,
    nameOf: (r) => orgNameVariant(r, form, core, chance(r, 0.5) ? activity : null),
    legal: {
      name: (r) => orgNameVariant(r, form, core, null).replace(/^«(.*)»$/, `${form} «$1»`),
      inn: unique.take(() => generateInn10(rng, office)),
      ogrn: unique.take(() => generateOgrn(rng, '63')),
    },
    brands: [],
    main,
    outlets,
    contacts,
    recordCount: recordCount(rng, kind === 'namesake' ? [50, 30, 20] : [35, 35, 20, 10]),
  };
}

function chainEntity(ctx: Ctx, truth: number): Entity {
  const { rng, unique } = ctx;
  const legalCore = unique.take(
    () =>
      `${chance(rng, 0.3) ? pick(rng, CHAIN_LEGAL) : inventedName(rng)}${chance(rng, 0.3) ? `-${pick(rng, CHAIN_TAILS)}` : ''}`,
    widenName(rng),
  );
  const domain = makeDomain(ctx, legalCore);
  const office = pick(rng, SAMARA_TAX_OFFICES);
  const nBrands = int(rng, 2, 4);
  const brands: string[] = [];
  for (let i = 0; i < nBrands; i++) {
    brands.push(
      unique.take(() => {
        const a = pick(rng, STEMS_A);
        const b = pick(rng, STEMS_B);
        return `${a}${chance(rng, 0.5) ? b.charAt(0).toUpperCase() + b.slice(1) : b}`;
      }, widenName(rng)),
    );
  }
  const marketer = makeContact(ctx, domain);
  if (!marketer.email) marketer.email = unique.take(() => `marketing${int(rng, 1, 99)}@${domain}`);
  const contacts: Contact[] = [marketer, makeContact(ctx, domain)];
  const main: Outlet = {
    names: [legalCore],
    address: randomAddress(rng, 'office'),
    phone: unique.take(() => phoneDigits(rng, false)),
    contact: marketer,
  };
  const outlets: Outlet[] = [];
  const nStores = int(rng, 2, 4);
  for (let i = 0; i < nStores; i++) {
    const director = makeContact(ctx, domain);
    contacts.push(director);
    outlets.push({
      names: [brands[i % brands.length] as string],
      address: randomAddress(rng, 'store'),
      phone: unique.take(() => phoneDigits(rng, false)),
      contact: director,
    });
  }
  return {
    truth,
    kind: 'chain',
    nameOf: (r) => orgNameVariant(r, 'ООО', legalCore, null),
    legal: {
      name: (r) => orgNameVariant(r, 'ООО', legalCore, null).replace(/^«(.*)»$/, 'ООО «$1»'),
      inn: unique.take(() => generateInn10(rng, office)),
      ogrn: unique.take(() => generateOgrn(rng, '63')),
    },
    brands,
    main,
    outlets,
    contacts,
    recordCount: int(rng, 3, 6),
  };
}

function soleTraderEntity(ctx: Ctx, truth: number): Entity {
  const { rng, unique } = ctx;
  const owner = randomPerson(rng);
  const shop = chance(rng, 0.33) ? (chance(rng, 0.5) ? pick(rng, SHORT_NAMES) : pick(rng, CORES)) : null;
  const shopWord = pick(rng, SHOP_WORDS);
  const ownerContact: Contact = {
    person: owner,
    phone: unique.take(() => phoneDigits(rng, true)),
    email: chance(rng, 0.5)
      ? unique.take(() => `${translit(owner.last)}${int(rng, 1, 9999)}@${pick(rng, FREE_MAIL)}`)
      : null,
  };
  const contacts: Contact[] = [ownerContact];
  if (chance(rng, 0.3)) contacts.push(makeContact(ctx, null));
  const office = pick(rng, SAMARA_TAX_OFFICES);
  return {
    truth,
    kind: 'soleTrader',
    nameOf: (r) =>
      shop && chance(r, 0.5)
        ? chance(r, 0.5)
          ? `${shopWord} «${shop}»`
          : shop
        : soleTraderNameVariant(r, owner),
    legal: {
      name: (r) => soleTraderNameVariant(r, owner),
      inn: unique.take(() => generateInn12(rng, office)),
      ogrn: unique.take(() => generateOgrnip(rng, '63')),
    },
    brands: shop ? [shop] : [],
    main: {
      names: [],
      address: randomAddress(rng, chance(rng, 0.5) ? 'store' : 'office'),
      phone: chance(rng, 0.4) ? unique.take(() => phoneDigits(rng, false)) : ownerContact.phone!,
      contact: ownerContact,
    },
    outlets: [],
    contacts,
    recordCount: recordCount(rng, [45, 35, 20]),
  };
}

// ─────────────────────────────────────────────────────────────────────────────
// Records
// ─────────────────────────────────────────────────────────────────────────────

type Draft = Omit<SyntheticRecord, 'row'>;
const LINK_WEIGHTS: Readonly<Record<SyntheticLink, number>> = {
  inn: 0.3,
  phone: 0.33,
  email: 0.16,
  nameAddress: 0.09,
  nameContact: 0.05,
  onlyName: 0.03,
  onlyPhone: 0.04,
};

/** What earlier records of the entity hold: keys (normalised enough to tell what links), places and people. */
type Seen = {
  inn: Set<string>;
  phones: Set<string>;
  emails: Set<string>;
  /** Outlets whose address was written down, with the name they were written under. */
  places: Outlet[];
  /** People whose name was written down, and where. */
  people: { person: Person; outlet: Outlet }[];
};

function digitsOf(formatted: string): string {
  return formatted.replace(/\D/g, '').slice(-10);
}

function buildRecord(ctx: Ctx, e: Entity, index: number, seen: Seen): Draft {
  const { rng } = ctx;
  const link: SyntheticLink | null =
    index === 0
      ? null
      : pickWeighted(rng, {
          ...LINK_WEIGHTS,
          inn: seen.inn.size > 0 ? LINK_WEIGHTS.inn : 0,
          phone: seen.phones.size > 0 ? LINK_WEIGHTS.phone : 0,
          onlyPhone: seen.phones.size > 0 ? LINK_WEIGHTS.onlyPhone : 0,
          email: seen.emails.size > 0 ? LINK_WEIGHTS.email : 0,
          nameAddress: seen.places.length > 0 ? LINK_WEIGHTS.nameAddress : 0,
          nameContact: seen.people.length > 0 ? LINK_WEIGHTS.nameContact : 0,
        });
  const knownPerson = link === 'nameContact' ? pick(rng, seen.people) : null;
  let outlet: Outlet;
  if (link === 'nameAddress') outlet = pick(rng, seen.places);
  else if (knownPerson) outlet = knownPerson.outlet;
  else if (
    e.outlets.length > 0 &&
    (index > 0 || e.kind !== 'chain') &&
    chance(rng, e.kind === 'chain' ? 0.8 : 0.3)
  )
    outlet = pick(rng, e.outlets);
  else outlet = e.main;

  const draft: Draft = {
    truth: e.truth,
    kind: e.kind,
    shape: 'full',
    link,
    displayName: '',
    legalEntities: [],
    brands: [],
    contacts: [],
    addresses: [],
  };
  const typoed = (name: string) => (chance(rng, ctx.typoRate) ? nameTypo(rng, name) : name);
  const storeName = outlet !== e.main ? (outlet.names[0] as string) : null;
  draft.displayName = typoed(
    storeName ? (chance(rng, 0.3) ? `${pick(rng, SHOP_WORDS)} «${storeName}»` : storeName) : e.nameOf(rng),
  );
  const people: Person[] = [];
  const addLegal = (withInn: boolean) => {
    const inn = withInn ? (chance(rng, 0.03) ? brokenInn(rng, e.legal.inn) : e.legal.inn) : null;
    draft.legalEntities.push({
      name: typoed(e.legal.name(rng)),
      inn,
      ogrn: chance(rng, 0.2) ? e.legal.ogrn : null,
    });
  };
  const contactOf = (c: Contact, phone: string | null, email: string | null) => {
    const named = chance(rng, 0.8);
    if (named) people.push(c.person);
    draft.contacts.push({
      name: named ? personVariant(rng, c.person) : '',
      phones: phone ? [formatPhone(rng, phone)] : [],
      emails: email ? [emailVariant(rng, email)] : [],
    });
  };
  const addAddress = (a: Address) => draft.addresses.push(addressVariant(rng, a, chance(rng, 0.3)));
  const done = () => {
    for (const l of draft.legalEntities) if (l.inn && validateInn(l.inn).ok) seen.inn.add(l.inn);
    for (const c of draft.contacts) {
      for (const p of c.phones) seen.phones.add(digitsOf(p));
      for (const m of c.emails) seen.emails.add(m.toLowerCase());
    }
    if (draft.addresses.length > 0 && !seen.places.includes(outlet)) seen.places.push(outlet);
    for (const person of people) seen.people.push({ person, outlet });
    return draft;
  };

  if (link === 'onlyName') {
    draft.shape = 'onlyName';
    return done();
  }
  if (link === 'onlyPhone') {
    draft.shape = 'onlyPhone';
    draft.displayName = chance(rng, 0.7) ? pick(rng, PLACEHOLDERS) : '';
    draft.contacts.push({ name: '', phones: [formatPhone(rng, pick(rng, [...seen.phones]))], emails: [] });
    return done();
  }

  // Random content, as a manager happened to fill the card in.
  if (e.kind === 'chain' && outlet === e.main) {
    addLegal(chance(rng, 0.8));
  } else if (chance(rng, e.kind === 'soleTrader' ? 0.5 : 0.45)) {
    addLegal(chance(rng, 0.7));
  }
  if (storeName && chance(rng, 0.3)) draft.brands.push(storeName);
  else if (e.brands.length > 0 && chance(rng, 0.2)) draft.brands.push(pick(rng, e.brands));
  if (chance(rng, 0.85)) {
    const c = outlet === e.main ? pick(rng, e.contacts) : outlet.contact;
    const phone = chance(rng, 0.5) ? outlet.phone : c.phone;
    contactOf(c, phone ?? (chance(rng, 0.5) ? outlet.phone : null), chance(rng, 0.5) ? c.email : null);
  }
  if (link === 'nameAddress' || chance(rng, 0.65)) addAddress(outlet.address);

  // The chosen link to an earlier record of the entity.
  const hasInn = () => draft.legalEntities.some((l) => l.inn !== null && seen.inn.has(l.inn));
  const hasPhone = () => draft.contacts.some((c) => c.phones.some((p) => seen.phones.has(digitsOf(p))));
  const hasEmail = () => draft.contacts.some((c) => c.emails.some((m) => seen.emails.has(m.toLowerCase())));
  if (link === 'inn' && !hasInn()) {
    draft.legalEntities = [{ name: typoed(e.legal.name(rng)), inn: e.legal.inn, ogrn: null }];
  } else if (link === 'phone' && !hasPhone()) {
    draft.contacts.push({ name: '', phones: [formatPhone(rng, pick(rng, [...seen.phones]))], emails: [] });
  } else if (link === 'email' && !hasEmail()) {
    draft.contacts.push({ name: '', phones: [], emails: [emailVariant(rng, pick(rng, [...seen.emails]))] });
  } else if (
    knownPerson &&
    !draft.contacts.some((c) => c.name !== '' && people.includes(knownPerson.person))
  ) {
    // Written the way people write a colleague's name, never the first name alone.
    const p = knownPerson.person;
    const name = pick(rng, [fullName(p), fullName(p), `${p.first} ${p.last}`, initials(p, chance(rng, 0.5))]);
    people.push(p);
    draft.contacts.push({ name, phones: [], emails: [] });
  }

  // The first record of an entity with more to come must hold a key later ones can link to.
  if (index === 0 && e.recordCount > 1) {
    const anyKey =
      draft.legalEntities.some((l) => l.inn === e.legal.inn) ||
      draft.contacts.some((c) => c.phones.length > 0 || c.emails.length > 0);
    if (!anyKey) {
      if (chance(rng, 0.5)) addLegal(true);
      else contactOf(outlet.contact, outlet.phone, null);
    }
  }
  return done();
}

/** Generates the data set; see the module comment for the mix. Same options, same records. */
export function generateIdentityDataset(opts: IdentityDatasetOptions): IdentityDataset {
  const rng = createRng(opts.seed);
  const ctx: Ctx = { rng, unique: new Unique(), typoRate: opts.typoRate ?? 0.12 };
  const mix = { ...DEFAULT_IDENTITY_MIX, ...opts.mix };
  const entitiesByKind: Record<SyntheticEntityKind, number> = {
    company: 0,
    namesake: 0,
    chain: 0,
    soleTrader: 0,
    bcTenant: 0,
  };
  const drafts: Draft[] = [];
  const count = Math.max(0, Math.floor(opts.entities));
  for (let truth = 0; truth < count; truth++) {
    const kind = pickWeighted(rng, mix);
    entitiesByKind[kind]++;
    const e =
      kind === 'chain'
        ? chainEntity(ctx, truth)
        : kind === 'soleTrader'
          ? soleTraderEntity(ctx, truth)
          : companyEntity(ctx, truth, kind);
    const seen: Seen = { inn: new Set(), phones: new Set(), emails: new Set(), places: [], people: [] };
    if (e.recordCount === 1 && kind === 'namesake' && chance(rng, 0.33)) {
      drafts.push({
        truth,
        kind,
        shape: 'onlyName',
        link: null,
        displayName: e.nameOf(rng),
        legalEntities: [],
        brands: [],
        contacts: [],
        addresses: [],
      });
      continue;
    }
    for (let i = 0; i < e.recordCount; i++) {
      drafts.push(buildRecord(ctx, e, i, seen));
    }
  }
  // Shuffle (Fisher–Yates), so an entity's records are not neighbours.
  for (let i = drafts.length - 1; i > 0; i--) {
    const j = int(rng, 0, i);
    [drafts[i], drafts[j]] = [drafts[j] as Draft, drafts[i] as Draft];
  }
  return { records: drafts.map((d, row) => ({ row, ...d })), entitiesByKind };
}

/** A record as a client snapshot (ids: the row for the client, the position for its parts). */
export function syntheticSnapshot(r: SyntheticRecord): ClientSnapshot {
  return {
    id: r.row,
    displayName: r.displayName,
    legalEntities: r.legalEntities.map((l, i) => ({ id: i, name: l.name, inn: l.inn, ogrn: l.ogrn })),
    brands: r.brands.map((name, i) => ({ id: i, name })),
    contacts: r.contacts.map((c, i) => ({ id: i, name: c.name, phones: c.phones, emails: c.emails })),
    addresses: r.addresses.map((a, i) => ({ id: i, address: a.address, city: a.city })),
  };
}

/** The normalised identifiers of a record, as `clusterRecords` takes them. */
export function syntheticIdentifiers(r: SyntheticRecord): Identifier[] {
  return identifiersOf(syntheticSnapshot(r));
}
