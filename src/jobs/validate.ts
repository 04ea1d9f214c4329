/**
 * The check every submission passes before anything is stored: a known
 * lesson, parameters the lesson accepts (its own `validateParams`), a known
 * mode and language, and a submitter. Loading a lesson does not load
 * TensorFlow, so this runs on the serving process.
 */
import { UserError } from '../core/errors.ts';
import { isLang } from '../core/lang.ts';
import { loadLesson } from '../training/lessons.ts';
import { validateParams } from '../training/params.ts';
import type { TrainMode } from '../training/types.ts';
import type { SubmissionValidator } from './types.ts';

const MODES: readonly TrainMode[] = ['single', 'compare-seed'];

/** A validator for the lessons in `lessonsDir`. */
export function lessonValidator(lessonsDir: string): SubmissionValidator {
  return async (s) => {
    if (typeof s.userId !== 'string' || s.userId.trim() === '') throw new Error('A job submission needs a userId.');
    if (!isLang(s.lang)) throw new Error(`A job submission needs lang "ja" or "en", got ${JSON.stringify(s.lang)}.`);
    if (!MODES.includes(s.mode)) {
      throw new UserError(
        'jobs.invalid-mode',
        {
          ja: `学習モード「${String(s.mode)}」はありません。使えるのは ${MODES.join(', ')} です。`,
          en: `There is no training mode "${String(s.mode)}". Use one of ${MODES.join(', ')}.`,
        },
        { mode: s.mode },
      );
    }
    const lesson = await loadLesson(s.lesson, lessonsDir);
    validateParams(lesson, s.params);
  };
}
