/**
 * /lessons: one line per lesson (title in the person's language, id and
 * default settings), in an embed.
 */
import type { Lang } from '../../core/lang.ts';
import type { Lesson } from '../../training/lesson.ts';
import { LESSONS } from '../words.ts';
import { COLOURS, payload, type Payload } from './payload.ts';

/** One lesson as a line: `**linear** Fitting a line — epochs=20, learningRate=0.1, …`. */
export function lessonLine(lesson: Pick<Lesson, 'id' | 'title' | 'defaults'>, lang: Lang): string {
  const defaults = Object.entries(lesson.defaults)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  return `**${lesson.id}** ${lesson.title[lang]} — ${LESSONS.defaults[lang]}: ${defaults}`;
}

/** The /lessons message: a heading, a line per lesson, how to train one. */
export function renderLessons(lessons: Pick<Lesson, 'id' | 'title' | 'defaults'>[], lang: Lang): Payload {
  const lines = lessons.map((l) => lessonLine(l, lang));
  return payload({
    embeds: [{ title: LESSONS.heading[lang], description: `${lines.join('\n')}\n\n${LESSONS.howTo[lang]}`, color: COLOURS.answer }],
  });
}
