/**
 * `runTraining`: the one entry point every face and the job worker call.
 * It loads the lesson, validates the parameters, activates the backend,
 * trains one series (or several: xor's two models, `compare-seed`'s two
 * seeds) and returns a plain-data `TrainResult`. It draws nothing: what a
 * lesson reads from its model (linear's m and b, the CNN's kernels) comes
 * back as data, and whoever draws the loss chart draws those too.
 */
import { cpus } from 'node:os';
import { loadConfig, type Config } from '../config.ts';
import { UserError } from '../core/errors.ts';
import type { DataArray, InspectResult, Lesson, LessonData, LayersModel, ModelVariant, SeedSource, Tf } from './lesson.ts';
import { loadLesson } from './lessons.ts';
import { COMPARE_SEED, validateParams } from './params.ts';
import { createRng, deriveSeed } from './rng.ts';
import { loadTf } from './tf.ts';
import { fitSeries, type TensorData } from './trainer.ts';
import type { BackendName, FinalMetrics, KernelSnapshot, LessonFacts, Series, TrainHooks, TrainMode, TrainParams, TrainRequest, TrainResult } from './types.ts';

export interface RunOptions {
  config?: Config;
  /** Overrides `config.lessonsDir`. */
  lessonsDir?: string;
}

/**
 * Threads one run trains on: as configured, or (0, automatic) 2 when the
 * machine has at least twice as many cores as runs training at once.
 */
export function trainThreads(training: Config['training'], cores = cpus().length): number {
  if (training.trainThreads > 0) return training.trainThreads;
  return cores >= 2 * training.concurrency ? 2 : 1;
}

/** Where the lessons' data comes from when a lesson names no data seed of its own. */
export const DEFAULT_DATA_SEED = 20240607;

/** Seeds for a model's initialisers, from the run seed and the model's key. */
export function seedSource(seed: number, variant: string): SeedSource {
  const rng = createRng(deriveSeed(seed, `init:${variant}`));
  return { next: () => rng.int31() };
}

/** True when the run was cancelled (or timed out) before it finished. */
export function wasCancelled(result: TrainResult): boolean {
  return result.series.some((s) => s.stopped?.reason === 'cancelled' || s.stopped?.reason === 'timeout');
}

/** What the lesson says about itself that the reading and the words of a run need. */
export function lessonFacts(lesson: Lesson, data?: Pick<LessonData, 'xTrain' | 'yTrain'>): LessonFacts {
  const facts: LessonFacts = { title: lesson.title, loss: lesson.loss, defaults: { ...lesson.defaults } };
  const outputs = data?.yTrain.shape[data.yTrain.shape.length - 1];
  if (data) facts.trainCount = data.xTrain.shape[0];
  if (lesson.loss === 'binaryCrossentropy') facts.numClasses = 2;
  else if (lesson.loss === 'categoricalCrossentropy' && outputs !== undefined) facts.numClasses = outputs;
  if (lesson.paramLabels) facts.paramLabels = lesson.paramLabels;
  if (lesson.seedSpread) facts.seedSpread = lesson.seedSpread;
  if (lesson.learningRates) facts.learningRates = lesson.learningRates;
  if (lesson.notes) facts.notes = lesson.notes;
  return facts;
}

/** Everything a run needs before its first series: the lesson, checked parameters, the backend and the data. */
interface Prepared {
  lesson: Lesson;
  params: TrainParams;
  seeds: number[];
  tf: Tf;
  backend: BackendName;
  data: LessonData;
  /** Threads the fused trainer may use (trainThreads). */
  threads: number;
}

function checkMode(mode: unknown): asserts mode is TrainMode {
  if (mode !== 'single' && mode !== 'compare-seed') {
    throw new UserError('invalid-mode', {
      ja: `モード「${String(mode)}」は使えません。single か compare-seed を指定してください。`,
      en: `Unknown mode "${String(mode)}": use single or compare-seed.`,
    });
  }
}

/** The seeds to train: one, or two for compare-seed (the second defaults to seed + 1). */
function seedsOf(mode: TrainMode, params: TrainParams): number[] {
  if (mode === 'single') return [params.seed];
  const second = params[COMPARE_SEED];
  return [params.seed, typeof second === 'number' ? second : params.seed + 1];
}

async function prepare(request: TrainRequest, config: Config, lessonsDir: string): Promise<Prepared> {
  const lesson = await loadLesson(request.lesson, lessonsDir);
  const validated = validateParams(lesson, request.params);
  checkMode(request.mode);
  const seeds = seedsOf(request.mode, validated);
  const params = { ...validated };
  delete params[COMPARE_SEED];
  const { tf, backend } = await loadTf(config.training.backend);
  const data = await lesson.loadData(lesson.dataSeed ?? DEFAULT_DATA_SEED);
  return { lesson, params, seeds, tf, backend, data, threads: trainThreads(config.training) };
}

function toTensors(tf: Tf, d: LessonData): TensorData {
  const t = (a: DataArray) => tf.tensor(a.values, a.shape, 'float32');
  return {
    xTrain: t(d.xTrain),
    yTrain: t(d.yTrain),
    xVal: d.xVal ? t(d.xVal) : undefined,
    yVal: d.yVal ? t(d.yVal) : undefined,
  };
}

function variantsOf(lesson: Lesson, built: LayersModel | ModelVariant[]): ModelVariant[] {
  if (Array.isArray(built)) return built;
  return [{ key: lesson.id, label: lesson.title, model: built }];
}

function finalOf(series: Pick<Series, 'history'>, extra: FinalMetrics | undefined): FinalMetrics {
  const last = series.history[series.history.length - 1];
  const out: FinalMetrics = {};
  if (last) {
    out.loss = last.loss;
    if (last.valLoss !== undefined) out.valLoss = last.valLoss;
    if (last.acc !== undefined) out.acc = last.acc;
    if (last.valAcc !== undefined) out.valAcc = last.valAcc;
  }
  for (const [k, v] of Object.entries(extra ?? {})) if (Number.isFinite(v)) out[k] = v;
  return out;
}

/** The key and label of one series: the model's own, or with its seed in a compare-seed run. */
function seriesName(mode: TrainMode, variant: ModelVariant, variantCount: number, seed: number): Pick<Series, 'key' | 'label'> {
  if (mode !== 'compare-seed') return { key: variant.key, label: variant.label };
  if (variantCount === 1) return { key: `seed-${seed}`, label: { ja: `シード ${seed}`, en: `seed ${seed}` } };
  return {
    key: `${variant.key}-seed-${seed}`,
    label: { ja: `${variant.label.ja}（シード ${seed}）`, en: `${variant.label.en} (seed ${seed})` },
  };
}

/** What the first series' inspections found, gathered for the result. */
interface Findings {
  extras: Record<string, unknown>;
  kernels?: KernelSnapshot;
}

function gather(into: Findings, ...parts: (InspectResult | undefined)[]): void {
  for (const part of parts) {
    if (!part) continue;
    Object.assign(into.extras, part.extras ?? {});
    if (part.kernels) into.kernels = { ...(into.kernels ?? {}), ...part.kernels };
  }
}

interface SeriesJob {
  prepared: Prepared;
  /** Made on first use: the fused trainer reads the plain values and never needs them. */
  tensors: () => TensorData;
  variant: ModelVariant;
  name: Pick<Series, 'key' | 'label'>;
  params: TrainParams;
  index: number;
  count: number;
  hooks: TrainHooks;
}

/** Trains one model and reads it before and after (the inspection after is skipped when the loss became NaN). */
async function trainOne(job: SeriesJob): Promise<{ series: Series; inspected: (InspectResult | undefined)[] }> {
  const { prepared, variant, params } = job;
  const { lesson, tf, data } = prepared;
  const inspect = (phase: 'before' | 'after') =>
    lesson.inspect ? lesson.inspect(variant.model, { tf, params, data, phase, variant: variant.key }) : undefined;
  const before = await inspect('before');
  const fit = await fitSeries({
    tf,
    model: variant.model,
    data: job.tensors,
    params,
    loss: lesson.loss,
    metrics: lesson.metrics,
    series: { key: job.name.key, label: job.name.label, index: job.index, count: job.count },
    onEpoch: job.hooks.onEpoch,
    signal: job.hooks.signal,
    fused: { threads: prepared.threads },
    values: { xTrain: data.xTrain.values, yTrain: data.yTrain.values, xVal: data.xVal?.values, yVal: data.yVal?.values },
  });
  const after = fit.history.length > 0 && fit.stopped?.reason !== 'nan' ? await inspect('after') : undefined;
  const series: Series = { ...job.name, params, history: fit.history, final: finalOf(fit, after?.final) };
  if (fit.stopped) series.stopped = fit.stopped;
  return { series, inspected: [before, after] };
}

/** Trains every model of every seed, in order; a cancelled or timed-out series ends the run there. */
async function trainAll(prepared: Prepared, mode: TrainMode, hooks: TrainHooks): Promise<{ series: Series[]; findings: Findings }> {
  const { lesson, tf, seeds } = prepared;
  // Made only for a model the fused trainer cannot run (model.fit needs tensors; the fused trainer copies the arrays).
  let made: TensorData | undefined;
  const tensors = (): TensorData => (made ??= toTensors(tf, prepared.data));
  const series: Series[] = [];
  const findings: Findings = { extras: { ...(prepared.data.extras ?? {}) } };
  try {
    // Variants are known only once built; the count of series is fixed by the first build.
    let count = 0;
    for (const seed of seeds) {
      const params = { ...prepared.params, seed };
      // Each build gets its own stream, so xor's two models do not share initial weights.
      const variants = variantsOf(lesson, lesson.buildModel(params, tf, seedSource(seed, 'model')));
      if (count === 0) count = variants.length * seeds.length;
      let stop = false;
      for (const variant of variants) {
        if (stop) {
          variant.model.dispose();
          continue;
        }
        try {
          const name = seriesName(mode, variant, variants.length, seed);
          const one = await trainOne({ prepared, tensors, variant, name, params, index: series.length, count, hooks });
          if (series.length === 0) gather(findings, ...one.inspected);
          series.push(one.series);
          stop = !!one.series.stopped && one.series.stopped.reason !== 'nan';
        } finally {
          variant.model.dispose();
        }
      }
      if (stop) break;
    }
  } finally {
    for (const t of Object.values(made ?? {})) t?.dispose();
  }
  return { series, findings };
}

/**
 * Trains `request.lesson` and returns the result. Throws UserError for an
 * unknown lesson, bad parameters or an unknown mode; a cancelled run resolves
 * with the epochs done so far and `stopped: cancelled` on its series.
 */
export async function runTraining(request: TrainRequest, hooks: TrainHooks = {}, opts: RunOptions = {}): Promise<TrainResult> {
  const started = performance.now();
  const config = opts.config ?? loadConfig();
  const prepared = await prepare(request, config, opts.lessonsDir ?? config.lessonsDir);
  const { series, findings } = await trainAll(prepared, request.mode, hooks);
  const result: TrainResult = {
    lesson: prepared.lesson.id,
    backend: prepared.backend,
    mode: request.mode,
    params: series[0]?.params ?? prepared.params,
    history: series[0]?.history ?? [],
    final: series[0]?.final ?? {},
    series,
    seconds: 0,
    extras: findings.extras,
    about: lessonFacts(prepared.lesson, prepared.data),
  };
  if (findings.kernels) result.kernels = findings.kernels;
  // At least a millisecond: a tiny lesson on the fused trainer can finish in less.
  result.seconds = Math.max(0.001, Math.round(performance.now() - started) / 1000);
  return result;
}
