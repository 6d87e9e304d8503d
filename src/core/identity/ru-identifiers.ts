/**
 * Russian company and sole-trader identifiers: ИНН, КПП, ОГРН, ОГРНИП.
 * Validation rules follow /work/shared/data/README.md (python-stdnum, ФНС, Постановления
 * Правительства РФ № 438 and № 630). Pure: no I/O, no clock, randomness only through `rng`.
 */
import type { Rng } from '../demo/prng.ts';

export type IdentifierError =
  | 'INVALID_LENGTH'
  | 'INVALID_CHARACTERS'
  | 'INVALID_CHECKSUM'
  | 'INVALID_COMPONENT';
export type IdentifierResult = { ok: true; value: string } | { ok: false; error: IdentifierError };

const INN10_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8] as const;
const INN12_WEIGHTS_11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8] as const;
const INN12_WEIGHTS_12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8] as const;

// People paste identifiers with spaces, non-breaking spaces and assorted dashes; none carry meaning.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/g;

function normalize(value: string): string {
  return value.replace(SEPARATORS, '');
}

function fail(error: IdentifierError): IdentifierResult {
  return { ok: false, error };
}

function weightedCheckDigit(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += (weights[i] as number) * (digits.charCodeAt(i) - 48);
  return (sum % 11) % 10;
}

/** Remainder of a long decimal number by a small modulus, digit by digit, so no BigInt is needed. */
function decimalMod(digits: string, modulus: number): number {
  let r = 0;
  for (let i = 0; i < digits.length; i++) r = (r * 10 + (digits.charCodeAt(i) - 48)) % modulus;
  return r;
}

function inn10CheckDigit(first9: string): number {
  return weightedCheckDigit(first9, INN10_WEIGHTS);
}

function inn12CheckDigits(first10: string): string {
  const d11 = weightedCheckDigit(first10, INN12_WEIGHTS_11);
  const d12 = weightedCheckDigit(first10 + d11, INN12_WEIGHTS_12);
  return `${d11}${d12}`;
}

function ogrnCheckDigit(first12: string): number {
  return decimalMod(first12, 11) % 10;
}

// mod 13 mod 10 per Постановление № 630; python-stdnum's literal str(n % 13) check is wrong for 10..12.
function ogrnipCheckDigit(first14: string): number {
  return decimalMod(first14, 13) % 10;
}

/** ИНН of an organisation (10 digits) or of a person / ИП (12 digits). */
export function validateInn(value: string): IdentifierResult {
  const v = normalize(value);
  if (!/^\d*$/.test(v)) return fail('INVALID_CHARACTERS');
  if (v.length === 10) {
    return inn10CheckDigit(v) === v.charCodeAt(9) - 48 ? { ok: true, value: v } : fail('INVALID_CHECKSUM');
  }
  if (v.length === 12) {
    return inn12CheckDigits(v) === v.slice(10) ? { ok: true, value: v } : fail('INVALID_CHECKSUM');
  }
  return fail('INVALID_LENGTH');
}

/**
 * КПП: 4 digits (tax office), 2 reason characters (digits or, since 2013, Latin capitals), 3 digits.
 * It has no checksum. Lower-case letters are upper-cased because people type them that way.
 */
export function validateKpp(value: string): IdentifierResult {
  const v = normalize(value).toUpperCase();
  if (!/^[\dA-Z]*$/.test(v)) return fail('INVALID_CHARACTERS');
  if (v.length !== 9) return fail('INVALID_LENGTH');
  // Letters are allowed only in the reason code (positions 5–6).
  if (!/^\d{4}[\dA-Z]{2}\d{3}$/.test(v)) return fail('INVALID_COMPONENT');
  return { ok: true, value: v };
}

/** ОГРН of an organisation: 13 digits, starts with 1 or 5. */
export function validateOgrn(value: string): IdentifierResult {
  const v = normalize(value);
  if (!/^\d*$/.test(v)) return fail('INVALID_CHARACTERS');
  if (v.length !== 13) return fail('INVALID_LENGTH');
  if (v[0] !== '1' && v[0] !== '5') return fail('INVALID_COMPONENT');
  return ogrnCheckDigit(v.slice(0, 12)) === v.charCodeAt(12) - 48
    ? { ok: true, value: v }
    : fail('INVALID_CHECKSUM');
}

/** ОГРНИП of a sole trader: 15 digits, starts with 3. */
export function validateOgrnip(value: string): IdentifierResult {
  const v = normalize(value);
  if (!/^\d*$/.test(v)) return fail('INVALID_CHARACTERS');
  if (v.length !== 15) return fail('INVALID_LENGTH');
  if (v[0] !== '3') return fail('INVALID_COMPONENT');
  return ogrnipCheckDigit(v.slice(0, 14)) === v.charCodeAt(14) - 48
    ? { ok: true, value: v }
    : fail('INVALID_CHECKSUM');
}

// ---------------------------------------------------------------------------
// Generators for demo data. Deterministic given `rng`; they always return valid values.

function digits(rng: Rng, count: number): string {
  // At most 7 digits per draw keeps every value an exact integer in a double.
  let s = '';
  for (let left = count; left > 0; left -= 7) {
    const n = Math.min(7, left);
    s += String(Math.floor(rng() * 10 ** n)).padStart(n, '0');
  }
  return s;
}

/** A plausible region code 01..89, so generated numbers look like real ones. */
function regionCode(rng: Rng): string {
  return String(1 + Math.floor(rng() * 89)).padStart(2, '0');
}

/** Tax office code (4 digits): given as 4 digits, or as a 2-digit region plus a random office. */
function taxOffice(rng: Rng, prefix?: string): string {
  if (prefix === undefined) return regionCode(rng) + digits(rng, 2);
  if (/^\d{4}$/.test(prefix)) return prefix;
  if (/^\d{2}$/.test(prefix)) return prefix + digits(rng, 2);
  throw new RangeError(`tax office prefix must be 2 or 4 digits, got "${prefix}"`);
}

/** 10-digit ИНН of an organisation; `office` is a 2-digit region or 4-digit tax office code. */
export function generateInn10(rng: Rng, office?: string): string {
  const first9 = taxOffice(rng, office) + digits(rng, 5);
  return first9 + inn10CheckDigit(first9);
}

/** 12-digit ИНН of a person or ИП; `office` is a 2-digit region or 4-digit tax office code. */
export function generateInn12(rng: Rng, office?: string): string {
  const first10 = taxOffice(rng, office) + digits(rng, 6);
  return first10 + inn12CheckDigits(first10);
}

function twoDigitYear(rng: Rng): string {
  // Registrations since the ОГРН system started in 2002.
  return String(2 + Math.floor(rng() * 23)).padStart(2, '0');
}

function twoDigits(rng: Rng, code: string | undefined): string {
  if (code === undefined) return regionCode(rng);
  if (!/^\d{2}$/.test(code)) throw new RangeError(`region code must be 2 digits, got "${code}"`);
  return code;
}

/** ОГРН: sign (1, rarely 5), year, region, inspection, record number, check digit. */
export function generateOgrn(rng: Rng, region?: string): string {
  const sign = rng() < 0.9 ? '1' : '5';
  const first12 = sign + twoDigitYear(rng) + twoDigits(rng, region) + digits(rng, 7);
  return first12 + ogrnCheckDigit(first12);
}

/** ОГРНИП: sign 3, year, region, 9-digit record number, check digit. */
export function generateOgrnip(rng: Rng, region?: string): string {
  const first14 = '3' + twoDigitYear(rng) + twoDigits(rng, region) + digits(rng, 9);
  return first14 + ogrnipCheckDigit(first14);
}

const KPP_REASONS = ['01', '01', '01', '01', '01', '01', '43', '45', '50', 'AB'] as const;

/**
 * КПП: tax office + reason + sequence. `regionCode` is a 2-digit region (a random office
 * is added) or a full 4-digit tax office code, so a КПП can match its ИНН's office.
 */
export function generateKpp(rng: Rng, regionCode = '77'): string {
  const office = taxOffice(rng, regionCode);
  const reason = KPP_REASONS[Math.floor(rng() * KPP_REASONS.length)] as string;
  const seq = rng() < 0.9 ? '001' : `00${1 + Math.floor(rng() * 9)}`;
  return office + reason + seq;
}
