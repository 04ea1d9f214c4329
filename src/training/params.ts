/**
 * Validation of the hyper-parameters a person asks for. Every face (CLI,
 * Discord, web, job queue) passes raw values through `validateParams`; what
 * comes out is a complete `TrainParams` within the lesson's bounds. Anything
 * else is a UserError naming the parameter and the allowed range in both
 * languages.
 */
import { UserError } from '../core/errors.ts';
import type { Bilingual } from '../core/lang.ts';
import type { Lesson, NumericBound } from './lesson.ts';
import type { OptimizerName, TrainParams } from './types.ts';

/** Seeds: any 31-bit non-negative integer unless a lesson narrows it. */
export const SEED_BOUND: NumericBound = { min: 0, max: 2 ** 31 - 1, integer: true };

/**
 * A parameter every lesson accepts besides its defaults: the second seed of a
 * `compare-seed` run (default: seed + 1).
 */
export const COMPARE_SEED = 'compareSeed';

const COMMON_LABELS: Record<string, Bilingual> = {
  epochs: { ja: 'エポック数', en: 'number of epochs' },
  learningRate: { ja: '学習率', en: 'learning rate' },
  batchSize: { ja: 'バッチサイズ', en: 'batch size' },
  optimizer: { ja: 'オプティマイザ', en: 'optimizer' },
  seed: { ja: '乱数シード', en: 'random seed' },
  [COMPARE_SEED]: { ja: '比較用の2つ目のシード', en: 'second seed to compare' },
  hiddenUnits: { ja: '隠れ層のユニット数', en: 'hidden units' },
};

/** The human name of a parameter in both languages. */
export function paramLabel(lesson: Pick<Lesson, 'paramLabels'>, key: string): Bilingual {
  return lesson.paramLabels?.[key] ?? COMMON_LABELS[key] ?? { ja: key, en: key };
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

function rangeError(lesson: Lesson, key: string, bound: NumericBound, value: unknown): UserError {
  const label = paramLabel(lesson, key);
  const kindJa = bound.integer ? '整数' : '数値';
  const kindEn = bound.integer ? 'an integer' : 'a number';
  return new UserError(
    'invalid-param',
    {
      ja: `${key}（${label.ja}）は ${bound.min} から ${bound.max} までの${kindJa}で指定してください（指定された値: ${show(value)}）。`,
      en: `${key} (${label.en}) must be ${kindEn} from ${bound.min} to ${bound.max} (got ${show(value)}).`,
    },
    { lesson: lesson.id, param: key, min: bound.min, max: bound.max, integer: !!bound.integer, value: show(value) },
  );
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
    if (!allowed.includes(key)) {
      throw new UserError(
        'unknown-param',
        {
          ja: `「${key}」というパラメータはありません。レッスン ${lesson.id} で使えるのは ${allowed.join(', ')} です。`,
          en: `Unknown parameter "${key}". Lesson ${lesson.id} accepts ${allowed.join(', ')}.`,
        },
        { lesson: lesson.id, param: key, allowed },
      );
    }
    if (key === 'optimizer') {
      const ok = lesson.bounds.optimizers;
      if (typeof value !== 'string' || !ok.includes(value as OptimizerName)) {
        throw new UserError(
          'invalid-param',
          {
            ja: `optimizer（オプティマイザ）は ${ok.join(', ')} のどれかを指定してください（指定された値: ${show(value)}）。`,
            en: `optimizer must be one of ${ok.join(', ')} (got ${show(value)}).`,
          },
          { lesson: lesson.id, param: key, allowed: [...ok], value: show(value) },
        );
      }
      params.optimizer = value as OptimizerName;
      continue;
    }
    const bound = boundOf(lesson, key);
    if (!bound) {
      // A non-numeric lesson extra: accept only its own type.
      if (typeof value !== typeof lesson.defaults[key]) {
        throw new UserError('invalid-param', {
          ja: `${key} の値 ${show(value)} は使えません。`,
          en: `${key} cannot be ${show(value)}.`,
        });
      }
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
      throw rangeError(lesson, key, bound, value);
    }
    params[key] = value;
  }
  return params;
}
