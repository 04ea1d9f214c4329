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

export interface ArithResult {
  topic: TopicSlug;
  text: Record<Lang, string>;
}

const NUM = String.raw`[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?`;

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

/** Activation functions applied to numbers: `sigmoid(0)`, `relu(-3)`, `softmax([3, 1])`, "sigmoid at 0". */
function activations(t: string): ArithResult | undefined {
  const values: { f: string; x: number | number[] }[] = [];
  for (const m of t.matchAll(new RegExp(String.raw`\b(sigmoid|relu|tanh|softmax|σ)\s*\(\s*(\[[^\]]*\]|${NUM})\s*\)`, 'gi'))) {
    const arg = m[2].startsWith('[') ? numberList(m[2].slice(1, -1)) : toNum(m[2]);
    if (arg !== undefined) values.push({ f: m[1].toLowerCase() === 'σ' ? 'sigmoid' : m[1].toLowerCase(), x: arg });
  }
  for (const m of t.matchAll(new RegExp(String.raw`\b(sigmoid|relu|tanh)(?:'s)?\s+(?:derivative\s+)?(?:at|of)\s+(?:x\s*=\s*)?(${NUM})`, 'gi'))) {
    values.push({ f: m[1].toLowerCase(), x: toNum(m[2]) });
  }
  for (const m of t.matchAll(new RegExp(String.raw`(sigmoid|relu|tanh|シグモイド)\s*(?:の|で)?\s*(?:x\s*=\s*)?(${NUM})\s*(?:の|で|のとき|における)`, 'gi'))) {
    values.push({ f: /シグモイド/.test(m[1]) ? 'sigmoid' : m[1].toLowerCase(), x: toNum(m[2]) });
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
    if (Array.isArray(x)) {
      if (f !== 'softmax') continue;
      const p = softmax(x);
      const line = `softmax([${x.map((v) => show(v)).join(', ')}]) = [${p.map((v) => show(v, 3)).join(', ')}]`;
      ja.push(`${line}（各 e^x を合計で割った値で、合計は 1。全部の値に同じ数を足しても結果は変わりません）`);
      en.push(`${line} (each e^x divided by their sum, so they add up to 1; adding the same number to every input leaves it unchanged)`);
      continue;
    }
    if (f === 'sigmoid') {
      const s = sigmoid(x);
      ja.push(`sigmoid(${show(x)}) = 1 / (1 + e^${x === 0 ? '0' : `(${show(-x)})`}) = ${show(s)}` + (wantsDerivative ? `、微分 σ'(${show(x)}) = σ(1 − σ) = ${show(s * (1 - s))}` : ''));
      en.push(`sigmoid(${show(x)}) = 1 / (1 + e^${x === 0 ? '0' : `(${show(-x)})`}) = ${show(s)}` + (wantsDerivative ? `; derivative σ'(${show(x)}) = σ(1 − σ) = ${show(s * (1 - s))}` : ''));
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
  if (!/(mse|mae|二乗|2乗|平均.{0,4}誤差|squared|absolute error|loss|損失|ロス)/i.test(t)) return undefined;
  const lists = [...t.matchAll(/\[([^\[\]]{1,200})\]/g)].map((m) => ({ at: m.index!, xs: numberList(m[1]) })).filter((l): l is { at: number; xs: number[] } => !!l.xs && l.xs.length >= 2);
  if (lists.length < 2 || lists[0].xs.length !== lists[1].xs.length) return undefined;
  // Which list is the prediction: the one named 予測/pred/ŷ right before it.
  const label = (at: number) => t.slice(Math.max(0, at - 25), at);
  let [pred, truth] = [lists[0].xs, lists[1].xs];
  if (/(正解|true|target|actual|label|ラベル|実際|y_true|\by\s*[=:]\s*$)/i.test(label(lists[0].at)) && /(予測|pred|ŷ|y_hat|output|出力)/i.test(label(lists[1].at))) [pred, truth] = [truth, pred];
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
        `MSE = ${show(mse)} です。誤差（予測 − 正解）は ${diffs}、二乗すると ${sqs} = ${show(sse)}（二乗誤差の合計）、これを ${n} 個で割った平均が MSE = ${show(sse)} / ${n} = ${show(mse)} です。` +
        (claimed !== undefined ? `${show(claimed)} は合計で、Keras の loss='mse' は平均なので値が合わなかったのです。` : 'Keras の `loss=\'mse\'` はこの平均（バッチ内の平均）です。') +
        `MAE（絶対誤差の平均）なら ${show(mae)} です。`,
      en:
        `MSE = ${show(mse)}. The errors (prediction − truth) are ${diffs}; squared: ${sqs} = ${show(sse)} (the sum of squared errors); the mean over ${n} values is MSE = ${show(sse)} / ${n} = ${show(mse)}. ` +
        (claimed !== undefined ? `Your ${show(claimed)} is the sum; Keras's loss='mse' is the mean, which is why they differ. ` : "Keras's `loss='mse'` is this mean (over the batch). ") +
        `MAE (mean absolute error) would be ${show(mae)}.`,
    },
  };
}

/** Cross-entropy of given probabilities: −ln p for the true class; binary with a label 0 or 1. */
function crossEntropy(t: string): ArithResult | undefined {
  if (!/(cross-?entropy|crossentropy|交差エントロピー|クロスエントロピー|log ?loss|対数損失)/i.test(t)) return undefined;
  const ps = [...new Set([...t.matchAll(/(?<![\d.])(0\.\d+|1\.0+)(?!\d|\.\d)/g)].map((m) => Number(m[1])).filter((p) => p > 0 && p < 1))];
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
  return {
    topic: 'loss-function',
    text: {
      ja: `${ja.join('\n')}\n交差エントロピーは正解に付けた確率 p の −ln p（自然対数）です。p が 1 に近いほど 0 に近づき、正解に低い確率を付けるほど急に大きくなります。`,
      en: `${en.join('\n')}\nCross-entropy is −ln p of the probability p given to the true class (natural log): near 0 when p is close to 1, and it grows steeply as p falls.`,
    },
  };
}

function matrices(t: string): number[][][] {
  const out: number[][][] = [];
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
    const size = Number(/(?:pool_size\s*=\s*\(?|\b)(\d)\s*[x×,]\s*\1/.exec(t)?.[1] ?? 2);
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

/** A standardized value: (x − mean) / std with the numbers given. */
function standardize(t: string): ArithResult | undefined {
  if (!/(standardi[sz]|標準化|z-?score|standardscaler|標準偏差|\bstd\b)/i.test(t)) return undefined;
  const mean = new RegExp(`(?:mean|平均|μ)\\s*(?:is|=|:|は|が|of)?\\s*(${NUM})`, 'i').exec(t);
  const std = new RegExp(`(?:std|standard deviation|標準偏差|σ|sd)\\s*(?:is|=|:|は|が|of)?\\s*(${NUM})`, 'i').exec(t);
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
  const x = xs[xs.length - 1];
  const z = (x - mu) / sd;
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
  if (!/(memory|メモリ|\b[MG]B\b|bytes?|バイト|容量|size on disk|ファイルサイズ)/i.test(t)) return undefined;
  const m = /(\d{1,3}(?:,\d{3})+|\d{4,})\s*(?:trainable\s+)?(?:params|parameters|パラメータ)/i.exec(t) ?? /(?:params|parameters|パラメータ)(?:数)?\s*(?:is|=|:|は|が)?\s*(\d{1,3}(?:,\d{3})+|\d{4,})/i.exec(t);
  if (!m) return undefined;
  const n = Number(m[1].replace(/,/g, ''));
  const mb = (n * 4) / 1e6;
  return {
    topic: 'gpu-usage',
    text: {
      ja: `${n.toLocaleString('en-US')} 個のパラメータは float32（1 個 4 バイト）で ${n.toLocaleString('en-US')} × 4 = ${(n * 4).toLocaleString('en-US')} バイト ≈ ${show(mb, 1)} MB です。学習中はこれに勾配と Adam の記録（重みと同じ大きさが 2 つ分）と、バッチごとの途中の計算結果が加わります。nvidia-smi のメモリ使用量がずっと大きいのは、TensorFlow が起動時に GPU メモリの大部分を確保しておくためです。`,
      en: `${n.toLocaleString('en-US')} parameters in float32 (4 bytes each) take ${n.toLocaleString('en-US')} × 4 = ${(n * 4).toLocaleString('en-US')} bytes ≈ ${show(mb, 1)} MB. Training adds the gradients, Adam's two running averages (each the size of the weights) and each batch's intermediate results. nvidia-smi shows far more because TensorFlow reserves most of the GPU's memory up front.`,
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

export function computeArithmetic(text: string): ArithResult[] {
  const t = text.normalize('NFKC');
  const out: ArithResult[] = [];
  for (const f of [activations, listLoss, crossEntropy, byHand, standardize, weightMemory, augmentRanges]) {
    const r = f(t);
    if (r) out.push(r);
  }
  return out;
}
