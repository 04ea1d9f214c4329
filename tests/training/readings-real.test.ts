/**
 * The readings of REAL training runs (not hand-made histories): what a
 * participant sees after `train iris --epochs 200`, `train mnist --epochs 20`
 * or `train <lesson> --lr 10`. Epoch counts are kept as small as still shows
 * the effect, so the whole file stays short on a small machine.
 */
import { describe, expect, it } from 'vitest';
import { diagnoseRun, readRun } from '../../src/charts/reading.ts';
import type { Lang } from '../../src/core/lang.ts';
import { runTraining } from '../../src/training/run.ts';
import type { TrainResult } from '../../src/training/types.ts';
import { testConfig } from './support.ts';

const opts = { config: testConfig() };
const train = (lesson: string, params: Record<string, unknown>): Promise<TrainResult> =>
  runTraining({ lesson, params, mode: 'single', lang: 'en' }, {}, opts);

/** Advice that would make a blown-up run worse. */
const RAISE_LR: Record<Lang, RegExp> = { en: /higher learning rate/i, ja: /学習率を(少し)?上げ/ };

describe('readings of real runs', () => {
  it('reads iris --epochs 200 as overfitting and names the epoch to stop at', async () => {
    const result = await train('iris', { epochs: 200 });
    const [{ diagnosis }] = diagnoseRun(result);
    expect(diagnosis.kind).toBe('overfitting');
    const from = diagnosis.fromEpoch!;
    expect(from).toBeGreaterThan(1);
    expect(from).toBeLessThan(200);
    // The named epoch is where the validation loss was lowest in the real history.
    const vals = result.history.map((h) => h.valLoss!);
    expect(vals[from - 1]).toBeLessThan(vals[vals.length - 1]);
    expect(readRun(result, 'en')).toContain(`epoch ${from}`);
    expect(readRun(result, 'en')).toMatch(/overfitting/);
    expect(readRun(result, 'ja')).toContain(`エポック ${from}`);
    expect(readRun(result, 'ja')).toContain('過学習');
  });

  it('reads mnist --epochs 20 as overfitting (validation loss turns up after about epoch 10)', async () => {
    const result = await train('mnist', { epochs: 20 });
    const [{ diagnosis }] = diagnoseRun(result);
    expect(diagnosis.kind).toBe('overfitting');
    expect(diagnosis.fromEpoch).toBeGreaterThanOrEqual(5);
    expect(diagnosis.fromEpoch).toBeLessThanOrEqual(15);
    expect(readRun(result, 'en')).toContain(`Stop around epoch ${diagnosis.fromEpoch}`);
    expect(readRun(result, 'ja')).toContain(`エポック ${diagnosis.fromEpoch} あたりで止める`);
  });

  // Few epochs each: a learning rate of 10 wrecks every lesson within its first epoch or two.
  it.each([
    ['linear', { learningRate: 10, epochs: 5 }],
    ['xor', { learningRate: 10, epochs: 20 }],
    ['iris', { learningRate: 10, epochs: 10 }],
    ['mnist', { learningRate: 10, epochs: 2 }],
    ['cnn', { learningRate: 10, epochs: 1 }],
  ])('reads %s --lr 10 as divergence in both languages, with no advice to raise the rate', async (lesson, params) => {
    const result = await train(lesson, params);
    for (const { diagnosis } of diagnoseRun(result)) expect(diagnosis.kind).toBe('diverged');
    const en = readRun(result, 'en');
    const ja = readRun(result, 'ja');
    expect(en).toMatch(/learning rate 10 is too high/);
    expect(en).toMatch(/10 times smaller/);
    expect(ja).toContain('発散');
    expect(ja).toContain('10 分の 1');
    expect(en).not.toMatch(RAISE_LR.en);
    expect(ja).not.toMatch(RAISE_LR.ja);
    expect(en).not.toMatch(/barely moved|plateau/i);
  });
});
