/**
 * `tasuke train <lesson> [--epochs N --lr X --batch-size N --optimizer sgd|adam|rmsprop
 *  --seed N --hidden-units N ...] [--compare seed] [--lang ja|en] [--chart FILE] [--json]`
 *
 * Trains in this process (the job queue is for the bot; this is for a
 * terminal): a progress line per epoch, then the summary and the plain-language
 * reading (the words of a run come from `training/words.ts`, shared by every face). With --json the progress goes to stderr and stdout gets one JSON
 * object. Any `--some-name value` becomes the lesson parameter `someName`, so
 * lesson-specific parameters need no change here; the lesson validates them.
 */
import { writeFileSync } from 'node:fs';
import { dirname, extname, join, basename } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { isLang, type Lang } from '../../core/lang.ts';
import { runTraining } from '../../training/run.ts';
import type { TrainMode, TrainResult } from '../../training/types.ts';
import { progressLine, summary } from '../../training/words.ts';
import type { CliCommand, CliContext } from '../command.ts';

/** Short flags people expect, mapped to parameter names. */
const ALIASES: Record<string, string> = { lr: 'learningRate', 'learning-rate': 'learningRate', seed2: 'compareSeed' };
const FLAGS_WITH_VALUE = new Set(['lang', 'chart', 'compare']);
const BOOLEAN_FLAGS = new Set(['json']);

export interface TrainArgs {
  lesson: string;
  params: Record<string, unknown>;
  mode: TrainMode;
  lang: Lang;
  chart?: string;
  json: boolean;
}

const camel = (s: string) => s.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** A value as typed: numbers become numbers, anything else stays a string for the lesson to reject. */
function value(raw: string): number | string {
  const t = raw.trim();
  return t !== '' && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t) ? Number(t) : raw;
}

function usageError(en: string, ja: string): UserError {
  return new UserError('invalid-arguments', { ja, en });
}

/** Parses the command line; throws UserError for anything malformed. */
export function parseTrainArgs(argv: string[]): TrainArgs {
  const out: TrainArgs = { lesson: '', params: {}, mode: 'single', lang: 'en', json: false };
  const positionals: string[] = [];
  // --lang is read first so that every later message is in the asked language.
  for (let i = 0; i < argv.length; i++) {
    const m = /^--lang(?:=(.*))?$/.exec(argv[i]);
    if (m) {
      const v = m[1] ?? argv[i + 1];
      if (!isLang(v)) throw usageError('--lang must be ja or en.', '--lang は ja か en で指定してください。');
      out.lang = v;
    }
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (BOOLEAN_FLAGS.has(name)) {
      if (eq !== -1) throw usageError(`--${name} takes no value.`, `--${name} に値はいりません。`);
      out.json = true;
      continue;
    }
    let raw: string | undefined = eq === -1 ? argv[i + 1] : arg.slice(eq + 1);
    if (eq === -1) {
      if (raw === undefined || (raw.startsWith('--') && !/^--?\d/.test(raw))) {
        throw usageError(`--${name} needs a value.`, `--${name} には値を指定してください。`);
      }
      i++;
    }
    raw = raw!;
    if (name === 'lang') continue;
    if (name === 'chart') out.chart = raw;
    else if (name === 'compare') {
      if (raw !== 'seed') throw usageError('--compare takes one value: seed.', '--compare に指定できるのは seed だけです。');
      out.mode = 'compare-seed';
    } else if (!FLAGS_WITH_VALUE.has(name)) {
      if (!/^[a-z][a-z0-9-]*$/.test(name)) throw usageError(`Unknown option --${name}.`, `--${name} というオプションはありません。`);
      out.params[ALIASES[name] ?? camel(name)] = value(raw);
    }
  }
  if (positionals.length === 0) {
    throw usageError('Which lesson? Usage: tasuke train <lesson> [options] (see `tasuke lessons`).', 'レッスン名を指定してください: tasuke train <レッスン> [オプション]（一覧は `tasuke lessons`）。');
  }
  if (positionals.length > 1) {
    // `compare seed` as two words, as on Discord.
    if (positionals.length === 3 && positionals[1] === 'compare' && positionals[2] === 'seed') out.mode = 'compare-seed';
    else throw usageError(`Unexpected argument "${positionals[1]}".`, `「${positionals[1]}」は使えない引数です。`);
  }
  out.lesson = positionals[0];
  return out;
}

async function loadCharts(): Promise<Record<string, unknown> | undefined> {
  try {
    const path = '../../charts/index.ts';
    return (await import(path)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function imagePath(chart: string, key: string): string {
  const ext = extname(chart) || '.png';
  return join(dirname(chart), `${basename(chart, extname(chart))}-${key}${ext}`);
}

async function train(args: TrainArgs, ctx: CliContext): Promise<number> {
  const progress = args.json ? ctx.stderr : ctx.stdout;
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let result: TrainResult;
  try {
    result = await runTraining(
      { lesson: args.lesson, params: args.params, mode: args.mode, lang: args.lang },
      { onEpoch: (e) => progress.write(progressLine(e, args.lang) + '\n'), signal: controller.signal },
      { config: ctx.config },
    );
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const charts = await loadCharts();
  let chart: string | null = null;
  const images: string[] = [];
  if (args.chart) {
    const render = charts?.renderLossChart as ((r: TrainResult, lang: Lang) => Promise<Buffer>) | undefined;
    if (!render) {
      ctx.stderr.write(args.lang === 'ja' ? 'グラフを描くモジュールがないため、グラフは保存しませんでした。\n' : 'The charts module is not available; no chart was written.\n');
    } else {
      writeFileSync(args.chart, await render(result, args.lang));
      chart = args.chart;
      for (const img of result.images ?? []) {
        const path = imagePath(args.chart, img.key);
        writeFileSync(path, Buffer.from(img.pngBase64, 'base64'));
        images.push(path);
      }
    }
  }
  const readRun = charts?.readRun as ((r: TrainResult, lang: Lang) => string) | undefined;
  const reading = readRun ? readRun(result, args.lang) : undefined;
  if (args.json) {
    const { lesson, backend, params, history, final, seconds, mode, series, extras } = result;
    ctx.stdout.write(JSON.stringify({ lesson, backend, params, history, final, seconds, chart, mode, series, extras, images, reading: reading ?? null }) + '\n');
  } else {
    const lines = ['', summary(result, args.lang)];
    if (reading) lines.push('', reading);
    if (chart) lines.push('', (args.lang === 'ja' ? 'グラフ: ' : 'chart: ') + [chart, ...images].join(', '));
    ctx.stdout.write(lines.join('\n') + '\n');
  }
  return result.series.some((s) => s.stopped?.reason === 'cancelled' || s.stopped?.reason === 'timeout') ? 130 : 0;
}

export const command: CliCommand = {
  name: 'train',
  usage: 'train <lesson> [--epochs N --lr X ...] [--compare seed]',
  summary: 'Train a lesson here and print progress, summary and reading',
  async run(argv, ctx) {
    const langGuess: Lang = argv.some((a, i) => (a === '--lang' && argv[i + 1] === 'ja') || a === '--lang=ja') ? 'ja' : 'en';
    try {
      return await train(parseTrainArgs(argv), ctx);
    } catch (err) {
      if (err instanceof UserError) {
        ctx.stderr.write(err.messageFor(langGuess) + '\n');
        return 2;
      }
      throw err;
    }
  },
};
