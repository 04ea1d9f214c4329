/**
 * Trains one model (one series), one epoch at a time: the training set is
 * shuffled by our own seeded generator before every epoch (fit's own
 * shuffling is off, it would use Math.random), progress goes out through
 * `onEpoch`, the AbortSignal is checked between batches, and a loss that
 * stops being a finite number ends the run with `stopped: nan`.
 *
 * On the wasm backend, Sequential stacks of Conv2D, 2x2 max pools, Flatten,
 * Dense and Dropout (every lesson) train in the fused trainer (fast/fused.ts:
 * one WebAssembly call per step of a batch, both cores for the large steps);
 * everything else, and every model on the other backends, with `model.fit`.
 */
import type { Bilingual } from '../core/lang.ts';
import type { LayersModel, Tf } from './lesson.ts';
import { FusedTrainer, fusedTrainerAvailable, planFused, type FusedPlan } from './fast/fused.ts';
import { createFastOptimizer } from './fast/optimizers.ts';
import { createRng, deriveSeed, permutation } from './rng.ts';
import type { EpochEvent, EpochLog, OptimizerName, Series, TrainParams } from './types.ts';
import type * as TfModule from '@tensorflow/tfjs';

type Tensor = TfModule.Tensor;

export interface TensorData {
  xTrain: Tensor;
  yTrain: Tensor;
  xVal?: Tensor;
  yVal?: Tensor;
}

export interface SeriesSpec {
  key: string;
  /** The series' name for people ("seed 42", "perceptron (no hidden layer)"). */
  label?: Bilingual;
  index: number;
  count: number;
}

export interface FitSeriesOptions {
  tf: Tf;
  model: LayersModel;
  /**
   * The data as tensors; or a function that makes them when they are needed
   * (the fused trainer reads `values` instead, and the tensors, as large as
   * the data, are then never made). The caller disposes what it made.
   */
  data: TensorData | (() => TensorData);
  params: TrainParams;
  loss: string;
  metrics: readonly string[];
  series: SeriesSpec;
  onEpoch?: (event: EpochEvent) => void;
  signal?: AbortSignal;
  /**
   * The fused trainer, where the model and backend allow it (default
   * true); false trains with model.fit. `threads` caps its threads.
   */
  fused?: boolean | { threads: number };
  /** The plain values of `data`, which the fused trainer copies (run.ts has them; read from the tensors otherwise). */
  values?: { xTrain: Float32Array; yTrain: Float32Array; xVal?: Float32Array; yVal?: Float32Array };
}

/** The progress event of one finished epoch, as both training paths report it. */
function epochEvent(log: EpochLog, series: SeriesSpec, totalEpochs: number): EpochEvent {
  return {
    ...log,
    series: series.key,
    ...(series.label ? { seriesLabel: series.label } : {}),
    seriesIndex: series.index,
    seriesCount: series.count,
    totalEpochs,
  };
}

export interface FitSeriesResult {
  history: EpochLog[];
  stopped?: Series['stopped'];
}

/**
 * A tfjs optimizer for one of our optimizer names: on the wasm and cpu
 * backends Adam is the fused one of fast/optimizers.ts (the same numbers,
 * one pass per variable instead of about ten tensor ops).
 */
export function createOptimizer(tf: Tf, name: OptimizerName, learningRate: number): TfModule.Optimizer {
  const fast = createFastOptimizer(tf, name, learningRate);
  if (fast) return fast;
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'adam':
      return tf.train.adam(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
  }
}

/** Why a signal fired: a timeout (AbortSignal.timeout, or a reason naming it) or a cancellation. */
export function abortReason(signal: AbortSignal): 'timeout' | 'cancelled' {
  const r = signal.reason as { name?: string } | string | undefined;
  const name = typeof r === 'string' ? r : r?.name;
  return name === 'TimeoutError' || name === 'timeout' ? 'timeout' : 'cancelled';
}

/** How often (ms) training hands the event loop a turn, so an abort from a timer or a parent process lands. */
const YIELD_EVERY_MS = 25;

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

function firstNumber(logs: Record<string, number[] | number | undefined>, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = logs[k];
    const n = Array.isArray(v) ? v[0] : v;
    if (typeof n === 'number') return n;
  }
  return undefined;
}

/**
 * Compiles `model` with the run's optimizer and trains it for `params.epochs`
 * epochs. Returns the history of the completed epochs (only finite numbers)
 * and why it stopped early, if it did. Does not dispose the model.
 */
export async function fitSeries(opts: FitSeriesOptions): Promise<FitSeriesResult> {
  const plan = fusedPlan(opts);
  if (plan) return fitFused(opts, plan);
  const { tf, model, params, signal } = opts;
  const data = typeof opts.data === 'function' ? opts.data() : opts.data;
  const optimizer = createOptimizer(tf, params.optimizer, params.learningRate);
  model.compile({ optimizer, loss: opts.loss, metrics: [...opts.metrics] });
  const shuffleRng = createRng(deriveSeed(params.seed, 'shuffle'));
  const n = data.xTrain.shape[0];
  const validationData = data.xVal && data.yVal ? ([data.xVal, data.yVal] as [Tensor, Tensor]) : undefined;
  const history: EpochLog[] = [];
  const started = performance.now();
  let stopped: Series['stopped'];
  let lastYield = performance.now();

  try {
    for (let epoch = 1; epoch <= params.epochs; epoch++) {
      await macrotask();
      lastYield = performance.now();
      if (signal?.aborted) {
        stopped = { reason: abortReason(signal), epoch };
        break;
      }
      let nonFinite = false;
      let aborted = false;
      const order = tf.tensor1d(permutation(n, shuffleRng), 'int32');
      const xs = tf.gather(data.xTrain, order);
      const ys = tf.gather(data.yTrain, order);
      order.dispose();
      let logs: Record<string, number[] | number | undefined>;
      try {
        const h = await model.fit(xs, ys, {
          epochs: 1,
          batchSize: params.batchSize,
          shuffle: false,
          verbose: 0,
          validationData,
          // tfjs's own yielding does not reliably let timers and IPC run in
          // Node; we yield ourselves below.
          yieldEvery: 'never',
          callbacks: {
            onBatchEnd: async (_batch, batchLogs) => {
              if (batchLogs && !Number.isFinite(batchLogs.loss)) {
                nonFinite = true;
                model.stopTraining = true;
              }
              if (signal && performance.now() - lastYield >= YIELD_EVERY_MS) {
                await macrotask();
                lastYield = performance.now();
              }
              if (signal?.aborted) {
                aborted = true;
                model.stopTraining = true;
              }
            },
          },
        });
        logs = h.history as Record<string, number[]>;
      } finally {
        xs.dispose();
        ys.dispose();
      }
      if (nonFinite) {
        stopped = { reason: 'nan', epoch };
        break;
      }
      if (aborted) {
        stopped = { reason: abortReason(signal!), epoch };
        break;
      }
      const loss = firstNumber(logs, 'loss');
      if (loss === undefined || !Number.isFinite(loss)) {
        stopped = { reason: 'nan', epoch };
        break;
      }
      const log: EpochLog = { epoch, loss, elapsedMs: Math.round(performance.now() - started) };
      const valLoss = firstNumber(logs, 'val_loss');
      if (valLoss !== undefined) {
        if (!Number.isFinite(valLoss)) {
          stopped = { reason: 'nan', epoch };
          break;
        }
        log.valLoss = valLoss;
      }
      const acc = firstNumber(logs, 'acc', 'accuracy');
      if (acc !== undefined && Number.isFinite(acc)) log.acc = acc;
      const valAcc = firstNumber(logs, 'val_acc', 'val_accuracy');
      if (valAcc !== undefined && Number.isFinite(valAcc)) log.valAcc = valAcc;
      history.push(log);
      opts.onEpoch?.(epochEvent(log, opts.series, params.epochs));
    }
  } finally {
    optimizer.dispose();
  }
  return { history, stopped };
}

function tensorValues(d: TensorData): { xTrain: Float32Array; yTrain: Float32Array; xVal?: Float32Array; yVal?: Float32Array } {
  return {
    xTrain: d.xTrain.dataSync() as Float32Array,
    yTrain: d.yTrain.dataSync() as Float32Array,
    xVal: d.xVal?.dataSync() as Float32Array | undefined,
    yVal: d.yVal?.dataSync() as Float32Array | undefined,
  };
}

/** The fused trainer's plan for this run, or undefined when model.fit trains it. */
function fusedPlan(opts: FitSeriesOptions): FusedPlan | undefined {
  if (opts.fused === false || opts.tf.getBackend() !== 'wasm' || !fusedTrainerAvailable()) return undefined;
  const plan = planFused(opts.model, opts.loss);
  if (typeof plan === 'string') return undefined;
  if (opts.metrics.some((m) => m !== 'accuracy')) return undefined;
  return plan;
}

/** fitSeries on the fused trainer: the same shuffles, events, stops and history. */
async function fitFused(opts: FitSeriesOptions, plan: FusedPlan): Promise<FitSeriesResult> {
  const { tf, model, params, signal } = opts;
  const data = typeof opts.data === 'function' ? undefined : opts.data;
  const values = opts.values ?? {
    ...tensorValues(data ?? (opts.data as () => TensorData)()),
  };
  const trainer = await FusedTrainer.create({
    plan,
    model,
    tf,
    data: values,
    batchSize: params.batchSize,
    optimizer: params.optimizer,
    learningRate: params.learningRate,
    threads: typeof opts.fused === 'object' ? opts.fused.threads : undefined,
  });
  const shuffleRng = createRng(deriveSeed(params.seed, 'shuffle'));
  const n = trainer.trainingRows;
  const withAccuracy = opts.metrics.includes('accuracy');
  const history: EpochLog[] = [];
  const started = performance.now();
  let stopped: Series['stopped'];
  let lastYield = performance.now();
  const between = async (): Promise<boolean> => {
    if (signal && performance.now() - lastYield >= YIELD_EVERY_MS) {
      await macrotask();
      lastYield = performance.now();
    }
    return !signal?.aborted;
  };
  try {
    for (let epoch = 1; epoch <= params.epochs; epoch++) {
      await macrotask();
      lastYield = performance.now();
      if (signal?.aborted) {
        stopped = { reason: abortReason(signal), epoch };
        break;
      }
      const t = await trainer.epoch(permutation(n, shuffleRng), between);
      if (!t.finite) {
        stopped = { reason: 'nan', epoch };
        break;
      }
      if (t.stopped) {
        stopped = { reason: abortReason(signal!), epoch };
        break;
      }
      const loss = Math.fround(t.loss / t.rows);
      if (!Number.isFinite(loss)) {
        stopped = { reason: 'nan', epoch };
        break;
      }
      const log: EpochLog = { epoch, loss, elapsedMs: 0 };
      const v = trainer.validate();
      if (v) {
        const valLoss = Math.fround(v.loss / v.rows);
        if (!Number.isFinite(valLoss)) {
          stopped = { reason: 'nan', epoch };
          break;
        }
        log.valLoss = valLoss;
      }
      if (withAccuracy) {
        log.acc = Math.fround(t.hits / t.rows);
        if (v) log.valAcc = Math.fround(v.hits / v.rows);
      }
      log.elapsedMs = Math.round(performance.now() - started);
      history.push(log);
      opts.onEpoch?.(epochEvent(log, opts.series, params.epochs));
    }
    trainer.writeBack();
  } finally {
    await trainer.dispose();
  }
  return { history, stopped };
}
