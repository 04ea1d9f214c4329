/**
 * The plain-language reading posted below a training chart: what a beginner
 * learns from a run, so it says only what the chart shows. Everything in it
 * comes from the run's history (see diagnose.ts) and from what the lesson
 * measured about itself (carried in `result.about`): the spread between
 * seeds, the learning rates it trains well with. Short on purpose: 3-6
 * sentences, under 900 characters, in the asker's language.
 */
import { t, type Lang } from '../core/lang.ts';
import type { FinalMetrics, LessonFacts, OptimizerName, SeedSpread, Series, TrainResult } from '../training/types.ts';
import { fmt, nanText, paramFlag, pct } from '../training/words.ts';
import { contextOf, diagnose, THRESHOLDS, worseThanReference, type Diagnosis } from './diagnose.ts';

/** Longest reading, in characters: it has to fit under a chart in one Discord message. */
export const READING_MAX_CHARS = 900;
/** Most sentences in a reading (optional ones go first). */
export const READING_MAX_SENTENCES = 6;

const STANDARD_METRICS = new Set(['loss', 'valLoss', 'acc', 'valAcc']);

/** Why more epochs of the same data help: said only where the advice is "more epochs". */
const EACH_EPOCH = {
  ja: '1 エポックは同じデータでもう一度勾配降下を行うことで、前のエポックが残した重みから続けて直すので、同じデータでもまだ良くなります。',
  en: 'Each epoch is another pass of gradient descent over the same data, starting from the weights the previous epoch left, which is why the same data still improves the model.',
};

function finalOf(series: Series, d: Diagnosis): { loss?: number; valLoss?: number; acc?: number; valAcc?: number } {
  const f: FinalMetrics = series.final ?? {};
  return {
    loss: f.loss ?? d.finalLoss,
    valLoss: f.valLoss ?? d.finalValLoss,
    acc: f.acc ?? d.finalAcc,
    valAcc: f.valAcc ?? d.finalValAcc,
  };
}

/** "loss 0.012, validation loss 0.015, accuracy 97.5% (validation 96.1%)". */
function figures(series: Series, d: Diagnosis, lang: Lang): string {
  const f = finalOf(series, d);
  const parts: string[] = [];
  if (f.loss !== undefined) parts.push(t(lang, `損失 ${fmt(f.loss)}`, `loss ${fmt(f.loss)}`));
  if (f.valLoss !== undefined) parts.push(t(lang, `検証損失 ${fmt(f.valLoss)}`, `validation loss ${fmt(f.valLoss)}`));
  if (f.acc !== undefined) {
    const v = f.valAcc !== undefined ? t(lang, `（検証 ${pct(f.valAcc)}）`, ` (validation ${pct(f.valAcc)})`) : '';
    parts.push(t(lang, `正解率 ${pct(f.acc)}${v}`, `accuracy ${pct(f.acc)}${v}`));
  } else if (f.valAcc !== undefined) {
    parts.push(t(lang, `検証正解率 ${pct(f.valAcc)}`, `validation accuracy ${pct(f.valAcc)}`));
  }
  return parts.join(t(lang, '、', ', '));
}

/** Looks up the true value of a learned parameter in the lesson's extras (`trueM`, `true.m`, `truth.m`, `mTrue`). */
function trueValue(extras: Record<string, unknown> | undefined, key: string): number | undefined {
  if (!extras) return undefined;
  const cap = key.charAt(0).toUpperCase() + key.slice(1);
  const nested = (name: string): unknown => {
    const obj = extras[name];
    return typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>)[key] : undefined;
  };
  for (const v of [extras[`true${cap}`], nested('true'), nested('truth'), extras[`${key}True`]]) {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** Lesson-specific final figures (linear's m and b), next to the true values when the lesson knows them. */
function extraFigures(series: Series, result: TrainResult, lang: Lang): string | undefined {
  const keys = Object.keys(series.final ?? {}).filter((k) => !STANDARD_METRICS.has(k) && Number.isFinite(series.final[k]));
  if (keys.length === 0) return undefined;
  const parts = keys.slice(0, 4).map((k) => {
    const truth = trueValue(result.extras, k);
    const value = `${k} = ${fmt(series.final[k])}`;
    return truth === undefined ? value : value + t(lang, `（正解は ${fmt(truth)}）`, ` (true value ${fmt(truth)})`);
  });
  return t(lang, `学習した値: ${parts.join('、')}。`, `Learned: ${parts.join(', ')}.`);
}

/** Upper-cases the first letter (an English sentence may start with a lower-case label). */
function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * One line of final figures for a chart caption: "final: loss 0.046, validation loss
 * 0.063, accuracy 98.9% (validation 98.4%) | learned: m = 2.01 (true value 2)"; for a
 * run that hit NaN, the last loss it could compute.
 */
export function finalFiguresLine(series: Series, result: TrainResult, lang: Lang): string {
  const d = diagnose(series, contextOf(result, variantOf(series.key)));
  if (d.kind === 'diverged' && d.reason === 'nan') {
    const lastGood = [...series.history].reverse().find((h) => Number.isFinite(h.loss));
    return lastGood
      ? t(lang, `NaN の直前の損失: ${fmt(lastGood.loss)}（エポック ${lastGood.epoch}）`, `last loss before NaN: ${fmt(lastGood.loss)} (epoch ${lastGood.epoch})`)
      : t(lang, '損失: NaN', 'loss: NaN');
  }
  const extra = extraFigures(series, result, lang);
  const fig = figures(series, d, lang);
  const head = t(lang, `最終値: ${fig}`, `final: ${fig}`);
  return extra ? `${head}${t(lang, '｜', ' | ')}${extra.replace(/[。.]$/, '').replace(/^Learned/, 'learned')}` : head;
}

function stopNote(series: Series, lang: Lang): string | undefined {
  const s = series.stopped;
  if (!s || s.reason === 'nan') return undefined;
  return s.reason === 'cancelled'
    ? t(lang, `学習はエポック ${s.epoch} でキャンセルされました。`, `Training was cancelled at epoch ${s.epoch}.`)
    : t(lang, `学習は時間切れでエポック ${s.epoch} で止まりました。`, `Training hit the time limit at epoch ${s.epoch}.`);
}

/**
 * A learning rate the lesson is known to train well with for `optimizer`:
 * the lesson's checked rate for it, or its default rate when the optimizer is
 * its default one. Undefined when the result carries no such fact.
 */
export function knownLearningRate(about: LessonFacts | undefined, optimizer: OptimizerName | undefined): number | undefined {
  if (!about || !optimizer) return undefined;
  return about.learningRates?.[optimizer] ?? (about.defaults.optimizer === optimizer ? about.defaults.learningRate : undefined);
}

/** "0.1 (sgd, the lesson's default)" / "0.1（sgd、このレッスンの既定値）". */
function rateWithOptimizer(rate: number, optimizer: OptimizerName, about: LessonFacts, lang: Lang): string {
  const isDefault = about.defaults.optimizer === optimizer && about.defaults.learningRate === rate;
  return isDefault
    ? t(lang, `${fmt(rate)}（${optimizer}、このレッスンの既定値）`, `${fmt(rate)} (${optimizer}, the lesson's default)`)
    : t(lang, `${fmt(rate)}（${optimizer}）`, `${fmt(rate)} (${optimizer})`);
}

/** What to do about a learning rate that is too large (the run blew up): a rate the lesson trains with, never the old one divided by ten. */
function lowerRateAdvice(series: Series, about: LessonFacts | undefined, lang: Lang): string {
  const lr = series.params?.learningRate;
  const known = knownLearningRate(about, series.params?.optimizer);
  if (known !== undefined && about && (typeof lr !== 'number' || known < lr)) {
    return t(
      lang,
      `このレッスンは学習率 ${rateWithOptimizer(known, series.params.optimizer, about, lang)} でうまく学習できることを確かめてあります: --${paramFlag('learningRate')} ${fmt(known)} で試してください。`,
      `This lesson is known to train well with a learning rate of ${rateWithOptimizer(known, series.params.optimizer, about, lang)}: try --${paramFlag('learningRate')} ${fmt(known)}.`,
    );
  }
  return t(
    lang,
    'レッスンの既定値に戻して（パラメータを何も指定せずに）学習し直してください。',
    'Train again with the lesson’s defaults (no parameters given) and change one setting at a time from there.',
  );
}

/** What to do about a learning rate that is too small: the lesson's known rate, when it is larger. */
function higherRateAdvice(series: Series, about: LessonFacts | undefined, lang: Lang): string | undefined {
  const lr = series.params?.learningRate;
  const known = knownLearningRate(about, series.params?.optimizer);
  if (known === undefined || !about || typeof lr !== 'number' || known < lr * 3) return undefined;
  return t(
    lang,
    `学習率 ${fmt(lr)} は小さすぎて、1 回の更新で重みがほとんど動きません。このレッスンは ${rateWithOptimizer(known, series.params.optimizer, about, lang)} でうまく学習できます。`,
    `A learning rate of ${fmt(lr)} is so small that each update barely moves the weights; this lesson trains well with ${rateWithOptimizer(known, series.params.optimizer, about, lang)}.`,
  );
}

/** How many weight updates one epoch makes, when the lesson says how many training examples it has. */
function updatesPerEpoch(series: Series, result: TrainResult): number | undefined {
  const n = result.about?.trainCount;
  const batch = series.params?.batchSize;
  return typeof n === 'number' && typeof batch === 'number' && batch > 0 ? Math.ceil(n / batch) : undefined;
}

/** For a batch much larger than the lesson's default: how few updates an epoch makes, and what to do. */
function fewUpdatesAdvice(series: Series, result: TrainResult, lang: Lang): string | undefined {
  const updates = updatesPerEpoch(series, result);
  const batch = series.params?.batchSize;
  const defaultBatch = result.about?.defaults.batchSize;
  if (updates === undefined || updates > 10 || typeof defaultBatch !== 'number' || typeof batch !== 'number' || batch <= defaultBatch) return undefined;
  return t(
    lang,
    `バッチサイズ ${batch} では 1 エポックに重みの更新が ${updates} 回しかありません: エポックを増やすか、バッチを小さく（既定値は ${defaultBatch}）してください。`,
    `With a batch size of ${batch} each epoch makes only ${updates} update${updates > 1 ? 's' : ''} of the weights: train more epochs, or use smaller batches (the default is ${defaultBatch}).`,
  );
}

function explainDiverged(series: Series, d: Diagnosis, about: LessonFacts | undefined, lang: Lang): string[] {
  const guess =
    d.chanceLoss !== undefined ? t(lang, `（当てずっぽうに答えるだけのモデルでも ${fmt(d.chanceLoss)}）`, ` (a model that merely guesses scores ${fmt(d.chanceLoss)})`) : '';
  // "No better than guessing" only where it is true (a saturated iris net may still get 2 of 3 species).
  const atChance = d.finalAcc !== undefined && d.chanceAcc !== undefined && d.finalAcc <= d.chanceAcc * 1.5;
  const accJa = atChance ? `正解率も ${pct(d.finalAcc)} で、当てずっぽうと変わりません。` : '';
  const accEn = atChance ? `; accuracy ${pct(d.finalAcc)} is no better than guessing` : '';
  const what =
    d.reason === 'exploded-early'
      ? t(
          lang,
          `損失は最初のエポックのうちに ${fmt(d.bestLoss)} 以上に跳ね上がり${guess}、その後は ${fmt(d.finalLoss)} 付近から下がりませんでした。${accJa}`,
          `The loss jumped to ${fmt(d.bestLoss)} or more within the first epoch${guess} and never came back down (final ${fmt(d.finalLoss)})${accEn}.`,
        )
      : d.reason === 'nan'
        ? nanText(d.fromEpoch!, d.nonFinite ?? 'NaN', lang)
        : d.reason === 'unstable'
          ? t(
              lang,
              `損失はエポック ${d.fromEpoch} あたりから上がったり下がったりを繰り返し、最低の ${fmt(d.bestLoss)} に落ち着かずに ${fmt(d.finalLoss)} で終わりました。`,
              `From about epoch ${d.fromEpoch} the loss jumps up and down instead of settling: it ended at ${fmt(d.finalLoss)}, well above its lowest ${fmt(d.bestLoss)}.`,
            )
        : t(
            lang,
            `損失はエポック ${d.fromEpoch} から増え続け、${fmt(d.firstLoss)} から ${fmt(d.finalLoss)} になりました。`,
            `From epoch ${d.fromEpoch} the loss kept growing, from ${fmt(d.firstLoss)} to ${fmt(d.finalLoss)}.`,
          );
  const lr = series.params?.learningRate;
  const lrText = typeof lr === 'number' ? ` ${fmt(lr)}` : '';
  return [
    what,
    d.reason === 'unstable'
      ? t(
          lang,
          `学習率${lrText} が大きすぎて、重みの更新が谷を行ったり来たり飛び越えてしまうのが原因です。`,
          `The learning rate${lrText} is too high: each update overshoots the minimum, back and forth.`,
        )
      : t(
          lang,
          `学習率${lrText} が大きすぎて、重みの更新が谷を飛び越え、値が発散したのが原因です。`,
          `The learning rate${lrText} is too high: each update overshoots the minimum and the weights blow up.`,
        ),
    lowerRateAdvice(series, about, lang),
  ];
}

function explainOverfitting(d: Diagnosis, about: LessonFacts | undefined, lang: Lang): string[] {
  const hasDropout = about?.defaults !== undefined && 'dropout' in about.defaults;
  const accFell =
    d.bestValAcc !== undefined && d.finalValAcc !== undefined && d.bestValAcc - d.finalValAcc >= THRESHOLDS.overfitAccDrop
      ? t(lang, `検証正解率も ${pct(d.bestValAcc)} から ${pct(d.finalValAcc)} に下がっています。`, ` Validation accuracy fell from ${pct(d.bestValAcc)} to ${pct(d.finalValAcc)}.`)
      : '';
  return [
    t(
      lang,
      `検証損失はエポック ${d.fromEpoch} で最小（${fmt(d.bestValLoss)}）になり、その後は訓練損失が下がり続けているのに ${fmt(d.finalValLoss)} まで上がりました。${accFell}`,
      `Validation loss was lowest at epoch ${d.fromEpoch} (${fmt(d.bestValLoss)}) and then rose to ${fmt(d.finalValLoss)} while the training loss kept falling.${accFell}`,
    ),
    t(
      lang,
      'これが過学習です: モデルが訓練データを覚えすぎて、初めて見るデータでの成績が落ちています。',
      'That is overfitting: the model is memorising the training data and getting worse on data it has not seen.',
    ),
    hasDropout
      ? t(
          lang,
          `エポック ${d.fromEpoch} あたりで止める（早期終了）、ドロップアウトを入れる（--dropout 0.2）、エポック数を減らす、が対策です。`,
          `Stop around epoch ${d.fromEpoch} (early stopping), add dropout (--dropout 0.2), or train fewer epochs.`,
        )
      : t(
          lang,
          `エポック ${d.fromEpoch} あたりで止める（早期終了）か、エポック数を減らすのが対策です。ドロップアウトや小さめのモデルも効きます。`,
          `Stop around epoch ${d.fromEpoch} (early stopping) or train fewer epochs; dropout or a smaller model also help.`,
        ),
  ];
}

/** "Validation stopped improving at epoch 7: more epochs will not help; this is where early stopping would stop." */
function stallSentence(d: Diagnosis, lang: Lang): string {
  return t(
    lang,
    `検証データの成績はエポック ${d.valStalledAt} から良くなっていません: エポックを増やしても良くなりません。早期終了ならここで止めるところです。`,
    `Validation stopped improving at epoch ${d.valStalledAt}: more epochs will not help; this is where early stopping would stop.`,
  );
}

/** The generalization gap, named: "Training accuracy 99.6% against 96.2% on validation: ...". */
function gapSentence(d: Diagnosis, lang: Lang): string {
  const points = ((d.gap ?? 0) * 100).toFixed(1);
  return t(
    lang,
    `訓練データの正解率 ${pct(d.finalAcc)} に対して検証データは ${pct(d.finalValAcc)}（差 ${points} ポイント）: 見たことのある例のほうがよく当たる、汎化ギャップです。`,
    `Training accuracy is ${pct(d.finalAcc)} against ${pct(d.finalValAcc)} on validation, a generalization gap of ${points} points: the model does better on examples it has seen than on new ones.`,
  );
}

/** A visible rise of the validation loss that did not cost accuracy: named as an early sign, not as overfitting. */
function riseSentence(d: Diagnosis, lang: Lang): string {
  return t(
    lang,
    `検証損失はエポック ${d.bestValEpoch} の ${fmt(d.bestValLoss)} から ${fmt(d.finalValLoss)} に上がりましたが、検証正解率の変化はシードによる違いの範囲です（最高 ${pct(d.bestValAcc)}、最後 ${pct(d.finalValAcc)}）: 間違える例への自信が強まっている、過学習の入り口です。`,
    `The validation loss rose from ${fmt(d.bestValLoss)} at epoch ${d.bestValEpoch} to ${fmt(d.finalValLoss)}, while validation accuracy moved no more than runs with different seeds differ (best ${pct(d.bestValAcc)}, final ${pct(d.finalValAcc)}): the model grows more confident about the examples it gets wrong, an early sign of overfitting.`,
  );
}

function explainStalled(series: Series, d: Diagnosis, about: LessonFacts | undefined, lang: Lang): string[] {
  const out = [stallSentence(d, lang)];
  if (d.wideGap) out.push(gapSentence(d, lang));
  if (d.valLossRose) out.push(riseSentence(d, lang));
  const hasDropout = about?.defaults !== undefined && 'dropout' in about.defaults;
  const dropout = Number(series.params?.dropout ?? 0);
  out.push(
    hasDropout && dropout < 0.2
      ? t(lang, '訓練と検証の差を縮めるにはドロップアウト（--dropout 0.2）を試してください。エポックを増やしても差が広がるだけです。', 'To narrow the difference between training and validation, try dropout (--dropout 0.2); more epochs only widen it.')
      : t(lang, 'エポックを増やしても、訓練と検証の差が広がるだけです。', 'More epochs only widen the difference between training and validation.'),
  );
  return out;
}

function explainPlateau(series: Series, d: Diagnosis, about: LessonFacts | undefined, lang: Lang): string[] {
  const lr = series.params?.learningRate;
  const known = knownLearningRate(about, series.params?.optimizer);
  const tooHigh = known !== undefined && typeof lr === 'number' && lr > known * 3;
  return [
    t(
      lang,
      `損失は最初の ${fmt(d.firstLoss)} からほとんど動いていません（${d.epochs} エポックで ${(d.drop * 100).toFixed(1)}% の減少）。`,
      `The loss barely moved from ${fmt(d.firstLoss)} (down ${(d.drop * 100).toFixed(1)}% in ${d.epochs} epochs).`,
    ),
    higherRateAdvice(series, about, lang) ??
      (tooHigh
        ? lowerRateAdvice(series, about, lang)
        : t(
            lang,
            'この設定では学習が進まないので、層やユニットを増やしてモデルを大きくするか、設定をレッスンの既定値に戻してください。',
            'These settings do not let it learn: try a bigger model (more units or layers), or go back to the lesson’s defaults.',
          )),
  ];
}

function explainUnderfitting(series: Series, d: Diagnosis, result: TrainResult, lang: Lang): string[] {
  const about = result.about;
  if (d.reason === 'too-short' || d.reason === 'no-epochs') {
    return [
      d.epochs === 0
        ? t(lang, '記録されたエポックがないので、まだ何も読み取れません。', 'No epoch was recorded, so there is nothing to read yet.')
        : t(
            lang,
            `${d.epochs} エポックだけの学習なので、まだ傾向は読み取れません（損失 ${fmt(d.finalLoss)}）。`,
            `With only ${d.epochs} epoch${d.epochs > 1 ? 's' : ''} there is no trend to read yet (loss ${fmt(d.finalLoss)}).`,
          ),
      EACH_EPOCH[lang],
      t(lang, 'エポックを 10 以上にして、損失が下がっていく様子を見てください。', 'Train 10 or more epochs to watch the loss come down.'),
    ];
  }
  if (d.reason === 'still-falling') {
    const fewUpdates = fewUpdatesAdvice(series, result, lang);
    return [
      t(
        lang,
        `損失は ${fmt(d.firstLoss)} から ${fmt(d.finalLoss)} まで下がり、最後のエポックでもまだ下がり続けていて、学習の途中です。`,
        `The loss fell from ${fmt(d.firstLoss)} to ${fmt(d.finalLoss)} and was still falling at the last epoch: the model has not finished learning.`,
      ),
      higherRateAdvice(series, about, lang) ?? fewUpdates ?? t(lang, 'エポックを増やすと、もっと良くなります。', 'More epochs will improve it further.'),
      EACH_EPOCH[lang],
    ];
  }
  return [
    t(
      lang,
      `損失は ${d.flatFromEpoch ? `エポック ${d.flatFromEpoch} あたりから ` : ''}${fmt(d.finalLoss)} 付近で横ばいですが、訓練データでも正解率が ${pct(d.finalAcc)} にとどまっています。`,
      `The loss levelled off at about ${fmt(d.finalLoss)}${d.flatFromEpoch ? ` from epoch ${d.flatFromEpoch}` : ''}, yet accuracy on the training data itself is only ${pct(d.finalAcc)}.`,
    ),
    higherRateAdvice(series, about, lang) ??
      t(
        lang,
        'モデルがデータの形を表しきれていない状態（学習不足）です: 層やユニットを増やしてモデルを大きくしてください。',
        'The model is underfitting (too simple for this data): try more units or layers.',
      ),
  ];
}

function explainHealthy(series: Series, d: Diagnosis, result: TrainResult, lang: Lang): string[] {
  if (d.epochs < 3) {
    return [
      t(
        lang,
        `${d.epochs} エポックで損失 ${fmt(d.finalLoss)}、正解率 ${pct(d.finalAcc)} まで学習できました。`,
        `After ${d.epochs} epoch${d.epochs > 1 ? 's' : ''} the loss is ${fmt(d.finalLoss)} and accuracy ${pct(d.finalAcc)}.`,
      ),
      EACH_EPOCH[lang],
      t(lang, 'エポックを増やすと、損失が下がっていく曲線が見られます。', 'Train more epochs to see the loss curve come down.'),
    ];
  }
  const flatAt = !d.stillImproving && d.flatFromEpoch && d.flatFromEpoch < d.epochs ? d.flatFromEpoch : undefined;
  const tail = d.stillImproving
    ? d.valStalledAt !== undefined
      ? t(lang, '下がり、訓練データの損失は最後もまだ少しずつ下がっています', ', and the training loss was still edging down at the end')
      : t(lang, '下がり、最後もまだ少しずつ下がっています', ', and was still edging down at the end')
    : flatAt
      ? t(lang, `下がり、エポック ${flatAt} あたりから横ばいになりました`, `, levelling off around epoch ${flatAt}`)
      : t(lang, '下がりました', '');
  const out = [
    t(
      lang,
      `損失は 1 エポック目の ${fmt(d.firstLoss)} から最後の ${fmt(d.finalLoss)} まで${tail}。`,
      `The loss fell from ${fmt(d.firstLoss)} at the first epoch to ${fmt(d.finalLoss)} at the last${tail}.`,
    ),
  ];
  if (d.valStalledAt !== undefined) out.push(stallSentence(d, lang));
  else if (d.stillImproving) {
    const few = fewUpdatesAdvice(series, result, lang);
    if (few) out.push(few);
    else if (d.valStillImproving) out.push(t(lang, '検証データの成績もまだ伸びているので、エポックを増やせばもう少し良くなりそうです。', 'Validation was still improving too, so a few more epochs would likely help a little more.'));
  }
  if (d.valLossRose) out.push(riseSentence(d, lang));
  if (d.wideGap) out.push(gapSentence(d, lang));
  const firstVal = series.history.find((h) => h.valLoss !== undefined && Number.isFinite(h.valLoss))?.valLoss;
  if (!d.wideGap && !d.valLossRose && d.finalValLoss !== undefined && firstVal !== undefined && d.finalValLoss < firstVal * 0.9) {
    out.push(
      t(
        lang,
        '検証損失も一緒に下がっているので、初めて見るデータにも通用しています。',
        'The validation loss fell with it, so what the model learned also works on data it has not seen.',
      ),
    );
  }
  return out;
}

/** The diagnosis of one series as 2-4 sentences: what happened, what it means, what to try. */
function explain(series: Series, d: Diagnosis, result: TrainResult, lang: Lang): string[] {
  switch (d.kind) {
    case 'diverged':
      return explainDiverged(series, d, result.about, lang);
    case 'overfitting':
      return explainOverfitting(d, result.about, lang);
    case 'stalled':
      return explainStalled(series, d, result.about, lang);
    case 'plateau':
      return explainPlateau(series, d, result.about, lang);
    case 'underfitting':
      return explainUnderfitting(series, d, result, lang);
    case 'healthy':
    default:
      return explainHealthy(series, d, result, lang);
  }
}

interface Sentence {
  text: string;
  /** Dropped (last first) when the reading would be too long. */
  optional?: boolean;
}

/** Joins sentences in order, dropping optional ones from the end until the text fits in characters and sentences. */
function fit(sentences: Sentence[], lang: Lang): string {
  const sep = lang === 'ja' ? '' : ' ';
  const kept = [...sentences];
  const join = () => kept.map((s) => s.text).join(sep);
  let text = join();
  while (text.length > READING_MAX_CHARS || kept.length > READING_MAX_SENTENCES) {
    const i = kept.map((s) => !!s.optional).lastIndexOf(true);
    if (i < 0) break;
    kept.splice(i, 1);
    text = join();
  }
  return text.length > READING_MAX_CHARS ? text.slice(0, READING_MAX_CHARS - 1) + '…' : text;
}

/**
 * For a run well below what the lesson reaches with its defaults (the measured
 * seed spread): how far below, so "healthy" never hides a poor result.
 */
function referenceNote(series: Series, d: Diagnosis, result: TrainResult, lang: Lang): string | undefined {
  const spread = spreadOf(result, variantOf(series.key));
  if (!spread || spread.metric !== 'valAcc' || d.finalValAcc === undefined || d.kind === 'diverged') return undefined;
  if (!worseThanReference(d, spread)) return undefined;
  const range = spread.min === spread.max ? pct(spread.min) : t(lang, `${pct(spread.min)}〜${pct(spread.max)}`, `${pct(spread.min)} to ${pct(spread.max)}`);
  return t(
    lang,
    `このレッスンは既定の設定なら検証正解率 ${range} に届きます（${spread.seeds.length} 個のシードで測定）。今回は ${pct(d.finalValAcc)} です。`,
    `With its default settings this lesson reaches ${range} validation accuracy (${spread.seeds.length} seeds measured); this run got ${pct(d.finalValAcc)}.`,
  );
}

function readSingle(result: TrainResult, series: Series, lang: Lang): string {
  const d = diagnose(series, contextOf(result, variantOf(series.key)));
  const [first, ...rest] = explain(series, d, result, lang);
  // The "why" of gradient descent and a healthy run's side remarks give way first when space runs out.
  const out: Sentence[] = [{ text: first }, ...rest.map((text) => ({ text, optional: d.kind === 'healthy' || text === EACH_EPOCH[lang] }))];
  const reference = referenceNote(series, d, result, lang);
  if (reference) out.splice(1, 0, { text: reference });
  const note = stopNote(series, lang);
  if (note) out.push({ text: note });
  const lastGood = [...series.history].reverse().find((h) => Number.isFinite(h.loss));
  if (d.kind === 'diverged' && d.reason === 'nan') {
    // "Final: loss NaN" says nothing; how large the loss had grown before it broke does.
    if (lastGood) {
      out.push({
        text: t(lang, `発散する前の最後の損失は ${fmt(lastGood.loss)}（エポック ${lastGood.epoch}）でした。`, `The last finite loss was ${fmt(lastGood.loss)} (epoch ${lastGood.epoch}).`),
      });
    }
  } else {
    const fig = figures(series, d, lang);
    if (fig) out.push({ text: t(lang, `最終値: ${fig}。`, `Final: ${fig}.`) });
  }
  const extra = extraFigures(series, result, lang);
  if (extra) out.push({ text: extra });
  return fit(out, lang);
}

function solved(d: Diagnosis): boolean {
  if (d.kind === 'diverged' || d.kind === 'plateau') return false;
  if (d.finalAcc !== undefined) return d.finalAcc >= THRESHOLDS.goodAccuracy;
  return d.kind !== 'underfitting';
}

type Item = { s: Series; d: Diagnosis; label: string };

function items(result: TrainResult, lang: Lang): Item[] {
  return result.series.map((s) => ({ s, d: diagnose(s, contextOf(result, variantOf(s.key))), label: s.label[lang] }));
}

/** Several models on the same data (xor: perceptron vs hidden layer). */
function readModels(result: TrainResult, lang: Lang): string {
  const all = items(result, lang);
  const line = (x: Item) => `${x.label}: ${figures(x.s, x.d, lang)}`;
  const out: Sentence[] = [];
  const say = (text: string) => out.push({ text });
  const good = all.filter((x) => solved(x.d));
  const stuck = all.filter((x) => !solved(x.d));
  const names = (xs: Item[]) => xs.map((x) => x.label).join(t(lang, '・', ', '));
  const bad = all.find((x) => x.d.kind === 'diverged');
  if (bad) {
    // A blown-up run needs a smaller learning rate: never the "raise it" advice.
    const [what, why, fix] = explainDiverged(bad.s, bad.d, result.about, lang);
    const every = all.every((x) => x.d.kind === 'diverged');
    say(every ? t(lang, 'どのモデルも学習が発散しました。', 'Every model diverged.') : t(lang, `${bad.label}は発散しました。`, cap(`${bad.label} diverged.`)));
    say(`${bad.label}: ${what}`);
    say(why);
    say(fix);
  } else if (good.length > 0 && stuck.length > 0) {
    say(t(lang, `${names(stuck)}は学習が進まずに止まり、${names(good)}は問題を解けました。`, cap(`${names(stuck)} got stuck, while ${names(good)} solved the problem.`)));
    const note = result.about?.notes?.modelsDiffer;
    if (note) say(note[lang]);
    else out.push({ text: t(lang, '違いはデータではなくモデルの構造から来ています。', 'The difference comes from the models, not the data.'), optional: true });
  } else if (stuck.length === 0) {
    say(t(lang, 'どのモデルも問題を解けました。', 'Every model solved the problem.'));
  } else {
    const first = all[0];
    const advice = first ? higherRateAdvice(first.s, result.about, lang) : undefined;
    say(t(lang, 'どのモデルもまだ解けていません。', 'No model has solved it yet.'));
    say(advice ?? t(lang, 'エポックを増やすか、設定をレッスンの既定値に戻して試してください。', 'Try more epochs, or go back to the lesson’s defaults.'));
  }
  out.push({ text: t(lang, `最終値は ${all.map(line).join('／')}。`, `Final figures: ${all.map(line).join('; ')}.`) });
  return fit(out, lang);
}

/**
 * Which model a compare-seed series belongs to: xor trains two models per
 * seed (keys "perceptron-seed-1", "hidden-seed-1", ...), the others one ("seed-1").
 */
export function variantOf(key: string): string {
  return key.replace(/-?seed-[^-]*$/, '');
}

/** The measured spread of `variant` (the lesson id for one-model lessons). */
function spreadOf(result: TrainResult, variant: string): SeedSpread | undefined {
  const spreads = result.about?.seedSpread;
  return spreads?.[variant || result.lesson] ?? spreads?.[result.lesson];
}

/** A figure of the spread's metric: a percentage for accuracy, a number for loss. */
const metricText = (metric: SeedSpread['metric'] | 'loss', v: number) => (metric === 'valAcc' ? pct(v) : fmt(v));

/** How far apart one model's seeds ended, on the metric the lesson measured its spread in. */
function seedFigures(group: Item[], spread: SeedSpread | undefined, lang: Lang): { text: string; diff: number; metric: SeedSpread['metric'] | 'loss' } {
  const finals = group.map((x) => finalOf(x.s, x.d));
  const metric: SeedSpread['metric'] | 'loss' =
    spread?.metric ?? (finals.every((f) => f.valAcc !== undefined) ? 'valAcc' : finals.every((f) => f.valLoss !== undefined) ? 'valLoss' : 'loss');
  const values = finals.map((f) => f[metric]).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const diff = values.length === group.length ? Math.max(...values) - Math.min(...values) : Number.NaN;
  const names = group.map((x) => x.label).join(t(lang, 'と', ' and '));
  const list = values.map((v) => metricText(metric, v)).join(t(lang, ' と ', ' and '));
  const apart = metric === 'valAcc' ? t(lang, `差 ${(diff * 100).toFixed(1)} ポイント`, `${(diff * 100).toFixed(1)} points apart`) : t(lang, `差 ${fmt(diff)}`, `${fmt(diff)} apart`);
  const which =
    metric === 'valAcc' ? t(lang, '検証正解率', 'final validation accuracy') : metric === 'valLoss' ? t(lang, '検証損失', 'final validation loss') : t(lang, '最終損失', 'final loss');
  return {
    text: t(lang, `${names}の${which}は ${list}（${apart}）でした。`, `${cap(names)}: ${which} ${list} (${apart}).`),
    diff,
    metric,
  };
}

/** Whether `params` are the lesson's defaults apart from the seed. */
function atDefaults(params: Series['params'] | undefined, about: LessonFacts | undefined): boolean {
  if (!params || !about) return false;
  return Object.entries(about.defaults).every(([k, v]) => k === 'seed' || params[k] === v);
}

/** The difference between seeds judged against what was measured for this lesson. */
function judgeSeeds(fig: ReturnType<typeof seedFigures>, spread: SeedSpread | undefined, group: Item[], result: TrainResult, lang: Lang): string {
  if (!spread || !Number.isFinite(fig.diff)) {
    return t(
      lang,
      'このレッスンではシードごとのばらつきが測られていないので、この差が普通かどうかは言えません。',
      'This lesson has no measured spread between seeds, so whether this difference is ordinary cannot be said.',
    );
  }
  const range = spread.max - spread.min;
  const measured =
    spread.min === spread.max
      ? t(
          lang,
          `既定の設定で ${spread.seeds.length} 個のシードを試したときの結果はすべて ${metricText(spread.metric, spread.min)} でした`,
          `with the default settings, all ${spread.seeds.length} seeds measured for this lesson ended at ${metricText(spread.metric, spread.min)}`,
        )
      : t(
          lang,
          `既定の設定で ${spread.seeds.length} 個のシードを試したときの結果は ${metricText(spread.metric, spread.min)}〜${metricText(spread.metric, spread.max)} でした`,
          `with the default settings, ${spread.seeds.length} seeds measured for this lesson ended between ${metricText(spread.metric, spread.min)} and ${metricText(spread.metric, spread.max)}`,
        );
  // A tenth of the range on top: the two seeds here may include the two extremes of the measurement.
  if (fig.diff <= range * 1.1 + 1e-9) {
    return t(
      lang,
      `${measured}。この程度の差はシードの違いだけで普通に起こるので、講師の結果と数字が少し違っても心配いりません。`,
      `${cap(measured)}: a difference this size is ordinary between seeds, so a run that differs this much from the instructor’s is fine.`,
    );
  }
  const defaults = atDefaults(group[0]?.s.params, result.about);
  return defaults
    ? t(lang, `${measured}。今回の差はそれより大きく、珍しい結果です。`, `${cap(measured)}: this difference is larger than any of them, which is unusual.`)
    : t(
        lang,
        `${measured}。今回の差はそれより大きく、この設定では結果がシードに左右されやすいことを示しています。`,
        `${cap(measured)}: this difference is larger, so with these settings the result depends more on the seed.`,
      );
}

/** The same lesson trained with two (or more) seeds; each model's seeds are compared with each other. */
function readSeeds(result: TrainResult, lang: Lang): string {
  const all = items(result, lang);
  const groups = new Map<string, Item[]>();
  for (const x of all) groups.set(variantOf(x.s.key), [...(groups.get(variantOf(x.s.key)) ?? []), x]);
  const compared = [...groups.entries()].filter(([, g]) => g.length > 1).slice(0, 3);
  // A run cancelled before its second seed has nothing to compare: read it as separate models.
  if (compared.length === 0) return readModels(result, lang);
  const out: Sentence[] = [];
  const say = (text: string) => out.push({ text });
  const flat = compared.flatMap(([, g]) => g);
  const bad = flat.find((x) => x.d.kind === 'diverged');
  if (bad && flat.every((x) => x.d.kind === 'diverged')) {
    // Similar figures from two blown-up runs are not "normal": the settings fail whatever the seed.
    const [, why, fix] = explainDiverged(bad.s, bad.d, result.about, lang);
    say(t(lang, 'どのシードでも学習が発散しました。初期値の運ではなく、設定の問題です。', 'Every seed diverged: this is the settings, not bad luck with the starting weights.'));
    say(why);
    say(fix);
    return fit(out, lang);
  }
  const judged = compared.map(([variant, g]) => {
    const spread = spreadOf(result, variant);
    const fig = seedFigures(g, spread, lang);
    return { g, fig, judgement: judgeSeeds(fig, spread, g, result, lang) };
  });
  for (const j of judged) say(j.fig.text);
  say(
    t(
      lang,
      '違いが出るのは、重みの初期値が乱数で決まり、データを混ぜる（シャッフルする）順番もシードごとに変わるからです。',
      'They differ because the initial weights are random and the order in which the data is shuffled depends on the seed.',
    ),
  );
  if (bad) {
    say(
      t(
        lang,
        `${bad.label}だけ発散しました: 学習率が大きすぎて、初期値の運しだいで壊れる状態です。`,
        `Only ${bad.label} diverged: the learning rate is so high that luck with the starting weights decides.`,
      ),
    );
    say(lowerRateAdvice(bad.s, result.about, lang));
    return fit(out, lang);
  }
  const mixed = judged.find((j) => new Set(j.g.map((x) => x.d.kind)).size > 1);
  // xor's two models may get the same judgement: say it once.
  for (const judgement of new Set(judged.map((j) => j.judgement))) say(judgement);
  if (mixed) {
    const list = mixed.g.map((x) => `${x.label}: ${verdictName(x.d, lang)}`).join(t(lang, '、', ', '));
    out.push({ text: t(lang, `曲線の読み取りはシードで分かれました（${list}）。`, `The curves read differently (${list}).`), optional: true });
  }
  return fit(out, lang);
}

/** A short name for a diagnosis, for badges and lists. */
export function kindName(d: Pick<Diagnosis, 'kind'>, lang: Lang): string {
  const names: Record<Diagnosis['kind'], [string, string]> = {
    healthy: ['順調', 'healthy'],
    stalled: ['検証が頭打ち', 'validation stalled'],
    overfitting: ['過学習', 'overfitting'],
    diverged: ['発散', 'diverged'],
    plateau: ['停滞', 'plateau'],
    underfitting: ['学習不足', 'underfitting'],
  };
  const [ja, en] = names[d.kind];
  return t(lang, ja, en);
}

/**
 * The verdict shown on a chart's badge and legend: the kind's name, except
 * where the reason says more to a beginner ("still learning", "too few epochs").
 */
export function verdictName(d: Pick<Diagnosis, 'kind' | 'reason'>, lang: Lang): string {
  if (d.reason === 'still-falling') return t(lang, '学習の途中', 'still learning');
  if (d.reason === 'unstable') return t(lang, '不安定', 'unstable');
  if (d.reason === 'too-short' || d.reason === 'no-epochs') return t(lang, 'エポック不足', 'too few epochs');
  return kindName(d, lang);
}

/** The plain-language reading of a finished run, in `lang`. */
export function readRun(result: TrainResult, lang: Lang): string {
  const series = result.series.length > 0 ? result.series : [fallbackSeries(result)];
  const whole = { ...result, series };
  if (result.mode === 'compare-seed' && series.length > 1) return readSeeds(whole, lang);
  if (series.length > 1) return readModels(whole, lang);
  return readSingle(whole, series[0], lang);
}

/** A result without `series` still has its first series' figures at the top level. */
function fallbackSeries(result: TrainResult): Series {
  return {
    key: 'run',
    label: { ja: '学習', en: 'run' },
    params: result.params,
    history: result.history,
    final: result.final,
  };
}

/** Diagnoses every series of a result (the first series' history when `series` is empty), on the run's shared loss axis. */
export function diagnoseRun(result: TrainResult): { key: string; label: Series['label']; diagnosis: Diagnosis }[] {
  const series = result.series.length > 0 ? result.series : [fallbackSeries(result)];
  const whole = { ...result, series };
  return series.map((s) => ({ key: s.key, label: s.label, diagnosis: diagnose(s, contextOf(whole, variantOf(s.key))) }));
}
