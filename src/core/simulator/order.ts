/**
 * Order records by (at, id) — epoch milliseconds, then a non-negative integer id — with a least
 * significant digit radix sort over 16-bit digits: five counting passes over typed arrays instead of
 * a comparator sort (a million touches from the snapshot: ~0.5 s with Array.prototype.sort and a
 * comparator, a few tens of milliseconds here). Stable, so equal (at, id) pairs keep their order.
 */
export function orderByTimeThenId<T extends { at: number; id: number }>(items: T[]): T[] {
  const n = items.length;
  if (n < 2) return items.slice();
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let maxId = 0;
  for (const it of items) {
    if (it.at < min) min = it.at;
    if (it.at > max) max = it.at;
    if (!Number.isInteger(it.id) || it.id < 0) throw new RangeError(`orderByTimeThenId: id ${it.id}`);
    if (it.id > maxId) maxId = it.id;
  }
  const span = max - min;
  if (!Number.isInteger(span) || span >= 2 ** 48 || maxId >= 2 ** 32)
    return items.slice().sort((a, b) => a.at - b.at || a.id - b.id);
  // The keys once, in typed arrays; then digits, least significant first: the id (two 16-bit
  // digits), then the time offset (three).
  const rel = new Float64Array(n);
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    rel[i] = items[i]!.at - min;
    ids[i] = items[i]!.id;
  }
  const digit: ((i: number) => number)[] = [];
  if (maxId > 0) digit.push((i) => ids[i]! & 0xffff);
  if (maxId >= 2 ** 16) digit.push((i) => ids[i]! >>> 16);
  if (span > 0) digit.push((i) => rel[i]! % 65536);
  if (span >= 2 ** 16) digit.push((i) => Math.floor(rel[i]! / 65536) % 65536);
  if (span >= 2 ** 32) digit.push((i) => Math.floor(rel[i]! / 2 ** 32));
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
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
      const i = order[j]!;
      next[count[keys[i]!]!++] = i;
    }
    [order, next] = [next, order];
  }
  const out = new Array<T>(n);
  for (let j = 0; j < n; j++) out[j] = items[order[j]!]!;
  return out;
}
