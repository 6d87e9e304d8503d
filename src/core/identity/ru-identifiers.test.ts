import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../demo/prng.ts';
import {
  generateInn10,
  generateInn12,
  generateKpp,
  generateOgrn,
  generateOgrnip,
  type IdentifierError,
  type IdentifierResult,
  validateInn,
  validateKpp,
  validateOgrn,
  validateOgrnip,
} from './ru-identifiers.ts';

// The vectors are a committed fixture (test/fixtures/ru-identifiers); a missing file must fail the run.
const VECTORS_URL = new URL(
  '../../../test/fixtures/ru-identifiers/stdnum_ru_test_vectors.csv',
  import.meta.url,
);
const VECTORS_PATH = fileURLToPath(VECTORS_URL);

type VectorRow = {
  identifierType: 'INN' | 'OGRN' | 'OGRNIP';
  value: string;
  expectedValid: boolean;
  expectedError: string;
  note: string;
};

/** Only the first four columns matter; the note may contain quoted commas, so keep the rest whole. */
function parseVectors(text: string): VectorRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const [header, ...rows] = lines;
  expect(header?.startsWith('identifier_type,value,expected_valid,expected_error')).toBe(true);
  return rows.map((line) => {
    const parts = line.split(',');
    const [identifierType, value, expectedValid, expectedError] = parts;
    if (identifierType !== 'INN' && identifierType !== 'OGRN' && identifierType !== 'OGRNIP') {
      throw new Error(`unknown identifier_type in row: ${line}`);
    }
    return {
      identifierType,
      value: value ?? '',
      expectedValid: expectedValid === 'true',
      expectedError: expectedError ?? '',
      note: parts.slice(6).join(','),
    };
  });
}

const vectors: VectorRow[] = existsSync(VECTORS_PATH) ? parseVectors(readFileSync(VECTORS_PATH, 'utf8')) : [];

const STDNUM_ERRORS: Record<string, IdentifierError> = {
  InvalidChecksum: 'INVALID_CHECKSUM',
  InvalidLength: 'INVALID_LENGTH',
  InvalidComponent: 'INVALID_COMPONENT',
};

const validators = { INN: validateInn, OGRN: validateOgrn, OGRNIP: validateOgrnip } as const;

describe('python-stdnum test vectors', () => {
  it('the vector file is present and complete', () => {
    expect(existsSync(VECTORS_PATH), `missing ${VECTORS_PATH}`).toBe(true);
    expect(vectors).toHaveLength(44);
  });

  it.each(vectors)('$identifierType $value → valid=$expectedValid $expectedError', (row) => {
    const result = validators[row.identifierType](row.value);
    if (row.expectedValid) {
      expect(result).toEqual({ ok: true, value: row.value });
    } else {
      expect(STDNUM_ERRORS[row.expectedError], `unmapped error ${row.expectedError}`).toBeDefined();
      expect(result).toEqual({ ok: false, error: STDNUM_ERRORS[row.expectedError] });
    }
  });
});

const bad = (error: IdentifierError): IdentifierResult => ({ ok: false, error });

describe('validateInn', () => {
  it.each([
    ['7709442668', { ok: true, value: '7709442668' }],
    ['  7709442668  ', { ok: true, value: '7709442668' }],
    ['7709 442 668', { ok: true, value: '7709442668' }],
    ['7709-442-668', { ok: true, value: '7709442668' }],
    ['7709\u00a0442\u00a0668', { ok: true, value: '7709442668' }],
    ['1234 5678 9047\t', { ok: true, value: '123456789047' }],
    ['77094426a8', bad('INVALID_CHARACTERS')],
    ['ИНН7709442668', bad('INVALID_CHARACTERS')],
    ['7709.442.668', bad('INVALID_CHARACTERS')],
    ['', bad('INVALID_LENGTH')],
    ['   ', bad('INVALID_LENGTH')],
    ['770944266', bad('INVALID_LENGTH')],
    ['77094426681', bad('INVALID_LENGTH')],
    ['1234567890470', bad('INVALID_LENGTH')],
    ['7709442669', bad('INVALID_CHECKSUM')],
    // 12 digits: 11th digit right, 12th wrong, and the other way round.
    ['123456789048', bad('INVALID_CHECKSUM')],
    ['123456789147', bad('INVALID_CHECKSUM')],
  ] as const)('%j → %j', (input, expected) => {
    expect(validateInn(input)).toEqual(expected);
  });
});

describe('validateKpp', () => {
  it.each([
    ['631101001', { ok: true, value: '631101001' }],
    ['773001001', { ok: true, value: '773001001' }],
    ['7730AB001', { ok: true, value: '7730AB001' }],
    ['7730ab001', { ok: true, value: '7730AB001' }],
    [' 6311 01 001 ', { ok: true, value: '631101001' }],
    ['6311-01-001', { ok: true, value: '631101001' }],
    ['6311АВ001', bad('INVALID_CHARACTERS')], // Cyrillic А and В look Latin but are not allowed
    ['6311_01001', bad('INVALID_CHARACTERS')],
    ['63110100', bad('INVALID_LENGTH')],
    ['6311010011', bad('INVALID_LENGTH')],
    ['', bad('INVALID_LENGTH')],
    ['A31101001', bad('INVALID_COMPONENT')],
    ['63110100Z', bad('INVALID_COMPONENT')],
  ] as const)('%j → %j', (input, expected) => {
    expect(validateKpp(input)).toEqual(expected);
  });
});

describe('validateOgrn / validateOgrnip', () => {
  it.each([
    [validateOgrn, '1027739552642', { ok: true, value: '1027739552642' }],
    [validateOgrn, ' 1 02 77 39 55264 2 ', { ok: true, value: '1027739552642' }],
    [validateOgrn, '102773955264O', bad('INVALID_CHARACTERS')], // letter O instead of zero
    [validateOgrn, '2027739552642', bad('INVALID_COMPONENT')],
    [validateOgrn, '385768585948949', bad('INVALID_LENGTH')], // an ОГРНИП is not an ОГРН
    [validateOgrnip, '385768585948949', { ok: true, value: '385768585948949' }],
    [validateOgrnip, '3857-6858-5948-949', { ok: true, value: '385768585948949' }],
    [validateOgrnip, '1027739552642', bad('INVALID_LENGTH')],
    [validateOgrnip, '485768585948949', bad('INVALID_COMPONENT')],
    [validateOgrnip, '38576858594894x', bad('INVALID_CHARACTERS')],
  ] as const)('%#: %s', (validate, input, expected) => {
    expect(validate(input)).toEqual(expected);
  });

  it('accepts an ОГРНИП whose remainder mod 13 is 10..12 (check digit = remainder mod 10)', () => {
    // python-stdnum compares str(n % 13) and would reject these; the decree says mod 13 mod 10.
    let found = 0;
    for (let record = 0; found < 3 && record < 1000; record++) {
      const first14 = '3040631' + String(record).padStart(7, '0');
      const remainder = Number(BigInt(first14) % 13n);
      if (remainder < 10) continue;
      found++;
      expect(validateOgrnip(first14 + (remainder % 10))).toEqual({
        ok: true,
        value: first14 + (remainder % 10),
      });
    }
    expect(found).toBe(3);
  });
});

// Oracle for properties: the raw weighted remainder (before "mod 10") of a 10-digit ИНН.
function inn10Remainder(inn: string): number {
  const w = [2, 4, 10, 3, 5, 9, 4, 6, 8];
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (w[i] as number) * Number(inn[i]);
  return sum % 11;
}

function replaceDigit(value: string, position: number, digit: number): string {
  return value.slice(0, position) + digit + value.slice(position + 1);
}

const seed = fc.integer({ min: 0, max: 0xffffffff });

describe('generators (properties)', () => {
  it('every generated value validates', () => {
    fc.assert(
      fc.property(seed, (s) => {
        const rng = createRng(s);
        expect(validateInn(generateInn10(rng)).ok).toBe(true);
        expect(validateInn(generateInn12(rng)).ok).toBe(true);
        expect(validateInn(generateInn10(rng, '6311')).ok).toBe(true);
        expect(validateInn(generateInn12(rng, '63')).ok).toBe(true);
        expect(validateOgrn(generateOgrn(rng)).ok).toBe(true);
        expect(validateOgrn(generateOgrn(rng, '63')).ok).toBe(true);
        expect(validateOgrnip(generateOgrnip(rng)).ok).toBe(true);
        expect(validateKpp(generateKpp(rng)).ok).toBe(true);
        expect(validateKpp(generateKpp(rng, '6311')).ok).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('generated values have the right shape', () => {
    const rng = createRng(7);
    expect(generateInn10(rng)).toMatch(/^\d{10}$/);
    expect(generateInn12(rng)).toMatch(/^\d{12}$/);
    expect(generateOgrn(rng)).toMatch(/^[15]\d{12}$/);
    expect(generateOgrnip(rng)).toMatch(/^3\d{14}$/);
    expect(generateKpp(rng)).toMatch(/^77\d{2}[\dA-Z]{2}\d{3}$/);
    expect(generateKpp(rng, '6311')).toMatch(/^6311/);
    expect(generateInn10(rng, '6316').slice(0, 4)).toBe('6316');
  });

  it('generators are deterministic for a seed', () => {
    const run = () => {
      const rng = createRng(123);
      return [
        generateInn10(rng),
        generateInn12(rng),
        generateOgrn(rng),
        generateOgrnip(rng),
        generateKpp(rng),
      ];
    };
    expect(run()).toEqual(run());
  });

  it('changing the check digit of a valid ИНН/ОГРН/ОГРНИП always breaks it', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 1, max: 9 }), (s, shift) => {
        const rng = createRng(s);
        const inn10 = generateInn10(rng);
        const inn12 = generateInn12(rng);
        const ogrn = generateOgrn(rng);
        const ogrnip = generateOgrnip(rng);
        const bump = (v: string, pos: number) => replaceDigit(v, pos, (Number(v[pos]) + shift) % 10);
        expect(validateInn(bump(inn10, 9))).toEqual(bad('INVALID_CHECKSUM'));
        expect(validateInn(bump(inn12, 10))).toEqual(bad('INVALID_CHECKSUM'));
        expect(validateInn(bump(inn12, 11))).toEqual(bad('INVALID_CHECKSUM'));
        expect(validateOgrn(bump(ogrn, 12))).toEqual(bad('INVALID_CHECKSUM'));
        expect(validateOgrnip(bump(ogrnip, 14))).toEqual(bad('INVALID_CHECKSUM'));
      }),
      { numRuns: 300 },
    );
  });

  it('changing one of the first 9 digits of a 10-digit ИНН breaks it unless the remainder swaps 0↔10', () => {
    // Weights 2..10 are coprime to 11, so the remainder mod 11 always changes; only the
    // final "mod 10" can hide that, when the remainders are exactly 0 and 10.
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 }), (s, pos, shift) => {
        const inn = generateInn10(createRng(s));
        const changed = replaceDigit(inn, pos, (Number(inn[pos]) + shift) % 10);
        const before = inn10Remainder(inn);
        const after = inn10Remainder(changed);
        expect(after).not.toBe(before);
        const masked = (before === 0 && after === 10) || (before === 10 && after === 0);
        expect(validateInn(changed).ok).toBe(masked);
      }),
      { numRuns: 1000 },
    );
  });

  it('most single-digit changes of a 10-digit ИНН are detected (> 85%)', () => {
    const rng = createRng(2024);
    let detected = 0;
    let total = 0;
    for (let n = 0; n < 300; n++) {
      const inn = generateInn10(rng);
      for (let pos = 0; pos < 10; pos++) {
        for (let shift = 1; shift <= 9; shift++) {
          total++;
          if (!validateInn(replaceDigit(inn, pos, (Number(inn[pos]) + shift) % 10)).ok) detected++;
        }
      }
    }
    expect(detected / total).toBeGreaterThan(0.85);
  });
});
