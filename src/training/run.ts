/**
 * `runTraining`: the one entry point every face and the job worker call.
 * It loads the lesson, validates the parameters, activates the backend,
 * trains one series (or several: xor's two models, `compare-seed`'s two
 * seeds) and returns a plain-data `TrainResult`.
 */
import { cpus } from 'node:os';
import { loadConfig, type Config } from '../config.ts';
import { UserError } from '../core/errors.ts';
import type { DataArray, Lesson, LessonData, LayersModel, ModelVariant, SeedSource, Tf } from './lesson.ts';
import { loadLesson } from './lessons.ts';
import { COMPARE_SEED, validateParams } from './params.ts';
import { createRng, deriveSeed } from './rng.ts';
import { loadTf } from './tf.ts';
import { fitSeries, type TensorData } from './trainer.ts';
import type { FinalMetrics, LessonImage, Series, TrainHooks, TrainRequest, TrainResult } from './types.ts';

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

/** True when the run was cancelled (or timed out) before it finished. */
export function wasCancelled(result: TrainResult): boolean {
  return result.series.some((s) => s.stopped?.reason === 'cancelled' || s.stopped?.reason === 'timeout');
}

/** Merges lesson facts; plain objects present on both sides (the CNN's kernels before/after) merge one level deep. */
function mergeExtras(into: Record<string, unknown>, ...parts: (Record<string, unknown> | undefined)[]): void {
  const plain = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  for (const part of parts) {
    for (const [k, v] of Object.entries(part ?? {})) {
      const old = into[k];
      into[k] = plain(old) && plain(v) ? { ...old, ...v } : v;
    }
  }
}

/** The charts module, for lessons that draw images; absent when it cannot be loaded. */
async function loadCharts(): Promise<Record<string, unknown> | undefined> {
  try {
    // Held in a variable: the trainer works without the charts module.
    const path = '../charts/index.ts';
    return (await import(path)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Trains `request.lesson` and returns the result. Throws UserError for an
 * unknown lesson, bad parameters or an unknown mode; a cancelled run resolves
 * with the epochs done so far and `stopped: cancelled` on its series.
 */
export async function runTraining(request: TrainRequest, hooks: TrainHooks = {}, opts: RunOptions = {}): Promise<TrainResult> {
  const started = performance.now();
  const config = opts.config ?? loadConfig();
  const lesson = await loadLesson(request.lesson, opts.lessonsDir ?? config.lessonsDir);
  const params = validateParams(lesson, request.params);
  if (request.mode !== 'single' && request.mode !== 'compare-seed') {
    throw new UserError('invalid-mode', {
      ja: `モード「${String(request.mode)}」は使えません。single か compare-seed を指定してください。`,
      en: `Unknown mode "${String(request.mode)}": use single or compare-seed.`,
    });
  }
  const { tf, backend } = await loadTf(config.training.backend);
  const data = await lesson.loadData(lesson.dataSeed ?? DEFAULT_DATA_SEED);
  const seeds =
    request.mode === 'compare-seed'
      ? [params.seed, typeof params[COMPARE_SEED] === 'number' ? (params[COMPARE_SEED] as number) : params.seed + 1]
      : [params.seed];
  const baseParams = { ...params };
  delete baseParams[COMPARE_SEED];

  // Made only for a model the fused trainer cannot run (model.fit needs tensors; the fused trainer copies the arrays).
  let tensors: TensorData | undefined;
  const tensorsNow = (): TensorData => (tensors ??= toTensors(tf, data));
  const series: Series[] = [];
  const extras: Record<string, unknown> = { ...(data.extras ?? {}) };
  // What the loss of a guessing model is depends on these two facts; the charts' diagnosis uses them
  // to recognise a loss that blew up inside the first epoch (src/charts/diagnose.ts).
  if (extras.lossKind === undefined) extras.lossKind = lesson.loss;
  const outputs = data.yTrain.shape[data.yTrain.shape.length - 1];
  if (extras.numClasses === undefined && /crossentropy/i.test(lesson.loss)) {
    extras.numClasses = /binary/i.test(lesson.loss) ? 2 : outputs;
  }
  try {
    // Variants are known only once built; the count of series is fixed by the first build.
    let count = 0;
    outer: for (let s = 0; s < seeds.length; s++) {
      const seed = seeds[s];
      const runParams = { ...baseParams, seed };
      const variants = variantsOf(lesson, lesson.buildModel(runParams, tf, seedSourceFor(seed)));
      if (count === 0) count = variants.length * seeds.length;
      for (let v = 0; v < variants.length; v++) {
        const { key: variantKey, label, model } = variants[v];
        try {
          const key = request.mode === 'compare-seed' ? (variants.length > 1 ? `${variantKey}-seed-${seed}` : `seed-${seed}`) : variantKey;
          const before = lesson.inspect ? await lesson.inspect(model, { tf, params: runParams, data, phase: 'before', variant: variantKey }) : undefined;
          const fit = await fitSeries({
            tf,
            model,
            data: tensorsNow,
            params: runParams,
            loss: lesson.loss,
            metrics: lesson.metrics,
            series: { key, index: series.length, count },
            onEpoch: hooks.onEpoch,
            signal: hooks.signal,
            fused: { threads: trainThreads(config.training) },
            values: { xTrain: data.xTrain.values, yTrain: data.yTrain.values, xVal: data.xVal?.values, yVal: data.yVal?.values },
          });
          const after =
            lesson.inspect && fit.history.length > 0 && fit.stopped?.reason !== 'nan'
              ? await lesson.inspect(model, { tf, params: runParams, data, phase: 'after', variant: variantKey })
              : undefined;
          if (series.length === 0) mergeExtras(extras, before?.extras, after?.extras);
          const seriesLabel =
            request.mode === 'compare-seed'
              ? {
                  ja: variants.length > 1 ? `${label.ja}（シード ${seed}）` : `シード ${seed}`,
                  en: variants.length > 1 ? `${label.en} (seed ${seed})` : `seed ${seed}`,
                }
              : label;
          const one: Series = { key, label: seriesLabel, params: runParams, history: fit.history, final: finalOf(fit, after?.final) };
          if (fit.stopped) one.stopped = fit.stopped;
          series.push(one);
          if (fit.stopped && fit.stopped.reason !== 'nan') {
            for (const rest of variants.slice(v + 1)) rest.model.dispose();
            break outer;
          }
        } finally {
          model.dispose();
        }
      }
    }
  } finally {
    for (const t of Object.values(tensors ?? {})) t?.dispose();
  }

  const result: TrainResult = {
    lesson: lesson.id,
    backend,
    mode: request.mode,
    params: series[0]?.params ?? baseParams,
    history: series[0]?.history ?? [],
    final: series[0]?.final ?? {},
    series,
    seconds: 0,
    extras,
  };
  if (lesson.images && !wasCancelled(result)) {
    const images: LessonImage[] = await lesson.images({ lang: request.lang, extras, charts: await loadCharts() });
    if (images.length > 0) result.images = images;
  }
  // At least a millisecond: a tiny lesson on the fused trainer can finish in less.
  result.seconds = Math.max(0.001, Math.round(performance.now() - started) / 1000);
  return result;
}

function seedSourceFor(seed: number): SeedSource {
  // Each build gets its own stream, so xor's two models do not share initial weights.
  return seedSource(seed, 'model');
}
