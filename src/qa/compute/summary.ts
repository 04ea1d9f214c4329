/**
 * A pasted `model.summary()` table explained row by row: where each output
 * shape and each "Param #" comes from (the kernel and input channels of a
 * Conv2D read back from its count, the pool size of a pooling layer, the
 * product a Flatten makes, the inputs × units + biases of a Dense), and the
 * total checked against the table's own. Both layouts are read: the classic
 * one of dashes and the boxed one of newer Keras versions (│ … │).
 */
import type { Lang } from '../../core/lang.ts';
import { formatCount as fmt } from './keras.ts';

export interface SummaryRow {
  name: string;
  kind: string;
  /** Output shape without the batch axis. */
  shape: number[];
  params: number;
}

const KINDS: [RegExp, string][] = [
  [/^conv2d|^Conv2D/i, 'Conv2D'],
  [/^max_?pooling2d|^MaxPooling/i, 'MaxPooling2D'],
  [/^average_?pooling2d|^AveragePooling/i, 'AveragePooling2D'],
  [/^global_?average|^GlobalAverage/i, 'GlobalAveragePooling2D'],
  [/^flatten/i, 'Flatten'],
  [/^dense/i, 'Dense'],
  [/^dropout/i, 'Dropout'],
  [/^batch_?normalization|^BatchNorm/i, 'BatchNormalization'],
  [/^input/i, 'InputLayer'],
];

function kindOf(name: string, type: string): string {
  for (const [re, k] of KINDS) if (re.test(type) || re.test(name)) return k;
  return type || name;
}

/** The rows of a pasted summary table (at least two), or undefined. */
export function parseSummaryTable(text: string): SummaryRow[] | undefined {
  const rows: SummaryRow[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[│┃|]/g, ' ');
    const m = /^\s*([A-Za-z_][\w.]*)\s+\(([A-Za-z][\w]*)\)?\s*\(\s*None\s*((?:,\s*\d+\s*)*),?\s*\)\s+([\d,]+)\s*$/.exec(line);
    if (!m) continue;
    const shape = m[3]
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .map(Number);
    rows.push({ name: m[1], kind: kindOf(m[1], m[2] ?? ''), shape, params: Number(m[4].replace(/,/g, '')) });
  }
  return rows.length >= 2 ? rows : undefined;
}

const shapeText = (s: number[]) => `(None, ${s.join(', ')})`;

/** k and the input channels of a Conv2D from its parameter count, when they come out whole. */
function convKernel(params: number, filters: number, inChannels?: number): { k: number; cin: number } | undefined {
  const per = params / filters - 1;
  if (!Number.isInteger(per) || per <= 0) return undefined;
  if (inChannels) {
    const k = Math.sqrt(per / inChannels);
    return Number.isInteger(k) ? { k, cin: inChannels } : undefined;
  }
  for (const k of [3, 5, 1, 7, 2, 4])
    for (const cin of [1, 3]) if (k * k * cin === per) return { k, cin };
  return undefined;
}

/** One line per row, then the total. */
export function explainSummary(rows: SummaryRow[], lang: Lang, statedTotal?: number): string {
  const ja = lang === 'ja';
  const lines: string[] = [ja ? 'model.summary() の数字は、それぞれ次の計算から出ています：' : 'Where each number of your summary comes from:'];
  let prev: number[] | undefined;
  let total = 0;
  rows.forEach((r, i) => {
    total += r.params;
    const head = `${i + 1}. ${r.name} (${r.kind}) ${shapeText(r.shape)}, ${fmt(r.params)}`;
    let why = '';
    if (r.kind === 'Conv2D' && r.shape.length === 3) {
      const f = r.shape[2];
      const cin = prev && prev.length === 3 ? prev[2] : undefined;
      const kc = convKernel(r.params, f, cin);
      if (kc) {
        const { k } = kc;
        const weights = `(${k}×${k}×${kc.cin} + 1) × ${f} = ${fmt(r.params)}`;
        let size = '';
        if (prev && prev.length === 3) {
          if (prev[0] - k + 1 === r.shape[0]) size = ja ? `高さと幅は ${prev[0]} − ${k} + 1 = ${r.shape[0]}（padding なし）。` : ` Height and width: ${prev[0]} − ${k} + 1 = ${r.shape[0]} (no padding).`;
          else if (prev[0] === r.shape[0]) size = ja ? `padding='same' なので高さと幅は ${prev[0]} のまま。` : ` With padding='same' the height and width stay ${prev[0]}.`;
        } else if (i === 0 || !prev) {
          const inH = r.shape[0] + k - 1;
          // The table does not show the input or the padding: both readings are given.
          size = ja
            ? `入力は padding='same' なら (${r.shape[0]}, ${r.shape[0]}, ${kc.cin})、padding なしなら (${inH}, ${inH}, ${kc.cin})（${inH} − ${k} + 1 = ${r.shape[0]}）です。`
            : ` The input is (${r.shape[0]}, ${r.shape[0]}, ${kc.cin}) with padding='same', or (${inH}, ${inH}, ${kc.cin}) without padding (${inH} − ${k} + 1 = ${r.shape[0]}).`;
        }
        const span = kc.cin === 1 ? (ja ? '入力は 1 チャンネル' : 'the input has one channel') : ja ? `入力の ${kc.cin} チャンネルすべてにまたがる` : `spanning all ${kc.cin} input channels`;
        why = ja
          ? `${f} 枚のフィルターがそれぞれ ${k}×${k}×${kc.cin}（${span}）の重みとバイアス 1 個を持つので ${weights}。${size}`
          : `: ${f} filters, each with ${k}×${k}×${kc.cin} weights (${span}) and one bias: ${weights}.${size}`;
      }
    } else if ((r.kind === 'MaxPooling2D' || r.kind === 'AveragePooling2D') && prev && prev.length === 3 && r.shape.length === 3) {
      const p = Math.round(prev[0] / r.shape[0]);
      // An odd size that grew on division was rounded up: padding='same' (7 → 4 with 2×2, where 'valid' gives 3).
      const up = Math.floor(prev[0] / p) !== r.shape[0] && Math.ceil(prev[0] / p) === r.shape[0];
      why = up
        ? ja
          ? `${p}×${p} のプーリングで、padding='same' なので高さと幅は ${prev[0]} ÷ ${p} の切り上げ = ${r.shape[0]}（既定の padding='valid' なら切り捨てで ${Math.floor(prev[0] / p)}）、チャンネル数 ${r.shape[2]} はそのまま。重みを持たないので 0。`
          : `: ${p}×${p} pooling with padding='same' takes the height and width to ceil(${prev[0]} / ${p}) = ${r.shape[0]} (the default padding='valid' would round down to ${Math.floor(prev[0] / p)}) and keeps the ${r.shape[2]} channels; it has no weights, so 0.`
        : ja
          ? `${p}×${p} のプーリングで高さと幅は ${prev[0]} ÷ ${p} の切り捨て = ${r.shape[0]}、チャンネル数 ${r.shape[2]} はそのまま。重みを持たないので 0。`
          : `: ${p}×${p} pooling takes the height and width to floor(${prev[0]} / ${p}) = ${r.shape[0]} and keeps the ${r.shape[2]} channels; it has no weights, so 0.`;
    } else if (r.kind === 'Flatten' && prev) {
      why = ja
        ? `${prev.join('×')} = ${fmt(r.shape[0])} 個の値を 1 列に並べ直すだけなので 0。`
        : `: it lines the ${prev.join('×')} = ${fmt(r.shape[0])} values up in one row; no weights, so 0.`;
    } else if (r.kind === 'Dense' && prev && prev.length >= 1) {
      const nIn = prev[prev.length - 1];
      const u = r.shape[r.shape.length - 1];
      if ((nIn + 1) * u === r.params) {
        why = ja
          ? `入力 ${fmt(nIn)} 個 × ユニット ${u} 個の重み + バイアス ${u} 個 = ${fmt(nIn)}×${u} + ${u} = ${fmt(r.params)}。`
          : `: ${fmt(nIn)} inputs × ${u} units of weights plus ${u} biases = ${fmt(nIn)}×${u} + ${u} = ${fmt(r.params)}.`;
      }
    } else if (r.kind === 'Dense' && !prev && r.shape.length === 1 && r.params > 0) {
      // The first row with no input shown: the count itself gives the inputs, (n + 1) × units.
      const u = r.shape[0];
      const nIn = r.params / u - 1;
      if (Number.isInteger(nIn) && nIn >= 1) {
        const mnist = nIn === 784 ? (ja ? '784 は 28×28 の画像 1 枚を 1 列に並べた数です。' : ' 784 is one 28×28 image laid out in one row.') : '';
        why = ja
          ? `入力は ${fmt(nIn)} 個と読めます（${fmt(r.params)} ÷ ${u} − 1 = ${fmt(nIn)}）。入力 ${fmt(nIn)} 個 × ユニット ${u} 個の重み + バイアス ${u} 個 = ${fmt(nIn)}×${u} + ${u} = ${fmt(r.params)}。${mnist}`
          : `: the count gives ${fmt(nIn)} inputs (${fmt(r.params)} / ${u} − 1 = ${fmt(nIn)}): ${fmt(nIn)} inputs × ${u} units of weights plus ${u} biases = ${fmt(nIn)}×${u} + ${u} = ${fmt(r.params)}.${mnist}`;
      }
    } else if (r.kind === 'Dropout') {
      why = ja ? '形はそのまま、重みなしで 0。' : ': same shape, no weights, so 0.';
    } else if (r.kind === 'BatchNormalization') {
      const c = r.shape[r.shape.length - 1];
      if (r.params === 4 * c) why = ja ? `チャンネルごとに 4 個（学習する γ, β と、学習しない移動平均・移動分散）で 4 × ${c} = ${fmt(r.params)}。` : `: 4 per channel (the trained γ and β, and the moving mean and variance, not trained): 4 × ${c} = ${fmt(r.params)}.`;
    }
    lines.push(ja ? `${head}：${why || '（計算は省略）'}` : `${head}${why || ''}`);
    prev = r.shape;
  });
  const check = statedTotal !== undefined && statedTotal !== total ? (ja ? `（表の Total params ${fmt(statedTotal)} と違う行があります）` : ` (the table's Total params says ${fmt(statedTotal)}: a row is missing)`) : '';
  lines.push(ja ? `合計 ${rows.map((r) => fmt(r.params)).join(' + ')} = ${fmt(total)}${check}。` : `Total: ${rows.map((r) => fmt(r.params)).join(' + ')} = ${fmt(total)}${check}.`);
  return lines.join('\n');
}

/**
 * A layer's parameter count as the asker reads it ("Conv2D(64, (3,3)) has
 * Param # 18496, why not 3×3×64+64?"): what the count says about the layer's
 * input, since the count depends on the input channels (Conv2D) or features
 * (Dense), which the layer's own arguments do not show.
 */
export function explainParamCount(text: string, lang: Lang): string | undefined {
  const t = text.normalize('NFKC');
  const count =
    /(?:param\s*#?|パラメータ(?:数)?)\s*(?:が|は|:|=)?\s*([\d,]{2,})|([\d,]{2,})\s*(?:params?|parameters|個のパラメータ)/i.exec(t) ??
    // "summaryだと 18496 って出てます", "summary shows 18,496"
    /summary\s*(?:だと|では|で|に|shows?|says|gives|prints)\s*(?:は)?\s*([\d,]{3,})/i.exec(t);
  if (!count) return undefined;
  // A depthwise or separable convolution counts differently: its own row, not a Conv2D read back.
  if (/\b(Depthwise|Separable)Conv[12]D\b/.test(t)) return undefined;
  const n = Number((count[1] ?? count[2]).replace(/,/g, ''));
  const ja = lang === 'ja';
  // A Conv2D call, or its filters told in words: "64 3x3 filters", 「3×3 のフィルター 64 枚」.
  const conv =
    /Conv2D\(\s*(\d+)\s*,\s*(?:\(\s*(\d+)\s*,\s*\d+\s*\)|(?:kernel_size\s*=\s*)?(\d+))/.exec(t) ??
    /(?<![\d.,])(\d{1,4})\s+(?:of\s+)?(?:(\d)\s*[x×]\s*\d)\s*(?:conv(?:olution(?:al)?)?\s+)?(?:filters|kernels)\b/i.exec(t) ??
    (() => {
      const m = /(\d)\s*[x×]\s*\d\s*の?\s*(?:フィルタ|フィルター|カーネル)\s*(?:を|が)?\s*(\d{1,4})\s*(?:枚|個)/.exec(t);
      return m ? ([m[0], m[2], m[1], undefined] as unknown as RegExpExecArray) : null;
    })();
  if (conv) {
    const f = Number(conv[1]);
    const k = Number(conv[2] ?? conv[3]);
    const cin = (n / f - 1) / (k * k);
    if (!Number.isInteger(cin) || cin < 1) return undefined;
    const w = k * k * cin * f;
    // The input's channels written in the question (input_shape=(28, 28, 1)): the count follows directly.
    const shapeM = /input_shape\s*=\s*\(([^()]*)\)/.exec(t);
    const given = shapeM ? Number(shapeM[1].split(',').map((x) => x.trim()).filter(Boolean).pop()) === cin : false;
    if (given) {
      return ja
        ? `${fmt(n)} = (${k}×${k}×${cin} + 1) × ${f} です。${k}×${k} のカーネルが入力の ${cin} チャンネル（input_shape の最後の ${cin}）に重なるので、フィルター 1 枚の重みは ${k}×${k}×${cin} = ${k * k * cin} 個、それが ${f} 枚で ${k}×${k}×${cin}×${f} = ${fmt(w)}、フィルターごとのバイアス ${f} 個を足して ${fmt(w)} + ${f} = ${fmt(n)} です。カーネルの各重みは学習されるパラメータです。`
        : `${fmt(n)} = (${k}×${k}×${cin} + 1) × ${f}. Each ${k}×${k} kernel spans the input's ${cin} channel${cin === 1 ? '' : 's'} (the last number of input_shape), so one filter has ${k}×${k}×${cin} = ${k * k * cin} weights; ${f} filters make ${k}×${k}×${cin}×${f} = ${fmt(w)}, plus one bias per filter: ${fmt(w)} + ${f} = ${fmt(n)}. Every kernel weight is a learned parameter.`;
    }
    return ja
      ? `${fmt(n)} で合っています。Conv2D の各フィルターは ${k}×${k} の窓を入力のチャンネル全部に重ねて持つので、重みはフィルター 1 枚あたり ${k}×${k}×（入力のチャンネル数）です。(${k}×${k}×c + 1) × ${f} = ${fmt(n)} を解くと c = ${cin}：この層への入力は ${cin} チャンネル（最初の層なら${cin === 3 ? 'カラー画像の赤・緑・青（VGG16 の最初の層がそう）' : ' input_shape の最後の数'}、そうでなければ前の層の出力のチャンネル数）です。重み ${k}×${k}×${cin}×${f} = ${fmt(w)} にバイアス ${f} 個を足して ${fmt(n)}。${k}×${k}×${f} + ${f} = ${fmt(k * k * f + f)} になるのは入力が 1 チャンネルのときだけです。`
      : `${fmt(n)} is right. Each filter of a Conv2D lays its ${k}×${k} window over every input channel, so it has ${k}×${k}×(input channels) weights. Solving (${k}×${k}×c + 1) × ${f} = ${fmt(n)} gives c = ${cin}: this layer's input has ${cin} channels (${cin === 3 ? 'the red, green and blue of a colour image for a first layer, as in VGG16' : 'the last number of input_shape for a first layer'}, otherwise the channels of the previous layer's output). Weights ${k}×${k}×${cin}×${f} = ${fmt(w)}, plus ${f} biases = ${fmt(n)}. ${k}×${k}×${f} + ${f} = ${fmt(k * k * f + f)} would hold only for a one-channel input.`;
  }
  const dense = /Dense\(\s*(?:units\s*=\s*)?(\d+)/.exec(t);
  if (dense && !/Conv2D|Flatten\(/.test(t)) {
    const u = Number(dense[1]);
    const nIn = n / u - 1;
    if (!Number.isInteger(nIn) || nIn < 1) return undefined;
    return ja
      ? `Dense(${u}) のパラメータ数は（入力の数 + 1）× ${u} です。(x + 1) × ${u} = ${fmt(n)} を解くと、この層への入力は ${fmt(nIn)} 個：重み ${fmt(nIn)}×${u} = ${fmt(nIn * u)} にバイアス ${u} 個を足して ${fmt(n)}。`
      : `A Dense(${u}) layer has (inputs + 1) × ${u} parameters. Solving (x + 1) × ${u} = ${fmt(n)}, this layer gets ${fmt(nIn)} inputs: ${fmt(nIn)}×${u} = ${fmt(nIn * u)} weights plus ${u} biases = ${fmt(n)}.`;
  }
  return undefined;
}

/**
 * One row of a summary quoted in prose with the layer before it
 * ("conv2d_1 (Conv2D) (None, 14, 14, 50) 33800; the one before is
 * (None, 14, 14, 75), is that right?"): the count checked against the input
 * the asker names, (k×k×channels + 1) × filters for a Conv2D,
 * (inputs + 1) × units for a Dense.
 */
export function checkQuotedRow(text: string, lang: Lang): string | undefined {
  const t = text.normalize('NFKC');
  const row = /\b[A-Za-z_][\w.]*\s+\((Conv2D|Dense)\)\s*\(\s*None\s*((?:,\s*\d+\s*){1,3})\)\s+([\d,]{2,})(?![\d,])/.exec(t);
  if (!row) return undefined;
  const out = row[2].split(',').map((x) => x.trim()).filter(Boolean).map(Number);
  const n = Number(row[3].replace(/,/g, ''));
  // The input: another output shape named in the text, not the row's own.
  const rest = t.slice(0, row.index) + ' ' + t.slice(row.index + row[0].length);
  const prev = /\(\s*None\s*((?:,\s*\d+\s*){1,3})\)/.exec(rest);
  if (!prev) return undefined;
  const inShape = prev[1].split(',').map((x) => x.trim()).filter(Boolean).map(Number);
  const ja = lang === 'ja';
  const units = out[out.length - 1];
  const cin = inShape[inShape.length - 1];
  if (row[1] === 'Conv2D') {
    if (out.length !== 3 || inShape.length !== 3) return undefined;
    const kernel = convKernel(n, units, cin);
    if (kernel) {
      const { k } = kernel;
      const w = k * k * cin * units;
      return ja
        ? `${fmt(n)} で合っています。入力が ${cin} チャンネルなので、${k}×${k} のフィルター 1 枚は ${k}×${k}×${cin} = ${fmt(k * k * cin)} 個の重み（入力のチャンネル全部にまたがる）を持ちます。それが ${units} 枚で ${k}×${k}×${cin}×${units} = ${fmt(w)}、フィルターごとのバイアス ${units} 個を足して ${fmt(w)} + ${units} = ${fmt(n)}、つまり (${k}×${k}×${cin} + 1) × ${units} です。縦横の大きさ（${inShape[0]}×${inShape[1]}）はパラメータ数に関係しません。`
        : `${fmt(n)} is right. The input has ${cin} channels, so each ${k}×${k} filter has ${k}×${k}×${cin} = ${fmt(k * k * cin)} weights (it spans every input channel); ${units} filters make ${k}×${k}×${cin}×${units} = ${fmt(w)}, plus one bias per filter: ${fmt(w)} + ${units} = ${fmt(n)}, i.e. (${k}×${k}×${cin} + 1) × ${units}. The height and width (${inShape[0]}×${inShape[1]}) do not enter the count.`;
    }
    const three = (9 * cin + 1) * units;
    return ja
      ? `入力が ${cin} チャンネルなら、3×3 のカーネルで (3×3×${cin} + 1) × ${units} = ${fmt(three)} になるはずです。${fmt(n)} はどの正方形のカーネルでも ${cin} チャンネルの入力とは合わないので、この層の本当の入力（直前の層の出力の最後の数）かカーネルの大きさを確かめてください。`
      : `With ${cin} input channels a 3×3 kernel gives (3×3×${cin} + 1) × ${units} = ${fmt(three)}. ${fmt(n)} fits no square kernel on ${cin} channels, so check this layer's real input (the last number of the previous layer's output) or its kernel size.`;
  }
  if (out.length !== 1 || inShape.length !== 1) return undefined;
  const want = (cin + 1) * units;
  return want === n
    ? ja
      ? `${fmt(n)} で合っています。Dense は入力 ${cin} 個すべてとユニット ${units} 個を結ぶので、重み ${cin}×${units} = ${fmt(cin * units)} にユニットごとのバイアス ${units} 個を足して (${cin} + 1) × ${units} = ${fmt(n)} です。`
      : `${fmt(n)} is right. A Dense layer connects all ${cin} inputs to each of its ${units} units: ${cin}×${units} = ${fmt(cin * units)} weights plus one bias per unit, (${cin} + 1) × ${units} = ${fmt(n)}.`
    : ja
      ? `入力が ${cin} 個なら (${cin} + 1) × ${units} = ${fmt(want)} になるはずで、${fmt(n)} とは合いません。この層の本当の入力（直前の層の出力の最後の数）を確かめてください。`
      : `With ${cin} inputs it should be (${cin} + 1) × ${units} = ${fmt(want)}, not ${fmt(n)}; check this layer's real input (the last number of the previous layer's output).`;
}
