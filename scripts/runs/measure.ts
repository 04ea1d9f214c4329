/**
 * Measures what the lessons record about themselves (src/training/lesson.ts):
 *
 *   --seeds N    trains every lesson with its defaults and seeds 42 … 42+N-1 and
 *                prints each model's `seedSpread` (final validation accuracy,
 *                or validation loss for a lesson without accuracy);
 *   --rates      trains every lesson with each optimizer it allows at a few
 *                learning rates (default epochs) and prints the verdict and final
 *                figures of each, to choose the `learningRates` it records.
 *
 *   npx tsx scripts/runs/measure.ts --seeds 8 [--only mnist]
 *   npx tsx scripts/runs/measure.ts --rates [--only cnn]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { diagnoseRun } from '../../src/charts/reading.ts';
import { loadConfig } from '../../src/config.ts';
import { loadLessons } from '../../src/training/lessons.ts';
import { runTraining } from '../../src/training/run.ts';
import type { SeedSpread } from '../../src/training/types.ts';

const { values } = parseArgs({ options: { seeds: { type: 'string' }, rates: { type: 'boolean' }, only: { type: 'string' } } });
const config = loadConfig({ TASUKE_LESSONS_DIR: resolve('lessons') });
const lessons = (await loadLessons(config.lessonsDir)).filter((l) => !values.only || l.id === values.only);
const RATES = [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001];

if (values.seeds) {
  const n = Number(values.seeds);
  for (const lesson of lessons) {
    const finals = new Map<string, number[]>();
    let metric: SeedSpread['metric'] = 'valAcc';
    const seeds = Array.from({ length: n }, (_, i) => 42 + i);
    for (const seed of seeds) {
      const r = await runTraining({ lesson: lesson.id, params: { seed }, mode: 'single', lang: 'en' }, {}, { config });
      for (const s of r.series) {
        metric = s.final.valAcc !== undefined ? 'valAcc' : 'valLoss';
        finals.set(s.key, [...(finals.get(s.key) ?? []), s.final[metric]]);
      }
    }
    const spread: Record<string, SeedSpread> = {};
    for (const [key, v] of finals) spread[key] = { seeds, metric, min: Number(Math.min(...v).toPrecision(4)), max: Number(Math.max(...v).toPrecision(4)) };
    console.log(`${lesson.id}: seedSpread: ${JSON.stringify(spread)}  (values ${JSON.stringify([...finals.values()].map((v) => v.map((x) => Number(x.toPrecision(4)))))})`);
  }
}

if (values.rates) {
  for (const lesson of lessons) {
    for (const optimizer of lesson.bounds.optimizers) {
      for (const learningRate of RATES) {
        const r = await runTraining({ lesson: lesson.id, params: { optimizer, learningRate }, mode: 'single', lang: 'en' }, {}, { config });
        const verdicts = diagnoseRun(r).map((x) => `${x.key}:${x.diagnosis.kind}${x.diagnosis.reason ? '/' + x.diagnosis.reason : ''}`);
        const f = r.series.map((s) => `${s.key} vl=${s.final.valLoss?.toPrecision(3)} va=${s.final.valAcc?.toPrecision(3)}`);
        console.log(`${lesson.id} ${optimizer} ${learningRate}: ${verdicts.join(' ')} | ${f.join(' | ')}`);
      }
    }
  }
}
