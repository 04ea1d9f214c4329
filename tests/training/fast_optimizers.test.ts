/**
 * The fused Adam against tf.train.adam: the same variables, the same
 * gradients, step by step, on the wasm and the cpu backend; then a small
 * model trained by model.fit with each.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/backend.ts';
import { createFastOptimizer } from '../../src/training/fast/optimizers.ts';
import type { BackendName } from '../../src/training/types.ts';
import { createRng } from '../../src/training/rng.ts';

/** The project's seeded generator (mulberry32), so every run checks the same cases. */
const rng = (seed: number): (() => number) => {
  const r = createRng(seed);
  return () => r.next();
};
const rand = (r: () => number, n: number, scale = 1) => Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);

/** Largest |a - b| / max(|b|, 1e-3) over the elements. */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 1e-3));
  return m;
}

afterAll(async () => {
  await initBackend('cpu');
});

describe.each<BackendName>(['wasm', 'cpu'])('fused Adam on %s', (backend) => {
  it('is used only for adam on this backend', async () => {
    await initBackend(backend);
    const opt = createFastOptimizer(tf, 'adam', 0.01);
    expect(opt).toBeInstanceOf(tf.AdamOptimizer);
    expect(opt!.getClassName()).toBe('Adam');
    opt!.dispose();
    expect(createFastOptimizer(tf, 'sgd', 0.01)).toBeUndefined();
  });

  it('gives the numbers of tf.train.adam step by step (values and moments within 1e-6 relative)', async () => {
    await initBackend(backend);
    const before = tf.memory().numTensors;
    const r = rng(5);
    const shapes = [[5, 5, 1, 8], [8], [400, 10], [3]];
    const init = shapes.map((s) => rand(r, s.reduce((a, b) => a * b), 0.5));
    const ours = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(init[i]!, s), true, `fused_${backend}_${i}`)));
    const ref = shapes.map((s, i) => tf.tidy(() => tf.variable(tf.tensor(init[i]!, s), true, `ref_${backend}_${i}`)));
    const fused = createFastOptimizer(tf, 'adam', 0.003)!;
    const plain = tf.train.adam(0.003);
    for (let step = 0; step < 12; step++) {
      // Gradients of very different sizes, some exactly zero; the last variable gets none at step 3.
      const grads = shapes.map((s) => rand(r, s.reduce((a, b) => a * b), step % 2 ? 1e-4 : 3).map((g, j) => (j % 7 === 0 ? 0 : g)));
      const named = (vars: tf.Variable[]): Record<string, tf.Tensor> =>
        Object.fromEntries(vars.flatMap((v, i) => (step === 3 && i === 3 ? [] : [[v.name, tf.tensor(grads[i]!, shapes[i])]])));
      const g1 = named(ours);
      const g2 = named(ref);
      fused.applyGradients(g1 as never);
      plain.applyGradients(g2 as never);
      tf.dispose([...Object.values(g1), ...Object.values(g2)]);
      for (let i = 0; i < shapes.length; i++) {
        expect(maxRelDiff(ours[i]!.dataSync(), ref[i]!.dataSync()), `step ${step} variable ${i}`).toBeLessThan(1e-6);
      }
    }
    const w1 = await fused.getWeights();
    const w2 = await plain.getWeights();
    expect(w1.map((w) => w.tensor.shape)).toEqual(w2.map((w) => w.tensor.shape));
    for (let i = 0; i < w1.length; i++) expect(maxRelDiff(w1[i]!.tensor.dataSync(), w2[i]!.tensor.dataSync())).toBeLessThan(1e-6);
    expect(fused.iterations).toBe(12);
    expect(fused.getConfig()).toEqual(plain.getConfig());
    fused.dispose();
    plain.dispose();
    tf.dispose([...ours, ...ref, w1[0]!.tensor, w2[0]!.tensor]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains a small CNN with model.fit to the same weights as tf.train.adam', async () => {
    await initBackend(backend);
    const r = rng(9);
    const x = tf.tensor4d(rand(r, 16 * 12 * 12).map((v) => Math.abs(v)), [16, 12, 12, 1]);
    const labels = Array.from({ length: 16 }, () => Math.floor(r() * 3));
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 3).toFloat();
    const build = () => {
      const m = tf.sequential();
      m.add(tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
      m.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
      m.add(tf.layers.flatten());
      m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
      return m;
    };
    const a = build();
    const b = build();
    a.compile({ optimizer: createFastOptimizer(tf, 'adam', 0.01)!, loss: 'categoricalCrossentropy' });
    b.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const ha = await a.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    const hb = await b.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    expect(maxRelDiff(ha.history.loss as number[], hb.history.loss as number[])).toBeLessThan(1e-5);
    const wa = a.getWeights();
    const wb = b.getWeights();
    for (let i = 0; i < wa.length; i++) expect(maxRelDiff(wa[i]!.dataSync(), wb[i]!.dataSync())).toBeLessThan(1e-5);
    // Training moved the weights.
    expect(maxRelDiff(wa[0]!.dataSync(), build().getWeights()[0]!.dataSync())).toBeGreaterThan(1e-3);
    a.optimizer.dispose();
    b.optimizer.dispose();
    a.dispose();
    b.dispose();
    tf.dispose([x, y]);
  });
});
