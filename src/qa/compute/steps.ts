/**
 * Steps (batches) per epoch from the asker's own numbers: the data size, the
 * batch size (Keras's default is 32) and validation_split (Keras keeps the
 * first `1 - split` of the samples for training), or the batch size behind a
 * progress bar's `1875/1875` when the data size is known.
 */

export interface StepsCase {
  samples: number;
  /** Samples left for training after validation_split (= samples without a split). */
  train: number;
  split?: number;
  batch: number;
  /** Whether the batch size is Keras's default, not one the asker gave. */
  defaultBatch: boolean;
  steps: number;
  /** Size of the last, smaller batch (= batch when it divides evenly). */
  last: number;
  /** tf.data's .batch(…, drop_remainder=True): the last, smaller batch is dropped. */
  dropped?: number;
}

export interface StepsResult {
  cases: StepsCase[];
  /** A progress-bar count the asker quoted (`1875/1875`), when there is one. */
  shown?: number;
  /** Whether the data size was assumed (MNIST's 60,000) rather than given. */
  assumedSamples: boolean;
  /** Set when only the steps and the batch size were given: the data size they imply. */
  implied?: { steps: number; batch: number; samples: number; defaultBatch?: boolean };
  /** Whether the count is of model.evaluate / predict batches rather than training steps. */
  evaluate: boolean;
  /** The data set assumed when the size was not given. */
  dataset?: 'mnist' | 'iris';
  /** The epochs of the fit, when the total number of updates is asked. */
  epochs?: number;
  /** Set when the batch size was not given and was read back from the quoted steps. */
  inferredBatch?: boolean;
  /** steps_per_epoch given in the fit call: an epoch is that many batches, whatever the data size. */
  fixedSteps?: number;
}

/** Batch sizes people use, tried in this order when one is read back from a step count. */
const COMMON_BATCHES = [32, 64, 128, 256, 16, 100, 512, 200, 1000, 1024, 8, 50, 500, 2048];

export const KERAS_DEFAULT_BATCH = 32;

/** Rows of the iris data set. */
const IRIS = 150;

/** MNIST's training images, the workshop's usual `x_train`. */
const MNIST_TRAIN = 60000;

const ASKS_STEPS =
  /(\b(how many|number of|count of|total|\d[\d,]*)\s+(weight |gradient |validation |val |training |train |test |evaluation |eval )?steps?\b|\bsteps?\s+(per|in|each|an|one|of an?|of each)\s+(\w+\s+)?epoch|steps_per_epoch|更新(回数|の回数|って(全部で)?何回|は何回)|(weight )?updates? (in total|altogether|overall)|how many (weight )?updates|how many times\b.{0,40}\bupdated\b|\bupdated\s+(in total|altogether|overall)|(total|number of|count of) (weight |parameter |gradient )?(updates|steps)|ステップ|progress ?bar|進捗|プログレスバー|何回(更新|ループ)?|iterations?|イテレーション|batches|バッチ数|バッチの数|\?{2,}\s*\/\s*\?{2,}|\b(\d+)\s*\/\s*\2\b|なんの数|何の数|what (is|are) the (\d+|number))/i;

/** What a change of batch size did to training: its accuracy, loss or speed. */
const COMPARES_TRAINING = /(精度|accuracy|\bacc\b|\bloss\b|速く|速い|速度|遅く|遅い|時間|fast|slow|quick|time|収束|converge|学習が進)/i;

/** A count written with digits, commas, "k", "million"/"M" or 万 (6万 = 60,000). */
export function count(s: string): number {
  const t = s.replace(/[,_\s]/g, '').replace(/個の?$/, '');
  const mil = /^(\d+(?:\.\d+)?)(million|M)$/.exec(t);
  if (mil) return Math.round(Number(mil[1]) * 1e6);
  const man = /^(\d+(?:\.\d+)?)万$/.exec(t);
  if (man) return Math.round(Number(man[1]) * 10000);
  const k = /^(\d+(?:\.\d+)?)k$/i.exec(t);
  if (k) return Math.round(Number(k[1]) * 1000);
  return Number(t);
}

const NUM = String.raw`(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?万|\d+(?:\.\d+)?k\b|\d+)`;

/** Data sizes stated in the question, in order of appearance. */
export function sampleCounts(text: string): number[] {
  const t = text.normalize('NFKC');
  const found: { at: number; n: number }[] = [];
  const patterns = [
    new RegExp(`(?<![x×*\\d.,])${NUM}[ \\t]*(?:の)?(枚|件|個|行|サンプル|(?:(?:labell?ed|labeled|training|train|test|validation|valid|my|own|asl|mnist|iris|sign[- ]language|handwritten|gr[ae]yscale|colou?r)[ \\t]+)+(?:images?|photos?|pictures?|samples?|examples?|rows?|digits?|records?|data|set)\\b|images?\\b|photos?\\b|pictures?\\b|samples?\\b|examples?\\b|rows?\\b|digits?\\b|records?\\b|data points?\\b)`, 'gi'),
    new RegExp(`(訓練データ|学習データ|テストデータ|検証データ|データ|train(ing)? (set|data)|test (set|data)|dataset|data set|[xX]_train( is| has|は|が)?|len\\(\\w+\\)\\s*(→|->|=|is|:|は))\\s*(は|が|を|of|is|has|:|=)?\\s*${NUM}`, 'gi'),
    /\(\s*(\d{2,7})\s*,\s*\d+/g,
    // "120 train / 30 test", 「訓練 120」 without a noun after the count.
    new RegExp(`(?<![x×*\\d.,])${NUM}[ \\t]*(?:train(?:ing)?|訓練用?|学習用)(?![a-z])`, 'gi'),
  ];
  for (const re of patterns) {
    for (const m of t.matchAll(re)) {
      const raw = re === patterns[1] ? m[m.length - 1] : m[1];
      const n = count(raw);
      if (Number.isFinite(n) && n >= 10 && n <= 10_000_000) found.push({ at: m.index!, n });
    }
  }
  found.sort((a, b) => a.at - b.at);
  // A count named as the training data ("so training is 48000") comes before others ("I cut out 1万 for validation").
  const trainish = (f: { at: number }) => /(訓練|学習用|学習データ|training|train\b|x_train)/i.test(t.slice(Math.max(0, f.at - 12), f.at + 16)) && !/(validation|検証|test|テスト)/i.test(t.slice(Math.max(0, f.at - 12), f.at + 16));
  found.sort((a, b) => Number(trainish(b)) - Number(trainish(a)) || a.at - b.at);
  const out: number[] = [];
  for (const f of found) if (!out.includes(f.n)) out.push(f.n);
  return out;
}

/** Batch sizes the asker names (`batch_size=128`, "batch size 32 → 1024", バッチサイズ 64). */
export function batchSizes(text: string): number[] {
  const t = text.normalize('NFKC');
  const out: number[] = [];
  const add = (n: number) => {
    if (n >= 1 && n <= 10_000_000 && !out.includes(n)) out.push(n);
  };
  for (const m of t.matchAll(/(batch[_ ]?size|バッチサイズ|バッチ)\s*(?:を|は|が|of|=|:|to|from)?\s*(\d+)((?:\s*(?:→|->|=>|から|to|,|と|or|vs\.?)\s*\d+)*)(?!\d|\s*にしたり)/gi)) {
    // A number listed after it that counts data ("batch_size=64, 60000 training images") is not another batch size.
    const listed = [...m[3].matchAll(/\d+/g)].filter((x) => !/^\s*(training|train|test|validation|images?|samples?|examples?|rows?|件|枚|個|データ|画像|サンプル)/i.test(t.slice(m.index! + m[0].length - m[3].length + x.index! + x[0].length)));
    for (const n of [m[2], ...listed.map((x) => x[0])]) add(Number(n));
  }
  // fit(x, y, 10): the third positional argument is batch_size (epochs comes after it).
  const positional = positionalFitBatch(t);
  if (positional) add(positional);
  // tf.data's Dataset.batch(64): the batch size of a dataset passed to fit.
  for (const m of t.matchAll(/\.batch\(\s*(?:batch_size\s*=\s*)?(\d+)/g)) add(Number(m[1]));
  return out;
}

/** The batch size passed to fit as its third positional argument (`fit(x_train, y_train, 10)`), which is often meant as epochs. */
export function positionalFitBatch(text: string): number | undefined {
  const m = /\.fit\(\s*[\w.\[\]:]+\s*,\s*[\w.\[\]:]+\s*,\s*(\d+)\s*[,)]/.exec(text);
  return m ? Number(m[1]) : undefined;
}

export function validationSplit(text: string): number | undefined {
  const m = /validation_split\s*=\s*(0?\.\d+)/.exec(text);
  const v = m ? Number(m[1]) : NaN;
  return v > 0 && v < 1 ? v : undefined;
}

/** A progress-bar count such as `1875/1875` (the same number twice), or "shows 1875 per epoch"; not the epoch counter ("Epoch 1/1"). */
export function shownSteps(text: string): number | undefined {
  const m = /(?<!(?:epochs?|エポック)\s*)\b(\d+)\s*\/\s*\1\b/i.exec(text) ?? /\b(\d{2,6})\s*(?:steps?\b|per epoch|ステップ|回の更新)/i.exec(text);
  return m ? Number(m[1]) : undefined;
}

function stepsCase(samples: number, batch: number, split: number | undefined, defaultBatch: boolean): StepsCase {
  // Keras keeps the first int(n * (1 - split)) samples for training.
  const train = split ? Math.floor(samples * (1 - split) + 1e-9) : samples;
  const steps = Math.ceil(train / batch);
  return { samples, train, split, batch, defaultBatch, steps, last: train - (steps - 1) * batch };
}

/**
 * Works out steps per epoch when the question asks about steps or a progress
 * bar and gives what is needed. Returns undefined otherwise.
 */
export function computeSteps(text: string): StepsResult | undefined {
  const t = text.normalize('NFKC');
  // The bars of a pasted training log ("858/858 - 3s - loss: …") do not ask about steps by themselves.
  const asked = t.split('\n').filter((l) => !/\b(loss|acc(uracy)?)\s*[:=]\s*\d|^\s*epoch\s+\d+\s*\/\s*\d+\s*$/i.test(l)).join('\n');
  const batches = batchSizes(t);
  // Two batch sizes compared over what training did ("32 → 512: faster, but accuracy fell"): the updates per epoch are the answer's core.
  const compared = batches.length >= 2 && COMPARES_TRAINING.test(asked);
  if (!ASKS_STEPS.test(asked) && !compared) return undefined;
  const split = validationSplit(t);
  const shown = shownSteps(t);
  let samples = sampleCounts(t).filter((n) => n !== shown && !batches.includes(n));
  let assumedSamples = false;
  let dataset: StepsResult['dataset'];
  const epochsM = /epochs\s*=\s*(\d+)|(\d+)\s*(?:エポック|epochs)/i.exec(t);
  // Compared batch sizes are totalled over the run's epochs when it names one count of them ("5 epochs"; "1 epoch" is the unit, not the run).
  const runEpochs = [...new Set([...t.matchAll(/epochs\s*=\s*(\d+)|(\d+)\s*(?:エポック|epochs)/gi)].map((m) => Number(m[1] ?? m[2])).filter((e) => e >= 2))];
  const epochs = compared
    ? runEpochs.length === 1 ? runEpochs[0] : undefined
    : epochsM && /(全部で|合計|トータル|total|in total|altogether|overall|何回)/i.test(t) ? Number(epochsM[1] ?? epochsM[2]) : undefined;
  // Iris split with train_test_split: 150 rows, the test share rounded up (scikit-learn's rule).
  const testSize = /test_size\s*=\s*(0?\.\d+)/.exec(t);
  if (samples.length === 0 && /iris/i.test(t) && batches.length) {
    samples = [testSize ? IRIS - Math.ceil(IRIS * Number(testSize[1])) : IRIS];
    assumedSamples = true;
    dataset = 'iris';
  }
  if (samples.length === 0 && /mnist/i.test(t) && batches.length) {
    samples = [MNIST_TRAIN];
    assumedSamples = true;
    dataset = 'mnist';
  }
  // A bar quoted in prose, not only the bars of a pasted training log.
  const barAsked = ASKS_STEPS.test(t.split("\n").filter((l) => !/\b(loss|acc(uracy)?)\b|^\s*epoch\b/i.test(l)).join("\n"));
  if (samples.length === 0 && shown && batches.length === 0 && barAsked) {
    // A progress bar with Keras's default batch size: when it fits MNIST's
    // 60,000 training images (after the split), that is the data.
    const c = stepsCase(MNIST_TRAIN, KERAS_DEFAULT_BATCH, split, true);
    if (c.steps === shown) return { cases: [c], shown, assumedSamples: true, evaluate: false, dataset: 'mnist' };
  }
  // A bar, or the asker's own expectation ("I expected 938"), that MNIST's 60,000 gives at the batch size: that is the data.
  if (samples.length === 0 && batches.length === 1 && !split) {
    const c = stepsCase(MNIST_TRAIN, batches[0], undefined, false);
    if (shown === c.steps) return { cases: [c], shown, assumedSamples: true, evaluate: false, dataset: 'mnist' };
  }
  if (samples.length === 0 && batches.length === 1 && split && new RegExp(`(?<![\\d,.])${Math.ceil(MNIST_TRAIN / batches[0])}(?![\\d,.])`).test(t)) {
    return { cases: [stepsCase(MNIST_TRAIN, batches[0], split, false)], shown, assumedSamples: true, evaluate: false, dataset: 'mnist' };
  }
  // A bar with validation_split and a batch size that fits MNIST's 60,000 after the split: that is the data.
  if (samples.length === 0 && shown && split && batches.length === 1) {
    const c = stepsCase(MNIST_TRAIN, batches[0], split, false);
    if (c.steps === shown) return { cases: [c], shown, assumedSamples: true, evaluate: false, dataset: 'mnist' };
  }
  const inference = /\b(evaluate|predict)\s*\(/.test(t) && !/\bfit\s*\(/.test(t);
  if (samples.length === 0) {
    // Steps and batch size given, the data size not: say what they imply.
    if (shown && batches.length === 1) return { cases: [], shown, assumedSamples: false, evaluate: false, implied: { steps: shown, batch: batches[0], samples: shown * batches[0] } };
    // Neither given: Keras's default batch size says what the bar implies.
    // Only a progress bar ("782/782", "the bar shows 782"), not "after 3000 steps" of a schedule.
    if (shown && batches.length === 0 && !split && barAsked && (new RegExp(`\\b${shown}\\s*/\\s*${shown}\\b`).test(t) || /(progress|bar|進捗|バー)/i.test(t))) {
      return { cases: [], shown, assumedSamples: false, evaluate: inference, implied: { steps: shown, batch: KERAS_DEFAULT_BATCH, samples: shown * KERAS_DEFAULT_BATCH, defaultBatch: true } };
    }
    return undefined;
  }
  const n = samples[0];
  // Dataset.batch(64, drop_remainder=True): whole batches only, the rest is left out.
  const drop = /\.batch\(\s*(\d+)\s*,\s*drop_remainder\s*=\s*True/.exec(t);
  if (drop) {
    const b = Number(drop[1]);
    const c = stepsCase(n, b, split, false);
    const steps = Math.floor(c.train / b);
    return { cases: [{ ...c, steps, last: b, dropped: c.train - steps * b }], shown, assumedSamples, evaluate: false, dataset, epochs };
  }
  // model.evaluate / predict, or the validation set's own batches named in words ("how many batches does evaluation run").
  const evaluate = (/\b(evaluate|predict)\s*\(/.test(t) || (/(?<!\b(without|no|not using)\s+(a\s+|the\s+)?)\b(evaluation|validation (set|data|images))\b/i.test(t) && !split)) && !/\bfit\s*\(/.test(t);
  // steps_per_epoch=100 in the call: an "epoch" is 100 batches, not a pass over the data.
  const fixed = /steps_per_epoch\s*=\s*(\d+)/.exec(t);
  if (fixed) {
    const epochsN = epochsM ? Number(epochsM[1] ?? epochsM[2]) : undefined;
    const b = batches[0] ?? KERAS_DEFAULT_BATCH;
    return { cases: [stepsCase(n, b, split, !batches.length)], shown, assumedSamples, evaluate, dataset, epochs: epochsN, fixedSteps: Number(fixed[1]) };
  }
  if (batches.length) {
    return { cases: batches.map((b) => stepsCase(n, b, split, false)), shown, assumedSamples, evaluate, dataset, epochs };
  }
  // A bar that does not fit the default batch size: the batch size that gives it.
  if (shown !== undefined && stepsCase(n, KERAS_DEFAULT_BATCH, split, true).steps !== shown) {
    const b = COMMON_BATCHES.find((x) => stepsCase(n, x, split, false).steps === shown);
    if (b) return { cases: [stepsCase(n, b, split, false)], shown, assumedSamples, evaluate, dataset, epochs, inferredBatch: true };
  }
  if (shown !== undefined || /(step|ステップ|progress|進捗|\?{2,}|\bbatches\b|バッチ数|バッチの数|何バッチ)/i.test(t)) {
    return { cases: [stepsCase(n, KERAS_DEFAULT_BATCH, split, true)], shown, assumedSamples, evaluate, dataset, epochs };
  }
  return undefined;
}
