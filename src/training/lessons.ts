/**
 * Finds and loads the lessons under the lessons folder (`lessons/<id>/index.ts`).
 * A lesson is imported only when asked for, and checked when loaded: a
 * malformed lesson is a ConfigError naming the lesson and every problem.
 * Folders starting with `_` or `.` are not lessons.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, UserError } from '../core/errors.ts';
import { lessonProblems, type Lesson } from './lesson.ts';

const LESSON_ID = /^[a-z0-9][a-z0-9-]*$/;

const cache = new Map<string, Promise<Lesson>>();

/** The ids of the lessons in `dir`, sorted in teaching order where known, then by name. */
export function listLessonIds(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const ids = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && LESSON_ID.test(e.name) && existsSync(join(dir, e.name, 'index.ts')))
    .map((e) => e.name);
  return ids.sort((a, b) => orderOf(a) - orderOf(b) || a.localeCompare(b));
}

const TEACHING_ORDER = ['linear', 'xor', 'iris', 'mnist', 'cnn'];
function orderOf(id: string): number {
  const i = TEACHING_ORDER.indexOf(id);
  return i === -1 ? TEACHING_ORDER.length : i;
}

/**
 * Loads lesson `id` from `dir`. An id that is not a lesson there is a
 * UserError (people type lesson names); a malformed lesson is a ConfigError.
 */
export function loadLesson(id: string, dir: string): Promise<Lesson> {
  const available = listLessonIds(dir);
  if (typeof id !== 'string' || !LESSON_ID.test(id) || !available.includes(id)) {
    return Promise.reject(
      new UserError(
        'unknown-lesson',
        {
          ja: `「${String(id)}」というレッスンはありません。使えるレッスン: ${available.join(', ')}`,
          en: `There is no lesson "${String(id)}". Available lessons: ${available.join(', ')}`,
        },
        { lesson: id, available },
      ),
    );
  }
  const file = join(dir, id, 'index.ts');
  let loading = cache.get(file);
  if (!loading) {
    loading = importLesson(file, id);
    cache.set(file, loading);
    // A failed load is not cached, so a fixed file loads on the next try.
    loading.catch(() => cache.delete(file));
  }
  return loading;
}

async function importLesson(file: string, id: string): Promise<Lesson> {
  let mod: { lesson?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { lesson?: unknown };
  } catch (err) {
    throw new ConfigError(`Lesson "${id}" (${file}) failed to load: ${(err as Error).message}`);
  }
  const problems = lessonProblems(mod.lesson, id);
  if (problems.length > 0) {
    throw new ConfigError(`Lesson "${id}" (${file}) is malformed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return mod.lesson as Lesson;
}

/** Loads every lesson in `dir`; the first malformed one throws. */
export async function loadLessons(dir: string): Promise<Lesson[]> {
  const out: Lesson[] = [];
  for (const id of listLessonIds(dir)) out.push(await loadLesson(id, dir));
  return out;
}
