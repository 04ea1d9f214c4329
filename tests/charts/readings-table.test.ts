/**
 * The table of real runs (tests/fixtures/runs): every lesson with its
 * defaults, many epochs, tiny and huge learning rates, small and large
 * batches, two seeds, and each optimizer at the rate the lesson records.
 * Each run's history was recorded from a real training run; its reading is
 * checked against the verdict judged correct from its chart, and against the
 * rules every reading keeps: it names only what the chart marks, suggests
 * only learning rates this table shows the lesson training with, and explains
 * epochs only where the advice is more epochs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chartMarks } from '../../src/charts/loss-chart.ts';
import { diagnoseRun, knownLearningRate, readRun, READING_MAX_CHARS, variantOf } from '../../src/charts/reading.ts';
import { detectLang } from '../../src/core/lang.ts';
import { loadLesson } from '../../src/training/lessons.ts';
import { validateParams } from '../../src/training/params.ts';
import { lessonFacts } from '../../src/training/run.ts';
import type { TrainResult } from '../../src/training/types.ts';
import { RUN_CASES, type RunCase } from '../fixtures/runs/cases.ts';
import { LESSONS_DIR } from '../training/support.ts';

const FIXTURES = new URL('../fixtures/runs/', import.meta.url);

/**
 * A recorded run, with the lesson's facts as the lesson states them today (so
 * a re-measured spread or rate is what the reading uses), and the data facts
 * recorded with it.
 */
async function load(c: RunCase): Promise<TrainResult> {
  const recorded = JSON.parse(readFileSync(new URL(`${c.id}.json`, FIXTURES), 'utf8')) as TrainResult;
  const lesson = await loadLesson(c.lesson, LESSONS_DIR);
  const about = { ...lessonFacts(lesson), trainCount: recorded.about?.trainCount, numClasses: recorded.about?.numClasses };
  return { ...recorded, about };
}

function verdictOf(d: ReturnType<typeof diagnoseRun>[number]['diagnosis'], expected: string): string {
  const kind = d.kind + (expected.includes('/') && d.reason ? `/${d.reason}` : '');
  return expected.includes('@') ? `${kind}@${d.fromEpoch}` : kind;
}

/** "lesson optimizer rate" of the runs that trained well (xor: its hidden-layer model; the perceptron cannot): the only rates a reading may suggest. */
async function goodRates(): Promise<Set<string>> {
  const good = new Set<string>();
  for (const c of RUN_CASES) {
    const r = await load(c);
    const judged = diagnoseRun(r).filter((x) => c.lesson !== 'xor' || x.key.startsWith('hidden'));
    if (judged.every((x) => ['healthy', 'stalled'].includes(x.diagnosis.kind))) good.add(`${c.lesson} ${r.params.optimizer} ${r.params.learningRate}`);
  }
  return good;
}

const good = await goodRates();

describe('the table of real runs', () => {
  for (const c of RUN_CASES) {
    it(`${c.id}: ${Object.values(c.expect.verdicts).join(', ')}`, async () => {
      const r = await load(c);
      // The fixture is the run the case describes.
      const lesson = await loadLesson(c.lesson, LESSONS_DIR);
      const { compareSeed: _c, ...asked } = validateParams(lesson, c.params);
      expect(r.params).toEqual(asked);
      expect(r.mode).toBe(c.mode);

      const verdicts = Object.fromEntries(diagnoseRun(r).map((x) => [x.key, verdictOf(x.diagnosis, c.expect.verdicts[x.key] ?? '')]));
      expect(verdicts).toEqual(c.expect.verdicts);

      const en = readRun(r, 'en');
      const ja = readRun(r, 'ja');
      for (const phrase of c.expect.says ?? []) expect(en).toContain(phrase);
      for (const phrase of c.expect.saysJa ?? []) expect(ja).toContain(phrase);
      for (const pattern of c.expect.never ?? []) expect(en).not.toMatch(pattern);

      // Every reading: the asker's language, short, and never "a tenth of your rate".
      expect(en.length).toBeLessThanOrEqual(READING_MAX_CHARS);
      expect(ja.length).toBeLessThanOrEqual(READING_MAX_CHARS);
      expect(detectLang(ja)).toBe('ja');
      expect(en).not.toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/u);
      expect(en).not.toMatch(/10 times smaller/);
      expect(ja).not.toContain('10 分の 1');

      // What an epoch is, only where the advice is more epochs.
      const moreEpochs = diagnoseRun(r).some((x) => x.diagnosis.reason === 'still-falling' || x.diagnosis.reason === 'too-short');
      expect(en.includes('another pass of gradient descent')).toBe(moreEpochs);

      // A suggested rate is one the lesson records, and one this table shows it training with.
      for (const m of en.matchAll(/--learning-rate (\d+(?:\.\d+)?(?:e[-+]?\d+)?)/g)) {
        const rate = Number(m[1]);
        const optimizer = r.series.find((s) => diagnoseRun(r).find((x) => x.key === s.key)?.diagnosis.kind === 'diverged')?.params.optimizer ?? r.params.optimizer;
        expect(rate).toBe(knownLearningRate(r.about, optimizer));
        expect(good.has(`${c.lesson} ${optimizer} ${rate}`), `${c.lesson} ${optimizer} ${rate} is shown training well`).toBe(true);
      }

      // "Overfitting" only for a run diagnosed so; and the chart marks every epoch the text names.
      if (!Object.values(c.expect.verdicts).some((v) => v.startsWith('overfitting'))) expect(en).not.toMatch(/That is overfitting/);
      if (r.series.length === 1) {
        const marks = chartMarks(r, 'en');
        const named = [...en.matchAll(/(?:stopped improving at epoch|lowest at epoch|at epoch) (\d+)/g)].map((m) => Number(m[1]));
        const nanStop = /became NaN/.test(en);
        for (const epoch of named) {
          if (nanStop) continue;
          expect(marks.markers.map((m) => m.epoch), `epoch ${epoch} is marked`).toContain(epoch);
        }
        expect(!!marks.gap).toBe(/generalization gap/.test(en));
      }
    });
  }

  it('records every lesson with its defaults, many epochs, tiny and huge rates, small and large batches and two seeds', () => {
    for (const lesson of ['linear', 'xor', 'iris', 'mnist', 'cnn']) {
      const ids = RUN_CASES.filter((c) => c.lesson === lesson).map((c) => c.id.slice(lesson.length + 2));
      expect(ids).toContain('defaults');
      expect(ids).toContain('seeds');
      expect(ids.some((i) => i.startsWith('epochs-'))).toBe(true);
      expect(ids.filter((i) => /^lr-/.test(i)).length).toBeGreaterThanOrEqual(2);
      expect(ids.filter((i) => i.startsWith('batch-')).length).toBeGreaterThanOrEqual(2);
    }
  });

  it('has a run showing each learning rate a lesson records training well', async () => {
    for (const id of ['linear', 'xor', 'iris', 'mnist', 'cnn']) {
      const lesson = await loadLesson(id, LESSONS_DIR);
      for (const [optimizer, rate] of Object.entries(lesson.learningRates ?? {})) {
        expect(good.has(`${id} ${optimizer} ${rate}`), `${id} ${optimizer} ${rate}`).toBe(true);
      }
      expect(good.has(`${id} ${lesson.defaults.optimizer} ${lesson.defaults.learningRate}`)).toBe(true);
    }
  });

  it('judges seeds by the variant’s own measured spread', async () => {
    const r = await load(RUN_CASES.find((c) => c.id === 'xor--seeds')!);
    expect(r.series.map((s) => variantOf(s.key))).toEqual(['perceptron', 'hidden', 'perceptron', 'hidden']);
  });
});
