/**
 * Every lesson: its data has the promised shapes, its models produce the
 * promised outputs, a few epochs on a small subset lower the loss, and a
 * trained model survives a save/load round trip through the file handler.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileHandler } from '../../src/training/io.ts';
import type { DataArray, Lesson, LessonData, LayersModel, ModelVariant, Tf } from '../../src/training/lesson.ts';
import { loadLesson } from '../../src/training/lessons.ts';
import { DEFAULT_DATA_SEED, seedSource } from '../../src/training/run.ts';
import { loadTf } from '../../src/training/tf.ts';
import { fitSeries } from '../../src/training/trainer.ts';
import { LESSONS_DIR } from '../training/support.ts';

interface Expectation {
  x: number[]; // shape of one example
  y: number[]; // shape of one label
  train: number;
  val: number;
  models: string[];
  oneHot: boolean;
}

const EXPECT: Record<string, Expectation> = {
  linear: { x: [1], y: [1], train: 160, val: 40, models: ['linear'], oneHot: false },
  xor: { x: [2], y: [1], train: 160, val: 40, models: ['perceptron', 'hidden'], oneHot: false },
  iris: { x: [4], y: [3], train: 120, val: 30, models: ['iris'], oneHot: true },
  mnist: { x: [784], y: [10], train: 9000, val: 1000, models: ['mnist'], oneHot: true },
  cnn: { x: [28, 28, 1], y: [10], train: 9000, val: 1000, models: ['cnn'], oneHot: true },
};

let tf: Tf;
beforeAll(async () => {
  ({ tf } = await loadTf('auto'));
});

function variants(lesson: Lesson, seed = 1): ModelVariant[] {
  const built = lesson.buildModel({ ...lesson.defaults, seed }, tf, seedSource(seed, 'test'));
  return Array.isArray(built) ? built : [{ key: lesson.id, label: lesson.title, model: built as LayersModel }];
}

/** The first `n` examples of a data array. */
/** Byte-for-byte equality; vitest's deep equality is far too slow for 7 million floats. */
function same(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

function head(a: DataArray, n: number): DataArray {
  const per = a.shape.slice(1).reduce((p, d) => p * d, 1);
  return { values: a.values.slice(0, n * per), shape: [n, ...a.shape.slice(1)] };
}

describe.each(Object.keys(EXPECT))('lesson %s', (id) => {
  const want = EXPECT[id];
  let lesson: Lesson;
  let data: LessonData;
  beforeAll(async () => {
    lesson = await loadLesson(id, LESSONS_DIR);
    data = await lesson.loadData(lesson.dataSeed ?? DEFAULT_DATA_SEED);
  });

  it('loads train and validation data of the right shapes, the same every time', async () => {
    expect(data.xTrain.shape).toEqual([want.train, ...want.x]);
    expect(data.yTrain.shape).toEqual([want.train, ...want.y]);
    expect(data.xVal?.shape).toEqual([want.val, ...want.x]);
    expect(data.yVal?.shape).toEqual([want.val, ...want.y]);
    for (const a of [data.xTrain, data.yTrain, data.xVal!, data.yVal!]) {
      expect(a.values.length).toBe(a.shape.reduce((p, d) => p * d, 1));
      expect(a.values.every(Number.isFinite)).toBe(true);
    }
    const again = await lesson.loadData(lesson.dataSeed ?? DEFAULT_DATA_SEED);
    expect(same(again.xTrain.values, data.xTrain.values)).toBe(true);
    expect(same(again.yVal!.values, data.yVal!.values)).toBe(true);
  });

  it('labels are one-hot where the lesson says so', () => {
    if (!want.oneHot) return;
    const k = want.y[0];
    for (const y of [data.yTrain, data.yVal!]) {
      const counts = new Array<number>(k).fill(0);
      for (let i = 0; i < y.shape[0]; i++) {
        const row = Array.from(y.values.slice(i * k, (i + 1) * k));
        expect(row.filter((v) => v === 1).length).toBe(1);
        expect(row.filter((v) => v === 0).length).toBe(k - 1);
        counts[row.indexOf(1)]++;
      }
      // Every class appears in both splits.
      expect(counts.every((c) => c > 0)).toBe(true);
    }
  });

  it('builds models whose output has the label shape', () => {
    const built = variants(lesson);
    expect(built.map((v) => v.key)).toEqual(want.models);
    for (const { model } of built) {
      const out = tf.tidy(() => (model.predict(tf.tensor(head(data.xVal!, 3).values, head(data.xVal!, 3).shape)) as ReturnType<Tf['tensor']>).shape);
      expect(out).toEqual([3, ...want.y]);
      model.dispose();
    }
  });

  it('a short fit on a small subset lowers the loss, and the model survives save and load', async () => {
    const n = Math.min(64, want.train);
    const x = tf.tensor(head(data.xTrain, n).values, head(data.xTrain, n).shape);
    const y = tf.tensor(head(data.yTrain, n).values, head(data.yTrain, n).shape);
    const [{ model }, ...rest] = variants(lesson, 3).reverse(); // xor: the hidden-layer model
    rest.forEach((v) => v.model.dispose());
    try {
      const params = { ...lesson.defaults, epochs: 6, batchSize: 16, learningRate: id === 'linear' ? 0.1 : 0.01, optimizer: 'adam' as const, seed: 3 };
      const fit = await fitSeries({ tf, model, data: { xTrain: x, yTrain: y }, params, loss: lesson.loss, metrics: lesson.metrics, series: { key: id, index: 0, count: 1 } });
      expect(fit.history).toHaveLength(6);
      expect(fit.stopped).toBeUndefined();
      expect(fit.history[5].loss).toBeLessThan(fit.history[0].loss);

      const dir = mkdtempSync(join(tmpdir(), `tasuke-${id}-`));
      await model.save(fileHandler(dir));
      const loaded = await tf.loadLayersModel(fileHandler(dir));
      const probe = tf.tensor(head(data.xVal!, 5).values, head(data.xVal!, 5).shape);
      const a = (model.predict(probe) as ReturnType<Tf['tensor']>).dataSync();
      const b = (loaded.predict(probe) as ReturnType<Tf['tensor']>).dataSync();
      expect(Array.from(b)).toEqual(Array.from(a));
      probe.dispose();
      loaded.dispose();
    } finally {
      model.dispose();
      x.dispose();
      y.dispose();
    }
  });
});

describe('lesson data details', () => {
  it('linear: points scatter around y = 2x + 1', async () => {
    const lesson = await loadLesson('linear', LESSONS_DIR);
    const d = await lesson.loadData(7);
    expect(d.extras).toMatchObject({ trueM: 2, trueB: 1 });
    let sse = 0;
    for (let i = 0; i < d.xTrain.shape[0]; i++) sse += (d.yTrain.values[i] - (2 * d.xTrain.values[i] + 1)) ** 2;
    const rmse = Math.sqrt(sse / d.xTrain.shape[0]);
    expect(rmse).toBeGreaterThan(0.15);
    expect(rmse).toBeLessThan(0.35);
    const other = await lesson.loadData(8);
    expect(same(other.xTrain.values, d.xTrain.values)).toBe(false);
  });

  it('iris: standardised features, ten of each species held out', async () => {
    const lesson = await loadLesson('iris', LESSONS_DIR);
    const d = await lesson.loadData(lesson.dataSeed!);
    for (let f = 0; f < 4; f++) {
      const col = Array.from({ length: 120 }, (_, i) => d.xTrain.values[i * 4 + f]);
      const mean = col.reduce((s, v) => s + v, 0) / 120;
      const sd = Math.sqrt(col.reduce((s, v) => s + (v - mean) ** 2, 0) / 120);
      expect(Math.abs(mean)).toBeLessThan(1e-5);
      expect(sd).toBeCloseTo(1, 4);
    }
    const perClass = [0, 0, 0];
    for (let i = 0; i < 30; i++) perClass[[0, 1, 2].find((k) => d.yVal!.values[i * 3 + k] === 1)!]++;
    expect(perClass).toEqual([10, 10, 10]);
  });

  it('mnist: grey levels between 0 and 1, and the same digits for cnn', async () => {
    const mnist = await loadLesson('mnist', LESSONS_DIR);
    const cnn = await loadLesson('cnn', LESSONS_DIR);
    const a = await mnist.loadData(mnist.dataSeed!);
    const b = await cnn.loadData(cnn.dataSeed!);
    let max = 0;
    for (const v of a.xTrain.values) max = Math.max(max, v);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.9);
    expect(same(b.xTrain.values, a.xTrain.values)).toBe(true);
    expect(same(b.yVal!.values, a.yVal!.values)).toBe(true);
  });
});
