/**
 * The course's small formulas worked on numbers the asker wrote:
 * activation values (sigmoid(0), relu(-3), softmax([3, 1])) and their
 * derivatives, losses of given predictions (MSE, MAE, cross-entropy),
 * max/average pooling and a convolution done by hand on a small matrix,
 * a standardized value, the memory of a parameter count, and what an
 * augmentation range means in pixels. Each result shows its working.
 */
import type { Lang } from '../../core/lang.ts';
import type { TopicSlug } from '../topics.ts';
import { evaluateOnInputs } from './formula.ts';
import { batchNormCount, convMaps, fullBatch, transferHead } from './counts.ts';
import { flattenDense, layerOutputSize } from './sizes.ts';
import { count } from './steps.ts';

export interface ArithResult {
  topic: TopicSlug;
  text: Record<Lang, string>;
}

const NUM = String.raw`[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?`;

/** 1st, 2nd, 3rd, 4th, 11th, 22nd. */
export function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${s}`;
}

function toNum(s: string): number {
  return Number(s.replace('−', '-'));
}

/** Rounded for reading: up to 4 significant decimals, no floating-point noise. */
export function show(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return String(v);
  const r = Math.abs(v) >= 1000 ? Math.round(v) : Number(v.toFixed(digits));
  return (Object.is(r, -0) ? 0 : r).toLocaleString('en-US', { maximumFractionDigits: digits }).replace(/^-/, '−');
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function softmax(xs: number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

function numberList(s: string): number[] | undefined {
  const parts = s.split(/[,\s]+/).filter(Boolean);
  if (parts.length === 0 || parts.some((p) => !new RegExp(`^${NUM}$`, 'i').test(p))) return undefined;
  return parts.map(toNum);
}

/**
 * Whether the list at t[start, end) is the asker's own result to check
 * ("I got [0.67, 0.24, 0.09]", 「自分で計算したら [...] になった」), not an input.
 */
function isClaim(t: string, start: number, end: number): boolean {
  const before = t.slice(Math.max(0, start - 40), start);
  const after = t.slice(end, end + 16);
  return (
    /(自分で|計算したら|やってみたら|解いたら|\bI (got|get|calculated|computed)\b|\bmy (answer|result|working|values?)\b|\bgot\b)[^\[\]。.?？\n]{0,20}$/i.test(before) ||
    /^\s*(に|と)(なった|なりました|なる(けど|んですが|のですが)|出た|出ました)/.test(after)
  );
}

/** The asker's worked values against the right ones, compared at the asker's own number of decimals. */
function checkClaim(claim: number[], right: number[]): { ja: string; en: string } {
  const decimals = Math.max(...claim.map((v) => (String(v).split('.')[1] ?? '').length));
  const rounded = right.map((v) => Number(v.toFixed(decimals)));
  const off = claim.map((v, i) => (Math.abs(v - rounded[i]) > 1e-9 ? i : -1)).filter((i) => i >= 0);
  const list = (xs: number[]) => `[${xs.map((v) => v.toFixed(decimals)).join(', ')}]`;
  if (off.length === 0) {
    return { ja: `あなたの ${list(claim)} は合っています（小数第 ${decimals} 位まで一致）。`, en: `Your ${list(claim)} is right (it matches to ${decimals} decimal place${decimals === 1 ? '' : 's'}).` };
  }
  const which = off.map((i) => `${claim[i].toFixed(decimals)} → ${rounded[i].toFixed(decimals)}`).join(', ');
  const close = off.every((i) => Math.abs(claim[i] - right[i]) <= 2 * 10 ** -decimals);
  return {
    ja: `あなたの ${list(claim)} は少し違います：小数第 ${decimals} 位に丸めると ${list(rounded)} で、${which} です。${close ? '途中の e^x を丸めたときのずれだと思われます。' : ''}`,
    en: `Your ${list(claim)} is slightly off: rounded to ${decimals} decimal place${decimals === 1 ? '' : 's'} the result is ${list(rounded)} (${which}).${close ? ' Most likely rounding of the e^x values along the way.' : ''}`,
  };
}

/** Activation functions applied to numbers: `sigmoid(0)`, `relu(-3)`, `softmax([3, 1])`, "sigmoid at 0". */
function activations(t: string): ArithResult | undefined {
  const values: { f: string; x: number | number[] }[] = [];
  for (const m of t.matchAll(new RegExp(String.raw`\b(sigmoid|relu6|relu|tanh|softmax|σ)\s*\(\s*(\[[^\]]*\]|${NUM})\s*\)`, 'gi'))) {
    const arg = m[2].startsWith('[') ? numberList(m[2].slice(1, -1)) : toNum(m[2]);
    if (arg !== undefined) values.push({ f: m[1].toLowerCase() === 'σ' ? 'sigmoid' : m[1].toLowerCase(), x: arg });
  }
  // Logits given as a list, softmax probabilities asked ("logits [1.2, 1.2, 1.893], what are the softmax probabilities?").
  const logits = /(logits?|ロジット)/i.exec(t);
  if (logits && /(softmax|ソフトマックス)/i.test(t) && /(probabilit|確率)/i.test(t) && !values.some((v) => v.f === 'softmax')) {
    const lineStart = t.lastIndexOf('\n', logits.index) + 1;
    for (const m of [...t.slice(lineStart).matchAll(/\[([^\[\]]{1,80})\]/g)].slice(0, 4)) {
      const xs = numberList(m[1]);
      if (xs && xs.length >= 2 && xs.length <= 20) values.push({ f: 'softmax', x: xs });
    }
  }
  // "softmax of [1, 1, 1]? and of [3, 1]?", "softmax of logits [1, 1, 1, 1]?", 「softmax手計算 ・[0, 0, 0, 0] だと？」: every list after the name.
  const named = /\b(softmax|relu|sigmoid|tanh)\s+(?:of|on|for|(?:applied|put|passed)\s+(?:to|on|through))\s+(?:(?:the\s+)?(?:logits?|values?|vectors?|scores?|outputs?|inputs?)\s+)?\[/i.exec(t) ?? /(softmax|ソフトマックス)(?![\s\S]*\b(predict|pred|出力|output)\b)[^\[\]\n]{0,20}(手計算|by hand|計算)/i.exec(t);
  // A list the asker worked out themselves ("I got [0.67, 0.24, 0.09]") is checked, not computed on.
  const claims: number[][] = [];
  if (named) {
    const f = /ソフトマックス/.test(named[1]) ? 'softmax' : named[1].toLowerCase();
    // The lists after the name, and those before it on the same line ("the values [2.0, 1.0, 0.1] through softmax").
    const lineStart = t.lastIndexOf('\n', named.index) + 1;
    for (const m of t.slice(lineStart).matchAll(/\[([^\[\]]{1,80})\]/g)) {
      const xs = numberList(m[1]);
      if (!xs) continue;
      const at = lineStart + m.index;
      // Each list goes through the function named last before it ("tanh of [0, 1] and relu of [-1, 4]").
      const before = [...t.slice(named.index, at).matchAll(/\b(softmax|relu|sigmoid|tanh)\b|(ソフトマックス)/gi)].pop();
      const own = before ? (before[2] ? 'softmax' : before[1].toLowerCase()) : f;
      if (isClaim(t, at, at + m[0].length)) claims.push(xs);
      else values.push({ f: own, x: xs });
    }
  }
  for (const m of t.matchAll(new RegExp(String.raw`\b(sigmoid|relu|tanh)(?:'s)?\s+(?:derivative\s+)?(?:at|of)\s+(?:x\s*=\s*)?(${NUM})`, 'gi'))) {
    values.push({ f: m[1].toLowerCase(), x: toNum(m[2]) });
  }
  for (const m of t.matchAll(new RegExp(String.raw`(sigmoid|relu|tanh|シグモイド)\s*(?:の|で)?\s*(?:x\s*=\s*)?(${NUM})\s*(?:の|で|のとき|における)`, 'gi'))) {
    values.push({ f: /シグモイド/.test(m[1]) ? 'sigmoid' : m[1].toLowerCase(), x: toNum(m[2]) });
  }
  // 「sigmoid の微分を z=0 と z=2 で」, "tanh derivative at z = 0 and z = 3": every point named after the function.
  const fnNamed = /(sigmoid|シグモイド|tanh|relu)/i.exec(t);
  if (fnNamed && /(derivative|微分|勾配|gradient|slope|傾き)/i.test(t)) {
    const f = /シグモイド/.test(fnNamed[1]) ? 'sigmoid' : fnNamed[1].toLowerCase();
    for (const m of t.slice(fnNamed.index).matchAll(new RegExp(String.raw`(?<![\w.])(?:z|x|u)\s*=\s*(${NUM})(?![\w.]*\s*[*×·(])`, 'g'))) values.push({ f, x: toNum(m[1]) });
  }
  if (values.length === 0) return undefined;
  const wantsDerivative = /(derivative|微分|勾配|gradient|slope|傾き|导数|미분)/i.test(t);
  const ja: string[] = [];
  const en: string[] = [];
  const seen = new Set<string>();
  for (const { f, x } of values) {
    const key = `${f}:${JSON.stringify(x)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (Array.isArray(x) && f !== 'softmax') {
      const fn = f === 'relu' ? (v: number) => Math.max(0, v) : f === 'relu6' ? (v: number) => Math.min(6, Math.max(0, v)) : f === 'sigmoid' ? sigmoid : Math.tanh;
      const line = `${f}([${x.map((v) => show(v)).join(', ')}]) = [${x.map((v) => show(fn(v), 3)).join(', ')}]`;
      ja.push(`${line}（要素ごとに計算）`);
      en.push(`${line} (applied element by element)`);
      continue;
    }
    if (Array.isArray(x)) {
      const p = softmax(x);
      const line = `softmax([${x.map((v) => show(v)).join(', ')}]) = [${p.map((v) => show(v, 3)).join(', ')}]`;
      const claim = claims.find((c) => c.length === p.length);
      const check = claim ? checkClaim(claim, p) : undefined;
      // The working, for a list short enough to follow by hand: each e^x, their sum, each share.
      const ex = x.map((v) => Math.exp(v));
      const sum = ex.reduce((a, b) => a + b, 0);
      const work = x.length <= 5 && x.every((v) => Math.abs(v) <= 20) ? `${x.map((v, i) => `e^${show(v)} = ${show(ex[i], 3)}`).join(', ')}; Σ = ${show(sum, 3)}; ${ex.map((e, i) => `${show(e, 3)} / ${show(sum, 3)} = ${show(p[i], 3)}`).join(', ')}` : '';
      ja.push(`${line}（各 e^x を合計で割った値で、合計は 1。全部の値に同じ数を足しても結果は変わりません）${work ? `\n計算：${work.replace(/; /g, '、')}` : ''}`);
      en.push(`${line} (each e^x divided by their sum, so they add up to 1; adding the same number to every input leaves it unchanged)${work ? `\nWorking: ${work}` : ''}`);
      if (check) {
        ja.push(check.ja);
        en.push(check.en);
      }
      continue;
    }
    if (f === 'sigmoid') {
      const s = sigmoid(x);
      ja.push(`sigmoid(${show(x)}) = 1 / (1 + e^${x === 0 ? '0' : `(${show(-x)})`}) = ${show(s)}` + (wantsDerivative ? `、微分 σ'(${show(x)}) = σ(1 − σ) = ${show(s * (1 - s))}` : ''));
      en.push(`sigmoid(${show(x)}) = 1 / (1 + e^${x === 0 ? '0' : `(${show(-x)})`}) = ${show(s)}` + (wantsDerivative ? `; derivative σ'(${show(x)}) = σ(1 − σ) = ${show(s * (1 - s))}` : ''));
    } else if (f === 'relu6') {
      const y = Math.min(6, Math.max(0, x));
      ja.push(`relu6(${show(x)}) = min(max(0, ${show(x)}), 6) = ${show(y)}`);
      en.push(`relu6(${show(x)}) = min(max(0, ${show(x)}), 6) = ${show(y)}`);
    } else if (f === 'relu') {
      const d = x > 0 ? '1' : x < 0 ? '0' : undefined;
      ja.push(`relu(${show(x)}) = max(0, ${show(x)}) = ${show(Math.max(0, x))}` + (wantsDerivative ? `、微分 ${d ?? '（x = 0 では定義されず、TensorFlow は 0 として扱います）'}` : ''));
      en.push(`relu(${show(x)}) = max(0, ${show(x)}) = ${show(Math.max(0, x))}` + (wantsDerivative ? `; derivative ${d ?? '(undefined at exactly 0; TensorFlow uses 0)'}` : ''));
    } else if (f === 'tanh') {
      const h = Math.tanh(x);
      ja.push(`tanh(${show(x)}) = ${show(h)}` + (wantsDerivative ? `、微分 1 − tanh² = ${show(1 - h * h)}` : ''));
      en.push(`tanh(${show(x)}) = ${show(h)}` + (wantsDerivative ? `; derivative 1 − tanh² = ${show(1 - h * h)}` : ''));
    }
  }
  if (ja.length === 0) return undefined;
  const reluRule = wantsDerivative && /relu/i.test(t);
  // Two or more sigmoid slopes: say how it shrinks away from 0 (at most 0.25, at z = 0).
  const sigPts = [...seen].filter((k) => k.startsWith('sigmoid:') && !k.includes('[')).map((k) => Number(k.slice(8)));
  if (wantsDerivative && sigPts.length >= 2) {
    const ds = sigPts.map((z) => sigmoid(z) * (1 - sigmoid(z)));
    const hi = sigPts[ds.indexOf(Math.max(...ds))];
    const lo = sigPts[ds.indexOf(Math.min(...ds))];
    ja.push(`傾きは z = ${show(hi)} で ${show(Math.max(...ds))}、z = ${show(lo)} で ${show(Math.min(...ds))} です。sigmoid の微分は z = 0 で最大の 0.25 で、|z| が大きくなる（飽和する）ほど 0 に近づくので、そこを通る勾配は小さくなります（勾配消失の原因）。`);
    en.push(`The slope is ${show(Math.max(...ds))} at z = ${show(hi)} and ${show(Math.min(...ds))} at z = ${show(lo)}: sigmoid's derivative peaks at 0.25 at z = 0 and shrinks towards 0 as |z| grows (the neuron saturates), so the gradient through it gets smaller (the vanishing gradient).`);
  }
  return {
    topic: 'activation-functions',
    text: {
      ja: ja.join('\n') + (reluRule ? '\nReLU の微分は、入力が正なら 1、負なら 0 です（ちょうど 0 では定義されず、TensorFlow は 0 として計算します）。' : ''),
      en: en.join('\n') + (reluRule ? "\nReLU's derivative is 1 for a positive input and 0 for a negative one (at exactly 0 it is undefined; TensorFlow uses 0)." : ''),
    },
  };
}

/** Two lists named as predictions and true values, with a loss named: MSE, MAE, the sum of squares. */
function listLoss(t: string): ArithResult | undefined {
  if (!/(mse|mae|二乗|2乗|平均.{0,4}誤差|squared|absolute error|loss|損失|ロス)/i.test(t) || /(cross-?entropy|交差エントロピー|クロスエントロピー)/i.test(t)) return undefined;
  const lists = [...t.matchAll(/\[([^\[\]]{1,200})\]/g)].map((m) => ({ at: m.index!, xs: numberList(m[1]) })).filter((l): l is { at: number; xs: number[] } => !!l.xs && l.xs.length >= 2);
  if (lists.length < 2 || lists[0].xs.length !== lists[1].xs.length) return undefined;
  // x and y lists with a line's m and b: the predictions come from the line.
  const mv = new RegExp(`(?<![\\w.])[mw]\\s*=\\s*(${NUM})`).exec(t);
  const bv = new RegExp(`(?<![\\w.])b\\s*=\\s*(${NUM})`).exec(t);
  const xLabel = /(?<![\w.])x\s*=\s*$/;
  if (mv && xLabel.test(t.slice(Math.max(0, lists[0].at - 6), lists[0].at))) {
    const m = toNum(mv[1]);
    const b = bv ? toNum(bv[1]) : 0;
    const preds = lists[0].xs.map((x) => m * x + b);
    const truth = lists[1].xs;
    return lossOf(preds, truth, t, `ŷ = ${show(m)}x${bv ? ` + ${show(b)}` : ''} で予測は [${preds.map((v) => show(v)).join(', ')}]。`, `With ŷ = ${show(m)}x${bv ? ` + ${show(b)}` : ''} the predictions are [${preds.map((v) => show(v)).join(', ')}]. `);
  }
  // Which list is the prediction: the one named 予測/pred/ŷ right before it.
  const label = (at: number) => t.slice(Math.max(0, at - 25), at);
  let [pred, truth] = [lists[0].xs, lists[1].xs];
  if (/(正解|true|target|actual|label|ラベル|実際|y_true|\by\s*[=:]\s*$)/i.test(label(lists[0].at)) && /(予測|pred|ŷ|y_hat|output|出力)/i.test(label(lists[1].at))) [pred, truth] = [truth, pred];
  return lossOf(pred, truth, t, '', '');
}

function lossOf(pred: number[], truth: number[], t: string, leadJa: string, leadEn: string): ArithResult {
  const err = pred.map((p, i) => p - truth[i]);
  const sq = err.map((e) => e * e);
  const sse = sq.reduce((a, b) => a + b, 0);
  const n = err.length;
  const mse = sse / n;
  const mae = err.reduce((a, b) => a + Math.abs(b), 0) / n;
  const claimed = [...t.matchAll(new RegExp(`(?:になった|got|get|is|=|は)\\s*(${NUM})|(${NUM})\\s*(?:になった|になりました|って出|と出)`, 'gi'))].map((m) => toNum(m[1] ?? m[2])).find((v) => Math.abs(v - sse) < 1e-9 && Math.abs(sse - mse) > 1e-9);
  const diffs = err.map((e) => show(e)).join(', ');
  const sqs = sq.map((e) => show(e)).join(' + ');
  return {
    topic: 'loss-function',
    text: {
      ja:
        `MSE = ${show(mse)} です。${leadJa}誤差（予測 − 正解）は ${diffs}、二乗すると ${sqs} = ${show(sse)}（二乗誤差の合計）、これを ${n} 個で割った平均が MSE = ${show(sse)} / ${n} = ${show(mse)} です。` +
        (claimed !== undefined ? `${show(claimed)} は合計で、Keras の loss='mse' は平均なので値が合わなかったのです。` : 'Keras の `loss=\'mse\'` はこの平均（バッチ内の平均）です。') +
        `MAE（絶対誤差の平均）なら ${show(mae)} です。`,
      en:
        `MSE = ${show(mse)}. ${leadEn}The errors (prediction − truth) are ${diffs}; squared: ${sqs} = ${show(sse)} (the sum of squared errors); the mean over ${n} values is MSE = ${show(sse)} / ${n} = ${show(mse)}. ` +
        (claimed !== undefined ? `Your ${show(claimed)} is the sum; Keras's loss='mse' is the mean, which is why they differ. ` : "Keras's `loss='mse'` is this mean (over the batch). ") +
        `MAE (mean absolute error) would be ${show(mae)}.`,
    },
  };
}

/**
 * Cross-entropy of a prediction vector against its true class (a label index
 * or a one-hot vector), or binary cross-entropy of a batch: labels and
 * probabilities as two lists, the loss being their mean.
 */
function crossEntropyVectors(t: string): ArithResult | undefined {
  if (!/(cross-?entropy|crossentropy|交差エントロピー|クロスエントロピー|log ?loss)/i.test(t)) return undefined;
  const lists = [...t.matchAll(/\[([^\[\]]{1,120})\]/g)].map((m) => numberList(m[1])).filter((l): l is number[] => !!l && l.length >= 2);
  if (lists.length === 0) return undefined;
  const isProb = (l: number[]) => l.every((v) => v >= 0 && v <= 1) && l.some((v) => v > 0 && v < 1);
  const isLabels = (l: number[]) => l.every((v) => v === 0 || v === 1);
  // Binary: labels [1, 0, 1] and predictions [0.9, 0.2, 0.6].
  if (/binary/i.test(t) && lists.length >= 2) {
    const labels = lists.find(isLabels);
    const probs = lists.find((l) => l !== labels && isProb(l));
    if (labels && probs && labels.length === probs.length) {
      const terms = probs.map((p, i) => (labels[i] === 1 ? -Math.log(p) : -Math.log(1 - p)));
      const mean = terms.reduce((a, b) => a + b, 0) / terms.length;
      const parts = probs.map((p, i) => (labels[i] === 1 ? `−ln(${show(p)}) = ${show(terms[i], 3)}` : `−ln(1 − ${show(p)}) = ${show(terms[i], 3)}`));
      return {
        topic: 'loss-function',
        text: {
          ja: `Keras が表示する loss は ${show(mean, 3)} です。サンプルごとに、正解 1 なら −ln(p)、正解 0 なら −ln(1 − p)：${parts.join('、')}。その平均が ${show(mean, 3)}（binary_crossentropy はバッチの平均）。`,
          en: `Keras reports ${show(mean, 3)}. Per sample, −ln(p) for label 1 and −ln(1 − p) for label 0: ${parts.join('; ')}. Their mean is ${show(mean, 3)} (binary_crossentropy averages over the batch).`,
        },
      };
    }
  }
  // Several samples, each "true class k ... pred [..]": the loss Keras reports is their mean.
  const pairs = [...t.matchAll(/(?:true class|class|label|正解(?:クラス)?|ラベル)\s*(?:is|=|:|は)?\s*(\d)[^\[\]]{0,30}\[([^\[\]]{1,80})\]/gi)]
    .map((m) => ({ k: Number(m[1]), p: numberList(m[2]) }))
    .filter((x): x is { k: number; p: number[] } => !!x.p && isProb(x.p) && x.k < x.p.length);
  if (pairs.length >= 2) {
    const losses = pairs.map(({ k, p }) => -Math.log(p[k]));
    const mean = losses.reduce((a, b) => a + b, 0) / losses.length;
    const parts = pairs.map(({ k, p }, i) => `−ln(${show(p[k])}) = ${show(losses[i], 3)}`);
    return {
      topic: 'loss-function',
      text: {
        ja: `Keras が表示する loss はバッチの平均で ${show(mean, 3)} です。サンプルごとに正解クラスの確率だけを使い、${parts.join('、')}。その平均が ${show(mean, 3)}。`,
        en: `Keras reports the batch mean, ${show(mean, 3)}. Per sample only the true class's probability counts: ${parts.join('; ')}. Their mean is ${show(mean, 3)}.`,
      },
    };
  }
  const probs = lists.find((l) => isProb(l) && Math.abs(l.reduce((a, b) => a + b, 0) - 1) < 0.02);
  if (!probs) return undefined;
  const onehot = lists.find((l) => l !== probs && isLabels(l) && l.length === probs.length && l.filter((v) => v === 1).length === 1);
  const label = /(?:ラベル|label|class|クラス|正解)\s*(?:は|が|=|:|is)?\s*(\d)(?![\d.])|(?:ラベル|label)\s*(\d)\b/i.exec(t);
  const k = onehot ? onehot.indexOf(1) : label ? Number(label[1] ?? label[2]) : undefined;
  if (k === undefined || k >= probs.length) return undefined;
  const loss = -Math.log(probs[k]);
  return {
    topic: 'loss-function',
    text: {
      ja: `categorical_crossentropy は ${show(loss, 3)} です。正解クラス（インデックス ${k}）の確率 ${show(probs[k])} だけを使い、−ln(${show(probs[k])}) = ${show(loss, 3)}。one-hot の 0 の位置は 0 × log(…) = 0 なので、ほかのクラスの確率は直接は効きません（softmax で合計 1 なので、間接的には影響します）。`,
      en: `categorical_crossentropy gives ${show(loss, 3)}. Only the probability of the true class (index ${k}), ${show(probs[k])}, counts: −ln(${show(probs[k])}) = ${show(loss, 3)}. The zeros of the one-hot label contribute 0 × log(…) = 0, so the other classes' probabilities matter only through softmax making everything sum to 1.`,
    },
  };
}

/** Cross-entropy of given probabilities: −ln p for the true class; binary with a label 0 or 1. */
function crossEntropy(t: string): ArithResult | undefined {
  if (!/(cross-?entropy|crossentropy|交差エントロピー|クロスエントロピー|log ?loss|対数損失)/i.test(t) || crossEntropyVectors(t)) return undefined;
  // A metric's or a setting's value (accuracy 0.99, lr 0.001, Dropout(0.5)) is not a model's output.
  const metric = /(accuracy|\bacc\b|loss|精度|正解率|learning_rate|\blr\b|学習率|dropout|rate|split|momentum)\W{0,4}(?:is|was|of|=|:|が|は)?\s*(?:already|ずっと|まだ|常に|いつも|stays?(?: at)?|stuck at|remains?(?: at)?|still|about|around|roughly|approximately|≈|~|約|およそ)?\s*$/i;
  // … nor one the metric follows ("got the same 0.98 accuracy", 「0.98 の精度」).
  const metricAfter = /^\s*(?:の\s*)?(accuracy|\bacc\b|val_acc|精度|正解率|loss|損失)/i;
  // … nor one in a list that holds negative values or values above 1: those are logits (scores), not probabilities.
  const scoreLists = [...t.matchAll(/\[[^[\]]*\]/g)].filter((l) => /(^|[\s,[])[-−]\d|(?<![\d.])([2-9]|\d{2,})(\.\d+)?(?![\d.])|(?<![\d.])1\.0*[1-9]/.test(l[0])).map((l) => [l.index!, l.index! + l[0].length]);
  const inScores = (at: number) => scoreLists.some(([a, b]) => at > a && at < b);
  const ps = [
    ...new Set(
      [...t.matchAll(/(?<![\d.])(0\.\d+|1\.0+)(?!\d|\.\d)/g)]
        .filter((m) => !metric.test(t.slice(Math.max(0, m.index! - 24), m.index!)) && !metricAfter.test(t.slice(m.index! + m[0].length, m.index! + m[0].length + 16)) && !inScores(m.index!))
        .map((m) => Number(m[1]))
        .filter((p) => p > 0 && p < 1),
    ),
  ];
  if (ps.length === 0 || ps.length > 4) return undefined;
  const binary = /(binary|二値|sigmoid|true label|label (is )?[01]\b|ラベル.{0,4}(?<![\d.])[01](?![\d.])|正解(が|は)\s*[01](?![\d.]))/i.test(t);
  const ja: string[] = [];
  const en: string[] = [];
  for (const p of ps) {
    if (binary) {
      ja.push(`出力 ${show(p)}：正解が 1 なら −ln(${show(p)}) = ${show(-Math.log(p), 3)}、正解が 0 なら −ln(1 − ${show(p)}) = ${show(-Math.log(1 - p), 3)}`);
      en.push(`output ${show(p)}: with true label 1 the loss is −ln(${show(p)}) = ${show(-Math.log(p), 3)}; with true label 0 it is −ln(1 − ${show(p)}) = ${show(-Math.log(1 - p), 3)}`);
    } else {
      ja.push(`正解クラスの確率 ${show(p)} → loss = −ln(${show(p)}) = ${show(-Math.log(p), 3)}`);
      en.push(`probability ${show(p)} on the true class → loss = −ln(${show(p)}) = ${show(-Math.log(p), 3)}`);
    }
  }
  // The loss the asker worked out ("is the loss about 0.417?"): checked against the probabilities.
  const claim = /(?:loss|損失|ロス)\D{0,24}?(\d+\.\d+)/i.exec(t);
  const claimed = claim ? Number(claim[1]) : undefined;
  const agrees = claimed === undefined || binary ? undefined : ps.find((p) => Math.abs(-Math.log(p) - claimed) < 0.0051);
  if (agrees !== undefined) {
    ja.unshift(`はい、合っています：正解クラスの確率が ${show(agrees)} なら −ln(${show(agrees)}) = ${show(-Math.log(agrees), 3)} です。`);
    en.unshift(`Yes, that is right: with ${show(agrees)} on the true class the loss is −ln(${show(agrees)}) = ${show(-Math.log(agrees), 3)}.`);
  }
  // One confident probability alone: the contrast of a confident mistake shows how the loss punishes it.
  const contrast = !binary && ps.length === 1 && ps[0] >= 0.5;
  if (contrast) {
    ja.push(`（比べると、正解に 0.1 しか付けなければ −ln(0.1) = 2.303 と大きくなります。自信をもって間違えるほど損失は大きくなります）`);
    en.push(`(by contrast, 0.1 on the true class gives −ln(0.1) = 2.303: the more confidently wrong, the larger the loss)`);
  }
  return {
    topic: 'loss-function',
    text: {
      ja: `${ja.join('\n')}\n交差エントロピーは正解に付けた確率 p の −ln p（自然対数）です。p が 1 に近いほど 0 に近づき、正解に低い確率を付けるほど急に大きくなります。${binary ? '' : '損失に入るのは正解クラスの確率だけで、残りがほかのクラスにどう分かれているかは値を変えません（softmax の合計が 1 なので間接的に関わるだけです）。'}`,
      en: `${en.join('\n')}\nCross-entropy is −ln p of the probability p given to the true class (natural log): near 0 when p is close to 1, and it grows steeply as p falls.${binary ? '' : " Only the true class's probability enters the loss: how the rest is spread over the other classes does not change it (they matter only through softmax's sum of 1)."}`,
    },
  };
}

function matrices(t: string): number[][][] {
  const out: number[][][] = [];
  // Rows typed as lines of numbers ("1 3 2 0" on each line), at least two of the same length.
  const rows = t.split('\n').map((l) => l.trim()).map((l) => (/^[-−\d.]+(\s+[-−\d.]+){1,15}$/.test(l) ? numberList(l) : undefined));
  let run: number[][] = [];
  const flush = () => {
    if (run.length >= 2) out.push(run);
    run = [];
  };
  for (const r of rows) {
    if (r && (run.length === 0 || r.length === run[0].length)) run.push(r);
    else {
      flush();
      if (r) run.push(r);
    }
  }
  flush();
  for (const m of t.matchAll(/\[\s*(\[[^\[\]]*\](?:\s*,\s*\[[^\[\]]*\])+)\s*,?\s*\]/g)) {
    const rows = [...m[1].matchAll(/\[([^\[\]]*)\]/g)].map((r) => numberList(r[1]));
    if (rows.every((r): r is number[] => !!r && r.length === rows[0]!.length) && rows.length >= 2) out.push(rows as number[][]);
  }
  return out;
}

const grid = (m: number[][]) => m.map((r) => `[${r.map((v) => show(v)).join(', ')}]`).join(', ');

/** Pooling or a convolution done by hand on a matrix the asker wrote. */
function byHand(t: string): ArithResult | undefined {
  const ms = matrices(t);
  if (ms.length === 0) return undefined;
  if (/(pool|プーリング)/i.test(t)) {
    const m = ms[0];
    const named = /(?:MaxPooling2D|AveragePooling2D|MaxPool2D|AvgPool2D)\(\s*(?:pool_size\s*=\s*)?\(?\s*(\d)/i.exec(t) ?? /pool_size\s*=\s*\(?\s*(\d)/.exec(t);
    const phrase = /(\d)\s*[x×]\s*\1\s*(?:の)?\s*(?:max ?pool|maxpool|max-pool|average ?pool|プーリング|pooling|MaxPooling)/i.exec(t);
    const size = Number(named?.[1] ?? phrase?.[1] ?? 2);
    const h = Math.floor(m.length / size);
    const w = Math.floor(m[0].length / size);
    if (h === 0 || w === 0) return undefined;
    const avg = /(average|平均|avg)/i.test(t) && !/max/i.test(t);
    const out: number[][] = [];
    for (let i = 0; i < h; i++) {
      out.push([]);
      for (let j = 0; j < w; j++) {
        const block = m.slice(i * size, i * size + size).flatMap((r) => r.slice(j * size, j * size + size));
        out[i].push(avg ? block.reduce((a, b) => a + b, 0) / block.length : Math.max(...block));
      }
    }
    const name = avg ? 'AveragePooling' : 'MaxPooling';
    return {
      topic: 'pooling',
      text: {
        ja: `${size}×${size} の ${name}（stride ${size}）の出力は [${grid(out)}] です。入力を重ならない ${size}×${size} のブロックに分け、ブロックごとに${avg ? '平均' : '最大値'}を 1 つ取ります（左上のブロック ${m.slice(0, size).map((r) => r.slice(0, size).map((v) => show(v)).join(', ')).join(', ')} → ${show(out[0][0])}）。${m.length}×${m[0].length} が ${h}×${w} になり、学習する重みはありません。`,
        en: `${size}×${size} ${name} (stride ${size}) gives [${grid(out)}]. The input is cut into non-overlapping ${size}×${size} blocks and each block keeps its ${avg ? 'average' : 'largest value'} (top-left block ${m.slice(0, size).map((r) => r.slice(0, size).map((v) => show(v)).join(', ')).join(', ')} → ${show(out[0][0])}). ${m.length}×${m[0].length} becomes ${h}×${w}; there are no weights to learn.`,
      },
    };
  }
  if (ms.length >= 2 && /(convol|畳み込|conv2d|kernel|カーネル|filter|フィルタ)/i.test(t)) {
    const [img, k] = ms[0].length >= ms[1].length ? [ms[0], ms[1]] : [ms[1], ms[0]];
    const oh = img.length - k.length + 1;
    const ow = img[0].length - k[0].length + 1;
    if (oh < 1 || ow < 1) return undefined;
    const out: number[][] = [];
    for (let i = 0; i < oh; i++) {
      out.push([]);
      for (let j = 0; j < ow; j++) {
        let s = 0;
        for (let a = 0; a < k.length; a++) for (let b = 0; b < k[0].length; b++) s += img[i + a][j + b] * k[a][b];
        out[i].push(s);
      }
    }
    const first = k.flatMap((r, a) => r.map((v, b) => `${show(img[a][b])}×${show(v)}`)).join(' + ');
    return {
      topic: 'cnn-convolution',
      text: {
        ja: `出力は [${grid(out)}]（${oh}×${ow}、padding なし・stride 1）です。カーネルを左上から 1 マスずつずらし、重なった数どうしを掛けて足します。左上：${first} = ${show(out[0][0])}。Keras の Conv2D はカーネルを反転しないこの計算（相互相関）で、バイアスがあれば各値に足されます。`,
        en: `The output is [${grid(out)}] (${oh}×${ow}, no padding, stride 1). Slide the kernel one step at a time from the top left, multiply the overlapping numbers and add them up. Top left: ${first} = ${show(out[0][0])}. Keras's Conv2D computes exactly this (cross-correlation, the kernel is not flipped); a bias, if any, is added to every value.`,
      },
    };
  }
  return undefined;
}

/** StandardScaler on a list: (x − mean) / std, std over the values themselves (ddof 0, as scikit-learn). */
function standardizeList(t: string): ArithResult | undefined {
  if (!/(standardi[sz]|標準化|z-?score|standardscaler)/i.test(t)) return undefined;
  // A sample handed to predict is one row of different features, not a column to standardize with its own statistics.
  if (/(predict|予測|推論|load_model)/i.test(t)) return undefined;
  const m = /\[([^\[\]]{1,120})\]/.exec(t);
  const xs = m ? numberList(m[1]) : undefined;
  if (!xs || xs.length < 2) return undefined;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  if (!(sd > 0)) return undefined;
  const z = xs.map((v) => (v - mean) / sd);
  return {
    topic: 'normalization',
    text: {
      ja: `[${z.map((v) => show(v, 3)).join(', ')}] になります。平均 ${show(mean)}、標準偏差 ${show(sd)}（StandardScaler は n で割る標準偏差）で、各値から平均を引いて標準偏差で割ります。平均より小さい値はマイナスになるので、標準化後の約半分がマイナスなのは正常です（長さがマイナスになったわけではありません）。`,
      en: `[${z.map((v) => show(v, 3)).join(', ')}]. Mean ${show(mean)}, standard deviation ${show(sd)} (StandardScaler divides by n); each value minus the mean, divided by the standard deviation. Values below the mean become negative, so about half of the standardized values being negative is expected.`,
    },
  };
}

/** "mean 30, std 10", 「平均30・標準偏差10」: the statistics an asker states in words. */
const MEAN_STATED = new RegExp(`(?:mean|平均|μ)\\s*(?:is|=|:|は|が|of)?\\s*(${NUM})`, 'i');
const STD_STATED = new RegExp(`(?:std|standard deviation|標準偏差|σ|sd)\\s*(?:is|=|:|は|が|of)?\\s*(${NUM})`, 'i');

/**
 * Batch normalization worked by hand in training mode: the batch's own mean
 * and (biased) variance, then γ · x̂ + β.
 */
function batchNormList(t: string): ArithResult | undefined {
  if (!/(batch ?norm|batchnormalization|バッチ正規化|バッチノーマライゼーション)/i.test(t)) return undefined;
  const m = /\[([^\[\]]{1,120})\]/.exec(t);
  const xs = m ? numberList(m[1]) : undefined;
  if (!xs || xs.length < 2 || xs.length > 12) return undefined;
  const num = (re: RegExp, d: number) => {
    const g = new RegExp(`(?:${re.source})\\s*(?:=|:|is|は|が)?\\s*(${NUM})`, 'i').exec(t);
    return g ? toNum(g[1]) : d;
  };
  const gamma = num(/gamma|γ/, 1);
  const beta = num(/beta|β/, 0);
  const ignoreEps = /(ignor\w* (the )?(eps|epsilon|ε)|(eps|epsilon|ε)\s*(は|を)?\s*(無視|なし|0\b)|without (eps|epsilon|ε))/i.test(t);
  const epsGiven = new RegExp(`(?:epsilon|eps|ε)\\s*(?:=|:|is|は)\\s*(${NUM})`, 'i').exec(t);
  const eps = ignoreEps ? 0 : epsGiven ? toNum(epsGiven[1]) : 0.001;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  if (!(v + eps > 0)) return undefined;
  const sd = Math.sqrt(v + eps);
  const xh = xs.map((x) => (x - mean) / sd);
  const y = xh.map((x) => gamma * x + beta);
  const list = (a: number[]) => `[${a.map((q) => show(q, 3)).join(', ')}]`;
  const affine = gamma !== 1 || beta !== 0;
  const epsJa = eps === 0 ? 'ε は無視' : `ε = ${show(eps)}（Keras の既定値）を足して`;
  const epsEn = eps === 0 ? 'ε ignored' : `with ε = ${show(eps)} (Keras's default) added`;
  return {
    topic: 'normalization',
    text: {
      ja: `出力は ${list(y)} です。学習中（training mode）はそのバッチ自身の平均と分散を使います：平均 = ${show(mean)}、分散 = ${show(v, 4)}（n で割る）、${epsJa} 標準偏差 = ${show(sd, 4)}。x̂ = (x − ${show(mean)}) / ${show(sd, 4)} = ${list(xh)}${affine ? `、出力 = γ·x̂ + β = ${show(gamma)}·x̂ + ${show(beta)}` : '（γ = 1、β = 0 なのでそのまま出力）'}。推論時（predict）はバッチの値ではなく、学習中にためた移動平均（moving_mean、moving_variance）を使います。`,
      en: `The output is ${list(y)}. In training mode the layer uses the batch's own mean and variance: mean = ${show(mean)}, variance = ${show(v, 4)} (divided by n), ${epsEn}, standard deviation = ${show(sd, 4)}. x̂ = (x − ${show(mean)}) / ${show(sd, 4)} = ${list(xh)}${affine ? `, and the output is γ·x̂ + β = ${show(gamma)}·x̂ + ${show(beta)}` : ' (γ = 1 and β = 0, so that is the output)'}. At inference (predict) it uses the moving averages gathered during training (moving_mean, moving_variance) instead of the batch's values.`,
    },
  };
}

/**
 * A line fitted on a standardized x ((x − μ) / σ) read back in x's own units:
 * slope w / σ per unit of x, intercept b − w·μ / σ.
 */
function standardizedWeights(t: string): ArithResult | undefined {
  if (!/(get_weights|weights?|重み|傾き|切片|slope|intercept|coef)/i.test(t)) return undefined;
  const formula = new RegExp(`\\(\\s*\\w+\\s*-\\s*(${NUM})\\s*\\)\\s*/\\s*(${NUM})`).exec(t);
  const meanW = MEAN_STATED.exec(t);
  const stdW = STD_STATED.exec(t);
  const mu = formula ? toNum(formula[1]) : meanW ? toNum(meanW[1]) : undefined;
  const sd = formula ? toNum(formula[2]) : stdW ? toNum(stdW[1]) : undefined;
  if (mu === undefined || sd === undefined || !(sd > 0)) return undefined;
  const w = new RegExp(`array\\(\\s*\\[\\s*\\[\\s*(${NUM})\\s*\\]\\s*\\]`).exec(t);
  const b = new RegExp(`array\\(\\s*\\[\\s*(${NUM})\\s*\\]`).exec(t.slice(w ? w.index + w[0].length : 0));
  if (!w || !b) return undefined;
  const wv = toNum(w[1]);
  const bv = toNum(b[1]);
  const slope = wv / sd;
  const icpt = bv - (wv * mu) / sd;
  const line = `y ≈ ${show(slope, 4)}·x ${icpt < 0 ? '−' : '+'} ${show(Math.abs(icpt), 4)}`;
  return {
    topic: 'linear-regression',
    text: {
      ja: `元の x の単位では傾き ${show(slope, 4)}、切片 ${show(icpt, 4)}（${line}）で、${show(wv)} と ${show(bv)} をそのまま傾きと切片として言うことはできません。重み ${show(wv)} は標準化した x が 1 増えたとき、つまり元の x が標準偏差 ${show(sd)} 増えたときの変化なので、傾き = ${show(wv)} / ${show(sd)} = ${show(slope, 4)}（x が 1 増えるごと）、切片 = ${show(bv)} − ${show(wv)} × ${show(mu)} / ${show(sd)} = ${show(icpt, 4)} です。${show(bv)} は x が平均 ${show(mu)} のときの予測値です。新しい x で予測するときも、同じ (x − ${show(mu)}) / ${show(sd)} をしてからモデルに入れます。`,
      en: `In x's own units the slope is ${show(slope, 4)} and the intercept ${show(icpt, 4)} (${line}); ${show(wv)} and ${show(bv)} are not the slope and intercept as they stand. The weight ${show(wv)} is the change per unit of the standardized x, that is per ${show(sd)} (one standard deviation) of the original x, so the slope is ${show(wv)} / ${show(sd)} = ${show(slope, 4)} per unit and the intercept ${show(bv)} − ${show(wv)} × ${show(mu)} / ${show(sd)} = ${show(icpt, 4)}. ${show(bv)} itself is the prediction at the mean x = ${show(mu)}. A new x must go through the same (x − ${show(mu)}) / ${show(sd)} before predict.`,
    },
  };
}

/** A learning-rate sweep pasted as one line per rate ("lr=0.1  val_accuracy: 0.9712"). */
export function lrSweepRows(t: string): { lr: number; metric: string; value: number }[] {
  const rows: { lr: number; metric: string; value: number }[] = [];
  const re = new RegExp(`^\\W*(?:lr|learning[_ ]rate)\\s*[=:]\\s*(${NUM})\\b[^\\n]*?\\b(val_accuracy|val_acc|accuracy|acc|val_loss|loss)\\s*[:=]\\s*(${NUM}|nan|inf)`, 'gim');
  for (const m of t.matchAll(re)) rows.push({ lr: toNum(m[1]), metric: m[2].toLowerCase(), value: /nan|inf/i.test(m[3]) ? NaN : toNum(m[3]) });
  return rows.length >= 3 && new Set(rows.map((r) => r.lr)).size === rows.length ? rows : [];
}

function lrSweep(t: string): ArithResult | undefined {
  const rows = lrSweepRows(t);
  if (rows.length === 0) return undefined;
  const ok = rows.filter((r) => Number.isFinite(r.value));
  const acc = ok.filter((r) => /acc/.test(r.metric));
  const loss = ok.filter((r) => /loss/.test(r.metric));
  const useAcc = acc.length >= loss.length;
  const pool = useAcc ? acc : loss;
  if (pool.length === 0) return undefined;
  const best = pool.reduce((a, r) => (useAcc ? (r.value > a.value ? r : a) : r.value < a.value ? r : a));
  const bad = rows.filter((r) => !Number.isFinite(r.value) || (r.metric === 'loss' && r.value > 1e6));
  const smallest = pool.reduce((a, r) => (r.lr < a.lr ? r : a));
  const slow = smallest.lr < best.lr ? smallest : undefined;
  const nanJa = bad.length ? `lr = ${bad.map((r) => show(r.lr)).join('、')} で nan になったのは、1 回の更新が大きすぎて重みが谷を飛び越え続け、loss が爆発したためです（一度 nan になると戻りません）。` : '';
  const nanEn = bad.length ? ` lr = ${bad.map((r) => show(r.lr)).join(', ')} gave nan because each step was so large that the weights overshot again and again until the loss exploded (and NaN never recovers).` : '';
  const slowJa = slow ? `lr = ${show(slow.lr)} の ${show(slow.value)} は壊れたのではなく、1 歩が小さすぎて同じエポック数ではまだほとんど進んでいない状態です（エポックを大きく増やせば伸びますが、時間の無駄です）。` : '';
  const slowEn = slow ? ` lr = ${show(slow.lr)} is not broken: at ${show(slow.value)} its steps are so small that in the same few epochs it has barely moved from the start (many more epochs would get there, slowly).` : '';
  return {
    topic: 'learning-rate',
    text: {
      ja: `この結果なら lr = ${show(best.lr)} を使います。${best.metric} が ${show(best.value)} で、試した中で一番良いからです（目安の範囲より大きくても、このモデルとエポック数では実測が一番の根拠です）。${nanJa}${slowJa}大きすぎると発散、小さすぎると進まないので、その間で安定して一番良い値を選び、必要なら ${show(best.lr)} の前後（例：${show(best.lr * 3)}、${show(best.lr / 3)}）も試します。`,
      en: `Use lr = ${show(best.lr)}: its ${best.metric} of ${show(best.value)} is the best of your sweep (your measurement beats any rule of thumb for this model and epoch count).${nanEn}${slowEn} Too large diverges, too small crawls; pick the best value that stays stable, and if you like try around it (e.g. ${show(best.lr * 3)} and ${show(best.lr / 3)}).`,
    },
  };
}

/** A standardized value: (x − mean) / std with the numbers given. */
function standardize(t: string): ArithResult | undefined {
  if (!/(standardi[sz]|標準化|z-?score|standardscaler|標準偏差|\bstd\b)/i.test(t) || standardizeList(t) || standardizedWeights(t)) return undefined;
  const mean = MEAN_STATED.exec(t);
  const std = STD_STATED.exec(t);
  if (!mean || !std) return undefined;
  const mu = toNum(mean[1]);
  const sd = toNum(std[1]);
  if (!(sd > 0)) return undefined;
  const used = new Set([mean.index, std.index]);
  const xs = [...t.matchAll(new RegExp(`(?<![\\w.])(${NUM})(?![\\w.])`, 'g'))]
    .filter((m) => ![...used].some((u) => m.index! >= u! && m.index! <= u! + 40 && (m[1] === mean[1] || m[1] === std[1])))
    .map((m) => toNum(m[1]))
    .filter((v) => v !== mu && v !== sd);
  if (xs.length === 0) return undefined;
  // "pixel 200 after /255, then standardized with mean 0.1307": the statistics are of the scaled values.
  const scaled = /\/\s*255|÷\s*255|255\s*で割/.test(t) && mu < 1 && xs.every((v) => v > 1 && v <= 255);
  if (scaled) {
    const vs = xs.filter((v) => v !== 255);
    if (vs.length === 0) return undefined;
    const v = vs[vs.length - 1];
    const u = v / 255;
    const zz = (u - mu) / sd;
    return {
      topic: 'normalization',
      text: {
        ja: `${show(v)} / 255 = ${show(u, 4)}、それを標準化して (${show(u, 4)} − ${show(mu)}) / ${show(sd)} = ${show(zz, 3)} です。平均と標準偏差は 0〜1 に割った後の値のものなので、先に 255 で割ります。`,
        en: `${show(v)} / 255 = ${show(u, 4)}; standardized: (${show(u, 4)} − ${show(mu)}) / ${show(sd)} = ${show(zz, 3)}. The mean and std are of the values after dividing by 255, so divide first.`,
      },
    };
  }
  const x = xs[xs.length - 1];
  const z = (x - mu) / sd;
  const many = [...new Set(xs)].slice(-4);
  if (many.length > 1) {
    const lines = many.map((v) => `(${show(v)} − ${show(mu)}) / ${show(sd)} = ${show((v - mu) / sd, 2)}`);
    return {
      topic: 'normalization',
      text: {
        ja: `${lines.join('、')} です。標準化は「平均を引いて標準偏差で割る」ので、平均より小さい値はマイナスになります。`,
        en: `${lines.join('; ')}. Standardizing subtracts the mean and divides by the standard deviation, so values below the mean become negative.`,
      },
    };
  }
  return {
    topic: 'normalization',
    text: {
      ja: `(${show(x)} − ${show(mu)}) / ${show(sd)} = ${show(z, 2)} になります。標準化は「平均を引いて標準偏差で割る」ので、平均より標準偏差 ${show(Math.abs(z), 2)} 個ぶん${z >= 0 ? '大きい' : '小さい'}という意味です。平均と標準偏差は訓練データから求め、テストデータにも同じ値を使います。`,
      en: `(${show(x)} − ${show(mu)}) / ${show(sd)} = ${show(z, 2)}. Standardizing subtracts the mean and divides by the standard deviation, so the value is ${show(Math.abs(z), 2)} standard deviations ${z >= 0 ? 'above' : 'below'} the mean. Take the mean and std from the training data and use the same ones for the test data.`,
    },
  };
}

/** Memory of a parameter count in float32. */
function weightMemory(t: string): ArithResult | undefined {
  if (!/(memory|メモリ|\b[MG]B\b|bytes?|バイト|容量|size on disk|ファイルサイズ)/i.test(t) || /(params|parameters|パラメータ)/i.test(t) === false) return undefined;
  const m =
    /((?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?:million|M\b|万|k\b)|\d{1,3}(?:,\d{3})+|\d{4,})\s*(?:個の?|個)?\s*(?:trainable\s+)?(?:params|parameters|パラメータ)/i.exec(t) ??
    /(?:params|parameters|パラメータ)(?:数)?\s*(?:is|=|:|は|が)?\s*((?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?:million|M\b|万)|\d{1,3}(?:,\d{3})+|\d{4,})/i.exec(t);
  if (!m) return undefined;
  const n = count(m[1]);
  const mb = (n * 4) / 1e6;
  if (/adam/i.test(t)) {
    return {
      topic: 'gpu-usage',
      text: {
        ja: `重みは ${n.toLocaleString('en-US')} × 4 バイト ≈ ${show(mb, 1)} MB、Adam は重みごとに 2 つの移動平均（m と v）を持つのでさらに 2 倍の ≈ ${show(mb * 2, 1)} MB、合わせて ≈ ${show(mb * 3, 1)} MB です（学習中は勾配 ≈ ${show(mb, 1)} MB と、バッチごとの途中の計算結果が加わります）。`,
        en: `The weights take ${n.toLocaleString('en-US')} × 4 bytes ≈ ${show(mb, 1)} MB; Adam keeps two running averages (m and v) per weight, another ≈ ${show(mb * 2, 1)} MB: ≈ ${show(mb * 3, 1)} MB together (training adds the gradients, ≈ ${show(mb, 1)} MB, and each batch's intermediate values).`,
      },
    };
  }
  return {
    topic: 'gpu-usage',
    text: {
      ja: `${n.toLocaleString('en-US')} 個のパラメータは float32（1 個 4 バイト）で ${n.toLocaleString('en-US')} × 4 = ${(n * 4).toLocaleString('en-US')} バイト ≈ ${show(mb, 1)} MB です。学習中はこれに勾配と Adam の記録（重みと同じ大きさが 2 つ分）と、バッチごとの途中の計算結果が加わります。nvidia-smi のメモリ使用量がずっと大きいのは、TensorFlow が起動時に GPU メモリの大部分を確保しておくためです。`,
      en: `${n.toLocaleString('en-US')} parameters in float32 (4 bytes each) take ${n.toLocaleString('en-US')} × 4 = ${(n * 4).toLocaleString('en-US')} bytes ≈ ${show(mb, 1)} MB. Training adds the gradients, Adam's two running averages (each the size of the weights) and each batch's intermediate results. nvidia-smi shows far more because TensorFlow reserves most of the GPU's memory up front.`,
    },
  };
}

/** Memory of a tensor of a given shape in float32 (and with the batch doubled when asked). */
function tensorMemory(t: string): ArithResult | undefined {
  const oom = /(\bOOM\b|ResourceExhausted|out of memory)/i.exec(t);
  const asksMemory = /(memory|メモリ|bytes?|バイト|\b[MG]i?B\b)/i.test(t);
  if (!oom && !asksMemory) return undefined;
  // An OOM message names the tensor it could not allocate: "OOM when allocating tensor with shape[512,64,224,224]".
  const m = (oom && /tensor (?:with|of) shape\s*\[\s*(\d{1,6}(?:\s*,\s*\d{1,6}){1,4})\s*\]/i.exec(t)) || /[\[(]\s*(\d{1,6}(?:\s*,\s*\d{1,6}){1,4})\s*[\])]/.exec(t);
  if (!m) return undefined;
  const dims = m[1].split(',').map((d) => Number(d.trim()));
  const n = dims.reduce((a, b) => a * b, 1);
  if (n < 1000) return undefined;
  const bytes = n * 4;
  const mib = bytes / 2 ** 20;
  const gib = bytes / 2 ** 30;
  const doubled = /(double|2倍|倍に|twice)/i.test(t);
  // The batch is the tensor's first axis; a smaller batch the asker says worked scales it down.
  const fine = oom && /(?:with|at|batch_size\s*=?)\s*(\d{1,4})\s*(?:it\s+)?(?:was|worked|works|is|ran)\s*(?:fine|ok|okay)|(\d{1,4})\s*(?:だと|では|なら|のとき|の時)は?\s*(?:動|大丈夫|問題な|OK|通)/i.exec(t);
  const ok = fine ? Number(fine[1] ?? fine[2]) : undefined;
  const scaled = ok && ok < dims[0] && dims[0] % ok === 0 ? { ok, times: dims[0] / ok, mib: mib / (dims[0] / ok) } : undefined;
  // Only a tensor of a gigabyte or more, or a batch that worked when smaller, puts the OOM on the batch size;
  // a small one points elsewhere (another kernel holding the memory), and is only sized.
  if (oom && (gib >= 1 || scaled)) {
    const size = gib >= 1 ? `${show(gib, 1)} GiB` : `${show(mib, 1)} MiB`;
    // A first axis no one uses as a batch size is the whole data set at once (model(x_train), predict on everything).
    if (dims[0] >= 5000 && !scaled) {
      return {
        topic: 'gpu-usage',
        text: {
          ja: `メッセージの形 [${dims.join(', ')}] の最初の軸 ${dims[0]} は、データ全体を 1 つのバッチとして一度に流していることを示しています：${dims.join(' × ')} = ${n.toLocaleString('en-US')} 個の float32 × 4 バイト ≈ ${size} で、1 層の出力だけでこの大きさになり、層ごとのこうした出力が重なって GPU のメモリを超えます。\`model(x)\` のようにモデルを直接呼ぶと全部を一度に計算します。\`model.predict(x, batch_size=32)\` ならデータをバッチに分けて順に計算するので、メモリは小さいまま済みます（学習の fit が同じデータで動くのも、バッチに分けているからです）。`,
          en: `The first axis of the shape in the message, [${dims.join(', ')}], is the whole data set sent as one batch: ${dims.join(' × ')} = ${n.toLocaleString('en-US')} float32 numbers × 4 bytes ≈ ${size} for this one layer's output alone, and the layers' outputs together exceed the GPU's memory. Calling the model directly, \`model(x)\`, computes everything at once; \`model.predict(x, batch_size=32)\` splits the data into batches and computes them in turn, so memory stays small (fit works on the same data because it batches too).`,
        },
      };
    }
    return {
      topic: 'gpu-usage',
      text: {
        ja: `メッセージの形 [${dims.join(', ')}] のテンソルは、ある層の出力をバッチ全体（最初の軸の ${dims[0]} 枚）分まとめたもので、${dims.join(' × ')} = ${n.toLocaleString('en-US')} 個の float32 × 4 バイト ≈ ${size} です。学習中は逆伝播のために層ごとにこうした途中の値を保存するので、必要なメモリはバッチサイズに比例して増えます。${scaled ? `batch_size=${scaled.ok} ならこのテンソルは 1/${scaled.times} の ≈ ${show(scaled.mib, 1)} MiB で、だから ${scaled.ok} では収まりました。` : ''}カーネルを再起動して失敗した分のメモリを解放してから、batch_size を${scaled ? ` ${scaled.ok} に` : '小さく（半分ずつ）'}戻してください。大きいバッチは 1 エポックの更新回数も減らすので、速さのために上げる意味はあまりありません。`,
        en: `The tensor in the message, shape [${dims.join(', ')}], is one layer's output for the whole batch (the first axis, ${dims[0]} images): ${dims.join(' × ')} = ${n.toLocaleString('en-US')} float32 numbers × 4 bytes ≈ ${size}. Training keeps such intermediate values for every layer (backpropagation needs them), so the memory needed grows in proportion to the batch size.${scaled ? ` At batch_size=${scaled.ok} this tensor is ${scaled.times} times smaller, ≈ ${show(scaled.mib, 1)} MiB, which is why ${scaled.ok} fit.` : ''} Restart the kernel to free the failed attempt's memory, then go back to ${scaled ? `batch_size=${scaled.ok}` : 'a smaller batch_size (halve it until it fits)'}. A larger batch also means fewer updates per epoch, so raising it for speed gains little.`,
      },
    };
  }
  if (!asksMemory) return undefined;
  return {
    topic: 'gpu-usage',
    text: {
      ja: `形 (${dims.join(', ')}) の float32 テンソルは ${dims.join(' × ')} = ${n.toLocaleString('en-US')} 個の数 × 4 バイト = ${bytes.toLocaleString('en-US')} バイト ≈ ${show(mib, 1)} MiB です。` + (doubled ? `バッチ（最初の軸）を 2 倍にすると、この大きさも 2 倍の ≈ ${show(mib * 2, 1)} MiB になります。` : '') + '学習中は層ごとにこうした途中の値が保存される（逆伝播で使う）ので、バッチを大きくするとメモリも比例して増えます。',
      en: `A float32 tensor of shape (${dims.join(', ')}) holds ${dims.join(' × ')} = ${n.toLocaleString('en-US')} numbers × 4 bytes = ${bytes.toLocaleString('en-US')} bytes ≈ ${show(mib, 1)} MiB.` + (doubled ? ` Doubling the batch (the first axis) doubles it to ≈ ${show(mib * 2, 1)} MiB.` : '') + ' Training keeps such intermediate values for every layer (backpropagation needs them), so memory grows in proportion to the batch size.',
    },
  };
}

/** Trainable = total − non-trainable, from a pasted summary. */
function trainableFromSummary(t: string): ArithResult | undefined {
  const total = /total params\s*:?\s*([\d,]+)/i.exec(t);
  const non = /non-trainable params\s*:?\s*([\d,]+)/i.exec(t);
  if (!total || !non || /(?<!non-)trainable params\s*:?\s*[\d,]+/i.test(t.replace(/non-trainable/gi, ''))) return undefined;
  const a = Number(total[1].replace(/,/g, ''));
  const b = Number(non[1].replace(/,/g, ''));
  if (!(a >= b)) return undefined;
  const f = (v: number) => v.toLocaleString('en-US');
  return {
    topic: 'transfer-learning',
    text: {
      ja: `学習されるのは ${f(a)} − ${f(b)} = ${f(a - b)} 個です。Non-trainable params は凍結した（trainable=False の）層の重みで、予測には使われますが学習では更新されません。`,
      en: `${f(a)} − ${f(b)} = ${f(a - b)} parameters are trained. Non-trainable params are the weights of frozen layers (trainable=False): still used in every prediction, never updated by training.`,
    },
  };
}

/** An MSE read back in the target's units: its square root. */
function rmse(t: string): ArithResult | undefined {
  const m = new RegExp(`\\b(?:mse|mean squared error|val_mse|loss)\\s*(?:[:=]|of|is|が|は)?\\s*(?:is\\s*)?(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|${NUM})`, 'i').exec(t);
  if (!m || !/(mean|means|意味|単位|unit|degrees?|°|℃|円|yen|dollars?|cm|kg|実際|how far|how many .{0,12} off|off by|どれくらい(ずれ|外れ))/i.test(t) || !/(regression|回帰|mse|二乗)/i.test(t)) return undefined;
  const v = toNum(m[1].replace(/,/g, ''));
  if (!(v > 0)) return undefined;
  const r = Math.sqrt(v);
  // The targets divided (or multiplied) by k: every error scales by k, the MSE by k².
  const sc = /(?:divide|divided|scale|scaled)\s+(?:all\s+(?:the\s+)?)?(?:y|targets?|labels?|prices?)\w*\s+(?:by|down by)\s+(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)|(?:y|目的変数|正解|価格|家賃)\s*を\s*(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*で割/i.exec(t);
  const k = sc ? Number((sc[1] ?? sc[2]).replace(/,/g, '')) : undefined;
  if (k && k > 1) {
    const v2 = v / (k * k);
    return {
      topic: 'loss-function',
      text: {
        ja: `同じモデルなら MSE は ${show(v)} / ${show(k)}² = ${show(v2)} になります（誤差が 1/${show(k)} になり、2 乗するので MSE は 1/${show(k * k)}）。予測の良さは変わらず、数字の単位が変わるだけです。元の単位でのずれの目安は √${show(v)} = ${show(r, 3)}（RMSE）で、予測はおおよそ ±${show(r, 3)} ずれています（割った後の単位では √${show(v2)} = ${show(Math.sqrt(v2), 4)}）。`,
        en: `The same model would show an MSE of ${show(v)} / ${show(k)}² = ${show(v2)}: every error shrinks by ${show(k)}, and squaring makes the MSE ${show(k * k)} times smaller. The model is no better or worse; only the unit changed. In the original unit the typical error is √${show(v)} = ${show(r, 3)} (the RMSE), so predictions are off by about ${show(r, 3)} (√${show(v2)} = ${show(Math.sqrt(v2), 4)} in the scaled unit).`,
      },
    };
  }
  return {
    topic: 'loss-function',
    text: {
      ja: `MSE ${show(v)} は「誤差の 2 乗」の平均なので、単位も目的変数の 2 乗（℃なら℃²）です。元の単位に戻すには平方根をとります：√${show(v)} = ${show(r, 3)}。予測がおおよそ ±${show(r, 3)} ずれている、という目安です（RMSE）。平均的なずれそのものを見たいなら metrics=['mae'] も併せて表示すると分かりやすいです。`,
      en: `An MSE of ${show(v)} is a mean of squared errors, so its unit is the target's unit squared (°C² for °C). Take the square root to get back to the unit: √${show(v)} = ${show(r, 3)}, so predictions are typically off by about ${show(r, 3)} (the RMSE). Add metrics=['mae'] to see the average absolute error directly.`,
    },
  };
}

/** A sigmoid output read back: the other class's probability and the raw value (logit) before the sigmoid. */
function sigmoidOutput(t: string): ArithResult | undefined {
  const m = new RegExp(`(?:sigmoid|シグモイド)[^\\n]{0,40}?(?:output|出力|says|gives|is|=|が|は)\\s*(?:says\\s*|is\\s*|of\\s*)?(0?\\.\\d+)`, 'i').exec(t);
  if (!m) return undefined;
  const p = Number(m[1]);
  const asksOther = /(class 0|クラス ?0|other class|もう一方|反対|1 ?[-−] ?p|probability of)/i.test(t);
  const asksRaw = /(before the sigmoid|raw|logit|ロジット|sigmoid ?の前|sigmoid ?に入る前|前の値|z ?は|value of z|what z)/i.test(t);
  if (!(p > 0 && p < 1) || (!asksOther && !asksRaw)) return undefined;
  const z = Math.log(p / (1 - p));
  return {
    topic: 'classification-softmax',
    text: {
      ja: `クラス 1 の確率が ${show(p)} なら、クラス 0 の確率は 1 − ${show(p)} = ${show(1 - p)} です（sigmoid の出力 1 つで 2 クラスを表し、2 つの確率の合計は 1）。sigmoid に入る前の値（ロジット）は σ の逆関数で z = ln(p / (1 − p)) = ln(${show(p)} / ${show(1 - p)}) = ${show(z, 3)} です。z = 0 が確率 0.5 に当たり、正ならクラス 1 寄り、負ならクラス 0 寄りです。`,
      en: `If the output for class 1 is ${show(p)}, class 0 has probability 1 − ${show(p)} = ${show(1 - p)} (one sigmoid output covers both classes, and the two probabilities add up to 1). The raw value before the sigmoid (the logit) is its inverse: z = ln(p / (1 − p)) = ln(${show(p)} / ${show(1 - p)}) = ${show(z, 3)}. z = 0 means 0.5; positive leans to class 1, negative to class 0.`,
    },
  };
}

/**
 * One-unit predictions printed as [[-3.72]], [[5.1]]: values below 0 or above 1 are raw scores (logits)
 * of a Dense(1) without a sigmoid (trained with from_logits=True); the sigmoid turns each into a probability.
 */
function singleLogits(t: string): ArithResult | undefined {
  const values = [...t.matchAll(/\[\[\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*\]\]/gi)].map((m) => Number(m[1]));
  if (!values.length || !values.some((v) => v < 0 || v > 1)) return undefined;
  // Predictions asked about as probabilities, not weights printed by get_weights (also [[1.98]]).
  if (!/(predict|予測|outputs?|出力|come out|出てく)/i.test(t) || /(get_weights|coef_|intercept_|kernel|重み)/i.test(t)) return undefined;
  if (!/(probabilit|確率|negative|マイナス|負の|minus|sigmoid|シグモイド|logit|ロジット)/i.test(t)) return undefined;
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  const shown = values.slice(0, 4);
  const ja = shown.map((z) => `σ(${show(z)}) = ${show(sig(z), 3)}`).join('、');
  const en = shown.map((z) => `σ(${show(z)}) = ${show(sig(z), 3)}`).join(', ');
  return {
    topic: 'classification-softmax',
    text: {
      ja: `${shown.map((z) => show(z)).join(' や ')} は確率ではなく、sigmoid を通す前の生のスコア（ロジット）です。出力層が活性化なしの Dense(1) で、損失に from_logits=True を指定していると、モデルはこの値をそのまま出します。確率にするには sigmoid σ(z) = 1 / (1 + e^(−z)) を通します：${ja}。0 より大きいロジットは確率 0.5 より上、つまり陽性クラス（ラベル 1 の側）の予測です。\`tf.sigmoid(model.predict(x))\` で確率に直せます。`,
      en: `${shown.map((z) => show(z)).join(' and ')} are not probabilities but raw scores (logits), the values before a sigmoid. An output layer of Dense(1) without an activation, trained with from_logits=True, outputs them as they are. The sigmoid σ(z) = 1 / (1 + e^(−z)) turns each into a probability: ${en}. A logit above 0 means a probability above 0.5, the positive class (label 1). \`tf.sigmoid(model.predict(x))\` gives the probabilities.`,
    },
  };
}

/** A step-function perceptron with the asker's weights: its outputs on the four binary inputs, or one learning-rule update. */
function perceptron(t: string): ArithResult | undefined {
  if (!/(perceptron|パーセプトロン|step|ステップ関数|neuron|ニューロン)/i.test(t)) return undefined;
  const val = (name: string) => {
    const m = new RegExp(`(?<![\\w.])${name}\\s*=\\s*(${NUM})(?![\\w.]*\\s*[*×·(])`).exec(t);
    return m ? toNum(m[1]) : undefined;
  };
  const vec = new RegExp(`(?<![\\w.])w\\s*=\\s*\\[\\s*(${NUM})\\s*,\\s*(${NUM})\\s*\\]`).exec(t);
  const w1 = vec ? toNum(vec[1]) : val('w1') ?? val('w_1');
  const w2 = vec ? toNum(vec[2]) : val('w2') ?? val('w_2');
  const b = val('b') ?? val('bias');
  if (w1 === undefined || w2 === undefined || b === undefined) return undefined;
  // Keras-free textbook step: 1 when z > 0 unless the asker writes ≥ / >=.
  const ge = /(>=|≥|0以上|0 以上|z ?≧)/.test(t);
  const step = (z: number) => (ge ? z >= 0 : z > 0) ? 1 : 0;
  // A sigmoid neuron instead of a step: its outputs, read at 0.5.
  if (/(sigmoid|シグモイド|σ)/i.test(t) && !/(learning rule|学習則|update|更新)/i.test(t)) {
    const ins: [number, number][] = [[0, 0], [0, 1], [1, 0], [1, 1]];
    const zs = ins.map(([a, c]) => w1 * a + w2 * c + (b ?? 0));
    const ps = zs.map(sigmoid);
    const fmt = (p: number) => (p < 0.001 ? p.toExponential(1) : show(p, 4));
    const bits = ps.map((p) => (p > 0.5 ? 1 : 0)).join('');
    const names: Record<string, string> = { '0001': 'AND', '0111': 'OR', '1110': 'NAND', '1000': 'NOR' };
    const gname = names[bits];
    const rowsS = ins.map(([a, c], i) => `(${a},${c}): z = ${show(zs[i])}, sigmoid = ${fmt(ps[i])}`);
    return {
      topic: 'perceptron-xor',
      text: {
        ja: `出力は ${rowsS.join('、')} です。0.5 を境に読むと ${bits.split('').join(', ')}${gname ? ` で ${gname} と同じ表です。出力は 0/1 ではなく、その近くのなめらかな値になります` : ''}。`,
        en: `The outputs are ${rowsS.join('; ')}. Read at 0.5 they give ${bits.split('').join(', ')}${gname ? `, the ${gname} table; the outputs are smooth values close to 0 and 1, not exactly 0 and 1` : ''}.`,
      },
    };
  }
  const rule = ge ? 'z ≥ 0' : 'z > 0';
  const lrM = new RegExp(`(?:lr|learning rate|学習率|η)\\s*(?:=|は|of|:)?\\s*(${NUM})`, 'i').exec(t);
  const target = new RegExp(`(?:target|正解|教師|label|t)\\s*(?:=|は|of|:|is)?\\s*([01])\\b`, 'i').exec(t);
  const sample = /\(\s*([01])\s*,\s*([01])\s*\)/.exec(t);
  if (lrM && target && sample && /(update|更新|learning rule|学習則|after)/i.test(t)) {
    const [x1, x2] = [Number(sample[1]), Number(sample[2])];
    const lr = toNum(lrM[1]);
    const tt = Number(target[1]);
    const z = w1 * x1 + w2 * x2 + b;
    const y = step(z);
    const e = tt - y;
    const n1 = w1 + lr * e * x1;
    const n2 = w2 + lr * e * x2;
    const nb = b + lr * e;
    const calcJa = `z = ${show(w1)}×${x1} + ${show(w2)}×${x2} + ${show(b)} = ${show(z)} なので出力 y = ${y}（${rule} のとき 1）、誤差 t − y = ${tt} − ${y} = ${e}`;
    const calcEn = `z = ${show(w1)}×${x1} + ${show(w2)}×${x2} + ${show(b)} = ${show(z)}, so the output is y = ${y} (1 when ${rule}); error t − y = ${tt} − ${y} = ${e}`;
    return {
      topic: 'perceptron-xor',
      text: {
        ja: `更新後は w = [${show(n1)}, ${show(n2)}]、b = ${show(nb)} です。\n${calcJa}。\nw ← w + η(t − y)x：w1 = ${show(w1)} + ${show(lr)}×${e}×${x1} = ${show(n1)}、w2 = ${show(w2)} + ${show(lr)}×${e}×${x2} = ${show(n2)}、b ← b + η(t − y) = ${show(nb)}。${e === 0 ? '正解したので何も変わりません。' : ''}`,
        en: `After the update: w = [${show(n1)}, ${show(n2)}], b = ${show(nb)}.\n${calcEn}.\nw ← w + η(t − y)x: w1 = ${show(w1)} + ${show(lr)}×${e}×${x1} = ${show(n1)}, w2 = ${show(w2)} + ${show(lr)}×${e}×${x2} = ${show(n2)}; b ← b + η(t − y) = ${show(nb)}.${e === 0 ? ' The output was already right, so nothing changes.' : ''}`,
      },
    };
  }
  // The outputs on the four inputs are asked for, or which gate the weights make.
  if (!/(\(0\s*,\s*0\)|truth table|真理値表|4 ?通り|four inputs|all inputs|出力は|outputs?|論理ゲート|何の?ゲート|どの?ゲート|which (logic )?gate|what (logic )?gate|logic gate|gate (is|does) (it|this))/i.test(t)) return undefined;
  const inputs: [number, number][] = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const outs = inputs.map(([a, c]) => step(w1 * a + w2 * c + b));
  const key = outs.join('');
  const gates: Record<string, [string, string]> = {
    '0001': ['AND', 'AND'], '0111': ['OR', 'OR'], '1110': ['NAND', 'NAND'], '1000': ['NOR', 'NOR'], '0010': ['x1 AND NOT x2（x1 だけが 1 のときだけ 1）', 'x1 AND NOT x2 (1 only when x1 alone is 1)'],
    '0100': ['NOT x1 AND x2（x2 だけが 1 のときだけ 1）', 'NOT x1 AND x2 (1 only when x2 alone is 1)'], '0011': ['x1 そのもの', 'just x1'], '0101': ['x2 そのもの', 'just x2'], '0000': ['常に 0', 'always 0'], '1111': ['常に 1', 'always 1'],
    '1011': ['x1 OR NOT x2', 'x1 OR NOT x2'], '1101': ['NOT x1 OR x2', 'NOT x1 OR x2'], '1100': ['NOT x1', 'NOT x1'], '1010': ['NOT x2', 'NOT x2'],
  };
  const g = gates[key];
  const rows = inputs.map(([a, c], i) => `(${a},${c}): z = ${show(w1 * a + w2 * c + b)} → ${outs[i]}`);
  const zf = `${show(w1)}·x1 ${w2 < 0 ? '−' : '+'} ${show(Math.abs(w2))}·x2 ${b < 0 ? '−' : '+'} ${show(Math.abs(b))}`;
  return {
    topic: 'perceptron-xor',
    text: {
      ja: `出力は (0,0)→${outs[0]}、(0,1)→${outs[1]}、(1,0)→${outs[2]}、(1,1)→${outs[3]} で、${g ? g[0] : 'この表'}を表しています。\nz = ${zf}（${rule} で 1）：${rows.join('、')}。\n1 本の直線で分けられる表なら、パーセプトロン 1 つでどれでも表せます（XOR と XNOR だけは無理です）。`,
      en: `The outputs are (0,0)→${outs[0]}, (0,1)→${outs[1]}, (1,0)→${outs[2]}, (1,1)→${outs[3]}: ${g ? g[1] : 'this table'}.\nz = ${zf} (1 when ${rule}): ${rows.join('; ')}.\nOne perceptron can represent any such table that one straight line separates (only XOR and XNOR cannot be).`,
    },
  };
}

/** Two vectors' cosine similarity: (a · b) / (|a| |b|). */
function cosine(t: string): ArithResult | undefined {
  if (!/(cosine|コサイン類似度|コサイン|cos ?類似度|cos ?similarity)/i.test(t)) return undefined;
  const vs = [...t.matchAll(/\[([^\[\]]{1,120})\]/g)].map((m) => numberList(m[1])).filter((v): v is number[] => !!v && v.length >= 2);
  if (vs.length < 2 || vs[0].length !== vs[1].length) return undefined;
  const [a, b] = vs;
  const dot = a.reduce((s2, v, i) => s2 + v * b[i], 0);
  const na = Math.sqrt(a.reduce((s2, v) => s2 + v * v, 0));
  const nb = Math.sqrt(b.reduce((s2, v) => s2 + v * v, 0));
  if (!(na > 0 && nb > 0)) return undefined;
  const c = dot / (na * nb);
  const terms = a.map((v, i) => `${show(v)}·${show(b[i])}`).join(' + ');
  const readJa = c > 0.8 ? 'ほぼ同じ向きで、よく似た単語（ベクトル）です' : c > 0.3 ? 'ある程度似ています' : c > -0.3 ? 'ほとんど関係がありません' : '反対向きです';
  const readEn = c > 0.8 ? 'nearly the same direction, very similar' : c > 0.3 ? 'somewhat similar' : c > -0.3 ? 'nearly unrelated' : 'pointing in opposite directions';
  return {
    topic: 'nlp-embeddings',
    text: {
      ja: `コサイン類似度は ${show(c, 3)} です：(a · b) / (|a| |b|) = (${terms}) / (${show(na, 3)} × ${show(nb, 3)}) = ${show(dot)} / ${show(na * nb, 3)}。1 に近いほど同じ向きで、${readJa}。`,
      en: `The cosine similarity is ${show(c, 3)}: (a · b) / (|a| |b|) = (${terms}) / (${show(na, 3)} × ${show(nb, 3)}) = ${show(dot)} / ${show(na * nb, 3)}. The closer to 1, the more alike the directions; here ${readEn}.`,
    },
  };
}

/** Softmax followed by cross-entropy: the gradient with respect to the logits is p − y. */
function softmaxCrossEntropyGrad(t: string): ArithResult | undefined {
  if (!/(logits?|ロジット|\bz\b|softmax の入力|before (the )?softmax)/i.test(t) || !/(gradient|grad|d ?L ?\/ ?d|∂|勾配|微分|derivative)/i.test(t)) return undefined;
  const pm = /(?:\bp\b|probs?|probabilities|確率|softmax(?: output)?)\s*(?:=|:|is|が|は)?\s*\[([^\[\]]{1,120})\]/i.exec(t);
  const p = pm ? numberList(pm[1]) : undefined;
  if (!p || p.length < 2 || Math.abs(p.reduce((a, b) => a + b, 0) - 1) > 0.02) return undefined;
  const km = /(?:true|correct|right|target|label)\s*(?:class|label|index)?\s*(?:is|=|:)?\s*(\d+)|正解(?:クラス|ラベル)?\s*(?:は|が|=|:)?\s*(\d+)|(?:class|クラス)\s*(\d+)\s*(?:is (?:the )?(?:true|correct)|が正解)/i.exec(t);
  const k = km ? Number(km[1] ?? km[2] ?? km[3]) : undefined;
  if (k === undefined || k < 0 || k >= p.length) return undefined;
  const g = p.map((v, i) => v - (i === k ? 1 : 0));
  const y = p.map((_, i) => (i === k ? 1 : 0));
  const L = -Math.log(p[k]);
  return {
    topic: 'backpropagation',
    text: {
      ja: `∂L/∂logits = p − y = [${p.map((v) => show(v)).join(', ')}] − [${y.join(', ')}] = [${g.map((v) => show(v)).join(', ')}] です（softmax と交差エントロピーを続けると、ロジットについての勾配はこの引き算だけになります）。損失は −ln(${show(p[k])}) = ${show(L, 3)}。正解クラスの勾配だけが負なので、更新でそのロジットが上がり、ほかは下がります。`,
      en: `∂L/∂logits = p − y = [${p.map((v) => show(v)).join(', ')}] − [${y.join(', ')}] = [${g.map((v) => show(v)).join(', ')}] (softmax followed by cross-entropy reduces the gradient with respect to the logits to this subtraction). The loss is −ln(${show(p[k])}) = ${show(L, 3)}. Only the true class's gradient is negative, so an update raises its logit and lowers the others.`,
    },
  };
}

/** SGD with momentum worked step by step, as Keras does it: v = momentum·v − lr·g, w = w + v. */
function momentumSteps(t: string): ArithResult | undefined {
  const mm = new RegExp(`(?:momentum|モーメンタム|慣性)\\s*(?:=|は|of|:)?\\s*(${NUM})`, 'i').exec(t);
  const lm = new RegExp(`(?:learning_rate|learning rate|学習率|\\blr)\\s*(?:=|は|of|:)?\\s*(${NUM})`, 'i').exec(t);
  const wm = new RegExp(`(?<![\\w.])w\\s*(?:=|は|starts? at|starting at|の初期値は?|from)\\s*(${NUM})`, 'i').exec(t);
  const gm = new RegExp(`(?:gradient|grad|勾配)\\s*(?:is|=|は|が|of|:)?\\s*(?:always\\s*|ずっと\\s*|常に\\s*)?(${NUM})`, 'i').exec(t);
  if (!mm || !lm || !wm || !gm) return undefined;
  const mom = toNum(mm[1]);
  const lr = toNum(lm[1]);
  const w0 = toNum(wm[1]);
  const g = toNum(gm[1]);
  if (!(mom > 0 && mom < 1) || !(lr > 0)) return undefined;
  const sm = /(\d)\s*(?:steps?|ステップ|回)/i.exec(t);
  const n = sm && Number(sm[1]) >= 1 && Number(sm[1]) <= 6 ? Number(sm[1]) : 2;
  let v = 0;
  let w = w0;
  let plain = w0;
  const ja: string[] = [];
  const en: string[] = [];
  const plainSteps: string[] = [];
  for (let i = 1; i <= n; i++) {
    const v1 = mom * v - lr * g;
    const w1 = w + v1;
    const pv = v < 0 ? `(${show(v)})` : show(v);
    const line = `${i}. v = ${show(mom)}×${pv} − ${show(lr)}×${show(g)} = ${show(v1)}, w = ${show(w)} + (${show(v1)}) = ${show(w1)}`;
    ja.push(line);
    en.push(line);
    v = v1;
    w = w1;
    plain -= lr * g;
    plainSteps.push(show(plain));
  }
  return {
    topic: 'gradient-descent',
    text: {
      ja: `${n} ステップ後は w = ${show(w)} です（Keras の SGD：v = momentum·v − 学習率·勾配、w = w + v、v は 0 から）。\n${ja.join('\n')}\n素の SGD（momentum なし）なら ${plainSteps.join(' → ')} です。momentum は前のステップの動きを足し続けるので、同じ向きの勾配が続くと歩幅がだんだん大きくなります。`,
      en: `After ${n} steps w = ${show(w)} (Keras's SGD: v = momentum·v − learning rate·gradient, w = w + v, with v starting at 0).\n${en.join('\n')}\nPlain SGD (no momentum) would give ${plainSteps.join(' → ')}. Momentum keeps adding the previous steps' movement, so steps grow while the gradient keeps the same sign.`,
    },
  };
}

/** The asker's network written as formulas, worked on the four binary inputs. */
function networkTable(t: string): ArithResult | undefined {
  const r = evaluateOnInputs(t);
  return r ? { topic: 'perceptron-xor', text: r.text } : undefined;
}

/** How small a gradient gets through n sigmoid layers: at most 0.25 per layer. */
function vanishing(t: string): ArithResult | undefined {
  if (!/(sigmoid|シグモイド)/i.test(t) || !/(0\.25|微分|derivative|gradient|勾配)/i.test(t)) return undefined;
  const m = /(\d{1,3})\s*(層|layers?|段)/i.exec(t);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (n < 2 || n > 100) return undefined;
  const v = 0.25 ** n;
  return {
    topic: 'backpropagation',
    text: {
      ja: `最大でも 0.25^${n} = ${v.toExponential(2)} 倍です（約 ${show(1 / v, 0)} 分の 1）。逆伝播では層ごとに活性化関数の微分が掛かり、sigmoid の微分は最大 0.25 なので、${n} 層さかのぼると勾配はこれだけ小さくなります。これが勾配消失で、隠れ層に ReLU（正の入力で微分 1）を使う理由です。`,
      en: `At most 0.25^${n} = ${v.toExponential(2)} (about 1/${show(1 / v, 0)}). Backpropagation multiplies in each layer's activation slope, and sigmoid's slope is at most 0.25, so ${n} layers back the gradient shrinks this much: the vanishing gradient, and the reason hidden layers use ReLU (slope 1 for positive inputs).`,
    },
  };
}

/** A pixel value scaled: v / 255, and to [−1, 1] as v / 127.5 − 1 when asked. */
/** Min-max scaling: (x − min) / (max − min). */
function minMax(t: string): ArithResult | undefined {
  if (!/(min-?max|minmaxscaler|最小.{0,3}最大|正規化)/i.test(t)) return undefined;
  const lo = new RegExp(`(?:\\bmin(?:imum)?|最小(?:値)?)\\s*(?:is|=|:|は|が|of)?\\s*(${NUM})`, 'i').exec(t);
  const hi = new RegExp(`(?:\\bmax(?:imum)?|最大(?:値)?)\\s*(?:is|=|:|は|が|of)?\\s*(${NUM})`, 'i').exec(t);
  if (!lo || !hi) return undefined;
  const a = toNum(lo[1]);
  const b = toNum(hi[1]);
  if (!(b > a)) return undefined;
  const xs = [...t.matchAll(new RegExp(`(?<![\\w.])(${NUM})(?![\\w.])`, 'g'))].map((m) => toNum(m[1])).filter((v) => v !== a && v !== b);
  if (xs.length === 0) return undefined;
  const x = xs[xs.length - 1];
  const v = (x - a) / (b - a);
  return {
    topic: 'normalization',
    text: {
      ja: `(${show(x)} − ${show(a)}) / (${show(b)} − ${show(a)}) = ${show(x - a)} / ${show(b - a)} = ${show(v, 3)} です。min-max スケーリングは最小値を 0、最大値を 1 に対応させます。min と max は訓練データから求め、テストデータにも同じ値を使います。`,
      en: `(${show(x)} − ${show(a)}) / (${show(b)} − ${show(a)}) = ${show(x - a)} / ${show(b - a)} = ${show(v, 3)}. Min-max scaling maps the minimum to 0 and the maximum to 1; take min and max from the training data and reuse them for the test data.`,
    },
  };
}

/** to_categorical of a given list, with or without num_classes. */
/** Label k one-hot encoded over n classes, as printed by hand: "[0, 0, 1, 0]". */
function hotRow(k: number, n: number): string {
  return `[${Array.from({ length: n }, (_, i) => (i === k ? 1 : 0)).join(', ')}]`;
}

function toCategorical(t: string): ArithResult | undefined {
  const m = /to_categorical\(\s*\[([^\[\]]{1,60})\](?:\s*,\s*(?:num_classes\s*=\s*)?(\d+))?\s*\)/.exec(t) ?? /to_categorical\(\s*(\d+)(?:\s*,\s*(?:num_classes\s*=\s*)?(\d+))?\s*\)/.exec(t);
  if (!m) return undefined;
  const ys = numberList(m[1]);
  if (!ys || ys.some((v) => !Number.isInteger(v) || v < 0)) return undefined;
  const n = m[2] ? Number(m[2]) : Math.max(...ys) + 1;
  const tooFew = ys.some((v) => v >= n);
  const rows = ys.map((v) => hotRow(v, n));
  // A single label (to_categorical(3)) gives one row of shape (n,), a list of labels a matrix.
  const scalar = !m[0].includes('[');
  const other = /num_classes\s*=\s*(\d+)/g;
  const asked = [...t.matchAll(other)].map((x) => Number(x[1])).filter((v) => v !== n && ys.some((y) => y >= v));
  // The asker's own row, checked: [0,0,0,1,0,...] for label 3.
  const theirs = ys.length === 1 ? [...t.matchAll(/\[((?:\s*[01]\.?\s*,){2,}\s*[01]\.?\s*)\]/g)].map((x) => x[1].replace(/[\s.]/g, '')).find((r) => r.split(',').length === n) : undefined;
  const right = theirs !== undefined ? theirs === hotRow(ys[0], n).replace(/[[\] ]/g, '') : undefined;
  const checkJa = right === undefined ? '' : right ? `はい、合っています。位置は 0 から数えるので、ラベル ${ys[0]} は左から ${ys[0] + 1} 番目（インデックス ${ys[0]}）が 1 になります。` : `違います。位置は 0 から数えるので、ラベル ${ys[0]} はインデックス ${ys[0]}（左から ${ys[0] + 1} 番目）が 1 です。`;
  const checkEn = right === undefined ? '' : right ? `Yes, that is right. Positions count from 0, so label ${ys[0]} puts its 1 at index ${ys[0]}, the ${ordinal(ys[0] + 1)} from the left. ` : `Not quite: positions count from 0, so label ${ys[0]} puts its 1 at index ${ys[0]}, the ${ordinal(ys[0] + 1)} from the left. `;
  return {
    topic: 'one-hot-encoding',
    text: {
      ja: tooFew
        ? `num_classes=${n} では足りません。ラベルは 0〜${n - 1} でなければならず、${Math.max(...ys)} が入る列がないのでエラー（IndexError）になります。`
        : `${checkJa}結果は ${scalar ? rows[0] : `[${rows.join(', ')}]`}、形は ${scalar ? `(${n},)` : `(${ys.length}, ${n})`} です。${m[2] ? '' : `num_classes を省くと「一番大きいラベル + 1」= ${n} 列になります。`}各ラベルの位置だけが 1 になります（小数の 0. / 1. で表示されます。tf.keras では float32、Keras 3 では float64）。` + (asked.length ? `num_classes=${asked[0]} だと、ラベル ${Math.max(...ys)} を入れる列がない（0〜${asked[0] - 1} しかない）ので IndexError になります。` : ''),
      en: tooFew
        ? `num_classes=${n} is too small: labels must be 0 to ${n - 1}, and there is no column for ${Math.max(...ys)}, hence the IndexError.`
        : `${checkEn}It returns ${scalar ? rows[0] : `[${rows.join(', ')}]`}, shape ${scalar ? `(${n},)` : `(${ys.length}, ${n})`}.${m[2] ? '' : ` Without num_classes the width is the largest label + 1 = ${n}.`} Each row has a 1 at its label (printed as floats 0./1.: float32 in tf.keras, float64 in Keras 3).` + (asked.length ? ` With num_classes=${asked[0]} there is no column for label ${Math.max(...ys)} (only 0 to ${asked[0] - 1}), so it raises IndexError.` : ''),
    },
  };
}

/**
 * One-hot encoding of a label named in words ("to_categorical(y, num_classes=10)
 * with y=7", "one-hot with num_classes=24: what does label 5 look like, and
 * what shape does (27455,) become?"): the row, and the new shape.
 */
function oneHotLabel(t: string): ArithResult | undefined {
  // A traceback's shapes are the error's (errors.ts reads them), not a question about encoding.
  if (!/(to_cat[ae]g[oe]rical|one[- ]?hot|ワンホット)/i.test(t) || /(Error|Traceback|Exception)\b/.test(t)) return undefined;
  // Literal labels in the call, or a printed array of labels, have their own calculators.
  // The asker's own one-hot row to check ("label 3 with 5 classes is [0,0,1,0,0], right?"): one 1 among 0s.
  const claimed = /\[\s*([01](?:\s*,\s*[01]){1,})\s*\]/.exec(t);
  const claimRow = claimed ? claimed[1].split(',').map((v) => Number(v.trim())) : undefined;
  const claim = claimRow && claimRow.filter((v) => v === 1).length === 1 ? claimRow : undefined;
  if (/to_categorical\(\s*[\[\d]/.test(t) || (!claim && /\[\s*\d{1,3}(?:[\s,]+\d{1,3}){1,}\s*\]/.test(t))) return undefined;
  if (!/(look like|become|shape|turn into|what (is|does|do|would)|なる|なり|形|結果|出力|output|どう|何|right|correct|合って|正しい|[?？])/i.test(t)) return undefined;
  const classes =
    /num_classes\s*=\s*(\d+)/.exec(t) ?? /to_categorical\(\s*[\w.\[\]:]+\s*,\s*(\d+)\s*\)/.exec(t) ?? /(\d+)\s*(?:classes|クラス|種類)/i.exec(t);
  if (!classes) return undefined;
  const n = Number(classes[1]);
  if (!(n >= 2 && n <= 1000)) return undefined;
  const label =
    /(?:\blabels?|ラベル|\bclass(?!es)|クラス|\bdigit|数字)\s*(?:=|が|は|of|is|:)?\s*(\d{1,3})(?![\d.,]|\s*(?:classes|クラス|種類|個|つ))/i.exec(t) ??
    /(?<![\w.])y\s*=\s*(\d{1,3})(?![\d.])/.exec(t) ??
    /(?:one[- ]?hot|to_categorical|ワンホット)\s*(?:of|for|encoding of|で|の)\s*(\d{1,3})(?![\d.,]|\s*(?:classes|クラス|種類|個|つ))/i.exec(t);
  const shape = /\(\s*(\d{1,3}(?:,\d{3})+|\d+)\s*,\s*\)/.exec(t);
  if (!label && !shape) return undefined;
  const k = label ? Number(label[1]) : undefined;
  const rows = shape ? Number(shape[1].replace(/,/g, '')) : undefined;
  const ja: string[] = [];
  const en: string[] = [];
  if (k !== undefined && k >= n) {
    ja.push(`ラベル ${k} は num_classes=${n} では表せません。列は 0〜${n - 1} しかないので、to_categorical は IndexError になります。num_classes は「一番大きいラベル + 1」以上にしてください。`);
    en.push(`Label ${k} does not fit num_classes=${n}: the columns are 0 to ${n - 1}, so to_categorical raises an IndexError. num_classes must be at least the largest label + 1.`);
  } else if (k !== undefined && claim && claim.length === n) {
    const row = hotRow(k, n);
    const at = claim.indexOf(1);
    if (at === k) {
      ja.push(`はい、合っています。ラベル ${k} は ${row}（長さ ${n}、0 から数えてインデックス ${k} だけが 1）です。`);
      en.push(`Yes: label ${k} is ${row} (${n} values, the 1 at index ${k}, counting from 0).`);
    } else {
      ja.push(`いいえ、ラベル ${k} は ${row} です。位置は 0 から数えるので、1 が立つのはインデックス ${k}（左から ${k + 1} 番目）です。[${claim.join(', ')}] は 1 がインデックス ${at} にあるので、ラベル ${at} を表します。`);
      en.push(`No: label ${k} is ${row}. Positions count from 0, so the 1 is at index ${k} (the ${ordinal(k + 1)} from the left); [${claim.join(', ')}] has its 1 at index ${at}, so it is label ${at}.`);
    }
  } else if (k !== undefined) {
    const row = hotRow(k, n);
    ja.push(`ラベル ${k} は ${row} になります（長さ ${n}、0 から数えてインデックス ${k}、左から ${k + 1} 番目だけが 1）。表示は小数の 0. と 1. です。`);
    en.push(`Label ${k} becomes ${row}: ${n} values, a 1 at index ${k} (counting from 0, the ${ordinal(k + 1)} from the left) and 0 elsewhere. It prints as floats (0. and 1.).`);
  }
  if (rows !== undefined) {
    ja.push(`形は (${rows},) から (${rows}, ${n}) に変わります（サンプルごとに ${n} 個の 0/1 の行）。`);
    en.push(`The shape (${rows},) becomes (${rows}, ${n}): one row of ${n} zeros and ones per sample.`);
  }
  return { topic: 'one-hot-encoding', text: { ja: ja.join(''), en: en.join(' ') } };
}

/**
 * Labels of shape (N, k, k) where (N, k) was expected: to_categorical ran a
 * second time on labels already one-hot (each 0 and 1 became a row of k).
 */
function oneHotTwice(t: string): ArithResult | undefined {
  if (!/(to_cat[ae]g[oe]rical|one[- ]?hot|ワンホット|y_train|y_test|y_valid|labels?|ラベル)/i.test(t)) return undefined;
  // The shape of the labels, not of the images: y_train.shape, 「ラベルの形」 just before it.
  const m = /(?:\by_\w*(?:\.shape)?|labels?|ラベル)[^()\n]{0,30}\(\s*(\d{2,7})\s*,\s*(\d{1,4})\s*,\s*\2\s*\)/i.exec(t);
  if (!m) return undefined;
  const [n, k] = [m[1], m[2]];
  return {
    topic: 'one-hot-encoding',
    text: {
      ja: `(${n}, ${k}, ${k}) は to_categorical を 2 回かけた形です。1 回目で (${n}, ${k}) の one-hot になったラベルに、もう一度 to_categorical をかけると、0 と 1 の 1 つ 1 つが長さ ${k} の行になり、軸が 1 つ増えます（to_categorical のセルを 2 回実行したときによく起きます）。ラベルを読み込むセルからやり直して、to_categorical は 1 回だけにしてください。y_train.shape が (${n}, ${k}) に戻れば大丈夫です。`,
      en: `(${n}, ${k}, ${k}) is what to_categorical gives when it runs twice: the labels were already one-hot, shape (${n}, ${k}), and a second to_categorical turned each 0 and 1 into a row of ${k}, adding an axis (running the to_categorical cell twice does this). Re-run the cell that loads the labels and apply to_categorical once; y_train.shape should be (${n}, ${k}) again.`,
    },
  };
}

/**
 * "Can the loss be bigger than 1?": cross-entropy has no upper bound. The
 * asker's loss read back as the probability the true class got on average.
 */
function lossAboveOne(t: string): ArithResult | undefined {
  const above = /((bigger|larger|greater|more|higher|above|over)\s+than\s+(1|one)\b|exceed(s|ing)?\s+(1|one)\b|1\s*(を|より)\s*(超え|大き|上))/i.test(t);
  if (!above && !/(percent|percentage|パーセント|%|百分率)/i.test(t)) return undefined;
  if (/(mse|mae|mean_squared|二乗|regression|回帰)/i.test(t)) return undefined;
  const m = /loss\s*(?:[:=]|of|is|was|が|は)?\s*(\d+(?:\.\d+)?)/i.exec(t);
  const v = m ? Number(m[1]) : undefined;
  if (v === undefined || !(v > 1) || v > 50) return undefined;
  const p = Math.exp(-v);
  const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;
  return {
    topic: 'loss-function',
    text: {
      ja: `${above ? 'はい、1 を超えます。' : 'loss はパーセントではありません。'}交差エントロピーの loss は正解クラスに付けた確率 p の −ln p で、上限がありません：p = 1 で 0、p = 0.1 で 2.30、p = 0.01 で 4.61、p が 0 に近づくと無限大です。loss ${show(v)} は、正解クラスに平均して約 e^−${show(v)} ≈ ${show(p, 3)}（${pct(p)}）の確率しか付けていない状態です（サンプルごとの −ln p の平均なので幾何平均）。accuracy は 0〜1 の割合ですが、loss は最適化で小さくしていく値で、パーセントではありません。10 クラスで当てずっぽうなら ln(10) ≈ 2.30 です。`,
      en: `${above ? 'Yes, it can. ' : 'The loss is not a percentage. '}Cross-entropy is −ln p of the probability p given to the true class, and it has no upper bound: 0 at p = 1, 2.30 at p = 0.1, 4.61 at p = 0.01, and it grows without limit as p nears 0. A loss of ${show(v)} means the model gives the true class about e^−${show(v)} ≈ ${show(p, 3)} (${pct(p)}) on average (a geometric mean, since the loss averages −ln p over the samples). Accuracy is a fraction between 0 and 1; the loss is the quantity the optimizer minimizes, not a percentage. Random guessing among 10 classes gives ln(10) ≈ 2.30.`,
    },
  };
}

/**
 * Labels printed as a NumPy array ([5 0 4 1 9]) with to_categorical or
 * one-hot named: the first label's one-hot row, and the new shape.
 */
function oneHotPrinted(t: string): ArithResult | undefined {
  // An error message's shapes ("logits shape [32,10]") are no labels.
  if (!/(to_cat[ae]g[oe]rical|one[- ]?hot|ワンホット)/i.test(t) || /to_categorical\(\s*[\[\d]/.test(t) || /(Error|Traceback|Exception)\b/.test(t)) return undefined;
  const m = /(?<!shape\s*[:=]?\s*)\[\s*(\d{1,3}(?:[\s,]+\d{1,3}){1,19})\s*\]/.exec(t);
  if (!m) return undefined;
  const ys = m[1].split(/[\s,]+/).map(Number);
  // A row of zeros and ones is already one-hot (oneHotRow's); labels have a value of 2 or more.
  if (!ys.some((v) => v >= 2) || !/(look like|become|shape|なる|形|結果|what does|どう)/i.test(t)) return undefined;
  // The class count passed to to_categorical(y, 24) wins; MNIST's labels have 10.
  const given = /to_categorical\(\s*[\w.\[\]:]+\s*,\s*(?:num_classes\s*=\s*)?(\d+)\s*\)/.exec(t);
  const digits = !given && /(mnist|y_train|y_test|digit|数字)/i.test(t) && Math.max(...ys) < 10;
  const n = given ? Number(given[1]) : digits ? 10 : Math.max(...ys) + 1;
  if (ys.some((v) => v >= n) || n < 2) return undefined;
  const y = ys[0];
  const row = hotRow(y, n);
  // A short list that is the labels themselves ("labels [2, 0, 1]", not a slice y_train[:5] of a larger array): all its rows and its shape.
  if (ys.length <= 6 && !/\[\s*:\s*\d+\s*\]|\.head\(|y_(train|test)\b/.test(t)) {
    const all = `[${ys.map((v) => hotRow(v, n)).join(', ')}]`;
    return {
      topic: 'one-hot-encoding',
      text: {
        ja: `結果は ${all}、形は (${ys.length}, ${n}) です（ラベル 1 つにつき長さ ${n} の行が 1 本、0 から数えてラベルの位置だけが 1）。表示は小数（0. と 1.）になります。`,
        en: `It returns ${all}, shape (${ys.length}, ${n}): one row of ${n} per label, with a 1 at the label's index (counting from 0). It prints as floats (0. and 1.).`,
      },
    };
  }
  const rows = /y_test/.test(t) && !/y_train/.test(t) ? 10_000 : /(mnist|y_train)/i.test(t) && digits ? 60_000 : undefined;
  const shapeJa = rows ? `形は (${rows},) から (${rows}, ${n}) に変わります（サンプルごとに ${n} 個の 0/1 の行）。` : `形は (サンプル数,) から (サンプル数, ${n}) に変わります。`;
  const shapeEn = rows ? ` The shape changes from (${rows},) to (${rows}, ${n}): one row of ${n} zeros and ones per sample.` : ` The shape changes from (samples,) to (samples, ${n}).`;
  return {
    topic: 'one-hot-encoding',
    text: {
      ja: `ラベル ${y} の 1 件目は ${row} になります（インデックス ${y}、0 から数えて ${y} 番目だけが 1）。${shapeJa}表示は小数（0. と 1.）になります。`,
      en: `The first label, ${y}, becomes ${row}: a 1 at index ${y} (counting from 0), 0 elsewhere.${shapeEn} It prints as floats (0. and 1.).`,
    },
  };
}

/**
 * A pasted one-hot row ([0. 0. 0. 0. 0. 1. 0. 0. 0. 0.]): the label is the
 * index of its 1, and np.argmax turns rows back into labels.
 */
function oneHotRow(t: string): ArithResult | undefined {
  if (/to_categorical\s*\(/.test(t)) return undefined;
  // Asked for the label the row stands for, not what one-hot is.
  if (!/(\bback\b|\bplain\b|which (digit|class|number|label)|what (digit|class|number|label)|get the (digit|label|class|number)|元の|戻|何の数字|どの数字|どのクラス|何のクラス|何番|どの(数|ラベル))/i.test(t)) return undefined;
  const m = /\[\s*((?:[01]\.?0*\s*[,\s]\s*){2,}[01]\.?0*)\s*\]/.exec(t);
  if (!m) return undefined;
  const bits = m[1].split(/[,\s]+/).filter(Boolean).map((x) => Number(x));
  if (bits.length < 3 || bits.filter((b) => b === 1).length !== 1) return undefined;
  const k = bits.indexOf(1);
  const name = /\b(y_\w+|labels?)\s*\[\s*(\d+)\s*\]/.exec(t);
  const one = name ? `${name[1]}[${name[2]}]` : 'row';
  const all = name ? name[1] : 'y';
  return {
    topic: 'one-hot-encoding',
    text: {
      ja: `その行は one-hot 表現で、ラベルは 1 が立っている位置です。位置は 0 から数えるので、インデックス ${k}（左から ${k + 1} 番目）、つまり数字（クラス）${k} です。元の数字に戻すには \`np.argmax(${one === 'row' ? '行' : one})\` → ${k}、全部まとめてなら \`np.argmax(${all}, axis=1)\` です（to_categorical の逆）。`,
      en: `That row is a one-hot encoding: the label is the position of its 1. Positions count from 0, so it is index ${k} (the ${ordinal(k + 1)} from the left), the digit (class) ${k}. To get the plain label back use \`np.argmax(${one})\` → ${k}, or for all rows at once \`np.argmax(${all}, axis=1)\` (the inverse of to_categorical).`,
    },
  };
}

/** pad_sequences of a given list: zeros in front (the default) or behind with padding='post'. */
function padSequences(t: string): ArithResult | undefined {
  const m = /pad_sequences\(\s*\[\s*\[([^\[\]]{1,60})\]\s*\]\s*,\s*maxlen\s*=\s*(\d+)/.exec(t);
  if (!m) return undefined;
  const xs = numberList(m[1]);
  const n = Number(m[2]);
  if (!xs || n > 40) return undefined;
  const cut = xs.length > n;
  const pre = cut ? xs.slice(xs.length - n) : [...Array(n - xs.length).fill(0), ...xs];
  const post = cut ? xs.slice(0, n) : [...xs, ...Array(n - xs.length).fill(0)];
  const f = (a: number[]) => `[[${a.join(', ')}]]`;
  return {
    topic: 'nlp-embeddings',
    text: {
      ja: cut
        ? `長さ ${n} を超える分は切られます。既定（truncating='pre'）では前が切られて ${f(pre)}、truncating='post' なら後ろが切られて ${f(post)} です。`
        : `既定（padding='pre'）では前に 0 が入って ${f(pre)}、padding='post' なら後ろに入って ${f(post)} です。0 は「単語なし」用に空けてある id です。`,
      en: cut
        ? `Longer sequences are cut to ${n}: by default (truncating='pre') from the front, ${f(pre)}; with truncating='post' from the end, ${f(post)}.`
        : `By default (padding='pre') the zeros go in front: ${f(pre)}; with padding='post' behind: ${f(post)}. Id 0 is reserved for "no word".`,
    },
  };
}

/** The best epoch in a pasted history list, and the gain over epoch 1. */
function historyBest(t: string): ArithResult | undefined {
  const m = /\b(val_accuracy|accuracy|val_loss|loss|val_acc|acc)['"]?\]?[^\[\n]{0,20}\n?\s*\[((?:\s*\d*\.\d+\s*,){2,}\s*\d*\.\d+)\s*\]/.exec(t);
  if (!m || !/(best|一番|最良|どのエポック|which epoch|何エポック目)/i.test(t)) return undefined;
  const xs = numberList(m[2].replace(/\s+/g, ' '));
  if (!xs) return undefined;
  const isLoss = /loss/.test(m[1]);
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (isLoss ? xs[i] < xs[best] : xs[i] > xs[best]) best = i;
  const gain = xs[best] - xs[0];
  const tail = xs.slice(Math.max(1, best - 1));
  const flat = Math.max(...tail) - Math.min(...tail) < Math.abs(gain) * 0.2 + 1e-9;
  return {
    topic: 'epochs',
    text: {
      ja: `${m[1]} が一番${isLoss ? '低い' : '高い'}のは epoch ${best + 1}（${show(xs[best])}）で、epoch 1（${show(xs[0])}）から ${show(gain, 4)} ${isLoss ? '下がって' : '上がって'}います。` + (flat ? '終盤はほぼ横ばいなので、このままエポックを増やしても伸びはわずかです（EarlyStopping で止めどきを任せるのが手軽です）。' : ''),
      en: `${m[1]} is ${isLoss ? 'lowest' : 'highest'} at epoch ${best + 1} (${show(xs[best])}), ${show(Math.abs(gain), 4)} ${isLoss ? 'below' : 'above'} epoch 1 (${show(xs[0])}).` + (flat ? ' The last epochs are nearly flat, so more epochs would add little (EarlyStopping can decide when to stop).' : ''),
    },
  };
}

/** A learning rate after decay steps: ReduceLROnPlateau's factor per reduction, ExponentialDecay's rate per decay_steps. */
function decayedRate(t: string): ArithResult | undefined {
  const plateau = /ReduceLROnPlateau\([^)]*factor\s*=\s*(0?\.\d+)/.exec(t);
  const times = /(\d+)\s*(回|times)/.exec(t);
  if (plateau && times) {
    const f = Number(plateau[1]);
    const k = Number(times[1]);
    const start = Number(/learning_rate\s*=\s*(0?\.\d+|\d+e-\d+)/.exec(t)?.[1] ?? 0.001);
    const now = start * f ** k;
    return {
      topic: 'learning-rate',
      text: {
        ja: `いまの学習率は ${show(start, 6)} × ${show(f)}^${k} = ${show(now, 7)} です（Adam の既定 0.001 から、減らされるたびに factor=${show(f)} 倍）。`,
        en: `The learning rate is now ${show(start, 6)} × ${show(f)}^${k} = ${show(now, 7)} (Adam's default 0.001, multiplied by factor=${show(f)} at each reduction).`,
      },
    };
  }
  const exp = /ExponentialDecay\([^)]*initial_learning_rate\s*=\s*([\d.e-]+)[^)]*decay_steps\s*=\s*(\d+)[^)]*decay_rate\s*=\s*([\d.]+)/.exec(t);
  const after = /(?:after|後)\s*(\d[\d,]*)\s*(?:steps|ステップ)|(\d[\d,]*)\s*(?:steps|ステップ)\s*(?:後|after)/i.exec(t);
  if (exp && after) {
    const lr0 = Number(exp[1]);
    const ds = Number(exp[2]);
    const r = Number(exp[3]);
    const step = Number((after[1] ?? after[2]).replace(/,/g, ''));
    const now = lr0 * r ** (step / ds);
    return {
      topic: 'learning-rate',
      text: {
        ja: `${step.toLocaleString('en-US')} ステップ後は ${show(lr0, 6)} × ${show(r)}^(${step} / ${ds}) = ${show(now, 7)} です（staircase=False なら途中のステップでは連続的に下がります）。`,
        en: `After ${step.toLocaleString('en-US')} steps: ${show(lr0, 6)} × ${show(r)}^(${step} / ${ds}) = ${show(now, 7)} (with staircase=False it decays smoothly in between).`,
      },
    };
  }
  return undefined;
}

function pixelScale(t: string): ArithResult | undefined {
  // In a standardization question the pixel values are inputs to (x − mean) / std, not to / 255.
  if (/(標準化|standardi[sz]|mean|平均|std|標準偏差)/i.test(t)) return undefined;
  const m = /(?:ピクセル値|画素値|pixel(?: value)?)\s*(?:が|は|of|=)?\s*(\d{1,3})(?!\d)/i.exec(t) ?? /(\d{1,3})\s*(?:を|\s)?\s*\/\s*255/.exec(t);
  if (!m || !/255/.test(t)) return undefined;
  const v = Number(m[1]);
  if (v > 255) return undefined;
  const minus = /(-1|−1|マイナス1)\s*(〜|~|to|から|-)\s*1/.test(t);
  // "…and x_train.max() should then be 1.0?": the largest pixel, 255, becomes exactly 1.
  const max = /(\.max\(\)|\bmax(imum)?\b|最大)/i.test(t);
  return {
    topic: 'normalization',
    text: {
      ja: `${v} / 255 = ${show(v / 255, 4)} です。` + (max ? '割った後の最大値（x_train.max()）は、元の最大のピクセル値が 255 なら 255 / 255 = 1.0 になります（MNIST の画像はそうです）。最小値は 0 のままで、値は 0〜1 に収まります。' : '') + (minus ? `−1〜1 にしたいときは x / 127.5 − 1 で、${v} なら ${show(v / 127.5 - 1, 4)}（0 → −1、255 → 1）になります。` : ''),
      en: `${v} / 255 = ${show(v / 255, 4)}.` + (max ? ' After the division the largest value, x_train.max(), is 255 / 255 = 1.0 when the largest original pixel is 255 (as in MNIST); the smallest stays 0, so every value lies between 0 and 1.' : '') + (minus ? ` For −1 to 1 use x / 127.5 − 1: ${v} becomes ${show(v / 127.5 - 1, 4)} (0 → −1, 255 → 1).` : ''),
    },
  };
}

/** A dense network written as its layer sizes, "a 2-2-1 network": the parameters of each layer. */
function layerSizes(t: string): ArithResult | undefined {
  const m = /\b(\d{1,4})(?:\s*-\s*(\d{1,4})){2,5}\b(?=\s*(network|net|nn|mlp|model|architecture|ネットワーク|構成|モデル))/i.exec(t);
  if (!m) return undefined;
  const sizes = m[0].split('-').map((x) => Number(x.trim()));
  if (sizes.some((v) => !(v >= 1))) return undefined;
  const rows = sizes.slice(1).map((u, i) => ({ inp: sizes[i], u, p: sizes[i] * u + u }));
  const total = rows.reduce((a, r) => a + r.p, 0);
  const f = (v: number) => v.toLocaleString('en-US');
  return {
    topic: 'perceptron-xor',
    text: {
      ja: `合計 ${f(total)} パラメータです。` + rows.map((r, i) => `${i + 1} 層目 Dense(${r.u})：${r.inp}×${r.u} + ${r.u} = ${f(r.p)}`).join('、') + '（各層「入力数 × ユニット数 + バイアス」）。',
      en: `${f(total)} parameters in total: ` + rows.map((r, i) => `layer ${i + 1}, Dense(${r.u}): ${r.inp}×${r.u} + ${r.u} = ${f(r.p)}`).join('; ') + ' (each layer: inputs × units + one bias per unit).',
    },
  };
}

const COUNT = String.raw`(\d+(?:\.\d+)?\s*(?:k|万)|\d{1,3}(?:,\d{3})+|\d+)`;

/** Epochs for a wanted number of updates: updates / ceil(samples / batch). */
function epochsForUpdates(t: string): ArithResult | undefined {
  const u = new RegExp(`${COUNT}\\s*(?:weight\\s+)?(?:updates|steps|iterations|回の更新|更新|イテレーション)`, 'i').exec(t);
  const n = new RegExp(`${COUNT}\\s*(?:training\\s+)?(?:images|samples|examples|train\\b|枚|件|rows)`, 'i').exec(t) ?? (/mnist/i.test(t) ? ['', '60000'] as unknown as RegExpExecArray : null);
  const b = /batch[_ ]?size\s*(?:=|:|of|は|を)?\s*(\d+)/i.exec(t) ?? /batch(?:es)? of (\d+)/i.exec(t);
  if (!u || !n || !/(how many epochs|何エポック|エポック数|epochs? (do|should|would|is that))/i.test(t)) return undefined;
  const updates = count(u[1]);
  const samples = count(n[1]);
  const batch = b ? Number(b[1]) : 32;
  const steps = Math.ceil(samples / batch);
  const e = updates / steps;
  return {
    topic: 'epochs',
    text: {
      ja: `1 エポックは ${samples.toLocaleString('en-US')} ÷ ${batch}（切り上げ）= ${steps.toLocaleString('en-US')} ステップ（更新）なので、${updates.toLocaleString('en-US')} 回の更新は ${updates.toLocaleString('en-US')} ÷ ${steps.toLocaleString('en-US')} ≈ ${show(e, 1)} エポックです（少なくともその回数を回すなら ${Math.ceil(e)} エポック）。`,
      en: `One epoch is ${samples.toLocaleString('en-US')} / ${batch} (rounded up) = ${steps.toLocaleString('en-US')} steps (updates), so ${updates.toLocaleString('en-US')} updates are ${updates.toLocaleString('en-US')} / ${steps.toLocaleString('en-US')} ≈ ${show(e, 1)} epochs (${Math.ceil(e)} epochs to do at least that many).`,
    },
  };
}

/** Sizes and shapes after train_test_split of iris (150 × 4) or MNIST's training set. */
function splitSizes(t: string): ArithResult | undefined {
  const ts = /test_size\s*=\s*(0?\.\d+)/.exec(t);
  if (!ts || !/train_test_split/.test(t)) return undefined;
  const iris = /iris/i.test(t);
  const n = iris ? 150 : /mnist/i.test(t) ? 60000 : undefined;
  if (!n) return undefined;
  const f = Number(ts[1]);
  const nTest = Math.ceil(n * f);
  const nTrain = n - nTest;
  const feat = iris ? ', 4' : ', 28, 28';
  const per = iris && nTest % 3 === 0 ? nTest / 3 : undefined;
  return {
    topic: 'features-and-labels',
    text: {
      ja: `${n} 件を test_size=${f} で分けると、テストは ${n} × ${f} の切り上げで ${nTest} 件、訓練は ${nTrain} 件です。X_train (${nTrain}${feat})、X_test (${nTest}${feat})、y_train (${nTrain},)、y_test (${nTest},)。` + (per ? `stratify=y を付けると、テストは各品種 ${per} 件ずつ（訓練は ${nTrain / 3} 件ずつ）になります。` : ''),
      en: `Splitting ${n} rows with test_size=${f}: the test part is ${n} × ${f} rounded up = ${nTest} rows, training ${nTrain}. X_train (${nTrain}${feat}), X_test (${nTest}${feat}), y_train (${nTrain},), y_test (${nTest},).` + (per ? ` With stratify=y each species gets ${per} test rows (${nTrain / 3} training rows).` : ''),
    },
  };
}

/** Where EarlyStopping stops on a given list of val_loss values, and which weights it keeps. */
function earlyStopping(t: string): ArithResult | undefined {
  // (Asked where overfitting starts on such a list, the answer is the same epoch.)
  if (!/(early ?stopping|patience|止ま|stop|overfit|過学習)/i.test(t)) return undefined;
  let vals: number[] = [];
  const list = /val_loss[^0-9\n]{0,30}((?:\d*\.\d+\s*(?:,|、|→|->|\s)\s*){3,}\d*\.\d+)/i.exec(t);
  if (list) vals = list[1].split(/[,、→\s]|->/).filter((x) => /^\d*\.\d+$/.test(x)).map(Number);
  if (vals.length < 4) {
    // "epoch1 0.090 / epoch2 0.082 / …"
    vals = [...t.matchAll(/epoch\s*(\d+)\D{0,12}?(\d*\.\d+)/gi)].map((m) => Number(m[2]));
  }
  if (vals.length < 4) return undefined;
  const p = /patience\s*=\s*(\d+)/i.exec(t);
  const patience = p ? Number(p[1]) : undefined;
  let best = 0;
  for (let i = 1; i < vals.length; i++) if (vals[i] < vals[best]) best = i;
  // Asked only where overfitting starts: a bouncing list is noise, so only a steady rise after the lowest value answers.
  if (!/(early ?stopping|patience|止ま|stop)/i.test(t) && vals.slice(best + 1).some((v, i) => v < vals[best + i])) return undefined;
  const restore = /restore_best_weights\s*=\s*true/i.test(t);
  const stop = patience !== undefined ? best + patience : undefined;
  const stops = stop !== undefined && stop < vals.length;
  const e = (i: number) => i + 1;
  const stopJa = patience === undefined ? '' : stops ? `patience=${patience} なので、最良の後 ${patience} エポック続けて改善しなかった epoch ${e(stop!)} の終わりで止まります。` : `patience=${patience} では、この ${vals.length} エポックの間にはまだ止まりません。`;
  const stopEn = patience === undefined ? '' : stops ? ` With patience=${patience} training stops at the end of epoch ${e(stop!)}, ${patience} epochs without improvement after the best.` : ` With patience=${patience} it would not stop within these ${vals.length} epochs.`;
  const keepJa = patience === undefined ? '' : restore ? `restore_best_weights=True なので、モデルは epoch ${e(best)} の重みに戻ります。` : `restore_best_weights を付けていないので、モデルは止まった epoch${stops ? ` ${e(stop!)}` : ''} の重みのままです（最良の epoch ${e(best)} に戻すには restore_best_weights=True）。`;
  const keepEn = patience === undefined ? '' : restore ? ` restore_best_weights=True puts back the weights of epoch ${e(best)}.` : ` Without restore_best_weights the model keeps the weights of the epoch it stopped at${stops ? ` (${e(stop!)})` : ''}; restore_best_weights=True would return to epoch ${e(best)}.`;
  const last = best === vals.length - 1;
  return {
    topic: 'overfitting-validation',
    text: {
      ja: last ? `val_loss は最後の epoch ${e(best)}（${show(vals[best])}）まで下がり続けているので、まだ過学習は見えず、EarlyStopping も止まりません。` : `val_loss が一番低いのは epoch ${e(best)}（${show(vals[best])}）で、その後は上がっているので、そこから過学習が始まっています。${stopJa}${keepJa}`,
      en: last ? `val_loss is still falling at the last epoch ${e(best)} (${show(vals[best])}): no overfitting yet, and EarlyStopping would not stop.` : `val_loss is lowest at epoch ${e(best)} (${show(vals[best])}) and rises after it: overfitting starts there.${stopEn}${keepEn}`,
    },
  };
}

/** What an ImageDataGenerator range means for an image of the given size. */
function augmentRanges(t: string): ArithResult | undefined {
  const shift = /(width|height)_shift_range\s*=\s*(0?\.\d+)/i.exec(t);
  if (!shift) return undefined;
  const f = Number(shift[2]);
  const sizeM = /(\d{2,4})\s*[x×]\s*\d{2,4}/.exec(t);
  const size = sizeM ? Number(sizeM[1]) : /mnist/i.test(t) ? 28 : undefined;
  if (!size) return undefined;
  const px = f * size;
  const axis = shift[1].toLowerCase() === 'width' ? ['横', 'horizontally'] : ['縦', 'vertically'];
  return {
    topic: 'data-augmentation',
    text: {
      ja: `${shift[1]}_shift_range=${f} は画像の${axis[0]}幅の ${f * 100}% までのずらしで、${size} ピクセルなら ${f} × ${size} = ${show(px, 1)} ピクセル、つまり −${show(px, 1)}〜+${show(px, 1)} ピクセルの範囲で画像ごとにランダムにずらします（毎回違う量）。`,
      en: `${shift[1]}_shift_range=${f} shifts by up to ${f * 100}% of the ${axis[0] === '横' ? 'width' : 'height'}: for ${size} pixels that is ${f} × ${size} = ${show(px, 1)} pixels, so each image is moved ${axis[1]} by a random amount between −${show(px, 1)} and +${show(px, 1)} pixels (different every time).`,
    },
  };
}

/** The position of the largest value (the first on a tie), what `np.argmax` returns. */
function argmaxOf(row: number[]): number {
  let k = 0;
  row.forEach((v, i) => {
    if (v > row[k]) k = i;
  });
  return k;
}

/**
 * "Do these add up to 1?" about a pasted row of predict's outputs, whole or
 * cut short with "...": yes for a softmax output, with the sum of what was
 * shown and the class the largest value picks.
 */
function sumAsked(t: string): ArithResult | undefined {
  if (!/(全部|ぜんぶ|すべて|全て)?(足す|足し|たす|たし)(と|たら|合わせ)|合計(は|が|って|すると)?\s*1|総和|\b(sums?|add(s)? up|adding up|total)\b.{0,12}\b(to|equal|=)?\s*(1|one)\b/i.test(t)) return undefined;
  const m = /\[\s*\[?\s*((?:[-−]?\d+(?:\.\d+)?(?:e-?\d+)?\s*,\s*){1,}[-−]?\d+(?:\.\d+)?(?:e-?\d+)?)\s*(,\s*(?:\.{3}|…)\s*)?\]?\s*\]/i.exec(t);
  if (!m) return undefined;
  const row = numberList(m[1].replace(/−/g, '-'));
  if (!row || row.length < 2 || row.some((v) => v < 0 || v > 1)) return undefined;
  const cut = !!m[2];
  const total = row.reduce((a, b) => a + b, 0);
  // Over 1 already (sigmoid outputs), or a whole row far from 1: not a softmax row.
  if (total > 1.02 || (!cut && Math.abs(total - 1) > 0.02)) return undefined;
  const k = argmaxOf(row);
  const shown = show(Math.round(total * 1e4) / 1e4);
  const top = row[k] > 0.5 || !cut;
  return {
    topic: 'classification-softmax',
    text: {
      ja: `はい、softmax の出力は全部足すと 1 になります。各値はそのクラスである確率で、${cut ? `見えている ${row.length} 個だけで ${shown}、残りの値の合計は ${show(Math.round((1 - total) * 1e4) / 1e4)} です` : `この ${row.length} 個の合計は ${shown} です（float32 の丸めで 0.9999999 などになることもあります）`}。${top ? `いちばん大きい ${show(row[k])} の位置、0 から数えてクラス ${k} が予測で、\`np.argmax(pred[0])\` で取り出せます。` : ''}`,
      en: `Yes: softmax outputs add up to 1. Each value is the probability of its class; ${cut ? `the ${row.length} shown already sum to ${shown}, so the rest share ${show(Math.round((1 - total) * 1e4) / 1e4)}` : `these ${row.length} sum to ${shown} (float32 rounding can print 0.9999999)`}.${top ? ` The largest, ${show(row[k])}, is at position ${k} counted from 0, so the predicted class is ${k} (\`np.argmax(pred[0])\`).` : ''}`,
    },
  };
}

/**
 * The class a pasted prediction picks: a row of probabilities (summing to
 * about 1, as `predict` prints after a softmax, `1.2e-07` included) and a
 * question of which class or digit it is. The answer is the index of the
 * largest value, counted from 0, what `np.argmax` returns.
 */
function predictedClass(t: string): ArithResult | undefined {
  if (!/(predict|予測|出力|output|softmax|ソフトマックス)/i.test(t)) return undefined;
  const asks = /(どれ|どの|何番|なんばん|何の数字|答え|which|what (class|digit|number)|the answer|argmax|読み方|読め|読む|数字で|how (do|to) read|mean|as a (digit|number|class)|get the (digit|class|label|number)|(the |so |my )prediction (is|=)|what('s| is) (the|it'?s|its) prediction|予測(は|って)(何|なに|どれ|いくつ|[?？]|\.{2,}|…)|予測結果(は|って))/i.test(t);
  const sum = sumAsked(t);
  if (sum) return sum;
  const rows = [...t.matchAll(/\[([^\[\]]{5,400})\]/g)]
    .map((m) => numberList(m[1]))
    .filter((l): l is number[] => !!l && l.length >= 3 && l.every((v) => v >= 0 && v <= 1) && Math.abs(l.reduce((a, b) => a + b, 0) - 1) < 0.02);
  if (rows.length === 0) return undefined;
  const picks = rows.slice(0, 3).map((r) => {
    const k = argmaxOf(r);
    return { k, p: r[k], n: r.length };
  });
  const one = picks.length === 1;
  const n = picks[0].n;
  // Outputs all close to 1/n: no class is preferred, whatever argmax says; the loss sits near ln(n).
  const flat = rows.slice(0, 3).every((r) => r.length === n && Math.max(...r) - Math.min(...r) <= 0.1 && Math.max(...r) <= 1 / n + 0.1);
  // A flat row needs no question about reading it: whatever was asked, it says the model has not learned.
  if (!asks && !flat) return undefined;
  if (flat) {
    const shown = rows[0].map((v) => show(v)).join(', ');
    const ln = Math.log(n).toFixed(2);
    return {
      topic: 'classification-softmax',
      text: {
        ja: `学習できていません。出力 [${shown}] は ${n} クラスにほぼ同じ確率（それぞれ約 1/${n} = ${show(1 / n, 2)}）を出していて、モデルはまだクラスを区別できていません。いちばん大きい値の位置はたまたまで、意味のある予測ではありません。このとき交差エントロピーの loss は ln(${n}) ≈ ${ln} 付近のはずで、学習の最初（ランダムな重み）の値のままです。学習率、入力の正規化、エポック数、損失関数とラベルの形（one-hot なら categorical_crossentropy、整数なら sparse_categorical_crossentropy）を確認してください。`,
        en: `The model has not learned. The outputs [${shown}] give the ${n} classes almost the same probability (about 1/${n} = ${show(1 / n, 2)} each), so it does not tell the classes apart yet; which value is largest is chance, not a prediction. The cross-entropy loss should then be near ln(${n}) ≈ ${ln}, where training from random weights starts. Check the learning rate, the input scaling, the number of epochs, and that the loss matches the labels (categorical_crossentropy for one-hot, sparse_categorical_crossentropy for integers).`,
      },
    };
  }
  // Three outputs in a question about Iris: the class is a species.
  const iris = n === 3 && /(iris|アイリス|あやめ|アヤメ|花|品種|species|flowers?|setosa|versicolou?r|virginica)/i.test(t);
  const species = ['setosa', 'versicolor', 'virginica'];
  const pct = (p: number) => `${(p * 100).toFixed(p >= 0.995 && p < 1 ? 2 : 1)}%`;
  const list = (ja: boolean) => picks.map((x, i) => (one ? '' : ja ? `${i + 1} 行目：` : `row ${i + 1}: `) + (ja ? `クラス ${x.k}${iris ? ` = ${species[x.k]}` : ''}（確率 ${show(x.p)} = ${pct(x.p)}）` : `class ${x.k}${iris ? ` = ${species[x.k]}` : ''} (probability ${show(x.p)} = ${pct(x.p)})`)).join(ja ? '、' : '; ');
  // A value printed in scientific notation (3.2e-05) read out: practically zero.
  const sci = /(\d(?:\.\d+)?)e-0*(\d+)/i.exec(t);
  const sciJa = sci ? `${sci[0]} は ${sci[1]} × 10^-${sci[2]}（= ${(Number(sci[1]) * 10 ** -Number(sci[2])).toFixed(Number(sci[2]) + 2).replace(/0+$/, '')}）という指数表記で、ほぼ 0 です。` : '';
  const sciEn = sci ? ` ${sci[0]} is scientific notation for ${sci[1]} × 10^-${sci[2]} (= ${(Number(sci[1]) * 10 ** -Number(sci[2])).toFixed(Number(sci[2]) + 2).replace(/0+$/, '')}), practically zero.` : '';
  const whatJa = iris ? 'Iris のクラス番号は 0 = setosa、1 = versicolor、2 = virginica です（load_iris の target_names の順）。' : n === 10 ? 'MNIST ならその番号がそのまま数字です。' : '';
  const whatEn = iris ? ' Iris classes are 0 = setosa, 1 = versicolor, 2 = virginica (the order of load_iris().target_names).' : n === 10 ? ' For MNIST that position is the digit itself.' : '';
  return {
    topic: 'classification-softmax',
    text: {
      ja: `予測は${list(true)}です。出力の ${n} 個の値はクラス 0〜${n - 1} の確率（合計 1）で、いちばん大きい値の位置（0 から数えた番号）が予測したクラスです。${whatJa}${sciJa}コードでは \`np.argmax(pred, axis=1)\` で各行のクラスが、1 枚なら \`np.argmax(pred[0])\` で得られます。`,
      en: `The prediction is ${list(false)}. The ${n} values are the probabilities of classes 0-${n - 1} (they sum to 1), and the position of the largest (counted from 0) is the predicted class.${whatEn}${sciEn} In code, \`np.argmax(pred, axis=1)\` gives each row's class (\`np.argmax(pred[0])\` for a single image).`,
    },
  };
}

export function computeArithmetic(text: string): ArithResult[] {
  const t = text.normalize('NFKC');
  const out: ArithResult[] = [];
  for (const f of [activations, listLoss, crossEntropyVectors, crossEntropy, byHand, minMax, toCategorical, padSequences, historyBest, decayedRate, standardizeList, standardize, weightMemory, tensorMemory, trainableFromSummary, rmse, sigmoidOutput, singleLogits, networkTable, perceptron, cosine, softmaxCrossEntropyGrad, momentumSteps, vanishing, pixelScale, layerSizes, epochsForUpdates, splitSizes, earlyStopping, augmentRanges, predictedClass, layerOutputSize, flattenDense, oneHotRow, convMaps, batchNormCount, transferHead, fullBatch, oneHotPrinted, oneHotLabel, oneHotTwice, lossAboveOne, batchNormList, standardizedWeights, lrSweep]) {
    const r = f(t);
    if (r) out.push(r);
    // The gradient of softmax + cross-entropy already gives the loss of the true class.
    if (r && f === softmaxCrossEntropyGrad) for (let k = out.length - 2; k >= 0; k--) if (out[k].topic === 'loss-function' && /−ln/.test(out[k].text.en)) out.splice(k, 1);
  }
  return out;
}
