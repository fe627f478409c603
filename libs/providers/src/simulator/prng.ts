/**
 * Small seeded pseudo-random generators: a string hash to derive seeds (cyrb53, folded to 32 bits)
 * and mulberry32 for the sequence. Both are fast, dependency-free and stable across platforms, so
 * the same seed gives the same sequence everywhere.
 */

export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** integer uniform in [min, max] (both inclusive) */
  int(min: number, max: number): number;
  /** one element of a non-empty list */
  pick<T>(items: readonly T[]): T;
  /** true with probability p */
  chance(p: number): boolean;
  /** `length` lowercase hex digits */
  hex(length: number): string;
}

/** Hashes `text` into an unsigned 32-bit integer; `seed` chains hashes of several parts. */
export function hashString(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ (h2 >>> 1) ^ Math.imul(text.length, 0x9e3779b1)) >>> 0;
}

/** mulberry32: a 32-bit state generator, plenty for text and fault draws. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
    hex: (length) => {
      let out = '';
      while (out.length < length) {
        out += Math.floor(next() * 4294967296)
          .toString(16)
          .padStart(8, '0');
      }
      return out.slice(0, length);
    },
  };
}
