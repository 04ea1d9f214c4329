/**
 * The shape of a lesson: one folder per lesson, `lessons/<id>/index.ts`,
 * exporting `lesson`. A lesson declares its data, its model, its default and
 * allowed hyper-parameters and a short explanation in Japanese and English;
 * the trainer (`trainer.ts`, `run.ts`) does the rest. Lessons import
 * TensorFlow.js types only: the trainer hands them the `tf` module, so loading
 * a lesson (to list it, or to validate parameters) never loads TensorFlow.
 */
import type * as TfModule from '@tensorflow/tfjs';
import type { Bilingual } from '../core/lang.ts';
import type { FinalMetrics, KernelSnapshot, LessonNotes, OptimizerName, SeedSpread, TrainParams } from './types.ts';

export type Tf = typeof TfModule;
export type LayersModel = TfModule.LayersModel;

export const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'adam', 'rmsprop'];

/** Plain numbers and a shape: what a lesson's data loader returns (no tensors, no TensorFlow). */
export interface DataArray {
  values: Float32Array;
  shape: number[];
}

export interface LessonData {
  xTrain: DataArray;
  yTrain: DataArray;
  /** Validation split; absent where a lesson has none (xor's four points). */
  xVal?: DataArray;
  yVal?: DataArray;
  /** Facts about the data for captions and the reading (e.g. the true m and b). */
  extras?: Record<string, unknown>;
}

/** Inclusive range of one numeric parameter. */
export interface NumericBound {
  min: number;
  max: number;
  integer?: boolean;
}

export interface ParamBounds {
  /** Must cover epochs, learningRate, batchSize and every numeric extra in `defaults`; seed may be omitted (0 … 2^31-1). */
  numeric: Record<string, NumericBound>;
  optimizers: readonly OptimizerName[];
}

/** Source of seeds for weight initialisers: every call gives the next one of the run. */
export interface SeedSource {
  next(): number;
}

/** One of several models a lesson trains side by side (xor: perceptron and hidden layer). */
export interface ModelVariant {
  key: string;
  label: Bilingual;
  model: LayersModel;
}

export interface InspectContext {
  tf: Tf;
  params: TrainParams;
  data: LessonData;
  phase: 'before' | 'after';
  /** Key of the variant being trained (the lesson id for single-model lessons). */
  variant: string;
}

export interface InspectResult {
  /** Numbers merged into the series' `final` (after training only). */
  final?: FinalMetrics;
  /** Facts merged into the result's `extras` (from the first series). */
  extras?: Record<string, unknown>;
  /** First-layer kernels read in this phase (`before` or `after`), as plain numbers; whoever draws the chart draws them. */
  kernels?: KernelSnapshot;
}

export interface Lesson {
  id: string;
  title: Bilingual;
  /** A short text of what to look for in the chart. */
  explanation: Bilingual;
  defaults: TrainParams;
  bounds: ParamBounds;
  /** Human names of lesson-specific parameters (e.g. hiddenUnits), for messages and listings. */
  paramLabels?: Record<string, Bilingual>;
  loss: 'meanSquaredError' | 'binaryCrossentropy' | 'categoricalCrossentropy';
  /** Metrics besides the loss; 'accuracy' fills acc and valAcc. */
  metrics: readonly 'accuracy'[];
  /** Seed of the data itself (points, split). Fixed per lesson, so runs with different seeds see the same data. */
  dataSeed?: number;
  loadData(seed: number): LessonData | Promise<LessonData>;
  /** Builds the (uncompiled) model or models; the trainer compiles them with the chosen optimizer. */
  buildModel(params: TrainParams, tf: Tf, seeds: SeedSource): LayersModel | ModelVariant[];
  /** Reads the model before and after training (learned m and b, kernels). */
  inspect?(model: LayersModel, ctx: InspectContext): InspectResult | Promise<InspectResult>;
  /**
   * How much the final figures differ between seeds with the defaults, per
   * model (the lesson id, or xor's variant keys): measured, not guessed
   * (scripts/runs/measure.ts). The reading of `--compare seed` judges a
   * difference against it.
   */
  seedSpread?: Record<string, SeedSpread>;
  /**
   * A learning rate this lesson trains well with, per optimizer, checked on
   * real runs (tests/fixtures/runs). The reading suggests these, never a
   * rate divided by ten.
   */
  learningRates?: Partial<Record<OptimizerName, number>>;
  /** Sentences of this lesson's own for the reading (xor: why a perceptron cannot solve it). */
  notes?: LessonNotes;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isBilingual = (v: unknown): v is Bilingual =>
  isObject(v) && typeof v.ja === 'string' && v.ja.trim() !== '' && typeof v.en === 'string' && v.en.trim() !== '';

/**
 * Checks that `value` has the lesson shape. Returns the problems found (empty
 * when it is well formed); the loader turns them into one error naming the lesson.
 */
export function lessonProblems(value: unknown, folder: string): string[] {
  if (!isObject(value)) return ['does not export `lesson` as an object'];
  const p: string[] = [];
  if (value.id !== folder) p.push(`id must be "${folder}" (the folder name), got ${JSON.stringify(value.id)}`);
  if (!isBilingual(value.title)) p.push('title must have non-empty ja and en');
  if (!isBilingual(value.explanation)) p.push('explanation must have non-empty ja and en');
  for (const fn of ['loadData', 'buildModel'] as const) {
    if (typeof value[fn] !== 'function') p.push(`${fn} must be a function`);
  }
  if (value.inspect !== undefined && typeof value.inspect !== 'function') p.push('inspect, when present, must be a function');
  if (value.images !== undefined) p.push('images is no longer part of a lesson: return data from inspect (e.g. kernels) and let the chart renderer draw it');
  if (!['meanSquaredError', 'binaryCrossentropy', 'categoricalCrossentropy'].includes(value.loss as string)) {
    p.push(`loss must be meanSquaredError, binaryCrossentropy or categoricalCrossentropy, got ${JSON.stringify(value.loss)}`);
  }
  if (!Array.isArray(value.metrics) || value.metrics.some((m) => m !== 'accuracy')) p.push("metrics must be an array of 'accuracy'");
  if (value.dataSeed !== undefined && !Number.isInteger(value.dataSeed)) p.push('dataSeed, when present, must be an integer');

  const bounds = value.bounds;
  if (!isObject(bounds) || !isObject(bounds.numeric) || !Array.isArray(bounds.optimizers)) {
    p.push('bounds must be { numeric: {...}, optimizers: [...] }');
    return p;
  }
  if (bounds.optimizers.length === 0 || bounds.optimizers.some((o) => !OPTIMIZERS.includes(o as OptimizerName))) {
    p.push(`bounds.optimizers must be a non-empty subset of ${OPTIMIZERS.join(', ')}`);
  }
  for (const [name, b] of Object.entries(bounds.numeric)) {
    if (!isObject(b) || typeof b.min !== 'number' || typeof b.max !== 'number' || !(b.min <= b.max)) {
      p.push(`bounds.numeric.${name} must be { min, max } with min <= max`);
    }
  }
  if (!isObject(value.defaults)) {
    p.push('defaults must be an object');
    return p;
  }
  const defaults = value.defaults;
  for (const key of ['epochs', 'learningRate', 'batchSize', 'seed']) {
    if (typeof defaults[key] !== 'number') p.push(`defaults.${key} must be a number`);
  }
  if (!OPTIMIZERS.includes(defaults.optimizer as OptimizerName)) p.push('defaults.optimizer must be sgd, adam or rmsprop');
  else if (!bounds.optimizers.includes(defaults.optimizer)) p.push(`defaults.optimizer "${String(defaults.optimizer)}" is not in bounds.optimizers`);
  for (const [key, v] of Object.entries(defaults)) {
    if (key === 'optimizer' || key === 'seed') continue;
    if (typeof v !== 'number') {
      p.push(`defaults.${key} must be a number`);
      continue;
    }
    const b = bounds.numeric[key];
    if (!isObject(b)) {
      p.push(`bounds.numeric.${key} is missing`);
      continue;
    }
    if (typeof b.min === 'number' && typeof b.max === 'number' && (v < b.min || v > b.max)) {
      p.push(`defaults.${key}=${v} is outside its bounds ${b.min} … ${b.max}`);
    }
    if (b.integer && !Number.isInteger(v)) p.push(`defaults.${key}=${v} must be an integer`);
  }
  p.push(...referenceProblems(value, bounds.optimizers as OptimizerName[]));
  if (value.paramLabels !== undefined) {
    if (!isObject(value.paramLabels)) p.push('paramLabels, when present, must be an object');
    else for (const [k, l] of Object.entries(value.paramLabels)) if (!isBilingual(l)) p.push(`paramLabels.${k} must have ja and en`);
  }
  return p;
}

function referenceProblems(value: Record<string, unknown>, optimizers: OptimizerName[]): string[] {
  const p: string[] = [];
  if (value.learningRates !== undefined) {
    if (!isObject(value.learningRates)) p.push('learningRates, when present, must be an object');
    else
      for (const [k, v] of Object.entries(value.learningRates)) {
        if (!optimizers.includes(k as OptimizerName)) p.push(`learningRates.${k}: not one of the lesson's optimizers`);
        if (typeof v !== 'number' || !(v > 0)) p.push(`learningRates.${k} must be a positive number`);
      }
  }
  if (value.seedSpread !== undefined) {
    if (!isObject(value.seedSpread)) p.push('seedSpread, when present, must be an object');
    else
      for (const [k, s] of Object.entries(value.seedSpread)) {
        const ok =
          isObject(s) &&
          Array.isArray(s.seeds) &&
          s.seeds.length >= 2 &&
          (s.metric === 'valAcc' || s.metric === 'valLoss') &&
          typeof s.min === 'number' &&
          typeof s.max === 'number' &&
          s.min <= s.max;
        if (!ok) p.push(`seedSpread.${k} must be { seeds: [at least 2], metric: 'valAcc' | 'valLoss', min, max } with min <= max`);
      }
  }
  if (value.notes !== undefined) {
    if (!isObject(value.notes)) p.push('notes, when present, must be an object');
    else for (const [k, n] of Object.entries(value.notes)) if (!isBilingual(n)) p.push(`notes.${k} must have ja and en`);
  }
  return p;
}
