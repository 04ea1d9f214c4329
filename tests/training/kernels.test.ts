/**
 * Our kernels against the cpu backend's own implementations (the reference),
 * on random shapes: batch > 1, several channels, strides, 'same', 'valid' and
 * numeric padding.
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/backend.ts';
import { builtinKernel, CUSTOM_KERNELS } from '../../src/training/kernels/index.ts';
import { conv2DBackpropFilterInfo, conv2DBackpropFilterNHWC } from '../../src/training/kernels/conv2d_backprop_filter.ts';
import { maxPoolGradInfo, maxPoolGradNHWC } from '../../src/training/kernels/max_pool_grad.ts';

const TOL = 1e-4;

/** mulberry32: a small seeded generator so every run checks the same cases. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
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
