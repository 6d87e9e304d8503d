import { describe, expect, it } from 'vitest';
import { createRng, int } from '../demo/prng.ts';
import { orderTouches, TouchColumnsBuilder, timeThenIdOrder, touchAt, touchColumns } from './order.ts';

/** Records in the order timeThenIdOrder gives. */
const orderByTimeThenId = <T extends { at: number; id: number }>(xs: T[]): T[] =>
  Array.from(
    timeThenIdOrder(
      xs.map((x) => x.at),
      xs.map((x) => x.id),
      xs.length,
    ),
    (i) => xs[i]!,
  );

const byComparator = <T extends { at: number; id: number }>(xs: T[]) =>
  xs.slice().sort((a, b) => a.at - b.at || a.id - b.id);

describe('timeThenIdOrder', () => {
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

describe('touch columns', () => {
  const rows = [
    { id: 3, at: 200, clientId: 7, lineId: null, authorId: 2, outcome: 'reached' },
    { id: 1, at: 100, clientId: 8, lineId: 4, authorId: 5, outcome: null },
    { id: 2, at: 200, clientId: 9, lineId: 1, authorId: 2, outcome: 'meeting_held' },
  ];

  it('keep every field of every row, outcomes as codes into one table', () => {
    const c = touchColumns(rows);
    expect(c.length).toBe(3);
    expect(c.outcomes).toEqual([null, 'reached', 'meeting_held']);
    expect([0, 1, 2].map((i) => touchAt(c, i))).toEqual(rows);
  });

  it('are reordered by (at, id) when they are not in that order, and returned as they are when they are', () => {
    const ordered = orderTouches(touchColumns(rows));
    expect([0, 1, 2].map((i) => touchAt(ordered, i).id)).toEqual([1, 2, 3]);
    expect(orderTouches(ordered)).toBe(ordered);
  });

  it('the builder grows past its first capacity and builds in (at, id) order', () => {
    const b = new TouchColumnsBuilder();
    const n = 5_000;
    for (let i = 0; i < n; i++) b.push(n - i, 1_000 + (i % 7), i, null, 1, i % 2 ? 'reached' : null);
    const c = b.build();
    expect(c.length).toBe(n);
    for (let i = 1; i < n; i++) {
      const prev = touchAt(c, i - 1);
      const cur = touchAt(c, i);
      expect(prev.at < cur.at || (prev.at === cur.at && prev.id < cur.id)).toBe(true);
    }
    expect(new Set(Array.from(c.clientId)).size).toBe(n);
  });
});
