// A small seeded PRNG (mulberry32) so synthetic estates and injected faults are reproducible.

export type Random = () => number;

/** Returns a function giving floats in [0, 1), fully determined by the seed. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

export function hexDigits(random: Random, count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += Math.floor(random() * 16).toString(16);
  return s;
}
