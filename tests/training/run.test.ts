/**
 * runTraining end to end on the small lessons: determinism, seeds, the NaN
 * stop, cancellation, compare-seed, xor's two models and the errors a person
 * can cause. (The slow default runs of mnist and cnn are in acceptance.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { runTraining, trainThreads, wasCancelled } from '../../src/training/run.ts';
import { loadTf } from '../../src/training/tf.ts';
import type { EpochEvent, TrainRequest } from '../../src/training/types.ts';
import { testConfig, withoutTimes } from './support.ts';

const config = testConfig();
const opts = { config };
const req = (lesson: string, params: Record<string, unknown> = {}, mode: TrainRequest['mode'] = 'single'): TrainRequest => ({
  lesson,
  params,
  mode,
  lang: 'en',
});

describe('runTraining', () => {
  it('gives an identical history for the same lesson, parameters and seed', async () => {
    const a = await runTraining(req('iris', { epochs: 8, seed: 5 }), {}, opts);
    const b = await runTraining(req('iris', { epochs: 8, seed: 5 }), {}, opts);
    expect(a.history).toHaveLength(8);
    expect(withoutTimes(b.history)).toEqual(withoutTimes(a.history));
    expect(b.final).toEqual(a.final);
    // The seed drives both the initial weights and the shuffling: the same seed
    // with a different batch size (another shuffle use) must still be repeatable.
    const c = await runTraining(req('linear', { epochs: 5, seed: 9, optimizer: 'adam' }), {}, opts);
    const d = await runTraining(req('linear', { epochs: 5, seed: 9, optimizer: 'adam' }), {}, opts);
    expect(withoutTimes(d.history)).toEqual(withoutTimes(c.history));
  });

  it('gives different curves for different seeds', async () => {
    const a = await runTraining(req('iris', { epochs: 5, seed: 1 }), {}, opts);
    const b = await runTraining(req('iris', { epochs: 5, seed: 2 }), {}, opts);
    expect(b.history.map((h) => h.loss)).not.toEqual(a.history.map((h) => h.loss));
  });

  it('names the backend it trained on and emits one progress event per epoch', async () => {
    const { backend } = await loadTf(config.training.backend);
    const events: EpochEvent[] = [];
    const r = await runTraining(req('linear', { epochs: 4 }), { onEpoch: (e) => events.push(e) }, opts);
    expect(r.backend).toBe(backend);
    expect(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).toContain(r.backend);
    expect(events.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(events[3]).toMatchObject({ series: 'linear', seriesIndex: 0, seriesCount: 1, totalEpochs: 4, loss: r.history[3].loss });
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.mode).toBe('single');
    expect(r.params).toMatchObject({ epochs: 4, learningRate: 0.1, optimizer: 'sgd', seed: 42 });
  });

  it('linear learns m and b close to the true ones and reports both', async () => {
    const r = await runTraining(req('linear'), {}, opts);
    expect(r.extras).toMatchObject({ trueM: 2, trueB: 1 });
    expect(r.final.m).toBeCloseTo(2, 1);
    expect(r.final.b).toBeCloseTo(1, 1);
    expect(r.extras?.m).toBe(r.final.m);
    expect(r.final.loss).toBeLessThan(r.history[0].loss);
    expect(r.series[0].stopped).toBeUndefined();
  });

  it('stops when the loss becomes NaN or infinite and marks the series', async () => {
    const events: EpochEvent[] = [];
    const r = await runTraining(req('linear', { learningRate: 10, epochs: 50 }), { onEpoch: (e) => events.push(e) }, opts);
    const s = r.series[0];
    expect(s.stopped?.reason).toBe('nan');
    expect(s.stopped!.epoch).toBeLessThan(50);
    expect(s.history.length).toBe(s.stopped!.epoch - 1);
    for (const h of s.history) expect(Number.isFinite(h.loss)).toBe(true);
    expect(events.length).toBe(s.history.length);
    // JSON-safe: nothing turns into null on the way to a worker's parent.
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(wasCancelled(r)).toBe(false);
  });

  it('xor: the perceptron stays near guessing, the hidden layer gets everything right', async () => {
    const r = await runTraining(req('xor'), {}, opts);
    expect(r.series.map((s) => s.key)).toEqual(['perceptron', 'hidden']);
    const [perceptron, hidden] = r.series;
    expect(perceptron.final.acc).toBeLessThanOrEqual(0.6);
    expect(perceptron.final.acc).toBeGreaterThanOrEqual(0.4);
    expect(perceptron.final.valAcc).toBeLessThanOrEqual(0.6);
    expect(perceptron.final.loss).toBeGreaterThan(0.6);
    expect(hidden.final.acc).toBe(1);
    expect(hidden.final.valAcc).toBe(1);
    expect(hidden.params.hiddenUnits).toBe(4);
    expect(r.history).toEqual(perceptron.history);
  });

  it('compare-seed trains the given seed and the next one, or an explicit second seed', async () => {
    const r = await runTraining(req('iris', { epochs: 4, seed: 10 }, 'compare-seed'), {}, opts);
    expect(r.mode).toBe('compare-seed');
    expect(r.series.map((s) => s.params.seed)).toEqual([10, 11]);
    expect(r.series.map((s) => s.key)).toEqual(['seed-10', 'seed-11']);
    expect(r.series[0].label).toEqual({ ja: 'シード 10', en: 'seed 10' });
    expect(r.series[1].history.map((h) => h.loss)).not.toEqual(r.series[0].history.map((h) => h.loss));
    const single = await runTraining(req('iris', { epochs: 4, seed: 11 }), {}, opts);
    expect(withoutTimes(r.series[1].history)).toEqual(withoutTimes(single.history));

    const x = await runTraining(req('iris', { epochs: 2, seed: 10, compareSeed: 99 }, 'compare-seed'), {}, opts);
    expect(x.series.map((s) => s.params.seed)).toEqual([10, 99]);
    expect(x.params).not.toHaveProperty('compareSeed');
  });

  it('stops between batches when the signal aborts, and marks the result cancelled', async () => {
    // A signal that reads aborted from its 40th look on: the trainer looks between batches (and at
    // each epoch's start), so with batch size 1 (160 batches an epoch) it stops inside the first epoch,
    // however fast an epoch is.
    let looks = 0;
    const signal = {
      get aborted() {
        return ++looks >= 40;
      },
      reason: undefined,
    } as unknown as AbortSignal;
    const r = await runTraining(req('linear', { epochs: 200, batchSize: 1 }), { signal }, opts);
    expect(r.series[0].stopped).toEqual({ reason: 'cancelled', epoch: 1 });
    expect(r.history).toEqual([]);
    expect(wasCancelled(r)).toBe(true);
  });

  it('stops a run when its signal is aborted while it trains', async () => {
    const controller = new AbortController();
    const r = await runTraining(
      req('linear', { epochs: 200, batchSize: 1 }),
      { onEpoch: (e) => void (e.epoch === 2 && setTimeout(() => controller.abort(), 5)), signal: controller.signal },
      opts,
    );
    expect(r.series[0].stopped).toEqual({ reason: 'cancelled', epoch: r.history.length + 1 });
    expect(r.history.length).toBeGreaterThanOrEqual(2);
    expect(r.history.length).toBeLessThan(200);
    expect(wasCancelled(r)).toBe(true);
  });

  it('does not start when the signal is already aborted, and tells a timeout apart', async () => {
    const r = await runTraining(req('xor'), { signal: AbortSignal.abort() }, opts);
    expect(r.series).toHaveLength(1);
    expect(r.series[0].stopped).toEqual({ reason: 'cancelled', epoch: 1 });
    expect(r.history).toEqual([]);
    const t = await runTraining(req('linear', { epochs: 5 }), { signal: AbortSignal.abort(new DOMException('late', 'TimeoutError')) }, opts);
    expect(t.series[0].stopped?.reason).toBe('timeout');
  });

  it('leaves no tensors behind, finished, stopped or cancelled', async () => {
    const { tf } = await loadTf(config.training.backend);
    const before = tf.memory().numTensors;
    await runTraining(req('xor', { epochs: 2 }, 'compare-seed'), {}, opts);
    await runTraining(req('linear', { learningRate: 10 }), {}, opts);
    await runTraining(req('iris'), { signal: AbortSignal.abort() }, opts);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad requests with UserErrors before training', async () => {
    await expect(runTraining(req('nope'), {}, opts)).rejects.toBeInstanceOf(UserError);
    await expect(runTraining(req('linear', { epochs: 0 }), {}, opts)).rejects.toThrow(/epochs .*from 1 to 200/);
    await expect(runTraining(req('linear', { lr: 0.1 }), {}, opts)).rejects.toThrow(/Lesson linear has no parameter lr\./);
    await expect(runTraining({ ...req('linear'), mode: 'both' as TrainRequest['mode'] }, {}, opts)).rejects.toThrow(/Unknown mode/);
  });
});

describe('trainThreads', () => {
  it('takes the configured count, or two when the cores are at least twice the runs at once', () => {
    const t = testConfig().training;
    expect(trainThreads({ ...t, trainThreads: 1 }, 8)).toBe(1);
    expect(trainThreads({ ...t, trainThreads: 2 }, 1)).toBe(2);
    expect(trainThreads({ ...t, trainThreads: 0, concurrency: 1 }, 2)).toBe(2);
    expect(trainThreads({ ...t, trainThreads: 0, concurrency: 2 }, 2)).toBe(1);
    expect(trainThreads({ ...t, trainThreads: 0, concurrency: 1 }, 1)).toBe(1);
  });
});
