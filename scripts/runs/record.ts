/**
 * Trains the table of real runs (tests/fixtures/runs/cases.ts) one after the
 * other and writes each result, without its images and wall-clock times, to
 * tests/fixtures/runs/<id>.json. With `--charts DIR` it also renders each
 * recorded run's chart (English and Japanese) into DIR, from the fixtures, so
 * the charts can be looked at without training again.
 *
 * With `--table` it prints the table of runs, their verdicts and readings as
 * Markdown (tests/fixtures/runs/README.md is that table).
 *
 *   npx tsx scripts/runs/record.ts [--only <id-prefix>] [--charts DIR] [--table] [--skip-training]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { diagnoseRun, readRun, renderLossChart, verdictName } from '../../src/charts/index.ts';
import { loadConfig } from '../../src/config.ts';
import { runTraining } from '../../src/training/run.ts';
import type { TrainResult } from '../../src/training/types.ts';
import { RUN_CASES } from '../../tests/fixtures/runs/cases.ts';

const DIR = resolve('tests/fixtures/runs');

const { values } = parseArgs({
  options: { only: { type: 'string' }, charts: { type: 'string' }, table: { type: 'boolean' }, 'skip-training': { type: 'boolean' } },
});
const cases = RUN_CASES.filter((c) => !values.only || c.id.startsWith(values.only));
const config = loadConfig({ TASUKE_LESSONS_DIR: resolve('lessons') });

/** The result as stored: no images (they are big) and no times (they differ from run to run). */
function stored(result: TrainResult): TrainResult {
  const { images: _images, ...rest } = result;
  const strip = (h: TrainResult['history']) => h.map((e) => ({ ...e, elapsedMs: 0 }));
  return { ...rest, seconds: 0, history: strip(rest.history), series: rest.series.map((s) => ({ ...s, history: strip(s.history) })) };
}

if (!values['skip-training']) {
  for (const c of cases) {
    const started = Date.now();
    const result = await runTraining({ lesson: c.lesson, params: c.params, mode: c.mode, lang: 'en' }, {}, { config });
    writeFileSync(join(DIR, `${c.id}.json`), JSON.stringify(stored(result)) + '\n');
    console.log(`${c.id}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

if (values.charts) {
  mkdirSync(values.charts, { recursive: true });
  for (const c of cases) {
    const file = join(DIR, `${c.id}.json`);
    if (!existsSync(file)) continue;
    const result = JSON.parse(readFileSync(file, 'utf8')) as TrainResult;
    for (const lang of ['en', 'ja'] as const) writeFileSync(join(values.charts, `${c.id}.${lang}.png`), await renderLossChart(result, lang));
  }
  console.log(`charts in ${values.charts}`);
}

if (values.table) {
  const rows = ['| run | settings | verdict | reading (English; the Japanese says the same) |', '| --- | --- | --- | --- |'];
  for (const c of cases) {
    const file = join(DIR, `${c.id}.json`);
    if (!existsSync(file)) continue;
    const result = JSON.parse(readFileSync(file, 'utf8')) as TrainResult;
    const settings = [c.mode === 'compare-seed' ? '--compare seed' : '', ...Object.entries(c.params).map(([k, v]) => `--${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)} ${v}`)].filter(Boolean).join(' ') || 'defaults';
    const verdicts = diagnoseRun(result)
      .map((x) => `${result.series.length > 1 ? `${x.key}: ` : ''}${verdictName(x.diagnosis, 'en')}${x.diagnosis.fromEpoch && x.diagnosis.kind !== 'plateau' ? ` (epoch ${x.diagnosis.fromEpoch})` : ''}`)
      .join('; ');
    rows.push(`| ${c.id} | ${settings} | ${verdicts} | ${readRun(result, 'en').replaceAll('|', '\\|')} |`);
  }
  console.log(rows.join('\n'));
}
