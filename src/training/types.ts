/**
 * The training contract shared by lessons, the trainer, the job system, the
 * charts and every face. Plain data only: all of it crosses process boundaries
 * (worker child processes, Redis) as JSON.
 */
import type { Bilingual, Lang } from '../core/lang.ts';

/** TensorFlow.js backends, best first. */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export type OptimizerName = 'sgd' | 'adam' | 'rmsprop';

/** Hyper-parameters of one run. Lessons may add their own numeric ones (e.g. `hiddenUnits`). */
export interface TrainParams {
  epochs: number;
  learningRate: number;
  batchSize: number;
  optimizer: OptimizerName;
  seed: number;
  [extra: string]: number | string;
}

/** One epoch of one series. Metrics a lesson does not have are absent. */
export interface EpochLog {
  epoch: number; // 1-based
  loss: number;
  valLoss?: number;
  acc?: number;
  valAcc?: number;
  elapsedMs: number; // since the series started
}

/** Final figures of a series (last epoch, plus lesson-specific ones such as m and b). */
export type FinalMetrics = Record<string, number>;

/**
 * One trained model's curve. A plain run has one series; xor has two
 * (perceptron and hidden layer); `compare seed` has one per seed.
 */
export interface Series {
  key: string;
  label: Bilingual;
  params: TrainParams;
  history: EpochLog[];
  final: FinalMetrics;
  /** Set when training stopped early, e.g. because the loss became NaN. */
  stopped?: { reason: 'nan' | 'cancelled' | 'timeout'; epoch: number };
}

export type TrainMode = 'single' | 'compare-seed';

/** What a face asks the training engine for. */
export interface TrainRequest {
  lesson: string;
  params: Partial<Record<string, unknown>>; // raw, validated by the lesson
  mode: TrainMode;
  lang: Lang;
}

/** Images a lesson produces besides the loss chart (the CNN's kernels). */
export interface LessonImage {
  key: string;
  title: Bilingual;
  pngBase64: string;
  /** On a job record: where the submitting side keeps the PNG (rows store the path, not the image). */
  path?: string;
}

/**
 * How far apart the final figures of runs with different seeds were, measured
 * with the lesson's defaults: what "an ordinary difference between seeds" is
 * for this lesson. Recorded in the lesson (scripts/runs/measure.ts measures it).
 */
export interface SeedSpread {
  /** The seeds trained. */
  seeds: number[];
  /** The figure compared: validation accuracy where the lesson has it, else the validation loss. */
  metric: 'valAcc' | 'valLoss';
  /** Lowest and highest final value of `metric` over those seeds. */
  min: number;
  max: number;
}

/** The first-layer kernels of a convolutional lesson, kernels[filter][row][col], before and after training. */
export interface KernelSnapshot {
  size: number;
  count: number;
  before?: number[][][];
  after?: number[][][];
}

/**
 * What the lesson says about itself that the words and the reading of a run
 * need, copied into the result by the runner (a result crosses processes as
 * JSON, so it carries them rather than the reader loading the lesson again).
 */
export interface LessonFacts {
  title: Bilingual;
  loss: 'meanSquaredError' | 'binaryCrossentropy' | 'categoricalCrossentropy';
  /** Classes of a classification lesson. */
  numClasses?: number;
  /** Training examples: with the batch size, how many updates one epoch makes. */
  trainCount?: number;
  defaults: TrainParams;
  /** Human names of the lesson's own parameters (e.g. the CNN's filters). */
  paramLabels?: Record<string, Bilingual>;
  /** Measured spread between seeds, per model (the lesson id for a one-model lesson, xor's variant keys). */
  seedSpread?: Record<string, SeedSpread>;
  /** Learning rates this lesson is known to train well with, per optimizer (checked on real runs). */
  learningRates?: Partial<Record<OptimizerName, number>>;
  /** Lesson-specific sentences of the reading. */
  notes?: LessonNotes;
}

/** Sentences a lesson adds to the reading of its runs. */
export interface LessonNotes {
  /** Said when some of the lesson's models solved the problem and others did not (xor). */
  modelsDiffer?: Bilingual;
}

/** A finished run. `history`, `final` and `params` repeat those of the first series. */
export interface TrainResult {
  lesson: string;
  backend: BackendName;
  mode: TrainMode;
  params: TrainParams;
  history: EpochLog[];
  final: FinalMetrics;
  series: Series[];
  seconds: number;
  /** Facts about the data for the reading and captions (linear's true m and b, the points). */
  extras?: Record<string, unknown>;
  /** The lesson's title, loss, defaults and measured references (absent in results stored by older versions). */
  about?: LessonFacts;
  /** The CNN's first-layer kernels before and after training. */
  kernels?: KernelSnapshot;
  /** Pictures besides the loss chart, drawn by whoever draws the chart (src/charts `renderRunImages`). */
  images?: LessonImage[];
}

/** Progress while training: emitted after every epoch of every series. */
export interface EpochEvent extends EpochLog {
  /** The series' key ("seed-42", "perceptron"). */
  series: string;
  /** Its name for people, in both languages (absent in events of older workers). */
  seriesLabel?: Bilingual;
  seriesIndex: number;
  seriesCount: number;
  totalEpochs: number;
}

/** Hooks the trainer calls; the signal cancels between batches. */
export interface TrainHooks {
  onEpoch?: (event: EpochEvent) => void;
  signal?: AbortSignal;
}
