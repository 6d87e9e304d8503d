import type { SimTouch, SimTouchColumns } from './types.ts';

/**
 * The permutation that orders rows by (at, id) — epoch milliseconds, then a non-negative integer id —
 * from a least significant digit radix sort over 16-bit digits: five counting passes over typed arrays
 * instead of a comparator sort (a million touches: ~0.5 s with Array.prototype.sort and a comparator,
 * a few tens of milliseconds here). Stable, so equal (at, id) pairs keep their order.
 */
export function timeThenIdOrder(at: ArrayLike<number>, id: ArrayLike<number>, n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (n < 2) return order;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let maxId = 0;
  for (let i = 0; i < n; i++) {
    const a = at[i]!;
    const d = id[i]!;
    if (a < min) min = a;
    if (a > max) max = a;
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`timeThenIdOrder: id ${d}`);
    if (d > maxId) maxId = d;
  }
  const span = max - min;
  if (!Number.isInteger(span) || span >= 2 ** 48 || maxId >= 2 ** 32) {
    return order.sort((x, y) => at[x]! - at[y]! || id[x]! - id[y]!);
  }
  // The keys once, in typed arrays; then digits, least significant first: the id (two 16-bit
  // digits), then the time offset (three).
  const rel = new Float64Array(n);
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    rel[i] = at[i]! - min;
    ids[i] = id[i]!;
  }
  const digit: ((i: number) => number)[] = [];
  if (maxId > 0) digit.push((i) => ids[i]! & 0xffff);
  if (maxId >= 2 ** 16) digit.push((i) => ids[i]! >>> 16);
  if (span > 0) digit.push((i) => rel[i]! % 65536);
  if (span >= 2 ** 16) digit.push((i) => Math.floor(rel[i]! / 65536) % 65536);
  if (span >= 2 ** 32) digit.push((i) => Math.floor(rel[i]! / 2 ** 32));
  let cur = order;
  let next = new Uint32Array(n);
  const keys = new Uint16Array(n);
  const count = new Uint32Array(65536);
  for (const d of digit) {
    count.fill(0);
    for (let i = 0; i < n; i++) {
      const k = d(i);
      keys[i] = k;
      count[k]!++;
    }
    let sum = 0;
    for (let k = 0; k < 65536; k++) {
      const c = count[k]!;
      count[k] = sum;
      sum += c;
    }
    for (let j = 0; j < n; j++) {
      const i = cur[j]!;
      next[count[keys[i]!]!++] = i;
    }
    [cur, next] = [next, cur];
  }
  return cur;
}

/**
 * Touches gathered row by row into columns (SimTouchColumns). `build` returns them ordered by
 * (at, id), whatever order they were pushed in. Capacity doubles as rows come.
 */
export class TouchColumnsBuilder {
  private n = 0;
  private id = new Float64Array(1024);
  private at = new Float64Array(1024);
  private clientId = new Int32Array(1024);
  private lineId = new Int32Array(1024);
  private authorId = new Int32Array(1024);
  private outcome = new Uint16Array(1024);
  private readonly outcomes: (string | null)[] = [null];
  private readonly codes = new Map<string, number>();

  push(
    id: number,
    at: number,
    clientId: number,
    lineId: number | null,
    authorId: number,
    outcome: string | null,
  ) {
    if (this.n === this.id.length) this.grow();
    const i = this.n++;
    this.id[i] = id;
    this.at[i] = at;
    this.clientId[i] = clientId;
    this.lineId[i] = lineId ?? 0;
    this.authorId[i] = authorId;
    this.outcome[i] = outcome === null ? 0 : this.code(outcome);
  }

  /** The columns in the order rows were pushed. */
  columns(): SimTouchColumns {
    const n = this.n;
    return {
      length: n,
      id: this.id.slice(0, n),
      at: this.at.slice(0, n),
      clientId: this.clientId.slice(0, n),
      lineId: this.lineId.slice(0, n),
      authorId: this.authorId.slice(0, n),
      outcome: this.outcome.slice(0, n),
      outcomes: [...this.outcomes],
    };
  }

  /** The columns ordered by (at, id). */
  build(): SimTouchColumns {
    return orderTouches(this.columns());
  }

  private code(outcome: string): number {
    let c = this.codes.get(outcome);
    if (c === undefined) {
      c = this.outcomes.length;
      if (c > 0xffff) throw new RangeError('TouchColumnsBuilder: more than 65,535 distinct outcomes');
      this.outcomes.push(outcome);
      this.codes.set(outcome, c);
    }
    return c;
  }

  private grow() {
    const size = this.id.length * 2;
    const more = <A extends Float64Array | Int32Array | Uint16Array>(a: A, make: (n: number) => A): A => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.id = more(this.id, (k) => new Float64Array(k));
    this.at = more(this.at, (k) => new Float64Array(k));
    this.clientId = more(this.clientId, (k) => new Int32Array(k));
    this.lineId = more(this.lineId, (k) => new Int32Array(k));
    this.authorId = more(this.authorId, (k) => new Int32Array(k));
    this.outcome = more(this.outcome, (k) => new Uint16Array(k));
  }
}

/** Touch records as columns, in the order given (tests and small callers; the loader pushes rows itself). */
export function touchColumns(touches: readonly SimTouch[]): SimTouchColumns {
  const b = new TouchColumnsBuilder();
  for (const t of touches) b.push(t.id, t.at, t.clientId, t.lineId, t.authorId, t.outcome);
  return b.columns();
}

/** The row at index i as a record (tests, debugging). */
export function touchAt(t: SimTouchColumns, i: number): SimTouch {
  return {
    id: t.id[i]!,
    at: t.at[i]!,
    clientId: t.clientId[i]!,
    lineId: t.lineId[i] === 0 ? null : t.lineId[i]!,
    authorId: t.authorId[i]!,
    outcome: t.outcomes[t.outcome[i]!] ?? null,
  };
}

/** The columns themselves when already in (at, id) order (one pass), else a reordered copy. */
export function orderTouches(t: SimTouchColumns): SimTouchColumns {
  let ordered = true;
  for (let i = 1; i < t.length; i++) {
    const a = t.at[i - 1]!;
    const b = t.at[i]!;
    if (a > b || (a === b && t.id[i - 1]! > t.id[i]!)) {
      ordered = false;
      break;
    }
  }
  if (ordered) return t;
  const order = timeThenIdOrder(t.at, t.id, t.length);
  const gather = <A extends Float64Array | Int32Array | Uint16Array>(a: A, out: A): A => {
    for (let j = 0; j < order.length; j++) out[j] = a[order[j]!]!;
    return out;
  };
  const n = t.length;
  return {
    length: n,
    id: gather(t.id, new Float64Array(n)),
    at: gather(t.at, new Float64Array(n)),
    clientId: gather(t.clientId, new Int32Array(n)),
    lineId: gather(t.lineId, new Int32Array(n)),
    authorId: gather(t.authorId, new Int32Array(n)),
    outcome: gather(t.outcome, new Uint16Array(n)),
    outcomes: t.outcomes,
  };
}
