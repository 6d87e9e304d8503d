import { describe, expect, it } from 'vitest';
import { oneEdit, wordScore } from './lookup-rank.ts';

describe('oneEdit', () => {
  it.each([
    ['бобино', 'бобион', true], // neighbours swapped
    ['клитэнак', 'клитпэнак', true], // a letter dropped
    ['детлоиа', 'детлоика', true],
    ['сицекура', 'скицекура', true],
    ['электроцентр', 'электроцентрр', true], // a letter doubled
    ['бобино', 'шобино', true], // a letter changed
    ['бобино', 'бобино', false], // no edit
    ['бобино', 'бинобо', false],
    ['юникс', 'юниксов', false], // two letters apart
    ['абвгд', 'бавдг', false], // two swaps
  ])('%s → %s: %s', (a, b, want) => {
    expect(oneEdit(a, b)).toBe(want);
    expect(oneEdit(b, a)).toBe(want);
  });
});

describe('wordScore', () => {
  it('bridges scripts by the transliteration key, both ways', () => {
    expect(wordScore('unix', 'юникс', false)).toBe(0.9);
    expect(wordScore('юникс', 'unix', false)).toBe(0.9);
    expect(wordScore('elektro', 'электроцентр', true)).toBe(0.85);
  });

  it('does not count a same-script key collision as a match («бобино» and «бонэ» are both bn)', () => {
    expect(wordScore('бобино', 'бонэ', false)).toBeLessThan(0.35);
    expect(wordScore('сицекура', 'цикаро', false)).toBeLessThan(0.35);
  });

  it('scores a one-edit typo of a 5+ letter word at least 0.75, a shorter one by trigrams only', () => {
    expect(wordScore('бобино', 'бобион', false)).toBe(0.75);
    expect(wordScore('электорцентр', 'электроцентр', false)).toBeGreaterThanOrEqual(0.75);
    expect(wordScore('бета', 'бтеа', false)).toBeLessThan(0.75);
  });

  it('keeps exact words and typed prefixes above any typo', () => {
    expect(wordScore('юникс', 'юникс', false)).toBe(1);
    expect(wordScore('электроц', 'электроцентр', true)).toBeGreaterThan(0.9);
    expect(wordScore('электроц', 'электроцентр', false)).toBeLessThan(0.9);
  });
});
