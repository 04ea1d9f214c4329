import { describe, expect, it } from 'vitest';
import type { TrainResult } from '../../src/training/types.ts';
import {
  describeParams,
  duration,
  fmt,
  lessonTitle,
  paramFlag,
  paramKey,
  paramProblemText,
  pct,
  progressLine,
  summary,
} from '../../src/training/words.ts';

describe('fmt', () => {
  it('keeps three significant digits and switches to exponents only at the extremes', () => {
    expect(fmt(0.084213)).toBe('0.0842');
    expect(fmt(12.3456)).toBe('12.3');
    expect(fmt(4567.8)).toBe('4570');
    expect(fmt(4567)).toBe('4567');
    expect(fmt(0.0005)).toBe('0.0005');
    expect(fmt(0.00001)).toBe('1e-5');
    expect(fmt(1.0360726849349617e22)).toBe('1.04e+22');
    expect(fmt(0)).toBe('0');
  });

  it('names non-finite values instead of printing garbage', () => {
    expect(fmt(Number.NaN)).toBe('NaN');
    expect(fmt(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(fmt(undefined)).toBe('-');
    expect(pct(0.97123)).toBe('97.1%');
    expect(pct(Number.NaN)).toBe('-');
  });

  it('writes durations for people', () => {
    expect(duration(0.42, 'en')).toBe('0.4 s');
    expect(duration(42.4, 'ja')).toBe('42 秒');
    expect(duration(125, 'en')).toBe('2 min 05 s');
    expect(duration(Number.NaN, 'en')).toBe('-');
  });
});

describe('parameter names', () => {
  it('has one kebab-case name per parameter, and back', () => {
    expect(paramFlag('learningRate')).toBe('learning-rate');
    expect(paramFlag('hiddenUnits')).toBe('hidden-units');
    expect(paramFlag('epochs')).toBe('epochs');
    expect(paramKey('batch-size')).toBe('batchSize');
  });

  it('lists the usual parameters first, then the lesson’s own, in the asker’s language', () => {
    const p = { epochs: 50, learningRate: 0.01, batchSize: 32, optimizer: 'adam' as const, seed: 42, hiddenUnits: 4, filters: 8 };
    expect(describeParams(p, 'en')).toBe('epochs 50 · learning-rate 0.01 · batch-size 32 · optimizer adam · seed 42 · filters 8 · hidden-units 4');
    expect(describeParams(p, 'ja', undefined, { filters: { ja: 'フィルタ数', en: 'filters' } })).toBe(
      'エポック数 50・学習率 0.01・バッチサイズ 32・オプティマイザ adam・乱数シード 42・フィルタ数 8・隠れ層のユニット数 4',
    );
    expect(describeParams(p, 'en', [1, 2])).toContain('seed 1 / 2');
  });

  it('words a parameter problem with the name the person typed', () => {
    const problem = { kind: 'range' as const, lesson: 'mnist', param: 'learningRate', label: { ja: '学習率', en: 'learning rate' }, min: 0.00001, max: 10, integer: false, value: '"fast"' };
    expect(paramProblemText(problem).en).toBe('learning-rate (learning rate) must be a number from 1e-5 to 10 (got "fast").');
    expect(paramProblemText(problem, '--lr').ja).toBe('--lr（学習率）は 1e-5 から 10 までの数値で指定してください（指定された値: "fast"）。');
    const unknown = { kind: 'unknown' as const, lesson: 'linear', param: 'hiddenUnits', allowed: ['epochs', 'learningRate'] };
    expect(paramProblemText(unknown, '--hidden-units', (k) => `--${paramFlag(k)}`).en).toBe('Lesson linear has no parameter --hidden-units. It accepts --epochs, --learning-rate.');
  });
});

describe('run words', () => {
  const result = (over: Partial<TrainResult> = {}): TrainResult => ({
    lesson: 'linear',
    backend: 'wasm',
    mode: 'single',
    params: { epochs: 3, learningRate: 10, batchSize: 16, optimizer: 'sgd', seed: 1 },
    history: [],
    final: {},
    series: [
      {
        key: 'linear',
        label: { ja: '直線', en: 'line' },
        params: { epochs: 3, learningRate: 10, batchSize: 16, optimizer: 'sgd', seed: 1 },
        history: [],
        final: { loss: 1.0360726849349617e22, m: 123456789012, b: 0.9944 },
        stopped: { reason: 'nan', epoch: 3 },
      },
    ],
    seconds: 0.74,
    extras: { trueM: 2, trueB: 1 },
    ...over,
  });

  it('formats every number of the summary for people, whole or huge', () => {
    const en = summary(result(), 'en');
    expect(en).toContain('Lesson linear: 0.7 s (backend WebAssembly)');
    expect(en).toContain('loss 1.04e+22, m 1.23e+11, b 0.994');
    expect(en).not.toMatch(/\d{6,}/);
    expect(en).toContain('the loss became NaN');
    expect(summary(result(), 'ja')).toContain('本当の値: m = 2, b = 1');
  });

  it('takes the lesson’s title from the result, the id for results without one', () => {
    expect(lessonTitle(result({ about: { title: { ja: '直線', en: 'A line' }, loss: 'meanSquaredError', defaults: result().params } }), 'en')).toBe('A line');
    expect(lessonTitle(result(), 'ja')).toBe('linear');
  });

  it('names a series in the asked language in the progress line', () => {
    const e = { epoch: 2, totalEpochs: 5, loss: 0.123456, valLoss: 0.2, acc: 0.9, valAcc: 0.85, elapsedMs: 1500, series: 'seed-42', seriesIndex: 0, seriesCount: 2 };
    expect(progressLine({ ...e, seriesLabel: { ja: 'シード 42', en: 'seed 42' } }, 'ja')).toBe('[シード 42 1/2]  エポック 2/5  損失 0.123  検証損失 0.2  正解率 90.0%  検証正解率 85.0%  (1.5 秒)');
    expect(progressLine(e, 'en')).toBe('[seed-42 1/2]  epoch 2/5  loss 0.123  val loss 0.2  acc 90.0%  val acc 85.0%  (1.5 s)');
  });
});
