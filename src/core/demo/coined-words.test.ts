import { describe, expect, it } from 'vitest';
import { coinWord, uniqueCoinedWord } from './coined-words.ts';
import { createRng } from './prng.ts';

describe('coined company words', () => {
  it('are Cyrillic, capitalised, 9 letters on average and the same for the same seed', () => {
    const a = Array.from(
      { length: 2000 },
      (
        (rng) => () =>
          coinWord(rng)
      )(createRng(5)),
    );
    const b = Array.from(
      { length: 2000 },
      (
        (rng) => () =>
          coinWord(rng)
      )(createRng(5)),
    );
    expect(a).toEqual(b);
    for (const w of a) expect(w).toMatch(/^[А-ЯЁ][а-яё]{2,}$/u);
    const avg = a.reduce((s, w) => s + w.length, 0) / a.length;
    expect(avg).toBeGreaterThan(7.5);
    expect(avg).toBeLessThan(10.5);
    // No «шя», «чю», «жы»: Russian spelling after hushing consonants.
    expect(a.filter((w) => /[жшчц][яюыэ]/iu.test(w))).toEqual([]);
  });

  it('gives a new word per call across 100 000 draws, and most words are rare as prefixes', () => {
    const rng = createRng(9);
    const used = new Set<string>();
    for (let i = 0; i < 100_000; i++) uniqueCoinedWord(rng, used);
    expect(used.size).toBe(100_000);
    // The first five letters of a word are shared by few others: a realistic vocabulary.
    const byPrefix = new Map<string, number>();
    for (const w of used) byPrefix.set(w.slice(0, 5), (byPrefix.get(w.slice(0, 5)) ?? 0) + 1);
    const crowded = [...used].filter((w) => w.length > 5 && (byPrefix.get(w.slice(0, 5)) ?? 0) > 10).length;
    expect(crowded / used.size).toBeLessThan(0.2);
  });
});
