import { describe, expect, it } from 'vitest';
import { createRng, deriveSeed, permutation } from '../../src/training/rng.ts';

describe('seeded generator', () => {
  it('repeats the same stream for the same seed and differs for another', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(sa);
    for (const v of sa) expect(v >= 0 && v < 1).toBe(true);
  });

  it('draws normal numbers with about the asked mean and spread', () => {
    const rng = createRng(7);
    const xs = Array.from({ length: 20000 }, () => rng.normal(3, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(3, 1);
    expect(sd).toBeCloseTo(2, 1);
  });

  it('shuffles into a permutation that depends on the seed', () => {
    const p = permutation(100, createRng(1));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...p]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...permutation(100, createRng(1))]).toEqual([...p]);
    expect([...permutation(100, createRng(2))]).not.toEqual([...p]);
  });

  it('derives independent seeds per purpose', () => {
    expect(deriveSeed(42, 'shuffle')).toBe(deriveSeed(42, 'shuffle'));
    expect(deriveSeed(42, 'shuffle')).not.toBe(deriveSeed(42, 'init:model'));
    expect(deriveSeed(42, 'shuffle')).not.toBe(deriveSeed(43, 'shuffle'));
  });
});
