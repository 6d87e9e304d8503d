/**
 * Output-equivalence guard for the import/identity hot path. The fingerprints below were taken
 * from the code before the performance work (fast paths, memos, fewer throwaway arrays); any
 * change in a normalised value, identifier, token, cluster, edge, score or reason changes them.
 * If a deliberate behaviour change breaks this test, re-record the fingerprints in the same commit.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateDemo } from '../demo/generate-demo.ts';
import { createRng, int, pick } from '../demo/prng.ts';
import { clusterRecordsDetailed } from '../identity/cluster.ts';
import { identifiersOf, searchTokens } from '../identity/identifiers.ts';
import {
  addressKey,
  companyDomain,
  detectLegalForm,
  nameTokens,
  normalizeAddress,
  normalizeEmail,
  normalizeOrgName,
  normalizePhone,
  translitKey,
} from '../identity/normalize.ts';
import { generateIdentityDataset, syntheticSnapshot } from '../identity/synthetic.ts';
import { defaultIdentityRules } from '../policy/policy.ts';
import { groupWithinFile } from './group.ts';
import { detectPreset, presetMapping } from './presets.ts';
import { type ImportRecord, rowToRecord } from './rows.ts';

const digest = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);

const HEADERS = ['Название', 'Юр. лицо', 'ИНН', 'Телефон', 'Email', 'Адрес', 'Город', 'Контактное лицо'];

/** 3,000 demo rows, with every 10th row repeated later with its phone reformatted (so groups merge). */
function demoRows(): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (const c of generateDemo({ clients: 2700, seed: 4242 }).clients) {
    const le = c.legalEntities[0];
    const k = c.contacts[0];
    const a = c.addresses[0];
    const values = [
      c.displayName,
      le?.name ?? '',
      le?.inn ?? '',
      k?.phones.join(', ') ?? '',
      k?.emails[0] ?? '',
      a?.address ?? '',
      a?.city ?? '',
      k?.name ?? '',
    ];
    rows.push(Object.fromEntries(HEADERS.map((h, i) => [h, values[i] as string])));
  }
  for (let i = 0; i < 300; i++) {
    const prev = { ...(rows[i * 9] as Record<string, string>) };
    prev.Телефон = (prev.Телефон ?? '').replace(/^\+7 \((\d{3})\) /, '8 $1 ').replace(/-/g, ' ');
    rows.push(prev);
  }
  return rows;
}

/** Strings with the characters a fast path could get wrong: case-folding oddities, NFKC, marks. */
const ODD = [
  'Ａ',
  'ﬁ',
  'ß',
  'ẞ',
  'Σ',
  'ς',
  'İ',
  'ı',
  'ǅ',
  'Ⅻ',
  '²',
  '㍱',
  '\u0301',
  '\u0345',
  'é',
  'ё',
  'Ё',
  'й',
  'Й',
  '№',
  '«',
  '»',
  '"',
  "'",
  '’',
  '`',
  '-',
  '.',
  ',',
  '/',
  '(',
  ')',
  '\u00a0',
  '\u200b',
  '\t',
  '\n',
  'ǰ',
  'ŉ',
  'ﬀ',
  'Ω',
  'K',
  'Å',
  'ͅ',
  'ϐ',
  'ꭰ',
];
const WORDS = [
  'ООО',
  'ооо',
  'OOO',
  'общество с ограниченной ответственностью',
  'Акционерное общество',
  'И.П.',
  'и п',
  'LLC',
  'Ltd',
  'GmbH & Co. KG',
  's.a.r.l.',
  'торговый дом',
  'группа компаний',
  'Юникс',
  'Uniks',
  'Электро-Центр',
  'Ёлка',
  'Шмидт',
  'Schmidt',
  'McDonald’s',
  'ул.',
  'д.',
  '10а',
  '5-й',
  'пр-т',
  'корп. 2',
  'г. Самара',
  '443001',
  'Российская Федерация',
  'оф. 12',
  '+7 (846) 200-10-10',
  '8 846 200 10 10',
  'доб. 12',
  'info@unix.ru',
  'www.Unix.ru',
  'Москва',
  'Ааа',
  'Cafe',
];

function fuzzStrings(count: number): string[] {
  const rng = createRng(7);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    const parts = int(rng, 1, 6);
    for (let p = 0; p < parts; p++) {
      s += rng() < 0.6 ? pick(rng, WORDS) : pick(rng, ODD);
      if (rng() < 0.3) s += pick(rng, ODD);
      s += pick(rng, [' ', ' ', ', ', '', '"', '«']);
    }
    out.push(s);
  }
  return out;
}

function normalisers(s: string) {
  const phone = normalizePhone(s);
  return [
    normalizeOrgName(s),
    detectLegalForm(s),
    translitKey(s),
    nameTokens(s),
    searchTokens(normalizeOrgName(s)),
    normalizeAddress(s),
    addressKey(s),
    phone,
    normalizeEmail(s),
    companyDomain(s),
  ];
}

describe('import and identity outputs are unchanged (frozen fingerprints)', () => {
  it('rows, identifiers, clusters and groups of 3,000 demo rows', () => {
    const rows = demoRows();
    const mapping = presetMapping(detectPreset(HEADERS), HEADERS);
    const out = rows.map((r, i) => rowToRecord(i + 2, r, mapping));
    const records = out.flatMap((o) => (o.record ? [o.record] : [])) as ImportRecord[];
    const groups = groupWithinFile(records, defaultIdentityRules);
    const strings = rows.flatMap((r) => Object.values(r));
    expect({
      rows: digest(out),
      groups: digest(groups),
      normalisers: digest(strings.map(normalisers)),
    }).toEqual({ rows: 'a5dc2e5021ed847d', groups: '74f8142ffe9851bf', normalisers: 'b252df474f79257e' });
  });

  it('identifiers and all scored pairs of the synthetic identity set', () => {
    const ds = generateIdentityDataset({ seed: 11, entities: 700 });
    const input = ds.records.map((r) => ({ row: r.row, identifiers: identifiersOf(syntheticSnapshot(r)) }));
    const res = clusterRecordsDetailed(input, defaultIdentityRules, { keepAllEdges: true });
    const plain = clusterRecordsDetailed(input, defaultIdentityRules);
    expect({
      identifiers: digest(input),
      all: digest(res),
      // The clusters and joining pairs, not the work counters (`stats`): skipping pairs that cannot
      // be `same` is an optimisation and may change how many pairs are scored.
      plain: digest({ rows: plain.rows, edges: plain.edges }),
    }).toEqual({ identifiers: 'f3b2dc713af7cbad', all: '77effc7d35913c94', plain: 'c6a80803dc9c233b' });
  });

  it('normalisers on odd strings', () => {
    const strings = [...ODD, ...WORDS, ...fuzzStrings(4000)];
    expect(digest(strings.map(normalisers))).toBe('f5391f362ee9e7ec');
  });
});
