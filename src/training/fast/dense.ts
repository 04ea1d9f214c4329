/**
 * The fused trainer for dense networks: a Sequential stack of Dense layers
 * (relu, tanh, sigmoid, linear; softmax or sigmoid last), with Dropout between
 * them, trained with sgd, adam or rmsprop on meanSquaredError,
 * binaryCrossentropy or categoricalCrossentropy: the shape of the linear,
 * xor, iris and mnist lessons.
 *
 * Why: model.fit spends most of a small batch on bookkeeping (a tape, a
 * gradient graph, a dozen kernels per layer, each with an allocation) and
 * runs the large products of mnist on one core. Here one batch is a handful
 * of calls into our WebAssembly SIMD module (native/dense.c) on a memory the
 * trainer owns and lays out once: the data, the weights, the optimizer's
 * state and every buffer. The memory is shared, so a worker thread
 * (dense-worker.mjs) takes half the rows of each large product: both cores.
 * Each output element is computed by one thread in one fixed order, so a
 * seeded run gives the same numbers whether it used one thread or two.
 *
 * It follows model.fit's semantics: the batches in the trainer's shuffled
 * order, the loss and accuracy of an epoch as the mean over its rows (each
 * batch's before its update), validation after the epoch without dropout,
 * tfjs's loss definitions (probabilities clipped to [eps, 1 - eps]) and its
 * optimizers' formulas. The initial weights are read from the tfjs model and
 * the trained ones written back into it, so lessons inspect it as before.
 */
import type * as TfModule from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tf } from '../lesson.ts';
import { createRng, type Rng } from '../rng.ts';
import type { OptimizerName } from '../types.ts';

type LayersModel = TfModule.LayersModel;

export const DENSE_WASM = fileURLToPath(new URL('../kernels/native/dense.wasm', import.meta.url));
const WORKER = fileURLToPath(new URL('./dense-worker.mjs', import.meta.url));

const ACT = { linear: 0, relu: 1, tanh: 2, sigmoid: 3 } as const;
type Act = 0 | 1 | 2 | 3;
type Loss = 'meanSquaredError' | 'binaryCrossentropy' | 'categoricalCrossentropy';

/** One Dense layer as the fused trainer runs it. */
interface LayerPlan {
  inputs: number;
  units: number;
  /** The activation applied in the forward pass (the last layer's softmax or sigmoid lives in the loss instead). */
  act: Act;
  /** Dropout on this layer's input (rate), with its own seeded generator. */
  dropout?: { rate: number; seed: number };
}

/** What `planDense` found: the layers and how the output meets the loss. */
export interface DensePlan {
  layers: LayerPlan[];
  loss: Loss;
  /** The last layer's output goes through softmax (categorical) or sigmoid (binary) inside the loss. */
  fusedOutput: boolean;
}

/**
 * Products at least this large (multiply-adds) are split over two threads:
 * below it, handing half to the helper costs more than it saves (a wake-up is
 * tens of microseconds).
 */
const SPLIT_MIN_MACS = 1 << 20;
/** Where our layout starts (the module's own first pages are its unused C stack). */
const BASE = 256 * 1024;
const PAGE = 65536;

/**
 * The plan for training `model` with the fused trainer, or a reason why it
 * cannot (then model.fit trains it).
 */
export function planDense(model: LayersModel, loss: string): DensePlan | string {
  if (!['meanSquaredError', 'binaryCrossentropy', 'categoricalCrossentropy'].includes(loss)) return `loss ${loss}`;
  if (model.getClassName() !== 'Sequential') return 'not a Sequential model';
  const input = model.inputs[0]?.shape;
  if (!input || input.length !== 2 || typeof input[1] !== 'number') return 'input is not [batch, features]';
  const layers: LayerPlan[] = [];
  let width = input[1];
  let dropout: LayerPlan['dropout'];
  const acts: string[] = [];
  for (const layer of model.layers) {
    const c = layer.getConfig() as Record<string, unknown>;
    const kind = layer.getClassName();
    if (kind === 'Dropout') {
      const rate = Number(c.rate);
      if (dropout || !(rate >= 0 && rate < 1) || (c.noiseShape ?? null) !== null) return 'dropout';
      if (rate > 0) dropout = { rate, seed: Number.isInteger(c.seed) ? Number(c.seed) : 0 };
      continue;
    }
    if (kind !== 'Dense') return `layer ${kind}`;
    if (c.useBias === false || c.kernelRegularizer || c.biasRegularizer || c.activityRegularizer || c.kernelConstraint || c.biasConstraint) {
      return 'dense layer with regularisers, constraints or no bias';
    }
    const act = String(c.activation ?? 'linear');
    acts.push(act);
    layers.push({ inputs: width, units: Number(c.units), act: 0, dropout });
    dropout = undefined;
    width = Number(c.units);
  }
  if (layers.length === 0 || dropout) return 'no dense layer, or dropout after the last';
  let fusedOutput = false;
  for (let i = 0; i < layers.length; i++) {
    const a = acts[i]!;
    const last = i === layers.length - 1;
    if (last && a === 'softmax' && loss === 'categoricalCrossentropy') fusedOutput = true;
    else if (last && a === 'sigmoid' && loss === 'binaryCrossentropy') fusedOutput = true;
    else if (a in ACT && !(last && loss !== 'meanSquaredError')) layers[i]!.act = ACT[a as keyof typeof ACT];
    else return `activation ${a}${last ? ` with ${loss}` : ''}`;
  }
  return { layers, loss: loss as Loss, fusedOutput };
}

/** The module's exports (native/dense.c), for the trainer and for tests against the reference kernels. */
export interface DenseExports {
  gemm_nn(A: number, B: number, C: number, N: number, K: number, m0: number, m1: number): void;
  gemm_tn(A: number, B: number, C: number, M: number, N: number, K: number, m0: number, m1: number): void;
  transpose(src: number, dst: number, rows: number, cols: number): void;
  bias_act(x: number, bias: number, C: number, act: number, r0: number, r1: number): void;
  act_grad(dy: number, a: number, n: number, act: number): void;
  sum_rows(x: number, out: number, rows: number, C: number): void;
  mul_mask(x: number, mask: number, n: number): void;
  gather_rows(src: number, idx: number, dst: number, count: number, rowSize: number): void;
  softmax_ce(z: number, y: number, dz: number, hits: number, B: number, C: number, scale: number, eps: number): number;
  sigmoid_bce(z: number, y: number, dz: number, hits: number, B: number, C: number, scale: number, eps: number): number;
  mse(z: number, y: number, dz: number, hits: number, B: number, C: number, scale: number): number;
  sgd(x: number, g: number, n: number, negLr: number): void;
  adam(x: number, g: number, m: number, v: number, n: number, b1: number, b2: number, omb1: number, omb2: number, c1: number, c2: number, eps: number, negLr: number): void;
  rmsprop(x: number, g: number, ms: number, n: number, decay: number, omDecay: number, eps: number, lr: number): void;
}

/** The little of the WebAssembly JS API used here (no DOM library in this project). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { buffer: SharedArrayBuffer };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null | undefined;
function compile(): object | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = new WA.Module(readFileSync(DENSE_WASM));
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Whether this engine runs the module (WebAssembly SIMD and threads' shared memory). */
export function denseTrainerAvailable(): boolean {
  return compile() !== null;
}

/**
 * A fresh instance of the module on its own shared memory of `bytes` bytes
 * (past the module's reserved first pages), with a bump allocator: what the
 * tests use to check each kernel against the reference ones.
 */
export function instantiateDense(bytes: number): { ex: DenseExports; f32: Float32Array; alloc(floats: number): number } {
  const module = compile();
  if (!module) throw new Error('the fused dense trainer needs WebAssembly SIMD and shared memory');
  const L = new Layout();
  const pages = Math.ceil((BASE + bytes) / PAGE) + 1;
  const memory = new WA.Memory({ initial: pages, maximum: pages, shared: true });
  const ex = new WA.Instance(module, { env: { memory } }).exports as DenseExports;
  return { ex, f32: new Float32Array(memory.buffer), alloc: (n) => L.floats(n) };
}

/** A bump allocator of 16-byte aligned regions. */
class Layout {
  next = BASE;
  floats(n: number): number {
    const at = this.next;
    this.next += Math.ceil((n * 4) / 16) * 16;
    return at;
  }
}

interface LayerMem {
  plan: LayerPlan;
  W: number;
  b: number;
  gW: number;
  gb: number;
  /** Optimizer state: adam's m and v, or rmsprop's mean square (second unused). */
  sW: [number, number];
  sb: [number, number];
  /** The layer's output [B, units] (after its activation). */
  A: number;
  /** The gradient at its pre-activation [B, units]. */
  G: number;
  /** Its input after dropout [B, inputs] and the dropout mask. */
  D?: number;
  mask?: number;
  rng?: Rng;
}

/** What one pass over a set of rows gives: sums over its rows. */
export interface PassTotals {
  loss: number;
  hits: number;
  rows: number;
  /** False when a batch's loss was not a finite number (training stops there). */
  finite: boolean;
}

export interface DenseTrainerOptions {
  plan: DensePlan;
  model: LayersModel;
  tf: Tf;
  data: { xTrain: Float32Array; yTrain: Float32Array; xVal?: Float32Array; yVal?: Float32Array };
  batchSize: number;
  optimizer: OptimizerName;
  learningRate: number;
  /** Threads for the large products: 1 or 2 (default: 2 where the products are large enough to gain). */
  threads?: number;
}

/** A helper thread that runs its half of each large product on the shared memory. */
interface Helper {
  ctl: Int32Array;
  worker: import('node:worker_threads').Worker;
}

/** Control words in the shared memory (Int32 indexes from CTL). */
const CTL = BASE - 256;
const C_GEN = 0;
const C_DONE = 1;
const C_OP = 2;
const C_ARGS = 3;
/** Loads of a control word before a thread sleeps on it (a few microseconds). */
const SPIN = 2000;

/**
 * Trains one dense model. Create with `DenseTrainer.create`, call `epoch`
 * and `validate` per epoch, `writeBack` at the end, and always `dispose`.
 */
export class DenseTrainer {
  private readonly ex: DenseExports;
  private readonly f32: Float32Array;
  private readonly i32: Int32Array;
  private readonly layers: LayerMem[];
  private readonly xTrain: number;
  private readonly yTrain: number;
  private readonly xVal?: number;
  private readonly yVal?: number;
  private readonly idx: number;
  private readonly Xb: number;
  private readonly Yb: number;
  private readonly Wt: number;
  private readonly hits: number;
  private readonly nTrain: number;
  private readonly nVal: number;
  private readonly inW: number;
  private readonly outW: number;
  private acc1 = 0;
  private acc2 = 0;
  private readonly helper?: Helper;
  private readonly eps = 1e-7;

  private constructor(
    private readonly opts: DenseTrainerOptions,
    exp: DenseExports,
    buffer: SharedArrayBuffer,
    layout: { layers: LayerMem[]; xTrain: number; yTrain: number; xVal?: number; yVal?: number; idx: number; Xb: number; Yb: number; Wt: number; hits: number },
    helper: Helper | undefined,
  ) {
    this.ex = exp;
    this.f32 = new Float32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.layers = layout.layers;
    this.xTrain = layout.xTrain;
    this.yTrain = layout.yTrain;
    this.xVal = layout.xVal;
    this.yVal = layout.yVal;
    this.idx = layout.idx;
    this.Xb = layout.Xb;
    this.Yb = layout.Yb;
    this.Wt = layout.Wt;
    this.hits = layout.hits;
    const p = opts.plan.layers;
    this.inW = p[0]!.inputs;
    this.outW = p[p.length - 1]!.units;
    this.nTrain = opts.data.xTrain.length / this.inW;
    this.nVal = opts.data.xVal ? opts.data.xVal.length / this.inW : 0;
    this.helper = helper;
    if (opts.optimizer === 'adam') {
      this.acc1 = Math.fround(0.9);
      this.acc2 = Math.fround(0.999);
    }
  }

  /** Lays out the memory, copies the data and the model's initial weights in, and starts the helper thread if it is worth one. */
  static async create(opts: DenseTrainerOptions): Promise<DenseTrainer> {
    const module = compile();
    if (!module) throw new Error('the fused dense trainer needs WebAssembly SIMD and shared memory');
    const { plan, data, batchSize: B } = opts;
    const L = new Layout();
    const inW = plan.layers[0]!.inputs;
    const outW = plan.layers[plan.layers.length - 1]!.units;
    const xTrain = L.floats(data.xTrain.length);
    const yTrain = L.floats(data.yTrain.length);
    const xVal = data.xVal && data.yVal ? L.floats(data.xVal.length) : undefined;
    const yVal = data.xVal && data.yVal ? L.floats(data.yVal.length) : undefined;
    const nTrain = data.xTrain.length / inW;
    const nVal = data.xVal ? data.xVal.length / inW : 0;
    const rows = Math.max(1, Math.min(B, Math.max(nTrain, nVal)));
    const idx = L.floats(Math.max(nTrain, nVal));
    const Xb = L.floats(rows * inW);
    const Yb = L.floats(rows * outW);
    let maxW = 0;
    const states = opts.optimizer === 'adam' ? 2 : opts.optimizer === 'rmsprop' ? 1 : 0;
    const layers: LayerMem[] = plan.layers.map((p) => {
      const n = p.inputs * p.units;
      maxW = Math.max(maxW, n);
      const m: LayerMem = {
        plan: p,
        W: L.floats(n),
        b: L.floats(p.units),
        gW: L.floats(n),
        gb: L.floats(p.units),
        sW: [states > 0 ? L.floats(n) : 0, states > 1 ? L.floats(n) : 0],
        sb: [states > 0 ? L.floats(p.units) : 0, states > 1 ? L.floats(p.units) : 0],
        A: L.floats(rows * p.units),
        G: L.floats(rows * p.units),
      };
      if (p.dropout) {
        m.D = L.floats(rows * p.inputs);
        m.mask = L.floats(rows * p.inputs);
        m.rng = createRng(p.dropout.seed);
      }
      return m;
    });
    const Wt = L.floats(maxW);
    const hits = L.floats(4);
    const pages = Math.ceil(L.next / PAGE) + 1;
    const memory = new WA.Memory({ initial: pages, maximum: pages, shared: true });
    const exp = new WA.Instance(module, { env: { memory } }).exports as DenseExports;
    const f32 = new Float32Array(memory.buffer);
    f32.set(data.xTrain, xTrain / 4);
    f32.set(data.yTrain, yTrain / 4);
    if (xVal !== undefined && yVal !== undefined) {
      f32.set(data.xVal!, xVal / 4);
      f32.set(data.yVal!, yVal / 4);
    }
    // The model's initial weights (Dense layers in order: kernel [in, units], bias [units]).
    const dense = opts.model.layers.filter((l) => l.getClassName() === 'Dense');
    dense.forEach((layer, i) => {
      const [kernel, bias] = layer.getWeights();
      f32.set(kernel!.dataSync() as Float32Array, layers[i]!.W / 4);
      f32.set(bias!.dataSync() as Float32Array, layers[i]!.b / 4);
    });
    const macs = plan.layers.reduce((s, p) => s + p.inputs * p.units, 0) * Math.min(B, nTrain);
    const threads = opts.threads ?? (macs >= SPLIT_MIN_MACS ? 2 : 1);
    const helper = threads > 1 ? await startHelper(module, memory) : undefined;
    return new DenseTrainer(opts, exp, memory.buffer, { layers, xTrain, yTrain, xVal, yVal, idx, Xb, Yb, Wt, hits }, helper);
  }

  /** Threads the large products run on. */
  get threads(): number {
    return this.helper ? 2 : 1;
  }

  /** Rows [0, rows) of C = A · B ([rows, K] · [K, N]), split with the helper when large. */
  private nn(A: number, Bm: number, C: number, N: number, K: number, rows: number): void {
    if (this.helper && rows >= 8 && rows * N * K >= SPLIT_MIN_MACS) {
      // The helper takes the first rows (a multiple of 4, so both halves keep 4-row blocks).
      const mid = Math.floor(rows / 8) * 4;
      this.post(0, [A, Bm, C, N, K, 0, mid]);
      this.ex.gemm_nn(A, Bm, C, N, K, mid, rows);
      this.wait();
      return;
    }
    this.ex.gemm_nn(A, Bm, C, N, K, 0, rows);
  }

  /** C[M, N] = Aᵀ · B with A [K, M], split by rows of C with the helper when large. */
  private tn(A: number, Bm: number, C: number, M: number, N: number, K: number): void {
    if (this.helper && M >= 8 && M * N * K >= SPLIT_MIN_MACS) {
      const mid = Math.floor(M / 8) * 4;
      this.post(1, [A, Bm, C, M, N, K, 0, mid]);
      this.ex.gemm_tn(A, Bm, C, M, N, K, mid, M);
      this.wait();
      return;
    }
    this.ex.gemm_tn(A, Bm, C, M, N, K, 0, M);
  }

  private post(op: number, args: number[]): void {
    const ctl = this.helper!.ctl;
    ctl[C_OP] = op;
    for (let i = 0; i < args.length; i++) ctl[C_ARGS + i] = args[i]!;
    Atomics.store(ctl, C_DONE, 0);
    Atomics.add(ctl, C_GEN, 1);
    Atomics.notify(ctl, C_GEN);
  }

  private wait(): void {
    const ctl = this.helper!.ctl;
    // The helper's half usually ends about when ours does: look a while before sleeping.
    for (let spin = 0; spin < SPIN && Atomics.load(ctl, C_DONE) === 0; spin++);
    while (Atomics.load(ctl, C_DONE) === 0) Atomics.wait(ctl, C_DONE, 0, 50);
  }

  /** Forward pass over rows [0, B) of Xb (training: with dropout). Returns the last layer's output. */
  private forward(B: number, training: boolean): number {
    let input = this.Xb;
    for (const m of this.layers) {
      const p = m.plan;
      if (m.D !== undefined && training) {
        this.fillMask(m, B * p.inputs);
        this.f32.copyWithin(m.D / 4, input / 4, input / 4 + B * p.inputs);
        this.ex.mul_mask(m.D, m.mask!, B * p.inputs);
        input = m.D;
      }
      this.nn(input, m.W, m.A, p.units, p.inputs, B);
      this.ex.bias_act(m.A, m.b, p.units, p.act, 0, B);
      input = m.A;
    }
    return input;
  }

  private fillMask(m: LayerMem, n: number): void {
    const { rate } = m.plan.dropout!;
    const keep = Math.fround(1 / (1 - rate));
    const at = m.mask! / 4;
    for (let i = 0; i < n; i++) this.f32[at + i] = m.rng!.next() >= rate ? keep : 0;
  }

  /** The loss of the last layer's output against Yb: sum of row losses; writes dz into the last layer's G. */
  private lossOf(out: number, B: number): { loss: number; hits: number } {
    const last = this.layers[this.layers.length - 1]!;
    const C = this.outW;
    const scale = Math.fround(1 / B);
    let loss: number;
    switch (this.opts.plan.loss) {
      case 'categoricalCrossentropy':
        loss = this.ex.softmax_ce(out, this.Yb, last.G, this.hits, B, C, scale, this.eps);
        break;
      case 'binaryCrossentropy':
        loss = this.ex.sigmoid_bce(out, this.Yb, last.G, this.hits, B, C, scale, this.eps);
        break;
      case 'meanSquaredError':
        loss = this.ex.mse(out, this.Yb, last.G, this.hits, B, C, scale);
        this.ex.act_grad(last.G, last.A, B * C, last.plan.act);
        break;
    }
    return { loss, hits: this.f32[this.hits / 4]! };
  }

  /** Gradients of every layer from the last layer's G, then one optimizer step. */
  private backwardAndStep(B: number): void {
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const m = this.layers[l]!;
      const p = m.plan;
      const input = m.D ?? (l === 0 ? this.Xb : this.layers[l - 1]!.A);
      this.tn(input, m.G, m.gW, p.inputs, p.units, B);
      this.ex.sum_rows(m.G, m.gb, B, p.units);
      if (l > 0) {
        const prev = this.layers[l - 1]!;
        this.ex.transpose(m.W, this.Wt, p.inputs, p.units);
        this.nn(m.G, this.Wt, prev.G, p.inputs, p.units, B);
        if (m.mask !== undefined) this.ex.mul_mask(prev.G, m.mask, B * p.inputs);
        this.ex.act_grad(prev.G, prev.A, B * p.inputs, prev.plan.act);
      }
    }
    this.step();
  }

  private step(): void {
    const fr = Math.fround;
    const lr = this.opts.learningRate;
    const params = (m: LayerMem) =>
      [
        [m.W, m.gW, m.sW, m.plan.inputs * m.plan.units],
        [m.b, m.gb, m.sb, m.plan.units],
      ] as const;
    switch (this.opts.optimizer) {
      case 'sgd':
        for (const m of this.layers) for (const [x, g, , n] of params(m)) this.ex.sgd(x, g, n, fr(-lr));
        return;
      case 'rmsprop':
        for (const m of this.layers) for (const [x, g, s, n] of params(m)) this.ex.rmsprop(x, g, s[0], n, fr(0.9), fr(1 - 0.9), fr(this.eps), fr(lr));
        return;
      case 'adam': {
        const b1 = fr(0.9);
        const b2 = fr(0.999);
        const c1 = fr(1 - this.acc1);
        const c2 = fr(1 - this.acc2);
        for (const m of this.layers) {
          for (const [x, g, s, n] of params(m)) this.ex.adam(x, g, s[0], s[1], n, b1, b2, fr(1 - 0.9), fr(1 - 0.999), c1, c2, fr(this.eps), fr(-lr));
        }
        this.acc1 = fr(this.acc1 * b1);
        this.acc2 = fr(this.acc2 * b2);
        return;
      }
    }
  }

  /**
   * One epoch over the training rows in `order`. `between` runs after every
   * batch and returns false to stop (a cancellation). Sums over the rows of
   * the batches that ran.
   */
  async epoch(order: Int32Array, between?: () => boolean | Promise<boolean>): Promise<PassTotals & { stopped: boolean }> {
    const B = this.opts.batchSize;
    this.i32.set(order, this.idx / 4);
    const totals = { loss: 0, hits: 0, rows: 0, finite: true, stopped: false };
    for (let start = 0; start < this.nTrain; start += B) {
      const rows = Math.min(B, this.nTrain - start);
      this.ex.gather_rows(this.xTrain, this.idx + start * 4, this.Xb, rows, this.inW);
      this.ex.gather_rows(this.yTrain, this.idx + start * 4, this.Yb, rows, this.outW);
      const out = this.forward(rows, true);
      const { loss, hits } = this.lossOf(out, rows);
      const mean = Math.fround(loss / rows);
      totals.loss += loss;
      totals.hits += hits;
      totals.rows += rows;
      if (!Number.isFinite(mean)) {
        totals.finite = false;
        return totals;
      }
      this.backwardAndStep(rows);
      if (between && !(await between())) {
        totals.stopped = true;
        return totals;
      }
    }
    return totals;
  }

  /** The loss and hits of the validation rows (no dropout, no update); undefined without validation data. */
  validate(): PassTotals | undefined {
    if (this.xVal === undefined || this.yVal === undefined || this.nVal === 0) return undefined;
    const B = this.opts.batchSize;
    const totals = { loss: 0, hits: 0, rows: 0, finite: true };
    for (let start = 0; start < this.nVal; start += B) {
      const rows = Math.min(B, this.nVal - start);
      this.f32.copyWithin(this.Xb / 4, this.xVal / 4 + start * this.inW, this.xVal / 4 + (start + rows) * this.inW);
      this.f32.copyWithin(this.Yb / 4, this.yVal / 4 + start * this.outW, this.yVal / 4 + (start + rows) * this.outW);
      const out = this.forward(rows, false);
      const { loss, hits } = this.lossOf(out, rows);
      totals.loss += loss;
      totals.hits += hits;
      totals.rows += rows;
    }
    totals.finite = Number.isFinite(totals.loss);
    return totals;
  }

  /** Puts the trained weights into the tfjs model. */
  writeBack(): void {
    const { tf, model } = this.opts;
    const dense = model.layers.filter((l) => l.getClassName() === 'Dense');
    dense.forEach((layer, i) => {
      const m = this.layers[i]!;
      const p = m.plan;
      const kernel = tf.tensor(this.f32.slice(m.W / 4, m.W / 4 + p.inputs * p.units), [p.inputs, p.units], 'float32');
      const bias = tf.tensor(this.f32.slice(m.b / 4, m.b / 4 + p.units), [p.units], 'float32');
      layer.setWeights([kernel, bias]);
      tf.dispose([kernel, bias]);
    });
  }

  /** Stops the helper thread. */
  async dispose(): Promise<void> {
    if (!this.helper) return;
    const ctl = this.helper.ctl;
    ctl[C_OP] = -1;
    Atomics.add(ctl, C_GEN, 1);
    Atomics.notify(ctl, C_GEN);
    await this.helper.worker.terminate();
  }
}

/** Starts the helper thread on the shared memory; resolves once it has instantiated the module. */
async function startHelper(module: object, memory: { buffer: SharedArrayBuffer }): Promise<Helper | undefined> {
  const { Worker } = await import('node:worker_threads');
  const ctl = new Int32Array(memory.buffer, CTL, 16);
  ctl.fill(0);
  const worker = new Worker(WORKER, { workerData: { module, memory, ctl: CTL } });
  worker.unref();
  const ok = await new Promise<boolean>((resolve) => {
    worker.once('message', (m: unknown) => resolve(m === 'ready'));
    worker.once('error', () => resolve(false));
    worker.once('exit', () => resolve(false));
  });
  if (!ok) {
    await worker.terminate();
    return undefined;
  }
  return { ctl, worker };
}
