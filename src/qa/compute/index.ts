/**
 * The course's arithmetic done on the asker's own numbers and code, in their
 * language: per-layer output shapes and parameter counts of a pasted model,
 * steps per epoch, what a pasted training log shows, what an error message
 * says with its shapes, and what pasted code shows that contradicts the rule
 * the asker learned (a "perceptron" with a hidden layer, softmax on one unit,
 * an output layer without softmax). The answer leads with these results; the
 * knowledge entries then explain.
 */
import type { Lang } from '../../core/lang.ts';
import type { TopicSlug } from '../topics.ts';
import { readError } from './errors.ts';
import { computeGradient } from './gradient.ts';
import { computeArithmetic, lrSweepRows, ordinal } from './arith.ts';
import { bareLayerPattern, formatCount as fmt, IMPORT_LINE, shapeText, summarizeModels, whatIfModels, type ModelSummary } from './keras.ts';
import { checkQuotedRow, explainParamCount, explainSummary, parseSummaryTable } from './summary.ts';
import { parseLog, readLog, type Finding } from './log.ts';
import { findCalls } from './pyargs.ts';
import { computeSteps, positionalFitBatch, type StepsResult } from './steps.ts';

export interface Computed {
  kind: 'model' | 'steps' | 'log' | 'error' | 'code' | 'math';
  /** The result, in the asker's language: the lead of the answer. */
  text: string;
  /** The topic the result belongs to, when it says. */
  topic?: TopicSlug;
  /** A result that stands alone: passages retrieved beside it may name another cause. */
  alone?: boolean;
}

/** Words asking for a pasted model's shapes or counts (a kernel's, pool's or batch's size is not the model's). */
const ASKS_MODEL =
  /(param|パラメー?タ|shape|(?<![線変図整円成原外固正方台角地人])形|出力|output|comes? out|出てくる|何が出|summary|サマリ|合って|how many|何個|いくつ|計算|(?<!(?:kernel|filter|pool|batch|window)[_ ]?)\bsize\b|(?<!(?:カーネル|フィルタ|フィルター|プール|バッチ|ウィンドウ)\s?)サイズ|total|合計|heavy|重い|how (big|large|huge)|大きさ|(どれ|どの)(くらい|ぐらい)大き|\bmost\b|最も|一番|\bweights?\b|重み|次元|dimension|flatten|come from|where does|どこから)/i;

/** A lone Conv2D row's filters and kernel (read from its label), and its parameter count (with bias) on `channels` input channels. */
function convCount(label: string): { k: RegExpExecArray; filters: number; paramsOn: (channels: number) => number } {
  const k = /(\d+)×(\d+)/.exec(label)!;
  const filters = Number(/\((\d+)/.exec(label)![1]);
  return { k, filters, paramsOn: (channels) => filters * (Number(k[1]) * Number(k[2]) * channels + 1) };
}

function modelText(m: ModelSummary, lang: Lang): string {
  const ja = lang === 'ja';
  const lines: string[] = [];
  if (m.inputFrom === 'channels-only' && m.rows[0]) {
    const r = m.rows[0];
    const { k, filters, paramsOn } = convCount(r.label);
    const rgb = paramsOn(3);
    return ja
      ? `${r.label} のパラメータ数は入力のチャンネル数だけで決まり、画像の大きさには依存しません。グレースケール（1チャンネル）の入力なら ${r.paramMath}、カラー（3チャンネル）なら ${filters} × (${k[1]}×${k[2]}×3 + 1) = ${fmt(rgb)} です。出力の高さと幅は入力の大きさによります（3×3、padding なし、stride 1 なら 28×28 → 26×26）。`
      : `The parameter count of ${r.label} depends only on the number of input channels, not on the image size: for a grey-scale (1-channel) input it is ${r.paramMath}; for a colour (3-channel) input ${filters} × (${k[1]}×${k[2]}×3 + 1) = ${fmt(rgb)}. The output's height and width depend on the input size (a 3×3 kernel without padding, stride 1: 28×28 → 26×26).`;
  }
  if ((m.inputFrom === 'channels-told' || m.inputFrom === 'channels-after-conv') && m.rows[0]) {
    const after = m.inputFrom === 'channels-after-conv';
    const r = m.rows[0];
    const ch = m.input[2];
    const { k, filters, paramsOn } = convCount(r.label);
    const grey = paramsOn(1);
    const bias = /\+ 1\)/.test(r.paramMath);
    return ja
      ? `${r.label} の入力が ${ch} チャンネル${after ? `（前の畳み込み層のフィルター ${ch} 枚の出力）` : ''}なら、各フィルターは ${k[1]}×${k[2]}×${ch} の重み（縦×横×入力の全チャンネル）${bias ? 'とバイアス 1 個' : ''}を持つので、パラメータは ${r.paramMath} です。カーネルが同じ ${k[1]}×${k[2]} でも、1 チャンネル（グレースケール画像）の入力なら ${filters} × (${k[1]}×${k[2]}×1 + 1) = ${fmt(grey)} しかありません。パラメータ数は入力のチャンネル数で決まり、画像の縦横の大きさには依存しません。`
      : `With ${ch} input channels${after ? ` (the ${ch} feature maps of the convolution before it)` : ''}, each filter of ${r.label} has ${k[1]}×${k[2]}×${ch} weights (height × width × every input channel)${bias ? ' plus 1 bias' : ' (no bias)'}, so the parameters are ${r.paramMath}. The same ${k[1]}×${k[2]} kernel on a 1-channel (grey-scale) image has only ${filters} × (${k[1]}×${k[2]}×1 + 1) = ${fmt(grey)}. The count depends on the input's channels, not on the image's height and width.`;
  }
  const inputNote = m.inputFrom === 'layer' ? '' : ja ? '（入力の形は質問から）' : ' (input shape taken from your question)';
  const input = m.input.length ? (ja ? `（入力 ${shapeText(m.input)}${inputNote}）` : ` (input ${shapeText(m.input)}${inputNote})`) : '';
  lines.push(ja ? `各層の出力の形とパラメータ数${input}：` : `Output shape and parameters of each layer${input}:`);
  m.rows.forEach((r, i) => {
    // An Embedding without input_length keeps the sequence axis open.
    const out = r.kind === 'Embedding' && r.output.length === 1 ? (ja ? `(文の長さ, ${r.output[0]})` : `(sequence length, ${r.output[0]})`) : shapeText(r.output);
    const shape = r.shapeMath ? `${out} [${ja ? shapeMathJa(r.shapeMath) : r.shapeMath}]` : out;
    const params = r.params ? (r.paramMath ? r.paramMath : fmt(r.params)) : '0';
    const note = r.note && r.kind !== 'Dropout' && r.kind !== 'MaxPooling2D' && r.kind !== 'AveragePooling2D' ? (ja ? `（${noteJa(r.note)}）` : ` (${r.note})`) : '';
    const label = ja ? r.label.replace(', pool_size and strides by default', '、pool_size と strides は既定値').replace(', pool_size by default', '、pool_size は既定値') : r.label;
    lines.push(ja ? `${i + 1}. ${label}：出力 ${shape}、パラメータ ${params}${note}` : `${i + 1}. ${label}: output ${shape}, parameters ${params}${note}`);
  });
  // What the two terms of a count are: the question behind "where do the extra 32 come from?".
  if (m.rows.some((r) => (r.kind === 'Dense' || r.kind === 'Conv2D' || r.kind === 'Conv1D') && /\+ ?1\)|\+ [\d,]+ =/.test(r.paramMath ?? ''))) {
    lines.push(
      ja
        ? '（掛け算の部分が重みの数、足している部分がバイアスの数です。バイアスは Dense ではユニット 1 個、Conv2D ではフィルター 1 枚につき 1 個です。）'
        : '(In each count the product is the weights and the added term the biases: one bias per unit of a Dense layer, one per filter of a Conv2D.)',
    );
  }
  if (m.error) lines.push(ja ? `⚠ ここで止まります：${errorJa(m.error)}` : `⚠ It stops here: ${m.error}.`);
  const nonTrain = m.total - m.trainable;
  // A chain that stopped part-way has no total: the layers after the stop are missing from it.
  if ((m.rows.length > 1 || m.fromModel) && !m.error) {
    const tail = nonTrain ? (ja ? `（学習するもの ${fmt(m.trainable)}、学習しないもの ${fmt(nonTrain)}）` : ` (${fmt(m.trainable)} trainable, ${fmt(nonTrain)} non-trainable)`) : '';
    lines.push(ja ? `合計 ${fmt(m.total)} パラメータ${tail}。プーリング、Flatten、Dropout はパラメータを持ちません。` : `Total: ${fmt(m.total)} parameters${tail}. Pooling, Flatten and Dropout have none.`);
    const biggest = [...m.rows].sort((a, b) => b.params - a.params)[0];
    if (biggest && m.total > 0 && biggest.params / m.total > 0.5 && m.rows.length > 2) {
      const share = Math.floor((1000 * biggest.params) / m.total) / 10;
      lines.push(
        ja
          ? `一番重いのは ${biggest.label}（${fmt(biggest.params)}、全体の ${share}%）です。${biggest.kind === 'Dense' && m.rows.some((r) => r.kind === 'Conv2D') ? '畳み込み層は小さなカーネルを画像全体で使い回すのでパラメータが少なく、Flatten の後の Dense はすべての入力とすべてのユニットを結ぶので多くなります。' : ''}`
          : `The heaviest layer is ${biggest.label} (${fmt(biggest.params)}, ${share}% of the total).${biggest.kind === 'Dense' && m.rows.some((r) => r.kind === 'Conv2D') ? ' A convolution reuses its small kernels at every position of the image, so it has few parameters; the Dense layer after Flatten connects every input to every unit.' : ''}`,
      );
    }
  }
  return lines.join('\n');
}

function noteJa(note: string): string {
  const m = /each filter spans all (\d+) input channels/.exec(note);
  if (m) return `各フィルターは入力の ${m[1]} チャンネルすべてにまたがります`;
  const e = /one vector of (\d+) numbers per word id/.exec(note);
  if (e) return `単語 id ごとに ${e[1]} 個の数のベクトルを1本ずつ持つ表で、バイアスはありません`;
  if (note === 'no Flatten before it') return 'Flatten がないので最後の軸だけに作用';
  if (note === 'each channel pooled separately; no weights') return 'チャンネルごとに別々にプーリング、重みなし';
  if (note === 'active only in training') return '学習中だけ働きます';
  const c1 = /each filter slides along the steps and spans all (\d+) features/.exec(note);
  if (c1) return `各フィルターはステップの方向にずらしながら、${c1[1]} 個の特徴すべてにまたがります`;
  const dw = /one (\d+)×(\d+) kernel per input channel, channels not mixed \(a Conv2D with (\d+) filters would have (.*) = ([\d,]+)\)/.exec(note);
  if (dw) return `入力チャンネルごとに ${dw[1]}×${dw[2]} のカーネルを 1 枚ずつ使い、チャンネルどうしは混ぜません（フィルター ${dw[3]} 枚の Conv2D なら ${dw[4]} = ${dw[5]}）`;
  return note;
}

function shapeMathJa(text: string): string {
  if (text === 'one value per channel') return 'チャンネルごとに1つの値';
  if (text === 'one value per feature over the sequence') return '系列全体をまとめて特徴ごとに1つの値';
  const m = /one value per feature over the ([\d,]+) steps/.exec(text);
  if (m) return `${m[1]} ステップ分をまとめて特徴ごとに1つの値`;
  return text
    .replace(/ steps$/, ' ステップ')
    .replace(/Dense acts on the last axis only/, 'Dense は最後の軸だけに作用')
    .replace("padding='same' pads the border with zeros, so stride 1 keeps the size", "padding='same' は周りを 0 で埋めるので、stride 1 なら大きさが変わりません");
}

function errorJa(error: string): string {
  const m = /needs an input of 3 axes \(height, width, channels\) but gets (.*)/.exec(error);
  if (m) return `Conv2D には (高さ, 幅, チャンネル) の3軸の入力が必要ですが、${m[1]} が来ています。`;
  const u = /^(\w+) is not a layer I can work out$/.exec(error);
  if (u) return `${u[1]} はここでは計算できない層なので、ここから先の形とパラメータ数は出していません。`;
  return error;
}

function stepsText(r: StepsResult, lang: Lang): string {
  const ja = lang === 'ja';
  const lines: string[] = [];
  if (r.fixedSteps && r.cases[0]) {
    const c = r.cases[0];
    const k = r.fixedSteps;
    const per = k * c.batch;
    const e = r.epochs;
    const seen = e ? e * per : per;
    const share = Math.round((seen / c.train) * 100);
    const epochLine = e
      ? ja
        ? `${e} エポックで ${e} × ${fmt(k)} = ${fmt(e * k)} 回の更新、${fmt(e * k)} × ${c.batch} = ${fmt(seen)} 枚分で、データ全体 ${fmt(c.train)} 枚の約 ${share}% です。`
        : ` Over ${e} epochs that is ${e} × ${fmt(k)} = ${fmt(e * k)} updates, ${fmt(e * k)} × ${c.batch} = ${fmt(seen)} images: about ${share}% of one pass over the ${fmt(c.train)}.`
      : '';
    lines.push(
      ja
        ? `steps_per_epoch=${fmt(k)} なので、1 エポックはデータ全体ではなく ${fmt(k)} バッチ = ${fmt(k)} × ${c.batch} = ${fmt(per)} 枚だけです。${epochLine}データ全体を 1 回通すには steps_per_epoch = ${fmt(c.train)} ÷ ${c.batch} の切り上げ = ${fmt(c.steps)}（または steps_per_epoch を書かない）です。`
        : `With steps_per_epoch=${fmt(k)} an epoch is not a pass over the data but ${fmt(k)} batches = ${fmt(k)} × ${c.batch} = ${fmt(per)} images.${epochLine} A full pass would be steps_per_epoch = ${fmt(c.train)} / ${c.batch} rounded up = ${fmt(c.steps)} (or leave it out).`,
    );
    return lines.join('\n');
  }
  if (r.implied) {
    const { steps, batch, samples, defaultBatch } = r.implied;
    if (defaultBatch && r.evaluate) {
      const test = samples - batch < 10_000 && 10_000 <= samples;
      lines.push(
        ja
          ? `${fmt(steps)} は predict / evaluate が処理したバッチの数で、画像の枚数ではありません。\`batch_size\` を指定しないと predict と evaluate も既定値 ${batch} を使うので、入力は ${fmt(samples - batch + 1)}〜${fmt(samples)} 件です${test ? `（MNIST のテストデータ 10,000 件なら 10,000 ÷ ${batch} の切り上げ = ${fmt(steps)}）` : ''}。batch_size は一度に処理する件数を決めるだけなので、予測結果は変わりません（1 にすると呼び出しの回数が増えて遅くなるだけ、大きすぎるとメモリが足りなくなることがあります）。`
          : `${fmt(steps)} is the number of batches predict / evaluate went through, not of images. Without \`batch_size\`, predict and evaluate also use the default of ${batch}, so the input has between ${fmt(samples - batch + 1)} and ${fmt(samples)} samples${test ? ` (MNIST's 10,000 test images: 10,000 / ${batch} rounded up = ${fmt(steps)})` : ''}. The batch size only sets how many are processed at once, so the predictions do not change (1 is just slower, with many more calls; a very large one may run out of memory).`,
      );
    } else if (defaultBatch) {
      lines.push(
        ja
          ? `${fmt(steps)} は1エポックのステップ（バッチ）の数で、画像の枚数ではありません。\`batch_size\` を指定しないと Keras は既定値 ${batch} を使うので、学習データは ${fmt(samples - batch + 1)}〜${fmt(samples)} 件です（${fmt(steps)} × ${batch} = ${fmt(samples)}。最後のバッチは端数で小さいことがあります）。`
          : `${fmt(steps)} is the number of steps (batches) per epoch, not of images. Without \`batch_size\`, Keras uses its default of ${batch}, so your training data has between ${fmt(samples - batch + 1)} and ${fmt(samples)} samples (${fmt(steps)} × ${batch} = ${fmt(samples)}; the last batch may be smaller).`,
      );
    } else lines.push(
      ja
        ? `${fmt(steps)} は1エポックのステップ（バッチ）の数で、画像の枚数ではありません。1ステップで ${batch} 件ずつ処理するので、${fmt(steps)} × ${batch} = ${fmt(samples)}、つまり学習データはおよそ ${fmt(samples)} 件です（最後のバッチは端数で小さいことがあります。MNIST の 60,000 件なら 60,000 ÷ ${batch} の切り上げ）。`
        : `${fmt(steps)} is the number of steps (batches) per epoch, not of images. Each step takes ${batch} samples, so ${fmt(steps)} × ${batch} = ${fmt(samples)}: your training data has about ${fmt(samples)} samples (the last batch may be smaller; for MNIST's 60,000 it is 60,000 / ${batch} rounded up).`,
    );
  }
  for (const c of r.cases) {
    const split = c.split
      ? ja
        ? `validation_split=${c.split} なので、学習に使うのは ${fmt(c.samples)} × ${1 - c.split} = ${fmt(c.train)} 件です（残り ${fmt(c.samples - c.train)} 件は検証用）。`
        : `With validation_split=${c.split}, training uses ${fmt(c.samples)} × ${+(1 - c.split).toFixed(4)} = ${fmt(c.train)} samples (the other ${fmt(c.samples - c.train)} are for validation). `
      : '';
    const assumed = !r.assumedSamples
      ? ''
      : r.dataset === 'iris'
        ? ja
          ? `（Iris の 150 件${c.samples < 150 ? ` からテスト用の ${150 - c.samples} 件を除いた数` : ''}）`
          : ` (iris's 150 rows${c.samples < 150 ? ` less the ${150 - c.samples} held out for testing` : ''})`
        : ja
          ? '（MNIST の学習データ 60,000 件として）'
          : ' (taking MNIST’s 60,000 training images)';
    const total = r.epochs ? (ja ? `${r.epochs} エポックなら重みの更新は全部で ${r.epochs} × ${fmt(c.steps)} = ${fmt(r.epochs * c.steps)} 回です。` : ` Over ${r.epochs} epochs the weights are updated ${r.epochs} × ${fmt(c.steps)} = ${fmt(r.epochs * c.steps)} times in total.`) : '';
    const batch = c.defaultBatch
      ? ja
        ? `batch_size を指定しないときの既定値 ${c.batch}`
        : `the default batch_size of ${c.batch}`
      : r.inferredBatch
        ? ja
          ? `${fmt(r.shown ?? c.steps)} ステップになる batch_size=${c.batch}`
          : `batch_size=${c.batch}, the size that gives ${fmt(r.shown ?? c.steps)} steps`
        : `batch_size=${c.batch}`;
    const even = c.last === c.batch;
    const rest = c.dropped !== undefined
      ? ja
        ? `（drop_remainder=True なので切り捨て：${c.batch} 件のバッチが ${fmt(c.steps)} 個で、端数の ${c.dropped} 件は毎エポック使われません）`
        : ` (drop_remainder=True rounds down: ${fmt(c.steps)} full batches of ${c.batch}; the ${c.dropped} samples left over are not used in an epoch)`
      : even
      ? ''
      : ja
        ? `（${c.batch} 件のバッチが ${fmt(c.steps - 1)} 個と、最後に ${c.last} 件のバッチが 1 個。端数は切り上げで、最後の小さいバッチは捨てられも水増しもされず、${r.evaluate ? `その ${c.last} 件も評価されます。評価では重みは更新されません` : `その ${c.last} 件で 1 回更新します`}）`
        : ` (${fmt(c.steps - 1)} full batches of ${c.batch} and a last batch of ${c.last}: the division is rounded up; the smaller last batch is neither dropped nor padded, ${r.evaluate ? `so those ${c.last} samples are evaluated too; evaluation updates no weights` : `it is one more update on those ${c.last} samples`})`;
    const all = r.inferredBatch ? (ja ? `毎エポック ${fmt(c.train)} 件すべてを使っています。` : ` All ${fmt(c.train)} samples are used every epoch.`) : '';
    const perStep = r.evaluate ? '' : ja ? '1 ステップごとに重みが 1 回更新されます。' : '; the weights are updated once per step';
    const shown = (r.shown === c.steps ? (ja ? `進捗バーの ${fmt(c.steps)}/${fmt(c.steps)} は、このステップ（バッチ）の数で、画像の枚数ではありません。${perStep}` : ` The ${fmt(c.steps)}/${fmt(c.steps)} in the progress bar counts these steps (batches), not images${perStep}.`) : '') + all;
    const what = r.evaluate ? (ja ? 'evaluate が処理するバッチの数' : 'Batches in one evaluation pass') : ja ? '1エポックのステップ数' : 'Steps per epoch';
    lines.push(
      ja
        ? `${split}${what} = ${fmt(c.train)}${assumed} ÷ ${c.batch}（${batch}）→ ${fmt(c.steps)}${r.evaluate ? '' : ' ステップ'}${rest}。${shown}${total}`
        : `${split}${what} = ${fmt(c.train)}${assumed} / ${c.batch} (${batch}) → ${fmt(c.steps)}${rest}.${shown}${total}`,
    );
  }
  if (r.cases.length > 1) {
    const [a, b] = [r.cases[0], r.cases[r.cases.length - 1]];
    lines.push(
      ja
        ? `batch_size を ${a.batch} から ${b.batch} にすると、1エポックで重みを更新する回数が ${fmt(a.steps)} 回から ${fmt(b.steps)} 回に変わります。`
        : `Going from batch_size ${a.batch} to ${b.batch} changes the weight updates per epoch from ${fmt(a.steps)} to ${fmt(b.steps)}.`,
    );
  }
  return lines.join('\n');
}

/** Asked with a summary: what None is, and whether the batch size changes the counts (it does not). */
function batchAxisNote(prose: string, text: string, lang: Lang): string {
  // The asker's own lines, not the table's rows.
  const own = prose.split('\n').filter((l) => !/\(None|Param\s*#|params\s*:|[─━=]{3,}/i.test(l)).join('\n');
  const none = /\bNone\b/.test(own);
  const batch = /(batch[ _-]?size|バッチサイズ|バッチの(大きさ|サイズ))/i.test(own) || /batch_size/.test(text);
  if (!none && !batch) return '';
  const ja = lang === 'ja';
  const parts: string[] = [];
  if (none) parts.push(ja ? '出力の形の最初の None はバッチ（一度に流すサンプル数）の軸で、どんな枚数でも流せるように決めずに空けてあります。' : 'The None at the start of each output shape is the batch axis (how many samples go through at once), left open so any batch size works.');
  if (batch) parts.push(ja ? 'batch_size を変えてもパラメータ数は変わりません。重みの数は層の大きさだけで決まり、バッチの大きさで変わるのは 1 ステップで処理する枚数（とメモリ）です。' : 'Changing batch_size does not change any parameter count: the weights depend only on the layers, while the batch size changes how many samples one step processes (and the memory used).');
  return '\n' + parts.join(ja ? '' : ' ');
}

/** What the input and output sizes of a lesson model stand for in its data set (Iris's 4 features and 3 species, MNIST's 28×28 pixels and 10 digits). */
function dataNote(text: string, m: ModelSummary, lang: Lang): string {
  const ja = lang === 'ja';
  const out = m.rows.length ? m.rows[m.rows.length - 1].output : [];
  const last = out.length === 1 ? out[0] : undefined;
  if (m.input.length === 1 && m.input[0] === 4 && /(iris|アイリス|アヤメ|あやめ|花|品種|species|flower)/i.test(text)) {
    return ja
      ? `入力の 4 は、Iris の 1 サンプル（花 1 つ）がもつ特徴量 4 つ（がく片の長さ・幅、花びらの長さ・幅）です。${last === 3 ? '出力の 3 はクラス（品種：setosa、versicolor、virginica）の数です。' : ''}`
      : `The 4 of the input is Iris's four features per sample (one flower): sepal length and width, petal length and width.${last === 3 ? ' The output 3 is the number of classes (species: setosa, versicolor, virginica).' : ''}`;
  }
  if (m.input.length === 1 && m.input[0] === 784 && /(mnist|28\s*[x×*]\s*28|手書き|digits?)/i.test(text)) {
    return ja
      ? `入力の 784 は MNIST の画像 1 枚の 28×28 = 784 ピクセルを 1 列に並べたものです。${last === 10 ? '出力の 10 はクラス（数字 0〜9）の数です。' : ''}`
      : `The input 784 is one MNIST image's 28×28 = 784 pixels laid out in one row.${last === 10 ? ' The output 10 is the number of classes (digits 0-9).' : ''}`;
  }
  return '';
}

/**
 * A convolution that shrinks its input (28 → 26 with the default padding='valid'), asked about as
 * "why not the same size": how to keep the size is the other half of the answer.
 */
function samePaddingNote(prose: string, m: ModelSummary, lang: Lang): string {
  let input = m.input;
  for (const r of m.rows) {
    const before = input;
    input = r.output;
    if (r.kind !== 'Conv2D' || /padding='same'|strides=/.test(r.label) || before.length !== 3 || r.output[0] >= before[0]) continue;
    const [h, oh] = [before[0], r.output[0]];
    if (!/(のまま|変わらない|同じ(大きさ|サイズ)|小さくな|縮|shrinks?|smaller|stay|same size|keep (the )?size)/i.test(prose)) return '';
    return lang === 'ja'
      ? `${h} のまま（同じ大きさ）にしたいときは \`padding='same'\` を指定します。画像の周りを 0 で埋めてからカーネルを動かすので、stride 1 なら出力も ${h}×${before[1]} になります（パラメータ数は変わりません）。既定の \`padding='valid'\` はカーネルが画像からはみ出さない位置だけを計算するので、${h} − ${h - oh + 1} + 1 = ${oh} に縮みます。`
      : `To keep ${h} (the same size), pass \`padding='same'\`: the image is padded with zeros around its border before the kernel slides, so with stride 1 the output stays ${h}×${before[1]} (the parameter count does not change). The default \`padding='valid'\` only computes positions where the kernel fits inside the image, so the size shrinks to ${h} − ${h - oh + 1} + 1 = ${oh}.`;
  }
  return '';
}

function findingText(f: Finding, lang: Lang): { text: string; topic?: TopicSlug } {
  const ja = lang === 'ja';
  const x = f.facts;
  const ep = (n: unknown) => (x.positional ? (ja ? `${n} 番目` : `the ${ordinal(Number(n))} value`) : ja ? `エポック ${n}` : `epoch ${n}`);
  switch (f.kind) {
    case 'diverged': {
      if (x.badLabel) {
        return {
          topic: 'keras-api-errors',
          text: ja
            ? `nan の原因はラベルの -1 です（学習率ではありません）。sparse_categorical_crossentropy のラベルは 0 から クラス数 − 1 までの整数でなければならず、-1 は範囲外です。CPU では「Received a label value of -1 which is outside the valid range」というエラーで止まりますが、GPU ではエラーにならず、そのサンプルの loss が nan になり、平均も最初のエポックから nan になります。-1 の行を学習データから除くか、正しいクラス番号を付け直してから、モデルを作り直して学習してください（一度 nan になった重みは戻りません）。${x.classes ? `accuracy ${x.acc} は 1/${x.classes} 程度で、何も学べていません。` : ''}`
            : `The NaN comes from the labels of -1, not from the learning rate. sparse_categorical_crossentropy needs integer labels from 0 to the number of classes − 1, and -1 is outside that range. On the CPU TensorFlow stops with "Received a label value of -1 which is outside the valid range"; on the GPU it raises nothing and gives NaN for those samples, so the mean loss is NaN from the first epoch. Drop the rows labelled -1 (or give them their real class) before training, and rebuild the model: weights that have become NaN never recover.${x.classes ? ` The accuracy ${x.acc} is about 1/${x.classes}: it has learned nothing.` : ''}`,
        };
      }
      // The asker's own rate, when stated, is what must shrink: "0.001-0.01" would include a failing 0.01.
      const lr = Number(x.lr);
      // A rate already at Adam's default or below rarely diverges on its own: the data is the first suspect.
      const small = lr > 0 && lr <= 0.001;
      // A rate above 1 (0.1 and up with Adam): a tenth of it is still above any usual rate, so the defaults are the step to take.
      // 1 itself with no optimizer named: a tenth (0.1) is still far too large for Adam, so the defaults again.
      const huge = lr > 1 || (x.adaptive === 1 && lr >= 0.1) || (x.sgd !== 1 && lr >= 1);
      const smallerJa = small
        ? `学習し直す前にデータを確かめてください。今の学習率 ${x.lr} はすでに小さい値なので、正規化していない入力や、データに混じった NaN・inf（\`np.isnan(x).any()\`、\`np.isinf(x).any()\`）を先に疑います。`
        : huge
          ? `学習率を ${x.lr} から、ふつうの範囲（SGD なら既定の 0.01、Adam なら既定の 0.001）まで下げて学習し直してください。${lr > 1 || x.adaptive === 1 ? `${x.lr} の 1/10 でもまだ大きすぎます。` : `Adam では ${x.lr} の 1/10 の ${+(lr / 10).toPrecision(2)} でもまだ大きすぎます。`}`
          : `${lr > 0 ? `今の ${x.lr} の 10〜100 分の 1 の学習率（${+(lr / 10).toPrecision(2)} や ${+(lr / 100).toPrecision(2)}）` : '小さい学習率（例：0.001〜0.01）'}で学習し直してください。`;
      const smallerEn = small
        ? `the data checked first: your learning rate ${x.lr} is already small, so look for inputs that are not scaled and for NaN or inf values in the data (\`np.isnan(x).any()\`, \`np.isinf(x).any()\`)`
        : huge
          ? `a learning rate back in the usual range (SGD's default 0.01, or Adam's 0.001); ${lr > 1 || x.adaptive === 1 ? `even a tenth of ${x.lr} is still far too large` : `with Adam even a tenth of ${x.lr}, ${+(lr / 10).toPrecision(2)}, is still far too large`}`
          : lr > 0 ? `a learning rate 10 to 100 times smaller than your ${x.lr} (${+(lr / 10).toPrecision(2)} or ${+(lr / 100).toPrecision(2)})` : 'a smaller learning rate (e.g. 0.001-0.01)';
      const guessJa = x.classes ? `accuracy ${x.acc} は 1/${x.classes} ≈ ${(1 / Number(x.classes)).toFixed(2)}、つまり ${x.classes} クラスを当てずっぽうで選ぶのと同じ（ほぼ 1 つのクラスしか出さない）レベルで、何も学べていません。` : '';
      const guessEn = x.classes ? ` The accuracy ${x.acc} is 1/${x.classes} ≈ ${(1 / Number(x.classes)).toFixed(2)}: chance level for ${x.classes} classes (the model outputs essentially one class), so it has learned nothing.` : '';
      return {
        topic: 'learning-rate',
        text: ja
          ? `ログでは ${x.epoch ? `${ep(x.epoch)} で ` : ''}loss が ${x.value} になっています。学習が発散しています：更新が大きすぎて損失が爆発し、${/inf/i.test(String(x.value)) ? '数値が float32 の上限を超えて inf（無限大）になりました（このまま続けると inf − inf などで nan になります）' : /nan/i.test(String(x.value)) ? '数値が nan（not a number）になりました' : `${x.value} という桁外れの値になりました（このまま続けると inf、そして nan になります）`}。一度 nan になった重みは元に戻らないので、モデルを作り直して（モデル定義のセルから実行し直して）${smallerJa}入力を 0〜1 に正規化していないと発散しやすくなります。${guessJa}`
          : `Your log shows the loss at ${x.value}${x.epoch ? ` at ${ep(x.epoch)}` : ''}: training diverged. The updates were too large and the loss exploded: ${/inf/i.test(String(x.value)) ? 'it passed the largest float32 value and became inf (infinity); one step later inf − inf or 0 × inf gives NaN' : /nan/i.test(String(x.value)) ? 'it became NaN (not a number)' : `it reached ${x.value}, and a few steps later it overflows to inf and then NaN`}. Weights that have become NaN never recover, so rebuild the model (re-run the cell that builds it) and train with ${smallerEn}. Inputs not scaled to 0-1 make this more likely.${guessEn}`,
      };
    }
    case 'exact-zero':
      // A model that gets every training sample right: the loss underflowed, it did not break.
      if (typeof x.acc === 'number' && x.acc >= 0.9999) {
        const val = x.vloss ? (ja ? `検証データの val_loss は ${x.vloss}${x.vacc ? `（val_accuracy ${x.vacc}）` : ''} で、学習データよりずっと悪いので、` : ` Its val_loss is ${x.vloss}${x.vacc ? ` (val_accuracy ${x.vacc})` : ''}, far worse than on the training data: `) : ja ? '' : ' ';
        return {
          topic: 'overfitting-validation',
          text: ja
            ? `完璧なモデルという意味ではありません。${x.text} は、学習データの全部に正解の確率をほぼ 1 で出すようになり、loss が小さくなりすぎて 0 と表示された（float32 で表せないほど小さい）ということで、学習データを覚えきった状態です。${val}これは過学習です。モデルの良し悪しは検証データ・テストデータの成績で判断し、val_loss が一番低かったエポックのモデル（EarlyStopping(restore_best_weights=True)）を使ってください。`
            : `No, it is not a perfect model. ${x.text} means the model now gives the right class a probability of practically 1 on every training sample, so the loss became too small to show (below what float32 holds): it has memorised the training data.${val}that is overfitting. Judge the model by its validation or test results, and keep the epoch with the lowest val_loss (EarlyStopping(restore_best_weights=True)).`,
        };
      }
      return {
        topic: 'classification-softmax',
        text: ja
          ? `${x.text} はちょうど 0 です（Keras は小さな値を 1.2345e-08 のような指数表記で表示するので、0 でない値ならそう出ます）。交差エントロピーの loss がちょうど 0 になるのは、モデルが正解に確率 1 を付けたときだけで、普通は起こりません。よくある原因は出力層が \`Dense(1, activation='softmax')\` になっていることです。softmax は出力どうしの合計を 1 にするので、出力が 1 つだと常に 1.0 を出し、何も学習しません。2 クラス分類なら \`Dense(1, activation='sigmoid')\` と \`binary_crossentropy\`、多クラスならクラス数のユニットと softmax にしてください。`
          : `${x.text} is exactly zero (Keras prints small values in scientific notation such as 1.2345e-08, so a non-zero value would show). A cross-entropy loss is exactly 0 only when the model gives the right class probability 1, which does not happen in normal training. The usual cause is an output layer \`Dense(1, activation='softmax')\`: softmax makes the outputs sum to 1, so a single output is always 1.0 and the model learns nothing. For two classes use \`Dense(1, activation='sigmoid')\` with \`binary_crossentropy\`; for more, one unit per class with softmax.`,
      };
    case 'printed-zero': {
      // Rounded to d decimals, 0.00… means below half of the last digit.
      const below = (0.5 * 10 ** -Number(x.decimals)).toFixed(Number(x.decimals) + 1);
      return {
        topic: 'loss-function',
        text: ja
          ? `${x.text} は小数点以下 ${x.decimals} 桁に丸めて表示した値で、ちょうど 0 ではありません（${below} 未満というだけです）。桁数を増やすか指数表記（:.2e）で表示すると実際の値が見えます。学習データの loss がほぼ 0 なのは学習データにほぼ完全に合っているということで、良いモデルかどうかは検証・テストデータの loss で判断してください（過学習していないか）。`
          : `${x.text} is the value rounded to ${x.decimals} decimals, not exactly zero (only below ${below}). Print more digits or in scientific notation (:.2e) to see it. A training loss near zero means the model fits the training data almost perfectly; whether it is a good model shows in the validation or test loss (check for overfitting).`,
      };
    }
    case 'regression-accuracy':
      return {
        topic: 'loss-function',
        text: ja
          ? `accuracy が 0 なのは故障ではありません。accuracy は「予測がラベルとぴったり一致した割合」で、連続した数値を予測する回帰では予測がぴったり一致することはまずないため、意味のない指標です。回帰は loss（MSE、いまは ${x.loss}）や平均絶対誤差（metrics=['mae']）で評価してください。`
          : `An accuracy of 0 is not a bug: accuracy counts predictions that exactly equal the label, and a regression predicts continuous numbers that almost never do, so it is meaningless there. Judge a regression by its loss (MSE, ${x.loss} now) or by the mean absolute error (metrics=['mae']).`,
      };
    case 'chance-level':
      if (typeof x.lr === 'number' && (x.lr <= 1e-4 || x.lr >= LARGE_RATE)) {
        // The asker's rate explains the stall: too small, the loss has barely left where every classifier
        // starts, ln(k); too large, the weights were thrown to where the model guesses.
        const stalled = findingText({ kind: 'stalled', facts: { ...x, last: x.value } }, lang);
        const large = x.lr >= LARGE_RATE;
        return {
          topic: stalled.topic,
          text: ja
            ? `${stalled.text}${x.first} はほぼ ln(${x.classes}) ≈ ${x.ln}、つまり ${x.classes} クラスに同じ確率を出す当てずっぽうの予測の loss ${large ? 'です。' : 'で、ランダムな重みから始めたときの値です。まだほとんどそこから動いていないということです。'}`
            : `${stalled.text} ${x.first} is about ln(${x.classes}) ≈ ${x.ln}, the loss of a random guess that gives ${x.classes} classes the same probability${large ? '.' : ': where training from random weights starts. The model has hardly moved from there yet.'}`,
        };
      }
      return {
        text: ja
          ? `loss が ${x.value} 付近で止まっています。これは ln(${x.classes}) ≈ ${x.ln}、つまり ${x.classes} クラスすべてに同じ確率を出しているときの値で、モデルがまだ何も学べていない状態です。学習率が小さすぎる（大きすぎる）、入力が正規化されていない、損失関数とラベルの形が合っていない、のどれかを疑ってください。`
          : `The loss sits at ${x.value}, which is ln(${x.classes}) ≈ ${x.ln}: the value of predicting every one of ${x.classes} classes with equal probability. The model has not learned anything yet. Suspect a learning rate that is too small (or too large), unscaled inputs, or a loss that does not match the label format.`,
      };
    case 'chance-value': {
      const two = x.classes === 2;
      // The asker's own tiny rate: the loss has barely left where it starts.
      // (With one loss value read, the asker's "after N epochs" says it has stayed there.)
      const tiny = typeof x.lr === 'number' && x.lr <= 1e-4;
      const moved = x.next !== undefined ? (ja ? `loss は ${x.value} → ${x.next} としか動いていません` : `the loss has only gone from ${x.value} to ${x.next}`) : ja ? `loss は学習を始めたときの値の近くにとどまっています` : `the loss is still near where training starts`;
      const slow = tiny
        ? ja
          ? `壊れてはいません：学習率 ${x.lr} は小さすぎて 1 歩がとても小さいので、${moved}。Adam なら既定値の 0.001 に戻してください（学習率は 10 倍単位で変えます）。`
          : `Nothing is broken: learning_rate=${x.lr} makes every step tiny, so ${moved}. Go back to Adam's default 0.001 (change a learning rate by factors of 10). `
        : '';
      return {
        topic: tiny ? 'learning-rate' : 'loss-function',
        text: slow + (ja
          ? `${x.value} はほぼ ln(${x.classes}) = ${x.ln} です。${x.classes} クラスすべてに同じ確率 1/${x.classes} を出したときの交差エントロピー（−ln(1/${x.classes})）で、${two ? '二値分類なら出力がいつも 0.5 ということです。' : ''}重みがランダムな学習の最初はだいたいこの値から始まるので、最初のステップでこの値なのは正常です。何エポックたってもこの値のままなら、モデルは何も学べていません（学習率、入力の正規化、損失関数とラベルの形を確認してください${two ? '。XOR を隠れ層のないモデルで学習すると、直線 1 本では分けられないので出力 0.5・loss 0.6931 から動けません。非線形の活性化関数をもつ隠れ層が必要です' : ''}）。`
          : `${x.value} is about ln(${x.classes}) = ${x.ln}: the cross-entropy of giving every one of ${x.classes} classes the same probability 1/${x.classes} (−ln(1/${x.classes}))${two ? ', that is, an output of 0.5 for every sample' : ''}. Training from random weights starts about there, so this value at the first steps is normal. If it stays there epoch after epoch, the model is not learning (check the learning rate, the input scaling, and that the loss matches the labels${two ? '; on XOR, a model without a hidden layer cannot separate the points with one straight line, so it stays at 0.5 and 0.6931: it needs a hidden layer with a non-linear activation' : ''}).`),
      };
    }
    case 'stalled': {
      // Smaller than Adam's default: slow. At or above LARGE_RATE: the steps throw the weights about.
      const small = typeof x.lr === 'number' && x.lr < 1e-3;
      const large = typeof x.lr === 'number' && x.lr >= LARGE_RATE;
      if (large) {
        return {
          topic: 'learning-rate',
          text: ja
            ? `loss が ${x.first} → ${x.last} からほとんど動いていません。学習率 ${x.lr} が大きすぎます：1 歩が大きすぎて重みが遠くへ飛ばされ、どの入力にも同じクラスを答える状態で止まっています（accuracy が 1/クラス数 あたりなら当てずっぽうと同じです）。学習率を上げても速くはなりません。Adam なら既定値の 0.001 に戻し、モデルを作るセルから作り直して学習し直してください（飛ばされた重みは元に戻らないので）。`
            : `The loss barely moves from ${x.first} (now ${x.last}). learning_rate=${x.lr} is too large: each step throws the weights far away, and the model is stuck answering the same class for every input (an accuracy near 1/number of classes is guessing). A larger rate does not train faster. Go back to Adam's default 0.001 and rebuild the model from its cell before training again (the thrown weights do not recover).`,
        };
      }
      return {
        topic: 'learning-rate',
        text: ja
          ? small
            ? `loss がほとんど動いていません（${x.first} → ${x.last}）。失敗ではありません：学習率 ${x.lr} は小さすぎて1歩がとても小さいので、loss は非常にゆっくりしか下がらず、ずっと多くのエポックが必要になります。中くらいの値（Adam の既定値 0.001 など）にしてみてください。`
            : `loss がほとんど動いていません（${x.first} → ${x.last}）。よくある原因は、学習率が小さすぎて1歩が小さい（壊れてはいないが非常に遅い）、入力が正規化されていない、損失関数とラベルの形が合っていない、のどれかです。`
          : small
            ? `The loss barely moves (${x.first} → ${x.last}). That is not a failure: learning_rate=${x.lr} makes every step tiny, so the loss falls very slowly and needs far more epochs. Try a value in between, such as Adam's default 0.001.`
            : `The loss barely moves (${x.first} → ${x.last}). The usual causes: a learning rate so small that each step is tiny (not broken, just very slow), unscaled inputs, or a loss that does not match the label format.`,
      };
    }
    case 'overfitting':
      return {
        topic: 'overfitting-validation',
        text: ja
          ? `val_loss は ${ep(x.best)} の ${x.bestValue} が最小で、その後は上がっています（${ep(x.lastEpoch)} で ${x.lastValue}）。${x.positional ? 'その時点' : `エポック ${x.best}`} あたりから過学習が始まっています：学習データには合い続けますが、見たことのないデータへの当てはまりが悪くなっています。EarlyStopping(monitor='val_loss', restore_best_weights=True) で、いちばん良かったエポックの重みに戻して止められます。`
          : `val_loss is lowest at ${ep(x.best)} (${x.bestValue}) and rises after that (${x.lastValue} at ${ep(x.lastEpoch)}): overfitting starts around ${x.positional ? 'that point' : `epoch ${x.best}`}. The model keeps fitting the training data but does worse on data it has not seen. EarlyStopping(monitor='val_loss', restore_best_weights=True) stops there and keeps the best epoch's weights.`,
      };
    case 'val-loss-and-accuracy-rise':
      return {
        topic: 'overfitting-validation',
        text: ja
          ? `val_loss は ${ep(x.best)} の ${x.bestValue} から ${x.lastValue} に上がっているのに、val_accuracy は ${x.accFrom} → ${x.accTo} と上がっています。矛盾ではありません：正解できる検証サンプルが少し増える一方で、間違えるサンプルに対しては自信満々に間違えるようになっていて、自信のある間違いは交差エントロピーの loss を大きく増やすからです。これは過学習の初期のサインで、EarlyStopping(monitor='val_loss', restore_best_weights=True) で val_loss が最小のエポックを選ぶのが普通です（最終的に正解率が大事なら val_accuracy で選んでも構いません）。`
          : `val_loss rises from ${x.bestValue} (${ep(x.best)}) to ${x.lastValue} while val_accuracy rises too (${x.accFrom} → ${x.accTo}). That is not a contradiction: the model gets a few more validation samples right but becomes over-confident on the ones it gets wrong, and confident wrong predictions add a lot of cross-entropy loss. It is an early sign of overfitting; the usual choice is the epoch with the lowest val_loss, e.g. EarlyStopping(monitor='val_loss', restore_best_weights=True) (or monitor val_accuracy if accuracy is what you care about).`,
      };
    case 'oscillating':
      return {
        topic: 'learning-rate',
        text: ja
          ? `損失が下がったり上がったりしています（${x.values}、${x.ups} 回上昇）。エポックごとにこれだけ上下するのは、学習率${x.lr !== undefined ? `（${x.lr}）` : ''}が大きすぎて、1 回の更新で谷底を飛び越えている合図です。学習率を 1/10 くらいに下げてみてください（バッチごとの小さなゆれは普通ですが、エポック単位の大きな上下は普通ではありません）。`
          : `The loss goes down and up again (${x.values}; it rose ${x.ups} times). Swings this large from epoch to epoch mean the learning rate${x.lr !== undefined ? ` (${x.lr})` : ''} is too high: each update overshoots the minimum. Lower it, for example to a tenth. Small batch-to-batch noise is normal; large epoch-level swings are not.`,
      };
    case 'train-val-gap': {
      // A training loss near 0 beside a larger validation loss: "a perfect model?" is answered first.
      // (Not when validation accuracy swings: that, not "a perfect model?", is what the asker sees.)
      const losses = x.vloss !== undefined && x.swing === undefined;
      const leadJa = losses ? `完璧なモデルという意味ではありません。学習データの loss ${x.loss} がほぼ 0 なのは、学習データの答えをほぼ確実に当てられる（覚えてしまった）ということで、検証データの val_loss は ${x.vloss} とずっと大きいままです。` : '';
      const leadEn = losses ? `No, it is not a perfect model. A training loss of ${x.loss}, nearly 0, means the model gets its training data right with near certainty (it has memorised it), while the validation loss stays far higher at ${x.vloss}. ` : '';
      const base: { topic: TopicSlug; text: string } = {
        topic: 'overfitting-validation',
        text: ja
          ? `${leadJa}学習データの accuracy ${x.train} に対して検証データは ${x.val} で、差が開いています。これが過学習です：学習データには合っていても、見たことのないデータには同じようには当てはまっていません。モデルの実力として信じるのは検証データの値（${x.val}）です。`
          : `${leadEn}Training accuracy ${x.train} against validation accuracy ${x.val}: the gap is overfitting. The model fits its training data better than it generalises to data it has not seen. The number to believe is the validation one (${x.val}): it estimates how the model does on new data.`,
      };
      if (x.swing !== undefined) {
        base.text += ja
          ? `val_accuracy がエポックごとに大きく揺れている（${x.swing}）のも過学習のサインです。学習データを覚えきったモデルは、重みが少し動くだけで見たことのない画像への予測が大きく変わります。Dropout やデータ拡張、CNN で汎化を上げ、EarlyStopping(monitor='val_loss', restore_best_weights=True) で良いエポックの重みを残してください。`
          : ` The swings of val_accuracy from epoch to epoch (${x.swing}) are part of the same picture: a model that has memorised its training data changes its predictions on unseen images a lot with each small change of its weights. Dropout, data augmentation or a CNN make it generalise better, and EarlyStopping(monitor='val_loss', restore_best_weights=True) keeps a good epoch's weights.`;
      }
      return base;
    }
    case 'still-improving':
      return {
        topic: 'overfitting-validation',
        text: ja
          ? `過学習ではありません。val_loss は毎エポック下がっていて（${x.vlosses}）、学習データの loss（${x.loss}）に近いままです${x.acc !== undefined ? `。accuracy ${x.acc} と val_accuracy ${x.vacc} もほぼ同じです` : ''}。まだ良くなっている途中なので、エポックを増やせばさらに良くなるかもしれません。過学習なら、loss が下がり続けるのに val_loss が上がり始めます。`
          : `This is not overfitting. val_loss falls at every epoch shown (${x.vlosses}) and stays close to the training loss (${x.loss})${x.acc !== undefined ? `, and val_accuracy ${x.vacc} is about the training accuracy ${x.acc}` : ''}. The model is still improving, so more epochs may help further; overfitting would show as val_loss rising while the training loss keeps falling.`,
      };
    case 'negative-loss': {
      const name = typeof x.lossName === 'string' ? x.lossName : undefined;
      const k = typeof x.classes === 'number' ? x.classes : undefined;
      const labelsJa = k === 10 ? '0〜9 の数字' : k === 3 ? '0・1・2 の' : '2 以上の整数';
      const labelsEn = k === 10 ? 'the digits 0-9' : k === 3 ? 'the labels 0, 1 and 2' : 'integers above 1';
      const causeJa = name === 'binary_crossentropy'
        ? `binary_crossentropy は 0 か 1 のラベルを前提にしていて、${labelsJa}ラベルを渡すと −(1 − y) × log(1 − p) の項がマイナスになり、loss がいくらでもマイナスに進みます（その間 accuracy は上がりません）。`
        : 'たとえば binary_crossentropy に 0〜9 のような整数ラベルを渡すと、loss がいくらでもマイナスに進みます。';
      const causeEn = name === 'binary_crossentropy'
        ? `binary_crossentropy expects labels of 0 or 1; given ${labelsEn}, its −(1 − y) × log(1 − p) term turns negative and the loss runs off into negative numbers while accuracy goes nowhere. `
        : 'Integer labels such as 0-9 given to binary_crossentropy, for example, send the loss negative without limit. ';
      const fixJa = k
        ? `${k} クラス分類なら、出力層を \`Dense(${k}, activation='softmax')\` にして、整数ラベルのまま \`sparse_categorical_crossentropy\` を使うか、\`to_categorical\` で one-hot にして \`categorical_crossentropy\` を使ってください。`
        : '多クラスなら出力層をクラス数のユニットと softmax にして `sparse_categorical_crossentropy`（整数ラベル）か `categorical_crossentropy`（one-hot）に、2 クラスならラベルを 0/1 にしてください。';
      const fixEn = k
        ? `For ${k} classes use an output layer \`Dense(${k}, activation='softmax')\` with \`sparse_categorical_crossentropy\` on the integer labels, or one-hot labels from \`to_categorical\` with \`categorical_crossentropy\`.`
        : 'For several classes give the output layer one unit per class with softmax and use `sparse_categorical_crossentropy` (integer labels) or `categorical_crossentropy` (one-hot); for two classes make the labels 0/1.';
      return {
        topic: 'loss-function',
        text: ja
          ? `loss が ${x.value} とマイナスになるのは、ラベルが損失関数の想定と合っていない印です。交差エントロピーは −(正解ラベル × log 確率) の形で、ラベルが 0/1（または one-hot）なら 0 未満にはなりません。${causeJa}${fixJa}`
          : `A loss of ${x.value}, below zero, means the labels are not what the loss function expects. Cross-entropy is −(label × log probability), which cannot go below 0 when the labels are 0/1 (or one-hot). ${causeEn}${fixEn}`,
      };
    }
    case 'loss-falls-accuracy-flat':
      return {
        topic: 'loss-function',
        text: ja
          ? `loss は ${x.lossFrom} → ${x.lossTo} と下がっているのに accuracy は ${x.acc} のままです。accuracy は「一番確率の高いクラス（argmax）が正解か」だけを数えるので、予測が判定の境目を越えたときにしか変わりません。loss は確率そのものを見るので、すでに正解しているサンプルへの自信が増すだけでも下がります。だから両者は連動しないことがあり、逆向きに動くこともあります。`
          : `The loss falls (${x.lossFrom} → ${x.lossTo}) while accuracy stays at ${x.acc}. Accuracy only counts whether the top (argmax) prediction is right, so it changes only when a sample crosses the decision boundary; the loss looks at the probabilities themselves and falls whenever the model grows more confident on samples it already gets right. So the two need not move together, and can even move in opposite directions.`,
      };
  }
}

/** A loss said in words to barely fall at a learning rate of 1e-4 or less: tiny steps, compared with the optimizer's default. */
function tinyRateStall(text: string, lang: Lang): string | undefined {
  const lr = learningRate(text);
  if (lr === undefined || lr > 1e-4) return undefined;
  if (!/(ほとんど(下が|減ら|変わ|動)|下がらない|減らない|変わらない|動かない|上がらない|遅い|なかなか|barely|hardly|doesn'?t (go |come )?down|does not (go |come )?down|not (going|coming) down|stuck|plateau|flat|crawl|creep|so slow|slowly|very slow|too slow)/i.test(text)) return undefined;
  const sgd = /\bSGD\b/.test(text) && !/adam/i.test(text);
  const def = sgd ? 0.01 : 0.001;
  const times = Math.round(def / lr);
  const name = sgd ? 'SGD' : 'Adam';
  return lang === 'ja'
    ? `学習率 ${lr} は ${name} の既定値 ${def} の 1/${times.toLocaleString('en-US')} です。1 回の更新で重みがほとんど動かないので、壊れてはいませんが loss は非常にゆっくりしか下がらず、同じところまで下げるにはずっと多くのエポックが必要です。${name} なら既定の ${def} 前後に戻してください。これほど小さい学習率は、学習済みの重みを少しだけ調整するとき（転移学習のファインチューニングなど）に使う値です。`
    : `A learning rate of ${lr} is 1/${times.toLocaleString('en-US')} of ${name}'s default ${def}. Each update barely moves the weights, so nothing is broken but the loss falls very slowly and needs far more epochs to get as far. Go back to about ${name}'s default ${def}. Rates this small are for nudging weights that are already good, as in the fine-tuning step of transfer learning.`;
}

/**
 * A loss that turned into nan (or blew up) with a large rate the asker set,
 * told in words: how far the rate is above the optimizer's default, and the
 * two things to do (lower it, rebuild the model, whose weights are now nan).
 */
function largeRateNan(text: string, lang: Lang): string | undefined {
  const lr = learningRate(text);
  if (lr === undefined || !/(\bnan\b|\binf\b|発散|diverg|blew up|blows up|explod|爆発)/i.test(text)) return undefined;
  const adaptive = /\b(adam|rmsprop|adamw|nadam|adagrad)\b/i.exec(text);
  const sgd = !adaptive && /\bSGD\b/.test(text);
  // Adam's steps are about the rate itself; plain SGD tolerates far larger rates.
  if (adaptive ? lr < LARGE_RATE : lr < 1) return undefined;
  const name = adaptive ? (adaptive[1].toLowerCase() === 'rmsprop' ? 'RMSprop' : adaptive[1].toLowerCase() === 'adamw' ? 'AdamW' : adaptive[1].toLowerCase() === 'nadam' ? 'Nadam' : adaptive[1].toLowerCase() === 'adagrad' ? 'Adagrad' : 'Adam') : sgd ? 'SGD' : 'the optimizer';
  const def = adaptive ? 0.001 : 0.01;
  const times = Math.round(lr / def);
  return lang === 'ja'
    ? `学習率 ${lr} が大きすぎて発散しています。${adaptive || sgd ? `${name} の既定値 ${def} の ${times.toLocaleString('en-US')} 倍です。` : ''}${adaptive ? `${name} は 1 回の更新で各重みをおよそ学習率の大きさだけ動かすので、` : '1 回の更新が大きすぎて、'}谷底を飛び越えて loss が増え、数値があふれて nan になります。学習率を${adaptive || sgd ? `既定の ${def} に` : '小さく（1/10 ずつ）'}戻し、モデルを作るセルから実行し直してください（重みがすでに nan なので、そのまま fit を続けても戻りません）。`
    : `The learning rate ${lr} is too large and training diverged.${adaptive || sgd ? ` It is ${times.toLocaleString('en-US')} times ${name}'s default ${def}.` : ''} ${adaptive ? `${name} moves each weight by roughly the learning rate at every update, so` : 'Each update is so large that'} the steps overshoot the minimum, the loss grows and the numbers overflow into nan. Set the rate back to ${adaptive || sgd ? `the default ${def}` : 'something smaller (a tenth at a time)'} and re-run the cell that builds the model (its weights are already nan; more fit will not bring them back).`;
}

/** A learning rate the asker states (learning_rate=1e-5, lr=0.1, 学習率を 0.00001). */
export function learningRate(text: string): number | undefined {
  const m = /(?:learning_rate|\blr|学習率)\s*(?:を|は|が|=|:|of|to)?\s*([0-9]*\.?[0-9]+(?:e-?\d+)?)/i.exec(text.normalize('NFKC'));
  const v = m ? Number(m[1]) : NaN;
  return Number.isFinite(v) && v > 0 && v < 100 ? v : undefined;
}

/** A learning rate at or above this is too large for Adam on the course's models (its default is 0.001). */
const LARGE_RATE = 0.05;

/** What pasted code shows that explains the asker's surprise. */
/** A layer class written without () where a layer belongs. */
const BARE_LAYER = bareLayerPattern(['Flatten', 'Dropout', 'Dense', 'Conv2D', 'MaxPooling2D', 'GlobalAveragePooling2D', 'GlobalAveragePooling1D', 'BatchNormalization']);

function codeObservations(text: string, models: ModelSummary[], lang: Lang, asksCount = false): Computed[] {
  const ja = lang === 'ja';
  const out: Computed[] = [];
  // A layer class written without () in a layer list or model.add: Keras refuses the class itself.
  const bare = text
    .split('\n')
    .filter((l) => !IMPORT_LINE.test(l))
    .join('\n')
    .match(BARE_LAYER);
  if (bare) {
    out.push({
      kind: 'code',
      topic: 'keras-api-errors',
      text: ja
        ? `\`${bare[1]}\` にかっこがありません。\`${bare[1]}()\` と書いてください。かっこなしはクラスそのもので層ではないので、Keras はモデルに追加できずエラーになります（Keras 3 では「Only instances of keras.Layer can be added」）。`
        : `\`${bare[1]}\` has no parentheses: write \`${bare[1]}()\`. Without them it is the class itself, not a layer, and Keras refuses to add it to the model (Keras 3: "Only instances of keras.Layer can be added").`,
    });
  }
  const dense = findCalls(text, ['Dense']);
  const softmaxOne = dense.find((c) => c.args[0] === 1 && /softmax/i.test(String(c.kwargs.activation ?? c.args[1] ?? '')));
  if (softmaxOne) {
    // More than two classes (Iris's 3, MNIST's 10): one softmax unit per class.
    const k = /(iris|アヤメ|3 ?(classes|クラス|種類|品種)|three classes)/i.test(text) ? 3 : /(mnist|10 ?(classes|クラス)|ten classes|digits?|数字)/i.test(text) ? 10 : 0;
    const stuck = /(0\.33|0\.5\b|0\.50|0\.1\b|0\.10|accuracy|精度)/i.test(text);
    const fixJa = k
      ? `${k} クラスなら出力層は Dense(${k}, activation='softmax') にし、ラベルが整数なら loss='sparse_categorical_crossentropy'、one-hot なら 'categorical_crossentropy' を使ってください。`
      : "二値分類なら Dense(1, activation='sigmoid') と loss='binary_crossentropy'、または Dense(2, activation='softmax') とカテゴリ用の損失関数を使ってください。";
    const fixEn = k
      ? `For ${k} classes the output layer is Dense(${k}, activation='softmax'), with loss='sparse_categorical_crossentropy' for integer labels or 'categorical_crossentropy' for one-hot labels.`
      : "For two classes use Dense(1, activation='sigmoid') with loss='binary_crossentropy', or Dense(2, activation='softmax') with a categorical loss.";
    const stuckJa = stuck ? `予測が毎回同じなので、accuracy はどれか 1 クラスの割合（${k === 3 ? '各 50 本の Iris なら 1/3 = 0.3333' : k === 10 ? 'MNIST ならおよそ 0.1' : '半々のデータなら 0.5'}）に張り付きます。` : '';
    const stuckEn = stuck ? ` The prediction never changes, so accuracy sits at the share of one class (${k === 3 ? '1/3 = 0.3333 for Iris, 50 flowers per species' : k === 10 ? 'about 0.1 for MNIST' : '0.5 for balanced data'}).` : '';
    out.push({
      kind: 'code',
      topic: 'classification-softmax',
      text: ja
        ? `Dense(1, activation='softmax') は常に 1.0 を出力します。softmax は層のユニット全体で合計が 1 になるように割り振るので、ユニットが1つだと e^z / e^z = 1 にしかならず、何も学習できません。${stuckJa}${fixJa}`
        : `Dense(1, activation='softmax') always outputs 1.0: softmax shares a total of 1 across the layer's units, so with a single unit it is e^z / e^z = 1 every time, and nothing can be learned.${stuckEn} ${fixEn}`,
    });
  }
  const mentionsPerceptron = /(perceptron|パーセプトロン|xor)/i.test(text);
  const model = models.find((m) => m.fromModel);
  if (mentionsPerceptron && model && !asksCount) {
    const hidden = model.rows.filter((r) => r.kind === 'Dense').slice(0, -1);
    if (hidden.length) {
      const h = hidden[0];
      out.push({
        kind: 'code',
        topic: 'perceptron-xor',
        text: ja
          ? `あなたのモデルには隠れ層 ${h.label} があるので、もう単一のパーセプトロンではありません。非線形の活性化関数を持つ隠れ層は入力から新しい特徴（たとえば OR と NAND）を作り、その空間では XOR が直線で分けられるようになります。単一パーセプトロンは直線を1本引くだけなので、XOR の4点のうち最大でも3点しか正解できません。教科書の話と矛盾はしていません。`
          : `Your model has a hidden layer, ${h.label}, so it is no longer a single perceptron. A hidden layer with a non-linear activation computes new features from the inputs (for example OR and NAND) in which XOR becomes separable by a straight line. A single perceptron draws one straight line and gets at most 3 of the 4 XOR points right, so the textbook still holds.`,
      });
    } else if (model.input[0] >= 3) {
      out.push({
        kind: 'code',
        topic: 'perceptron-xor',
        text: ja
          ? `あなたのモデルは単一パーセプトロンですが、入力が ${model.input[0]} 個あります。x1·x2 のような特徴を自分で足すと、XOR = x1 + x2 − 2·x1·x2 と入力の一次式で書けるので、直線（平面）1枚で分けられるようになります。元の2つの入力 (x1, x2) だけでは、単一パーセプトロンは XOR を解けません。隠れ層は、そうした特徴を自分で学習する役割を持ちます。`
          : `Your model is a single perceptron, but it has ${model.input[0]} inputs. With an extra input such as x1·x2, XOR = x1 + x2 − 2·x1·x2 is a linear function of the inputs, so one straight line (plane) separates it. On the raw inputs (x1, x2) alone a single perceptron cannot solve XOR; a hidden layer is what learns such a feature by itself.`,
      });
    }
  }
  const last = model?.rows.filter((r) => r.kind === 'Dense').pop();
  const lastCall = dense[dense.length - 1];
  if (model && last && lastCall && last.output[last.output.length - 1] > 1 && !lastCall.kwargs.activation && lastCall.args.length < 2 && /(predict|確率|probabilit|logits?|マイナス|negative)/i.test(text)) {
    out.push({
      kind: 'code',
      topic: 'classification-softmax',
      text: ja
        ? `最後の層 ${last.label} に activation がないので、出力は確率ではなく生のスコア（ロジット）で、マイナスや1より大きい値も出ます。確率が欲しければ最後の層を activation='softmax' にするか、出力に tf.nn.softmax をかけてください。どちらでも argmax で選ばれるクラスは同じです。出力層を線形のままにするなら、損失関数には from_logits=True を指定します。`
        : `The last layer, ${last.label}, has no activation, so it outputs raw scores (logits), not probabilities: negative values and values above 1 are normal. For probabilities give the last layer activation='softmax', or apply tf.nn.softmax to the outputs; argmax picks the same class either way. If the output layer stays linear, the loss needs from_logits=True.`,
    });
  }
  // The output layer's activation against what the asker predicts.
  const outAct = lastCall ? String(lastCall.kwargs.activation ?? lastCall.args[1] ?? '').toLowerCase() : '';
  const outUnits = lastCall && typeof lastCall.args[0] === 'number' ? lastCall.args[0] : undefined;
  // (Logistic regression is a classifier, whatever its name says.)
  const regression = /(regression|回帰|予測値|negative|マイナス|負の|standardi[sz]|標準化|price|家賃|価格|temperature|気温|mse|mae)/i.test(text.replace(/logistic regression|ロジスティック回帰/gi, ' '));
  if (lastCall && outUnits === 1 && outAct === 'relu' && regression) {
    out.push({
      kind: 'code',
      topic: 'activation-functions',
      text: ja
        ? "出力層が Dense(1, activation='relu') なので、予測は 0 より小さくなれません。ReLU は負の値をすべて 0 に切り捨て、しかも負の側では勾配が 0 なので、そこにはまると学習でも抜け出せず、予測が 0 に張り付きます。回帰の出力層は活性化なしの Dense(1)（activation=None、つまり 'linear'）にしてください。ReLU は隠れ層で使います。"
        : "The output layer is Dense(1, activation='relu'), so no prediction can go below 0: ReLU cuts every negative value to 0, and its gradient there is 0, so once stuck the model cannot move out and the predictions sit at 0. A regression's output layer has no activation: Dense(1) (activation=None, i.e. 'linear'). ReLU belongs in the hidden layers.",
    });
  } else if (lastCall && outUnits === 1 && outAct === 'sigmoid' && regression && !/(binary|二値|2クラス|two classes|0 or 1|0か1)/i.test(text)) {
    out.push({
      kind: 'code',
      topic: 'activation-functions',
      text: ja
        ? "出力層が Dense(1, activation='sigmoid') なので、予測は 0〜1 の間にしかなりません。0〜1 の外にある目標（家賃や標準化してマイナスもある値）は予測できません。回帰の出力層は活性化なしの Dense(1) にしてください。"
        : "The output layer is Dense(1, activation='sigmoid'), so every prediction lies between 0 and 1: targets outside 0-1 (prices, standardized values with negatives) cannot be reached. A regression's output layer has no activation: Dense(1).",
    });
  }
  // A single Dense(1) without activation asked about as linear regression: it is one.
  const onlyDense1 = model && model.rows.length === 1 && model.rows[0].kind === 'Dense' && outUnits === 1 && !outAct;
  if (onlyDense1 && /(linear regression|線形回帰|y\s*=\s*mx|y\s*=\s*wx|neural network|ニューラルネット)/i.test(text)) {
    const n = model.input[0] ?? 1;
    out.push({
      kind: 'code',
      topic: 'linear-regression',
      text: ja
        ? `はい、同じものです。活性化のない Dense(1) は y = w·x + b を計算するだけの層で${n === 1 ? '、パラメータ 2 個は重み w（直線の傾き m）とバイアス b（切片）です' : `、パラメータ ${n + 1} 個は入力ごとの重み ${n} 個とバイアス 1 個です`}。loss='mse' で学習すれば線形回帰そのもので、違いは最小二乗の公式で一度に解く代わりに勾配降下法で少しずつ w と b を合わせていくことだけです。隠れ層と非線形の活性化関数を足すと、直線ではない関係も表せる「ニューラルネットワークらしい」モデルになります。`
        : `Yes. A Dense(1) with no activation computes y = w·x + b and nothing else${n === 1 ? ': its 2 parameters are the weight w (the slope m) and the bias b (the intercept)' : `: its ${n + 1} parameters are one weight per input (${n}) and a bias`}. Trained with loss='mse' it is linear regression; the only difference is that gradient descent fits w and b step by step instead of solving the least-squares formula at once. Hidden layers with a non-linear activation are what make a network fit more than a straight line.`,
    });
  }
  // binary_crossentropy on several one-hot classes: "accuracy" becomes binary accuracy over every output.
  const binaryLoss = /binary_crossentropy|BinaryCrossentropy/.test(text);
  const classes = outUnits && outUnits > 2 ? outUnits : Number(/(\d+)\s*(?:outputs|classes|units|クラス|個の出力)/i.exec(text)?.[1] ?? 0);
  if (binaryLoss && classes > 2 && (outAct === 'softmax' || /softmax|one-?hot|to_categorical/i.test(text))) {
    const share = ((classes - 1) / classes).toFixed(2);
    out.push({
      kind: 'code',
      topic: 'loss-function',
      text: ja
        ? `loss='binary_crossentropy' にすると、metrics=['accuracy'] は Keras では binary_accuracy になります。${classes} 個の出力それぞれを「0 か 1 か」の別々の問題として採点するので、one-hot のラベルに全部 0 と答えるだけで ${classes - 1}/${classes} = ${share} になります。だから精度は高いのに予測はでたらめです。${classes} クラスの one-hot ラベルには loss='categorical_crossentropy'（整数ラベルなら 'sparse_categorical_crossentropy'）を使ってください。`
        : `With loss='binary_crossentropy', Keras turns metrics=['accuracy'] into binary_accuracy: it scores each of the ${classes} outputs as its own yes/no question, so answering 0 everywhere already scores ${classes - 1}/${classes} = ${share} on one-hot labels. That is why the accuracy is high while the predictions are poor. For ${classes} one-hot classes use loss='categorical_crossentropy' ('sparse_categorical_crossentropy' for integer labels).`,
    });
  }
  return out;
}

/** Labels of -1 in the asker's data ("unknown samples are labelled -1", "ラベルに -1"). */
const NEGATIVE_LABEL = /(label(?:l?ed|s)?\s*(?:as|with|=|:|of|is|are)?\s*-1(?!\d|\.\d)|-1\s*(?:as (?:the|a)\s+)?labels?\b|ラベル[^。\n]{0,20}?\s*-1(?!\d|\.\d)|-1\s*(?:の|という)?\s*ラベル)/i;

/**
 * Every result the question's own numbers and code allow, most specific
 * first: error readings, code observations, model summaries, steps, log
 * findings. Empty when there is nothing to compute.
 */
export function computeFromQuestion(question: string, lang: Lang): Computed[] {
  const text = question.length > 20_000 ? question.slice(0, 20_000) : question;
  const out: Computed[] = [];
  const err = readError(text);
  if (err) out.push({ kind: 'error', text: err.text[lang], topic: err.topic, alone: err.alone });
  const models = summarizeModels(text);
  // Asked about in words, not only written in code (input_shape= says nothing about the question).
  // Nor in a pasted error message or code block: "expected ... shape (None, 784)" is not a question about the model's shapes.
  const prose = text
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .split('\n')
    .filter((l) => !/(Error|Exception|Traceback|^\s*File ")/.test(l))
    .join('\n')
    .replace(/\b[A-Za-z_][\w.]*_[\w.]*\b/g, ' ')
    .replace(/\b(Input|InputLayer)\s*\(/g, ' ');
  // A question about the parameter count is answered with the count, not with what the model shows about XOR.
  const asksCount = /(param|パラメー?タ|summary|サマリ|何個|いくつ|合計|total|how many)/i.test(prose);
  out.push(...codeObservations(text, models, lang, asksCount));
  // A pasted summary table: each of its numbers explained.
  const table = err ? undefined : parseSummaryTable(text);
  if (table) {
    const stated = /total params\s*:?\s*([\d,]+)/i.exec(text);
    const conv = table.some((r) => r.kind === 'Conv2D');
    out.push({ kind: 'model', text: explainSummary(table, lang, stated ? Number(stated[1].replace(/,/g, '')) : undefined) + batchAxisNote(prose, text.split('\n').filter((l) => !/\(None/.test(l)).join('\n'), lang), topic: conv ? 'cnn-convolution' : undefined });
  }
  // One layer and the count the asker sees for it: what the count says about the layer's input.
  // Not when the pasted model itself gives its input (input_shape=): its counts are then computed forwards, layer by layer.
  const complete = models.some((m) => m.input && m.rows.length >= 2);
  // Nor when a pretrained base is named beside a new Dense head: the count quoted is the base's ("VGG16 without top = 14,714,688"),
  // not the head's (a count of one of the base's own convolutions is still read back).
  const pretrained = /\b(VGG1[69]|ResNet\d*|MobileNet\w*|InceptionV3|EfficientNet\w*|include_top)\b/i.test(text) && !/(Conv2D|conv\d|filters|kernels|フィルタ|カーネル)/i.test(text);
  const readBack = table || err || complete || pretrained ? undefined : (checkQuotedRow(text, lang) ?? explainParamCount(text, lang));
  if (readBack) out.push({ kind: 'model', text: readBack, topic: /Conv2D/.test(text) ? 'cnn-convolution' : undefined });
  if (!table && !readBack && models.length && ASKS_MODEL.test(prose) && !err) {
    const hasConv = models.some((m) => m.rows.some((r) => r.kind === 'Conv2D'));
    const hasPool = models.some((m) => m.rows.some((r) => /Pool/.test(r.kind)));
    const onlyPool = hasPool && !hasConv && models.every((m) => m.rows.every((r) => /Pool|Dropout|Flatten/.test(r.kind)));
    const hasBn = models.some((m) => m.rows.some((r) => r.kind === 'BatchNormalization'));
    const hasEmb = models.some((m) => m.rows.some((r) => r.kind === 'Embedding'));
    const topic: TopicSlug | undefined = hasConv ? 'cnn-convolution' : onlyPool ? 'pooling' : hasBn ? 'normalization' : hasEmb ? 'nlp-embeddings' : undefined;
    if (!out.some((o) => o.kind === 'code' && o.topic === 'perceptron-xor')) {
      // A listing that cannot place even its first layer says nothing useful.
      const shown = models.filter((m) => m.rows.length > 0);
      // "and what if pool_size=3?": the same layers worked out again with the parameter changed.
      const variants = whatIfModels(text).map((w) => `${lang === 'ja' ? `${w.change} にすると：` : `With ${w.change}:`}\n${w.models.map((m) => modelText(m, lang)).join('\n\n')}`);
      if (shown.length) out.push({ kind: 'model', text: [...shown.map((m) => modelText(m, lang)), ...variants, dataNote(text, shown[0], lang), samePaddingNote(prose, shown[0], lang)].filter(Boolean).join('\n\n'), topic });
    }
  }
  const grad = computeGradient(text);
  // A prediction or the best line of y = mx + b is the line-fitting lesson; a chain is backpropagation; the rest are gradient steps.
  if (grad) out.push({ kind: 'math', text: grad.text[lang], topic: grad.kind === 'chain' ? 'backpropagation' : grad.kind === 'prediction' || grad.kind === 'fit' ? 'linear-regression' : 'gradient-descent' });
  // A learning-rate sweep (one line per rate) is not one run's log.
  // (A healthy run is named only when the asker wonders whether it is overfitting or fine.)
  const asksHealth = /(overfit|過学習|\b(fine|ok|okay|normal|healthy|good)\b|大丈夫|問題ない|順調|正常)/i.test(text);
  const findings = lrSweepRows(text).length ? [] : readLog(parseLog(text), learningRate(text)).filter((f) => f.kind !== 'still-improving' || asksHealth);
  // A tiny rate the asker set and a loss that "barely falls", told in words with no log: the steps are tiny.
  const stallTold = !findings.length && !Object.keys(parseLog(text)).length ? tinyRateStall(text, lang) : undefined;
  if (stallTold) out.push({ kind: 'log', text: stallTold, topic: 'learning-rate' });
  // A large rate the asker set and a loss that became nan, told in words with no log: the steps overshoot.
  const nanTold = !findings.length && !Object.keys(parseLog(text)).length ? largeRateNan(text, lang) : undefined;
  if (nanTold) out.push({ kind: 'log', text: nanTold, topic: 'learning-rate' });
  // Chance-level accuracy beside a diverged loss is named only when the data set, and so its class count, is known.
  for (const f of findings) {
    // A NaN loss with labels of -1 in the data: out-of-range labels, not a learning rate.
    if (f.kind === 'diverged' && /nan/i.test(String(f.facts.value)) && NEGATIVE_LABEL.test(text)) f.facts.badLabel = 1;
    // Adam and RMSprop take steps of about the learning rate itself: 0.1 is already far above their usual 0.001.
    if (f.kind === 'diverged' && /\b(adam|rmsprop|adamw|nadam)\b/i.test(text)) f.facts.adaptive = 1;
    if (f.kind === 'diverged' && /\bSGD\b/.test(text)) f.facts.sgd = 1;
    if (f.kind === 'negative-loss') {
      const name = /\b(binary_crossentropy|sparse_categorical_crossentropy|categorical_crossentropy)\b/.exec(text);
      if (name) f.facts.lossName = name[1];
      if (/(mnist|digits?|手書き|数字|0\s*[-〜~～]\s*9)/i.test(text)) f.facts.classes = 10;
      else if (/(iris|アイリス|アヤメ|あやめ)/i.test(text)) f.facts.classes = 3;
    }
    // A loss quoted without its "Epoch k/N" line has no epoch of its own: the prose may say one ("nan from epoch 2").
    if (f.kind === 'diverged' && f.facts.unlabeled) {
      const said = /(?:from|at|in|since|after)\s+(?:the\s+)?epoch\s+(\d+)|epoch\s+(\d+)\s+(?:on|onwards)|エポック\s*(\d+)\s*(?:目|から|で)|(\d+)\s*エポック目/i.exec(text.normalize('NFKC'));
      f.facts.epoch = said ? Number(said[1] ?? said[2] ?? said[3] ?? said[4]) : 0;
    }
    if (f.kind !== 'diverged' || !f.facts.classes) continue;
    const known = f.facts.classes === 10 ? /(mnist|digits?|手書き|数字|1875\/1875|469\/469|60,?000)/i : f.facts.classes === 3 ? /(iris|アイリス|アヤメ|あやめ|品種|species|flowers?)/i : /(xor|binary|二値|2 ?クラス|two classes)/i;
    if (!known.test(text)) {
      const { acc: _acc, classes: _classes, ...rest } = f.facts;
      f.facts = rest;
    }
  }
  // A loss of ln(k) is read as a loss, not as a model's output to compute a loss from.
  const chanceValue = findings.find((f) => f.kind === 'chance-value')?.facts.value;
  // Arithmetic inside pasted code (a log, a model) is the other calculators' business.
  if (!grad) for (const a of computeArithmetic(text)) if (!(chanceValue && a.text.en.includes(String(chanceValue)))) out.push({ kind: 'math', text: a.text[lang], topic: a.topic });
  const steps = computeSteps(text);
  if (steps) {
    // Dataset.repeat() with no count never ends: Keras cannot tell where an epoch stops.
    const c = steps.cases[0];
    const endless = c && /\.repeat\(\s*\)/.test(text) && !/steps_per_epoch/.test(text);
    // fit(x, y, 10) meant as ten epochs: the 10 is the batch size.
    const positional = positionalFitBatch(text);
    const lead = positional === undefined ? '' : lang === 'ja'
      ? `\`fit(x, y, ${positional})\` の 3 番目の引数は \`epochs\` ではなく \`batch_size\` です（順番は \`fit(x, y, batch_size, epochs, …)\`）。そのため 1 回の更新に ${positional} 件ずつ使われ、エポック数は既定の 1 のままです。${positional} エポック学習したいなら \`fit(x, y, epochs=${positional})\` とキーワードで書いてください。\n`
      : `The third positional argument of \`fit(x, y, ${positional})\` is \`batch_size\`, not \`epochs\` (the order is \`fit(x, y, batch_size, epochs, …)\`): each update used ${positional} samples and training ran for the default 1 epoch. For ${positional} epochs write \`fit(x, y, epochs=${positional})\`.\n`;
    const note = !endless ? '' : lang === 'ja'
      ? `\nただし \`.repeat()\` を回数なしで付けるとデータセットが終わらなくなり、Keras は 1 エポックの終わりが分からないので、最初のエポックが終わらず進捗バーに合計も出ません。\`.repeat()\` を外すか、\`fit(ds, epochs=…, steps_per_epoch=${fmt(c.steps)})\` を指定します。`
      : `\nBut \`.repeat()\` with no count makes the dataset endless, so Keras cannot know where an epoch ends: the first epoch never finishes and the bar shows no total. Drop \`.repeat()\` or pass \`steps_per_epoch=${fmt(c.steps)}\` to fit.`;
    out.push({ kind: 'steps', text: lead + stepsText(steps, lang) + note, topic: positional === undefined ? 'batch-size' : 'epochs' });
  }
  // A one-unit softmax already explained from the code explains an exact-zero loss too.
  const softmaxShown = out.some((o) => o.kind === 'code' && o.topic === 'classification-softmax');
  // EarlyStopping worked on the asker's val_loss list already says where overfitting starts.
  const earlyShown = out.some((o) => o.kind === 'math' && o.topic === 'overfitting-validation');
  for (const f of findings.filter((x) => !(softmaxShown && x.kind === 'exact-zero') && !(earlyShown && x.kind === 'overfitting')).slice(0, 2)) {
    const r = findingText(f, lang);
    out.push({ kind: 'log', text: r.text, topic: r.topic });
  }
  return out;
}
