/**
 * The words of a training run that a participant reads, in Japanese and
 * English: numbers, parameter names, lesson titles, the progress line, a text
 * progress bar, why a series stopped, and the summary after training. Every
 * face (terminal, Discord, web) and the charts use these, so a run reads the
 * same wherever it was started. One number formatter (`fmt`, `pct`), one way
 * of writing bilingual text (`t` from core/lang.ts).
 */
import { t, type Bilingual, type Lang } from '../core/lang.ts';
import type { BackendName, EpochEvent, Series, TrainParams, TrainResult } from './types.ts';

/**
 * A number for people: three significant digits (0.0005, 12.3, 4560, 0.025),
 * exponent form at the extremes (1e-5, 1.04e+22), "NaN" or "∞" for the
 * non-finite, "-" for a missing value. Integers up to 99,999 stay whole.
 */
export function fmt(value: number | undefined): string {
  if (value === undefined) return '-';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const abs = Math.abs(value);
  const rounded = Number(value.toPrecision(3));
  if (abs !== 0 && (abs >= 100_000 || abs < 0.0001)) return rounded.toExponential();
  if (Number.isInteger(value)) return String(value);
  return String(rounded);
}

/** A share as a percentage with one decimal: 0.9712 → "97.1%". */
export function pct(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return `${(value * 100).toFixed(1)}%`;
}

/** Seconds for people: "0.4 s", "12 s", "2 min 05 s" (ja: "0.4 秒", "12 秒", "2 分 05 秒"). */
export function duration(seconds: number, lang: Lang): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  if (seconds < 10) return t(lang, `${seconds.toFixed(1)} 秒`, `${seconds.toFixed(1)} s`);
  if (seconds < 60) return t(lang, `${Math.round(seconds)} 秒`, `${Math.round(seconds)} s`);
  const m = Math.floor(seconds / 60);
  const s = String(Math.round(seconds - m * 60)).padStart(2, '0');
  return t(lang, `${m} 分 ${s} 秒`, `${m} min ${s} s`);
}

const PARAM_LABELS: Record<string, Bilingual> = {
  epochs: { ja: 'エポック数', en: 'number of epochs' },
  learningRate: { ja: '学習率', en: 'learning rate' },
  batchSize: { ja: 'バッチサイズ', en: 'batch size' },
  optimizer: { ja: 'オプティマイザ', en: 'optimizer' },
  seed: { ja: '乱数シード', en: 'random seed' },
  compareSeed: { ja: '比較用の2つ目のシード', en: 'second seed to compare' },
  hiddenUnits: { ja: '隠れ層のユニット数', en: 'hidden units' },
  dropout: { ja: 'ドロップアウト率', en: 'dropout rate' },
};

/** The human name of a parameter in both languages: the lesson's own label first, then the common one. */
export function paramLabel(lesson: { paramLabels?: Record<string, Bilingual> } | undefined, key: string): Bilingual {
  return lesson?.paramLabels?.[key] ?? PARAM_LABELS[key] ?? { ja: paramFlag(key), en: paramFlag(key) };
}

/**
 * The one name of a parameter that people type and read, in kebab-case:
 * `learningRate` → `learning-rate`, `hiddenUnits` → `hidden-units`. The
 * command line's flags, the lessons listing and the error messages use it.
 */
export function paramFlag(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** The parameter key of a kebab-case name: `learning-rate` → `learningRate`. */
export function paramKey(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

const PARAM_ORDER = ['epochs', 'learningRate', 'batchSize', 'optimizer', 'seed'];

/**
 * "epochs 50 · learning-rate 0.01 · …" in the asker's language ("エポック数 50・学習率 0.01・…").
 * With several seeds (compare seed) the seed shows every series' value: "seed 1 / 2".
 */
export function describeParams(params: TrainParams, lang: Lang, seeds?: number[], labels?: Record<string, Bilingual>): string {
  const keys = [...PARAM_ORDER.filter((k) => k in params), ...Object.keys(params).filter((k) => !PARAM_ORDER.includes(k)).sort()];
  return keys
    .map((k) => {
      const raw = params[k];
      const value = k === 'seed' && seeds && seeds.length > 1 ? seeds.join(' / ') : typeof raw === 'number' ? fmt(raw) : raw;
      return `${t(lang, paramLabel({ paramLabels: labels }, k).ja, paramFlag(k))} ${value}`;
    })
    .join(t(lang, '・', ' · '));
}

/** A run's lesson title in `lang`: the lesson's own, carried in the result; the id for results without it. */
export function lessonTitle(result: Pick<TrainResult, 'lesson' | 'about'>, lang: Lang): string {
  return result.about?.title[lang] ?? result.lesson;
}

const BACKEND_NAMES: Record<BackendName, Bilingual> = {
  'tensorflow-gpu': { ja: 'TensorFlow (GPU)', en: 'TensorFlow (GPU)' },
  tensorflow: { ja: 'TensorFlow (CPU)', en: 'TensorFlow (CPU)' },
  wasm: { ja: 'WebAssembly', en: 'WebAssembly' },
  cpu: { ja: '純 JavaScript (CPU)', en: 'plain JavaScript (CPU)' },
};

/** The TensorFlow.js backend as people call it. */
export function backendName(backend: BackendName, lang: Lang): string {
  return BACKEND_NAMES[backend]?.[lang] ?? backend;
}

const METRIC_NAMES: Record<string, Bilingual> = {
  loss: { ja: '損失', en: 'loss' },
  valLoss: { ja: '検証損失', en: 'val loss' },
  acc: { ja: '正解率', en: 'acc' },
  valAcc: { ja: '検証正解率', en: 'val acc' },
};

/** A metric's value as people read it: accuracies as percentages, everything else through `fmt`. */
export function metricValue(key: string, value: number): string {
  return key === 'acc' || key === 'valAcc' ? pct(value) : fmt(value);
}

/** The name of an event's series in `lang` ("シード 42"), its key for events without a label. */
export function seriesName(e: Pick<EpochEvent, 'series' | 'seriesLabel'>, lang: Lang): string {
  return e.seriesLabel?.[lang] ?? e.series;
}

/** One progress line in `lang`: "[seed 1 1/2]  epoch 3/10  loss 0.171  val loss 0.175  acc 95.1%  val acc 95.3%  (2.1 s)". */
export function progressLine(e: EpochEvent, lang: Lang): string {
  const parts: string[] = [];
  if (e.seriesCount > 1) parts.push(`[${seriesName(e, lang)} ${e.seriesIndex + 1}/${e.seriesCount}]`);
  parts.push(t(lang, `エポック ${e.epoch}/${e.totalEpochs}`, `epoch ${e.epoch}/${e.totalEpochs}`));
  for (const key of ['loss', 'valLoss', 'acc', 'valAcc'] as const) {
    const v = e[key];
    if (v !== undefined) parts.push(`${METRIC_NAMES[key][lang]} ${metricValue(key, v)}`);
  }
  parts.push(`(${duration(e.elapsedMs / 1000, lang)})`);
  return parts.join('  ');
}

/** Why a loss becomes NaN, and what to do: the words every face and the reading use. */
export function nanText(epoch: number, nonFinite: 'NaN' | 'Infinity', lang: Lang): string {
  return nonFinite === 'Infinity'
    ? t(lang, `エポック ${epoch} で損失が無限大（Infinity）になり、学習が止まりました。`, `At epoch ${epoch} the loss became infinite and training stopped.`)
    : t(lang, `エポック ${epoch} で損失が NaN（数値でない値）になり、学習が止まりました。`, `At epoch ${epoch} the loss became NaN (not a number) and training stopped.`);
}

/** Why a series stopped early, in `lang`; undefined when it ran to the end. */
export function stoppedText(s: Series, lang: Lang): string | undefined {
  if (!s.stopped) return undefined;
  const at = s.stopped.epoch;
  switch (s.stopped.reason) {
    case 'nan':
      return `${nanText(at, 'NaN', lang)}${t(lang, '学習率が大きすぎる可能性があります。', ' The learning rate is probably too large.')}`;
    case 'cancelled':
      return t(lang, `エポック ${at} の途中で中止しました。`, `Cancelled during epoch ${at}.`);
    case 'timeout':
      return t(lang, `エポック ${at} の途中で時間切れになりました。`, `Timed out during epoch ${at}.`);
  }
}

/** The summary block printed after training. */
export function summary(result: TrainResult, lang: Lang): string {
  const lines = [
    t(
      lang,
      `レッスン ${result.lesson}：${duration(result.seconds, lang)}（バックエンド ${backendName(result.backend, lang)}）`,
      `Lesson ${result.lesson}: ${duration(result.seconds, lang)} (backend ${backendName(result.backend, lang)})`,
    ),
  ];
  for (const s of result.series) {
    const figures = Object.entries(s.final)
      .map(([k, v]) => `${METRIC_NAMES[k]?.[lang] ?? k} ${metricValue(k, v)}`)
      .join(t(lang, '、', ', '));
    lines.push(`  ${s.label[lang]}: ${figures || t(lang, '（完了したエポックなし）', '(no completed epoch)')}`);
    const stop = stoppedText(s, lang);
    if (stop) lines.push(`    ${stop}`);
  }
  const ex = result.extras ?? {};
  if (typeof ex.trueM === 'number' && typeof ex.trueB === 'number') {
    lines.push(t(lang, `  本当の値: m = ${fmt(ex.trueM)}, b = ${fmt(ex.trueB)}`, `  true values: m = ${fmt(ex.trueM)}, b = ${fmt(ex.trueB)}`));
  }
  return lines.join('\n');
}

/** A text bar for `done` of `total` ("███████░░░░░░░"), `width` cells wide. */
export function progressBar(done: number, total: number, width = 16): string {
  const share = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const full = Math.round(share * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/**
 * What is wrong with one parameter, as data: params.ts finds it, and any face
 * words it with the name the person used (`--lr`, `learning_rate`). Carried
 * as the `context` of the UserError that validateParams throws.
 */
export type ParamProblem =
  | { kind: 'range'; lesson: string; param: string; label: Bilingual; min: number; max: number; integer: boolean; value: string }
  | { kind: 'choice'; lesson: string; param: string; label: Bilingual; allowed: string[]; value: string }
  | { kind: 'type'; lesson: string; param: string; label: Bilingual; value: string }
  | { kind: 'unknown'; lesson: string; param: string; allowed: string[] };

/** True when `value` is a ParamProblem (e.g. the context of a UserError from another process). */
export function isParamProblem(value: unknown): value is ParamProblem {
  const v = value as Partial<ParamProblem> | null;
  return !!v && typeof v === 'object' && typeof v.param === 'string' && ['range', 'choice', 'type', 'unknown'].includes(v.kind as string);
}

/**
 * The message for a parameter problem, naming the parameter as `name` (by
 * default its kebab-case name; the command line passes the flag typed, such
 * as `--lr`). Allowed names of an unknown parameter are written by `nameOf`.
 */
export function paramProblemText(p: ParamProblem, name = paramFlag(p.param), nameOf: (key: string) => string = paramFlag): Bilingual {
  switch (p.kind) {
    case 'range': {
      const kind: Bilingual = p.integer ? { ja: '整数', en: 'an integer' } : { ja: '数値', en: 'a number' };
      return {
        ja: `${name}（${p.label.ja}）は ${fmt(p.min)} から ${fmt(p.max)} までの${kind.ja}で指定してください（指定された値: ${p.value}）。`,
        en: `${name} (${p.label.en}) must be ${kind.en} from ${fmt(p.min)} to ${fmt(p.max)} (got ${p.value}).`,
      };
    }
    case 'choice':
      return {
        ja: `${name}（${p.label.ja}）は ${p.allowed.join(', ')} のどれかを指定してください（指定された値: ${p.value}）。`,
        en: `${name} (${p.label.en}) must be one of ${p.allowed.join(', ')} (got ${p.value}).`,
      };
    case 'type':
      return { ja: `${name}（${p.label.ja}）に ${p.value} は使えません。`, en: `${name} (${p.label.en}) cannot be ${p.value}.` };
    case 'unknown': {
      const allowed = p.allowed.map(nameOf).join(', ');
      return {
        ja: `${name} というパラメータはレッスン ${p.lesson} にはありません。使えるのは ${allowed} です。`,
        en: `Lesson ${p.lesson} has no parameter ${name}. It accepts ${allowed}.`,
      };
    }
  }
}
