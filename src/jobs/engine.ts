/**
 * What a worker child needs to run a job: the trainer and the chart renderer.
 * Loaded with dynamic imports in the child only, so the process that serves
 * people never loads TensorFlow through the job system.
 */
import type { Config } from '../config.ts';
import type { Lang } from '../core/lang.ts';
import type { LessonImage, TrainHooks, TrainRequest, TrainResult } from '../training/types.ts';

export interface Engine {
  train(request: TrainRequest, hooks: TrainHooks, config?: Config): Promise<TrainResult>;
  renderChart(result: TrainResult, lang: Lang): Promise<Buffer>;
  /** The run's pictures besides the chart (the CNN's kernels), from the data the lesson returned. */
  renderImages(result: TrainResult, lang: Lang): Promise<LessonImage[]>;
  read(result: TrainResult, lang: Lang): string;
}

/** Loads the real trainer and charts (TensorFlow.js included). */
export async function loadEngine(): Promise<Engine> {
  const [run, charts] = await Promise.all([import('../training/run.ts'), import('../charts/index.ts')]);
  return {
    train: (request, hooks, config) => run.runTraining(request, hooks, { config }),
    renderChart: (result, lang) => charts.renderLossChart(result, lang),
    renderImages: (result, lang) => charts.renderRunImages(result, lang),
    read: (result, lang) => charts.readRun(result, lang),
  };
}
