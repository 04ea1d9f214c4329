/**
 * The readings of REAL training runs, trained here (the recorded table is in
 * tests/fixtures/runs): what a participant sees after `train iris --epochs
 * 200`, `train mnist` or `train <lesson> --lr 10`. Epoch counts are kept as
 * small as still shows the effect, so the whole file stays short on a small machine.
 */
import { describe, expect, it } from 'vitest';
import { chartMarks } from '../../src/charts/loss-chart.ts';
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
  it('reads iris --epochs 200 as a validation curve that stopped improving, not as overfitting (the rise is too small to see)', async () => {
    const result = await train('iris', { epochs: 200 });
    const [{ diagnosis }] = diagnoseRun(result);
    expect(diagnosis.kind).not.toBe('overfitting');
    expect(diagnosis.valStalledAt).toBeGreaterThan(20);
    const en = readRun(result, 'en');
    expect(en).toContain(`Validation stopped improving at epoch ${diagnosis.valStalledAt}: more epochs will not help`);
    expect(en).not.toMatch(/overfitting/);
    expect(readRun(result, 'ja')).toContain(`エポック ${diagnosis.valStalledAt} から良くなっていません`);
    expect(chartMarks(result, 'en').markers.map((m) => m.epoch)).toContain(diagnosis.valStalledAt);
  });

  it('reads mnist with its defaults as validation stopped at epoch 7 with a generalization gap, never "more epochs would help"', async () => {
    const result = await train('mnist', {});
    const [{ diagnosis }] = diagnoseRun(result);
    expect(diagnosis).toMatchObject({ kind: 'stalled', wideGap: true });
    const en = readRun(result, 'en');
    expect(en).toContain(`Validation stopped improving at epoch ${diagnosis.valStalledAt}: more epochs will not help; this is where early stopping would stop`);
    expect(en).toMatch(/generalization gap of \d\.\d points/);
    expect(en).not.toMatch(/more epochs would|may improve/i);
    expect(readRun(result, 'ja')).toContain('汎化ギャップ');
  });

  // Few epochs each: a learning rate of 10 wrecks every lesson within its first epoch or two.
  it.each([
    ['linear', { learningRate: 10, epochs: 5 }, 0.1],
    ['xor', { learningRate: 10, epochs: 20 }, 0.05],
    ['iris', { learningRate: 10, epochs: 10 }, 0.01],
    ['mnist', { learningRate: 10, epochs: 2 }, 0.002],
    ['cnn', { learningRate: 10, epochs: 1 }, 0.003],
  ])('reads %s --lr 10 as divergence and suggests the rate the lesson trains with', async (lesson, params, known) => {
    const result = await train(lesson, params);
    for (const { diagnosis } of diagnoseRun(result)) expect(diagnosis.kind).toBe('diverged');
    const en = readRun(result, 'en');
    const ja = readRun(result, 'ja');
    expect(en).toMatch(/learning rate 10 is too high/);
    expect(en).toContain(`try --learning-rate ${known}`);
    expect(en).not.toMatch(/10 times smaller|\(1\)/);
    expect(ja).toContain('発散');
    expect(ja).toContain(`--learning-rate ${known}`);
    expect(en).not.toMatch(RAISE_LR.en);
    expect(ja).not.toMatch(RAISE_LR.ja);
    expect(en).not.toMatch(/barely moved|plateau/i);
  });
});
