/**
 * tasuke's WebAssembly SIMD kernels (src/training/kernels/native/kernels.c)
 * against the cpu backend's own kernels, on the shapes they take and on the
 * edge cases of their loops (tails of 4-wide blocks, odd image sizes, ties,
 * windows of negative values, NaN), plus the shapes they must leave to the
 * backend's own kernels.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/backend.ts';
import { builtinKernel } from '../../src/training/kernels/index.ts';
import { NATIVE_WASM, nativeKernels, setNativeKernelsEnabled } from '../../src/training/kernels/native.ts';
import { installReluGradient, reluGradReference, uninstallReluGradient } from '../../src/training/kernels/wasm_simd.ts';
import { createRng } from '../../src/training/rng.ts';

const TOL = 1e-4;

/** The project's seeded generator (mulberry32), so every run checks the same cases. */
const rng = (seed: number): (() => number) => {
  const r = createRng(seed);
  return () => r.next();
};
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
function values(seed: number, n: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() < 0.25 ? 0 : r() * 2 - 1));
}
function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

interface Input {
  values: Float32Array;
  shape: number[];
}

/** The cpu backend's own kernel `name` (not one of ours) on plain values. */
async function onCpu(name: string, inputs: Record<string, Input>, attrs: Record<string, unknown>): Promise<{ values: Float32Array; shape: number[] }> {
  await initBackend('cpu');
  const cfg = builtinKernel(name, 'cpu');
  if (!cfg) throw new Error(`cpu has no builtin ${name}`);
  const cpu = tf.backend() as unknown as { write(v: Float32Array, s: number[], d: string): object; readSync(id: object): Float32Array; disposeData(id: object): void };
  const infos = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, { dataId: cpu.write(v.values.slice(), v.shape, 'float32'), shape: v.shape, dtype: 'float32' as const }]));
  const out = cfg.kernelFunc({ inputs: infos, backend: tf.backend(), attrs: attrs as never }) as TensorInfo;
  const result = { values: cpu.readSync(out.dataId).slice(), shape: out.shape };
  cpu.disposeData(out.dataId);
  for (const t of Object.values(infos)) cpu.disposeData(t.dataId);
  return result;
}

/** The kernel registered for wasm (ours where one applies) on plain values. */
async function onWasm(name: string, inputs: Record<string, Input>, attrs: Record<string, unknown>): Promise<{ values: Float32Array; shape: number[] }> {
  await initBackend('wasm');
  const ts = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
  const out = tf.engine().runKernel(name, ts as never, attrs as never) as tf.Tensor;
  const result = { values: Float32Array.from(out.dataSync() as Float32Array), shape: out.shape };
  tf.dispose([out, ...Object.values(ts)]);
  return result;
}

async function expectSame(name: string, inputs: Record<string, Input>, attrs: Record<string, unknown>, label: string): Promise<void> {
  const ref = await onCpu(name, inputs, attrs);
  const got = await onWasm(name, inputs, attrs);
  expect(got.shape, label).toEqual(ref.shape);
  let scale = 1;
  for (const v of ref.values) scale = Math.max(scale, Math.abs(v));
  expect(maxAbsDiff(got.values, ref.values) / scale, label).toBeLessThan(TOL);
}

/** expectSame with our SIMD kernels, then with them turned off (the path they replace). */
async function expectSameBothWays(name: string, inputs: Record<string, Input>, attrs: Record<string, unknown>, label: string, otherPath: string): Promise<void> {
  await expectSame(name, inputs, attrs, `simd ${label}`);
  setNativeKernelsEnabled(false);
  try {
    await expectSame(name, inputs, attrs, `${otherPath} ${label}`);
  } finally {
    setNativeKernelsEnabled(true);
  }
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('the SIMD module', () => {
  it('is the build of the committed kernels.c (scripts/build-kernels.sh records its hash)', () => {
    const source = readFileSync(NATIVE_WASM.replace(/kernels\.wasm$/, 'kernels.c'));
    const recorded = readFileSync(NATIVE_WASM.replace(/kernels\.wasm$/, 'kernels.c.sha256'), 'utf8').trim();
    expect(createHash('sha256').update(source).digest('hex')).toBe(recorded);
  });

  it('imports only the backend memory and loads on the wasm backend (not on cpu)', async () => {
    const WA = (globalThis as unknown as { WebAssembly: { Module: { new (b: Uint8Array): object; imports(m: object): { module: string; name: string; kind: string }[] } } }).WebAssembly;
    const module = new WA.Module(readFileSync(NATIVE_WASM));
    expect(WA.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    await initBackend('wasm');
    expect(nativeKernels(tf.backend())).toBeDefined();
    setNativeKernelsEnabled(false);
    expect(nativeKernels(tf.backend())).toBeUndefined();
    setNativeKernelsEnabled(true);
    await initBackend('cpu');
    expect(nativeKernels(tf.backend())).toBeUndefined();
    await initBackend('wasm');
  });
});

describe('Conv2DBackpropFilter (stride 1, valid)', () => {
  // [x shape, filter shape]: the lesson's two layers, patch rows that are not a
  // multiple of 4 (J = fw * C), 4 and 12 output channels (a half block), 1x1.
  const cases: [number[], number[]][] = [
    [[4, 28, 28, 1], [5, 5, 1, 8]],
    [[4, 12, 12, 8], [3, 3, 8, 16]],
    [[3, 9, 7, 3], [2, 3, 3, 4]],
    [[2, 8, 10, 2], [3, 3, 2, 12]],
    [[2, 6, 6, 5], [1, 1, 5, 8]],
    [[1, 7, 9, 1], [4, 2, 1, 20]],
  ];
  it('matches the cpu reference, with the SIMD kernel and without it', async () => {
    for (const [i, [xs, fs]] of cases.entries()) {
      const dyShape = [xs[0]!, xs[1]! - fs[0]! + 1, xs[2]! - fs[1]! + 1, fs[3]!];
      const inputs = { x: { values: values(10 + i, size(xs)), shape: xs }, dy: { values: values(20 + i, size(dyShape)), shape: dyShape } };
      const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: fs };
      await expectSameBothWays('Conv2DBackpropFilter', inputs, attrs, JSON.stringify([xs, fs]), 'xnnpack');
    }
  });

  it('computes the lesson-sized gradient directly in the module', async () => {
    await initBackend('wasm');
    const xs = [2, 10, 10, 8];
    const fs = [3, 3, 8, 16];
    const dys = [2, 8, 8, 16];
    const xv = values(3, size(xs));
    const dyv = values(4, size(dys));
    const x = tf.tensor(xv, xs);
    const dy = tf.tensor(dyv, dys);
    const be = tf.backend() as unknown as { makeOutput(s: number[], d: string): TensorInfo };
    const outInfo = be.makeOutput(fs, 'float32');
    nativeKernels(tf.backend())!.convFilterGrad(x, dy, outInfo, { B: 2, H: 10, W: 10, C: 8, OH: 8, OW: 8, Co: 16, fh: 3, fw: 3 });
    const out = tf.engine().makeTensorFromTensorInfo(outInfo);
    const got = Float32Array.from(out.dataSync() as Float32Array);
    tf.dispose([x, dy, out]);
    // A plain loop over the definition.
    const want = new Float32Array(size(fs));
    for (let b = 0; b < 2; b++)
      for (let oh = 0; oh < 8; oh++)
        for (let ow = 0; ow < 8; ow++)
          for (let kh = 0; kh < 3; kh++)
            for (let kw = 0; kw < 3; kw++)
              for (let ci = 0; ci < 8; ci++)
                for (let co = 0; co < 16; co++)
                  want[((kh * 3 + kw) * 8 + ci) * 16 + co]! += xv[((b * 10 + oh + kh) * 10 + ow + kw) * 8 + ci]! * dyv[((b * 8 + oh) * 8 + ow) * 16 + co]!;
    expect(maxAbsDiff(got, want)).toBeLessThan(TOL);
  });
});

describe('Conv2D of a one-channel image (stride 1, valid, Co % 8 = 0)', () => {
  it('matches the cpu reference, with the SIMD kernel and without it', async () => {
    // The lesson's first layer, an output width with a tail after the blocks of 4, 16 channels, a 1x1 filter.
    const cases: [number[], number[]][] = [
      [[32, 28, 28, 1], [5, 5, 1, 8]],
      [[3, 9, 10, 1], [3, 4, 1, 8]],
      [[2, 8, 9, 1], [2, 3, 1, 16]],
      [[2, 5, 6, 1], [1, 1, 1, 8]],
    ];
    for (const [i, [xs, fs]] of cases.entries()) {
      const inputs = { x: { values: values(100 + i, size(xs)), shape: xs }, filter: { values: values(110 + i, size(fs)), shape: fs } };
      const attrs = { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined };
      await expectSameBothWays('Conv2D', inputs, attrs, JSON.stringify([xs, fs]), 'packed');
    }
  });
});

describe('MaxPoolGrad (2x2, stride 2)', () => {
  it('matches the cpu reference: odd sizes, ties to the first maximum, all-negative windows', async () => {
    const shapes = [
      [4, 24, 24, 8],
      [2, 10, 10, 16],
      [2, 7, 9, 4],
      [1, 5, 5, 12],
    ];
    for (const [i, xs] of shapes.entries()) {
      const r = rng(40 + i);
      for (const kind of ['random', 'ties', 'negative']) {
        const xv = Float32Array.from({ length: size(xs) }, () =>
          kind === 'ties' ? Math.floor(r() * 3) : kind === 'negative' ? -1 - r() : r() * 2 - 1,
        );
        const attrs = { filterSize: [2, 2], strides: [2, 2], pad: 'valid', dimRoundingMode: undefined };
        await initBackend('cpu');
        const y = tf.maxPool(tf.tensor4d(xv, xs as never), 2, 2, 'valid');
        const yv = { values: Float32Array.from(y.dataSync() as Float32Array), shape: y.shape };
        y.dispose();
        const inputs = { dy: { values: values(50 + i, size(yv.shape)), shape: yv.shape }, input: { values: xv, shape: xs }, output: yv };
        await expectSame('MaxPoolGrad', inputs, attrs, `${kind} ${JSON.stringify(xs)}`);
      }
    }
  });
});

describe('bias Add and bias-gradient Sum', () => {
  it('Add: [..., C] + [C] either way round, C not a multiple of 4, and broadcasts left to the backend', async () => {
    const cases: [number[], number[]][] = [
      [[32, 24, 24, 8], [8]],
      [[5, 7, 16], [1, 1, 16]],
      [[6], [4, 6]],
      [[3, 5], [5]],
      [[4, 1], [1, 5]],
      [[2, 3], [2, 3]],
    ];
    for (const [i, [as, bs]] of cases.entries()) {
      await expectSame('Add', { a: { values: values(60 + i, size(as)), shape: as }, b: { values: values(70 + i, size(bs)), shape: bs } }, {}, JSON.stringify([as, bs]));
    }
  });

  it('Sum: every axis but the last (in any order, kept or not), a channel tail, and other axes left to the backend', async () => {
    const cases: [number[], number[] | number, boolean][] = [
      [[32, 24, 24, 8], [0, 1, 2], false],
      [[4, 5, 5, 16], [2, 0, 1], true],
      [[7, 13], 0, false],
      [[3, 4, 5], [0, 1], false],
      [[3, 4, 5], [1], false],
      [[3, 4, 5], [-1], true],
    ];
    for (const [i, [xs, axis, keepDims]] of cases.entries()) {
      await expectSame('Sum', { x: { values: values(80 + i, size(xs)), shape: xs } }, { axis, keepDims }, JSON.stringify([xs, axis, keepDims]));
    }
  });
});

describe('the gradient of ReLU', () => {
  it('equals tfjs-core formula dy * step(x), zeros and NaN included', async () => {
    await initBackend('wasm');
    const n = 4 * 6 * 6 * 8 + 3; // a tail past the last block of 4
    const xv = values(90, n);
    xv[5] = Number.NaN;
    xv[7] = 0;
    const dyv = values(91, n);
    const grads = (fast: boolean) => {
      if (fast) installReluGradient();
      else uninstallReluGradient();
      return tf.tidy(() => {
        const dy = tf.tensor(dyv);
        const g = tf.grad((x: tf.Tensor) => tf.relu(x).mul(dy).sum())(tf.tensor(xv));
        return Float32Array.from(g.dataSync() as Float32Array);
      });
    };
    const slow = grads(false);
    const fast = grads(true);
    expect(Number.isNaN(fast[5]!)).toBe(true);
    expect(Number.isNaN(slow[5]!)).toBe(true);
    fast[5] = slow[5] = 0;
    expect(maxAbsDiff(fast, slow)).toBe(0);
    const ref = tf.tidy(() => Float32Array.from(reluGradReference(tf.tensor(dyv), tf.tensor(xv)).dataSync() as Float32Array));
    ref[5] = 0;
    expect(maxAbsDiff(fast, ref)).toBe(0);
    expect(fast[7]).toBe(0);
  });
});

describe('Identity', () => {
  it('shares the data instead of copying it, and the copy outlives the original', async () => {
    await initBackend('wasm');
    const be = tf.backend() as unknown as { numDataIds(): number };
    const a = tf.tensor([1, 2, 3, 4]);
    const before = be.numDataIds();
    const b = tf.engine().runKernel('Identity', { x: a }) as tf.Tensor;
    expect(be.numDataIds()).toBe(before);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4]);
    b.dispose();
    expect(be.numDataIds()).toBe(before - 1);
  });
});
