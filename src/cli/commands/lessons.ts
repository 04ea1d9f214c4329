/**
 * `tasuke lessons [--lang ja|en] [--json]`: the lessons that can be trained,
 * with their default parameters and allowed ranges.
 */
import { parseArgs } from 'node:util';
import { isLang, type Lang } from '../../core/lang.ts';
import { loadLessons } from '../../training/lessons.ts';
import { boundOf, paramLabel, paramNames } from '../../training/params.ts';
import type { Lesson } from '../../training/lesson.ts';
import type { CliCommand } from '../command.ts';

function describe(lesson: Lesson) {
  const params: Record<string, unknown> = {};
  for (const key of paramNames(lesson)) {
    params[key] = {
      default: lesson.defaults[key] ?? null,
      ...(key === 'optimizer' ? { allowed: [...lesson.bounds.optimizers] } : boundOf(lesson, key)),
      label: paramLabel(lesson, key),
    };
  }
  return { id: lesson.id, title: lesson.title, explanation: lesson.explanation, defaults: lesson.defaults, params };
}

function text(lesson: Lesson, lang: Lang): string {
  const lines = [`${lesson.id}  ${lesson.title[lang]}`, `  ${lesson.explanation[lang]}`];
  const parts = Object.keys(lesson.defaults).map((key) => {
    const b = key === 'optimizer' ? undefined : boundOf(lesson, key);
    const range = key === 'optimizer' ? lesson.bounds.optimizers.join('|') : b ? `${b.min}…${b.max}` : '';
    return `${key}=${lesson.defaults[key]} (${range})`;
  });
  lines.push(`  ${lang === 'ja' ? '既定値' : 'defaults'}: ${parts.join(', ')}`);
  return lines.join('\n');
}

export const command: CliCommand = {
  name: 'lessons',
  usage: 'lessons [--lang ja|en] [--json]',
  summary: 'List the lessons that can be trained, with defaults and ranges',
  async run(argv, ctx) {
    let values: { json?: boolean; lang?: string };
    try {
      ({ values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, lang: { type: 'string' } }, strict: true, allowPositionals: false }));
    } catch (err) {
      ctx.stderr.write(`${(err as Error).message}\nUsage: tasuke ${this.usage}\n`);
      return 2;
    }
    const lang = values.lang ?? 'en';
    if (!isLang(lang)) {
      ctx.stderr.write('--lang must be ja or en (--lang は ja か en です).' + '\n');
      return 2;
    }
    const lessons = await loadLessons(ctx.config.lessonsDir);
    if (values.json) {
      ctx.stdout.write(JSON.stringify(lessons.map(describe), null, 2) + '\n');
    } else {
      ctx.stdout.write(lessons.map((l) => text(l, lang)).join('\n\n') + '\n');
      ctx.stdout.write(lang === 'ja' ? '\n学習するには: tasuke train <レッスン> [--epochs N --lr X ...]\n' : '\nTo train one: tasuke train <lesson> [--epochs N --lr X ...]\n');
    }
    return 0;
  },
};
