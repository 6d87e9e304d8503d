/**
 * Deterministic demo data for a radio-advertising sales team in Самара: managers, client
 * companies with legal entities, contacts, addresses, and an ownership history that obeys the
 * base cap (R-CAP-1) and the newcomer cap (C6) when replayed chronologically.
 * Pure: all randomness comes from a seeded PRNG, times are "days ago" relative to the caller's now.
 */
import { generateInn10, generateInn12, generateOgrn, generateOgrnip } from '../identity/ru-identifiers.ts';
import { chance, createRng, int, pick, type Rng } from './prng.ts';

export type DemoManager = {
  key: string;
  name: string;
  email: string;
  role: 'manager' | 'head';
  hiredDaysAgo: number;
};
export type DemoLegalEntity = {
  name: string;
  legalForm: 'ООО' | 'АО' | 'ПАО' | 'ИП';
  inn: string;
  kpp: string | null;
  ogrn: string | null;
};
export type DemoContact = {
  name: string;
  position: string;
  isDecisionMaker: boolean;
  phones: string[];
  emails: string[];
  doNotContact: boolean;
};
export type DemoAddress = { kind: 'hq' | 'branch' | 'store' | 'other'; address: string; city: string };
export type DemoClient = {
  displayName: string;
  /** The distinctive word(s) of the name («Улыбка», «СтройМаркет»), also in its legal names and brands. */
  nameCore: string;
  notes: string | null;
  createdDaysAgo: number;
  legalEntities: DemoLegalEntity[];
  brands: string[];
  contacts: DemoContact[];
  addresses: DemoAddress[];
  // ownership history, oldest first; each step: days ago (<= createdDaysAgo), the new owner (manager key or null = pool)
  history: { daysAgo: number; ownerKey: string | null }[];
};
export type DemoDataset = { head: DemoManager; managers: DemoManager[]; clients: DemoClient[] };

export type GenerateDemoOptions = {
  clients: number;
  seed?: number;
  /** Number of sales managers besides the head; default 8. */
  managers?: number;
  /** Base cap of a regular manager; default 200. */
  cap?: number;
  /** Cap of a newcomer during the first {@link DEMO_NEWCOMER_DAYS} days; default 1.5 × cap (300). */
  newcomerCap?: number;
};

/** All ownership events fall within this many days before "now". */
export const DEMO_HISTORY_DAYS = 120;
/** A manager hired fewer than this many days before an event is a newcomer at that event (C6). */
export const DEMO_NEWCOMER_DAYS = 90;
export const DEMO_STAFF_DOMAIN = 'radio-demo.ru';
export const DEMO_CITY = 'Самара';

/** The cap that applies to `manager` at an instant `daysAgo` (C6: newcomers get the larger cap). */
export function demoCapAt(
  manager: DemoManager,
  daysAgo: number,
  cap = 200,
  newcomerCap = Math.round(cap * 1.5),
) {
  return manager.hiredDaysAgo - daysAgo < DEMO_NEWCOMER_DAYS ? Math.max(cap, newcomerCap) : cap;
}

// ---------------------------------------------------------------------------
// Reference vocabulary, kept as `|`-separated text so the lists stay compact and easy to extend.

function list(text: string): readonly string[] {
  return text
    .split(/[|\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const MALE_NAMES = list(`
  Александр | Сергей | Андрей | Дмитрий | Алексей | Максим | Евгений | Иван | Михаил | Артём | Николай
  Владимир | Павел | Роман | Игорь | Олег | Денис | Константин | Виктор | Юрий | Илья | Антон | Кирилл
  Вадим | Станислав | Григорий | Георгий | Тимур | Руслан | Вячеслав
`);
const FEMALE_NAMES = list(`
  Анна | Елена | Ольга | Наталья | Татьяна | Ирина | Екатерина | Мария | Светлана | Юлия | Марина
  Анастасия | Людмила | Галина | Виктория | Дарья | Ксения | Валентина | Надежда | Алина | Евгения
  Оксана | Полина | Вероника | Лариса | Жанна | Инна | Алёна | Кристина | Софья
`);
// Male forms; all end in -ов/-ев/-ёв/-ин, so the female form is the same plus «а».
const SURNAMES = list(`
  Смирнов | Иванов | Кузнецов | Попов | Васильев | Петров | Соколов | Михайлов | Новиков | Фёдоров
  Морозов | Волков | Алексеев | Лебедев | Семёнов | Егоров | Павлов | Козлов | Степанов | Николаев
  Орлов | Андреев | Макаров | Никитин | Захаров | Зайцев | Соловьёв | Борисов | Яковлев | Григорьев
  Романов | Воробьёв | Сергеев | Кузьмин | Фролов | Александров | Дмитриев | Королёв | Гусев | Киселёв
  Ильин | Максимов | Поляков | Сорокин | Виноградов | Ковалёв | Белов | Медведев | Антонов | Тарасов
  Жуков | Баранов | Филиппов | Комаров | Давыдов | Беляев | Герасимов | Богданов | Осипов | Сидоров
  Матвеев | Титов | Марков | Миронов | Крылов | Куликов | Карпов | Власов | Мельников | Денисов
  Гаврилов | Тихонов | Казаков | Афанасьев | Данилов | Савельев | Тимофеев | Фомин | Чернов | Абрамов
  Мартынов | Ефимов | Федотов | Щербаков | Назаров | Калинин | Исаев | Чернышёв | Быков | Маслов
  Родионов | Коновалов | Лазарев | Воронин | Климов | Филатов | Пономарёв | Голубев | Кудрявцев
  Прохоров | Наумов | Потапов | Журавлёв | Овчинников | Трофимов | Леонов | Соболев | Ермаков
  Колесников | Гончаров | Емельянов | Никифоров | Грачёв | Котов | Гришин | Ефремов | Архипов | Громов
  Кириллов | Малышев | Панов | Моисеев | Румянцев | Акимов | Кондратьев | Бирюков | Горбунов | Анисимов
  Ерёмин | Тихомиров | Галкин | Лукьянов | Михеев | Скворцов | Юдин | Белоусов | Нестеров | Симонов
  Прокофьев | Харитонов | Князев | Цветков | Левин | Митрофанов | Воронов | Аксёнов | Мальцев | Логинов
  Горшков | Савин | Краснов | Майоров | Демидов | Елисеев | Рыбаков | Сафонов | Плотников | Дёмин
  Хохлов | Жданов
`);
// Male patronymics; the female form swaps «-ич» for «-на» (Сергеевич → Сергеевна).
const PATRONYMICS = list(`
  Александрович | Сергеевич | Андреевич | Дмитриевич | Алексеевич | Евгеньевич | Иванович | Михайлович
  Николаевич | Владимирович | Павлович | Игоревич | Олегович | Викторович | Юрьевич | Анатольевич
  Геннадьевич | Валерьевич | Борисович | Петрович | Васильевич | Григорьевич | Вячеславович
  Константинович
`);

type Person = { first: string; last: string; middle: string; female: boolean };

function randomPerson(rng: Rng): Person {
  const female = chance(rng, 0.5);
  const patronymic = pick(rng, PATRONYMICS);
  const surname = pick(rng, SURNAMES);
  return {
    first: female ? pick(rng, FEMALE_NAMES) : pick(rng, MALE_NAMES),
    last: female ? surname + 'а' : surname,
    middle: female ? patronymic.slice(0, -2) + 'на' : patronymic,
    female,
  };
}

const fullName = (p: Person) => `${p.last} ${p.first} ${p.middle}`;

// Passport-style transliteration; «ъ» and «ь» vanish (written as «_» here).
const TRANSLIT_FROM = 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя';
const TRANSLIT_TO = 'a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya'.split(' ');
const TRANSLIT = new Map([...TRANSLIT_FROM].map((ch, i) => [ch, (TRANSLIT_TO[i] ?? '').replace('_', '')]));

// Names repeat constantly across 100k clients; caching keeps the generator fast and light on garbage.
const translitCache = new Map<string, string>();

/** Lower-case Latin transliteration, for e-mail local parts and domains. */
function translit(text: string): string {
  const cached = translitCache.get(text);
  if (cached !== undefined) return cached;
  let out = '';
  for (const ch of text.toLowerCase()) out += TRANSLIT.get(ch) ?? ch;
  translitCache.set(text, out);
  return out;
}

/** A domain-safe slug: transliterated, non-alphanumerics collapsed to single dashes. */
function slug(text: string): string {
  return translit(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

type Industry = {
  id: string;
  weight: number;
  prefixes: readonly string[];
  cores: readonly string[];
  brandTails: readonly string[];
  /** Industries whose big players are joint-stock companies. */
  bigBusiness?: boolean;
  /** Kind used for the second and third address. */
  outlet: 'branch' | 'store';
  extraPositions?: readonly Position[];
};

type Position = { title: string; decisionMaker: number; mailbox?: string };

const INDUSTRIES: readonly Industry[] = [
  {
    id: 'dentistry',
    weight: 10,
    outlet: 'branch',
    prefixes: ['Стоматология', 'Стоматологическая клиника', 'Стоматологический центр', 'Клиника'],
    cores: list(`
      Улыбка | Жемчужина | Дента | Денталия | Мир улыбок | Эстетика | Дентал Арт | Нова Дент
      Доктор Дент | Альфа-Дент | Смайл | Премьер | Белый жемчуг | Зубной стандарт | ДентаЛюкс
      Эдельвейс | Кристалл | Эверест | Дантист | Вита Дент
    `),
    brandTails: ['Kids', 'Детская', 'Имплант', 'Ортодонтия'],
    extraPositions: [{ title: 'Главный врач', decisionMaker: 0.8 }],
  },
  {
    id: 'car-dealer',
    weight: 8,
    outlet: 'branch',
    bigBusiness: true,
    prefixes: ['Автосалон', 'Автоцентр', 'Автодом', 'Дилерский центр', 'Автомир'],
    cores: list(`
      Плюс | Волга | Гранд | Мотор Сити | Форвард | Регион | Юг | Север | Премьер | Автолайн | Лидер
      Магистраль | Спектр | Престиж | Самара-Авто | Жигули | Меркурий | Виктория | Альянс
    `),
    brandTails: ['Trade-in', 'Сервис', 'Запчасти', 'Кредит'],
  },
  {
    id: 'car-service',
    weight: 5,
    outlet: 'branch',
    prefixes: ['Автосервис', 'Шинный центр', 'Автотехцентр', 'Кузовной центр', 'Автомойка'],
    cores: list(`
      Колесо | Гараж | Механик | Пит-Стоп | Мастер | Драйв | Автодоктор | Форсаж | Профи | Турбо | Ключ
      Шиномания | Автопилот | Полный привод
    `),
    brandTails: ['Шиномонтаж', 'Экспресс', '24'],
  },
  {
    id: 'furniture',
    weight: 8,
    outlet: 'store',
    prefixes: ['Мебель', 'Мебельный салон', 'Фабрика мебели', 'Кухни', 'Диваны', 'Салон мебели'],
    cores: list(`
      Стиль | Уют | Гранд | Комфорт | Мебельград | Волжанка | Идея | Лайн | Элегант | Классика | Мастер
      Фаворит | Дриада | Сосновый бор | Модерн | Массив
    `),
    brandTails: ['Кухни', 'Дисконт', 'Home', 'Фабрика'],
  },
  {
    id: 'developer',
    weight: 7,
    outlet: 'branch',
    bigBusiness: true,
    prefixes: ['ГК', 'СК', 'ЖК', 'Агентство недвижимости', 'Девелопер', 'Строительная компания'],
    cores: list(`
      Новый Дом | Волга-Строй | Самарские кварталы | Солнечный | Высота | Ладья | Жилстрой | Монолит
      Город | Времена года | Новострой | Квартал | Береговой | Волжские просторы | Созвездие
    `),
    brandTails: ['Сити', 'Парк', 'Резиденс', 'Квартал'],
  },
  {
    id: 'food',
    weight: 10,
    outlet: 'branch',
    prefixes: list(`
      Кафе | Ресторан | Пиццерия | Суши-бар | Кофейня | Бар | Столовая | Пекарня | Гриль-бар
    `),
    cores: list(`
      Берёзка | Волжский | Папа Карло | Самурай | Старый город | Уют | Сказка | Бочка | Шашлычный двор
      Мангал | Тбилиси | Баклажан | Хлебница | Сытый папа | Волна | Дружба | Причал | Гусь | Жар-птица
      Пельмень | Чайхана | Ласточка
    `),
    brandTails: ['Доставка', 'Экспресс', 'To Go', 'Банкеты'],
    extraPositions: [
      { title: 'Управляющий', decisionMaker: 0.6 },
      { title: 'Шеф-повар', decisionMaker: 0.1 },
    ],
  },
  {
    id: 'fitness',
    weight: 5,
    outlet: 'branch',
    prefixes: ['Фитнес-клуб', 'Фитнес-центр', 'Спортклуб', 'Студия йоги', 'Бассейн', 'Школа танцев'],
    cores: list(`
      Атлет | Олимп | Фитнес Лайф | Энергия | Импульс | Драйв | Титан | Форма | Баланс | Грация | Спарта
      Чемпион | Антей | Ритм
    `),
    brandTails: ['Kids', 'Pro', 'Aqua', 'Lady'],
  },
  {
    id: 'clinic',
    weight: 8,
    outlet: 'branch',
    prefixes: list(`
      Клиника | Медцентр | Медицинский центр | МЦ | Лаборатория | Глазная клиника | Ветклиника
    `),
    cores: list(`
      Здоровье | Доктор Плюс | Династия | Медлайн | Авиценна | Гиппократ | Семейный доктор | Панацея
      Вита | Ваш доктор | Альфа-Мед | Медиком | Пульс | Кардио Плюс | Здравица | Айболит
    `),
    brandTails: ['Kids', 'Лаб', 'Диагностика', 'Онлайн'],
    extraPositions: [{ title: 'Главный врач', decisionMaker: 0.8 }],
  },
  {
    id: 'retail',
    weight: 12,
    outlet: 'store',
    bigBusiness: true,
    prefixes: ['', '', '', 'Магазин', 'Сеть магазинов', 'Гипермаркет', 'Торговый дом'],
    cores: [], // built from stems, see retailCore()
    brandTails: ['Экспресс', 'Дисконт', 'Онлайн', 'Опт'],
  },
  {
    id: 'beauty',
    weight: 5,
    outlet: 'branch',
    prefixes: ['Салон красоты', 'Студия красоты', 'Барбершоп', 'Ногтевая студия', 'Косметология'],
    cores: list(`
      Шарм | Клеопатра | Афродита | Бьюти Лаб | Локон | Стиль | Образ | Магия | Жасмин | Лотос | Бритва
      Шелк | Мята | Венера
    `),
    brandTails: ['Men', 'Nails', 'Spa', 'Академия'],
  },
  {
    id: 'renovation',
    weight: 6,
    outlet: 'branch',
    prefixes: ['Окна', 'Натяжные потолки', 'Двери', 'Ремонт квартир', 'Балконы', 'Кровля', 'Сантехника'],
    cores: list(`
      Профи | Мастер | Эталон | Комфорт | Тёплый дом | Престиж | Гарант | Фасад | Новый уровень | Оптима
      Стандарт | Надёжный дом | Строй-Сервис
    `),
    brandTails: ['Монтаж', 'Экспресс', 'Завод', 'Сервис'],
  },
  {
    id: 'education',
    weight: 4,
    outlet: 'branch',
    prefixes: ['Автошкола', 'Языковая школа', 'Детский центр', 'Учебный центр', 'Школа программирования'],
    cores: list(`
      Форсаж | Светофор | Лингва | Полиглот | Умка | Эрудит | Знание | Академия | Развитие | Гений
      Перспектива | Старт
    `),
    brandTails: ['Kids', 'Online', 'Лагерь', 'Pro'],
  },
  {
    id: 'jewellery',
    weight: 3,
    outlet: 'store',
    prefixes: ['Ювелирный салон', 'Ювелирный дом', 'Ломбард', 'Часовой салон'],
    cores: list(`
      Золото Самары | Алмаз | Изумруд | Сапфир | Яхонт | Бриллиант | Злато | Аметист | Малахит
    `),
    brandTails: ['Gold', 'Ломбард', 'Outlet'],
  },
  {
    id: 'travel',
    weight: 3,
    outlet: 'branch',
    prefixes: ['Турагентство', 'Туристическое агентство', 'Туроператор'],
    cores: list(`
      Горячие туры | Мир путешествий | Глобус | Тур Экспресс | Волга-Тур | Круиз | Каникулы | Чемодан
      Жигулёвские горы | Пять звёзд
    `),
    brandTails: ['Круизы', 'Visa', 'Отдых'],
  },
];
const INDUSTRY_WEIGHT_TOTAL = INDUSTRIES.reduce((s, i) => s + i.weight, 0);

const RETAIL_STEMS_A = list(`
  Строй | Электро | Техно | Авто | Хоз | Эко | Дом | Зоо | Сад | Мега | Гранд | Продукт | Свет | Вело
  Спорт | Кафель | Обои | Книго | Мото | Фермер | Аква | Тепло
`);
const RETAIL_STEMS_B = list(`
  Маркет | Центр | Мир | Град | Сервис | Лэнд | Торг | Трейд | Дом | Мастер | Сити | Опт | Лидер | Ленд
  Склад | Галерея
`);
// Most names have no tail; the few that do make namesakes rarer and sound like real signage.
const NAME_TAILS = list('Плюс | Самара | Премиум | Сити | 63 | Люкс | Волга | Экспресс');

/** «СтройМаркет» and «Электроцентр» are both common spellings of such compounds. */
function retailCore(rng: Rng): string {
  const a = pick(rng, RETAIL_STEMS_A);
  const b = pick(rng, RETAIL_STEMS_B);
  if (a === b) return a + 'Маркет';
  return chance(rng, 0.6) ? a + b : a + b.toLowerCase();
}

function pickIndustry(rng: Rng): Industry {
  let r = rng() * INDUSTRY_WEIGHT_TOTAL;
  for (const industry of INDUSTRIES) {
    r -= industry.weight;
    if (r < 0) return industry;
  }
  return INDUSTRIES[INDUSTRIES.length - 1] as Industry;
}

const DISTRICTS = list(`
  Кировский | Красноглинский | Куйбышевский | Ленинский | Октябрьский | Промышленный | Самарский
  Советский | Железнодорожный
`);

const STREETS = list(`
  ул. Ленинградская | Московское шоссе | пр-т Ленина | ул. Молодогвардейская | ул. Куйбышева
  ул. Самарская | ул. Галактионовская | ул. Ново-Садовая | пр-т Кирова | ул. Победы | ул. Гагарина
  ул. Мичурина | Южное шоссе | ул. Авроры | ул. Стара-Загора | ул. Ташкентская | ул. Дыбенко
  ул. Революционная | ул. Полевая | ул. Фрунзе | ул. Некрасовская | ул. Чапаевская | пр-т Масленникова
  ул. XXII Партсъезда | ул. Солнечная | пр-т Металлургов | ул. Демократическая | ул. Антонова-Овсеенко
  ул. Московская | ул. Лесная | ул. Ерошевского | ул. Садовая | ул. Ульяновская | ул. Циолковского
  ул. Свободы | ул. Советской Армии | Заводское шоссе | ул. Мяги | ул. Аэродромная | ул. Агибалова
`);
const MALLS = list(`
  Космопорт | Мега | Гудок | Амбар | Аврора | Парк Хаус | Вива Лэнд | Московский
`);

const NOTES = list(`
  Сезонная реклама весной и осенью | Бюджет согласует собственник | Просили не звонить до 11:00
  В прошлом году брали утренний эфир, остались довольны | Интересуются спонсорством прогноза погоды
  Сейчас размещаются на другой станции, ждут конца контракта | Решения принимает головной офис в Москве
  Нужен медиаплан до 25 числа | Оплата только по безналу, с НДС
  Открывают новый филиал — повод для кампании | Хотят ролик с джинглом, готовы платить за производство
  Сложный клиент, долго согласовывают тексты
`);

const GENERIC_POSITIONS: readonly Position[] = [
  { title: 'Генеральный директор', decisionMaker: 0.95, mailbox: 'director' },
  { title: 'Директор', decisionMaker: 0.9, mailbox: 'director' },
  { title: 'Собственник', decisionMaker: 1 },
  { title: 'Коммерческий директор', decisionMaker: 0.7, mailbox: 'sales' },
  { title: 'Директор по маркетингу', decisionMaker: 0.7, mailbox: 'marketing' },
  { title: 'Маркетолог', decisionMaker: 0.15, mailbox: 'marketing' },
  { title: 'Менеджер по рекламе', decisionMaker: 0.1, mailbox: 'reklama' },
  { title: 'Главный бухгалтер', decisionMaker: 0.05, mailbox: 'buh' },
  { title: 'Бухгалтер', decisionMaker: 0, mailbox: 'buh' },
  { title: 'Администратор', decisionMaker: 0, mailbox: 'info' },
  { title: 'Офис-менеджер', decisionMaker: 0, mailbox: 'office' },
  { title: 'Руководитель отдела продаж', decisionMaker: 0.3, mailbox: 'sales' },
];
// The first contact a sales rep records is usually the person who signs or the one who runs ads.
const FIRST_CONTACT_POSITIONS = GENERIC_POSITIONS.slice(0, 6);

const SAMARA_MOBILE_CODES = ['927', '937', '917', '987', '996', '960', '964', '903', '906', '991'] as const;
const FREE_MAIL = list(`
  mail.ru | mail.ru | yandex.ru | yandex.ru | gmail.com | bk.ru | list.ru | inbox.ru | rambler.ru
`);

// Samara tax offices (ИФНС по районам, МИФНС) — the first four digits of local ИНН and КПП.
const SAMARA_TAX_OFFICES = ['6311', '6312', '6313', '6314', '6315', '6316', '6317', '6318', '6319'] as const;
const MOSCOW_TAX_OFFICES = list(`
  7701 | 7703 | 7705 | 7707 | 7710 | 7714 | 7718 | 7722 | 7727 | 7730
`);

// ---------------------------------------------------------------------------
// Phones: the same number reaches a CRM in many spellings; normalization must cope with all.

function phoneDigits(rng: Rng, mobile: boolean): string {
  if (mobile) return pick(rng, SAMARA_MOBILE_CODES) + String(int(rng, 0, 9_999_999)).padStart(7, '0');
  return '846' + pick(rng, ['2', '3', '9']) + String(int(rng, 0, 999_999)).padStart(6, '0');
}

function formatPhone(rng: Rng, d: string): string {
  const code = d.slice(0, 3);
  const a = d.slice(3, 6);
  const b = d.slice(6, 8);
  const c = d.slice(8, 10);
  if (code === '846') {
    switch (int(rng, 0, 5)) {
      case 0:
        return `+7 (846) ${a}-${b}-${c}`;
      case 1:
        return `8 (846) ${a}-${b}-${c}`;
      case 2:
        return `8 846 ${a}-${b}-${c}`;
      case 3:
        return `+7 846 ${a}${b}${c}`;
      case 4:
        return `(846) ${a}-${b}-${c}`;
      default:
        return `8-846-${a}-${b}-${c}`;
    }
  }
  switch (int(rng, 0, 6)) {
    case 0:
      return `8 ${code} ${a}-${b}-${c}`;
    case 1:
      return `+7 ${code} ${a}-${b}-${c}`;
    case 2:
      return `+7 (${code}) ${a}-${b}-${c}`;
    case 3:
      return `8${d}`;
    case 4:
      return `+7${d}`;
    case 5:
      return `8-${code}-${a}-${b}-${c}`;
    default:
      return `8 (${code}) ${a} ${b} ${c}`;
  }
}

// ---------------------------------------------------------------------------
// Managers

function distinctIndices(rng: Rng, n: number, k: number): Set<number> {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(k, n)) chosen.add(int(rng, 0, n - 1));
  return chosen;
}

function generateStaff(rng: Rng, count: number): { head: DemoManager; managers: DemoManager[] } {
  const usedKeys = new Set<string>();
  const makePerson = (role: DemoManager['role'], hiredDaysAgo: number): DemoManager => {
    for (;;) {
      const female = chance(rng, 0.6);
      const first = female ? pick(rng, FEMALE_NAMES) : pick(rng, MALE_NAMES);
      const surname = pick(rng, SURNAMES);
      const last = female ? surname + 'а' : surname;
      const key = `${translit(first).charAt(0)}.${translit(last)}`;
      if (usedKeys.has(key)) continue;
      usedKeys.add(key);
      return { key, name: `${first} ${last}`, email: `${key}@${DEMO_STAFF_DOMAIN}`, role, hiredDaysAgo };
    }
  };
  const head = makePerson('head', int(rng, 3 * 365, 8 * 365));
  // One or two newcomers (C6), so the demo shows the larger newcomer cap and its protection.
  const newcomerCount = count >= 4 ? int(rng, 1, 2) : count >= 2 ? 1 : 0;
  const newcomers = distinctIndices(rng, count, newcomerCount);
  const managers: DemoManager[] = [];
  for (let i = 0; i < count; i++) {
    const hired = newcomers.has(i) ? int(rng, 20, DEMO_NEWCOMER_DAYS - 5) : int(rng, 365, 5 * 365);
    managers.push(makePerson('manager', hired));
  }
  return { head, managers };
}

// ---------------------------------------------------------------------------
// Clients

type ClientBuilder = {
  usedNames: Set<string>;
  usedDomains: Set<string>;
  usedIds: Set<string>;
  /** Next number to try per base name or domain, so finding a free one stays O(1) at 100k clients. */
  nextNumber: Map<string, number>;
};

function nextFree(
  b: ClientBuilder,
  used: Set<string>,
  counterKey: string,
  make: (n: number) => string,
): string {
  let n = b.nextNumber.get(counterKey) ?? 2;
  let candidate = make(n);
  while (used.has(candidate)) candidate = make(++n);
  b.nextNumber.set(counterKey, n + 1);
  return candidate;
}

function uniqueDisplayName(rng: Rng, base: string, b: ClientBuilder): string {
  const free = (name: string) => !b.usedNames.has(name);
  let name = base;
  if (!free(name)) {
    // Real CRMs tell namesakes apart by district first, then by number.
    for (let attempt = 0; attempt < 3 && !free(name); attempt++) {
      name = `${base} (${pick(rng, DISTRICTS)} р-н)`;
    }
    if (!free(name)) name = nextFree(b, b.usedNames, `name:${base}`, (n) => `${base} №${n}`);
  }
  b.usedNames.add(name);
  return name;
}

function uniqueDomain(rng: Rng, core: string, b: ClientBuilder): string {
  const base = slug(core) || 'company';
  let domain = `${base}${pick(rng, ['', '', '', '-samara', '63', '-smr'])}.ru`;
  if (b.usedDomains.has(domain))
    domain = nextFree(b, b.usedDomains, `domain:${base}`, (n) => `${base}${n}.ru`);
  b.usedDomains.add(domain);
  return domain;
}

/** Identifiers must be unique across the data set, as they are in the registry. */
function uniqueId(b: ClientBuilder, make: () => string): string {
  for (;;) {
    const id = make();
    if (!b.usedIds.has(id)) {
      b.usedIds.add(id);
      return id;
    }
  }
}

function legalEntity(
  rng: Rng,
  b: ClientBuilder,
  form: DemoLegalEntity['legalForm'],
  legalName: string,
  owner: Person,
): DemoLegalEntity {
  if (form === 'ИП') {
    const office = pick(rng, SAMARA_TAX_OFFICES);
    return {
      name: `ИП ${fullName(owner)}`,
      legalForm: 'ИП',
      inn: uniqueId(b, () => generateInn12(rng, office)),
      kpp: null,
      ogrn: uniqueId(b, () => generateOgrnip(rng, '63')),
    };
  }
  // Some chains are registered in Moscow and only advertise locally.
  const moscow = form !== 'ООО' && chance(rng, 0.3);
  const office = moscow ? pick(rng, MOSCOW_TAX_OFFICES) : pick(rng, SAMARA_TAX_OFFICES);
  const reason = form === 'ПАО' && chance(rng, 0.5) ? '50' : '01';
  return {
    name: `${form} «${legalName}»`,
    legalForm: form,
    inn: uniqueId(b, () => generateInn10(rng, office)),
    kpp: `${office}${reason}001`,
    ogrn: uniqueId(b, () => generateOgrn(rng, moscow ? '77' : '63')),
  };
}

function pickLegalForm(rng: Rng, industry: Industry): DemoLegalEntity['legalForm'] {
  const r = rng();
  if (r < 0.16) return 'ИП';
  if (industry.bigBusiness && r < 0.2) return 'ПАО';
  if (r < 0.27) return 'АО';
  return 'ООО';
}

function personalEmail(rng: Rng, p: Person): string {
  const first = translit(p.first);
  const last = translit(p.last);
  const n = chance(rng, 0.7)
    ? String(pick(rng, [int(rng, 60, 99), int(rng, 1, 999), int(rng, 1970, 2002)]))
    : '';
  const local = pick(rng, [`${last}.${first}`, `${first}.${last}`, `${first.charAt(0)}${last}`, `${last}`]);
  return `${local}${n}@${pick(rng, FREE_MAIL)}`;
}

function contactName(rng: Rng, p: Person): string {
  const r = rng();
  if (r < 0.6) return fullName(p);
  if (r < 0.75) return `${p.first} ${p.middle}`;
  if (r < 0.95) return `${p.first} ${p.last}`;
  return p.first;
}

function makeContact(
  rng: Rng,
  position: Position,
  person: Person,
  domain: string | null,
  officePhone: string,
  nameOverride?: string,
): DemoContact {
  const isDecisionMaker = chance(rng, position.decisionMaker);
  const phones: string[] = [];
  const phoneCount = pick(rng, [1, 1, 1, 2, 2, 0]);
  for (let i = 0; i < phoneCount; i++) {
    // Office staff are often reachable only via the shared office line, spelled differently each time.
    const shared = i === 0 && !isDecisionMaker && chance(rng, 0.5);
    phones.push(
      formatPhone(rng, shared ? officePhone : phoneDigits(rng, i === 0 ? chance(rng, 0.75) : true)),
    );
  }
  const emails: string[] = [];
  const emailCount = pick(rng, [0, 1, 1, 1, 2]);
  for (let i = 0; i < emailCount; i++) {
    let email: string;
    if (domain !== null && chance(rng, 0.65)) {
      email =
        position.mailbox !== undefined && chance(rng, 0.4)
          ? `${position.mailbox}@${domain}`
          : `${translit(person.first).charAt(0)}.${translit(person.last)}@${domain}`;
    } else {
      email = personalEmail(rng, person);
    }
    if (!emails.includes(email)) emails.push(email);
  }
  return {
    name: nameOverride ?? contactName(rng, person),
    position: position.title,
    isDecisionMaker,
    phones,
    emails,
    doNotContact: chance(rng, 0.03),
  };
}

function makeAddress(rng: Rng, kind: DemoAddress['kind']): DemoAddress {
  const street = pick(rng, STREETS);
  let house = String(int(rng, 1, 180));
  if (chance(rng, 0.15)) house += pick(rng, ['А', 'Б', 'В']);
  if (chance(rng, 0.1)) house += `, корп. ${int(rng, 1, 4)}`;
  let address = `${street}, д. ${house}`;
  if (kind === 'store' && chance(rng, 0.4)) address += `, ТЦ «${pick(rng, MALLS)}», ${int(rng, 1, 3)} этаж`;
  else if (kind === 'hq' && chance(rng, 0.5))
    address += `, оф. ${int(rng, 1, 9)}${String(int(rng, 1, 30)).padStart(2, '0')}`;
  else if (kind === 'other') address += pick(rng, [', склад', ', стр. 2', ', производство']);
  return { kind, address, city: DEMO_CITY };
}

function generateClientContent(rng: Rng, b: ClientBuilder): Omit<DemoClient, 'createdDaysAgo' | 'history'> {
  const industry = pickIndustry(rng);
  const prefix = pick(rng, industry.prefixes);
  const core = industry.id === 'retail' ? retailCore(rng) : pick(rng, industry.cores);
  const tail = chance(rng, 0.33) ? pick(rng, NAME_TAILS) : '';
  const coreWithTail = tail !== '' && !core.includes(tail) ? `${core} ${tail}` : core;
  const baseName = prefix === '' ? coreWithTail : `${prefix} ${coreWithTail}`;
  const displayName = uniqueDisplayName(rng, baseName, b);

  const domain = chance(rng, 0.7) ? uniqueDomain(rng, coreWithTail, b) : null;
  const officePhone = phoneDigits(rng, false);

  const owner = randomPerson(rng);
  const legalEntities: DemoLegalEntity[] = [];
  const firstForm = pickLegalForm(rng, industry);
  const legalName = chance(rng, 0.3) && prefix !== '' ? baseName : coreWithTail;
  legalEntities.push(legalEntity(rng, b, firstForm, legalName, owner));
  if (chance(rng, 0.25)) {
    // A second entity: a sister company for another line of business, or the owner as ИП.
    const secondForm: DemoLegalEntity['legalForm'] = firstForm === 'ИП' || chance(rng, 0.3) ? 'ИП' : 'ООО';
    const person = firstForm === 'ИП' || chance(rng, 0.5) ? randomPerson(rng) : owner;
    const sisterName = `${core}${pick(rng, ['-Центр', '-Сервис', ' Плюс', '-Групп', '-М', '-Трейд', ' Самара'])}`;
    legalEntities.push(legalEntity(rng, b, secondForm, sisterName, person));
  }

  const brands: string[] = [];
  const brandCount = pick(rng, [0, 0, 1, 1, 1, 2]);
  for (let i = 0; i < brandCount; i++) {
    const brand = i === 0 && prefix !== '' ? core : `${core} ${pick(rng, industry.brandTails)}`;
    if (!brands.includes(brand)) brands.push(brand);
  }

  const contacts: DemoContact[] = [];
  if (firstForm === 'ИП') {
    // A sole trader is usually the one who picks up the phone and signs.
    contacts.push(
      makeContact(
        rng,
        { title: pick(rng, ['Индивидуальный предприниматель', 'Владелец', 'Собственник']), decisionMaker: 1 },
        owner,
        domain,
        officePhone,
        chance(rng, 0.7) ? fullName(owner) : undefined,
      ),
    );
  } else {
    contacts.push(
      makeContact(rng, pick(rng, FIRST_CONTACT_POSITIONS), randomPerson(rng), domain, officePhone),
    );
  }
  const positions = industry.extraPositions
    ? [...GENERIC_POSITIONS, ...industry.extraPositions]
    : GENERIC_POSITIONS;
  const contactCount = pick(rng, [1, 1, 2, 2, 2, 3]);
  while (contacts.length < contactCount) {
    // One person per role: two «Генеральный директор» at a small firm would look like a data error.
    const free = positions.filter((pos) => !contacts.some((c) => c.position === pos.title));
    contacts.push(makeContact(rng, pick(rng, free), randomPerson(rng), domain, officePhone));
  }

  const addresses: DemoAddress[] = [makeAddress(rng, 'hq')];
  const addressCount = pick(rng, [1, 1, 1, 2, 2, 3]);
  while (addresses.length < addressCount) {
    addresses.push(makeAddress(rng, chance(rng, 0.85) ? industry.outlet : 'other'));
  }

  const notes = chance(rng, 0.25) ? pick(rng, NOTES) : null;
  return { displayName, nameCore: core, notes, legalEntities, brands, contacts, addresses };
}

// ---------------------------------------------------------------------------
// Ownership history: a day-by-day simulation.
//
// Cap safety does not depend on how events of one day are ordered: a manager may claim on a
// day only while (clients held at the start of that day + claims that day) < cap. Clients
// released during a day are not counted as freed until the next day, and reach the pool only
// the next day, so no client sees two events on one day and any within-day order replays
// without ever exceeding the cap.

type SimManager = {
  manager: DemoManager;
  owned: number[];
  target: number;
  rate: number;
};

const POOL = -1;
const PENDING = -2;
const TARGET_OWNED_SHARE = 0.7;
const DAILY_RELEASE_RATE = 0.002;
const HOT_CLAIM_SHARE = 0.35;
const HOT_DAYS = 14;

/** Spread `total` over managers by weight without giving anyone more than their cap (water-filling). */
function assignTargets(weights: number[], caps: number[], total: number): number[] {
  const targets = weights.map(() => 0);
  const open = new Set(weights.map((_, i) => i));
  let remaining = total;
  while (remaining > 0 && open.size > 0) {
    let weightSum = 0;
    for (const i of open) weightSum += weights[i] as number;
    let given = 0;
    for (const i of [...open]) {
      const share = Math.max(1, Math.floor((remaining * (weights[i] as number)) / weightSum));
      const room = (caps[i] as number) - (targets[i] as number);
      const add = Math.min(share, room, remaining - given);
      targets[i] = (targets[i] as number) + add;
      given += add;
      if ((targets[i] as number) >= (caps[i] as number)) open.delete(i);
      if (given >= remaining) break;
    }
    if (given === 0) break;
    remaining -= given;
  }
  return targets;
}

function simulateHistory(
  rng: Rng,
  managers: DemoManager[],
  createdDaysAgo: number[],
  cap: number,
  newcomerCap: number,
): DemoClient['history'][] {
  const n = createdDaysAgo.length;
  const histories: DemoClient['history'][] = createdDaysAgo.map(() => []);
  const owner = new Int32Array(n).fill(PENDING); // manager index, POOL or PENDING (not yet claimable)
  const slot = new Int32Array(n); // position in pool[] or in the owner's owned[]
  const lastEventDay = new Int32Array(n).fill(-1);
  const pool: number[] = [];
  let pending: number[] = [];
  const hot: { client: number; from: number; day: number }[] = [];

  const capAt = (m: DemoManager, day: number) => demoCapAt(m, day, cap, newcomerCap);
  const sims: SimManager[] = managers.map((manager) => ({
    manager,
    owned: [],
    target: 0,
    // Newcomers are handed clients quickly; veterans top up their base at their own pace.
    rate: manager.hiredDaysAgo < DEMO_NEWCOMER_DAYS ? 0.08 + rng() * 0.06 : 0.02 + rng() * 0.03,
  }));
  const targets = assignTargets(
    sims.map((s) => (s.manager.hiredDaysAgo < DEMO_NEWCOMER_DAYS ? 0.5 + rng() * 0.3 : 0.7 + rng() * 0.6)),
    sims.map((s) => capAt(s.manager, 0)),
    Math.round(n * TARGET_OWNED_SHARE),
  );
  sims.forEach((s, i) => {
    s.target = targets[i] as number;
  });

  const addToPool = (c: number) => {
    owner[c] = POOL;
    slot[c] = pool.length;
    pool.push(c);
  };
  const removeFromPool = (c: number) => {
    const i = slot[c] as number;
    const last = pool.pop() as number;
    if (last !== c) {
      pool[i] = last;
      slot[last] = i;
    }
  };
  const record = (c: number, day: number, ownerKey: string | null) => {
    // A time of day between 00:30 and 23:30, so events are strictly inside their day.
    histories[c]?.push({ daysAgo: day - int(rng, 30, 1410) / 1440, ownerKey });
    lastEventDay[c] = day;
  };
  const give = (c: number, mi: number, day: number) => {
    const s = sims[mi] as SimManager;
    owner[c] = mi;
    slot[c] = s.owned.length;
    s.owned.push(c);
    record(c, day, s.manager.key);
  };
  const take = (c: number, day: number) => {
    const s = sims[owner[c] as number] as SimManager;
    const i = slot[c] as number;
    const last = s.owned.pop() as number;
    if (last !== c) {
      s.owned[i] = last;
      slot[last] = i;
    }
    hot.push({ client: c, from: owner[c] as number, day });
    owner[c] = PENDING;
    pending.push(c);
    record(c, day, null);
  };

  // Clients created before the window start in the pool; the others appear on their day.
  const createdOn: number[][] = Array.from({ length: DEMO_HISTORY_DAYS + 1 }, () => []);
  for (let c = 0; c < n; c++) {
    const created = createdDaysAgo[c] as number;
    if (created > DEMO_HISTORY_DAYS) addToPool(c);
    else createdOn[created]?.push(c);
  }

  const startOwned = new Int32Array(sims.length);
  const claimedToday = new Int32Array(sims.length);
  for (let day = DEMO_HISTORY_DAYS; day >= 1; day--) {
    const active: number[] = [];
    sims.forEach((s, mi) => {
      startOwned[mi] = s.owned.length;
      claimedToday[mi] = 0;
      if (s.manager.hiredDaysAgo >= day) active.push(mi);
    });
    const room = (mi: number) =>
      capAt((sims[mi] as SimManager).manager, day) -
      (startOwned[mi] as number) -
      (claimedToday[mi] as number);

    // New clients: often entered by the manager who found them, who keeps them.
    for (const c of createdOn[day] ?? []) {
      const candidates = active.filter((mi) => room(mi) > 0);
      if (candidates.length > 0 && chance(rng, 0.55)) {
        const mi = pick(rng, candidates);
        claimedToday[mi] = (claimedToday[mi] as number) + 1;
        give(c, mi, day);
      } else {
        owner[c] = PENDING;
        pending.push(c);
      }
    }

    // Releases: a small daily churn, more of it at the cap, where a rep must free a slot to take a new client.
    for (const mi of active) {
      const s = sims[mi] as SimManager;
      const atCap = (startOwned[mi] as number) >= capAt(s.manager, day) - 1;
      let count = Math.floor(s.owned.length * DAILY_RELEASE_RATE + rng());
      if (atCap && chance(rng, 0.25)) count += int(rng, 1, 3);
      for (let k = 0; k < count && s.owned.length > 0; k++) {
        const c = pick(rng, s.owned);
        if (lastEventDay[c] !== day) take(c, day);
      }
    }

    // Claims, in a random manager order so nobody always gets first pick of the fresh releases.
    for (let i = active.length - 1; i > 0; i--) {
      const j = int(rng, 0, i);
      [active[i], active[j]] = [active[j] as number, active[i] as number];
    }
    for (const mi of active) {
      const s = sims[mi] as SimManager;
      const deficit = s.target - s.owned.length;
      let want = deficit > 0 ? Math.min(deficit, Math.ceil(deficit * s.rate * (0.5 + rng()))) : 0;
      want = Math.min(want, room(mi), pool.length);
      for (let k = 0; k < want && pool.length > 0; k++) {
        let c = -1;
        if (chance(rng, HOT_CLAIM_SHARE)) {
          // Reps watch the pool for clients a colleague just gave up.
          for (let tries = 0; tries < 4 && hot.length > 0; tries++) {
            const h = pick(rng, hot);
            if (owner[h.client] === POOL && h.from !== mi) {
              c = h.client;
              break;
            }
          }
        }
        if (c < 0) c = pick(rng, pool);
        removeFromPool(c);
        claimedToday[mi] = (claimedToday[mi] as number) + 1;
        give(c, mi, day);
      }
    }

    for (const c of pending) addToPool(c);
    pending = [];
    if (day % 7 === 0) {
      const fresh = hot.filter((h) => h.day - day <= HOT_DAYS && owner[h.client] === POOL);
      hot.length = 0;
      hot.push(...fresh);
    }
  }
  return histories;
}

function pickCreatedDaysAgo(rng: Rng): number {
  // About a quarter of clients were added during the history window; the rest are older records.
  if (chance(rng, 0.25)) return int(rng, 1, DEMO_HISTORY_DAYS);
  return DEMO_HISTORY_DAYS + 1 + Math.floor(rng() * rng() * 2500);
}

/**
 * Generates the demo data set. Same options, same output. Ownership is simulated so that
 * replaying all histories chronologically never puts a manager over `cap` (R-CAP-1), or over
 * `newcomerCap` while a newcomer (C6). When `clients` is far above the team's total capacity,
 * the pool takes the surplus, so the owned share falls below the usual ~70%.
 */
export function generateDemo(opts: GenerateDemoOptions): DemoDataset {
  const clientCount = Math.max(0, Math.floor(opts.clients));
  const seed = opts.seed ?? 20240601;
  const managerCount = Math.max(0, Math.floor(opts.managers ?? 8));
  const cap = opts.cap ?? 200;
  const newcomerCap = opts.newcomerCap ?? Math.round(cap * 1.5);

  // Separate streams, so the staff list does not change with the number of clients.
  const staffRng = createRng(seed ^ 0x2545f491);
  const contentRng = createRng(seed);
  const historyRng = createRng(seed ^ 0x9e3779b9);

  const { head, managers } = generateStaff(staffRng, managerCount);
  const builder: ClientBuilder = {
    usedNames: new Set(),
    usedDomains: new Set(),
    usedIds: new Set(),
    nextNumber: new Map(),
  };
  const contents = [];
  const created: number[] = [];
  for (let i = 0; i < clientCount; i++) {
    contents.push(generateClientContent(contentRng, builder));
    created.push(pickCreatedDaysAgo(contentRng));
  }
  const histories = simulateHistory(historyRng, managers, created, cap, newcomerCap);
  const clients: DemoClient[] = contents.map((content, i) => ({
    ...content,
    createdDaysAgo: created[i] as number,
    history: histories[i] as DemoClient['history'],
  }));
  return { head, managers, clients };
}
