/**
 * A tiny seeded PRNG for demo data and property tests.
 * mulberry32 is not cryptographic; it is used because it is fast, has a 32-bit state
 * that fits a CLI `--seed`, and gives the same sequence on every platform.
 */
export type Rng = () => number;

/** Returns a generator of floats in [0, 1), fully determined by `seed`. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [min, max], both ends inclusive. */
export function int(rng: Rng, min: number, max: number): number {
  if (max < min) throw new RangeError(`int: max ${max} < min ${min}`);
  return min + Math.floor(rng() * (max - min + 1));
}

/** One element of a non-empty array; an empty array is a programming error, hence the throw. */
export function pick<T>(rng: Rng, arr: readonly T[]): T {
  if (arr.length === 0) throw new RangeError('pick: empty array');
  return arr[Math.floor(rng() * arr.length)] as T;
}

/** True with probability `p`. */
export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}
