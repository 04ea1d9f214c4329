/**
 * The plain-language reading posted below a training chart. Everything in it
 * comes from the run's own history (see diagnose.ts): the same wording would
 * describe any lesson with that curve. Short on purpose: 3-6 sentences, under
 * 900 characters, in the asker's language.
 */
import type { Lang } from '../core/lang.ts';
import type { FinalMetrics, Series, TrainResult } from '../training/types.ts';
import { contextOf, diagnose, THRESHOLDS, type Diagnosis } from './diagnose.ts';
import { fmt, pct, t } from './format.ts';

/** Longest reading, in characters: it has to fit under a chart in one Discord message. */
export const READING_MAX_CHARS = 900;
/** Most sentences in a reading (optional ones go first). */
export const READING_MAX_SENTENCES = 6;

const STANDARD_METRICS = new Set(['loss', 'valLoss', 'acc', 'valAcc']);

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

const EACH_EPOCH = {
  ja: '各エポックは同じデータでもう一度勾配降下を行い、前のエポックが残した重みから続けて少しずつ直すので、同じデータでもモデルは良くなり続けます。',
  en: 'Each epoch is another pass of gradient descent over the same data, starting from the weights the previous epoch left, which is why the same data keeps improving the model.',
};

/**
 * One line of final figures for a chart caption: "loss 0.046, validation loss
 * 0.063, accuracy 98.9% (validation 98.4%) · m = 2.01 (true value 2)"; for a
 * run that hit NaN, the last loss it could compute.
 */
export function finalFiguresLine(series: Series, result: TrainResult, lang: Lang): string {
  const d = diagnose(series, contextOf(result));
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
 * Whether advising a higher learning rate can help: not when it is already
 * large. Rates above 0.1 are where the lessons' losses start to blow up, and
 * "10 times higher" from there is at least 1, a rate that explodes every
 * lesson here (adam and rmsprop move each weight by about the rate per step).
 */
export function mayRaiseLr(lr: unknown): boolean {
  return typeof lr !== 'number' || lr <= 0.1;
}

/** The diagnosis of one series as 2-3 sentences: what happened, what it means, what to try. */
function explain(series: Series, d: Diagnosis, lang: Lang): string[] {
  const lr = series.params?.learningRate;
  const smallerLr = typeof lr === 'number' && lr > 0 ? fmt(lr / 10) : undefined;
  const raise = mayRaiseLr(lr);
  switch (d.kind) {
    case 'diverged': {
      const guess =
        d.chanceLoss !== undefined
          ? t(
              lang,
              `（当てずっぽうに答えるだけのモデルでも ${fmt(d.chanceLoss)}）`,
              ` (a model that merely guesses scores ${fmt(d.chanceLoss)})`,
            )
          : '';
      // "No better than guessing" only where it is true (a saturated iris net may still get 2 of 3 species);
      // otherwise the final figures already give the accuracy.
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
          ? d.nonFinite === 'Infinity'
            ? t(
                lang,
                `エポック ${d.fromEpoch} で損失が無限大（Infinity）になり、学習が止まりました。`,
                `At epoch ${d.fromEpoch} the loss became infinite and training stopped.`,
              )
            : t(
                lang,
                `エポック ${d.fromEpoch} で損失が NaN（計算できない値）になり、学習が止まりました。`,
                `At epoch ${d.fromEpoch} the loss became NaN (not a number) and training stopped.`,
              )
          : t(
              lang,
              `損失はエポック ${d.fromEpoch} から増え続け、${fmt(d.firstLoss)} から ${fmt(d.finalLoss)} になりました。`,
              `From epoch ${d.fromEpoch} the loss kept growing, from ${fmt(d.firstLoss)} to ${fmt(d.finalLoss)}.`,
            );
      const lrText = typeof lr === 'number' ? ` ${fmt(lr)}` : '';
      return [
        what,
        t(
          lang,
          `学習率${lrText} が大きすぎて、重みの更新が谷を飛び越え、値が発散したのが原因です。`,
          `The learning rate${lrText} is too high: each update overshoots the minimum and the weights blow up.`,
        ),
        smallerLr
          ? t(lang, `学習率を 10 分の 1 くらい（${smallerLr}）にして試してください。`, `Try one about 10 times smaller (${smallerLr}).`)
          : t(lang, '学習率を 10 分の 1 くらいにして試してください。', 'Try one about 10 times smaller.'),
      ];
    }
    case 'overfitting':
      return [
        t(
          lang,
          `検証損失はエポック ${d.fromEpoch} で最小（${fmt(d.bestValLoss)}）になり、その後は訓練損失が下がり続けているのに ${fmt(d.finalValLoss)} まで上がりました。`,
          `Validation loss was lowest at epoch ${d.fromEpoch} (${fmt(d.bestValLoss)}) and then rose to ${fmt(d.finalValLoss)} while the training loss kept falling.`,
        ),
        t(
          lang,
          'これが過学習です: モデルが訓練データを覚えすぎて、初めて見るデータでの成績が落ちています。',
          'That is overfitting: the model is memorising the training data and getting worse on data it has not seen.',
        ),
        t(
          lang,
          `エポック ${d.fromEpoch} あたりで止める（早期終了）、ドロップアウトを入れる、エポック数を減らす、が対策です。`,
          `Stop around epoch ${d.fromEpoch} (early stopping), add dropout, or train fewer epochs.`,
        ),
      ];
    case 'plateau':
      return [
        t(
          lang,
          `損失は最初の ${fmt(d.firstLoss)} からほとんど動いていません（${d.epochs} エポックで ${(d.drop * 100).toFixed(1)}% の減少）。`,
          `The loss barely moved from ${fmt(d.firstLoss)} (down ${(d.drop * 100).toFixed(1)}% in ${d.epochs} epochs).`,
        ),
        raise
          ? t(
              lang,
              `学習率を上げる（例: ${typeof lr === 'number' ? fmt(lr * 10) : '10 倍'}）、エポックを増やす、層やユニットを増やしてモデルを大きくする、を試してください。`,
              `Try a higher learning rate (e.g. ${typeof lr === 'number' ? fmt(lr * 10) : '10x'}), more epochs, or a bigger model (more units or layers).`,
            )
          : t(
              lang,
              `学習率 ${fmt(lr)} はすでに大きすぎるくらいです: レッスンの既定値に戻すか 10 分の 1（${smallerLr}）にして、エポックを増やすかモデルを大きくしてください。`,
              `The learning rate ${fmt(lr)} is already very high: go back to the lesson's default or try one 10 times smaller (${smallerLr}), then more epochs or a bigger model.`,
            ),
      ];
    case 'underfitting':
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
        return [
          t(
            lang,
            `損失は ${fmt(d.firstLoss)} から ${fmt(d.finalLoss)} まで下がり、最後のエポックでもまだ下がり続けていて、学習の途中です。`,
            `The loss fell from ${fmt(d.firstLoss)} to ${fmt(d.finalLoss)} and was still falling at the last epoch: the model has not finished learning.`,
          ),
          EACH_EPOCH[lang],
          raise
            ? t(lang, 'エポックを増やすか、学習率を少し上げると、もっと良くなります。', 'More epochs or a somewhat higher learning rate will improve it further.')
            : t(lang, 'エポックを増やすと、もっと良くなります。', 'More epochs will improve it further.'),
        ];
      }
      return [
        t(
          lang,
          `損失は ${d.flatFromEpoch ? `エポック ${d.flatFromEpoch} あたりから ` : ''}${fmt(d.finalLoss)} 付近で横ばいですが、訓練データでも正解率が ${pct(d.finalAcc)} にとどまっています。`,
          `The loss levelled off at about ${fmt(d.finalLoss)}${d.flatFromEpoch ? ` from epoch ${d.flatFromEpoch}` : ''}, yet accuracy on the training data itself is only ${pct(d.finalAcc)}.`,
        ),
        raise
          ? t(
              lang,
              'モデルがデータの形を表しきれていない状態（学習不足）です: 層やユニットを増やす、学習率を上げる、エポックを増やす、を試してください。',
              'The model is underfitting (too simple for this data): try more units or layers, a higher learning rate, or more epochs.',
            )
          : t(
              lang,
              `モデルがデータの形を表しきれていない状態（学習不足）です: 学習率 ${fmt(lr)} はもう大きいので、層やユニットを増やすか、学習率を下げてエポックを増やしてください。`,
              `The model is underfitting: the learning rate ${fmt(lr)} is already high, so try more units or layers, or a smaller rate with more epochs.`,
            ),
      ];
    case 'healthy':
    default: {
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
        ? t(lang, '下がり、最後もまだ少しずつ下がっています', ', and was still edging down at the end')
        : flatAt
          ? t(lang, `下がり、エポック ${flatAt} あたりから横ばいになりました`, `, levelling off around epoch ${flatAt}`)
          : t(lang, '下がりました', '');
      const out = [
        t(
          lang,
          `損失は 1 エポック目の ${fmt(d.firstLoss)} から最後の ${fmt(d.finalLoss)} まで${tail}。`,
          `The loss fell from ${fmt(d.firstLoss)} at the first epoch to ${fmt(d.finalLoss)} at the last${tail}.`,
        ),
        EACH_EPOCH[lang],
      ];
      if (d.stillImproving) {
        out.push(t(lang, 'エポックを増やせば、もう少し良くなりそうです。', 'A few more epochs would likely improve it a little more.'));
      }
      const firstVal = series.history.find((h) => h.valLoss !== undefined && Number.isFinite(h.valLoss))?.valLoss;
      if (d.finalValLoss !== undefined && firstVal !== undefined && d.finalValLoss < firstVal * 0.9) {
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

function readSingle(result: TrainResult, series: Series, lang: Lang): string {
  const d = diagnose(series, contextOf(result));
  const [first, ...rest] = explain(series, d, lang);
  // The "why" of gradient descent and a healthy run's side remarks give way first when space runs out.
  const out: Sentence[] = [{ text: first }, ...rest.map((text) => ({ text, optional: d.kind === 'healthy' || text === EACH_EPOCH[lang] }))];
  const note = stopNote(series, lang);
  if (note) out.push({ text: note });
  const lastGood = [...series.history].reverse().find((h) => Number.isFinite(h.loss));
  if (d.kind === 'diverged' && d.reason === 'nan') {
    // "Final: loss NaN" says nothing; how large the loss had grown before it broke does.
    if (lastGood) {
      out.push({
        text: t(
          lang,
          `発散する前の最後の損失は ${fmt(lastGood.loss)}（エポック ${lastGood.epoch}）でした。`,
          `The last finite loss was ${fmt(lastGood.loss)} (epoch ${lastGood.epoch}).`,
        ),
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

/** Several models on the same data (xor: perceptron vs hidden layer). */
function readModels(result: TrainResult, lang: Lang): string {
  const ctx = contextOf(result);
  const items = result.series.map((s) => ({ s, d: diagnose(s, ctx), label: s.label[lang] }));
  const line = (x: (typeof items)[number]) => `${x.label}: ${figures(x.s, x.d, lang)}`;
  const out: Sentence[] = [];
  const say = (text: string) => out.push({ text });
  const good = items.filter((x) => solved(x.d));
  const stuck = items.filter((x) => !solved(x.d));
  const names = (xs: typeof items) => xs.map((x) => x.label).join(t(lang, '・', ', '));
  if (good.length > 0 && stuck.length > 0) {
    say(
      t(
        lang,
        `${names(stuck)}は学習が進まずに止まり、${names(good)}は問題を解けました。`,
        cap(`${names(stuck)} got stuck, while ${names(good)} solved the problem.`),
      ),
    );
    if (result.lesson === 'xor') {
      say(
        t(
          lang,
          'XOR は直線 1 本では 0 と 1 を分けられない（線形分離できない）問題なので、隠れ層のないパーセプトロンには解けません。隠れ層が入力を分けられる形に変換するので、隠れ層のあるモデルは解けます。',
          'XOR is not linearly separable: no single straight line splits its 0s from its 1s, so a perceptron without a hidden layer cannot solve it. A hidden layer transforms the inputs into a space where they can be split.',
        ),
      );
    } else {
      out.push({ text: t(lang, '違いはデータではなくモデルの構造から来ています。', 'The difference comes from the models, not the data.'), optional: true });
    }
    out.push({ text: EACH_EPOCH[lang], optional: true });
  } else if (stuck.length === 0) {
    out.push({ text: t(lang, 'どのモデルも問題を解けました。', 'Every model solved the problem.') });
    out.push({ text: EACH_EPOCH[lang], optional: true });
  } else {
    const bad = items.find((x) => x.d.kind === 'diverged');
    if (bad) {
      // A blown-up run needs a smaller learning rate: never the "raise it" advice below.
      const [what, why, fix] = explain(bad.s, bad.d, lang);
      const all = items.every((x) => x.d.kind === 'diverged');
      say(
        all
          ? t(lang, 'どのモデルも学習が発散しました。', 'Every model diverged.')
          : t(lang, `どのモデルも解けていません。${bad.label}は発散しました。`, cap(`No model has solved it; ${bad.label} diverged.`)),
      );
      say(`${bad.label}: ${what}`);
      say(why);
      say(fix);
    } else {
      const lr = items[0]?.s.params?.learningRate;
      say(
        mayRaiseLr(lr)
          ? t(
              lang,
              'どのモデルもまだ解けていません: エポックを増やすか、学習率を上げて試してください。',
              'No model has solved it yet: try more epochs or a higher learning rate.',
            )
          : t(lang, 'どのモデルもまだ解けていません: エポックを増やして試してください。', 'No model has solved it yet: try more epochs.'),
      );
    }
  }
  out.push({ text: t(lang, `最終値は ${items.map(line).join('／')}。`, `Final figures: ${items.map(line).join('; ')}.`) });
  return fit(out, lang);
}

/**
 * Which model a compare-seed series belongs to: xor trains two models per
 * seed (keys "perceptron-seed-1", "hidden-seed-1", ...), the others one ("seed-1").
 */
export function variantOf(key: string): string {
  return key.replace(/-?seed-[^-]*$/, '');
}

type Item = { s: Series; d: Diagnosis; label: string };

/** "A and B: final loss x and y (10% apart); validation accuracy ... (0.6 points apart)." for one model's seeds. */
function seedFigures(group: Item[], lang: Lang): { text: string; small: boolean; sameKind: boolean } {
  const finals = group.map((x) => finalOf(x.s, x.d));
  const losses = finals.map((f) => f.loss).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const useVal = finals.every((f) => f.valAcc !== undefined);
  const accs = finals.map((f) => (useVal ? f.valAcc : f.acc)).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const and = t(lang, 'と', ' and ');
  const names = group.map((x) => x.label).join(and);
  const lossRel = losses.length === group.length ? (Math.max(...losses) - Math.min(...losses)) / Math.max(...losses) : Number.NaN;
  const accPts = accs.length === group.length ? (Math.max(...accs) - Math.min(...accs)) * 100 : undefined;
  const lossList = finals.map((f) => fmt(f.loss)).join(t(lang, ' と ', ' and '));
  const diff = Number.isFinite(lossRel) ? t(lang, `（差 ${(lossRel * 100).toFixed(0)}%）`, ` (${(lossRel * 100).toFixed(0)}% apart)`) : '';
  let text = t(lang, `${names}の最終損失は ${lossList}${diff}`, `The final loss of ${names} is ${lossList}${diff}`);
  if (accPts !== undefined) {
    const accList = accs.map(pct).join(t(lang, ' と ', ' and '));
    const which = useVal ? t(lang, '検証データの正解率', 'validation accuracy') : t(lang, '正解率', 'accuracy');
    text += t(lang, `、${which}は ${accList}（差 ${accPts.toFixed(1)} ポイント）`, `; ${which} ${accList} (${accPts.toFixed(1)} points apart)`);
  }
  return {
    text: text + t(lang, 'でした。', '.'),
    small: Number.isFinite(lossRel) && lossRel < 0.25 && (accPts === undefined || accPts < 3),
    sameKind: new Set(group.map((x) => x.d.kind)).size === 1,
  };
}

/** The same lesson trained with two (or more) seeds; each model's seeds are compared with each other. */
function readSeeds(result: TrainResult, lang: Lang): string {
  const ctx = contextOf(result);
  const items: Item[] = result.series.map((s) => ({ s, d: diagnose(s, ctx), label: s.label[lang] }));
  const groups = new Map<string, Item[]>();
  for (const x of items) groups.set(variantOf(x.s.key), [...(groups.get(variantOf(x.s.key)) ?? []), x]);
  const compared = [...groups.values()].filter((g) => g.length > 1).slice(0, 3);
  // A run cancelled before its second seed has nothing to compare: read it as separate models.
  if (compared.length === 0) return readModels(result, lang);
  const out: Sentence[] = [];
  const say = (text: string) => out.push({ text });
  const figs = compared.map((g) => seedFigures(g, lang));
  for (const f of figs) say(f.text);
  say(
    t(
      lang,
      '違いが出るのは、重みの初期値が乱数で決まり、データを混ぜる（シャッフルする）順番もシードごとに変わるからです。',
      'They differ because the initial weights are random and the order in which the data is shuffled depends on the seed.',
    ),
  );
  const bad = compared.flat().find((x) => x.d.kind === 'diverged');
  const mixed = compared.find((g, i) => !figs[i].sameKind);
  if (bad && compared.flat().every((x) => x.d.kind === 'diverged')) {
    // Similar figures from two blown-up runs are not "normal": the settings fail whatever the seed.
    const [, why, fix] = explain(bad.s, bad.d, lang);
    say(t(lang, 'どのシードでも学習が発散しました。初期値の運ではなく、設定の問題です。', 'Every seed diverged: this is the settings, not bad luck with the starting weights.'));
    say(why);
    say(fix);
    return fit(out, lang);
  }
  if (figs.every((f) => f.sameKind && f.small)) {
    say(
      t(
        lang,
        'この程度の差は普通で、曲線の傾向は同じです。講師の結果と数字が少し違っても心配いりません。',
        'A difference this small is normal and the trend is the same, so a run that differs a little from the instructor’s is fine.',
      ),
    );
  } else if (!mixed) {
    say(
      t(
        lang,
        '曲線の傾向は同じですが、差は大きめです: 学習がまだ途中だと初期値の影響が残るので、エポックを増やすと差は縮まります。',
        'The trend is the same but the gap is large: early in training the starting point still matters, and more epochs shrink the gap.',
      ),
    );
  } else if (bad) {
    say(
      t(
        lang,
        `${bad.label}だけ発散しました: 学習率が大きすぎて、初期値の運しだいで壊れる状態です。学習率を 10 分の 1 くらいにしてください。`,
        `Only ${bad.label} diverged: the learning rate is so high that luck with the starting weights decides. Try one about 10 times smaller.`,
      ),
    );
  } else {
    const list = mixed.map((x) => `${x.label}: ${kindName(x.d, lang)}`).join(t(lang, '、', ', '));
    say(
      t(
        lang,
        `シードによって結果の傾向まで変わりました（${list}）。設定が不安定な証拠です。`,
        `The seeds even changed the outcome (${list}), a sign the settings are fragile.`,
      ),
    );
  }
  out.push({ text: EACH_EPOCH[lang], optional: true });
  return fit(out, lang);
}

/** A short name for a diagnosis, for badges and lists. */
export function kindName(d: Pick<Diagnosis, 'kind'>, lang: Lang): string {
  const names: Record<Diagnosis['kind'], [string, string]> = {
    healthy: ['順調', 'healthy'],
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
  if (d.reason === 'too-short' || d.reason === 'no-epochs') return t(lang, 'エポック不足', 'too few epochs');
  return kindName(d, lang);
}

/** The plain-language reading of a finished run, in `lang`. */
export function readRun(result: TrainResult, lang: Lang): string {
  const series = result.series.length > 0 ? result.series : [fallbackSeries(result)];
  if (result.mode === 'compare-seed' && series.length > 1) return readSeeds({ ...result, series }, lang);
  if (series.length > 1) return readModels({ ...result, series }, lang);
  return readSingle(result, series[0], lang);
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

/** Diagnoses every series of a result (the first series' history when `series` is empty). */
export function diagnoseRun(result: TrainResult): { key: string; label: Series['label']; diagnosis: Diagnosis }[] {
  const series = result.series.length > 0 ? result.series : [fallbackSeries(result)];
  const ctx = contextOf(result);
  return series.map((s) => ({ key: s.key, label: s.label, diagnosis: diagnose(s, ctx) }));
}
