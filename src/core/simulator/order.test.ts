import { describe, expect, it } from 'vitest';
import { createRng, int } from '../demo/prng.ts';
import { orderByTimeThenId } from './order.ts';

const byComparator = <T extends { at: number; id: number }>(xs: T[]) =>
  xs.slice().sort((a, b) => a.at - b.at || a.id - b.id);

describe('orderByTimeThenId', () => {
  it('orders a year of touches exactly as the comparator does, ties on time broken by id', () => {
    const rng = createRng(3);
    const start = Date.UTC(2025, 5, 1);
    const xs = Array.from({ length: 50_000 }, (_, i) => ({
      // Whole minutes, so many touches share a millisecond; ids shuffled, some above 2^16.
      at: start + int(rng, 0, 365 * 24 * 60) * 60_000,
      id: (i * 7919) % 200_003,
      tag: i,
    }));
    expect(orderByTimeThenId(xs)).toEqual(byComparator(xs));
  });

  it('handles one or no item, a single instant, and equal pairs (stable)', () => {
    expect(orderByTimeThenId([])).toEqual([]);
    expect(orderByTimeThenId([{ at: 5, id: 1 }])).toEqual([{ at: 5, id: 1 }]);
    const same = [
      { at: 10, id: 3, tag: 'a' },
      { at: 10, id: 1, tag: 'b' },
      { at: 10, id: 3, tag: 'c' },
    ];
    expect(orderByTimeThenId(same).map((x) => x.tag)).toEqual(['b', 'a', 'c']);
  });

  it('falls back to the comparator for spans or ids beyond its digits', () => {
    const xs = [
      { at: 2 ** 50, id: 1 },
      { at: 0, id: 2 },
      { at: 5, id: 2 ** 33 },
      { at: 5, id: 7 },
    ];
    expect(orderByTimeThenId(xs)).toEqual(byComparator(xs));
  });

  it('rejects an id that is not a non-negative integer', () => {
    expect(() =>
      orderByTimeThenId([
        { at: 1, id: -1 },
        { at: 2, id: 3 },
      ]),
    ).toThrow(/id -1/);
  });
});
