/**
 * Our kernels against the cpu backend's own implementations (the reference),
 * on random shapes: batch > 1, several channels, strides, 'same', 'valid' and
 * numeric padding.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/backend.ts';
import { builtinKernel, CUSTOM_KERNELS, registerCustomKernels, unregisterCustomKernels } from '../../src/training/kernels/index.ts';
import { conv2DBackpropFilterInfo, conv2DBackpropFilterNHWC } from '../../src/training/kernels/conv2d_backprop_filter.ts';
import { maxPoolGradInfo, maxPoolGradNHWC } from '../../src/training/kernels/max_pool_grad.ts';
import { createRng } from '../../src/training/rng.ts';

const TOL = 1e-4;

/** The project's seeded generator (mulberry32), so every run checks the same cases. */
const rng = (seed: number): (() => number) => {
  const r = createRng(seed);
  return () => r.next();
};
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
/** Random values, about a third of them exactly 0 (as after a ReLU). */
function values(r: () => number, n: number, zeros = true): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = zeros && r() < 0.33 ? 0 : r() * 2 - 1;
  return v;
}
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

type Pad = 'same' | 'valid' | number;
interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
}

function convCases(seed: number, n: number): ConvCase[] {
  const r = rng(seed);
  const cases: ConvCase[] = [
    // The lesson CNN's shapes.
    { x: [4, 28, 28, 1], filter: [3, 3, 1, 8], strides: [1, 1], pad: 'same' },
    { x: [4, 14, 14, 8], filter: [3, 3, 8, 16], strides: [1, 1], pad: 'valid' },
    { x: [3, 28, 28, 1], filter: [5, 5, 1, 6], strides: [2, 2], pad: 'same' },
  ];
  const pads: Pad[] = ['same', 'valid', 1];
  while (cases.length < n) {
    const fh = int(r, 1, 4);
    const fw = int(r, 1, 4);
    const pad = pads[int(r, 0, 2)]!;
    const sh = int(r, 1, 2);
    const sw = int(r, 1, 3);
    const h = int(r, Math.max(fh, 3), 12);
    const w = int(r, Math.max(fw, 3), 12);
    // tfjs-core only allows a numeric pad with dimRoundingMode unset when the output is whole.
    if (typeof pad === 'number' && ((h - fh + 2 * pad) % sh !== 0 || (w - fw + 2 * pad) % sw !== 0)) continue;
    cases.push({ x: [int(r, 1, 3), h, w, int(r, 1, 4)], filter: [fh, fw, 0, int(r, 1, 5)], strides: [sh, sw], pad });
    cases[cases.length - 1]!.filter[2] = cases[cases.length - 1]!.x[3];
  }
  return cases;
}

/** Runs the cpu backend's own kernel (not ours) and returns its output values. */
function referenceKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): Float32Array {
  const cfg = builtinKernel(name, 'cpu');
  if (!cfg) throw new Error(`cpu has no builtin ${name}`);
  const cpu = tf.findBackend('cpu') as unknown as {
    readSync(id: object): Float32Array;
    disposeData(id: object): void;
  };
  const infos = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, cpuTensor(t)]));
  const out = cfg.kernelFunc({ inputs: infos, backend: tf.findBackend('cpu')!, attrs: attrs as never }) as TensorInfo;
  const result = cpu.readSync(out.dataId).slice();
  cpu.disposeData(out.dataId);
  return result;
}

/** The same values as a TensorInfo held by the cpu backend. */
function cpuTensor(t: tf.Tensor): TensorInfo {
  const cpu = tf.findBackend('cpu') as unknown as { write(v: Float32Array, s: number[], d: string): object };
  return { dataId: cpu.write(t.dataSync() as Float32Array, t.shape, 'float32'), shape: t.shape, dtype: 'float32' };
}

function runKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): Float32Array {
  const out = tf.engine().runKernel(name, inputs as never, attrs as never) as tf.Tensor;
  const v = out.dataSync() as Float32Array;
  out.dispose();
  return v;
}

function convInputs(c: ConvCase, seed: number) {
  const r = rng(seed);
  const outShape = conv2DBackpropFilterInfo(c.x, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter }).outShape;
  const x = tf.tensor4d(values(r, c.x.reduce((a, b) => a * b)), c.x);
  const dy = tf.tensor4d(values(r, outShape.reduce((a, b) => a * b), false), outShape);
  const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
  return { x, dy, attrs };
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('Conv2DBackpropFilter', () => {
  const cases = convCases(7, 24);

  it('the typed-array implementation matches the cpu reference', () => {
    for (const [i, c] of cases.entries()) {
      const { x, dy, attrs } = convInputs(c, 100 + i);
      const ref = referenceKernel('Conv2DBackpropFilter', { x, dy }, attrs);
      const info = conv2DBackpropFilterInfo(c.x, attrs as never);
      const ours = conv2DBackpropFilterNHWC(x.dataSync(), dy.dataSync(), info);
      expect(maxAbsDiff(ours, ref), JSON.stringify(c)).toBeLessThan(TOL);
      tf.dispose([x, dy]);
    }
  });

  it('the registered cpu kernel matches the reference', async () => {
    await initBackend('cpu');
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).toBe(CUSTOM_KERNELS.cpu![0]);
    for (const [i, c] of cases.entries()) {
      const { x, dy, attrs } = convInputs(c, 200 + i);
      const ref = referenceKernel('Conv2DBackpropFilter', { x, dy }, attrs);
      expect(maxAbsDiff(runKernel('Conv2DBackpropFilter', { x, dy }, attrs), ref), JSON.stringify(c)).toBeLessThan(TOL);
      tf.dispose([x, dy]);
    }
  });

  it('the wasm kernel matches the cpu reference', async () => {
    for (const [i, c] of cases.entries()) {
      await initBackend('cpu');
      const { x, dy, attrs } = convInputs(c, 300 + i);
      const ref = referenceKernel('Conv2DBackpropFilter', { x, dy }, attrs);
      const xv = x.dataSync().slice();
      const dyv = dy.dataSync().slice();
      tf.dispose([x, dy]);
      await initBackend('wasm');
      const xw = tf.tensor4d(xv, x.shape as never);
      const dyw = tf.tensor4d(dyv, dy.shape as never);
      expect(maxAbsDiff(runKernel('Conv2DBackpropFilter', { x: xw, dy: dyw }, attrs), ref), JSON.stringify(c)).toBeLessThan(TOL);
      tf.dispose([xw, dyw]);
    }
  });

  it('gives the filter gradient of a whole conv layer on wasm as the cpu reference does', async () => {
    const c = cases[1]!;
    const r = rng(5);
    const xv = values(r, c.x.reduce((a, b) => a * b));
    const wv = values(r, c.filter.reduce((a, b) => a * b), false);
    const grad = async (backend: 'cpu' | 'wasm') => {
      await initBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor4d(xv, c.x);
        const f = (w: tf.Tensor) => tf.conv2d(x, w as tf.Tensor4D, c.strides, c.pad as 'same').relu().square().sum();
        return tf.grad(f)(tf.tensor4d(wv, c.filter)).dataSync().slice();
      });
    };
    const onWasm = await grad('wasm');
    const onCpu = await grad('cpu');
    // Sums over 4 x 12 x 12 positions: compare relative to the gradient's size.
    const scale = Math.max(...Array.from(onCpu, Math.abs));
    expect(maxAbsDiff(onWasm, onCpu) / scale).toBeLessThan(TOL);
  });
});

describe('MaxPoolGrad', () => {
  const poolCases = (() => {
    const r = rng(11);
    const out: { x: [number, number, number, number]; filterSize: [number, number]; strides: [number, number]; pad: 'same' | 'valid' }[] = [
      { x: [4, 28, 28, 8], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
      { x: [2, 13, 13, 3], filterSize: [2, 2], strides: [2, 2], pad: 'same' },
    ];
    while (out.length < 20) {
      const f = int(r, 1, 3);
      out.push({
        x: [int(r, 1, 3), int(r, 3, 11), int(r, 3, 11), int(r, 1, 4)],
        filterSize: [f, int(r, 1, 3)],
        strides: [int(r, 1, 3), int(r, 1, 2)],
        pad: r() < 0.5 ? 'same' : 'valid',
      });
    }
    return out;
  })();

  function poolInputs(c: (typeof poolCases)[number], seed: number, ties: boolean) {
    const r = rng(seed);
    const n = c.x.reduce((a, b) => a * b);
    // With ties, many windows hold the same maximum twice: the first one must win.
    const xv = ties ? Float32Array.from({ length: n }, () => int(r, -2, 2)) : values(r, n, false);
    const x = tf.tensor4d(xv, c.x);
    const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
    const y = tf.maxPool(x, c.filterSize, c.strides, c.pad);
    const dy = tf.tensor4d(values(r, y.size, false), y.shape as never);
    return { x, y, dy, attrs };
  }

  it('the typed-array implementation and the registered cpu kernel match the cpu reference, ties included', () => {
    for (const ties of [false, true]) {
      for (const [i, c] of poolCases.entries()) {
        const { x, y, dy, attrs } = poolInputs(c, 400 + i, ties);
        const ref = referenceKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs);
        const ours = maxPoolGradNHWC(x.dataSync(), dy.dataSync(), maxPoolGradInfo(c.x, attrs));
        expect(maxAbsDiff(ours, ref), JSON.stringify(c)).toBeLessThan(TOL);
        expect(maxAbsDiff(runKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs), ref)).toBeLessThan(TOL);
        tf.dispose([x, y, dy]);
      }
    }
  });

  it('the registered wasm kernel matches the cpu reference, windows of negative values included', async () => {
    for (const [i, c] of poolCases.entries()) {
      await initBackend('cpu');
      const { x, y, dy, attrs } = poolInputs(c, 500 + i, false);
      const ref = referenceKernel('MaxPoolGrad', { dy, input: x, output: y }, attrs);
      const [xv, yv, dyv] = [x, y, dy].map((t) => t.dataSync().slice());
      tf.dispose([x, y, dy]);
      await initBackend('wasm');
      const [xw, yw, dyw] = [xv, yv, dyv].map((v, k) => tf.tensor(v!, [x, y, dy][k]!.shape));
      expect(tf.getKernel('MaxPoolGrad', 'wasm')).toBe(CUSTOM_KERNELS.wasm![1]);
      const got = runKernel('MaxPoolGrad', { dy: dyw!, input: xw!, output: yw! }, attrs);
      expect(maxAbsDiff(got, ref), JSON.stringify(c)).toBeLessThan(TOL);
      tf.dispose([xw!, yw!, dyw!]);
    }
  });
});

/** Runs `name` on the wasm backend with tensors made there from plain values. */
async function onWasm(name: string, inputs: Record<string, { values: ArrayLike<number>; shape: number[]; dtype?: tf.DataType }>, attrs: Record<string, unknown>): Promise<{ values: Float32Array; shape: number[] }> {
  await initBackend('wasm');
  const ts = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(Array.from(v.values), v.shape, v.dtype ?? 'float32')]));
  const out = tf.engine().runKernel(name, ts as never, attrs as never) as tf.Tensor;
  const result = { values: Float32Array.from(out.dataSync() as ArrayLike<number>), shape: out.shape };
  tf.dispose([out, ...Object.values(ts)]);
  await initBackend('cpu');
  return result;
}

describe('wasm fast paths (checked against the cpu reference)', () => {
  it('Conv2DBackpropInput', async () => {
    await initBackend('cpu');
    for (const [i, c] of convCases(13, 20).entries()) {
      const r = rng(600 + i);
      const { x, dy } = convInputs(c, 700 + i);
      x.dispose();
      const filter = tf.tensor4d(values(r, c.filter.reduce((a, b) => a * b), false), c.filter);
      const a = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x };
      const ref = referenceKernel('Conv2DBackpropInput', { dy, filter }, a);
      const got = await onWasm('Conv2DBackpropInput', { dy: { values: dy.dataSync(), shape: dy.shape }, filter: { values: filter.dataSync(), shape: c.filter } }, a);
      expect(got.shape).toEqual(c.x);
      expect(maxAbsDiff(got.values, ref), JSON.stringify(c)).toBeLessThan(TOL);
      tf.dispose([dy, filter]);
    }
  });

  it('Conv2D of one-channel images (columns packed as channels) and the cases it leaves to XNNPACK', async () => {
    await initBackend('cpu');
    const r = rng(31);
    // [x shape, filter shape, strides, pad]: the lesson's first layer, packs of 2 and 4, and shapes that fall back.
    const cases: [[number, number, number, number], [number, number, number, number], number, Pad][] = [
      [[32, 28, 28, 1], [5, 5, 1, 8], 1, 'valid'],
      [[3, 12, 12, 1], [3, 3, 1, 5], 1, 'valid'],
      [[2, 9, 8, 1], [2, 5, 1, 3], 1, 'valid'],
      [[2, 7, 16, 1], [4, 9, 1, 6], 1, 'valid'],
      [[2, 10, 10, 1], [3, 3, 1, 4], 1, 'same'],
      [[2, 11, 11, 1], [3, 3, 1, 4], 1, 'valid'],
      [[2, 12, 12, 1], [3, 3, 1, 4], 2, 'valid'],
      [[2, 12, 12, 3], [3, 3, 3, 4], 1, 'valid'],
    ];
    for (const [xs, fs, s, pad] of cases) {
      const x = tf.tensor4d(values(r, xs.reduce((a, b) => a * b)), xs);
      const filter = tf.tensor4d(values(r, fs.reduce((a, b) => a * b), false), fs);
      const a = { strides: [s, s], pad, dataFormat: 'NHWC', dilations: [1, 1] };
      const ref = referenceKernel('Conv2D', { x, filter }, a);
      const got = await onWasm('Conv2D', { x: { values: x.dataSync(), shape: xs }, filter: { values: filter.dataSync(), shape: fs } }, a);
      expect(got.values.length).toBe(ref.length);
      expect(maxAbsDiff(got.values, ref), JSON.stringify([xs, fs, s, pad])).toBeLessThan(TOL);
      tf.dispose([x, filter]);
    }
  });

  it('BatchMatMul with every transpose combination and batch broadcasting', async () => {
    await initBackend('cpu');
    const r = rng(21);
    const shapes: [number[], number[]][] = [
      [[7, 5], [5, 3]],
      [[2, 4, 6], [2, 6, 3]],
      [[3, 2, 5], [1, 5, 4]],
      [[64, 784], [784, 128]],
    ];
    for (const [sa, sb] of shapes) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const aShape = ta ? [...sa.slice(0, -2), sa.at(-1)!, sa.at(-2)!] : sa;
          const bShape = tb ? [...sb.slice(0, -2), sb.at(-1)!, sb.at(-2)!] : sb;
          const a = tf.tensor(values(r, aShape.reduce((x, y) => x * y), false), aShape);
          const b = tf.tensor(values(r, bShape.reduce((x, y) => x * y), false), bShape);
          const attrs = { transposeA: ta, transposeB: tb };
          const ref = referenceKernel('BatchMatMul', { a, b }, attrs);
          const got = await onWasm('BatchMatMul', { a: { values: a.dataSync(), shape: aShape }, b: { values: b.dataSync(), shape: bShape } }, attrs);
          const label = JSON.stringify({ aShape, bShape, ta, tb });
          expect(maxAbsDiff(got.values, ref), label).toBeLessThan(TOL * 10); // sums of up to 784 products
          tf.dispose([a, b]);
        }
      }
    }
  });

  it('GatherV2 along the first axis (and delegated along others), for float, int and bool data', async () => {
    await initBackend('cpu');
    const r = rng(31);
    const cases: { shape: number[]; dtype: tf.DataType; indices: number[]; indicesShape: number[]; axis: number }[] = [
      { shape: [9, 4, 3], dtype: 'float32', indices: [8, 0, 3, 3, 1], indicesShape: [5], axis: 0 },
      { shape: [6, 5], dtype: 'int32', indices: [5, 4, 0, 1], indicesShape: [2, 2], axis: 0 },
      { shape: [4, 2], dtype: 'bool', indices: [3, 1], indicesShape: [2], axis: 0 },
      { shape: [3, 7, 2], dtype: 'float32', indices: [6, 0, 2], indicesShape: [3], axis: 1 },
      { shape: [5, 3], dtype: 'float32', indices: [], indicesShape: [0], axis: 0 },
    ];
    for (const c of cases) {
      const n = c.shape.reduce((a, b) => a * b);
      const xv = Array.from({ length: n }, () => (c.dtype === 'float32' ? r() : int(r, 0, c.dtype === 'bool' ? 1 : 100)));
      const x = tf.tensor(xv, c.shape, c.dtype);
      const idx = tf.tensor(c.indices, c.indicesShape, 'int32');
      const attrs = { axis: c.axis, batchDims: 0 };
      const ref = tf.gather(x, idx, c.axis);
      const got = await onWasm('GatherV2', { x: { values: xv, shape: c.shape, dtype: c.dtype }, indices: { values: c.indices, shape: c.indicesShape, dtype: 'int32' } }, attrs);
      expect(got.shape, JSON.stringify(c)).toEqual(ref.shape);
      expect(Array.from(got.values), JSON.stringify(c)).toEqual(Array.from(ref.dataSync() as ArrayLike<number>));
      tf.dispose([x, idx, ref]);
    }
    await expect(onWasm('GatherV2', { x: { values: [1, 2], shape: [2] }, indices: { values: [2], shape: [1], dtype: 'int32' } }, { axis: 0, batchDims: 0 })).rejects.toThrow(/not in \[0, 1\]/);
  });

  it('gives the same gradients for a whole CNN (conv same/stride 2, conv valid, max pool, dense) as the cpu reference', async () => {
    const r = rng(41);
    const xv = values(r, 3 * 16 * 16 * 1);
    const yv = Float32Array.from({ length: 3 * 4 }, (_, i) => (i % 4 === i % 3 ? 1 : 0));
    const w1 = values(r, 3 * 3 * 1 * 4, false);
    const w2 = values(r, 3 * 3 * 4 * 6, false);
    const w3 = values(r, 3 * 3 * 6 * 4, false);
    const grads = async (backend: 'cpu' | 'wasm', builtin: boolean) => {
      await initBackend(backend);
      if (builtin) unregisterCustomKernels('cpu');
      const out = tf.tidy(() => {
        const x = tf.tensor4d(xv, [3, 16, 16, 1]);
        const y = tf.tensor2d(yv, [3, 4]);
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
          let h = tf.relu(tf.conv2d(x, a as tf.Tensor4D, 2, 'same')); // 8x8x4
          h = tf.relu(tf.conv2d(h, b as tf.Tensor4D, 1, 'valid')); // 6x6x6
          h = tf.maxPool(h, 2, 2, 'valid'); // 3x3x6
          const logits = tf.matMul(h.reshape([3, 54]), c.reshape([54, 4]));
          return tf.losses.softmaxCrossEntropy(y, logits);
        };
        const g = tf.grads(f)([tf.tensor4d(w1, [3, 3, 1, 4]), tf.tensor4d(w2, [3, 3, 4, 6]), tf.tensor(w3, [54, 4])]);
        return g.map((t) => t.dataSync().slice());
      });
      if (builtin) registerCustomKernels('cpu');
      return out;
    };
    const reference = await grads('cpu', true);
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).toBe(CUSTOM_KERNELS.cpu![0]);
    for (const backend of ['cpu', 'wasm'] as const) {
      const got = await grads(backend, false);
      for (let i = 0; i < reference.length; i++) {
        const scale = Math.max(1e-3, ...Array.from(reference[i]!, Math.abs));
        expect(maxAbsDiff(got[i]!, reference[i]!) / scale, `${backend} gradient ${i}`).toBeLessThan(TOL);
      }
    }
  });
});

describe('wasm kernels and memory', () => {
  it('leave no data behind on the wasm heap while a small CNN and a dense network train', async () => {
    await initBackend('wasm');
    const backend = tf.backend() as unknown as { numDataIds(): number };
    // A learnable task (the label is the brightest quadrant) with seeded weights and no
    // shuffling, so the falling loss asserted below does not depend on luck.
    const x = tf.randomUniform([16, 12, 12, 1], 0, 1, 'float32', 3);
    const quadrants = tf.tidy(() =>
      tf.stack([
        x.slice([0, 0, 0, 0], [16, 6, 6, 1]).mean([1, 2, 3]),
        x.slice([0, 0, 6, 0], [16, 6, 6, 1]).mean([1, 2, 3]),
        x.slice([0, 6, 0, 0], [16, 6, 6, 1]).mean([1, 2, 3]),
        x.slice([0, 6, 6, 0], [16, 6, 6, 1]).mean([1, 2, 3]),
      ], 1),
    );
    const y = tf.tidy(() => tf.oneHot(quadrants.argMax(1).toInt(), 4));
    quadrants.dispose();
    let seed = 11;
    const init = () => tf.initializers.glorotUniform({ seed: seed++ });
    const cnn = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init() }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', strides: 2, activation: 'relu', kernelInitializer: init() }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init() }),
      ],
    });
    const dense = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [12, 12, 1] }),
        tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: init() }),
        tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: init() }),
      ],
    });
    for (const model of [cnn, dense]) {
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      await model.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
      const before = backend.numDataIds();
      const h = await model.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
      expect(backend.numDataIds()).toBe(before);
      const losses = h.history.loss as number[];
      expect(losses[2]).toBeLessThan(losses[0]!);
    }
    tf.dispose([x, y]);
  });
});
