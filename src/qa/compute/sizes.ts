/**
 * Layer sizes asked about in words rather than in code: the output size of
 * a convolution or pooling described in prose ("a 3x3 kernel with strides=2
 * on a 28x28 image, no padding"; "MaxPooling2D((2,2)) on 27x27, does it
 * crash?"), and the Dense count after a Flatten read from the shapes the
 * asker quotes ("(None, 5, 5, 64) → flatten (None, 1600) → dense (None, 128)
 * with 204928 params"). Pasted models and summary tables are keras.ts's and
 * summary.ts's business; these fire only on prose.
 */
import type { ArithResult } from './arith.ts';
import { convOut, formatCount as fmt, summarizeModels } from './keras.ts';
import { parseSummaryTable } from './summary.ts';

const ASKS_SIZE = /(output|出力|size|サイズ|shape|形|何×何|何x何|いくつ|何になる|どうなる|どうなります|what (do|would) (i|you) get|what size|what (does|do|would) .{0,40}\bdo\b|comes? out|出てくる|crash|error|エラー|落ち|guess|予想)/i;

/** "28x28", "28×28", "28 x 28": square or not, the first two numbers. */
const PAIR = /(?<![\d.])(\d{1,4})\s*[x×＊*]\s*(\d{1,4})(?![\d.])/g;

/**
 * The output size of one convolution or pooling on an input, all given in
 * words. Undefined unless both an input size and a kernel or pool size are
 * found, and a size is asked about.
 */
export function layerOutputSize(t: string): ArithResult | undefined {
  // A model written as code has its own calculator (input_shape and the layer calls).
  // So is an error message (its sizes are the failing layer's, read by errors.ts).
  if (/input_shape|Input\s*\(|Sequential|Error\b|Traceback|Exception/i.test(t) || !ASKS_SIZE.test(t) || parseSummaryTable(t)) return undefined;
  // Nor a chain of layers in prose that keras.ts follows layer by layer (a pool after a convolution has its channels).
  if (summarizeModels(t).some((m) => m.rows.length >= 2)) return undefined;
  const pool = /(max|average|avg)?\s*pool(?:ing)?(?:2d)?\s*\(\s*\(?\s*(\d)\s*(?:,\s*\d\s*\)?)?|pool_size\s*(?:=|of|:)?\s*\(?\s*(\d)|(\d)\s*[x×]\s*\d\s*(?:の)?\s*(?:max ?)?(?:pool|プーリング)|(?:プーリング|pooling)\s*[(（]?\s*(\d)\s*[x×]/i.exec(t);
  const kernelWords = /(kernel|filter|カーネル|フィルタ)/i;
  // A product inside the asker's own sum ("9×16+16=160") is arithmetic, not a size.
  const pairs = [...t.matchAll(PAIR)]
    .map((m) => ({ a: Number(m[1]), b: Number(m[2]), at: m.index, end: m.index + m[0].length }))
    .filter((p) => !/^\s*[+=＋＝−-]/.test(t.slice(p.end)) && !/[+=＋＝−-]\s*$/.test(t.slice(0, p.at)));
  const kernelSize = /kernel_size\s*=\s*\(?\s*(\d)/i.exec(t) ?? /Conv2D\s*\(\s*\d+\s*,\s*\(?\s*(\d)/i.exec(t);
  // A shape written as a tuple, "(26, 26, 32)" or "(None, 26, 26, 32)": its height and width, and its channels.
  const tuple = /\(\s*(?:None\s*,\s*)?(\d{1,4})\s*,\s*(\d{1,4})\s*,\s*(\d{1,4})\s*\)/.exec(t);
  // Not when the layer calls themselves can be followed from it: keras.ts lays those out layer by layer.
  if (tuple && !pairs.length && !summarizeModels(t).some((m) => m.input && m.rows.length)) pairs.push({ a: Number(tuple[1]), b: Number(tuple[2]), at: tuple.index, end: tuple.index + tuple[0].length });
  // MaxPooling2D() with no arguments: Keras's default pool_size (2, 2).
  const bare = /(max|average|avg)pool(?:ing)?2d\s*\(\s*\)/i.exec(t);
  let k: number | undefined;
  let kernelPair: (typeof pairs)[number] | undefined;
  if (pool) k = Number(pool[2] ?? pool[3] ?? pool[4] ?? pool[5]);
  else if (bare) k = 2;
  else if (kernelSize) k = Number(kernelSize[1]);
  else {
    // The pair next to a kernel word is the kernel ("a 3x3 kernel", "カーネル 5×5").
    kernelPair = pairs.find((p) => p.a === p.b && p.a <= 11 && kernelWords.test(t.slice(Math.max(0, p.at - 12), p.end + 14)));
    if (kernelPair) k = kernelPair.a;
  }
  if (!k || k < 1) return undefined;
  // The input: the largest other pair, bigger than the kernel; in a chain of sizes the asker already
  // followed ("28x28→14x14→7x7, what comes after 7x7?") the last one.
  const sized = pairs.filter((p) => p !== kernelPair && p.a > k! && p.b > k!);
  const chained = sized.filter((p, i) => i > 0 && /^\s*(?:→|->|=>|⇒|➡)\s*$/.test(t.slice(sized[i - 1].end, p.at)));
  const input = chained.length ? chained[chained.length - 1] : sized.sort((x, y) => y.a * y.b - x.a * x.b)[0];
  if (!input) return undefined;
  const strideM = /strides?\s*(?:=|of|:)?\s*\(?\s*(\d)|ストライド\s*(?:を|は|=|が)?\s*(\d)|(\d)\s*(?:ピクセル|画素)?(?:ずつ|飛ばし)/i.exec(t);
  const pooled = pool ?? bare;
  const s = strideM ? Number(strideM[1] ?? strideM[2] ?? strideM[3]) : pooled ? k : 1;
  if (!(s >= 1)) return undefined;
  const same = /padding\s*=\s*['"]?same|same padding|padding ?same|['"]same['"]/i.test(t);
  const kind = pooled ? (/(average|avg)/i.test(pooled[1] ?? '') ? 'AveragePooling2D' : 'MaxPooling2D') : 'Conv2D';
  const valid = (n: number) => convOut(n, k!, s, 'valid').out;
  const sameOut = (n: number) => convOut(n, k!, s, 'same').out;
  const h = same ? sameOut(input.a) : valid(input.a);
  const w = same ? sameOut(input.b) : valid(input.b);
  // "28x28x32": the channels written with the size stay as they are.
  const triple = new RegExp(`(?<![\\d.])${input.a}\\s*[x×＊*]\\s*${input.b}\\s*[x×＊*]\\s*(\\d{1,4})(?![\\d.])`).exec(t) ?? (tuple && input.at === tuple.index ? [tuple[0], tuple[3]] : null);
  const dims = `${h}×${w}${triple && pooled ? `×${triple[1]}` : ''}`;
  const mathValid = (n: number) => `floor((${n} − ${k}) / ${s}) + 1 = ${valid(n)}`;
  const mathSame = (n: number) => `ceil(${n} / ${s}) = ${sameOut(n)}`;
  const square = input.a === input.b;
  const work = square ? (same ? mathSame(input.a) : mathValid(input.a)) : same ? `${mathSame(input.a)}, ${mathSame(input.b)}` : `${mathValid(input.a)}, ${mathValid(input.b)}`;
  const otherDims = square ? (same ? `${valid(input.a)}×${valid(input.a)}` : `${sameOut(input.a)}×${sameOut(input.a)}`) : undefined;
  // The other padding's size, when it differs.
  const other = otherDims !== `${h}×${w}` ? otherDims : undefined;
  // Rows or columns the window never reaches are dropped (valid), never an error.
  const leftover = !same && (input.a - k) % s !== 0;
  const ja =
    `${dims} になります（${kind}、${k}×${k}、strides=${s}、padding='${same ? 'same' : 'valid'}'：${work}）。` +
    (bare && !strideM && !same ? `引数なしの ${kind}() は既定値 pool_size=(2, 2)、strides=None（pool_size と同じ 2）、padding='valid' です。` : '') +
    (other ? `padding='${same ? 'valid' : 'same'}' なら ${other} です。` : '') +
    (leftover ? `割り切れない分はエラーにならず、最後の ${(input.a - k) % s} 行・列が使われずに捨てられます（切り捨て）。` : '') +
    (kind === 'Conv2D' ? '' : `${kind === 'MaxPooling2D' ? `重ならない ${k}×${k} のブロックごとに最大値を 1 つ残すので、` : ''}チャンネル数は変わらず、学習する重みはなくパラメータは 0 です。${kind === 'MaxPooling2D' ? '特徴マップを縮めて計算を減らし、位置の小さなずれに強くなります。' : ''}`);
  const en =
    `${dims} (${kind}, ${k}×${k}, strides=${s}, padding='${same ? 'same' : 'valid'}': ${work}).` +
    (bare && !strideM && !same ? ` With no arguments ${kind}() uses its defaults: pool_size=(2, 2), strides=None (the same as pool_size, 2), padding='valid'.` : '') +
    (other ? ` With padding='${same ? 'valid' : 'same'}' it would be ${other}.` : '') +
    (leftover ? ` It does not crash: ${(input.a - k) % s === 1 ? 'the last row and column, which the window cannot reach, are' : `the last ${(input.a - k) % s} rows and columns, which the window cannot reach, are`} dropped (rounded down).` : '') +
    (kind === 'Conv2D' ? '' : `${kind === 'MaxPooling2D' ? ` Each non-overlapping ${k}×${k} block keeps only its largest value;` : ''} the channels stay the same, and it learns nothing: 0 parameters.${kind === 'MaxPooling2D' ? ' It shrinks the feature maps (less computation) and makes the result tolerate small shifts of the input.' : ''}`);
  // "…and how many params for 16 such filters on a grayscale image?": the count too.
  const filtersM = /(\d+)\s*(?:such\s+|of (?:these|them)\s+)?(?:filters|kernels)|(?:filters\s*=\s*|フィルター?\s*(?:を|が)?\s*)(\d+)|(\d+)\s*(?:枚|個)の?(?:フィルター?|カーネル)/i.exec(t);
  const channelsM = /(grayscale|grey|gray|白黒|グレースケール|1 ?channel|1 ?チャンネル)|(rgb|colou?r|カラー|3 ?channels?|3 ?チャンネル)/i.exec(t);
  let count = { ja: '', en: '' };
  if (!pooled && filtersM && /(param|パラメー?タ|weights?|重み)/i.test(t)) {
    const f = Number(filtersM[1] ?? filtersM[2] ?? filtersM[3]);
    const c = channelsM?.[2] ? 3 : 1;
    const p = (k * k * c + 1) * f;
    const assumed = channelsM ? '' : c === 1 ? ' (taking a one-channel, grey-scale input)' : '';
    count = {
      ja: `パラメータは (${k}×${k}×${c} + 1) × ${f} = ${fmt(p)} 個です（カーネル ${k}×${k}×${c} の重みとバイアス 1 個がフィルターごとに。入力の大きさには関係しません${channelsM ? '' : '。1 チャンネルの白黒画像として計算'}）。`,
      en: ` Parameters: (${k}×${k}×${c} + 1) × ${f} = ${fmt(p)} (each filter has ${k}×${k}×${c} kernel weights and one bias, whatever the image size${assumed}).`,
    };
  }
  return { topic: pooled ? 'pooling' : 'cnn-convolution', text: { ja: ja + count.ja, en: en + count.en } };
}

/**
 * A Dense layer after a Flatten, from the shapes the asker quotes: the
 * flattened size (h × w × c) and the count (inputs × units + units). Fires
 * when a 4-axis shape, a Dense output (None, units) and the count (or a
 * question about it) are all there.
 */
export function flattenDense(t: string): ArithResult | undefined {
  // A pasted summary table is explained row by row by summary.ts.
  if (!/flatten/i.test(t) || !/dense/i.test(t) || parseSummaryTable(t)) return undefined;
  const four = /\(\s*None\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)/.exec(t);
  if (!four) return undefined;
  const [h, w, c] = [Number(four[1]), Number(four[2]), Number(four[3])];
  const flat = h * w * c;
  const units = [...t.matchAll(/\(\s*None\s*,\s*(\d+)\s*\)/g)].map((m) => Number(m[1])).filter((u) => u !== flat);
  const denseCall = /Dense\s*\(\s*(\d+)/.exec(t);
  const u = units[0] ?? (denseCall ? Number(denseCall[1]) : undefined);
  if (!u) return undefined;
  const params = flat * u + u;
  const counts = [...t.matchAll(/(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d{3,})(?![\d.,])/g)].map((m) => Number(m[1].replace(/,/g, '')));
  const stated = counts.find((n) => n !== flat && n !== u && n > u);
  if (stated === undefined && !/(param|パラメー?タ|how many|何個|いくつ|walk|計算)/i.test(t)) return undefined;
  const agrees = stated === undefined || stated === params;
  const ja =
    `Flatten は (${h}, ${w}, ${c}) を ${h} × ${w} × ${c} = ${fmt(flat)} 個の値の 1 列に並べ直します（パラメータ 0）。` +
    `続く Dense(${u}) は入力 ${fmt(flat)} 個それぞれと ${u} ユニットを結ぶ重み ${fmt(flat)} × ${u} = ${fmt(flat * u)} に、ユニットごとのバイアス ${u} を足して ${fmt(flat)} × ${u} + ${u} = ${fmt(params)} です。` +
    (agrees ? '' : `（表示の ${fmt(stated!)} とは合わないので、Flatten の直前の形か Dense のユニット数を確かめてください。）`);
  const en =
    `Flatten lays (${h}, ${w}, ${c}) out as one row of ${h} × ${w} × ${c} = ${fmt(flat)} values (0 parameters). ` +
    `The Dense(${u}) after it connects each of those ${fmt(flat)} inputs to each of the ${u} units, ${fmt(flat)} × ${u} = ${fmt(flat * u)} weights, plus one bias per unit: ${fmt(flat)} × ${u} + ${u} = ${fmt(params)}.` +
    (agrees ? '' : ` (That is not the ${fmt(stated!)} you see, so check the shape right before Flatten or the Dense units.)`);
  return { topic: 'cnn-convolution', text: { ja, en } };
}
