/**
 * The fused trainer: a Sequential stack of Conv2D (stride 1, no padding),
 * 2x2 MaxPooling2D, Flatten and Dense layers (relu, tanh, sigmoid, linear;
 * softmax or sigmoid last), with Dropout before Dense layers, trained with
 * sgd, adam or rmsprop on meanSquaredError, binaryCrossentropy or
 * categoricalCrossentropy: the shape of every lesson (linear, xor, iris,
 * mnist, cnn).
 *
 * Why: model.fit spends most of a small batch on bookkeeping (a tape, a
 * gradient graph, a dozen kernels per layer, each with an allocation) and
 * runs the large products on one core. Here one batch is a handful
 * of calls into our WebAssembly SIMD module (native/fused.c) on a memory the
 * trainer owns and lays out once: the data, the weights, the optimizer's
 * state and every buffer. The memory is shared, so a worker thread
 * (fused-worker.mjs) takes half the rows of each large product: both cores.
 * Each output element is computed by one thread in one fixed order, so a
 * seeded run gives the same numbers whether it used one thread or two.
 *
 * It follows model.fit's semantics: the batches in the trainer's shuffled
 * order, the loss and accuracy of an epoch as the mean over its rows (each
 * batch's before its update), validation after the epoch without dropout,
 * tfjs's loss definitions (probabilities clipped to [eps, 1 - eps]) and its
 * optimizers' formulas. The initial weights are read from the tfjs model and
 * the trained ones written back into it, so lessons inspect it as before.
 * A convolution is a product too: its input patches laid out as rows
 * (im2col) times the filter seen as a [fh*fw*C, filters] matrix.
 */
import type * as TfModule from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Tf } from '../lesson.ts';
import { createRng, type Rng } from '../rng.ts';
import type { OptimizerName } from '../types.ts';

type LayersModel = TfModule.LayersModel;

/** The committed build of native/fused.c (scripts/build-kernels.sh). */
export const FUSED_WASM = fileURLToPath(new URL('../kernels/native/fused.wasm', import.meta.url));
const WORKER = fileURLToPath(new URL('./fused-worker.mjs', import.meta.url));

const ACT = { linear: 0, relu: 1, tanh: 2, sigmoid: 3 } as const;
type Act = 0 | 1 | 2 | 3;
type Loss = 'meanSquaredError' | 'binaryCrossentropy' | 'categoricalCrossentropy';

/**
 * A layer with weights as the fused trainer runs it: a product of its input
 * rows [rows, K] with W [K, N], plus a bias and an activation. Dense: one row
 * per sample, K its inputs. Conv2D: one row per output pixel (its patch), K =
 * fh*fw*C, N the filters.
 */
interface MatrixPlan {
  kind: 'matrix';
  K: number;
  N: number;
  /**
   * Present for a convolution: the input image and the filter, and whether
   * the direct kernels apply: the forward pass of a one-channel image with
   * filters a multiple of 8 (no patches laid out), the filter's gradient with
   * filters a multiple of 4.
   */
  conv?: { H: number; W: number; C: number; OH: number; OW: number; fh: number; fw: number; directForward: boolean; directGrad: boolean };
  /** The activation applied in the forward pass (the last layer's softmax or sigmoid lives in the loss instead). */
  act: Act;
  /** Dropout on this layer's input (rate), with its own seeded generator (dense layers only). */
  dropout?: { rate: number; seed: number };
  /** Floats per sample of its input and of its output. */
  inSize: number;
  outSize: number;
}

/** A 2x2, stride-2, unpadded max pool. */
interface PoolPlan {
  kind: 'pool';
  H: number;
  W: number;
  C: number;
  OH: number;
  OW: number;
  inSize: number;
  outSize: number;
}

type LayerPlan = MatrixPlan | PoolPlan;

/** Rows of the product per sample: output pixels for a convolution, 1 for a dense layer. */
const rowsPer = (p: MatrixPlan) => (p.conv ? p.conv.OH * p.conv.OW : 1);

/** What `planFused` found: the layers and how the output meets the loss. */
export interface FusedPlan {
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
export function planFused(model: LayersModel, loss: string): FusedPlan | string {
  if (!['meanSquaredError', 'binaryCrossentropy', 'categoricalCrossentropy'].includes(loss)) return `loss ${loss}`;
  if (model.getClassName() !== 'Sequential') return 'not a Sequential model';
  const input = model.inputs[0]?.shape.slice(1);
  if (!input || input.some((d) => typeof d !== 'number') || (input.length !== 1 && input.length !== 3)) return 'input is not [batch, features] or [batch, height, width, channels]';
  let shape = input as number[];
  const layers: LayerPlan[] = [];
  let dropout: MatrixPlan['dropout'];
  const acts: string[] = [];
  const pair = (v: unknown) => (Array.isArray(v) ? v.map(Number) : [Number(v), Number(v)]);
  for (const layer of model.layers) {
    const c = layer.getConfig() as Record<string, unknown>;
    const kind = layer.getClassName();
    const size = shape.reduce((a, b) => a * b, 1);
    if (kind === 'Dropout') {
      const rate = Number(c.rate);
      if (dropout || !(rate >= 0 && rate < 1) || (c.noiseShape ?? null) !== null) return 'dropout';
      if (rate > 0) dropout = { rate, seed: Number.isInteger(c.seed) ? Number(c.seed) : 0 };
      continue;
    }
    if (kind === 'Flatten') {
      // NHWC rows are already the flattened rows.
      shape = [size];
      continue;
    }
    if (dropout && kind !== 'Dense') return 'dropout before a layer that is not Dense';
    if (kind === 'MaxPooling2D') {
      const [ph, pw] = pair(c.poolSize);
      const [sh, sw] = pair(c.strides ?? c.poolSize);
      if (shape.length !== 3 || ph !== 2 || pw !== 2 || sh !== 2 || sw !== 2 || c.padding !== 'valid' || (c.dataFormat ?? 'channelsLast') !== 'channelsLast') {
        return 'a max pool other than 2x2, stride 2, valid, channels last';
      }
      const [H, W, C] = shape as [number, number, number];
      const OH = Math.floor((H - 2) / 2) + 1;
      const OW = Math.floor((W - 2) / 2) + 1;
      layers.push({ kind: 'pool', H, W, C, OH, OW, inSize: size, outSize: OH * OW * C });
      shape = [OH, OW, C];
      continue;
    }
    if (kind !== 'Dense' && kind !== 'Conv2D') return `layer ${kind}`;
    if (c.useBias === false || c.kernelRegularizer || c.biasRegularizer || c.activityRegularizer || c.kernelConstraint || c.biasConstraint) {
      return `${kind} layer with regularisers, constraints or no bias`;
    }
    acts.push(String(c.activation ?? 'linear'));
    if (kind === 'Dense') {
      if (shape.length !== 1) return 'dense layer on an image (no Flatten)';
      const N = Number(c.units);
      layers.push({ kind: 'matrix', K: shape[0]!, N, act: 0, dropout, inSize: size, outSize: N });
      dropout = undefined;
      shape = [N];
      continue;
    }
    const [fh, fw] = pair(c.kernelSize);
    const strides = pair(c.strides ?? 1);
    const dil = pair(c.dilationRate ?? 1);
    if (shape.length !== 3 || c.padding !== 'valid' || strides.some((v) => v !== 1) || dil.some((v) => v !== 1) || (c.dataFormat ?? 'channelsLast') !== 'channelsLast') {
      return 'a convolution other than stride 1, valid, channels last';
    }
    const [H, W, C] = shape as [number, number, number];
    const N = Number(c.filters);
    const OH = H - fh! + 1;
    const OW = W - fw! + 1;
    if (OH < 1 || OW < 1) return 'a filter larger than its image';
    const conv = { H, W, C, OH, OW, fh: fh!, fw: fw!, directForward: C === 1 && N % 8 === 0, directGrad: N % 4 === 0 };
    layers.push({ kind: 'matrix', K: fh! * fw! * C, N, conv, act: 0, inSize: size, outSize: OH * OW * N });
    shape = [OH, OW, N];
  }
  const matrices = layers.filter((l): l is MatrixPlan => l.kind === 'matrix');
  const last = layers[layers.length - 1];
  if (!last || last.kind !== 'matrix' || last.conv || dropout) return 'the last layer is not Dense, or dropout after it';
  let fusedOutput = false;
  for (let i = 0; i < matrices.length; i++) {
    const a = acts[i]!;
    const isLast = i === matrices.length - 1;
    if (isLast && a === 'softmax' && loss === 'categoricalCrossentropy') fusedOutput = true;
    else if (isLast && a === 'sigmoid' && loss === 'binaryCrossentropy') fusedOutput = true;
    else if (a in ACT && !(isLast && loss !== 'meanSquaredError')) matrices[i]!.act = ACT[a as keyof typeof ACT];
    else return `activation ${a}${isLast ? ` with ${loss}` : ''}`;
  }
  return { layers, loss: loss as Loss, fusedOutput };
}

/** The module's exports (native/fused.c), for the trainer and for tests against the reference kernels. */
export interface FusedExports {
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
  im2col(x: number, cols: number, B: number, H: number, W: number, C: number, OH: number, OW: number, fh: number, fw: number): void;
  col2im(dcols: number, dx: number, B: number, H: number, W: number, C: number, OH: number, OW: number, fh: number, fw: number): void;
  max_pool_2x2(x: number, out: number, B: number, H: number, W: number, C: number, OH: number, OW: number): void;
  max_pool_grad_2x2(x: number, dy: number, dx: number, B: number, H: number, W: number, C: number, OH: number, OW: number): void;
  conv_direct(x: number, w: number, out: number, B: number, H: number, W: number, OH: number, OW: number, Co: number, fh: number, fw: number): void;
  conv_filter_grad_direct(x: number, dy: number, dw: number, B: number, H: number, W: number, C: number, OH: number, OW: number, Co: number, fh: number, fw: number): void;
  add_into(dst: number, src: number, n: number): void;
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
    compiled = new WA.Module(readFileSync(FUSED_WASM));
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Whether this engine runs the module (WebAssembly SIMD and threads' shared memory). */
export function fusedTrainerAvailable(): boolean {
  return compile() !== null;
}

/**
 * A fresh instance of the module on its own shared memory of `bytes` bytes
 * (past the module's reserved first pages), with a bump allocator: what the
 * tests use to check each kernel against the reference ones.
 */
export function instantiateFused(bytes: number): { ex: FusedExports; f32: Float32Array; alloc(floats: number): number } {
  const module = compile();
  if (!module) throw new Error('the fused trainer needs WebAssembly SIMD and shared memory');
  const L = new Layout();
  const pages = Math.ceil((BASE + bytes) / PAGE) + 1;
  const memory = new WA.Memory({ initial: pages, maximum: pages, shared: true });
  const ex = new WA.Instance(module, { env: { memory } }).exports as FusedExports;
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
  /** Weights, their gradients and the optimizer's state (adam's m and v, rmsprop's mean square); 0 for a pool. */
  W: number;
  b: number;
  gW: number;
  gb: number;
  sW: [number, number];
  sb: [number, number];
  /** The layer's output [B, outSize] (after its activation). */
  A: number;
  /** The gradient at its output, turned in place into the one at its pre-activation. */
  G: number;
  /** A convolution's input patches [B * OH * OW, K]. */
  cols?: number;
  /** Its input after dropout [B, inSize] and the dropout mask. */
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

/** What `FusedTrainer.create` needs: the plan, the tfjs model (initial weights in, trained ones out), the data and the optimizer. */
export interface FusedTrainerOptions {
  plan: FusedPlan;
  model: LayersModel;
  tf: Tf;
  data: { xTrain: Float32Array; yTrain: Float32Array; xVal?: Float32Array; yVal?: Float32Array };
  batchSize: number;
  optimizer: OptimizerName;
  learningRate: number;
  /** The most threads for the large products, 1 or 2 (default 2); a model too small to gain trains on 1. */
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
const C_ARGC = 3;
const C_ARGS = 4;
/** The exports the helper thread runs, by index (fused-worker.mjs). */
const HELPER_OPS = [
  'gemm_nn',
  'gemm_tn',
  'conv_direct',
  'conv_filter_grad_direct',
  'im2col',
  'col2im',
  'max_pool_2x2',
  'max_pool_grad_2x2',
  'bias_act',
  'act_grad',
] as const satisfies readonly (keyof FusedExports)[];
type HelperOp = (typeof HELPER_OPS)[number];
/** Batches timed at a time for each way (helper or not), and how often the slower is tried again. */
const PACE_WINDOW = 16;
const PACE_RETRY = 200;
/** Below this many floats touched, an element-wise step stays on one thread. */
const SPLIT_MIN_FLOATS = 1 << 15;
/** Loads of a control word before a thread sleeps on it (a few microseconds). */
const SPIN = 20000;
/** How long the trainer waits for one step of the helper thread before it gives up on it. */
const HELPER_SILENT_MS = 60_000;

/**
 * Trains one model on the fused module. Create with `FusedTrainer.create`, call `epoch`
 * and `validate` per epoch, `writeBack` at the end, and always `dispose`.
 */
export class FusedTrainer {
  private readonly ex: FusedExports;
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
  private readonly dcols: number;
  private readonly hits: number;
  private readonly nTrain: number;
  private readonly nVal: number;
  private readonly inW: number;
  private readonly outW: number;
  private acc1 = 0;
  private acc2 = 0;
  private readonly helper?: Helper;
  private readonly eps = 1e-7;
  /**
   * Whether the helper takes its half now. Which is faster depends on the
   * machine at the moment (on a loaded machine the helper may not get a core,
   * and every hand-over then waits): both are timed over windows of batches
   * and the faster is used, the other tried again now and then. The numbers
   * are the same either way, so switching never changes a run.
   */
  private split = false;
  private readonly pace: Record<'one' | 'two', { msPerBatch: number; atBatch: number }> = {
    one: { msPerBatch: NaN, atBatch: 0 },
    two: { msPerBatch: NaN, atBatch: 0 },
  };
  private batches = 0;
  private windowStart = 0;
  private windowBatches = 0;

  private constructor(
    private readonly opts: FusedTrainerOptions,
    exp: FusedExports,
    buffer: SharedArrayBuffer,
    layout: { layers: LayerMem[]; xTrain: number; yTrain: number; xVal?: number; yVal?: number; idx: number; Xb: number; Yb: number; Wt: number; dcols: number; hits: number },
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
    this.dcols = layout.dcols;
    this.hits = layout.hits;
    const p = opts.plan.layers;
    this.inW = p[0]!.inSize;
    this.outW = p[p.length - 1]!.outSize;
    this.nTrain = opts.data.xTrain.length / this.inW;
    this.nVal = opts.data.xVal ? opts.data.xVal.length / this.inW : 0;
    this.helper = helper;
    this.split = helper !== undefined;
    if (opts.optimizer === 'adam') {
      this.acc1 = Math.fround(0.9);
      this.acc2 = Math.fround(0.999);
    }
  }

  /** Lays out the memory, copies the data and the model's initial weights in, and starts the helper thread if it is worth one. */
  static async create(opts: FusedTrainerOptions): Promise<FusedTrainer> {
    const module = compile();
    if (!module) throw new Error('the fused trainer needs WebAssembly SIMD and shared memory');
    const { plan, data, batchSize: B } = opts;
    const L = new Layout();
    const inW = plan.layers[0]!.inSize;
    const outW = plan.layers[plan.layers.length - 1]!.outSize;
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
    let maxCols = 0;
    let macs = 0;
    const states = opts.optimizer === 'adam' ? 2 : opts.optimizer === 'rmsprop' ? 1 : 0;
    const layers: LayerMem[] = plan.layers.map((p) => {
      const m: LayerMem = { plan: p, W: 0, b: 0, gW: 0, gb: 0, sW: [0, 0], sb: [0, 0], A: L.floats(rows * p.outSize), G: L.floats(rows * p.outSize) };
      if (p.kind === 'pool') return m;
      const n = p.K * p.N;
      maxW = Math.max(maxW, n);
      macs += n * rowsPer(p) * Math.min(B, nTrain);
      Object.assign(m, {
        W: L.floats(n),
        b: L.floats(p.N),
        gW: L.floats(n),
        gb: L.floats(p.N),
        sW: [states > 0 ? L.floats(n) : 0, states > 1 ? L.floats(n) : 0],
        sb: [states > 0 ? L.floats(p.N) : 0, states > 1 ? L.floats(p.N) : 0],
      });
      if (p.conv && !(p.conv.directForward && p.conv.directGrad)) m.cols = L.floats(rows * rowsPer(p) * p.K);
      if (p.conv) maxCols = Math.max(maxCols, rows * rowsPer(p) * p.K);
      if (p.dropout) {
        m.D = L.floats(rows * p.inSize);
        m.mask = L.floats(rows * p.inSize);
        m.rng = createRng(p.dropout.seed);
      }
      return m;
    });
    const Wt = L.floats(maxW);
    const dcols = L.floats(maxCols);
    const hits = L.floats(4);
    const pages = Math.ceil(L.next / PAGE) + 1;
    const memory = new WA.Memory({ initial: pages, maximum: pages, shared: true });
    const exp = new WA.Instance(module, { env: { memory } }).exports as FusedExports;
    const f32 = new Float32Array(memory.buffer);
    f32.set(data.xTrain, xTrain / 4);
    f32.set(data.yTrain, yTrain / 4);
    if (xVal !== undefined && yVal !== undefined) {
      f32.set(data.xVal!, xVal / 4);
      f32.set(data.yVal!, yVal / 4);
    }
    // The model's initial weights, layer by layer: a Dense kernel [in, units] and a Conv2D
    // kernel [fh, fw, C, filters] are both the [K, N] matrix, row-major; then the bias.
    const weighted = opts.model.layers.filter((l) => l.getClassName() === 'Dense' || l.getClassName() === 'Conv2D');
    const matrices = layers.filter((m) => m.plan.kind === 'matrix');
    weighted.forEach((layer, i) => {
      const [kernel, bias] = layer.getWeights();
      f32.set(kernel!.dataSync() as Float32Array, matrices[i]!.W / 4);
      f32.set(bias!.dataSync() as Float32Array, matrices[i]!.b / 4);
    });
    // A helper only where the products are large enough to gain from one (a thread costs ~30 ms to start).
    const threads = (opts.threads ?? 2) > 1 && macs >= SPLIT_MIN_MACS ? 2 : 1;
    const helper = threads > 1 ? await startHelper(module, memory) : undefined;
    return new FusedTrainer(opts, exp, memory.buffer, { layers, xTrain, yTrain, xVal, yVal, idx, Xb, Yb, Wt, dcols, hits }, helper);
  }

  /** Rows of the training set. */
  get trainingRows(): number {
    return this.nTrain;
  }

  /** Threads the large products may run on (the helper is used while it makes batches faster). */
  get threads(): number {
    return this.helper ? 2 : 1;
  }

  /** After each training batch: times the current way over a window, then keeps the faster (trying the other now and then). */
  private paceBatch(): void {
    this.batches++;
    if (!this.helper) return;
    const now = performance.now();
    if (this.windowBatches === 0) {
      // The first batch of a window only starts its clock (it may follow an epoch's validation or a yield).
      this.windowStart = now;
      this.windowBatches = 1;
      return;
    }
    if (++this.windowBatches <= PACE_WINDOW) return;
    const mine = this.split ? this.pace.two : this.pace.one;
    const other = this.split ? this.pace.one : this.pace.two;
    // Smoothed, so that one window disturbed by other work does not decide for long.
    const measured = (now - this.windowStart) / PACE_WINDOW;
    mine.msPerBatch = mine.msPerBatch >= 0 ? (mine.msPerBatch + measured) / 2 : measured;
    mine.atBatch = this.batches;
    const stale = !(other.msPerBatch >= 0) || this.batches - other.atBatch > PACE_RETRY;
    this.split = stale ? !this.split : this.pace.two.msPerBatch <= this.pace.one.msPerBatch;
    this.windowBatches = 0;
  }

  /** Rows [0, rows) of C = A · B ([rows, K] · [K, N]), split with the helper when large. */
  private nn(A: number, Bm: number, C: number, N: number, K: number, rows: number): void {
    if (this.split && rows >= 8 && rows * N * K >= SPLIT_MIN_MACS) {
      // The helper takes the first rows (a multiple of 4, so both halves keep 4-row blocks).
      const mid = Math.floor(rows / 8) * 4;
      this.post('gemm_nn', [A, Bm, C, N, K, 0, mid]);
      this.ex.gemm_nn(A, Bm, C, N, K, mid, rows);
      this.wait();
      return;
    }
    this.ex.gemm_nn(A, Bm, C, N, K, 0, rows);
  }

  /** C[M, N] = Aᵀ · B with A [K, M], split by rows of C with the helper when large. */
  private tn(A: number, Bm: number, C: number, M: number, N: number, K: number): void {
    if (this.split && M >= 8 && M * N * K >= SPLIT_MIN_MACS) {
      const mid = Math.floor(M / 8) * 4;
      this.post('gemm_tn', [A, Bm, C, M, N, K, 0, mid]);
      this.ex.gemm_tn(A, Bm, C, M, N, K, mid, M);
      this.wait();
      return;
    }
    this.ex.gemm_tn(A, Bm, C, M, N, K, 0, M);
  }

  /** A one-channel convolution's output, by the direct kernel; the helper takes the first half of the images. */
  private convDirect(x: number, m: LayerMem, B: number): void {
    const p = m.plan as MatrixPlan;
    const c = p.conv!;
    const args = (b0: number, b1: number) => [x + b0 * c.H * c.W * 4, m.W, m.A + b0 * c.OH * c.OW * p.N * 4, b1 - b0, c.H, c.W, c.OH, c.OW, p.N, c.fh, c.fw] as const;
    if (this.split && B >= 2 && B * rowsPer(p) * p.K * p.N >= SPLIT_MIN_MACS) {
      const mid = B >> 1;
      this.post('conv_direct', [...args(0, mid)]);
      this.ex.conv_direct(...args(mid, B));
      this.wait();
      return;
    }
    this.ex.conv_direct(...args(0, B));
  }

  /**
   * A convolution's filter gradient, by the direct kernel, as the sum of two
   * halves of the batch, always (so one thread or two give the same numbers):
   * the helper takes the first half, into scratch memory.
   */
  private filterGradDirect(x: number, m: LayerMem, B: number): void {
    const p = m.plan as MatrixPlan;
    const c = p.conv!;
    const mid = B >> 1;
    const args = (b0: number, b1: number, out: number) =>
      [x + b0 * c.H * c.W * c.C * 4, m.G + b0 * c.OH * c.OW * p.N * 4, out, b1 - b0, c.H, c.W, c.C, c.OH, c.OW, p.N, c.fh, c.fw] as const;
    if (this.split && B * rowsPer(p) * p.K * p.N >= SPLIT_MIN_MACS) {
      this.post('conv_filter_grad_direct', [...args(0, mid, this.Wt)]);
      this.ex.conv_filter_grad_direct(...args(mid, B, m.gW));
      this.wait();
    } else {
      this.ex.conv_filter_grad_direct(...args(0, mid, this.Wt));
      this.ex.conv_filter_grad_direct(...args(mid, B, m.gW));
    }
    this.ex.add_into(m.gW, this.Wt, p.K * p.N);
  }

  /**
   * Runs a step that works image by image (or row by row) on images [0, B):
   * the helper takes the first half when the step is large. `args(b0, b1)`
   * gives the export's arguments for images [b0, b1).
   */
  private byImages<Op extends HelperOp>(op: Op, B: number, floats: number, args: (b0: number, b1: number) => Parameters<FusedExports[Op]>): void {
    const fn = this.ex[op] as (...a: number[]) => void;
    if (this.split && B >= 2 && floats >= SPLIT_MIN_FLOATS) {
      const mid = B >> 1;
      this.post(op, args(0, mid) as number[]);
      fn(...(args(mid, B) as number[]));
      this.wait();
      return;
    }
    fn(...(args(0, B) as number[]));
  }

  private post(op: HelperOp, args: readonly number[]): void {
    const ctl = this.helper!.ctl;
    ctl[C_OP] = HELPER_OPS.indexOf(op);
    ctl[C_ARGC] = args.length;
    for (let i = 0; i < args.length; i++) ctl[C_ARGS + i] = args[i]!;
    Atomics.store(ctl, C_DONE, 0);
    Atomics.add(ctl, C_GEN, 1);
    Atomics.notify(ctl, C_GEN);
  }

  private wait(): void {
    const ctl = this.helper!.ctl;
    // The helper's half usually ends about when ours does: look a while before sleeping.
    for (let spin = 0; spin < SPIN && Atomics.load(ctl, C_DONE) === 0; spin++);
    // A step takes milliseconds: a helper silent for a minute is gone (this thread is blocked here, so
    // no 'exit' event could tell it).
    const deadline = performance.now() + HELPER_SILENT_MS;
    while (Atomics.load(ctl, C_DONE) === 0) {
      Atomics.wait(ctl, C_DONE, 0, 50);
      if (Atomics.load(ctl, C_DONE) === 0 && performance.now() > deadline) throw new Error('fused trainer: the helper thread stopped answering');
    }
    if (Atomics.load(ctl, C_DONE) === 2) throw new Error('fused trainer: a step failed in the helper thread');
  }

  /** Forward pass over rows [0, B) of Xb (training: with dropout). Returns the last layer's output. */
  private forward(B: number, training: boolean): number {
    let input = this.Xb;
    for (const m of this.layers) {
      const p = m.plan;
      if (p.kind === 'pool') {
        const x = input;
        this.byImages('max_pool_2x2', B, B * p.inSize, (b0, b1) => [x + b0 * p.inSize * 4, m.A + b0 * p.outSize * 4, b1 - b0, p.H, p.W, p.C, p.OH, p.OW]);
        input = m.A;
        continue;
      }
      if (m.D !== undefined && training) {
        this.fillMask(m, B * p.inSize);
        this.f32.copyWithin(m.D / 4, input / 4, input / 4 + B * p.inSize);
        this.ex.mul_mask(m.D, m.mask!, B * p.inSize);
        input = m.D;
      }
      const rows = B * rowsPer(p);
      if (p.conv?.directForward) {
        this.convDirect(input, m, B);
      } else {
        if (p.conv) {
          const c = p.conv;
          const x = input;
          const per = rowsPer(p) * p.K;
          this.byImages('im2col', B, B * per, (b0, b1) => [x + b0 * p.inSize * 4, m.cols! + b0 * per * 4, b1 - b0, c.H, c.W, c.C, c.OH, c.OW, c.fh, c.fw]);
          input = m.cols!;
        }
        this.nn(input, m.W, m.A, p.N, p.K, rows);
      }
      this.byImages('bias_act', rows, rows * p.N, (r0, r1) => [m.A, m.b, p.N, p.act, r0, r1]);
      input = m.A;
    }
    return input;
  }

  private fillMask(m: LayerMem, n: number): void {
    const { rate } = (m.plan as MatrixPlan).dropout!;
    const keep = Math.fround(1 / (1 - rate));
    const at = m.mask! / 4;
    for (let i = 0; i < n; i++) this.f32[at + i] = m.rng!.next() >= rate ? keep : 0;
  }

  /** The loss of the last layer's output against Yb: sum of row losses; writes dz into the last layer's G. */
  private lossOf(out: number, B: number): { loss: number; hits: number } {
    const last = this.layers[this.layers.length - 1]!;
    const C = this.outW;
    const scale = Math.fround(1 / B);
    const act = last.plan.kind === 'matrix' ? last.plan.act : 0;
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
        this.ex.act_grad(last.G, last.A, B * C, act);
        break;
    }
    return { loss, hits: this.f32[this.hits / 4]! };
  }

  /**
   * Gradients of every layer from the last layer's G (at its pre-activation),
   * then one optimizer step. Each layer writes the gradient at its input into
   * the layer before's G, which then turns it into the one at its own
   * pre-activation (its activation's derivative), dropout masked first.
   */
  private backwardAndStep(B: number): void {
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const m = this.layers[l]!;
      const p = m.plan;
      const prev = l > 0 ? this.layers[l - 1]! : undefined;
      const input = l === 0 ? this.Xb : prev!.A;
      if (p.kind === 'pool') {
        if (prev) {
          const x = input;
          this.byImages('max_pool_grad_2x2', B, B * p.inSize, (b0, b1) => [x + b0 * p.inSize * 4, m.G + b0 * p.outSize * 4, prev.G + b0 * p.inSize * 4, b1 - b0, p.H, p.W, p.C, p.OH, p.OW]);
        }
      } else {
        const rows = B * rowsPer(p);
        if (p.conv?.directGrad) this.filterGradDirect(input, m, B);
        else this.tn(p.conv ? m.cols! : (m.D ?? input), m.G, m.gW, p.K, p.N, rows);
        this.ex.sum_rows(m.G, m.gb, rows, p.N);
        if (prev) {
          this.ex.transpose(m.W, this.Wt, p.K, p.N);
          if (p.conv) {
            const c = p.conv;
            this.nn(m.G, this.Wt, this.dcols, p.K, p.N, rows);
            const per = rowsPer(p) * p.K;
            this.byImages('col2im', B, B * per, (b0, b1) => [this.dcols + b0 * per * 4, prev.G + b0 * p.inSize * 4, b1 - b0, c.H, c.W, c.C, c.OH, c.OW, c.fh, c.fw]);
          } else {
            this.nn(m.G, this.Wt, prev.G, p.K, p.N, B);
          }
          if (m.mask !== undefined) this.ex.mul_mask(prev.G, m.mask, B * p.inSize);
        }
      }
      if (prev && prev.plan.kind === 'matrix') {
        const q = prev.plan;
        this.byImages('act_grad', B, B * q.outSize, (b0, b1) => [prev.G + b0 * q.outSize * 4, prev.A + b0 * q.outSize * 4, (b1 - b0) * q.outSize, q.act]);
      }
    }
    this.step();
  }

  private step(): void {
    const fr = Math.fround;
    const lr = this.opts.learningRate;
    const params = (m: LayerMem) =>
      m.plan.kind === 'pool'
        ? []
        : ([
            [m.W, m.gW, m.sW, m.plan.K * m.plan.N],
            [m.b, m.gb, m.sb, m.plan.N],
          ] as const);
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
      this.paceBatch();
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
    const weighted = model.layers.filter((l) => l.getClassName() === 'Dense' || l.getClassName() === 'Conv2D');
    const matrices = this.layers.filter((m) => m.plan.kind === 'matrix');
    weighted.forEach((layer, i) => {
      const m = matrices[i]!;
      const p = m.plan as MatrixPlan;
      const [oldKernel] = layer.getWeights();
      const kernel = tf.tensor(this.f32.slice(m.W / 4, m.W / 4 + p.K * p.N), oldKernel!.shape, 'float32');
      const bias = tf.tensor(this.f32.slice(m.b / 4, m.b / 4 + p.N), [p.N], 'float32');
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
  const ctl = new Int32Array(memory.buffer, CTL, 32);
  ctl.fill(0);
  const worker = new Worker(WORKER, { workerData: { module, memory, ctl: CTL, ops: HELPER_OPS } });
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
