/**
 * `tasuke lessons [--lang ja|en] [--json]`: the lessons that can be trained,
 * with their default parameters and allowed ranges, each parameter under the
 * one name people type (`--learning-rate`, `--hidden-units`).
 */
import type { Lang } from '../../core/lang.ts';
import { t } from '../../core/lang.ts';
import { loadLessons } from '../../training/lessons.ts';
import type { Lesson } from '../../training/lesson.ts';
import { boundOf, paramNames } from '../../training/params.ts';
import { fmt, paramFlag, paramLabel } from '../../training/words.ts';
import { langFlag, parseLine, UsageError } from '../args.ts';
import { EXIT, type CliCommand } from '../command.ts';
import { HELP_OPTION, LANG_OPTION } from '../help.ts';

/** "0.0001 … 10", "sgd | adam | rmsprop", or nothing for a parameter without bounds. */
export function rangeText(lesson: Lesson, key: string): string {
  if (key === 'optimizer') return lesson.bounds.optimizers.join(' | ');
  const b = boundOf(lesson, key);
  const show = (v: number) => (b?.integer ? String(v) : fmt(v));
  return b ? `${show(b.min)} … ${show(b.max)}` : '';
}

function describe(lesson: Lesson) {
  const params: Record<string, unknown> = {};
  for (const key of paramNames(lesson)) {
    params[key] = {
      flag: `--${paramFlag(key)}`,
      default: lesson.defaults[key] ?? null,
      ...(key === 'optimizer' ? { allowed: [...lesson.bounds.optimizers] } : boundOf(lesson, key)),
      label: paramLabel(lesson, key),
    };
  }
  return { id: lesson.id, title: lesson.title, explanation: lesson.explanation, defaults: lesson.defaults, params };
}

function text(lesson: Lesson, lang: Lang): string {
  const lines = [`${lesson.id}  ${lesson.title[lang]}`, `  ${lesson.explanation[lang]}`];
  lines.push(`  ${t(lang, '既定値（範囲）', 'defaults (range)')}:`);
  for (const key of Object.keys(lesson.defaults)) {
    const value = lesson.defaults[key];
    const range = rangeText(lesson, key);
    lines.push(`    --${paramFlag(key)} ${typeof value === 'number' ? fmt(value) : value}${range ? `  (${range})` : ''}  ${paramLabel(lesson, key)[lang]}`);
  }
  return lines.join('\n');
}

export const command: CliCommand = {
  name: 'lessons',
  usage: 'lessons [--lang ja|en] [--json]',
  summary: 'List the lessons that can be trained, with defaults and ranges',
  help: () => ({
    usage: ['tasuke lessons [--lang ja|en] [--json]'],
    summary: { ja: '学習できるレッスンを、パラメータの既定値と範囲とともに一覧します。', en: 'List the lessons that can be trained, with their parameters’ defaults and ranges.' },
    options: [
      { flags: ['--json'], text: { ja: 'JSON で出力する（パラメータごとに flag・default・min・max・label）', en: 'print JSON (per parameter: flag, default, min, max, label)' } },
      LANG_OPTION,
      HELP_OPTION,
    ],
    examples: ['tasuke lessons', 'tasuke lessons --lang ja', 'tasuke lessons --json'],
  }),
  async run(argv, ctx) {
    const line = parseLine(argv, [{ name: 'json', boolean: true }, { name: 'lang' }]);
    if (line.positionals.length > 0) {
      throw new UsageError({ ja: `「${line.positionals[0]}」は使えない引数です。`, en: `Unexpected argument "${line.positionals[0]}".` });
    }
    const lang = langFlag(line, ctx.lang ?? ctx.config.lang);
    const lessons = await loadLessons(ctx.config.lessonsDir);
    if (line.flags.some((f) => f.name === 'json')) {
      ctx.stdout.write(JSON.stringify(lessons.map(describe), null, 2) + '\n');
      return EXIT.ok;
    }
    ctx.stdout.write(lessons.map((l) => text(l, lang)).join('\n\n') + '\n');
    ctx.stdout.write(t(lang, '\n学習するには: tasuke train <レッスン> [--epochs N --learning-rate X ...]\n', '\nTo train one: tasuke train <lesson> [--epochs N --learning-rate X ...]\n'));
    return EXIT.ok;
  },
};
