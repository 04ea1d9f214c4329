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
  /** Lesson-specific facts for the reading and captions (true m and b, kernels...). */
  extras?: Record<string, unknown>;
  images?: LessonImage[];
}

/** Progress while training: emitted after every epoch of every series. */
export interface EpochEvent extends EpochLog {
  series: string;
  seriesIndex: number;
  seriesCount: number;
  totalEpochs: number;
}

/** Hooks the trainer calls; the signal cancels between batches. */
export interface TrainHooks {
  onEpoch?: (event: EpochEvent) => void;
  signal?: AbortSignal;
}
