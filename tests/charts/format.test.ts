import { describe, expect, it } from 'vitest';
import { describeParams, fmt, lessonName, pct } from '../../src/charts/format.ts';
import { params } from './fixtures.ts';

describe('fmt', () => {
  it('keeps three significant digits and switches to exponents only at the extremes', () => {
    expect(fmt(0.084213)).toBe('0.0842');
    expect(fmt(12.3456)).toBe('12.3');
    expect(fmt(4567)).toBe('4570');
    expect(fmt(0.0005)).toBe('0.0005');
    expect(fmt(0.00001)).toBe('1e-5');
    expect(fmt(1.48e16)).toBe('1.48e16');
    expect(fmt(0)).toBe('0');
  });

  it('names non-finite values instead of printing garbage', () => {
    expect(fmt(Number.NaN)).toBe('NaN');
    expect(fmt(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(fmt(undefined)).toBe('-');
    expect(pct(0.97123)).toBe('97.1%');
    expect(pct(Number.NaN)).toBe('-');
  });
});

describe('describeParams', () => {
  it('lists the usual parameters first, then the lesson’s own, in the asker’s language', () => {
    const p = { ...params({ epochs: 50, learningRate: 0.01 }), hiddenUnits: 4 };
    expect(describeParams(p, 'en')).toBe('epochs 50 · learning rate 0.01 · batch 32 · optimizer adam · seed 42 · hidden units 4');
    expect(describeParams(p, 'ja')).toBe('エポック 50・学習率 0.01・バッチ 32・最適化 adam・シード 42・隠れユニット 4');
  });

  it('shows every seed of a compare-seed run', () => {
    expect(describeParams(params(), 'en', [1, 2])).toContain('seed 1 / 2');
  });
});

describe('lessonName', () => {
  it('prefers the lesson’s own title, then a known name, then the id', () => {
    expect(lessonName({ lesson: 'xor', extras: { title: { ja: 'ゼロから XOR', en: 'XOR from scratch' } } }, 'en')).toBe('XOR from scratch');
    expect(lessonName({ lesson: 'linear' }, 'ja')).toBe('線形回帰 y = mx + b');
    expect(lessonName({ lesson: 'my-new-lesson' }, 'en')).toBe('my-new-lesson');
  });
});
