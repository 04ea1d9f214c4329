/**
 * Counts asked about in words, where the asker names a layer or a setting
 * but pastes no model: how many feature maps a Conv2D makes on a colour
 * image (and its parameters), what BatchNormalization's trainable and
 * non-trainable parameters are, what a frozen VGG16 with a new head counts,
 * and how many weight updates a huge batch size leaves per epoch. Pasted
 * models and summary tables are keras.ts's and summary.ts's business.
 */
import type { ArithResult } from './arith.ts';
import { formatCount as fmt } from './keras.ts';
import { computeSteps } from './steps.ts';

/** A model written as code, or a pasted summary: the model calculators read it. */
const PASTED_MODEL = /input_shape|Input\s*\(|Sequential\s*\(|\(None,/;

/** Input channels named in words: colour / RGB → 3, grey-scale → 1, "N channels". */
function channelsInWords(t: string): number | undefined {
  const n = /(\d+)\s*(?:channels?|チャンネル|ch\b)/i.exec(t);
  if (n) return Number(n[1]);
  if (/(rgb|colou?r|カラー)/i.test(t)) return 3;
  if (/(grayscale|greyscale|gr[ae]y|白黒|グレースケール|モノクロ)/i.test(t)) return 1;
  return undefined;
}

/** Conv2D(f, (k, k)) on an input of c channels: f feature maps, not f × c, and (k·k·c + 1) · f parameters. */
export function convMaps(t: string): ArithResult | undefined {
  if (PASTED_MODEL.test(t)) return undefined;
  const conv = /Conv2D\s*\(\s*(?:filters\s*=\s*)?(\d+)\s*,\s*(?:kernel_size\s*=\s*)?\(?\s*(\d+)/.exec(t);
  if (!conv) return undefined;
  if (!/(feature ?maps?|特徴マップ|何枚|枚数|how many (maps|outputs|images|channels)|output channels|出力チャンネル|チャンネル数)/i.test(t)) return undefined;
  const c = channelsInWords(t);
  if (!c || c < 2) return undefined;
  const f = Number(conv[1]);
  const k = Number(conv[2]);
  const p = (k * k * c + 1) * f;
  return {
    topic: 'cnn-convolution',
    text: {
      ja: `特徴マップは ${f} 枚です（フィルターの数 = 出力のチャンネル数）。入力が ${c} チャンネルでも ${f}×${c} = ${f * c} 枚にはなりません：各フィルターは ${k}×${k}×${c}（縦×横×入力の全チャンネル）の重みを持ち、${c} チャンネル分の掛け算をすべて足し合わせて 1 枚の特徴マップを作るからです。パラメータは (${k}×${k}×${c} + 1) × ${f} = ${fmt(p)} 個です（フィルターごとにバイアス 1 個）。`,
      en: `${f} feature maps: one per filter (the number of output channels). A ${c}-channel input does not make ${f}×${c} = ${f * c}: each filter has ${k}×${k}×${c} weights (height × width × every input channel) and adds the products over all ${c} channels into one map. Parameters: (${k}×${k}×${c} + 1) × ${f} = ${fmt(p)} (one bias per filter).`,
    },
  };
}

/** BatchNormalization's four numbers per channel: γ and β trained, the moving mean and variance not. */
export function batchNormCount(t: string): ArithResult | undefined {
  const bn = /BatchNorm(?:alization)?/i.exec(t);
  // Asked about what is (not) trained, or the count's breakdown: a bare BatchNormalization() in code is the model calculator's.
  if (!bn || !/(trainable|学習され|学習しない|何を学習|learn|Param\s*#|内訳|breakdown)/i.test(t)) return undefined;
  if (/\(None,/.test(t)) return undefined;
  // The channels: the layer written just before BatchNormalization, else the count the asker quotes.
  const before = [...t.slice(0, bn.index).matchAll(/(?:Conv2D|Dense)\s*\(\s*(?:filters\s*=\s*|units\s*=\s*)?(\d+)/g)].pop();
  const non = /non-trainable params\s*:?\s*([\d,]+)/i.exec(t);
  const stated = non ? Number(non[1].replace(/,/g, '')) : undefined;
  const c = before ? Number(before[1]) : stated && stated % 2 === 0 ? stated / 2 : undefined;
  if (!c) return undefined;
  const agrees = stated === undefined || stated === 2 * c;
  const ja =
    `BatchNormalization はチャンネル（ユニット）ごとに 4 個の値を持ちます：γ（scale）と β（offset）は勾配で学習され、moving_mean と moving_variance は勾配ではなく学習中のバッチの平均・分散から更新されるので Non-trainable に数えられます。` +
    `${c} チャンネルなら 4 × ${c} = ${fmt(4 * c)} 個、そのうち学習されるのが 2 × ${c} = ${fmt(2 * c)} 個、学習されない（Non-trainable）のが 2 × ${c} = ${fmt(2 * c)} 個です。` +
    (stated !== undefined ? (agrees ? `表示の Non-trainable params: ${fmt(stated)} はこの moving_mean と moving_variance です。` : `（表示の ${fmt(stated)} と合わないときは、ほかに凍結した層がないか確かめてください。）`) : '') +
    '予測（推論）のときは、この移動平均と移動分散で正規化します。';
  const en =
    `BatchNormalization keeps 4 values per channel (unit): γ (scale) and β (offset) are trained by the gradient, while moving_mean and moving_variance are updated from the batches' statistics, not by the gradient, so they count as non-trainable. ` +
    `With ${c} channels that is 4 × ${c} = ${fmt(4 * c)}: 2 × ${c} = ${fmt(2 * c)} trained and 2 × ${c} = ${fmt(2 * c)} non-trainable.` +
    (stated !== undefined ? (agrees ? ` The Non-trainable params: ${fmt(stated)} you see are those moving means and variances.` : ` (If that is not the ${fmt(stated)} you see, look for another frozen layer.)`) : '') +
    ' At prediction time the layer normalizes with those moving averages.';
  return { topic: 'normalization', text: { ja, en } };
}

/** VGG16's convolutional base (include_top=False): 13 conv layers, no BatchNormalization. */
const VGG16_BASE = 14_714_688;

/** A frozen VGG16 with a new head: the base's count, the head's, trainable and total. */
export function transferHead(t: string): ArithResult | undefined {
  const vgg = /VGG16/i.exec(t);
  if (!vgg || /\(None,/.test(t)) return undefined;
  if (!/(param|パラメー?タ|trainable|summary|how many|いくつ|何個|right|合って|正しい)/i.test(t)) return undefined;
  const after = t.slice(vgg.index);
  const denses = [...after.matchAll(/Dense\s*\(\s*(?:units\s*=\s*)?(\d+)/g)].map((m) => Number(m[1]));
  if (denses.length === 0) return undefined;
  const gap = /GlobalAveragePooling2D|GlobalMaxPooling2D|GAP\b/i.test(after);
  const flat = /Flatten/i.test(after);
  if (!gap && !flat) return undefined;
  const shape = /input_shape\s*=\s*\(\s*(\d+)\s*,\s*(\d+)/.exec(t);
  const [h, w] = shape ? [Number(shape[1]), Number(shape[2])] : [224, 224];
  const fh = Math.floor(h / 32);
  const fw = Math.floor(w / 32);
  const first = gap ? 512 : fh * fw * 512;
  if (first <= 0) return undefined;
  let nIn = first;
  const rowsJa: string[] = [];
  const rowsEn: string[] = [];
  let head = 0;
  for (const u of denses) {
    const p = nIn * u + u;
    head += p;
    rowsJa.push(`Dense(${u})：${fmt(nIn)}×${u} + ${u} = ${fmt(p)}`);
    rowsEn.push(`Dense(${u}): ${fmt(nIn)}×${u} + ${u} = ${fmt(p)}`);
    nIn = u;
  }
  const frozen = /trainable\s*=\s*False|freez|froze|凍結|固定/i.test(t);
  const total = VGG16_BASE + head;
  const quoted = [...t.matchAll(/(\d{1,3}(?:,\d{3})+|\d{4,})/g)].map((m) => Number(m[1].replace(/,/g, '')));
  // A confirmation only when the asker quotes the head's or the total count and asks whether it is right.
  const confirms = (quoted.includes(head) || quoted.includes(total)) && /(right|correct|合って|正しい|is that|本当|少なすぎ|tiny|too (few|small))/i.test(t);
  const poolJa = gap ? `GlobalAveragePooling2D は最後の ${fh}×${fw}×512 の特徴マップをチャンネルごとに平均して 512 個にします（パラメータ 0）。` : `Flatten は最後の ${fh}×${fw}×512 の特徴マップを ${fh}×${fw}×512 = ${fmt(first)} 個に並べます（パラメータ 0）。`;
  const poolEn = gap ? `GlobalAveragePooling2D averages each of the last ${fh}×${fw}×512 feature maps into one value, 512 in all (0 parameters).` : `Flatten lays the last ${fh}×${fw}×512 feature maps out as ${fh}×${fw}×512 = ${fmt(first)} values (0 parameters).`;
  const ja =
    `${confirms ? 'はい、合っています。' : ''}VGG16 の畳み込み部分（include_top=False）は ${fmt(VGG16_BASE)} パラメータで、${frozen ? 'trainable = False で凍結しているので、これがすべて Non-trainable params になります。' : '凍結しなければこれも学習されます。'}` +
    `${poolJa}新しい頭は ${rowsJa.join('、')}、合わせて ${fmt(head)} 個です。` +
    (frozen ? `Trainable params ${fmt(head)}、合計 ${fmt(VGG16_BASE)} + ${fmt(head)} = ${fmt(total)} です。学習するのは新しく足した頭だけで、少ないのは凍結の狙いどおりです（ImageNet で学んだ特徴はそのまま使います）。` : `合計 ${fmt(VGG16_BASE)} + ${fmt(head)} = ${fmt(total)} です。`);
  const en =
    `${confirms ? 'Yes, that is right. ' : ''}VGG16's convolutional base (include_top=False) has ${fmt(VGG16_BASE)} parameters${frozen ? '; with trainable = False they are all frozen, so they are the Non-trainable params.' : ', trained too unless you freeze it.'} ` +
    `${poolEn} The new head: ${rowsEn.join('; ')}, ${fmt(head)} in all. ` +
    (frozen ? `So Trainable params ${fmt(head)} and a total of ${fmt(VGG16_BASE)} + ${fmt(head)} = ${fmt(total)}. Only the new head is trained, and that it is small is the point of freezing: the features learned on ImageNet are reused as they are.` : `Total ${fmt(VGG16_BASE)} + ${fmt(head)} = ${fmt(total)}.`);
  return { topic: 'transfer-learning', text: { ja, en } };
}

const MNIST_TRAIN = 60_000;

/** A batch size near the data size: one or a few updates per epoch, which is why accuracy lags. */
export function fullBatch(t: string): ArithResult | undefined {
  const m = /batch_size\s*=\s*(\d{4,})|(?:batch(?: size)?|バッチサイズ)\s*(?:を|は|of|=|:)?\s*(\d{4,})/i.exec(t);
  if (!m || computeSteps(t)) return undefined;
  const b = Number(m[1] ?? m[2]);
  const n = b >= MNIST_TRAIN || /mnist/i.test(t) ? MNIST_TRAIN : undefined;
  if (!n || b < 1000) return undefined;
  if (!/(accuracy|精度|acc\b|loss|遅い|低い|上がらない|下がらない|悪い|fast|速|worse|lower|only)/i.test(t)) return undefined;
  const steps = Math.ceil(n / Math.min(b, n));
  const epM = /epochs\s*=\s*(\d+)|(\d+)\s*(?:epochs?|エポック)/i.exec(t);
  const ep = epM ? Number(epM[1] ?? epM[2]) : undefined;
  const small = [...t.matchAll(/(?:batch(?:_size)?\s*(?:=|of|size)?\s*|バッチサイズ?\s*(?:を|は|=)?\s*)(\d{1,3})(?!\d)/gi)].map((x) => Number(x[1])).find((x) => x >= 1 && x < 1000) ?? 32;
  const smallSteps = Math.ceil(n / small);
  const epJa = ep ? `（${ep} エポックで ${fmt(steps * ep)} 回）` : '';
  const epEn = ep ? ` (${fmt(steps * ep)} in ${ep} epochs)` : '';
  const smallJa = ep ? `（${ep} エポックで ${fmt(smallSteps * ep)} 回）` : '';
  const smallEn = ep ? ` (${fmt(smallSteps * ep)} in ${ep} epochs)` : '';
  return {
    topic: 'batch-size',
    text: {
      ja: `batch_size=${fmt(b)} だと、1 エポックで重みを更新するのは ceil(${fmt(n)} / ${fmt(Math.min(b, n))}) = ${fmt(steps)} 回だけです${epJa}。batch_size=${small} なら 1 エポックで ${fmt(smallSteps)} 回${smallJa}更新されます。1 エポックが速く終わるのはまとめて計算できるからですが、学習が進むのは更新の回数なので、同じエポック数では精度が上がりきりません。大きなバッチは GPU メモリも多く使います。学習率を上げたりエポックを増やしたりもできますが、まずは 32〜256 くらいに戻すのが確実です。`,
      en: `With batch_size=${fmt(b)} the weights are updated only ceil(${fmt(n)} / ${fmt(Math.min(b, n))}) = ${fmt(steps)} time${steps === 1 ? '' : 's'} per epoch${epEn}. With batch_size=${small} it is ${fmt(smallSteps)} updates per epoch${smallEn}. An epoch finishes fast because the work is done in big blocks, but learning progresses per update, so the same number of epochs gets much less far. A huge batch also needs far more GPU memory. A higher learning rate or more epochs can make up for part of it; going back to 32-256 is the reliable fix.`,
    },
  };
}
