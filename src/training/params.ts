/**
 * Validation of the hyper-parameters a person asks for. Every face (CLI,
 * Discord, web, job queue) passes raw values through `validateParams`; what
 * comes out is a complete `TrainParams` within the lesson's bounds. Anything
 * else is a UserError naming the parameter (by its kebab-case name) and the
 * allowed range in both languages, with the problem as data in its context
 * (a `ParamProblem`), so a face can name the parameter as the person typed it.
 */
import { UserError } from '../core/errors.ts';
import type { Bilingual } from '../core/lang.ts';
import type { Lesson, NumericBound } from './lesson.ts';
import type { OptimizerName, TrainParams } from './types.ts';
import { paramLabel as wordsParamLabel, paramProblemText, type ParamProblem } from './words.ts';

/** Seeds: any 31-bit non-negative integer unless a lesson narrows it. */
export const SEED_BOUND: NumericBound = { min: 0, max: 2 ** 31 - 1, integer: true };

/**
 * A parameter every lesson accepts besides its defaults: the second seed of a
 * `compare-seed` run (default: seed + 1).
 */
export const COMPARE_SEED = 'compareSeed';

/** The human name of a parameter of `lesson` in both languages (see words.ts). */
export function paramLabel(lesson: Pick<Lesson, 'paramLabels'>, key: string): Bilingual {
  return wordsParamLabel(lesson, key);
}

/** The bound of a numeric parameter of `lesson` (seeds included). */
export function boundOf(lesson: Pick<Lesson, 'bounds'>, key: string): NumericBound | undefined {
  if (key === 'seed' || key === COMPARE_SEED) return lesson.bounds.numeric.seed ?? SEED_BOUND;
  return lesson.bounds.numeric[key];
}

/** The parameter names `lesson` accepts, in a stable order. */
export function paramNames(lesson: Pick<Lesson, 'defaults'>): string[] {
  return [...Object.keys(lesson.defaults), COMPARE_SEED];
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  if (value === null) return 'null';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function problem(p: ParamProblem): UserError {
  const id = p.kind === 'unknown' ? 'unknown-param' : 'invalid-param';
  return new UserError(id, paramProblemText(p), p);
}

/**
 * Merges `raw` over the lesson's defaults and checks every value. Keys whose
 * value is `undefined` are treated as absent. Numbers must be finite numbers
 * (not strings, not NaN or Infinity) within the lesson's bounds; the optimizer
 * must be one the lesson allows; unknown keys are rejected.
 */
export function validateParams(lesson: Lesson, raw: unknown): TrainParams {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new UserError('invalid-params', {
      ja: 'パラメータは「名前: 値」の組で指定してください。',
      en: 'Parameters must be given as name/value pairs.',
    });
  }
  const params: TrainParams = { ...lesson.defaults };
  const allowed = paramNames(lesson);
  for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (!allowed.includes(key)) throw problem({ kind: 'unknown', lesson: lesson.id, param: key, allowed });
    const label = paramLabel(lesson, key);
    if (key === 'optimizer') {
      const ok = lesson.bounds.optimizers;
      if (typeof value !== 'string' || !ok.includes(value as OptimizerName)) {
        throw problem({ kind: 'choice', lesson: lesson.id, param: key, label, allowed: [...ok], value: show(value) });
      }
      params.optimizer = value as OptimizerName;
      continue;
    }
    const bound = boundOf(lesson, key);
    if (!bound) {
      // A non-numeric lesson extra: accept only its own type.
      if (typeof value !== typeof lesson.defaults[key]) throw problem({ kind: 'type', lesson: lesson.id, param: key, label, value: show(value) });
      params[key] = value as string;
      continue;
    }
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      (bound.integer && !Number.isInteger(value)) ||
      value < bound.min ||
      value > bound.max
    ) {
      throw problem({ kind: 'range', lesson: lesson.id, param: key, label, min: bound.min, max: bound.max, integer: !!bound.integer, value: show(value) });
    }
    params[key] = value;
  }
  return params;
}
