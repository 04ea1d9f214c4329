/** Number and label formatting shared by the chart, its caption and the reading. */
import type { Bilingual, Lang } from '../core/lang.ts';
import type { BackendName, TrainParams, TrainResult } from '../training/types.ts';

/** Three significant digits (0.0005, 12.3, 4560); exponent form beyond that (1e-5, 3.16e10); "NaN" for non-finite. */
export function fmt(value: number | undefined): string {
  if (value === undefined) return '-';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const abs = Math.abs(value);
  const rounded = Number(value.toPrecision(3));
  if (abs !== 0 && (abs >= 100_000 || abs < 0.0001)) return rounded.toExponential().replace('e+', 'e');
  return String(rounded);
}

/** 0.9712 → "97.1%". */
export function pct(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return `${(value * 100).toFixed(1)}%`;
}

export function t(lang: Lang, ja: string, en: string): string {
  return lang === 'ja' ? ja : en;
}

const LESSON_NAMES: Record<string, Bilingual> = {
  linear: { ja: '線形回帰 y = mx + b', en: 'Linear regression y = mx + b' },
  xor: { ja: 'XOR: パーセプトロンと隠れ層', en: 'XOR: perceptron vs hidden layer' },
  iris: { ja: 'アヤメの分類 (iris)', en: 'Iris classification' },
  mnist: { ja: '手書き数字 MNIST (全結合)', en: 'Handwritten digits MNIST (dense)' },
  cnn: { ja: '手書き数字 MNIST (CNN・畳み込み)', en: 'Handwritten digits MNIST (CNN)' },
};

function isBilingual(v: unknown): v is Bilingual {
  return typeof v === 'object' && v !== null && typeof (v as Bilingual).ja === 'string' && typeof (v as Bilingual).en === 'string';
}

/** A lesson's display name: `extras.title` when the lesson gave one, else a known name, else its id. */
export function lessonName(result: Pick<TrainResult, 'lesson' | 'extras'>, lang: Lang): string {
  const given = result.extras?.title;
  if (isBilingual(given)) return given[lang];
  return LESSON_NAMES[result.lesson]?.[lang] ?? result.lesson;
}

const BACKEND_NAMES: Record<BackendName, Bilingual> = {
  'tensorflow-gpu': { ja: 'TensorFlow (GPU)', en: 'TensorFlow (GPU)' },
  tensorflow: { ja: 'TensorFlow (CPU)', en: 'TensorFlow (CPU)' },
  wasm: { ja: 'WebAssembly', en: 'WebAssembly' },
  cpu: { ja: '純 JavaScript (CPU)', en: 'plain JavaScript (CPU)' },
};

export function backendName(backend: BackendName, lang: Lang): string {
  return BACKEND_NAMES[backend]?.[lang] ?? backend;
}

const PARAM_NAMES: Record<string, Bilingual> = {
  epochs: { ja: 'エポック', en: 'epochs' },
  learningRate: { ja: '学習率', en: 'learning rate' },
  batchSize: { ja: 'バッチ', en: 'batch' },
  optimizer: { ja: '最適化', en: 'optimizer' },
  seed: { ja: 'シード', en: 'seed' },
  hiddenUnits: { ja: '隠れユニット', en: 'hidden units' },
  dropout: { ja: 'ドロップアウト', en: 'dropout' },
  filters: { ja: 'フィルター数', en: 'filters' },
  kernelSize: { ja: 'カーネル', en: 'kernel size' },
};

export function paramName(key: string, lang: Lang): string {
  return PARAM_NAMES[key]?.[lang] ?? key;
}

function paramValue(value: number | string): string {
  return typeof value === 'number' ? fmt(value) : value;
}

/**
 * "epochs 50 · learning rate 0.01 · …". With several seeds (compare seed) the
 * seed shows every series' value: "seed 1 / 2".
 */
export function describeParams(params: TrainParams, lang: Lang, seeds?: number[]): string {
  const order = ['epochs', 'learningRate', 'batchSize', 'optimizer', 'seed'];
  const keys = [...order.filter((k) => k in params), ...Object.keys(params).filter((k) => !order.includes(k)).sort()];
  const sep = lang === 'ja' ? '・' : ' · ';
  const join = lang === 'ja' ? ' ' : ' ';
  return keys
    .map((k) => {
      const value = k === 'seed' && seeds && seeds.length > 1 ? seeds.join(' / ') : paramValue(params[k]);
      return `${paramName(k, lang)}${join}${value}`;
    })
    .join(sep);
}
