/**
 * The fused dense trainer (src/training/fast/fused.ts, kernels/native/fused.c):
 * each kernel against a reference (plain loops, tfjs's own losses, gradients
 * and optimizers on the cpu backend), the tails of its SIMD blocks and NaN
 * included; then whole runs against model.fit, one thread against two, and
 * the same seed twice.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/backend.ts';
import { FUSED_WASM, instantiateFused, planFused } from '../../src/training/fast/fused.ts';
import { adamStep } from '../../src/training/fast/optimizers.ts';
import type { Tf } from '../../src/training/lesson.ts';
import { loadLesson } from '../../src/training/lessons.ts';
import { createRng } from '../../src/training/rng.ts';
import { seedSource } from '../../src/training/run.ts';
import { fitSeries, type FitSeriesOptions } from '../../src/training/trainer.ts';
import type { EpochLog, TrainParams } from '../../src/training/types.ts';
import { LESSONS_DIR, withoutTimes } from './support.ts';

const tfm = tf as unknown as Tf;

function values(seed: number, n: number, scale = 1): Float32Array {
  const r = createRng(seed);
  return Float32Array.from({ length: n }, () => (r.next() * 2 - 1) * scale);
}

/** A module instance with room for `floats` floats, and a way to put arrays in and read them back. */
function mod(floats = 1 << 20) {
  const m = instantiateFused(floats * 4);
  return {
    ...m,
    put(a: Float32Array): number {
      const at = m.alloc(a.length);
      m.f32.set(a, at / 4);
      return at;
    },
    get(at: number, n: number): Float32Array {
      return m.f32.slice(at / 4, at / 4 + n);
    },
  };
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, label: string): void {
  expect(got.length, label).toBe(want.length);
  let scale = 1;
  for (let i = 0; i < want.length; i++) if (Number.isFinite(want[i]!)) scale = Math.max(scale, Math.abs(want[i]!));
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w)) expect(g, `${label}[${i}]`).toBeNaN();
    else if (!Number.isFinite(w)) expect(g, `${label}[${i}]`).toBe(w);
    else expect(Math.abs(g - w) / scale, `${label}[${i}]: ${g} vs ${w}`).toBeLessThan(tol);
  }
}

/** C = A · B in double precision. */
function refMatMul(A: Float32Array, B: Float32Array, M: number, N: number, K: number, transA = false): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (transA ? A[k * M + i]! : A[i * K + k]!) * B[k * N + j]!;
      C[i * N + j] = s;
    }
  return C;
}

describe('fused.wasm', () => {
  it('is the build of the committed fused.c (scripts/build-kernels.sh records its hash)', () => {
    const source = readFileSync(FUSED_WASM.replace(/fused\.wasm$/, 'fused.c'));
    const recorded = readFileSync(FUSED_WASM.replace(/fused\.wasm$/, 'fused.c.sha256'), 'utf8').trim();
    expect(createHash('sha256').update(source).digest('hex')).toBe(recorded);
  });
});

describe('dense kernels against the reference', () => {
  // Rows not a multiple of 4, columns not a multiple of 8 or 4, K of 1: every tail of the blocks.
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [3, 10, 7],
    [4, 8, 5],
    [5, 13, 64],
    [9, 16, 3],
    [12, 3, 17],
    [64, 128, 33],
  ];

  it('gemm_nn: C = A · B, whole or split by rows (the same numbers either way)', () => {
    for (const [M, N, K] of shapes) {
      const m = mod();
      const A = values(M * 7 + K, M * K);
      const B = values(N * 11 + K, K * N);
      const a = m.put(A);
      const b = m.put(B);
      const c = m.alloc(M * N);
      m.ex.gemm_nn(a, b, c, N, K, 0, M);
      const whole = m.get(c, M * N);
      expectClose(whole, refMatMul(A, B, M, N, K), 1e-5, `nn ${M}x${N}x${K}`);
      const c2 = m.alloc(M * N);
      const mid = Math.floor(M / 8) * 4;
      m.ex.gemm_nn(a, b, c2, N, K, 0, mid);
      m.ex.gemm_nn(a, b, c2, N, K, mid, M);
      expect(m.get(c2, M * N)).toEqual(whole);
    }
  });

  it('gemm_tn: C = Aᵀ · B, whole or split by rows', () => {
    for (const [M, N, K] of shapes) {
      const m = mod();
      const A = values(M * 3 + K, K * M);
      const B = values(N * 5 + K, K * N);
      const a = m.put(A);
      const b = m.put(B);
      const c = m.alloc(M * N);
      m.ex.gemm_tn(a, b, c, M, N, K, 0, M);
      const whole = m.get(c, M * N);
      expectClose(whole, refMatMul(A, B, M, N, K, true), 1e-5, `tn ${M}x${N}x${K}`);
      const c2 = m.alloc(M * N);
      const mid = Math.floor(M / 8) * 4;
      m.ex.gemm_tn(a, b, c2, M, N, K, 0, mid);
      m.ex.gemm_tn(a, b, c2, M, N, K, mid, M);
      expect(m.get(c2, M * N)).toEqual(whole);
    }
  });

  it('the products carry NaN to the outputs that read it', () => {
    const m = mod();
    const [M, N, K] = [5, 9, 6];
    const A = values(1, M * K);
    A[2 * K + 3] = NaN; // row 2 of A
    const B = values(2, K * N);
    const c = m.alloc(M * N);
    m.ex.gemm_nn(m.put(A), m.put(B), c, N, K, 0, M);
    const C = m.get(c, M * N);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) expect(Number.isNaN(C[i * N + j]!)).toBe(i === 2);
    const At = values(3, K * M);
    At[4 * M + 1] = NaN; // column 1 of Aᵀ's rows: row 1 of C
    const c2 = m.alloc(M * N);
    m.ex.gemm_tn(m.put(At), m.put(B), c2, M, N, K, 0, M);
    const C2 = m.get(c2, M * N);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) expect(Number.isNaN(C2[i * N + j]!)).toBe(i === 1);
  });

  it('transpose, sum_rows, mul_mask and gather_rows', () => {
    const m = mod();
    const X = values(4, 7 * 13);
    const x = m.put(X);
    const t = m.alloc(7 * 13);
    m.ex.transpose(x, t, 7, 13);
    const T = m.get(t, 7 * 13);
    for (let r = 0; r < 7; r++) for (let c = 0; c < 13; c++) expect(T[c * 7 + r]).toBe(X[r * 13 + c]);
    const s = m.alloc(13);
    m.ex.sum_rows(x, s, 7, 13);
    expectClose(m.get(s, 13), Array.from({ length: 13 }, (_, c) => Array.from({ length: 7 }, (_, r) => X[r * 13 + c]!).reduce((p, q) => p + q, 0)), 1e-6, 'sum_rows');
    const mask = Float32Array.from({ length: 7 * 13 }, (_, i) => (i % 3 === 0 ? 0 : 1.25));
    const y = m.put(X);
    m.ex.mul_mask(y, m.put(mask), 7 * 13);
    expect(m.get(y, 7 * 13)).toEqual(Float32Array.from(X, (v, i) => Math.fround(v * mask[i]!)));
    const idx = m.alloc(3);
    new Int32Array(m.f32.buffer).set([6, 0, 3], idx / 4);
    const g = m.alloc(3 * 13);
    m.ex.gather_rows(x, idx, g, 3, 13);
    expect(m.get(g, 3 * 13)).toEqual(Float32Array.from([...X.slice(78, 91), ...X.slice(0, 13), ...X.slice(39, 52)]));
  });

  it('im2col and col2im: the patches of a stride-1 valid convolution, and their gradients added back', async () => {
    await initBackend('cpu');
    for (const [B, H, W, C, fh, fw, Co] of [
      [2, 6, 5, 1, 3, 2, 3],
      [1, 5, 7, 3, 2, 3, 5],
      [3, 4, 4, 8, 3, 3, 4],
    ] as const) {
      const OH = H - fh + 1;
      const OW = W - fw + 1;
      const K = fh * fw * C;
      const m = mod();
      const X = values(B * H + C, B * H * W * C);
      const Wf = values(K + Co, K * Co);
      const x = m.put(X);
      const cols = m.alloc(B * OH * OW * K);
      m.ex.im2col(x, cols, B, H, W, C, OH, OW, fh, fw);
      // The patches times the filter as a [K, Co] matrix are tfjs's convolution.
      const out = m.alloc(B * OH * OW * Co);
      m.ex.gemm_nn(cols, m.put(Wf), out, Co, K, 0, B * OH * OW);
      const xt = tf.tensor4d(X, [B, H, W, C]);
      const wt = tf.tensor4d(Wf, [fh, fw, C, Co]);
      expectClose(m.get(out, B * OH * OW * Co), tf.conv2d(xt, wt, 1, 'valid').dataSync(), 1e-5, `conv ${B}x${H}x${W}x${C} ${fh}x${fw}`);
      // col2im of (dy · Wᵀ) is tfjs's gradient of the convolution with respect to its input.
      const DY = values(Co * 3 + H, B * OH * OW * Co);
      const dcols = m.alloc(B * OH * OW * K);
      const wT = m.alloc(K * Co);
      m.ex.transpose(m.put(Wf), wT, K, Co);
      m.ex.gemm_nn(m.put(DY), wT, dcols, K, Co, 0, B * OH * OW);
      const dx = m.alloc(B * H * W * C);
      m.ex.col2im(dcols, dx, B, H, W, C, OH, OW, fh, fw);
      const ref = tf.grad((t: tf.Tensor) => tf.conv2d(t as tf.Tensor4D, wt, 1, 'valid'))(xt, tf.tensor4d(DY, [B, OH, OW, Co]));
      expectClose(m.get(dx, B * H * W * C), ref.dataSync(), 1e-5, `col2im ${B}x${H}x${W}x${C}`);
    }
    await initBackend('wasm');
  });

  it('max_pool_2x2 and max_pool_grad_2x2: tfjs-core’s pool and its gradient (ties to the first maximum, odd sizes, channels not a multiple of 4)', async () => {
    await initBackend('cpu');
    for (const [B, H, W, C] of [
      [2, 4, 4, 8],
      [1, 5, 7, 3],
      [2, 6, 6, 5],
    ] as const) {
      const OH = Math.floor((H - 2) / 2) + 1;
      const OW = Math.floor((W - 2) / 2) + 1;
      // Values on a coarse grid, so that windows have ties; a few NaNs (passed over, as tfjs-core does) and one window all NaN.
      const X = Float32Array.from(values(B + H * C, B * H * W * C), (v) => Math.round(v * 2) / 2);
      for (const i of [1, 7, 2 * W * C + 3]) X[i] = NaN;
      for (const i of [0, C, W * C, W * C + C]) X[i + 1] = NaN;
      const DY = values(C + W, B * OH * OW * C);
      const m = mod();
      const x = m.put(X);
      const out = m.alloc(B * OH * OW * C);
      m.ex.max_pool_2x2(x, out, B, H, W, C, OH, OW);
      const xt = tf.tensor4d(X, [B, H, W, C]);
      expectClose(m.get(out, B * OH * OW * C), tf.maxPool(xt, 2, 2, 'valid').dataSync(), 1e-7, `pool ${B}x${H}x${W}x${C}`);
      const dx = m.alloc(B * H * W * C);
      m.ex.max_pool_grad_2x2(x, m.put(DY), dx, B, H, W, C, OH, OW);
      const ref = tf.grad((t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'))(xt, tf.tensor4d(DY, [B, OH, OW, C]));
      expectClose(m.get(dx, B * H * W * C), ref.dataSync(), 1e-7, `pool grad ${B}x${H}x${W}x${C}`);
    }
    await initBackend('wasm');
  });

  it('conv_direct and conv_filter_grad_direct, whole or a part at a time (the trainer’s split over two threads)', async () => {
    await initBackend('cpu');
    const [B, H, W, C, fh, fw, Co] = [4, 9, 8, 1, 3, 3, 8];
    const OH = H - fh + 1;
    const OW = W - fw + 1;
    const X = values(31, B * H * W * C);
    const Wf = values(32, fh * fw * C * Co);
    const DY = values(33, B * OH * OW * Co);
    const m = mod();
    const x = m.put(X);
    const w = m.put(Wf);
    const out = m.alloc(B * OH * OW * Co);
    // Images [0, 2) then [2, 4), as the helper and the trainer split them.
    m.ex.conv_direct(x, w, out, 2, H, W, OH, OW, Co, fh, fw);
    m.ex.conv_direct(x + 2 * H * W * 4, w, out + 2 * OH * OW * Co * 4, 2, H, W, OH, OW, Co, fh, fw);
    const xt = tf.tensor4d(X, [B, H, W, C]);
    const wt = tf.tensor4d(Wf, [fh, fw, C, Co]);
    expectClose(m.get(out, B * OH * OW * Co), tf.conv2d(xt, wt, 1, 'valid').dataSync(), 1e-5, 'conv_direct');
    const dw = m.alloc(fh * fw * C * Co);
    const J = fw * C;
    // Filter rows [0, 1) then [1, 3).
    m.ex.conv_filter_grad_direct(x, m.put(DY), dw, B, H, W, C, OH, OW, Co, 1, fw);
    const dy2 = m.put(DY);
    m.ex.conv_filter_grad_direct(x + W * C * 4, dy2, dw + J * Co * 4, B, H, W, C, OH, OW, Co, 2, fw);
    const ref = tf.grad((f: tf.Tensor) => tf.conv2d(xt, f as tf.Tensor4D, 1, 'valid'))(wt, tf.tensor4d(DY, [B, OH, OW, Co]));
    expectClose(m.get(dw, fh * fw * C * Co), ref.dataSync(), 1e-5, 'conv_filter_grad_direct');
    await initBackend('wasm');
  });

  it('bias_act and act_grad: linear, relu, tanh and sigmoid as tfjs computes them, NaN kept', async () => {
    await initBackend('cpu');
    const [R, C] = [5, 11];
    const X = values(5, R * C, 4);
    X[7] = NaN;
    const bias = values(6, C);
    const dy = values(7, R * C);
    const acts: [number, string][] = [
      [0, 'linear'],
      [1, 'relu'],
      [2, 'tanh'],
      [3, 'sigmoid'],
    ];
    for (const [code, name] of acts) {
      const m = mod();
      const x = m.put(X);
      m.ex.bias_act(x, m.put(bias), C, code, 0, R);
      const got = m.get(x, R * C);
      const pre = tf.add(tf.tensor2d(X, [R, C]), tf.tensor1d(bias));
      const fn = (t: tf.Tensor) => (name === 'relu' ? tf.relu(t) : name === 'tanh' ? tf.tanh(t) : name === 'sigmoid' ? tf.sigmoid(t) : tf.mul(t, 1));
      expectClose(got, fn(pre).dataSync(), 1e-6, `bias_act ${name}`);
      // The gradient from the activation's output, against tfjs's own gradient of the activation.
      const g = m.put(dy);
      m.ex.act_grad(g, x, R * C, code);
      const ref = tf.grad((t: tf.Tensor) => fn(t))(pre, tf.tensor2d(dy, [R, C]));
      expectClose(m.get(g, R * C), ref.dataSync(), 1e-5, `act_grad ${name}`);
    }
    await initBackend('wasm');
  });

  /** A loss kernel's mean loss, hits and dz against tfjs-layers' loss, its accuracy and its gradient (through the output activation). */
  async function checkLoss(
    kernel: 'softmax_ce' | 'sigmoid_bce' | 'mse',
    B: number,
    C: number,
    Z: Float32Array,
    Y: Float32Array,
    lossRef: (y: tf.Tensor, p: tf.Tensor) => tf.Tensor,
    outAct: (z: tf.Tensor) => tf.Tensor,
    accRef?: (y: tf.Tensor, p: tf.Tensor) => tf.Tensor,
  ): Promise<void> {
    await initBackend('cpu');
    const m = mod();
    const z = m.put(Z);
    const y = m.put(Y);
    const dz = m.alloc(B * C);
    const hits = m.alloc(1);
    const scale = Math.fround(1 / B);
    const total =
      kernel === 'mse' ? m.ex.mse(z, y, dz, hits, B, C, scale) : m.ex[kernel](z, y, dz, hits, B, C, scale, 1e-7);
    const zt = tf.tensor2d(Z, [B, C]);
    const yt = tf.tensor2d(Y, [B, C]);
    const meanLoss = (t: tf.Tensor) => tf.mean(lossRef(yt, outAct(t)));
    const want = meanLoss(zt).dataSync()[0]!;
    if (Number.isNaN(want)) expect(total).toBeNaN();
    else {
      expect(Math.abs(total / B - want) / Math.max(1, Math.abs(want))).toBeLessThan(1e-5);
      expectClose(m.get(dz, B * C), tf.grad(meanLoss)(zt).dataSync(), 1e-5, `${kernel} dz`);
    }
    if (accRef) expect(m.get(hits, 1)[0]).toBeCloseTo(tf.sum(accRef(yt, outAct(zt))).dataSync()[0]!, 4);
    await initBackend('wasm');
  }

  const oneHot = (B: number, C: number, seed: number) => {
    const r = createRng(seed);
    const y = new Float32Array(B * C);
    for (let i = 0; i < B; i++) y[i * C + Math.floor(r.next() * C)] = 1;
    return y;
  };

  it('softmax_ce: categorical cross-entropy of a softmax, its accuracy and gradient; NaN gives NaN', async () => {
    const layersCE = (y: tf.Tensor, p: tf.Tensor) => tf.metrics.categoricalCrossentropy(y, p);
    for (const [B, C] of [
      [7, 10],
      [5, 3],
      [1, 2],
    ] as const) {
      await checkLoss('softmax_ce', B, C, values(B * C, B * C, 3), oneHot(B, C, B), layersCE, (z) => tf.softmax(z), (y, p) => tf.metrics.categoricalAccuracy(y, p));
    }
    // Saturated rows: a true class whose p is clipped below eps (no gradient in tfjs), and one clipped above 1 - eps.
    const sat = Float32Array.from([60, 0, -60, 0, 0, 0, 1, 2, 40, -40, 3, 0]);
    await checkLoss('softmax_ce', 4, 3, sat, Float32Array.from([0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0]), layersCE, (z) => tf.softmax(z));
    const Z = values(9, 4 * 5, 3);
    Z[6] = NaN;
    await checkLoss('softmax_ce', 4, 5, Z, oneHot(4, 5, 2), layersCE, (z) => tf.softmax(z));
  });

  it('sigmoid_bce: binary cross-entropy of a sigmoid, its accuracy and gradient; NaN gives NaN', async () => {
    const r = createRng(3);
    const Y = Float32Array.from({ length: 9 }, () => (r.next() < 0.5 ? 0 : 1));
    const bce = (y: tf.Tensor, p: tf.Tensor) => tf.metrics.binaryCrossentropy(y, p);
    await checkLoss('sigmoid_bce', 9, 1, values(10, 9, 4), Y, bce, (z) => tf.sigmoid(z), (y, p) => tf.metrics.binaryAccuracy(y, p));
    // Two outputs per row (the mean over them), and saturated sigmoids (clipped: no gradient, as in tfjs).
    await checkLoss('sigmoid_bce', 3, 2, Float32Array.from([40, -40, 0.5, -1, 30, 2]), Float32Array.from([0, 1, 1, 0, 1, 1]), bce, (z) => tf.sigmoid(z));
    const Z = values(11, 9, 4);
    Z[0] = NaN;
    await checkLoss('sigmoid_bce', 9, 1, Z, Y, bce, (z) => tf.sigmoid(z));
  });

  it('mse: mean squared error and its gradient; NaN gives NaN', async () => {
    const mse = (y: tf.Tensor, p: tf.Tensor) => tf.metrics.meanSquaredError(y, p);
    await checkLoss('mse', 6, 1, values(12, 6, 2), values(13, 6, 2), mse, (z) => z);
    await checkLoss('mse', 3, 4, values(14, 12, 2), values(15, 12, 2), mse, (z) => z);
    const Z = values(16, 6, 2);
    Z[3] = NaN;
    await checkLoss('mse', 6, 1, Z, values(13, 6, 2), mse, (z) => z);
  });

  it('adam is the fused Adam step exactly (the same float32 rounding); sgd and rmsprop are tfjs optimizers’ steps', async () => {
    const n = 37;
    const X = values(20, n);
    const G = values(21, n);
    const M0 = values(22, n, 0.1);
    const V0 = Float32Array.from(values(23, n, 0.01), Math.abs);
    const fr = Math.fround;
    const k = { beta1: fr(0.9), beta2: fr(0.999), oneMinusBeta1: fr(0.1), oneMinusBeta2: fr(1 - 0.999), c1: fr(1 - fr(0.9 * 0.9)), c2: fr(1 - fr(0.999 * 0.999)), epsilon: fr(1e-7), negLr: fr(-0.002) };
    const want = { x: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n) };
    adamStep(X, G, M0, V0, want.x, want.m, want.v, k);
    const m = mod();
    const [x, g, mm, v] = [m.put(X), m.put(G), m.put(M0), m.put(V0)];
    m.ex.adam(x, g, mm, v, n, k.beta1, k.beta2, k.oneMinusBeta1, k.oneMinusBeta2, k.c1, k.c2, k.epsilon, k.negLr);
    expect(m.get(x, n)).toEqual(want.x);
    expect(m.get(mm, n)).toEqual(want.m);
    expect(m.get(v, n)).toEqual(want.v);

    await initBackend('cpu');
    for (const name of ['sgd', 'rmsprop'] as const) {
      const variable = tf.variable(tf.tensor1d(X));
      const opt = name === 'sgd' ? tf.train.sgd(0.05) : tf.train.rmsprop(0.05);
      opt.applyGradients({ [variable.name]: tf.tensor1d(G) });
      const ref = variable.dataSync();
      const m2 = mod();
      const x2 = m2.put(X);
      if (name === 'sgd') m2.ex.sgd(x2, m2.put(G), n, fr(-0.05));
      else m2.ex.rmsprop(x2, m2.put(G), m2.put(new Float32Array(n)), n, fr(0.9), fr(1 - 0.9), fr(1e-7), fr(0.05));
      expectClose(m2.get(x2, n), ref, 1e-6, name);
      opt.dispose();
      variable.dispose();
    }
    await initBackend('wasm');
  });
});

describe('the fused trainer', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  async function fit(id: string, params: Partial<TrainParams>, fused: FitSeriesOptions['fused'], limit?: number): Promise<EpochLog[]> {
    const lesson = await loadLesson(id, LESSONS_DIR);
    const data = await lesson.loadData(lesson.dataSeed ?? 1);
    const p = { ...lesson.defaults, ...params } as TrainParams;
    const cut = (a: { values: Float32Array; shape: number[] } | undefined) => {
      if (!a) return undefined;
      const rows = Math.min(a.shape[0]!, limit ?? a.shape[0]!);
      const width = a.values.length / a.shape[0]!;
      return tf.tensor(a.values.slice(0, rows * width), [rows, ...a.shape.slice(1)], 'float32');
    };
    const tensors = { xTrain: cut(data.xTrain)!, yTrain: cut(data.yTrain)!, xVal: cut(data.xVal), yVal: cut(data.yVal) };
    const built = lesson.buildModel(p, tfm, seedSource(p.seed, 'model'));
    const model = Array.isArray(built) ? built[built.length - 1]!.model : built;
    if (Array.isArray(built)) for (const v of built.slice(0, -1)) v.model.dispose();
    try {
      const r = await fitSeries({ tf: tfm, model, data: tensors, params: p, loss: lesson.loss, metrics: lesson.metrics, series: { key: id, index: 0, count: 1 }, fused });
      return r.history;
    } finally {
      model.dispose();
      tf.dispose(Object.values(tensors).filter((t): t is tf.Tensor => t !== undefined));
    }
  }

  function expectSameCurve(a: EpochLog[], b: EpochLog[], tol: number): void {
    expect(a.length).toBe(b.length);
    a.forEach((h, i) => {
      const o = b[i]!;
      for (const k of ['loss', 'valLoss'] as const) {
        if (h[k] === undefined) expect(o[k]).toBeUndefined();
        else expect(Math.abs(h[k]! - o[k]!) / Math.max(1e-3, Math.abs(o[k]!)), `${k} epoch ${h.epoch}`).toBeLessThan(tol);
      }
      for (const k of ['acc', 'valAcc'] as const) if (o[k] !== undefined) expect(Math.abs(h[k]! - o[k]!), `${k} epoch ${h.epoch}`).toBeLessThan(0.02);
    });
  }

  it('plans every lesson, and leaves what it cannot run to model.fit', async () => {
    for (const id of ['linear', 'iris', 'mnist', 'cnn']) {
      const lesson = await loadLesson(id, LESSONS_DIR);
      const model = lesson.buildModel({ ...lesson.defaults, dropout: 0.2 } as TrainParams, tfm, seedSource(1, 'model')) as tf.LayersModel;
      expect(typeof planFused(model, lesson.loss), id).toBe('object');
      model.dispose();
    }
    const padded = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same' }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    expect(planFused(padded, 'categoricalCrossentropy')).toMatch(/convolution other than/);
    const lstm = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: 'elu' })] });
    expect(planFused(lstm, 'meanSquaredError')).toMatch(/activation elu/);
    padded.dispose();
    lstm.dispose();
  });

  it('draws the curves model.fit draws: linear (sgd, mse), xor (adam, binary), iris (adam, categorical), mnist (rmsprop, few rows)', async () => {
    expectSameCurve(await fit('linear', { epochs: 6 }, true), await fit('linear', { epochs: 6 }, false), 1e-3);
    expectSameCurve(await fit('xor', { epochs: 15 }, true), await fit('xor', { epochs: 15 }, false), 1e-3);
    expectSameCurve(await fit('iris', { epochs: 8 }, true), await fit('iris', { epochs: 8 }, false), 1e-3);
    expectSameCurve(await fit('mnist', { epochs: 2, optimizer: 'rmsprop', learningRate: 0.001 }, true, 600), await fit('mnist', { epochs: 2, optimizer: 'rmsprop', learningRate: 0.001 }, false, 600), 1e-2);
  }, 120_000);

  it('draws the curves model.fit draws: cnn (adam, convolutions and pools, few rows)', async () => {
    expectSameCurve(await fit('cnn', { epochs: 2 }, true, 400), await fit('cnn', { epochs: 2 }, false, 400), 1e-2);
    // Filters not a multiple of 4: the products and pools without the direct kernels.
    expectSameCurve(await fit('cnn', { epochs: 1, filters: 6 }, true, 300), await fit('cnn', { epochs: 1, filters: 6 }, false, 300), 1e-2);
  }, 120_000);

  it('gives identical histories for a seed, with one thread or two, dropout included', async () => {
    const params = { epochs: 1, dropout: 0.2 };
    const one = await fit('mnist', params, { threads: 1 }, 2000);
    const two = await fit('mnist', params, { threads: 2 }, 2000);
    const again = await fit('mnist', params, { threads: 2 }, 2000);
    expect(withoutTimes(two)).toEqual(withoutTimes(one));
    expect(withoutTimes(again)).toEqual(withoutTimes(one));
    const cnnOne = await fit('cnn', { epochs: 1 }, { threads: 1 }, 600);
    const cnnTwo = await fit('cnn', { epochs: 1 }, { threads: 2 }, 600);
    expect(withoutTimes(cnnTwo)).toEqual(withoutTimes(cnnOne));
  }, 120_000);

  it('stops with NaN where model.fit does', async () => {
    const lesson = await loadLesson('linear', LESSONS_DIR);
    const data = await lesson.loadData(lesson.dataSeed!);
    const run = async (fused: boolean) => {
      const model = lesson.buildModel(lesson.defaults, tfm, seedSource(42, 'model')) as tf.LayersModel;
      const t = (a: { values: Float32Array; shape: number[] }) => tf.tensor(a.values, a.shape, 'float32');
      const tensors = { xTrain: t(data.xTrain), yTrain: t(data.yTrain), xVal: t(data.xVal!), yVal: t(data.yVal!) };
      const r = await fitSeries({ tf: tfm, model, data: tensors, params: { ...lesson.defaults, learningRate: 10, epochs: 50 }, loss: lesson.loss, metrics: lesson.metrics, series: { key: 'l', index: 0, count: 1 }, fused });
      model.dispose();
      tf.dispose(Object.values(tensors));
      return r;
    };
    const a = await run(true);
    const b = await run(false);
    expect(a.stopped?.reason).toBe('nan');
    expect(a.stopped).toEqual(b.stopped);
  }, 60_000);
});
