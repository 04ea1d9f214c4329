import { describe, expect, it } from 'vitest';
import { chanceLossOf, contextOf, diagnose } from '../../src/charts/diagnose.ts';
import type { EpochLog } from '../../src/training/types.ts';
import * as f from './fixtures.ts';

const only = (r: ReturnType<typeof f.linearHealthy>) => r.series[0];

describe('diagnose', () => {
  it.each([5, 12, 20])('finds overfitting starting at epoch %i', (k) => {
    const d = diagnose(only(f.overfitting(k, k + 20)));
    expect(d.kind).toBe('overfitting');
    expect(d.fromEpoch).toBe(k);
    expect(d.bestValEpoch).toBe(k);
    expect(d.finalValLoss!).toBeGreaterThan(d.bestValLoss!);
  });

  it('finds overfitting through epoch-to-epoch noise', () => {
    const r = f.rng(99);
    const k = 15;
    const h = f.history(40, {
      loss: f.decay(1, 0.05, 0.1),
      valLoss: (e) => (e <= k ? 0.3 + 0.7 * Math.exp(-0.25 * e) : 0.3 + 0.7 * Math.exp(-0.25 * k) + 0.01 * (e - k)) * (1 + 0.04 * (r() - 0.5)),
    });
    const d = diagnose(h);
    expect(d.kind).toBe('overfitting');
    expect(Math.abs(d.fromEpoch! - k)).toBeLessThanOrEqual(2);
  });

  it('calls a rise overfitting only when it shows on the chart’s axis or costs validation accuracy', () => {
    // mnist-like: lowest at epoch 10, then +1% an epoch on an axis that starts at 0.5: 4% of the axis after 20 epochs.
    const loss = f.decay(0.5, 0.001, 0.4);
    const valLoss = (e: number) => (e <= 10 ? 0.131 + 0.03 * (10 - e) : 0.131 * (1 + 0.01 * (e - 10)));
    const acc = (e: number) => Math.min(1, 0.85 + 0.02 * e);
    const flatAcc = (e: number) => (e <= 10 ? 0.93 + 0.003 * e : 0.963);
    const creeping = diagnose(f.history(30, { loss, valLoss, acc, valAcc: flatAcc }));
    expect(creeping.kind).toBe('stalled');
    expect(creeping.valStalledAt).toBe(10);
    // The same rise with validation accuracy falling by 3 points is overfitting.
    const falling = diagnose(f.history(30, { loss, valLoss, acc, valAcc: (e) => (e <= 10 ? 0.93 + 0.003 * e : 0.963 - 0.0015 * (e - 10)) }));
    expect(falling).toMatchObject({ kind: 'overfitting', fromEpoch: 10 });
    // A rise of a fifth of the axis is overfitting whatever the accuracy.
    const visible = diagnose(f.history(30, { loss, valLoss: (e) => (e <= 10 ? 0.131 + 0.03 * (10 - e) : 0.131 + 0.006 * (e - 10)) }));
    expect(visible).toMatchObject({ kind: 'overfitting', fromEpoch: 10 });
  });

  it('names where validation stopped improving and the generalization gap, judged against the seed spread', () => {
    const h = f.history(10, {
      loss: (e) => 0.5 / e,
      valLoss: (e) => (e <= 7 ? 0.26 - 0.017 * e : 0.141 - 0.003 * (e - 7)),
      acc: (e) => 0.85 + 0.015 * e,
      valAcc: (e) => (e <= 7 ? 0.93 + 0.004 * e : 0.958 + 0.001 * (e - 7)),
    });
    const d = diagnose(h, { accNoise: 0.004 });
    expect(d).toMatchObject({ kind: 'stalled', valStalledAt: 7, fromEpoch: 7, wideGap: true });
    expect(d.gap).toBeCloseTo(1 - 0.961, 3);
    // A gap no wider than seeds differ is not named.
    expect(diagnose(h, { accNoise: 0.03 }).wideGap).toBe(false);
  });

  it('does not call noise around a flat validation loss overfitting', () => {
    const r = f.rng(7);
    const h = f.history(40, { loss: f.decay(1, 0.1, 0.2), valLoss: (e) => f.decay(1, 0.15, 0.2)(e) * (1 + 0.03 * (r() - 0.5)) });
    expect(diagnose(h).kind).toBe('healthy');
  });

  it('does not call rising validation loss overfitting when the training loss rises too', () => {
    const h = f.history(30, { loss: (e) => (e < 10 ? 1 / e : 0.1 + 0.01 * (e - 10)), valLoss: (e) => (e < 10 ? 1.1 / e : 0.11 + 0.02 * (e - 10)) });
    expect(diagnose(h).kind).not.toBe('overfitting');
  });

  it('reports NaN as divergence from the first NaN epoch', () => {
    const d = diagnose(only(f.divergedNaN(7)));
    expect(d).toMatchObject({ kind: 'diverged', reason: 'nan', fromEpoch: 7 });
  });

  it('reports Infinity and a NaN stop without a NaN in the history', () => {
    const inf: EpochLog[] = [
      { epoch: 1, loss: 3, elapsedMs: 1 },
      { epoch: 2, loss: Number.POSITIVE_INFINITY, elapsedMs: 2 },
    ];
    expect(diagnose(inf)).toMatchObject({ kind: 'diverged', fromEpoch: 2 });
    const stoppedOnly = { history: [{ epoch: 1, loss: 5, elapsedMs: 1 }], stopped: { reason: 'nan' as const, epoch: 2 } };
    expect(diagnose(stoppedOnly)).toMatchObject({ kind: 'diverged', reason: 'nan', fromEpoch: 2 });
  });

  it('reports a loss that grows without reaching NaN as exploding', () => {
    const h = f.history(12, { loss: (e) => (e <= 3 ? 2 / e : 0.67 * 1.6 ** (e - 3)) });
    const d = diagnose(h);
    expect(d).toMatchObject({ kind: 'diverged', reason: 'exploding', fromEpoch: 4 });
  });

  // The shape of `train iris --lr 10`: the loss is already far above ln 3 after the first epoch,
  // rises a little and then freezes; the network is saturated and answers one class.
  const saturated = (epochs: number) =>
    f.history(epochs, { loss: (e) => (e === 1 ? 10.03 : 10.61), valLoss: () => 10.74, acc: (e) => (e === 1 ? 0.27 : 0.34), valAcc: () => 0.33 });
  const iris = { lossKind: 'categoricalCrossentropy', numClasses: 3 };

  it('knows the loss of a guessing model from the lesson context', () => {
    expect(chanceLossOf(iris)).toBeCloseTo(Math.log(3), 6);
    expect(chanceLossOf({ lossKind: 'binaryCrossentropy' })).toBeCloseTo(Math.log(2), 6);
    expect(chanceLossOf({ lossKind: 'meanSquaredError', numClasses: 3 })).toBeUndefined();
    expect(chanceLossOf(undefined)).toBeUndefined();
    expect(contextOf({ extras: { lossKind: 'categoricalCrossentropy', numClasses: 10, other: 1 } })).toEqual({ lossKind: 'categoricalCrossentropy', numClasses: 10 });
    expect(contextOf({ extras: { numClasses: 'ten' } })).toEqual({});
  });

  it('reads a loss that blew up inside the first epoch as divergence, not a plateau', () => {
    expect(diagnose(saturated(60), iris)).toMatchObject({ kind: 'diverged', reason: 'exploded-early', fromEpoch: 1 });
    // Even one or two epochs are enough once the guessing loss is known.
    expect(diagnose(saturated(1), iris)).toMatchObject({ kind: 'diverged', reason: 'exploded-early', fromEpoch: 1 });
    expect(diagnose(saturated(2), iris).kind).toBe('diverged');
    // Without the context, the risen-then-frozen loss gives it away.
    expect(diagnose(saturated(60))).toMatchObject({ kind: 'diverged', reason: 'exploded-early', fromEpoch: 2 });
  });

  it('does not call a classifier near its guessing loss diverged', () => {
    // A normal iris start (about ln 3) that learns, and one that stays at chance but keeps wiggling.
    expect(diagnose(only(f.cnnHealthy()), { lossKind: 'categoricalCrossentropy', numClasses: 10 }).kind).toBe('healthy');
    expect(diagnose(only(f.plateau()), iris).kind).toBe('plateau');
    const [perceptron] = f.xor().series;
    expect(diagnose(perceptron, { lossKind: 'binaryCrossentropy', numClasses: 2 }).kind).toBe('underfitting');
  });

  it('reads a saturated blow-up after a good start as exploding', () => {
    // Fine for 5 epochs, then the loss jumps to about 3x ln 3 and stays: less than the 3x-of-best rule needs.
    const h = f.history(20, { loss: (e) => (e <= 5 ? 1.1 - 0.1 * e : 3.3), acc: (e) => (e <= 5 ? 0.5 + 0.05 * e : 0.33) });
    expect(diagnose(h, iris)).toMatchObject({ kind: 'diverged', reason: 'exploding', fromEpoch: 6 });
  });

  it('finds a plateau when the loss barely moves', () => {
    const d = diagnose(only(f.plateau()));
    expect(d).toMatchObject({ kind: 'plateau', reason: 'no-progress', fromEpoch: 1 });
    expect(d.drop).toBeLessThan(0.05);
  });

  it('calls a flat curve with low training accuracy underfitting (the xor perceptron)', () => {
    const [perceptron, hidden] = f.xor().series;
    expect(diagnose(perceptron)).toMatchObject({ kind: 'underfitting', reason: 'low-accuracy' });
    expect(diagnose(perceptron).fromEpoch).toBeGreaterThan(1);
    expect(diagnose(hidden).kind).toBe('healthy');
  });

  it('calls a run that ends mid-descent underfitting (still falling)', () => {
    const d = diagnose(only(f.longStillFalling(400)));
    expect(d).toMatchObject({ kind: 'underfitting', reason: 'still-falling', stillImproving: true });
  });

  it('finds healthy runs and where they levelled off', () => {
    const d = diagnose(only(f.linearHealthy()));
    expect(d.kind).toBe('healthy');
    expect(d.flatFromEpoch).toBeGreaterThan(5);
    expect(d.flatFromEpoch).toBeLessThan(30);
    expect(diagnose(only(f.cnnHealthy())).kind).toBe('healthy');
  });

  it('does not judge a trend from one epoch, nor from none', () => {
    expect(diagnose(only(f.singleEpoch()))).toMatchObject({ kind: 'underfitting', reason: 'too-short', epochs: 1 });
    expect(diagnose([])).toMatchObject({ kind: 'underfitting', reason: 'no-epochs', epochs: 0 });
  });

  it('does not depend on the order the epochs were logged in', () => {
    const s = only(f.overfitting(9, 30));
    expect(diagnose([...s.history].reverse())).toMatchObject({ kind: 'overfitting', fromEpoch: 9 });
  });
});
