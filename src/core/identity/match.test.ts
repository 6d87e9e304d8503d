import { describe, expect, it } from 'vitest';
import { defaultIdentityRules } from '../policy/policy.ts';
import { type ClientSnapshot, identifiersOf } from './identifiers.ts';
import { bestLookupHit } from './lookup-rank.ts';
import { nameSimilarity, scoreCandidate } from './match.ts';
import { normalizeOrgName } from './normalize.ts';

const snap = (id: number, over: Partial<ClientSnapshot>): ClientSnapshot => ({
  id,
  displayName: '',
  legalEntities: [],
  brands: [],
  contacts: [],
  addresses: [],
  ...over,
});

const unix = snap(1, {
  displayName: 'Юникс',
  legalEntities: [{ id: 11, name: 'ООО «Юникс»', inn: '7707083893', ogrn: null }],
  brands: [{ id: 12, name: 'Электроцентр' }],
  contacts: [
    { id: 13, name: 'Петров Пётр', phones: ['+7 927 100-20-30'], emails: ['p.petrov@unix-shop.ru'] },
  ],
  addresses: [{ id: 14, address: 'ул. Ленинградская, д. 10', city: 'Самара' }],
});
const score = (q: Partial<ClientSnapshot>) =>
  scoreCandidate(
    defaultIdentityRules,
    identifiersOf(snap(0, q)),
    1,
    identifiersOf(unix),
    new Map([[13, 'Петров Пётр']]),
  );

describe('scoring a candidate (R-ID-1, R-ID-2)', () => {
  it.each([
    [
      'same ИНН',
      { legalEntities: [{ id: 1, name: 'Другое', inn: '7707083893', ogrn: null }] },
      'same',
      'same ИНН',
    ],
    [
      'same phone, another format',
      { displayName: 'X', contacts: [{ id: 1, name: 'Кто-то', phones: ['8 (927) 100 20 30'], emails: [] }] },
      'same',
      'same phone as contact Петров Пётр',
    ],
    [
      'same e-mail in capitals',
      { contacts: [{ id: 1, name: 'К', phones: [], emails: ['P.PETROV@UNIX-SHOP.RU'] }] },
      'same',
      'same e-mail as contact Петров Пётр',
    ],
    ['the brand name alone', { displayName: 'Электроцентр' }, 'maybe', 'same brand name'],
    ['the legal name in Latin', { displayName: 'Unix LLC' }, 'maybe', 'name 95 % similar'],
    [
      'the address alone (business centres)',
      { addresses: [{ id: 1, address: 'Самара, Ленинградская улица, дом 10', city: null }] },
      'different',
      'same address',
    ],
    ['a different company', { displayName: 'Феникс' }, 'different', undefined],
  ] as const)('%s → %s (R-ID-1)', (_what, q, outcome, reason) => {
    const r = score(q as Partial<ClientSnapshot>);
    expect(r.outcome).toBe(outcome);
    if (reason) expect(r.reasons.map((x) => x.text)).toContain(reason);
  });

  it('different valid ИНН with the same name and brand are never `same` (R-ID-2)', () => {
    const r = score({
      displayName: 'Юникс',
      legalEntities: [{ id: 1, name: 'ООО Юникс', inn: '7736050003', ogrn: null }],
      brands: [{ id: 2, name: 'Электроцентр' }],
    });
    expect(r.outcome).toBe('maybe');
    expect(r.reasons.map((x) => x.code)).toContain('DIFFERENT_INN');
  });

  it('different ИНН but the same phone is the same client: a chain has several legal entities (R-ID-2)', () => {
    const r = score({
      legalEntities: [{ id: 1, name: 'ООО Юникс Самара', inn: '7736050003', ogrn: null }],
      contacts: [{ id: 1, name: 'П', phones: ['+79271002030'], emails: [] }],
    });
    expect(r.outcome).toBe('same');
  });

  it('the more evidence, the higher the score, never above 1', () => {
    const one = score({ displayName: 'Юникс' }).score;
    const two = score({
      displayName: 'Юникс',
      addresses: [{ id: 1, address: 'г. Самара, ул. Ленинградская, 10', city: null }],
    }).score;
    expect(two).toBeGreaterThan(one);
    expect(score({ ...unix, id: 0 }).score).toBeLessThanOrEqual(1);
  });

  it('transliteration makes Юникс and Unix close names', () => {
    expect(nameSimilarity(normalizeOrgName('Юникс'), normalizeOrgName('Unix'))).toBeGreaterThanOrEqual(0.95);
    expect(nameSimilarity(normalizeOrgName('Юникс'), normalizeOrgName('Феникс'))).toBeLessThan(0.5);
  });
});

describe('as-you-type ranking (C2)', () => {
  const ids = identifiersOf(unix);
  it.each([
    ['электроц', 'brand'],
    ['юник', 'display_name'],
    ['электорцентр', 'brand'],
    ['ленинградск', 'address'],
  ])('%s hits the %s', (q, kind) => {
    const hit = bestLookupHit(normalizeOrgName(q).split(' '), true, ids);
    expect(hit.matched?.kind).toBe(kind);
    expect(hit.score).toBeGreaterThan(0.5);
  });

  it('a longer prefix ranks higher than a shorter one', () => {
    const short = bestLookupHit(['эл'], true, ids).score;
    const long = bestLookupHit(['электроцен'], true, ids).score;
    expect(long).toBeGreaterThan(short);
  });
});
