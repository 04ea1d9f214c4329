/**
 * Output shapes and parameter counts of a Keras model pasted into a question,
 * worked out the way `model.summary()` does, with the arithmetic shown: the
 * asker who wants to check their own count by hand gets every step.
 *
 * Layers: Input, Dense, Conv2D, Conv1D, DepthwiseConv2D, MaxPooling2D / AveragePooling2D, MaxPooling1D / AveragePooling1D (and the
 * MaxPool2D spellings), Global*Pooling2D and Global*Pooling1D, Flatten, Dropout, Activation,
 * BatchNormalization, Reshape, Embedding, SimpleRNN, LSTM, GRU. A layer call
 * inside `Sequential([...])` or `model.add(...)` belongs to the model; a
 * layer call on its own ("a Conv2D(32, (3,3)) first layer") is worked out
 * alone, on the input shape the question gives.
 */
import { asInt, asInt1, asPair, asShape, findCalls, parseValue, type PyCall, type PyValue } from './pyargs.ts';

export const LAYER_NAMES = [
  'Input',
  'InputLayer',
  'Dense',
  'Conv2D',
  'Convolution2D',
  'Conv1D',
  'DepthwiseConv2D',
  'MaxPooling1D',
  'AveragePooling1D',
  'MaxPooling2D',
  'MaxPool2D',
  'AveragePooling2D',
  'AvgPool2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'GlobalAveragePooling1D',
  'GlobalMaxPooling1D',
  'Flatten',
  'Dropout',
  'Activation',
  'BatchNormalization',
  'Reshape',
  'Embedding',
  'SimpleRNN',
  'LSTM',
  'GRU',
] as const;

export interface LayerRow {
  /** How the layer is named in the summary: `Conv2D(32, 3×3)`. */
  label: string;
  kind: string;
  /** Output shape without the batch axis. */
  output: number[];
  params: number;
  trainable: number;
  /** How the output shape was worked out (empty when it is unchanged). */
  shapeMath: string;
  /** How the parameter count was worked out (empty when there are none). */
  paramMath: string;
  /** A remark worth reading (weights shared, statistics not trained…). */
  note?: string;
}

export interface ModelSummary {
  input: number[];
  /** Where the input shape came from. */
  /** channels-only: a lone Conv2D worked out for a grey-scale image; channels-told: its input's channels named in words (its size unknown), or channels-after-conv the filters of the convolution before it. */
  inputFrom: 'layer' | 'question' | 'assumed' | 'channels-only' | 'channels-told' | 'channels-after-conv';
  rows: LayerRow[];
  total: number;
  trainable: number;
  /** Set when a layer cannot take the shape it gets (the summary stops there). */
  error?: string;
  /** Whether the layers came from a model definition (Sequential / model.add), not a lone layer call. */
  fromModel: boolean;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const shapeText = (s: number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Keeps the layer calls that define a model: inside `Sequential([...])` or passed to `.add(...)`. */
function modelCalls(text: string, calls: PyCall[]): PyCall[] {
  const spans: [number, number][] = [];
  for (const m of text.matchAll(/Sequential\s*\(\s*\[/g)) {
    const start = m.index! + m[0].length - 1;
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      if (text[i] === '[') depth++;
      else if (text[i] === ']' && --depth === 0) {
        spans.push([start, i]);
        break;
      }
    }
  }
  for (const m of text.matchAll(/\.add\s*\(/g)) spans.push([m.index!, m.index! + m[0].length + 1]);
  return calls.filter((c) => spans.some(([a, b]) => c.at >= a && c.at <= b));
}

/**
 * An input shape stated in words: "a 28x28x1 input", "(32, 32, 3) images",
 * "28×28の画像". Two numbers need a word saying they are the input (a "3x3"
 * alone is a kernel); of several, the largest is the input.
 */
export function inputShapeFromText(text: string): number[] | undefined {
  const t = text.normalize('NFKC');
  let best: number[] | undefined;
  for (const m of t.matchAll(/(\d{1,4})\s*[x×*]\s*(\d{1,4})(?:\s*[x×*]\s*(\d{1,4}))?/gi)) {
    // "3×3×64+64 = 640" is arithmetic, not a shape.
    if (/^\s*[+=]/.test(t.slice(m.index! + m[0].length))) continue;
    const dims = m.slice(1).filter(Boolean).map(Number);
    const around = t.slice(Math.max(0, m.index! - 25), m.index! + m[0].length + 25);
    const isInput = dims.length === 3 || /(input|入力|image|画像|picture|写真|pixels?|ピクセル|画素|mnist|grey|gray|グレー)/i.test(around);
    if (isInput && (!best || prod(dims) > prod(best))) best = dims;
  }
  // A three-axis tuple in the prose ("a 32x32 RGB image (32,32,3)") says more than "32x32".
  if (best && best.length === 3) return best;
  const fromTuple = tupleInput(t);
  if (fromTuple && (!best || fromTuple.length > best.length)) return fromTuple;
  if (best) return best;
  const tuple = /input_shape\s*=\s*\(([\d\s,]+)\)|\bshape\s*=\s*\(([\d\s,]+)\)/.exec(t);
  if (tuple) return (tuple[1] ?? tuple[2]).split(',').map((x) => x.trim()).filter(Boolean).map(Number);
  return undefined;
}

/** A shape tuple in the prose: "on a (14, 14, 32) input", "(None, 13, 13, 64) -> MaxPooling2D". */
function tupleInput(t: string): number[] | undefined {
  // A shape tuple in the prose: "on a (14, 14, 32) input", "(None, 13, 13, 64) -> MaxPooling2D".
  for (const m of t.matchAll(/\(\s*(?:None\s*,\s*)?(\d{1,5}(?:\s*,\s*\d{1,5}){0,2})\s*,?\s*\)/g)) {
    const before = t.slice(Math.max(0, m.index! - 30), m.index!);
    const after = t.slice(m.index! + m[0].length, m.index! + m[0].length + 30);
    if (/(input_shape|shape)\s*=\s*$/.test(before)) continue;
    // "Embedding(…) → output shape (None, 100, 16)": what that layer gives, not what goes in
    // (a base model's output named on its own, "the base's output (7, 7, 512)", is the head's input).
    const gives = /([A-Za-z]\w*)\s*\((?:[^()]|\([^()]*\))*\)\s*(?:(?:→|->|=>|gives|gave|outputs)\s*(?:an?\s+|the\s+)?(?:output(?:\s+shape)?\s*(?:of|is|:)?\s*)?|の出力(?:の形)?\s*(?:は|が)?\s*[:：]?\s*)$/i.exec(t.slice(Math.max(0, m.index! - 200), m.index!));
    if (gives && (LAYER_NAMES as readonly string[]).includes(gives[1])) continue;
    // The parentheses of a call (Embedding(20000, 32)) are its arguments, not a shape.
    if (/[A-Za-z0-9_]$/.test(before)) continue;
    // An argument of a call (the kernel size in Conv2D(16, (1, 1))) is not an input.
    const line = t.slice(t.lastIndexOf('\n', m.index!) + 1, m.index!);
    if ((line.match(/\(/g)?.length ?? 0) > (line.match(/\)/g)?.length ?? 0)) continue;
    const near = `${before} ${after}`;
    if (/None/.test(m[0]) || /(input|入力|feature ?maps?|特徴マップ|shape|形状|の形|->|→|=>|applied|apply|かけ|入れ|tensor|テンソル|image|画像)/i.test(near)) {
      return m[1].split(',').map((x) => Number(x.trim()));
    }
  }
  return undefined;
}

const kw = (c: PyCall, name: string, pos?: number): PyValue | undefined => (name in c.kwargs ? c.kwargs[name] : pos !== undefined ? c.args[pos] : undefined);

function inputOf(c: PyCall): number[] | undefined {
  if (c.name === 'Input' || c.name === 'InputLayer') return asShape(kw(c, 'shape', 0) ?? kw(c, 'input_shape') ?? c.kwargs.batch_shape);
  const s = asShape(c.kwargs.input_shape);
  if (s) return s;
  const dim = asInt(c.kwargs.input_dim);
  return dim && c.name !== 'Embedding' ? [dim] : undefined;
}

/** One side of a convolution's or pooling's output: ceil(size / s) with padding='same', floor((size − k) / s) + 1 without. */
export function convOut(size: number, k: number, s: number, padding: string): { out: number; math: string } {
  if (padding === 'same') {
    const out = Math.ceil(size / s);
    return { out, math: s === 1 ? `${size} (padding='same' pads the border with zeros, so stride 1 keeps the size)` : `ceil(${size}/${s}) = ${out}` };
  }
  const out = Math.floor((size - k) / s) + 1;
  return { out, math: s === 1 ? `${size}−${k}+1 = ${out}` : `floor((${size}−${k})/${s})+1 = ${out}` };
}

/** One layer applied to `shape`: its row, or an error message. */
function applyLayer(c: PyCall, shape: number[], prevKind?: string): LayerRow | string {
  const name = c.name === 'Convolution2D' ? 'Conv2D' : c.name === 'MaxPool2D' ? 'MaxPooling2D' : c.name === 'AvgPool2D' ? 'AveragePooling2D' : c.name;
  switch (name) {
    case 'Dense': {
      const units = asInt(kw(c, 'units', 0));
      if (!units) return 'Dense without a number of units';
      const d = shape[shape.length - 1];
      const bias = kw(c, 'use_bias') === false ? 0 : units;
      const params = d * units + bias;
      const out = [...shape.slice(0, -1), units];
      return {
        label: `Dense(${units})`,
        kind: name,
        output: out,
        params,
        trainable: params,
        shapeMath: shape.length > 1 ? `Dense acts on the last axis only: ${shapeText(shape)} → ${shapeText(out)}` : '',
        paramMath: bias ? `${fmt(d)}×${fmt(units)} + ${fmt(units)} = ${fmt(params)}` : `${fmt(d)}×${fmt(units)} = ${fmt(params)}`,
        note: shape.length > 1 ? 'no Flatten before it' : undefined,
      };
    }
    case 'Conv2D': {
      const filters = asInt(kw(c, 'filters', 0));
      const k = asPair(kw(c, 'kernel_size', 1));
      if (!filters || !k) return 'Conv2D without filters or kernel_size';
      if (shape.length !== 3) return `Conv2D needs an input of 3 axes (height, width, channels) but gets ${shapeText(shape)}`;
      const s = asPair(kw(c, 'strides', 2)) ?? [1, 1];
      const padding = String(kw(c, 'padding', 3) ?? 'valid');
      const [h, w, ch] = shape;
      const oh = convOut(h, k[0], s[0], padding);
      const ow = convOut(w, k[1], s[1], padding);
      if (oh.out < 1 || ow.out < 1) return `a ${k[0]}×${k[1]} kernel does not fit in ${h}×${w}`;
      const bias = kw(c, 'use_bias') === false ? 0 : 1;
      const per = k[0] * k[1] * ch + bias;
      const params = filters * per;
      const sameHW = h === w && k[0] === k[1] && s[0] === s[1];
      return {
        label: `Conv2D(${filters}, ${k[0]}×${k[1]}${s[0] !== 1 || s[1] !== 1 ? `, strides=${s[0] === s[1] ? s[0] : `(${s.join(', ')})`}` : ''}${padding === 'same' ? ", padding='same'" : ''})`,
        kind: name,
        output: [oh.out, ow.out, filters],
        params,
        trainable: params,
        shapeMath: sameHW ? oh.math : `${oh.math}, ${ow.math}`,
        paramMath: `${filters} × (${k[0]}×${k[1]}×${ch}${bias ? ' + 1' : ''}) = ${filters} × ${per} = ${fmt(params)}`,
        note: ch > 1 ? `each filter spans all ${ch} input channels` : undefined,
      };
    }
    case 'Conv1D': {
      const filters = asInt(kw(c, 'filters', 0));
      const k = asInt1(kw(c, 'kernel_size', 1));
      if (!filters || !k) return 'Conv1D without filters or kernel_size';
      if (shape.length !== 2) return `Conv1D needs an input of 2 axes (steps, channels) but gets ${shapeText(shape)}`;
      const st = asInt1(kw(c, 'strides', 2)) ?? 1;
      const padding = String(kw(c, 'padding', 3) ?? 'valid');
      const [len, ch] = shape;
      const o = convOut(len, k, st, padding);
      if (o.out < 1) return `a kernel of ${k} does not fit in ${len} steps`;
      const bias = kw(c, 'use_bias') === false ? 0 : 1;
      const per = k * ch + bias;
      const params = filters * per;
      return {
        label: `Conv1D(${filters}, ${k}${st !== 1 ? `, strides=${st}` : ''}${padding === 'same' ? ", padding='same'" : ''})`,
        kind: name,
        output: [o.out, filters],
        params,
        trainable: params,
        shapeMath: `${o.math} steps`,
        paramMath: `${filters} × (${k}×${ch}${bias ? ' + 1' : ''}) = ${filters} × ${per} = ${fmt(params)}`,
        note: `each filter slides along the steps and spans all ${ch} features`,
      };
    }
    case 'DepthwiseConv2D': {
      const k = asPair(kw(c, 'kernel_size', 0));
      if (!k) return 'DepthwiseConv2D without kernel_size';
      if (shape.length !== 3) return `DepthwiseConv2D needs an input of 3 axes (height, width, channels) but gets ${shapeText(shape)}`;
      const s = asPair(kw(c, 'strides', 1)) ?? [1, 1];
      const padding = String(kw(c, 'padding', 2) ?? 'valid');
      const dm = asInt(kw(c, 'depth_multiplier', 3)) ?? 1;
      const [h, w, ch] = shape;
      const oh = convOut(h, k[0], s[0], padding);
      const ow = convOut(w, k[1], s[1], padding);
      if (oh.out < 1 || ow.out < 1) return `a ${k[0]}×${k[1]} kernel does not fit in ${h}×${w}`;
      const bias = kw(c, 'use_bias') === false ? 0 : ch * dm;
      const params = k[0] * k[1] * ch * dm + bias;
      return {
        label: `DepthwiseConv2D(${k[0]}×${k[1]}${dm !== 1 ? `, depth_multiplier=${dm}` : ''})`,
        kind: name,
        output: [oh.out, ow.out, ch * dm],
        params,
        trainable: params,
        shapeMath: h === w && k[0] === k[1] ? oh.math : `${oh.math}, ${ow.math}`,
        paramMath: `${k[0]}×${k[1]}×${ch}${dm !== 1 ? `×${dm}` : ''}${bias ? ` + ${ch * dm}` : ''} = ${fmt(params)}`,
        note: `one ${k[0]}×${k[1]} kernel per input channel, channels not mixed (a Conv2D with ${ch * dm} filters would have (${k[0]}×${k[1]}×${ch} + 1) × ${ch * dm} = ${fmt((k[0] * k[1] * ch + 1) * ch * dm)})`,
      };
    }
    case 'MaxPooling1D':
    case 'AveragePooling1D': {
      if (shape.length !== 2) return `${name} needs an input of 2 axes (steps, channels) but gets ${shapeText(shape)}`;
      const p = asInt1(kw(c, 'pool_size', 0)) ?? 2;
      const st = asInt(kw(c, 'strides', 1)) ?? p;
      const padding = String(kw(c, 'padding', 2) ?? 'valid');
      const o = convOut(shape[0], p, st, padding);
      return {
        label: `${name}(${p})`,
        kind: name,
        output: [o.out, shape[1]],
        params: 0,
        trainable: 0,
        shapeMath: padding === 'same' ? `ceil(${shape[0]}/${st}) = ${o.out} steps` : `floor((${shape[0]}−${p})/${st})+1 = ${o.out} steps`,
        paramMath: '',
        note: 'each channel pooled separately; no weights',
      };
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      if (shape.length !== 3) return `${name} needs an input of 3 axes but gets ${shapeText(shape)}`;
      const p = asPair(kw(c, 'pool_size', 0)) ?? [2, 2];
      const s = asPair(kw(c, 'strides', 1)) ?? p;
      const padding = String(kw(c, 'padding', 2) ?? 'valid');
      const oh = convOut(shape[0], p[0], s[0], padding);
      const ow = convOut(shape[1], p[1], s[1], padding);
      const math = (size: number, o: { out: number }) => (padding === 'same' ? `ceil(${size}/${s[0]}) = ${o.out}` : `floor((${size}−${p[0]})/${s[0]})+1 = ${o.out}`);
      // No pool_size written: Keras's default (2, 2), and strides default to the pool size.
      const defaults = kw(c, 'pool_size', 0) === undefined ? (kw(c, 'strides', 1) === undefined ? ', pool_size and strides by default' : ', pool_size by default') : '';
      return {
        label: `${name}(${p[0]}×${p[1]}${defaults})`,
        kind: name,
        output: [oh.out, ow.out, shape[2]],
        params: 0,
        trainable: 0,
        shapeMath: shape[0] === shape[1] ? math(shape[0], oh) : `${math(shape[0], oh)}, ${math(shape[1], ow)}`,
        paramMath: '',
        note: 'each channel pooled separately; no weights',
      };
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      if (shape.length !== 3) return `${name} needs an input of 3 axes but gets ${shapeText(shape)}`;
      return { label: `${name}()`, kind: name, output: [shape[2]], params: 0, trainable: 0, shapeMath: `one value per channel`, paramMath: '' };
    case 'GlobalAveragePooling1D':
    case 'GlobalMaxPooling1D':
      // An Embedding without input_length keeps its sequence axis open: (sequence length, features).
      if (shape.length === 1 && prevKind === 'Embedding') return { label: `${name}()`, kind: name, output: [shape[0]], params: 0, trainable: 0, shapeMath: `one value per feature over the sequence`, paramMath: '' };
      if (shape.length !== 2) return `${name} needs an input of 2 axes (steps, features) but gets ${shapeText(shape)}`;
      return { label: `${name}()`, kind: name, output: [shape[1]], params: 0, trainable: 0, shapeMath: `one value per feature over the ${fmt(shape[0])} steps`, paramMath: '' };
    case 'Flatten': {
      const out = [prod(shape)];
      return {
        label: 'Flatten()',
        kind: name,
        output: out,
        params: 0,
        trainable: 0,
        shapeMath: shape.length > 1 ? `${shape.join('×')} = ${fmt(out[0])}` : '',
        paramMath: '',
      };
    }
    case 'Dropout':
      return { label: `Dropout(${kw(c, 'rate', 0) ?? ''})`, kind: name, output: shape, params: 0, trainable: 0, shapeMath: '', paramMath: '', note: 'active only in training' };
    case 'Activation':
      return { label: `Activation(${JSON.stringify(kw(c, 'activation', 0) ?? '')})`, kind: name, output: shape, params: 0, trainable: 0, shapeMath: '', paramMath: '' };
    case 'BatchNormalization': {
      const ch = shape[shape.length - 1];
      return {
        label: 'BatchNormalization()',
        kind: name,
        output: shape,
        params: 4 * ch,
        trainable: 2 * ch,
        shapeMath: '',
        paramMath: `4 × ${ch} = ${fmt(4 * ch)} (γ and β trained: ${fmt(2 * ch)}; moving mean and variance not trained: ${fmt(2 * ch)})`,
      };
    }
    case 'Reshape': {
      const target = asShape(kw(c, 'target_shape', 0)) ?? (Array.isArray(kw(c, 'target_shape', 0)) ? (kw(c, 'target_shape', 0) as PyValue[]).map((x) => (typeof x === 'number' ? x : -1)) : undefined);
      if (!target) return 'Reshape without a target shape';
      const known = target.filter((x) => x > 0);
      const out = target.includes(-1) ? target.map((x) => (x === -1 ? prod(shape) / prod(known) : x)) : target;
      if (prod(out) !== prod(shape)) return `Reshape to ${shapeText(target)} does not keep the ${fmt(prod(shape))} values`;
      return { label: `Reshape(${shapeText(target)})`, kind: name, output: out, params: 0, trainable: 0, shapeMath: '', paramMath: '' };
    }
    case 'Embedding': {
      const inDim = asInt(kw(c, 'input_dim', 0));
      const outDim = asInt(kw(c, 'output_dim', 1));
      if (!inDim || !outDim) return 'Embedding without input_dim and output_dim';
      // The sequence length: input_length, or the (steps,) input it is given ("an input of (None, 100)").
      const len = asInt(c.kwargs.input_length) ?? (shape.length === 1 && shape[0] > 0 ? shape[0] : undefined);
      const params = inDim * outDim;
      return {
        label: `Embedding(${fmt(inDim)}, ${outDim})`,
        kind: name,
        output: len ? [len, outDim] : [outDim],
        params,
        trainable: params,
        shapeMath: '',
        paramMath: `${fmt(inDim)}×${outDim} = ${fmt(params)}`,
        note: `one vector of ${outDim} numbers per word id, no bias`,
      };
    }
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU': {
      const units = asInt(kw(c, 'units', 0));
      if (!units) return `${name} without a number of units`;
      const d = shape[shape.length - 1];
      const gates = name === 'LSTM' ? 4 : name === 'GRU' ? 3 : 1;
      const biasPer = name === 'GRU' ? 2 * units : units; // Keras's GRU keeps two biases (reset_after=True).
      const params = gates * (units * (d + units) + biasPer);
      const seq = kw(c, 'return_sequences') === true;
      return {
        label: `${name}(${units})`,
        kind: name,
        output: seq && shape.length > 1 ? [shape[0], units] : [units],
        params,
        trainable: params,
        shapeMath: '',
        paramMath: `${gates > 1 ? `${gates} × ` : ''}(${units}×(${d}+${units}) + ${biasPer}) = ${fmt(params)}`,
      };
    }
  }
  return `${c.name} is not a layer I can work out`;
}

function summarize(calls: PyCall[], given: number[] | undefined, fromModel: boolean): ModelSummary | undefined {
  if (calls.length === 0) return undefined;
  let input: number[] | undefined;
  let inputFrom: ModelSummary['inputFrom'] = 'layer';
  const first = calls[0];
  const layers = first.name === 'Input' || first.name === 'InputLayer' ? calls.slice(1) : calls;
  input = inputOf(first);
  if (!input && given) {
    input = given;
    inputFrom = 'question';
  }
  if (!input) {
    // An Embedding needs no input shape: it takes word ids.
    if (first.name === 'Embedding') {
      input = [asInt(first.kwargs.input_length) ?? 0].filter(Boolean);
      inputFrom = 'assumed';
    } else if (!fromModel && /^Conv(olution)?2D$/.test(first.name)) {
      // A lone Conv2D's parameters depend only on the input's channels:
      // worked out for a grey-scale image, whose size does not matter.
      input = [28, 28, 1];
      inputFrom = 'channels-only';
    } else return undefined;
  }
  // A grey-scale image given as height × width goes into Conv2D with one channel.
  if (input.length === 2 && /Conv2D|Convolution2D|Pool/.test(layers[0]?.name ?? '')) {
    input = [...input, 1];
    inputFrom = inputFrom === 'layer' ? 'layer' : inputFrom === 'question' ? 'question' : 'assumed';
  }
  const rows: LayerRow[] = [];
  let shape = input;
  let error: string | undefined;
  for (const c of layers) {
    const r = applyLayer(c, shape, rows[rows.length - 1]?.kind);
    if (typeof r === 'string') {
      error = r;
      break;
    }
    rows.push(r);
    shape = r.output;
  }
  // Arguments left out ("Conv2D(75, ...)") leave nothing to work out from there on: the layers before it still count.
  if (error && / without /.test(error) && rows.length === 0) return undefined;
  if (rows.length === 0 && !error) return undefined;
  const total = rows.reduce((s, r) => s + r.params, 0);
  const trainable = rows.reduce((s, r) => s + r.trainable, 0);
  return { input, inputFrom, rows, total, trainable, error, fromModel };
}

/** The side of the stand-in image for a Conv2D whose input channels alone are known (its output's size is not shown). */
const CHANNELS_TOLD_SIDE = 64;

/**
 * The input channels of a lone Conv2D named in words: the filters of the convolution before it
 * ("right after a 32-filter conv", 「フィルター32枚の畳み込みの後」) or the channels themselves
 * ("on 32 input channels", "the input has 16 channels", 「入力が32チャンネル」).
 */
export function channelsTold(text: string): { channels: number; afterConv: boolean } | undefined {
  const t = text.normalize('NFKC');
  const after =
    /\b(?:after|following|on top of|behind|fed by|on the output of)\s+(?:an?\s+|the\s+|my\s+)?(?:first\s+)?(\d{1,4})[- ]?(?:filters?|channels?|kernels?)\b/i.exec(t) ??
    /(?:フィルター?|カーネル)\s*(\d{1,4})\s*(?:枚|個)?\s*の\s*(?:畳み込み|Conv2D|conv)[^。\n]{0,6}?(?:の)?(?:後|あと|次)/i.exec(t);
  const m =
    after ??
    /\b(\d{1,4})[- ]?(?:input channels|channels? (?:in|of) (?:the |its )?input|channel input)\b/i.exec(t) ??
    /\binput (?:has|with|of) (\d{1,4}) channels\b/i.exec(t) ??
    /入力\s*(?:が|は|の)?\s*(\d{1,4})\s*(?:チャンネル|ch\b)|(\d{1,4})\s*チャンネルの入力/i.exec(t);
  if (!m) return undefined;
  const n = Number(m[1] ?? m[2]);
  return n >= 2 && n <= 4096 ? { channels: n, afterConv: m === after } : undefined;
}

/** Where each layer takes a parameter that a "what if" may change: its position among the arguments. */
const CHANGEABLE: Record<string, Record<string, number>> = {
  Conv2D: { filters: 0, kernel_size: 1, strides: 2, padding: 3 },
  MaxPooling2D: { pool_size: 0, strides: 1, padding: 2 },
  AveragePooling2D: { pool_size: 0, strides: 1, padding: 2 },
  Dense: { units: 0 },
};

/** A parameter set to another value in a follow-up: "and what if pool_size=3", "how about padding='same'", 「pool_size=3 だったら？」. */
const WHAT_IF =
  /\b(?:what if|what about|how about|and if|and for|if i (?:use|set|change it to|make it)|and with)\s+(?:i |we )?(?:use |set |try |used |had )?(?:an?\s+|the\s+)?([a-z_]+)\s*=\s*('[a-z]+'|"[a-z]+"|\(\s*\d+\s*,\s*\d+\s*\)|\d+)|\b([a-z_]+)\s*=\s*('[a-z]+'|"[a-z]+"|\(\s*\d+\s*,\s*\d+\s*\)|\d+)\s*(?:だったら|なら|にしたら|にすると|の場合|では|instead\b)/gi;

function pyText(v: PyValue): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null) return 'None';
  if (Array.isArray(v)) return `(${v.map(pyText).join(', ')})`;
  return v.name;
}

export interface WhatIf {
  /** The change as the asker wrote it: `pool_size=3`. */
  change: string;
  models: ModelSummary[];
}

/**
 * The asker's layers worked out again with one parameter changed, for each
 * "what if" follow-up that changes a parameter of a layer in the question.
 */
export function whatIfModels(source: string): WhatIf[] {
  const out: WhatIf[] = [];
  for (const m of source.matchAll(WHAT_IF)) {
    const name = (m[1] ?? m[3]).toLowerCase();
    const raw = m[2] ?? m[4];
    const value = parseValue(raw.replace(/"/g, "'"));
    // The question without the follow-up: its layers, each holding the parameter rewritten.
    const text = source.slice(0, m.index) + ' '.repeat(m[0].length) + source.slice(m.index! + m[0].length);
    const calls = findCalls(text, LAYER_NAMES).filter((c) => CHANGEABLE[c.name]?.[name] !== undefined);
    if (calls.length === 0) continue;
    let changed = text;
    for (const c of [...calls].reverse()) {
      const pos = CHANGEABLE[c.name][name];
      const args = [...c.args];
      const kwargs = { ...c.kwargs };
      if (name in kwargs || pos >= args.length) kwargs[name] = value;
      else args[pos] = value;
      const call = `${c.name}(${[...args.map(pyText), ...Object.entries(kwargs).map(([k, v]) => `${k}=${pyText(v)}`)].join(', ')})`;
      changed = changed.slice(0, c.at) + call + changed.slice(c.end);
    }
    // The input the question names in words stays the input (the rewritten call may have moved the words that said so).
    const words = inputInProse(source);
    const models = summarizeModels(changed, words).filter((s) => s.rows.length > 0);
    // A change to the value the layers already have (a default written out) changes nothing worth showing.
    const outcome = (ms: ModelSummary[]) => JSON.stringify(ms.map((x) => x.rows.map((r) => [r.output, r.params])));
    if (models.length && outcome(models) !== outcome(summarizeModels(text, words).filter((s) => s.rows.length > 0))) out.push({ change: `${name}=${raw.replace(/\s+/g, '')}`, models });
  }
  return out;
}

/** The input shape the prose names, leaving out the input_shape= arguments of the calls. */
function inputInProse(text: string): number[] | undefined {
  return inputShapeFromText(text.replace(/\b(input_shape|shape)\s*=\s*\([^)]*\)/g, ' '));
}

/** A line that imports names: it names classes, not layers. */
export const IMPORT_LINE = /^\s*(from|import)\b/;

/** One of `names` written without its call in a layer list or model.add ("Flatten," / "add(Flatten)"). */
export function bareLayerPattern(names: readonly string[], flags = ''): RegExp {
  return new RegExp(String.raw`(?<=(?:\[|,|add\()\s*(?:layers\.)?)\b(${names.join('|')})\b(?!\s*\()(?=\s*(?:,|\]|\)))`, flags);
}

/** Prose between two layer calls that makes them one chain: an optional "on 13x13x32 (input)", then "then" / "followed by" / 「のあと」. */
const PROSE_JOIN = /^\s*(?:(?:on|over|with)\s+(?:an?\s+|the\s+)?\(?[\d\s,x×*]+\)?\s*(?:input|feature ?maps?|tensor)?\s*)?[,;]?\s*(?:(?:and\s+)?then|followed by|into)\s+(?:an?\s+|the\s+)?(?:layers\.)?$|^\s*(?:の(?:あと|後|上)(?:に|で)?[、,]?|に続けて|→)\s*(?:layers\.)?$/i;

/** Layers that take no arguments, so a bare name can be read as their call. */
const BARE_NO_ARGUMENT_LAYER = bareLayerPattern(['Flatten', 'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D', 'GlobalMaxPooling1D'], 'g');

/**
 * The models and lone layers in a question, worked out. A model definition
 * comes first; a lone layer call elsewhere gets the input shape it names, or
 * the model's input, or one stated in words (`inputInWords` when the caller read it already).
 */
export function summarizeModels(source: string, inputInWords?: number[]): ModelSummary[] {
  // "Flatten → Dense(256)": a layer named bare in a chain of arrows is called with no arguments.
  // So is one written without its parentheses in a layer list or model.add ("Flatten," / "add(Flatten)"), outside import lines.
  // So are Dropout and BatchNormalization (written "BN" too) in such a chain: neither changes the shape, whatever its arguments.
  const text = source
    .replace(/\b(?:BN|BatchNorm)\b(?!\s*\()(?=\s*(?:→|->|=>))|(?<=(?:→|->|=>)\s*)\b(?:BN|BatchNorm)\b(?!\s*\()/g, 'BatchNormalization')
    .replace(/\b(Flatten|GlobalAveragePooling2D|GlobalMaxPooling2D|GlobalAveragePooling1D|GlobalMaxPooling1D|Dropout|BatchNormalization)\b(?!\s*\()(?=\s*(?:→|->|=>|$))|(?<=(?:→|->|=>)\s*)\b(Flatten|GlobalAveragePooling2D|GlobalMaxPooling2D|GlobalAveragePooling1D|GlobalMaxPooling1D|Dropout|BatchNormalization)\b(?!\s*\()/gm, '$1$2()')
    .split('\n')
    .map((line) => (IMPORT_LINE.test(line) ? line : line.replace(BARE_NO_ARGUMENT_LAYER, '$1()')))
    .join('\n');
  const calls = findCalls(text, LAYER_NAMES);
  if (calls.length === 0) return [];
  // An Embedding's sequence length may be given in the prose or by pad_sequences' maxlen.
  const seqLen = /\bmaxlen\s*=\s*(\d+)|\b(?:sequences? )?(?:of )?length\s*(?:=|of|is)?\s*(\d+)|長さ\s*(?:=|は|が)?\s*(\d+)/i.exec(text);
  if (seqLen) for (const c of calls) if (c.name === 'Embedding' && c.kwargs.input_length === undefined) c.kwargs.input_length = Number(seqLen[1] ?? seqLen[2] ?? seqLen[3]);
  const inModel = modelCalls(text, calls);
  const out: ModelSummary[] = [];
  const words = inputInWords ?? inputInProse(text);
  if (inModel.length) {
    // A layer this reader does not know (SeparableConv2D, LayerNormalization…) inside the model: stop there and say so, rather than skip it.
    const from = inModel[0].at;
    const to = inModel[inModel.length - 1].end;
    const unknown = [...text.slice(from, to).matchAll(/(?<![\w.])(?:layers\.)?([A-Z][A-Za-z0-9]*(?:1D|2D|3D|Normalization|Layer|Dense|Conv|Pooling|RNN|Attention|Dropout|Embedding)[A-Za-z0-9]*)\s*\(/g)]
      .filter((m) => !(LAYER_NAMES as readonly string[]).includes(m[1]))
      .map((m) => ({ name: m[1], at: from + m.index! }))[0];
    const known = unknown ? inModel.filter((c) => c.at < unknown.at) : inModel;
    const m = known.length ? summarize(known, words, true) : undefined;
    if (m) {
      if (unknown && !m.error) m.error = `${unknown.name} is not a layer I can work out`;
      out.push(m);
    }
  }
  // A layer of the model named again in the prose ("the Dense(64) is heavy") is the same layer.
  const src = (c: PyCall) => `${c.name}(${JSON.stringify(c.args[0] ?? null)}`;
  const modelSrc = new Set(inModel.map(src));
  const lone = calls.filter((c) => !inModel.includes(c) && !modelSrc.has(src(c)));
  // Lone calls that follow each other in a code block read as one model (a list without Sequential);
  // the longest such run is the model, and a layer of it named again in the prose is the same layer.
  // So do calls joined in prose by "then" / "followed by" / 「のあと」, with the input shape named between them
  // ("Conv2D(64, (3,3)) on 13x13x32 then MaxPooling2D(2)").
  const joined = (a: PyCall, b: PyCall) => {
    const between = text.slice(a.end, b.at).replace(/#[^\n]*/g, '');
    return /^([\s,\])]|->|→|=>)*$/.test(between) || PROSE_JOIN.test(between);
  };
  // "LSTM(32) after Embedding(10000, 16)": the second call comes first in the model.
  // (Japanese puts the earlier layer first: 「Embedding(…) の後に LSTM(32)」 reads in order, as PROSE_JOIN does.)
  const after = (a: PyCall, b: PyCall) => /^\s*(after|following|on top of|fed by)\s*(an?\s+|the\s+)?$/i.test(text.slice(a.end, b.at));
  const runs: PyCall[][] = [];
  for (const c of lone) {
    const last = runs[runs.length - 1];
    if (last && joined(last[last.length - 1], c)) last.push(c);
    else if (last && last.length === 1 && after(last[0], c)) last.unshift(c);
    else runs.push([c]);
  }
  const longest = runs.reduce<PyCall[]>((a, r) => (r.length > a.length ? r : a), []);
  // A run that cannot be worked out (no input shape for its first layer) leaves its layers to be read one by one.
  const run = longest.length > 1 && !inModel.length ? summarize(longest, words, true) : undefined;
  if (run?.rows.length) {
    out.push(run);
    const runSrc = new Set(longest.map(src));
    for (const c of lone) {
      if (longest.includes(c) || runSrc.has(src(c))) continue;
      const one = summarize([c], inputOf(c) ?? words, false);
      if (one && one.rows.length) out.push(one);
    }
    return out;
  }
  for (const c of lone) {
    // The model's input carries over to a layer named in the prose; an input assumed for a lone Conv2D does not.
    const carried = out[0] && (out[0].inputFrom === 'layer' || out[0].inputFrom === 'question') ? out[0].input : undefined;
    let given = inputOf(c) ?? carried ?? words;
    // "Conv2D(64, (3,3)) right after a 32-filter conv": its parameters follow from the channels named, whatever the image size.
    const told = !given && c.name === 'Conv2D' ? channelsTold(text) : undefined;
    if (told) {
      const m = summarize([c], [CHANNELS_TOLD_SIDE, CHANNELS_TOLD_SIDE, told.channels], false);
      if (m?.rows.length) {
        m.inputFrom = told.afterConv ? 'channels-after-conv' : 'channels-told';
        out.push(m);
        continue;
      }
    }
    if (c.name === 'BatchNormalization' && !inputOf(c)) {
      // "BatchNormalization after a Conv2D(75, ...)": its channels are the layer before's filters or units.
      const before = calls.filter((p) => p.at < c.at && typeof p.args[0] === 'number').pop();
      if (before) given = [before.args[0] as number];
    }
    const m = summarize([c], given, false);
    if (m) out.push(m);
  }
  return out;
}

export { fmt as formatCount, shapeText };
