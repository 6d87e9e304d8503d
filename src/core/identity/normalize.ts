/**
 * Normalisers for duplicate detection and lookup (SPEC C2): organisation names, phones, e-mails,
 * web domains and addresses are reduced to comparison forms, so that the spellings people actually
 * type («ООО "Юникс"», «ЮНИКС, ООО», «Unix LLC») meet on one key.
 *
 * Pure: no I/O, no clock, no randomness. The only dependency is libphonenumber-js (the "max"
 * metadata, which is the one that can tell a mobile number from a fixed line).
 */
import { isSupportedCountry, type PhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';

// ─────────────────────────────────────────────────────────────────────────────
// Shared text folding
// ─────────────────────────────────────────────────────────────────────────────

/**
 * NFKC (full-width letters, ligatures), lower-case, combining marks dropped (stress marks in
 * «за́мок»; й and ё are precomposed letters and survive), ё → е. Repeated until stable, because
 * lower-casing and NFKC do not commute for a few exotic characters and idempotency matters.
 */
function foldText(raw: string): string {
  // Fast path: ASCII, basic Cyrillic and common quotes/dashes are untouched by NFKC and by the
  // mark removal, and lower-case into the same set, so one toLowerCase is the whole fold.
  if (PLAIN_TEXT.test(raw)) return raw.toLowerCase().replace(/ё/g, 'е');
  let s = raw;
  for (let i = 0; i < 4; i++) {
    const next = s
      .replace(/№/g, ' ')
      .normalize('NFKC')
      .toLowerCase()
      .normalize('NFC')
      .replace(/\p{M}/gu, '')
      .replace(/ё/g, 'е');
    if (next === s) break;
    s = next;
    // The result is made of characters the chain leaves as they are: it is already stable.
    if (STABLE_TEXT.test(s)) break;
  }
  return s;
}

/**
 * Characters that every step of foldText's chain leaves as they are (NFKC/NFC-invariant, no
 * upper case, no marks, not ё or №), and that cannot compose with a neighbour: ASCII without
 * A-Z, а-я, «», ‘’“”„, en and em dashes.
 */
const STABLE_TEXT = /^[\0-@[-\x7f\u0430-\u044f\u00ab\u00bb\u2013\u2014\u2018\u2019\u201c-\u201e]*$/;
/** STABLE_TEXT plus A-Z, А-Я, Ё and ё: one toLowerCase and ё → е bring these into STABLE_TEXT. */
const PLAIN_TEXT = /^[\0-\x7f\u0410-\u044f\u0401\u0451\u00ab\u00bb\u2013\u2014\u2018\u2019\u201c-\u201e]*$/;

/** An apostrophe inside a word (McDonald's, d'Arc) is dropped without splitting the word. */
const INNER_APOSTROPHE = /(?<=[\p{L}\p{N}])['’ʼ`´‘](?=\p{L})/gu;
/** Everything that is not a letter or digit — quotes of every kind, punctuation, symbols — is a space. */
const NON_WORD = /[^\p{L}\p{N}]+/gu;

const APOSTROPHES = /['’ʼ`´‘]/;

function words(folded: string): string[] {
  // Same as replacing NON_WORD runs with a space, trimming and splitting on spaces: no whitespace
  // is a letter or a digit, so every separator is one NON_WORD run.
  const s = APOSTROPHES.test(folded) ? folded.replace(INNER_APOSTROPHE, '') : folded;
  const out: string[] = [];
  for (const w of s.split(NON_WORD)) if (w !== '') out.push(w);
  return out;
}

/** A word list written as one whitespace-separated string (keeps long lists readable). */
function wordList(text: string): string[] {
  return text.trim().split(/\s+/);
}

const CYRILLIC = /[\u0400-\u04ff]/;
const LATIN = /[a-z]/;
/** Latin letters that look like Cyrillic ones (lower-case): «Юникc» typed with a Latin «c». */
const LATIN_HOMOGLYPHS: Readonly<Record<string, string>> = {
  a: 'а',
  b: 'в',
  c: 'с',
  e: 'е',
  h: 'н',
  k: 'к',
  m: 'м',
  o: 'о',
  p: 'р',
  t: 'т',
  x: 'х',
  y: 'у',
};

/** A word mixing Cyrillic with Latin look-alikes is read as Cyrillic; pure Latin words are left alone. */
function foldHomoglyphs(word: string): string {
  if (!CYRILLIC.test(word) || !LATIN.test(word)) return word;
  let out = '';
  for (const ch of word) {
    if (LATIN.test(ch)) {
      const cyr = LATIN_HOMOGLYPHS[ch];
      if (cyr === undefined) return word; // a real Latin letter: a genuinely mixed word, keep it
      out += cyr;
    } else {
      out += ch;
    }
  }
  return out;
}

// ─────────────────────────────────────────────────────────────────────────────
// Organisation names
// ─────────────────────────────────────────────────────────────────────────────

type Edge = 'both' | 'lead' | 'trail';
type LegalFormSpec = { canonical: string; match: readonly ((word: string) => boolean)[]; edge: Edge };

/** Plural adjective endings: «ассоциация акционерных обществ» names a kind of member, not a legal form. */
const PLURAL_ADJECTIVE_ENDINGS: ReadonlySet<string> = new Set(['ые', 'ие', 'ых', 'их', 'ыми', 'ими']);

/**
 * 'обществ*' matches any word starting with «обществ» (every case); 'акционерн~' is an adjective
 * stem and matches every singular form (акционерное, акционерного …) but no plural one;
 * 'ооо' matches that word only.
 */
function wordMatcher(pattern: string): (word: string) => boolean {
  const stem = pattern.slice(0, -1);
  let m: (word: string) => boolean;
  if (pattern.endsWith('*')) m = (w) => w.startsWith(stem);
  else if (pattern.endsWith('~')) {
    m = (w) => w.startsWith(stem) && !PLURAL_ADJECTIVE_ENDINGS.has(w.slice(stem.length));
  } else m = (w) => w === pattern;
  LEGAL_FORM_PATTERNS.set(m, pattern);
  return m;
}
/** Each matcher's pattern (for the first-character pre-test of stripLegalForms). */
const LEGAL_FORM_PATTERNS = new Map<(word: string) => boolean, string>();

function forms(edge: Edge, table: Readonly<Record<string, readonly string[]>>): LegalFormSpec[] {
  return Object.entries(table).flatMap(([canonical, spellings]) =>
    spellings.map((spelling) => ({ canonical, edge, match: spelling.split(' ').map(wordMatcher) })),
  );
}

/**
 * Legal forms, matched on whole words of the folded name, and only at its edges (leading or
 * trailing, repeatedly): «ООО Юникс», «Юникс, ООО», «Юникс (ООО)». A form inside a name is part of
 * the name («Ассоциация акционерных обществ …» keeps its words).
 *
 * - Full spellings use stems, so every grammatical case matches.
 * - Transliterated Russian forms (OOO, ZAO …) map to the Cyrillic canonical form.
 * - Foreign forms are trailing only («Siemens AG»), except those commonly written first (LLC, JSC).
 * - Ambiguous abbreviations are leading only: ПК (also «персональный компьютер»: «Мир ПК»),
 *   СПК, НП; dotted Russian forms («И.П.» → «и п») likewise, so initials «Иванов И. П.» survive.
 * - ТД («торговый дом») and ГК («группа компаний») are NOT legal forms: they are part of the
 *   registered name. normalizeOrgName unifies their spellings (торговый дом → тд) and nameTokens
 *   drops them as stop-words, so «ООО ТД "Электроцентр"» → 'тд электроцентр' → ['электроцентр'].
 */
const LEGAL_FORMS: readonly LegalFormSpec[] = [
  ...forms('both', {
    ООО: ['обществ* с ограниченн~ ответственн*', 'ооо', 'ooo'],
    ОДО: ['обществ* с дополнительн~ ответственн*', 'одо'],
    ПАО: ['публичн~ акционерн~ обществ*', 'пао', 'pao'],
    НАО: ['непубличн~ акционерн~ обществ*', 'нао'],
    ОАО: ['открыт~ акционерн~ обществ*', 'оао', 'oao'],
    ЗАО: ['закрыт~ акционерн~ обществ*', 'зао', 'zao'],
    АО: ['акционерн~ обществ*', 'ао', 'ao'],
    ИП: ['индивидуальн~ предпринимател*', 'ип'],
    ИЧП: ['индивидуальн~ частн~ предприяти*', 'ичп'],
    ЧП: ['частн~ предприяти*', 'чп'],
    ТОО: ['товариществ* с ограниченн~ ответственн*', 'тоо'],
    АНО: ['автономн~ некоммерческ~ организаци*', 'ано'],
    НКО: ['некоммерческ~ организаци*', 'нко'],
    НП: ['некоммерческ~ партнерств*'],
    ФГУП: ['федеральн~ государственн~ унитарн~ предприяти*', 'фгуп'],
    ГУП: ['государственн~ унитарн~ предприяти*', 'гуп'],
    МУП: ['муниципальн~ унитарн~ предприяти*', 'муп'],
    СПК: ['сельскохозяйственн~ производственн~ кооператив*'],
    ПК: ['производственн~ кооператив*'],
    КФХ: ['крестьянск~ фермерск~ хозяйств*', 'крестьянск~ хозяйств*', 'фермерск~ хозяйств*', 'кфх'],
    ФГБУ: ['федеральн~ государственн~ бюджетн~ учреждени*', 'фгбу'],
    ГБУ: ['государственн~ бюджетн~ учреждени*', 'гбу'],
    МБУ: ['муниципальн~ бюджетн~ учреждени*', 'мбу'],
    ГАУ: ['государственн~ автономн~ учреждени*', 'гау'],
    МАУ: ['муниципальн~ автономн~ учреждени*', 'мау'],
    ГКУ: ['государственн~ казенн~ учреждени*', 'гку'],
    МКУ: ['муниципальн~ казенн~ учреждени*', 'мку'],
    ТСЖ: ['товариществ* собственник* жиль*', 'тсж'],
    СНТ: ['садоводческ~ некоммерческ~ товариществ*', 'снт'],
    LLC: ['limited liability company', 'llc', 'l l c'],
    LLP: ['limited liability partnership'],
    PLC: ['public limited company'],
    LTD: ['ltd'],
    PJSC: ['public joint stock company', 'pjsc'],
    CJSC: ['closed joint stock company', 'cjsc'],
    OJSC: ['open joint stock company', 'ojsc'],
    JSC: ['joint stock company', 'jsc'],
    GMBH: ['gesellschaft mit beschr* haftung'],
    NV: ['naamloze vennootschap'],
    BV: ['besloten vennootschap'],
  }),
  ...forms('lead', {
    ООО: ['о о о'],
    ПАО: ['п а о'],
    ОАО: ['о а о'],
    ЗАО: ['з а о'],
    АО: ['а о'],
    ИП: ['и п'],
    НП: ['нп'],
    ПК: ['пк'],
    СПК: ['спк'],
  }),
  ...forms('trail', {
    LTD: ['limited', 'co ltd', 'pty ltd', 'l t d'],
    INC: ['inc', 'incorporated'],
    CORP: ['corp', 'corporation'],
    'GMBH & CO KG': ['gmbh co kg'],
    GMBH: ['gmbh'],
    KG: ['kg', 'co kg'],
    AG: ['ag', 'a g', 'aktiengesellschaft'],
    NV: ['nv', 'n v'],
    BV: ['bv', 'b v'],
    SA: ['sa', 's a'],
    SAS: ['sas', 's a s'],
    SARL: ['sarl', 's a r l'],
    SRL: ['srl', 's r l'],
    SPA: ['spa', 's p a'],
    PLC: ['plc', 'p l c'],
    LLP: ['llp'],
    LP: ['lp'],
    OY: ['oy'],
    OYJ: ['oyj'],
    AB: ['ab'],
    AS: ['as', 'a s'],
    SE: ['se'],
  }),
].sort((a, b) => b.match.length - a.match.length); // longest first: «публичное акционерное общество» before «акционерное общество»

type FoundForm = { canonical: string; index: number };

/** Each spec's first word's first character: a cheap test before the matchers run. */
const LEGAL_FORM_FIRST_CHAR: Int32Array = Int32Array.from(LEGAL_FORMS, (spec) => {
  // Every pattern starts with its stem (a '*' or '~' pattern has a non-empty stem), so a word that
  // matches starts with the pattern's first character.
  const first = spec.match[0];
  return first === undefined ? -1 : (LEGAL_FORM_PATTERNS.get(first) as string).charCodeAt(0);
});

function matchesAt(ws: readonly string[], start: number, end: number, spec: LegalFormSpec): boolean {
  const m = spec.match;
  if (start < 0 || start + m.length > end) return false;
  for (let k = 0; k < m.length; k++)
    if (!(m[k] as (w: string) => boolean)(ws[start + k] as string)) return false;
  return true;
}

/**
 * Strips legal forms at both edges until none is left; reports each with its position in the name.
 * The kept words are ws[start, end).
 */
function stripLegalForms(ws: readonly string[]): { start: number; end: number; found: FoundForm[] } {
  let start = 0;
  let end = ws.length;
  const found: FoundForm[] = [];
  let changed = true;
  while (changed && end > start) {
    changed = false;
    const lead = (ws[start] as string).charCodeAt(0);
    for (let f = 0; f < LEGAL_FORMS.length; f++) {
      const spec = LEGAL_FORMS[f] as LegalFormSpec;
      const c = LEGAL_FORM_FIRST_CHAR[f] as number;
      const n = spec.match.length;
      if (spec.edge !== 'trail' && lead === c && matchesAt(ws, start, end, spec)) {
        found.push({ canonical: spec.canonical, index: start });
        start += n;
        changed = true;
        break;
      }
      const at = end - n;
      if (
        spec.edge !== 'lead' &&
        at >= start &&
        (ws[at] as string).charCodeAt(0) === c &&
        matchesAt(ws, at, end, spec)
      ) {
        found.push({ canonical: spec.canonical, index: at });
        end = at;
        changed = true;
        break;
      }
    }
  }
  return { start, end, found };
}

/** Spellings of non-legal-form name parts unified to one word (anywhere in the name). */
const NAME_PHRASES: readonly { from: readonly string[]; to: string }[] = [
  { from: ['торговый', 'дом'], to: 'тд' },
  { from: ['группа', 'компаний'], to: 'гк' },
];
const PHRASE_STARTS: ReadonlySet<string> = new Set(NAME_PHRASES.map((p) => p.from[0] as string));

function unifyPhrases(ws: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i] as string;
    const phrase = PHRASE_STARTS.has(w)
      ? NAME_PHRASES.find((p) => p.from.every((x, k) => ws[i + k] === x))
      : undefined;
    if (phrase) {
      out.push(phrase.to);
      i += phrase.from.length - 1;
    } else {
      out.push(w);
    }
  }
  return out;
}

type OrgNameAnalysis = { normalized: string; legalForm: string | null };

/** normalizeOrgName and detectLegalForm of one name, computed together and memoised (bounded). */
function analyseOrgName(name: string): OrgNameAnalysis {
  const hit = orgNameMemo.get(name);
  if (hit !== undefined) return hit;
  const ws = words(foldText(name));
  for (let i = 0; i < ws.length; i++) ws[i] = foldHomoglyphs(ws[i] as string);
  const stripped = stripLegalForms(ws);
  let legalForm: FoundForm | null = null;
  for (const f of stripped.found) if (legalForm === null || f.index < legalForm.index) legalForm = f;
  const value: OrgNameAnalysis = {
    normalized: unifyPhrases(ws.slice(stripped.start, stripped.end)).join(' '),
    legalForm: legalForm === null ? null : legalForm.canonical,
  };
  if (orgNameMemo.size >= ORG_NAME_MEMO_SIZE) orgNameMemo.clear();
  orgNameMemo.set(name, value);
  // The normalised name is analysed next (nameTokens, a stored value). When it is plain lower-case
  // text, its analysis is known: it folds to itself, its words are the kept words (no legal form at
  // either edge, or stripping would have gone on; the unified «тд»/«гк» match no form), and
  // unifying them again changes nothing.
  if (
    value.normalized !== name &&
    PLAIN_NORMALIZED.test(value.normalized) &&
    !orgNameMemo.has(value.normalized)
  )
    orgNameMemo.set(value.normalized, { normalized: value.normalized, legalForm: null });
  return value;
}
const PLAIN_NORMALIZED = /^[a-z0-9\u0430-\u044f ]*$/;

/** Organisation name → comparison form: legal forms stripped (short and full spellings, Russian and foreign), quotes of every kind removed, lower-case, ё→е, punctuation → space, spaces collapsed. '' if nothing is left. */
export function normalizeOrgName(name: string): string {
  return analyseOrgName(name).normalized;
}

/**
 * A bounded memo for pure string → string normalisers: indexing a base repeats the same legal
 * names, person names and street addresses again and again (a bulk reindex of 1 M clients would
 * otherwise spend most of its time re-normalising them).
 */
function memo(map: Map<string, string>, key: string, compute: () => string): string {
  const hit = map.get(key);
  if (hit !== undefined) return hit;
  const value = compute();
  if (map.size >= 50_000) map.clear();
  map.set(key, value);
  return value;
}
/**
 * Larger than the others: an import of 20,000 rows asks for each display and legal name, raw and
 * normalised, several times (rows, identifiers, grouping), and a memo that is cleared half way
 * through computes them all again.
 */
const ORG_NAME_MEMO_SIZE = 200_000;
const orgNameMemo = new Map<string, OrgNameAnalysis>();
const addressMemo = new Map<string, string>();
const addressKeyMemo = new Map<string, string>();

/** Legal form found in a name, canonical short spelling ('ООО','ОАО','ЗАО','АО','ПАО','НАО','ИП','LLC','LTD','INC','GMBH','NV','BV', …) or null. The leftmost one if a name carries two. */
export function detectLegalForm(name: string): string | null {
  return analyseOrgName(name).legalForm;
}

// ─────────────────────────────────────────────────────────────────────────────
// Transliteration key
// ─────────────────────────────────────────────────────────────────────────────

const CYRILLIC_TO_LATIN: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 's',
  ч: 'ch',
  ш: 'sh',
  щ: 'sh',
  ъ: '',
  ы: 'i',
  ь: '',
  э: 'e',
  ю: 'u',
  я: 'a',
  і: 'i',
  ї: 'i',
  є: 'e',
  ґ: 'g',
  ў: 'u',
};

/** Latin letters NFD does not decompose. */
const LATIN_SPECIALS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ı: 'i',
};

/** Ordered rewrites on the Latin string; each is documented in translitKey. */
const LATIN_FOLDS: readonly [RegExp, string, string][] = [
  // The third item is text every match contains: without it the rewrite is skipped.
  [/y/g, 'i', 'y'],
  [/shch/g, 'sh', 'shch'],
  [/sch/g, 'sh', 'sch'],
  [/tch/g, 'ch', 'tch'],
  [/ck/g, 'k', 'ck'],
  [/c(?=[ei])/g, 's', 'c'],
  [/c(?!h)/g, 'k', 'c'],
  [/kh/g, 'h', 'kh'],
  [/ph/g, 'f', 'ph'],
  [/th/g, 't', 'th'],
  [/w/g, 'v', 'w'],
  [/q/g, 'k', 'q'],
  [/ts/g, 's', 'ts'],
  [/ks/g, 'x', 'ks'],
];

/**
 * Latin transliteration key of a normalised name, so «Юникс» ~ «Uniks» ~ «Unix». The scheme is a
 * deliberately lossy consonant skeleton (think Soundex for Russian/Latin brand names):
 *
 * 1. Case-fold (NFKC, upper then lower, so ß/ς/ﬁ fold the same from either case), ё → е.
 * 2. Cyrillic → Latin letter by letter: ж zh, х h, ц s, ч ch, ш/щ sh, ю u, я a, й/ы/и i, е/э e,
 *    ъ/ь dropped, the rest the obvious way. Latin diacritics are dropped (é → e, ß → ss).
 * 3. Everything that is not a letter or digit is dropped, spaces included: «Электро-Центр» and
 *    «Электроцентр» get one key.
 * 4. Latin spellings fold the same way, in order: y→i; shch/sch→sh; tch→ch; ck→k; c before e/i
 *    → s, any other c (not in ch) → k; kh→h; ph→f; th→t; w→v; q→k; ts→s; ks→x. So ц, ts and a
 *    soft c are all 's' («центр» = «centre» = «tsentr»), and «кс» = «ks» = «cks» = «x».
 * 5. A leading run of vowels becomes its last vowel (ю → 'yu' → 'iu' → 'u'; «Аэро» ~ «Aero»),
 *    every later vowel (a e i o u) is dropped, and repeated letters are collapsed.
 *
 * «Юникс», «ЮНИКС», «Uniks», «Unix», «Yuniks» → 'unx'; «Феникс» → 'fnx'; «Электроцентр»,
 * «Elektrocentr», «Electrocentre», «Elektrotsentr» → 'elktrsntr'. Short names collide more often
 * («Бета» ~ «Бот»): the key is a candidate finder, never a verdict. Letters of other scripts are
 * kept (case-folded) so they still compare among themselves.
 */
export function translitKey(normalizedName: string): string {
  // Ranking calls this for every pair of words; the words of a base are few, so a bounded memo pays.
  const hit = translitMemo.get(normalizedName);
  if (hit !== undefined) return hit;
  const key = computeTranslitKey(normalizedName);
  if (translitMemo.size >= 200_000) translitMemo.clear();
  translitMemo.set(normalizedName, key);
  return key;
}

const translitMemo = new Map<string, string>();

/**
 * ASCII without A-Z, а-я and ё: unchanged by NFKC/NFC and by upper- then lower-casing, and
 * transliterated to ASCII, where NFD changes nothing and «letter or digit» is [a-z0-9].
 */
const PLAIN_LOWER = /^[\0-@[-\x7f\u0430-\u044f\u0451]*$/;

function computeTranslitKey(normalizedName: string): string {
  let s: string;
  const plain = PLAIN_LOWER.test(normalizedName);
  if (plain) {
    let latin = '';
    for (const ch of normalizedName) latin += CYRILLIC_TO_LATIN[ch] ?? ch;
    s = latin.replace(/[^a-z0-9]/g, '');
  } else {
    const folded = normalizedName
      .normalize('NFKC')
      .toUpperCase()
      .toLowerCase()
      .normalize('NFC')
      .replace(/ё/g, 'е');
    let latin = '';
    for (const ch of folded) latin += CYRILLIC_TO_LATIN[ch] ?? LATIN_SPECIALS[ch] ?? ch;
    s = latin
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[^\p{L}\p{N}]/gu, '');
  }
  for (const [re, to, needle] of LATIN_FOLDS) if (s.includes(needle)) s = s.replace(re, to);
  if (plain) return consonantSkeleton(s);
  s = s.replace(/^[aeiou]+/, (run) => run.slice(-1));
  s = s.slice(0, 1) + s.slice(1).replace(/[aeiou]/g, '');
  return s.replace(/(.)\1+/gu, '$1');
}

const isVowel = (c: number) => c === 97 || c === 101 || c === 105 || c === 111 || c === 117; // a e i o u

/**
 * Step 5 of translitKey on an ASCII string, in one pass: a leading run of vowels becomes its last
 * vowel, later vowels are dropped, and runs of one letter collapse.
 */
function consonantSkeleton(s: string): string {
  let i = 0;
  while (i < s.length && isVowel(s.charCodeAt(i))) i++;
  let out = '';
  let last = -1;
  // The first kept character: the leading run's last vowel, or the first character.
  let k = i > 0 ? i - 1 : 0;
  if (k < s.length) {
    last = s.charCodeAt(k);
    out = s.charAt(k);
    k++;
  }
  for (; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (isVowel(c) || c === last) continue;
    out += s.charAt(k);
    last = c;
  }
  return out;
}

// ─────────────────────────────────────────────────────────────────────────────
// Name tokens for search
// ─────────────────────────────────────────────────────────────────────────────

/**
 * Whole words that carry no identity in a company name, in normalised form, in groups: legal forms
 * that may survive inside a name (Cyrillic and Latin); common Russian business words; English ones;
 * conjunctions and prepositions; cities of the region (Samara oblast) and their adjectives.
 * A word is dropped only as a whole word («центр» goes, «Электроцентр» stays).
 */
export const NAME_STOP_WORDS: ReadonlySet<string> = new Set(
  wordList(`
    ооо оао зао ао пао нао ип чп ичп тоо одо ано нко нп пк спк кфх гуп муп фгуп гбу мбу фгбу гау мау
    гку мку тсж снт ooo oao zao pao ao llc ltd inc corp gmbh ag nv bv plc llp jsc pjsc cjsc ojsc limited

    тд гк торговый торговая торговое торговые дом компания компании группа групп холдинг корпорация
    фирма предприятие производственная производственный производственное коммерческая коммерческий
    научно производственно завод фабрика комбинат центр сервис трейд трейдинг снаб агентство объединение
    пкф пкп нпо нпп нпф тк ск рус русь россия россии российский российская

    company group holding trading trade service international rus russia the and of co

    и в на по для с ко

    самара самарский самарская самарское самарские тольятти тольяттинский тольяттинская сызрань
    сызранский сызранская новокуйбышевск новокуйбышевский чапаевск жигулевск отрадный кинель
    похвистнево октябрьск поволжье поволжский поволжская
  `),
);

/**
 * Words of a normalised name for search, minus NAME_STOP_WORDS and single letters (initials),
 * de-duplicated, in order. If that would leave nothing, every word is kept («Центр» → ['центр']).
 * The input is run through normalizeOrgName first (a no-op on a normalised name).
 */
export function nameTokens(normalizedName: string): string[] {
  const all = [...new Set(normalizeOrgName(normalizedName).split(' ').filter(Boolean))];
  // A single letter is one or two UTF-16 units: the regular expression only runs on those.
  const kept = all.filter((w) => !NAME_STOP_WORDS.has(w) && !(w.length <= 2 && /^\p{L}$/u.test(w)));
  return kept.length > 0 ? kept : all;
}

// ─────────────────────────────────────────────────────────────────────────────
// Phones
// ─────────────────────────────────────────────────────────────────────────────

export type PhoneResult =
  | { ok: true; e164: string; extension: string | null; kind: 'mobile' | 'fixed' | 'other' }
  | { ok: false; error: 'INVALID_PHONE' | 'EMPTY' };

/** An extension at the end: «доб. 123», «добавочный 12», «доп. 1», «вн. 12», «внутр. 5», «ext 12», «x12», «#12». */
const PHONE_EXTENSION =
  /(?<!\p{L})(?:добавочн\p{L}*|доб|доп|внутренн\p{L}*|внутр|вн|extension|ext|x|#)\s*[.:]?\s*(?:номер\s*)?[#№]?\s*(\d{1,8})\s*\)?\s*$/u;
/** A label before the number: «тел.», «т.», «моб.», «tel:» (tel: URIs from web pages). */
const PHONE_LABEL = /^(?:tel|phone|mob|тел(?:ефон)?|моб(?:ильный)?|сот(?:овый)?|раб(?:очий)?|т)\s*[.:]?\s*/u;
const PHONE_CHARS = /^[\d\s()+\-.\u2010-\u2015\u2212/]*$/u;

/**
 * libphonenumber-js (max metadata), default region RU: '8 (495) 123-45-67', '+7 495 1234567',
 * '84951234567', '7 495 123 45 67', '495-123-45-67' are all +74951234567. An extension is split
 * off first and returned apart (digits only). The rest must hold nothing but digits and phone
 * punctuation (one number per call) and be a valid number for libphonenumber; a local number
 * without its area code ('123-45-67') is INVALID_PHONE. A blank string or one with no letter or
 * digit at all ('—') is EMPTY. For RU, the common slip «+8 (495) …» is read as «8 (495) …»
 * (a bare '+8495…' is left to libphonenumber: it is a valid Vietnamese number). An unsupported
 * defaultRegion means international (+…) numbers only.
 */
export function normalizePhone(raw: string, defaultRegion: 'RU' | string = 'RU'): PhoneResult {
  const hit = parsePhoneMemo(raw, defaultRegion);
  if (!hit.ok) return { ok: false, error: hit.error };
  if (hit.kind === undefined) {
    const type = hit.parsed.getType();
    hit.kind = type === 'MOBILE' ? 'mobile' : type === 'FIXED_LINE' ? 'fixed' : 'other';
  }
  return { ok: true, e164: hit.e164, extension: hit.extension, kind: hit.kind };
}

/**
 * normalizePhone without the number's kind (mobile/fixed), which costs as much again to find:
 * the same `ok`, `e164` and `error` for every input.
 */
export function normalizePhoneNumber(
  raw: string,
  defaultRegion: 'RU' | string = 'RU',
): { ok: true; e164: string } | { ok: false; error: 'INVALID_PHONE' | 'EMPTY' } {
  const hit = parsePhoneMemo(raw, defaultRegion);
  return hit.ok ? { ok: true, e164: hit.e164 } : { ok: false, error: hit.error };
}

type ParsedPhone =
  | {
      ok: true;
      e164: string;
      extension: string | null;
      parsed: PhoneNumber;
      kind: 'mobile' | 'fixed' | 'other' | undefined;
    }
  | { ok: false; error: 'INVALID_PHONE' | 'EMPTY' };

/**
 * An import normalises each phone when it reads the row and again for its identifiers; parsing
 * is the expensive part, so it is memoised (bounded). Callers get copies, never the entry.
 */
function parsePhoneMemo(raw: string, defaultRegion: string): ParsedPhone {
  const key = `${defaultRegion}\u0000${raw}`;
  let hit = phoneMemo.get(key);
  if (hit === undefined) {
    hit = parsePhone(raw, defaultRegion);
    if (phoneMemo.size >= 50_000) phoneMemo.clear();
    phoneMemo.set(key, hit);
  }
  return hit;
}
const phoneMemo = new Map<string, ParsedPhone>();

function parsePhone(raw: string, defaultRegion: string): ParsedPhone {
  const s = raw.normalize('NFKC').toLowerCase().trim();
  if (!/[\p{L}\p{N}]/u.test(s)) return { ok: false, error: 'EMPTY' };
  const ext = PHONE_EXTENSION.exec(s);
  const extension = ext ? (ext[1] as string) : null;
  let main = (ext ? s.slice(0, ext.index) : s).replace(/[\s(,;:-]+$/u, '').replace(PHONE_LABEL, '');
  if (!PHONE_CHARS.test(main) || !/\d/.test(main)) return { ok: false, error: 'INVALID_PHONE' };
  const region = defaultRegion.toUpperCase();
  if (region === 'RU') main = main.replace(/^\+8(?=\s*\()/, '8');
  const parsed = parsePhoneNumberFromString(main, {
    defaultCountry: isSupportedCountry(region) ? region : undefined,
    extract: false,
  });
  if (!parsed?.isValid()) return { ok: false, error: 'INVALID_PHONE' };
  return { ok: true, e164: parsed.number, extension, parsed, kind: undefined };
}

// ─────────────────────────────────────────────────────────────────────────────
// E-mails and domains
// ─────────────────────────────────────────────────────────────────────────────

export type EmailResult =
  | { ok: true; email: string; domain: string; freeMail: boolean }
  | { ok: false; error: 'INVALID_EMAIL' | 'EMPTY' };

/** Public mailbox providers: an address there says nothing about the company. */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set(
  wordList(`
    mail.ru bk.ru list.ru inbox.ru internet.ru mail.ua
    yandex.ru ya.ru yandex.com yandex.by yandex.kz yandex.ua narod.ru
    rambler.ru rambler.ua lenta.ru autorambler.ru myrambler.ru ro.ru
    gmail.com googlemail.com hotmail.com outlook.com live.com msn.com
    yahoo.com ymail.com icloud.com me.com mac.com
    proton.me protonmail.com pm.me tutanota.com zoho.com aol.com
    gmx.com gmx.net gmx.de mail.com
    qip.ru pochta.ru e1.ru ngs.ru tut.by ukr.net i.ua
  `),
);

const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TOP_LEVEL = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/u;
const EMAIL_LOCAL = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;

/** Host names only: at least two labels, a letter (or punycode) top level; IP addresses fail. */
function isValidDomain(domain: string): boolean {
  if (domain.length > 253) return false;
  const labels = domain.split('.');
  return (
    labels.length >= 2 && labels.every((l) => DOMAIN_LABEL.test(l)) && TOP_LEVEL.test(labels.at(-1) as string)
  );
}

/**
 * Lower-cased, trimmed, mailto: (and its ?subject=…) stripped, «Имя <addr>» unwrapped, spaces
 * around '@' and trailing list punctuation dropped; domain extracted; free-mail domains flagged.
 * No provider-specific rewriting (gmail dots, +tags): that would be guessing about mailboxes.
 */
export function normalizeEmail(raw: string): EmailResult {
  let s = raw.normalize('NFKC').trim();
  if (s === '') return { ok: false, error: 'EMPTY' };
  const angle = /<([^<>]*)>[\s.,;]*$/.exec(s);
  if (angle) s = (angle[1] as string).trim();
  s = s
    .toLowerCase()
    .replace(/^mailto:/, '')
    .replace(/\?.*$/, '')
    .replace(/^["'«(<[\s]+|["'»)>\]\s.,;]+$/gu, '')
    .replace(/\s*@\s*/g, '@');
  if (s === '') return { ok: false, error: 'EMPTY' };
  const parts = s.split('@');
  if (parts.length !== 2) return { ok: false, error: 'INVALID_EMAIL' };
  const [local, domain] = parts as [string, string];
  if (local.length > 64 || !EMAIL_LOCAL.test(local) || !isValidDomain(domain)) {
    return { ok: false, error: 'INVALID_EMAIL' };
  }
  return { ok: true, email: `${local}@${domain}`, domain, freeMail: FREE_MAIL_DOMAINS.has(domain) };
}

/**
 * A company web domain or an e-mail's domain → bare domain: scheme, user info, path, query, port,
 * trailing dot and a leading www./www2. stripped; lower-case; punycode and Cyrillic (.рф) left as
 * they are. Subdomains are kept (no public-suffix list: «unix.spb.ru» and «shop.narod.ru» must not
 * become «spb.ru»/«narod.ru»). null for a free-mail domain or anything that is not a host name.
 */
export function companyDomain(urlOrEmailOrDomain: string): string | null {
  let s = urlOrEmailOrDomain.normalize('NFKC').trim().toLowerCase();
  if (s === '') return null;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//.test(s);
  if (s.startsWith('mailto:') || (!hasScheme && s.includes('@'))) {
    const email = normalizeEmail(s);
    return email.ok && !email.freeMail ? email.domain : null;
  }
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^\/\//, '');
  s = s.split(/[/?#\\]/)[0] as string;
  s = s.slice(s.lastIndexOf('@') + 1);
  s = s.replace(/:\d*$/, '').replace(/\.$/, '');
  const bare = s.replace(/^www\d*\./, '');
  if (bare.includes('.')) s = bare;
  if (!isValidDomain(s)) return null;
  return FREE_MAIL_DOMAINS.has(s) ? null : s;
}

// ─────────────────────────────────────────────────────────────────────────────
// Addresses
// ─────────────────────────────────────────────────────────────────────────────

/** Address words and abbreviations → one canonical token. */
const ADDRESS_WORDS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries({
    г: 'г гор город',
    ул: 'ул улица',
    пр: 'пр просп проспект',
    пер: 'пер переулок',
    ш: 'ш шоссе',
    бул: 'бул бульв бульвар',
    пл: 'пл площадь',
    наб: 'наб набережная',
    д: 'д дом',
    к: 'к корп корпус',
    с: 'с стр строение',
    оф: 'оф офис',
    пом: 'пом помещ помещение',
    эт: 'эт этаж',
    кв: 'кв квартира',
    ком: 'ком комн комната',
    каб: 'каб кабинет',
    вл: 'вл влд владение',
    лит: 'лит литер литера',
    обл: 'обл область',
    респ: 'респ республика',
    мкр: 'мкр мкрн микрорайон',
    проезд: 'проезд',
    рн: 'рн район',
    п: 'п пос поселок',
    ал: 'ал аллея',
    туп: 'туп тупик',
    россия: 'россия рф',
  }).flatMap(([canonical, spellings]) => wordList(spellings).map((w) => [w, canonical])),
);

/** Hyphenated abbreviations, rewritten before punctuation becomes space. */
const ADDRESS_HYPHENATED: readonly [RegExp, string, string][] = [
  // The third item is text every match contains: without it the rewrite is skipped.
  [/(?<!\p{L})пр-?к?т(?!\p{L})/gu, ' пр ', 'пр'],
  [/(?<!\p{L})б-р(?!\p{L})/gu, ' бул ', 'б-р'],
  [/(?<!\p{L})пр-д(?!\p{L})/gu, ' проезд ', 'пр-д'],
  [/(?<!\p{L})р-о?н(?!\p{L})/gu, ' рн ', 'р-'],
  [/(?<!\p{L})мкр-н(?!\p{L})/gu, ' мкр ', 'мкр-н'],
  [/(?<!\p{L})российск\p{L}*\s+федераци\p{L}*/gu, ' россия ', 'российск'],
];

const CANONICAL_ADDRESS_MARKERS: ReadonlySet<string> = new Set(Object.values(ADDRESS_WORDS));
/** Markers whose value is a number (дом 10, офис 5, 3 этаж). */
const NUMBERED_MARKERS: ReadonlySet<string> = new Set([
  'д',
  'к',
  'с',
  'оф',
  'пом',
  'эт',
  'кв',
  'ком',
  'каб',
  'вл',
]);
/** Ordinal endings after a number («5-й проезд», «1-я линия») carry nothing. 'е' is kept: it may be a литера. */
const ORDINAL_ENDINGS: ReadonlySet<string> = new Set(wordList('й я го ого ой ий ый ая ое ья ом ым ей'));
const NUMBER = /^\d/;
const HAS_DIGIT = /\d/;

/**
 * The tokens of an address or of one comma-separated part of it, memoised (bounded): parts repeat
 * from address to address («г. Самара», «ул. Ленинская»). The array is shared: callers must not
 * change it.
 */
function addressTokens(raw: string): readonly string[] {
  let hit = addressTokensMemo.get(raw);
  if (hit === undefined) {
    hit = computeAddressTokens(raw);
    if (addressTokensMemo.size >= 50_000) addressTokensMemo.clear();
    addressTokensMemo.set(raw, hit);
  }
  return hit;
}
const addressTokensMemo = new Map<string, readonly string[]>();

function computeAddressTokens(raw: string): string[] {
  let s = foldText(raw);
  for (const [re, to, needle] of ADDRESS_HYPHENATED) if (s.includes(needle)) s = s.replace(re, to);
  s = s.replace(/[^\p{L}\p{N}/]+/gu, ' ');
  if (s.includes('/')) s = s.replace(/(?<!\d)\/|\/(?!\d)/g, ' ');
  if (HAS_DIGIT.test(s)) s = s.replace(/(\d)(?=\p{L})/gu, '$1 ').replace(/(\p{L})(?=\d)/gu, '$1 ');
  const ws = s
    .split(' ')
    .filter((w) => w !== '' && !/^\d{6}$/.test(w)) // postal codes
    .map((w) => ADDRESS_WORDS[w] ?? foldHomoglyphs(w));
  const out: string[] = [];
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i] as string;
    const next = ws[i + 1];
    if (NUMBER.test(w) && next !== undefined && ORDINAL_ENDINGS.has(next)) {
      ws.splice(i + 1, 1); // and look at this number again: «5-й а» → '5а', the same as a second pass
      i--;
    } else if (NUMBER.test(w) && next !== undefined && isHouseLetter(next)) {
      out.push(w + (LATIN_HOMOGLYPHS[next] ?? next)); // 10а, 10-а, 10 А → '10а'
      i++;
    } else {
      out.push(w);
    }
  }
  return out;
}

/** A single letter after a house number is its литера, unless it is a marker (к 2, с 1, г …). */
function isHouseLetter(w: string): boolean {
  return /^\p{L}$/u.test(w) && !CANONICAL_ADDRESS_MARKERS.has(w);
}

/**
 * Address → comparison form: lower-case, ё→е, punctuation → space, abbreviations unified to one
 * canonical token (г./гор./город → г; ул./улица → ул; пр-т/пр./просп./проспект → пр; пер. → пер;
 * ш. → ш; б-р/бульвар → бул; пл. → пл; наб. → наб; д./дом → д; корп./к./корпус → к;
 * стр./строение → с; оф./офис → оф; пом. → пом; эт./этаж → эт; кв, ком, каб, вл, лит, мкр, рн,
 * проезд, п too), 6-digit postal codes removed, 'российская федерация'/'рф' → 'россия', 'область' →
 * 'обл', digits split from letters («10к2» → '10 к 2', «д.10» → 'д 10') but a house литера glued
 * back («10-А», «10 а» → '10а'), ordinal endings dropped («5-й» → '5'), spaces collapsed.
 */
export function normalizeAddress(raw: string): string {
  return memo(addressMemo, raw, () => addressTokens(raw).join(' '));
}

/**
 * Order-insensitive key: the sorted tokens of normalizeAddress per comma-separated part, without
 * the city marker 'г' and the country 'россия' (both implied), and with each numbered marker glued
 * to its number ('д10', 'оф5', 'эт3' — also from «3 этаж»), so that sorting can't swap the house
 * and the office number. A bare number that ends its part or is followed only by markers/numbers
 * («Ленинградская, 10», «Московское ш. 4к2») is the house number when no 'д' is given; a number
 * followed by a word in the same part is part of a street name («22 Партсъезда»).
 */
export function addressKey(raw: string): string {
  return memo(addressKeyMemo, raw, () => computeAddressKey(raw));
}

function computeAddressKey(raw: string): string {
  const keys: string[] = [];
  const parts = raw
    .split(/[,;\n]+/)
    .map((part) => addressTokens(part).filter((w) => w !== 'г' && w !== 'россия'));
  let houseGiven = false;
  const loose: { part: string[]; used: boolean[] }[] = [];
  for (const part of parts) {
    const used = part.map(() => false);
    const bind = (marker: number, value: number): void => {
      keys.push((part[marker] as string) + (part[value] as string));
      used[marker] = true;
      used[value] = true;
      if (part[marker] === 'д') houseGiven = true;
    };
    const free = (i: number): boolean => i >= 0 && i < part.length && !used[i];
    for (let i = 0; i < part.length; i++) {
      if (
        NUMBERED_MARKERS.has(part[i] as string) &&
        free(i) &&
        free(i + 1) &&
        NUMBER.test(part[i + 1] as string)
      ) {
        bind(i, i + 1);
      }
    }
    for (let i = 0; i < part.length; i++) {
      if (
        NUMBERED_MARKERS.has(part[i] as string) &&
        free(i) &&
        free(i - 1) &&
        NUMBER.test(part[i - 1] as string)
      ) {
        bind(i, i - 1);
      }
    }
    loose.push({ part, used });
  }
  for (const { part, used } of loose) {
    for (let i = 0; i < part.length; i++) {
      if (used[i]) continue;
      const w = part[i] as string;
      const next = part[i + 1];
      const streetNumber =
        next !== undefined && !used[i + 1] && /^\p{L}+$/u.test(next) && !CANONICAL_ADDRESS_MARKERS.has(next);
      if (!houseGiven && NUMBER.test(w) && !streetNumber) {
        keys.push('д' + w);
        houseGiven = true;
      } else {
        keys.push(w);
      }
    }
  }
  return keys.sort().join(' ');
}
