/**
 * Training results shaped like each lesson's, with curves built to show one
 * diagnosis each. Deterministic: a small LCG adds the wiggle real curves have.
 */
import type { EpochLog, LessonFacts, Series, TrainParams, TrainResult } from '../../src/training/types.ts';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function params(over: Partial<TrainParams> = {}): TrainParams {
  return { epochs: 30, learningRate: 0.01, batchSize: 32, optimizer: 'adam', seed: 42, ...over } as TrainParams;
}

type Curve = (epoch: number) => number;

export function history(epochs: number, curves: { loss: Curve; valLoss?: Curve; acc?: Curve; valAcc?: Curve }): EpochLog[] {
  const out: EpochLog[] = [];
  for (let e = 1; e <= epochs; e++) {
    const log: EpochLog = { epoch: e, loss: curves.loss(e), elapsedMs: e * 120 };
    if (curves.valLoss) log.valLoss = curves.valLoss(e);
    if (curves.acc) log.acc = curves.acc(e);
    if (curves.valAcc) log.valAcc = curves.valAcc(e);
    out.push(log);
  }
  return out;
}

export function series(key: string, label: [string, string], p: TrainParams, h: EpochLog[], extra: Partial<Series> = {}): Series {
  const last = h[h.length - 1];
  const final: Record<string, number> = {};
  if (last) {
    for (const k of ['loss', 'valLoss', 'acc', 'valAcc'] as const) if (last[k] !== undefined) final[k] = last[k] as number;
  }
  return { key, label: { ja: label[0], en: label[1] }, params: p, history: h, ...extra, final: { ...final, ...(extra.final ?? {}) } };
}

export function result(lesson: string, all: Series[], over: Partial<TrainResult> = {}): TrainResult {
  const first = all[0];
  return {
    lesson,
    backend: 'tensorflow',
    mode: 'single',
    params: first.params,
    history: first.history,
    final: first.final,
    series: all,
    seconds: 4.2,
    ...over,
  };
}

/** A decaying curve from `start` to `end` with rate `k` per epoch, plus relative noise. */
export function decay(start: number, end: number, k: number, noise = 0, seed = 1): Curve {
  const r = rng(seed);
  const cache = new Map<number, number>();
  return (e) => {
    if (!cache.has(e)) cache.set(e, end + (start - end) * Math.exp(-k * (e - 1)) * (1 + noise * (r() - 0.5)));
    return cache.get(e)!;
  };
}

/** Linear: loss only, healthy, learned m and b next to the true ones. */
export function linearHealthy(): TrainResult {
  const p = params({ epochs: 60, learningRate: 0.05, optimizer: 'sgd', batchSize: 16 });
  const h = history(60, { loss: decay(42, 0.24, 0.18, 0.04, 3) });
  return result('linear', [series('linear', ['線形モデル', 'linear model'], p, h, { final: { m: 2.01, b: 0.97 } })], {
    extras: { trueM: 2, trueB: 1 },
  });
}

/** Overfitting from epoch `k`: validation loss lowest at k, rising after, training loss still falling. */
export function overfitting(k = 12, epochs = 40): TrainResult {
  const p = params({ epochs, learningRate: 0.001 });
  const h = history(epochs, {
    loss: decay(1.2, 0.02, 0.12),
    valLoss: (e) => (e <= k ? 0.25 + 0.95 * Math.exp(-0.3 * (e - 1)) - 0.0001 * e + 0.01 * (k - e) : 0.25 + 0.95 * Math.exp(-0.3 * (k - 1)) - 0.0001 * k + 0.012 * (e - k)),
    acc: (e) => Math.min(0.999, 0.6 + 0.4 * (1 - Math.exp(-0.15 * e))),
    valAcc: (e) => (e <= k ? 0.6 + 0.3 * (1 - Math.exp(-0.3 * e)) : 0.6 + 0.3 * (1 - Math.exp(-0.3 * k)) - 0.002 * (e - k)),
  });
  return result('mnist', [series('mnist', ['全結合', 'dense'], p, h)]);
}

/** Diverges: the loss grows and becomes NaN at epoch `nanAt`; the run stopped there. */
export function divergedNaN(nanAt = 7): TrainResult {
  const p = params({ epochs: 50, learningRate: 0.5, optimizer: 'sgd' });
  const h = history(nanAt, { loss: (e) => (e >= nanAt ? Number.NaN : 30 * 10 ** (e * 1.5)) });
  return result('linear', [series('linear', ['線形モデル', 'linear model'], p, h, { stopped: { reason: 'nan', epoch: nanAt } })]);
}

/** Barely moves: learning rate far too small. */
export function plateau(): TrainResult {
  const p = params({ epochs: 30, learningRate: 0.00001 });
  const h = history(30, {
    loss: decay(1.1, 1.08, 0.05, 0.01, 5),
    valLoss: decay(1.12, 1.1, 0.05, 0.01, 6),
    acc: (e) => 0.33 + 0.0005 * e,
    valAcc: (e) => 0.32 + 0.0004 * e,
  });
  return result('iris', [series('iris', ['iris', 'iris'], p, h)]);
}

/** Healthy classifier with train and validation (CNN). */
export function cnnHealthy(epochs = 12): TrainResult {
  const p = params({ epochs, learningRate: 0.001, batchSize: 64 });
  const h = history(epochs, {
    loss: decay(0.9, 0.04, 0.45, 0.03, 7),
    valLoss: decay(0.5, 0.06, 0.45, 0.05, 8),
    acc: (e) => 0.99 - 0.25 * Math.exp(-0.5 * (e - 1)),
    valAcc: (e) => 0.985 - 0.15 * Math.exp(-0.5 * (e - 1)),
  });
  return result('cnn', [series('cnn', ['CNN', 'CNN'], p, h)], { backend: 'tensorflow-gpu', seconds: 38.4 });
}

/** xor: a perceptron stuck near 0.69 / 50-75% and a hidden-layer model that solves it. */
export function xor(epochs = 200): TrainResult {
  const p = params({ epochs, learningRate: 0.1, batchSize: 4, hiddenUnits: 4 });
  const perceptron = history(epochs, {
    loss: decay(0.78, 0.693, 0.05, 0.002, 9),
    acc: (e) => (e < 20 ? 0.5 : 0.75 - (e % 7 === 0 ? 0.25 : 0)),
  });
  const hidden = history(epochs, {
    loss: (e) => 0.02 + 0.68 / (1 + Math.exp((e - 60) / 12)),
    acc: (e) => (e < 40 ? 0.5 : e < 70 ? 0.75 : 1),
  });
  const { hiddenUnits: _h, ...perceptronParams } = p;
  return result('xor', [
    series('perceptron', ['パーセプトロン', 'perceptron'], perceptronParams as TrainParams, perceptron),
    series('hidden', ['隠れ層あり', 'hidden layer'], p, hidden),
  ]);
}

/** compare seed: the same lesson twice, small differences, same trend. */
export function compareSeed(): TrainResult {
  const make = (seed: number, noiseSeed: number, end: number) =>
    history(15, {
      loss: decay(0.8, end, 0.35, 0.05, noiseSeed),
      valLoss: decay(0.55, end + 0.03, 0.35, 0.06, noiseSeed + 1),
      acc: (e) => 0.975 - 0.3 * Math.exp(-0.4 * e) - (seed % 2) * 0.004,
      valAcc: (e) => 0.965 - 0.25 * Math.exp(-0.4 * e) - (seed % 2) * 0.006,
    });
  const a = series('seed-1', ['シード 1', 'seed 1'], params({ epochs: 15, seed: 1 }), make(1, 11, 0.08));
  const b = series('seed-2', ['シード 2', 'seed 2'], params({ epochs: 15, seed: 2 }), make(2, 21, 0.09));
  return result('mnist', [a, b], { mode: 'compare-seed' });
}

/** A single epoch (the smallest run anyone can ask for). */
export function singleEpoch(): TrainResult {
  const p = params({ epochs: 1 });
  const h: EpochLog[] = [{ epoch: 1, loss: 0.52, valLoss: 0.41, acc: 0.86, valAcc: 0.89, elapsedMs: 900 }];
  return result('iris', [series('iris', ['iris', 'iris'], p, h)]);
}

/** Hundreds of epochs, still falling at the end (linear with a small learning rate). */
export function longStillFalling(epochs = 400): TrainResult {
  const p = params({ epochs, learningRate: 0.0005, optimizer: 'sgd' });
  const h = history(epochs, { loss: (e) => 40 / (1 + e / 15) });
  return result('linear', [series('linear', ['線形モデル', 'linear model'], p, h, { final: { m: 1.62, b: 0.41 } })], {
    extras: { trueM: 2, trueB: 1 },
  });
}

/** compare seed on xor: two models per seed, keys as the trainer names them ("perceptron-seed-42"). */
export function xorCompareSeed(): TrainResult {
  const a = xor();
  const b = xor();
  const relabel = (s: Series, seed: number): Series => ({
    ...s,
    key: `${s.key}-seed-${seed}`,
    label: { ja: `${s.label.ja}（シード ${seed}）`, en: `${s.label.en} (seed ${seed})` },
    params: { ...s.params, seed },
    history: s.history.map((h) => ({ ...h, loss: h.loss * (seed === 43 ? 1.03 : 1) })),
    final: { ...s.final, loss: s.final.loss * (seed === 43 ? 1.03 : 1) },
  });
  return result('xor', [relabel(a.series[0], 42), relabel(a.series[1], 42), relabel(b.series[0], 43), relabel(b.series[1], 43)], {
    mode: 'compare-seed',
  });
}

/** What a lesson tells the reading about itself (its defaults, known learning rates, seed spread, notes). */
export function about(lesson: string, over: Partial<LessonFacts> = {}): LessonFacts {
  return { title: { ja: lesson, en: lesson }, loss: 'categoricalCrossentropy', defaults: params(), ...over };
}

/** `r` with lesson facts attached, as the runner attaches them. */
export function withAbout(r: TrainResult, facts: LessonFacts): TrainResult {
  return { ...r, about: facts };
}
