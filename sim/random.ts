// Seeded PRNG (mulberry32) so random tests reproduce: print the seed, rerun with SEED=n.

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const testSeed = (): number =>
  process.env.SEED ? Number(process.env.SEED) : Math.floor(Math.random() * 2 ** 31);

export function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)]!;
}
