/**
 * `tasuke train <lesson> [--epochs N --learning-rate X --batch-size N
 *  --optimizer sgd|adam|rmsprop --seed N --hidden-units N ...] [--compare seed]
 *  [--lang ja|en] [--chart FILE] [--json]`
 *
 * Trains in this process (the job queue is for the bot; this is for a
 * terminal): live progress, then the summary and the plain-language reading
 * (the words of a run come from `training/words.ts`, shared by every face).
 * With --json the progress goes to stderr and stdout gets one JSON object.
 * Each lesson parameter is a kebab-case flag (`hiddenUnits` → `--hidden-units`),
 * so a lesson's own parameters need no change here. The command line is
 * checked against the lesson before training starts, and a message about a
 * parameter names the flag as it was typed. Exit codes: 0 finished, 2 usage,
 * 3 stopped on NaN, 130 interrupted.
 */
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { readRun, renderLossChart, renderRunImages } from '../../charts/index.ts';
import { UserError } from '../../core/errors.ts';
import { t, type Lang } from '../../core/lang.ts';
import type { Lesson } from '../../training/lesson.ts';
import { listLessonIds, loadLesson, loadLessons } from '../../training/lessons.ts';
import { boundOf, COMPARE_SEED, paramNames, validateParams } from '../../training/params.ts';
import { runTraining } from '../../training/run.ts';
import type { TrainMode, TrainResult } from '../../training/types.ts';
import { isParamProblem, paramFlag, paramKey, paramLabel, paramProblemText, summary } from '../../training/words.ts';
import { didYouMean, flagValue, isNumberLike, langFlag, nearest, parseLine, UsageError, type FlagSpec, type ReadFlag } from '../args.ts';
import { EXIT, type CliCommand, type CliContext, type CommandHelp, type OptionHelp } from '../command.ts';
import { HELP_OPTION, LANG_OPTION } from '../help.ts';
import { createProgress, type OutStream } from '../progress.ts';
import { rangeText } from './lessons.ts';

/** Flags of the command itself, whatever the lesson. */
const COMMAND_FLAGS: FlagSpec[] = [{ name: 'lang' }, { name: 'chart' }, { name: 'compare' }, { name: 'json', boolean: true }];

/** Short names people expect, per parameter. */
const ALIASES: Record<string, string[]> = { learningRate: ['lr'], [COMPARE_SEED]: ['seed2'] };

/** The flags of `lesson`'s parameters: `--learning-rate` (alias `--lr`), `--hidden-units`, ... */
export function paramFlags(lesson: Pick<Lesson, 'defaults'>): FlagSpec[] {
  return paramNames(lesson).map((key) => ({ name: paramFlag(key), aliases: ALIASES[key] }));
}

export interface TrainArgs {
  lesson: string;
  /** Parameter values by key (`learningRate`), numbers where they look like numbers. */
  params: Record<string, unknown>;
  /** The flag each parameter was given with, as typed (`--lr`). */
  typed: Record<string, string>;
  mode: TrainMode;
  lang: Lang;
  chart?: string;
  json: boolean;
}

/** A value as typed: numbers become numbers, anything else stays a string for the lesson to reject. */
function value(raw: string): number | string {
  return raw.trim() !== '' && isNumberLike(raw) ? Number(raw) : raw;
}

/** The lesson named on the line, with the nearest lesson id suggested for a typo. */
function lessonOf(positionals: string[], lessonsDir: string): { id: string; mode?: TrainMode } {
  if (positionals.length === 0) {
    throw new UsageError({
      ja: 'レッスン名を指定してください: tasuke train <レッスン> [オプション]（一覧は `tasuke lessons`）。',
      en: 'Which lesson? Usage: tasuke train <lesson> [options] (see `tasuke lessons`).',
    });
  }
  const [id, ...rest] = positionals;
  let mode: TrainMode | undefined;
  // `compare seed` as two words, as on Discord.
  if (rest.length === 2 && rest[0] === 'compare' && rest[1] === 'seed') mode = 'compare-seed';
  else if (rest.length > 0) throw new UsageError({ ja: `「${rest[0]}」は使えない引数です。`, en: `Unexpected argument "${rest[0]}".` });
  const ids = listLessonIds(lessonsDir);
  if (!ids.includes(id)) {
    const hint = didYouMean(nearest(id, ids));
    throw new UsageError(
      { ja: `「${id}」というレッスンはありません。${hint.ja}使えるレッスン: ${ids.join(', ')}`, en: `There is no lesson "${id}".${hint.en} Available lessons: ${ids.join(', ')}.` },
      { lesson: id, available: ids },
    );
  }
  return { id, mode };
}

/** The lesson's parameters from the flags read; a flag the lesson does not have is a UsageError naming its nearest one. */
function paramsOf(lesson: Lesson, flags: ReadFlag[]): { params: Record<string, unknown>; typed: Record<string, string> } {
  const specs = paramFlags(lesson);
  const known = new Map<string, string>();
  for (const s of specs) for (const n of [s.name, ...(s.aliases ?? [])]) known.set(n, s.name);
  const params: Record<string, unknown> = {};
  const typed: Record<string, string> = {};
  for (const f of flags) {
    if (COMMAND_FLAGS.some((c) => c.name === f.name)) continue;
    const name = known.get(f.name.replace(/^--/, ''));
    if (!name) {
      const all = [...specs.map((s) => `--${s.name}`), ...COMMAND_FLAGS.map((c) => `--${c.name}`)];
      const hint = didYouMean(nearest(f.typed, all));
      throw new UsageError(
        {
          ja: `レッスン ${lesson.id} に ${f.typed} というオプションはありません。${hint.ja}使えるのは ${specs.map((s) => `--${s.name}`).join(', ')} です。`,
          en: `Lesson ${lesson.id} has no option ${f.typed}.${hint.en} It accepts ${specs.map((s) => `--${s.name}`).join(', ')}.`,
        },
        { option: f.typed },
      );
    }
    params[paramKey(name)] = value(String(f.value));
    typed[paramKey(name)] = f.typed;
  }
  return { params, typed };
}

/**
 * Reads and checks a train command line against the lessons in `lessonsDir`:
 * the lesson exists, every flag is one of its parameters (or of the command),
 * every value is within the lesson's range. Throws UsageError (or the
 * parameter's UserError, worded with the flag as typed) for anything else.
 */
export async function parseTrainArgs(argv: string[], lessonsDir: string, fallbackLang: Lang = 'en'): Promise<TrainArgs> {
  const line = parseLine(argv, COMMAND_FLAGS, { acceptUnknown: true });
  const lang = langFlag(line, fallbackLang);
  const named = lessonOf(line.positionals, lessonsDir);
  const lesson = await loadLesson(named.id, lessonsDir);
  const { params, typed } = paramsOf(lesson, line.flags);
  const compare = flagValue(line, 'compare');
  if (compare !== undefined && compare !== 'seed') {
    throw new UsageError({ ja: '--compare に指定できるのは seed だけです。', en: `--compare takes one value: seed (got ${String(compare)}).` });
  }
  try {
    validateParams(lesson, params);
  } catch (err) {
    if (err instanceof UserError && isParamProblem(err.context)) {
      const flag = typed[err.context.param] ?? `--${paramFlag(err.context.param)}`;
      throw new UsageError(paramProblemText(err.context, flag, (k) => `--${paramFlag(k)}`), err.context);
    }
    throw err;
  }
  const chart = flagValue(line, 'chart');
  return {
    lesson: lesson.id,
    params,
    typed,
    mode: compare === 'seed' ? 'compare-seed' : (named.mode ?? 'single'),
    lang,
    chart: typeof chart === 'string' ? chart : undefined,
    json: line.flags.some((f) => f.name === 'json'),
  };
}

/** Refuses a chart path whose folder is missing or not writable, before any training. */
export function checkChartPath(chart: string): void {
  const folder = dirname(resolve(chart));
  let problem: { ja: string; en: string } | undefined;
  try {
    if (!statSync(folder).isDirectory()) problem = { ja: `${folder} はフォルダではありません`, en: `${folder} is not a folder` };
    else if (statSync(resolve(chart), { throwIfNoEntry: false })?.isDirectory()) problem = { ja: `${chart} はフォルダです`, en: `${chart} is a folder` };
    else accessSync(folder, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problem =
      code === 'ENOENT'
        ? { ja: `フォルダ ${folder} がありません`, en: `the folder ${folder} does not exist` }
        : { ja: `フォルダ ${folder} に書き込めません`, en: `the folder ${folder} is not writable` };
  }
  if (problem) {
    throw new UsageError({ ja: `--chart ${chart}: ${problem.ja}。学習は始めていません。`, en: `--chart ${chart}: ${problem.en}; nothing was trained.` }, { chart });
  }
}

function imagePath(chart: string, key: string): string {
  const ext = extname(chart) || '.png';
  return join(dirname(chart), `${basename(chart, extname(chart))}-${key}${ext}`);
}

/** Writes the chart and the run's other pictures next to it; returns the paths written. */
async function writeCharts(result: TrainResult, chart: string, lang: Lang): Promise<string[]> {
  writeFileSync(chart, await renderLossChart(result, lang));
  const written = [chart];
  for (const img of await renderRunImages(result, lang)) {
    const path = imagePath(chart, img.key);
    writeFileSync(path, Buffer.from(img.pngBase64, 'base64'));
    written.push(path);
  }
  return written;
}

/** The exit code of a finished run: interrupted, stopped on NaN, or finished. */
export function exitCodeOf(result: TrainResult): number {
  if (result.series.some((s) => s.stopped?.reason === 'cancelled' || s.stopped?.reason === 'timeout')) return EXIT.cancelled;
  if (result.series.some((s) => s.stopped?.reason === 'nan')) return EXIT.nan;
  return EXIT.ok;
}

async function train(args: TrainArgs, ctx: CliContext): Promise<number> {
  const out = (args.json ? ctx.stderr : ctx.stdout) as OutStream;
  const progress = await createProgress(out, args.lang, { note: ctx.stderr });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let result: TrainResult;
  try {
    result = await runTraining(
      { lesson: args.lesson, params: args.params, mode: args.mode, lang: args.lang },
      { onEpoch: (e) => progress.epoch(e), signal: controller.signal },
      { config: ctx.config },
    );
  } finally {
    progress.stop();
    process.removeListener('SIGINT', onSigint);
  }
  const files = args.chart ? await writeCharts(result, args.chart, args.lang) : [];
  const reading = readRun(result, args.lang);
  if (args.json) {
    const { lesson, backend, params, history, final, seconds, mode, series, extras } = result;
    const [chart = null, ...images] = files;
    ctx.stdout.write(JSON.stringify({ lesson, backend, params, history, final, seconds, chart, mode, series, extras, images, reading }) + '\n');
  } else {
    const lines = ['', summary(result, args.lang), '', reading];
    if (files.length > 0) lines.push('', t(args.lang, 'グラフ: ', 'chart: ') + files.join(', '));
    ctx.stdout.write(lines.join('\n') + '\n');
  }
  return exitCodeOf(result);
}

/** "N" for an integer parameter, "NAME" for the optimizer, "X" for any other number. */
function placeholder(lesson: Lesson, key: string): string {
  if (key === 'optimizer') return 'NAME';
  return boundOf(lesson, key)?.integer ? 'N' : 'X';
}

/** The options of one lesson, or of every lesson (lessons with the same range listed together). */
function paramOptions(lessons: Lesson[], lang: Lang): OptionHelp[] {
  const keys = [...new Set(lessons.flatMap((l) => paramNames(l)))];
  return keys.map((key) => {
    const having = lessons.filter((l) => paramNames(l).includes(key));
    const ph = placeholder(having[0], key);
    const flags = [`--${paramFlag(key)} ${ph}`, ...(ALIASES[key] ?? []).map((a) => `--${a} ${ph}`)];
    const label = paramLabel(having[0], key);
    if (lessons.length === 1) {
      const l = lessons[0];
      const def = l.defaults[key];
      const shown = def === undefined ? (key === COMPARE_SEED ? 'seed + 1' : undefined) : String(def);
      const values = [rangeText(l, key), shown !== undefined ? t(lang, `既定値 ${shown}`, `default ${shown}`) : ''].filter(Boolean).join(t(lang, '、', '; '));
      return { flags, text: label, values };
    }
    const byRange = new Map<string, string[]>();
    for (const l of having) byRange.set(rangeText(l, key), [...(byRange.get(rangeText(l, key)) ?? []), l.id]);
    const all = having.length === lessons.length;
    const values =
      byRange.size === 1
        ? [...byRange.keys()][0]
        : [...byRange.entries()].map(([range, ids]) => `${range} (${ids.join(', ')})`).join('; ');
    const only = all ? '' : t(lang, `${having.map((l) => l.id).join(', ')} のみ; `, `only ${having.map((l) => l.id).join(', ')}; `);
    return { flags, text: label, values: `${only}${values}` };
  });
}

async function trainHelp(ctx: CliContext, argv: string[] = []): Promise<CommandHelp> {
  const lang = ctx.lang ?? ctx.config.lang;
  const ids = listLessonIds(ctx.config.lessonsDir);
  const asked = argv.find((a) => ids.includes(a));
  const lessons = asked ? [await loadLesson(asked, ctx.config.lessonsDir)] : await loadLessons(ctx.config.lessonsDir);
  const name = asked ?? t(lang, '<レッスン>', '<lesson>');
  return {
    usage: [`tasuke train ${name} ${t(lang, '[オプション]', '[options]')}`, `tasuke train ${name} --compare seed ${t(lang, '[オプション]', '[options]')}`],
    summary: {
      ja: `${asked ? `レッスン ${asked} を` : 'レッスンを'}この端末で学習し、進み具合、結果のまとめ、学習曲線の読み取りを表示します。レッスン: ${ids.join(', ')}`,
      en: `Train ${asked ? `lesson ${asked}` : 'a lesson'} here and print its progress, a summary and the reading of its curves. Lessons: ${ids.join(', ')}.`,
    },
    options: [
      ...paramOptions(lessons, lang),
      { flags: ['--compare seed'], text: { ja: '同じ設定をシード 2 つで学習して比べる（2 つ目は --compare-seed、既定は seed + 1）', en: 'train the same settings with two seeds and compare them (the second is --compare-seed, default seed + 1)' } },
      { flags: ['--chart FILE'], text: { ja: '学習曲線の PNG を保存する（CNN はカーネルの画像も FILE-kernels.png に）', en: 'save the training curves as a PNG (the CNN also writes its kernels to FILE-kernels.png)' }, values: t(lang, 'フォルダは既にあること', 'its folder must exist') },
      { flags: ['--json'], text: { ja: '結果を JSON 1 つで標準出力に（進み具合は標準エラーへ）', en: 'print the result as one JSON object on stdout (progress goes to stderr)' } },
      LANG_OPTION,
      HELP_OPTION,
    ],
    examples: asked
      ? [`tasuke train ${asked}`, `tasuke train ${asked} --epochs ${Math.min(Number(lessons[0].defaults.epochs) * 2, lessons[0].bounds.numeric.epochs?.max ?? 10)} --chart ${asked}.png`, `tasuke train ${asked} --compare seed --lang ja`]
      : ['tasuke train mnist --epochs 5 --chart mnist.png', 'tasuke train linear --lr 0.01 --batch-size 8', 'tasuke train cnn --compare seed --lang ja', 'tasuke train mnist --help'],
    notes: [
      asked
        ? { ja: '範囲はこのレッスンのものです。', en: 'The ranges are this lesson’s.' }
        : { ja: '範囲はレッスンごとに違います: tasuke train <レッスン> --help でそのレッスンの範囲と既定値が出ます。', en: 'Ranges differ by lesson: tasuke train <lesson> --help shows that lesson’s ranges and defaults.' },
      {
        ja: '終了コード: 0 学習が最後まで終わった、2 コマンドラインの誤り、3 損失が NaN になって止まった、130 中断された（Ctrl-C）。',
        en: 'Exit codes: 0 the run finished, 2 a mistake on the command line, 3 the loss became NaN and the run stopped, 130 interrupted (Ctrl-C).',
      },
    ],
  };
}

export const command: CliCommand = {
  name: 'train',
  usage: 'train <lesson> [--epochs N --learning-rate X ...] [--compare seed]',
  summary: 'Train a lesson here and print progress, summary and reading',
  help: trainHelp,
  async run(argv, ctx) {
    const args = await parseTrainArgs(argv, ctx.config.lessonsDir, ctx.lang ?? ctx.config.lang);
    if (args.chart) checkChartPath(args.chart);
    return train(args, ctx);
  },
};
