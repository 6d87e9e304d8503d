import { describe, expect, it } from 'vitest';
import { defaultIdentityRules } from '../policy/policy.ts';
import { type ClientSnapshot, identifiersOf } from './identifiers.ts';
import { scoreCandidate } from './match.ts';
import { reasonCodeOf, reasonKey } from './reason-code.ts';

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
  contacts: [{ id: 13, name: 'Петров Пётр', phones: ['+7 927 100-20-30'], emails: [] }],
  addresses: [],
});
const reasons = (q: Partial<ClientSnapshot>) =>
  scoreCandidate(
    defaultIdentityRules,
    identifiersOf(snap(0, q)),
    1,
    identifiersOf(unix),
    new Map([[13, 'Петров Пётр']]),
  ).reasons;

describe('match reasons for screens (code and fields, no English)', () => {
  it('an exact phone on a contact names the contact', () => {
    const [r] = reasons({
      displayName: 'X',
      contacts: [{ id: 1, name: 'Кто-то', phones: ['8 (927) 100 20 30'], emails: [] }],
    });
    expect(reasonCodeOf(r!)).toEqual({
      code: 'SAME_PHONE',
      kind: 'phone',
      similarity: 1,
      display: '+7 927 100-20-30',
      contact: 'Петров Пётр',
    });
  });

  it('a same ИНН has no contact; a conflicting ИНН is its own reason', () => {
    const same = reasons({ legalEntities: [{ id: 1, name: 'Другое', inn: '7707083893', ogrn: null }] });
    expect(reasonCodeOf(same[0]!)).toMatchObject({ code: 'SAME_INN', display: '7707083893', contact: null });
    const other = reasons({
      displayName: 'Юникс',
      legalEntities: [{ id: 1, name: 'ООО «Юникс»', inn: '7736050003', ogrn: null }],
    });
    expect(other.map((r) => reasonCodeOf(r).code)).toContain('DIFFERENT_INN');
  });

  it('reasons that read the same share a key (as their English text does)', () => {
    const base = { code: 'NAME_SIMILAR', kind: 'brand', display: 'А', contact: null } as const;
    expect(reasonKey({ ...base, similarity: 0.921 })).toBe(
      reasonKey({ ...base, similarity: 0.919, display: 'Б' }),
    );
    expect(reasonKey({ ...base, similarity: 0.92 })).not.toBe(reasonKey({ ...base, similarity: 0.8 }));
    expect(reasonKey({ ...base, similarity: 1 })).not.toBe(reasonKey({ ...base, similarity: 0.996 }));
    const phone = { code: 'SAME_PHONE', kind: 'phone', similarity: 1, display: '+7' } as const;
    expect(reasonKey({ ...phone, contact: 'Иванов' })).not.toBe(reasonKey({ ...phone, contact: null }));
  });
});
