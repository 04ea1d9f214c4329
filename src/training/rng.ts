/**
 * A small seeded pseudo-random generator (mulberry32) and the helpers the
 * lessons and the trainer need: uniform and normal numbers, shuffling, and
 * derived seeds for weight initialisers. Everything random in a training run
 * comes from here or from a TensorFlow.js initialiser given one of its seeds,
 * so the same seed gives the same run.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Standard normal (Box-Muller), scaled by `std` around `mean`. */
  normal(mean?: number, std?: number): number;
  /** A fresh 31-bit integer, e.g. the seed of one layer's initialiser. */
  int31(): number;
}

/** mulberry32: 32 bits of state, fast, and good enough for shuffling and noise. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let spare: number | undefined;
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    normal(mean = 0, std = 1) {
      if (spare !== undefined) {
        const z = spare;
        spare = undefined;
        return mean + std * z;
      }
      // 1 - next() is in (0, 1], so the logarithm is finite.
      const r = Math.sqrt(-2 * Math.log(1 - next()));
      const theta = 2 * Math.PI * next();
      spare = r * Math.sin(theta);
      return mean + std * r * Math.cos(theta);
    },
    int31: () => Math.floor(next() * 0x7fffffff),
  };
}

/** Fisher-Yates shuffle of `0..n-1`, driven by `rng`. */
export function permutation(n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/**
 * Mixes a run seed with a purpose tag so that, e.g., the shuffling stream and
 * the initialiser stream of one run are independent of each other.
 */
export function deriveSeed(seed: number, tag: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < tag.length; i++) {
    h = Math.imul(h ^ tag.charCodeAt(i), 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}
