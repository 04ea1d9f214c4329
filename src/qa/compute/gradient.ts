/**
 * The textbook's gradient arithmetic on the asker's own numbers:
 * - one (or a few) gradient-descent steps of the line ŷ = m·x + b (or w·x + b)
 *   on one point with the squared error (y − ŷ)²;
 * - the chain rule on a two-weight network h = act(w1·x), ŷ = w2·h with the
 *   squared error (ŷ − t)², act being ReLU, sigmoid or none.
 * Every result shows the formula with the numbers put in, so the asker can
 * find where their own working went astray.
 */
import type { Lang } from '../../core/lang.ts';
import { computeFormula } from './formula.ts';

export interface GradientResult {
  kind: 'line-step' | 'chain' | 'line-grad' | 'prediction' | 'fit' | 'quadratic' | 'neuron';
  text: Record<Lang, string>;
}

const NUMBER = String.raw`([-−]?\d+(?:\.\d+)?)`;

/** Number-valued names the asker wrote: `x=2`, `w1 = 0.5`, 学習率 0.01, "learning rate of 0.1". */
export function namedNumbers(text: string): Map<string, number> {
  const t = text.normalize('NFKC').replace(/−/g, '-');
  const out = new Map<string, number>();
  const put = (k: string, v: string) => {
    if (!out.has(k)) out.set(k, Number(v.replace('−', '-')));
  };
  for (const m of t.matchAll(new RegExp(String.raw`(?<![\w.])(x|y|t|m|w|b|w1|w2|w_1|w_2|lr|eta|η|alpha|α|target|y_true|ytrue)\s*(?:=|:|は|is)\s*${NUMBER}(?![\w.]*(?:\s*[*×·]|\())`, 'gi'))) {
    const k = m[1].toLowerCase().replace('_', '');
    // "the gradient wrt b is -2" names b's gradient, not b.
    if (/(?:with respect to|wrt|w\.r\.t\.?|(?:gradient|grad|勾配)\s+(?:for|on|in))\s*$/i.test(t.slice(Math.max(0, m.index! - 24), m.index!))) continue;
    put(['eta', 'η', 'alpha', 'α'].includes(k) ? 'lr' : ['target', 'ytrue'].includes(k) ? 't' : k, m[2]);
  }
  const [lr] = learningRates(t);
  if (lr !== undefined && !out.has('lr')) out.set('lr', lr);
  // Words for the weight and the gradient: 「重み 0.5、勾配 4.0」, "weight 0.5, gradient 4".
  const init = new RegExp(String.raw`(?<![\w.])(w|m|x)\s*の?\s*(?:初期値|initial value|starts? at|start)\s*(?:は|が|を|of|=|:|is)?\s*${NUMBER}`, 'i').exec(t);
  if (init) put(init[1].toLowerCase(), init[2]);
  const w = new RegExp(String.raw`(?:重み|weight)\s*(?:は|が|を|of|=|:|is)?\s*${NUMBER}`, 'i').exec(t);
  if (w) put('w', w[1]);
  const g = new RegExp(String.raw`(?:勾配|gradient|grad)\s*(?:は|が|を|of|=|:|is)?\s*${NUMBER}`, 'i').exec(t);
  if (g) put('g', g[1]);
  // The gradient written as a derivative (dL/dw = 2.0, ∂L/∂w: 2) or named in words
  // ("the gradient of the loss wrt b is -2", "gradient for w = 0.4"): that parameter's gradient.
  const gradientOf = [
    new RegExp(String.raw`(?:d|∂)\s*(?:L|E|J|loss)\s*/\s*(?:d|∂)\s*(w1|w2|w|m|b)\s*(?:=|:|は|is)\s*${NUMBER}`, 'gi'),
    new RegExp(String.raw`(?:gradient|grad|勾配)\s*(?:of\s+(?:the\s+)?(?:loss|L|E|J|cost)\s*)?(?:with respect to|wrt|w\.r\.t\.?|for|on|in)\s*(w1|w2|w|m|b)\b\s*(?:is|was|=|:|は)\s*${NUMBER}`, 'gi'),
  ];
  for (const re of gradientOf) {
    for (const m of t.matchAll(re)) {
      put(`g:${m[1].toLowerCase()}`, m[2]);
      if (m[1].toLowerCase() === 'w') put('g', m[2]);
    }
  }
  // get_weights() of a one-input Dense(1): [array([[0.5]]), array([1.9])] is m and b.
  const gw = new RegExp(String.raw`array\(\[\[\s*${NUMBER}\s*\]\][^)]*\)\s*,\s*array\(\[\s*${NUMBER}\s*\]`).exec(t);
  if (gw) {
    put('m', gw[1]);
    put('b', gw[2]);
  }
  const target = new RegExp(String.raw`(?:正解|目標|target|label|実測|実際の値|真の値|本当の値|(?:true|actual|real|observed|measured) (?:y|value))\s*(?:値|value)?\s*(?:there|at that point|at that x|here|そこで|では|で)?\s*(?:は|が|を|of|=|:|is|was|were)?\s*${NUMBER}`, 'i').exec(t);
  if (target) put('t', target[1]);
  return out;
}

/** Every learning rate the question names, in order ("0.01 … and with 1.0?"). */
function learningRates(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(new RegExp(String.raw`(?:学習率|learning[ _]rate|\blr)\s*(?:を|は|が|of|=|:|is|to)?\s*${NUMBER}`, 'gi'))) {
    const v = Number(m[1].replace('−', '-'));
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

const ASKS = /(いくつ|何に|どうなる|計算|求め|教えて|答え|合って|あって|正しい|\?|？|what (are|is|do|does|would)|how much|compute|calculate|check|verify|right|correct)/i;

/** Numbers shown without trailing zeros or floating-point noise. */
function num(v: number): string {
  const r = Math.round(v * 1e6) / 1e6;
  return Object.is(r, -0) || r === 0 ? '0' : String(r).replace('-', '−');
}

/** `(a)` when negative, so that "2 × (−3)" reads right. */
function par(v: number): string {
  return v < 0 ? `(${num(v)})` : num(v);
}

function lineStep(vals: Map<string, number>, text: string): GradientResult | undefined {
  const x = vals.get('x');
  const y = vals.get('y') ?? vals.get('t');
  const slopeName = vals.has('m') ? 'm' : vals.has('w') ? 'w' : undefined;
  const lr = vals.get('lr');
  if (x === undefined || y === undefined || !slopeName || lr === undefined) return undefined;
  const noBias = /\b(no|without)\s+(a\s+)?(bias|intercept|b)\b|(バイアス|切片|b)\s*(なし|無し|は(使わ|なし|無し))/i.test(text);
  const hasBias = vals.has('b') || (!noBias && /\bb\b|バイアス|bias|切片|intercept/i.test(text));
  const m0 = vals.get(slopeName)!;
  const b0 = vals.get('b') ?? 0;
  const n = stepsAskedFor(text.normalize('NFKC'), 5, /(\d)\s*(?:ステップ|回|steps)/gi);
  let m = m0;
  let b = b0;
  const line = hasBias ? `${slopeName}·x + b` : `${slopeName}·x`;
  const ja: string[] = [];
  const en: string[] = [];
  for (let i = 1; i <= n; i++) {
    const yhat = m * x + b;
    const err = y - yhat;
    const gm = -2 * x * err;
    const gb = -2 * err;
    const m1 = m - lr * gm;
    const b1 = hasBias ? b - lr * gb : b;
    const head = n > 1 ? `${i}. ` : '';
    ja.push(
      `${head}予測 ŷ = ${line} = ${num(m)}×${par(x)}${hasBias ? ` + ${par(b)}` : ''} = ${num(yhat)}、誤差 y − ŷ = ${num(y)} − ${par(yhat)} = ${num(err)}。\n` +
        `∂L/∂${slopeName} = −2x(y − ŷ) = −2×${par(x)}×${par(err)} = ${num(gm)}` +
        (hasBias ? `、∂L/∂b = −2(y − ŷ) = −2×${par(err)} = ${num(gb)}。\n` : '。\n') +
        `更新：${slopeName} = ${num(m)} − ${num(lr)}×${par(gm)} = ${num(m1)}` +
        (hasBias ? `、b = ${num(b)} − ${num(lr)}×${par(gb)} = ${num(b1)}` : '') +
        '。',
    );
    en.push(
      `${head}Prediction ŷ = ${line} = ${num(m)}×${par(x)}${hasBias ? ` + ${par(b)}` : ''} = ${num(yhat)}; error y − ŷ = ${num(y)} − ${par(yhat)} = ${num(err)}.\n` +
        `∂L/∂${slopeName} = −2x(y − ŷ) = −2×${par(x)}×${par(err)} = ${num(gm)}` +
        (hasBias ? `; ∂L/∂b = −2(y − ŷ) = −2×${par(err)} = ${num(gb)}.\n` : '.\n') +
        `Update: ${slopeName} = ${num(m)} − ${num(lr)}×${par(gm)} = ${num(m1)}` +
        (hasBias ? `, b = ${num(b)} − ${num(lr)}×${par(gb)} = ${num(b1)}` : '') +
        '.',
    );
    m = m1;
    b = b1;
  }
  const firstGrad = -2 * x * (y - (m0 * x + b0));
  const dirJa = firstGrad < 0 ? `勾配が負なので ${slopeName} は増えます（予測が小さすぎるので直線を持ち上げる向き）` : firstGrad > 0 ? `勾配が正なので ${slopeName} は減ります（予測が大きすぎるので下げる向き）` : '勾配が 0 なので動きません';
  const dirEn = firstGrad < 0 ? `the gradient is negative, so ${slopeName} grows (the prediction is too small, the line moves up)` : firstGrad > 0 ? `the gradient is positive, so ${slopeName} shrinks (the prediction is too large)` : 'the gradient is 0, so nothing moves';
  const result = hasBias ? `${slopeName} = ${num(m)}, b = ${num(b)}` : `${slopeName} = ${num(m)}`;
  // Without a bias the best value is y / x: say when the step went past it.
  const best = !hasBias && x !== 0 ? y / x : undefined;
  const over = best !== undefined && (m0 - best) * (m - best) < 0;
  const overJa = over ? `最適な ${slopeName} = y / x = ${num(best!)} を飛び越えています（${num(m0)} → ${num(m)}）。学習率が大きすぎると 1 歩で谷を越えてしまうので、学習率を下げると近づき方が穏やかになります。` : '';
  const overEn = over ? ` The step went past the best ${slopeName} = y / x = ${num(best!)} (${num(m0)} → ${num(m)}): with too large a learning rate one step jumps over the minimum; a smaller learning rate approaches it gently.` : '';
  return {
    kind: 'line-step',
    text: {
      ja: `${n} ステップ後は ${result} です。損失 L = (y − ŷ)²、ŷ = ${line} で計算しました。\n${ja.join('\n')}\n${dirJa}。${overJa}更新は「今の値 − 学習率 × 勾配」で、勾配と逆向きに動かします。（損失を ½(y − ŷ)² や平均（MSE の 1/N）で定義している教材では、勾配の係数 2 が 1 や 2/N に変わります。）`,
      en: `After ${n === 1 ? 'one step' : `${n} steps`}: ${result}. Worked with L = (y − ŷ)² and ŷ = ${line}.\n${en.join('\n')}\nHere ${dirEn}.${overEn} The update is "value − learning rate × gradient": it moves against the gradient. (If your material defines the loss as ½(y − ŷ)² or as a mean over N points, the factor 2 becomes 1 or 2/N.)`,
    },
  };
}

function chain(vals: Map<string, number>, text: string): GradientResult | undefined {
  const x = vals.get('x');
  const w1 = vals.get('w1');
  const w2 = vals.get('w2');
  const t = vals.get('t') ?? (vals.has('y') && !/\by\s*=\s*w2/i.test(text) ? vals.get('y') : undefined);
  if (x === undefined || w1 === undefined || w2 === undefined || t === undefined) return undefined;
  const act = /sigmoid|シグモイド|σ/i.test(text) ? 'sigmoid' : /relu/i.test(text) ? 'relu' : 'none';
  const z = w1 * x;
  const h = act === 'relu' ? Math.max(0, z) : act === 'sigmoid' ? 1 / (1 + Math.exp(-z)) : z;
  const dh = act === 'relu' ? (z > 0 ? 1 : 0) : act === 'sigmoid' ? h * (1 - h) : 1;
  const yhat = w2 * h;
  const L = (yhat - t) ** 2;
  const dL = 2 * (yhat - t);
  const gw2 = dL * h;
  const gw1 = dL * w2 * dh * x;
  const actName = act === 'relu' ? 'ReLU' : act === 'sigmoid' ? 'sigmoid' : '';
  const hExpr = act === 'none' ? `h = w1·x = ${num(w1)}×${par(x)} = ${num(h)}` : `h = ${actName}(w1·x) = ${actName}(${num(z)}) = ${num(h)}`;
  const dhJa = act === 'relu' ? `ReLU'(${num(z)}) = ${num(dh)}（入力が正なら 1、負なら 0）` : act === 'sigmoid' ? `σ'(z) = h(1 − h) = ${num(dh)}` : '1（活性化なし）';
  const dhEn = act === 'relu' ? `ReLU'(${num(z)}) = ${num(dh)} (1 for a positive input, 0 for a negative one)` : act === 'sigmoid' ? `σ'(z) = h(1 − h) = ${num(dh)}` : '1 (no activation)';
  const dead = act === 'relu' && z <= 0;
  return {
    kind: 'chain',
    text: {
      ja:
        `∂L/∂w2 = ${num(gw2)}、∂L/∂w1 = ${num(gw1)} です（L = (ŷ − t)²）。\n` +
        `順伝播：${hExpr}、ŷ = w2·h = ${num(w2)}×${par(h)} = ${num(yhat)}、L = (${num(yhat)} − ${par(t)})² = ${num(L)}。\n` +
        `逆伝播：∂L/∂ŷ = 2(ŷ − t) = ${num(dL)}。∂L/∂w2 = ∂L/∂ŷ × h = ${num(dL)}×${par(h)} = ${num(gw2)}。\n` +
        `∂L/∂w1 = ∂L/∂ŷ × w2 × ${act === 'none' ? '1' : "act'(w1·x)"} × x = ${num(dL)}×${par(w2)}×${par(dh)}×${par(x)} = ${num(gw1)}（活性化の微分は ${dhJa}）。\n` +
        `w2 の勾配に h が掛かるのは、ŷ = w2·h を w2 で微分すると h になるからです。w1 の勾配は、出力側で計算した ${num(dL)} に w2 を掛けて後ろへ運んだもので、これが逆伝播です。` +
        (dead ? '入力が 0 以下なので ReLU の傾きが 0 になり、w1 はこのデータからは更新されません。' : ''),
      en:
        `∂L/∂w2 = ${num(gw2)} and ∂L/∂w1 = ${num(gw1)} (with L = (ŷ − t)²).\n` +
        `Forward: ${hExpr}; ŷ = w2·h = ${num(w2)}×${par(h)} = ${num(yhat)}; L = (${num(yhat)} − ${par(t)})² = ${num(L)}.\n` +
        `Backward: ∂L/∂ŷ = 2(ŷ − t) = ${num(dL)}. ∂L/∂w2 = ∂L/∂ŷ × h = ${num(dL)}×${par(h)} = ${num(gw2)}.\n` +
        `∂L/∂w1 = ∂L/∂ŷ × w2 × ${act === 'none' ? '1' : "act'(w1·x)"} × x = ${num(dL)}×${par(w2)}×${par(dh)}×${par(x)} = ${num(gw1)} (the activation's slope is ${dhEn}).\n` +
        `h appears in w2's gradient because the derivative of ŷ = w2·h with respect to w2 is h. w1's gradient carries the output's ${num(dL)} back through w2: that reuse is backpropagation.` +
        (dead ? ' The input to ReLU is not positive, so its slope is 0 and w1 gets no update from this example.' : ''),
    },
  };
}

/** Points written as (x, y) pairs: "(1,2) and (2,4)", "points (0,1), (1,3), (2,5)". */
export function pointsOf(text: string): [number, number][] {
  // x = [1, 2, 3] and y = [2, 3, 5] as two lists.
  const xl = /(?<![\w.])x\s*=\s*\[([^\[\]]{1,80})\]/.exec(text);
  const yl = /(?<![\w.])y\s*=\s*\[([^\[\]]{1,80})\]/.exec(text);
  if (xl && yl) {
    const xs = xl[1].split(',').map((v) => Number(v.trim().replace('−', '-')));
    const ys = yl[1].split(',').map((v) => Number(v.trim().replace('−', '-')));
    if (xs.length === ys.length && xs.length >= 2 && xs.length <= 20 && [...xs, ...ys].every(Number.isFinite)) return xs.map((x, i) => [x, ys[i]] as [number, number]);
  }
  if (/(shape|input_shape|入力の形|形状|None)/i.test(text)) return [];
  const pairs = (re: RegExp) => [...text.matchAll(re)].map((m) => [Number(m[1].replace('−', '-')), Number(m[2].replace('−', '-'))] as [number, number]);
  // (x=1, y=3) and (x=2, y=2) as named pairs.
  const named = pairs(new RegExp(String.raw`\(\s*x\s*=\s*${NUMBER}\s*,\s*(?:y|t)\s*=\s*${NUMBER}\s*\)`, 'gi'));
  if (named.length >= 2 && named.length <= 10) return named;
  const pts = pairs(new RegExp(String.raw`\(\s*${NUMBER}\s*,\s*${NUMBER}\s*\)`, 'g'));
  return pts.length >= 2 && pts.length <= 10 ? pts : [];
}

/** One gradient step (or the gradients) of MSE over several points for ŷ = m·x + b. */
function pointsStep(pts: [number, number][], vals: Map<string, number>, text: string): GradientResult | undefined {
  const slopeName = vals.has('m') ? 'm' : vals.has('w') ? 'w' : undefined;
  if (!slopeName) return undefined;
  const m = vals.get(slopeName)!;
  const b = vals.get('b') ?? 0;
  const lr = vals.get('lr');
  const n = pts.length;
  const hasBias = vals.has('b') || (/\bb\b|bias|バイアス|切片/i.test(text) && !/\b(no|without)\s+(a\s+)?(bias|b)\b/i.test(text));
  const errs = pts.map(([x, y]) => m * x + b - y);
  const gm = (2 / n) * pts.reduce((a, [x], i) => a + errs[i] * x, 0);
  const gb = hasBias ? (2 / n) * errs.reduce((a, e) => a + e, 0) : 0;
  const line = hasBias ? `${slopeName}x + b` : `${slopeName}x`;
  const mse = errs.reduce((a, e) => a + e * e, 0) / n;
  const errText = errs.map((e) => num(e)).join(', ');
  const upd = lr === undefined ? undefined : { m: m - lr * gm, b: hasBias ? b - lr * gb : b };
  const sumM = pts.map(([x], i) => `${par(errs[i])}×${par(x)}`).join(' + ');
  const perSample = pts.map(([x], i) => num(2 * errs[i] * x)).join(', ');
  return {
    kind: 'line-grad',
    text: {
      ja:
        `MSE = (1/${n}) Σ(ŷ − y)²、ŷ = ${line} で、今の ${slopeName} = ${num(m)}${hasBias ? `, b = ${num(b)}` : ''} の予測誤差 ŷ − y は ${errText}（MSE = ${num(mse)}）。\n` +
        `∂L/∂${slopeName} = (2/${n}) Σ(ŷ − y)x = (2/${n})(${sumM}) = ${num(gm)}${hasBias ? `、∂L/∂b = (2/${n}) Σ(ŷ − y) = ${num(gb)}` : ''}。` +
        (upd ? `\n1 ステップ後：${slopeName} = ${num(m)} − ${num(lr!)}×${par(gm)} = ${num(upd.m)}${hasBias ? `、b = ${num(b)} − ${num(lr!)}×${par(gb)} = ${num(upd.b)}` : ''}。` : '') +
        `\n和の微分は微分の和なので Σ はそのまま残り、1/${n} は定数として前に出ます。つまり平均の損失の勾配は、サンプルごとの勾配 2(ŷ − y)x（${perSample}）の平均です。`,
      en:
        `MSE = (1/${n}) Σ(ŷ − y)² with ŷ = ${line}. At ${slopeName} = ${num(m)}${hasBias ? `, b = ${num(b)}` : ''} the errors ŷ − y are ${errText} (MSE = ${num(mse)}).\n` +
        `∂L/∂${slopeName} = (2/${n}) Σ(ŷ − y)x = (2/${n})(${sumM}) = ${num(gm)}${hasBias ? `; ∂L/∂b = (2/${n}) Σ(ŷ − y) = ${num(gb)}` : ''}.` +
        (upd ? `\nAfter one step: ${slopeName} = ${num(m)} − ${num(lr!)}×${par(gm)} = ${num(upd.m)}${hasBias ? `, b = ${num(b)} − ${num(lr!)}×${par(gb)} = ${num(upd.b)}` : ''}.` : '') +
        `\nThe derivative of a sum is the sum of the derivatives, so the Σ stays and the constant 1/${n} comes out in front: the gradient of the mean loss is the mean of the per-sample gradients 2(ŷ − y)x (${perSample}).`,
    },
  };
}

/**
 * A line written as an equation in the question, `y = 2x`, `y=0.5x - 3`,
 * `ŷ = -x + 4`: its slope and intercept (0 when none is written).
 */
export function lineEquation(t: string): { m: number; b: number } | undefined {
  const NUM = String.raw`\d+(?:\.\d+)?`;
  const re = new RegExp(String.raw`(?:^|[^\w])[yŷ]\s*=\s*([+-−]?\s*(?:${NUM})?)\s*\*?\s*x(?![\w(])(?:\s*([+-−])\s*(${NUM})(?![\d.]*\s*\*?\s*x))?`, 'u');
  const m = re.exec(t);
  if (!m) return undefined;
  const coef = m[1].replace(/[\s]/g, '').replace('−', '-');
  const slope = coef === '' || coef === '+' ? 1 : coef === '-' ? -1 : Number(coef);
  const b = m[3] ? (m[2] === '+' ? 1 : -1) * Number(m[3]) : 0;
  return Number.isFinite(slope) && Number.isFinite(b) ? { m: slope, b } : undefined;
}

/** m·x + b as written by hand: 2x, x + 1, 0.5x − 3. */
function lineText(m: number, b: number): string {
  const slope = m === 1 ? 'x' : m === -1 ? '−x' : `${num(m)}x`;
  return b === 0 ? slope : `${slope} ${b < 0 ? '−' : '+'} ${num(Math.abs(b))}`;
}

/** The MSE of a given line ŷ = m·x + b on given points. */
function lineOnPoints(pts: [number, number][], vals: Map<string, number>): GradientResult {
  const m = vals.get('m') ?? vals.get('w')!;
  const b = vals.get('b')!;
  const preds = pts.map(([x]) => m * x + b);
  const errs = pts.map(([, y], i) => preds[i] - y);
  const sum = errs.reduce((a, e) => a + e * e, 0);
  const mse = sum / pts.length;
  const list = (xs: number[]) => xs.map((v) => num(v)).join(', ');
  return {
    kind: 'prediction',
    text: {
      ja: `MSE は ${num(mse)} です。ŷ = ${lineText(m, b)} の予測は [${list(preds)}]、誤差（予測 − 正解）は [${list(errs)}]、二乗の平均が (${errs.map((e) => `${par(e)}²`).join(' + ')}) / ${pts.length} = ${num(sum)} / ${pts.length} = ${num(mse)}（evaluate が表示する loss='mse' の値）。二乗誤差の合計 ${num(sum)} を点の数 ${pts.length} で割った平均が MSE です。`,
      en: `MSE = ${num(mse)}. The line ŷ = ${lineText(m, b)} predicts [${list(preds)}]; the errors (prediction − truth) are [${list(errs)}]; the mean of their squares is (${errs.map((e) => `${par(e)}²`).join(' + ')}) / ${pts.length} = ${num(sum)} / ${pts.length} = ${num(mse)}, what evaluate() prints with loss='mse'. The MSE is the sum of squared errors (${num(sum)}) divided by the number of points (${pts.length}).`,
    },
  };
}

/** The least-squares line through given points: where m and b converge, and the lowest MSE. */
function fitPoints(pts: [number, number][]): GradientResult {
  const n = pts.length;
  const mx = pts.reduce((a, [x]) => a + x, 0) / n;
  const my = pts.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = pts.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const sxy = pts.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const m = sxx === 0 ? 0 : sxy / sxx;
  const b = my - m * mx;
  const mse = pts.reduce((a, [x, y]) => a + (m * x + b - y) ** 2, 0) / n;
  const exact = mse < 1e-12;
  return {
    kind: 'fit',
    text: {
      ja: `最小二乗で一番合う直線は y = ${lineText(m, b)}（m = ${num(m)}、b = ${num(b)}）で、そのときの MSE は ${exact ? '0（全部の点がこの直線の上にあります）' : num(mse)} です。勾配降下法（Dense(1) の学習）は、学習率とエポック数が十分ならこの値に近づいていきます。`,
      en: `The best least-squares line is y = ${lineText(m, b)} (m = ${num(m)}, b = ${num(b)}), with MSE ${exact ? '0 (every point lies on it)' : num(mse)}. Gradient descent (training Dense(1)) approaches these values given a suitable learning rate and enough epochs.`,
    },
  };
}

/** Whether the asker's line is the least-squares one, and what to do when it is not. */
function lineVerdict(pts: [number, number][], m: number, b: number): { ja: string; en: string } {
  const n = pts.length;
  const mx = pts.reduce((a, [x]) => a + x, 0) / n;
  const my = pts.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = pts.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const bm = sxx === 0 ? 0 : pts.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx;
  const bb = my - bm * mx;
  const mseOf = (mm: number, b0: number) => pts.reduce((a, [x, y]) => a + (mm * x + b0 - y) ** 2, 0) / n;
  const gap = mseOf(m, b) - mseOf(bm, bb);
  if (Math.abs(m - bm) < 0.005 && Math.abs(b - bb) < 0.005) {
    return { ja: `はい、m = ${num(m)}、b = ${num(b)} は一番合う直線です。`, en: `Yes: m = ${num(m)}, b = ${num(b)} is the best line.` };
  }
  // Within a few percent of the best values: gradient descent got there, it just stops after a finite number of updates.
  const near = (v: number, best: number) => Math.abs(v - best) <= 0.05 * Math.max(1, Math.abs(best));
  if (near(m, bm) && near(b, bb)) {
    return {
      ja: `はい、それで正常です。m = ${num(m)}、b = ${num(b)} は一番合う直線（m = ${num(bm)}、b = ${num(bb)}）のすぐ近くで、MSE の差も ${num(gap)} しかありません。勾配降下法は最小値に少しずつ近づく方法で、底に近いほど勾配が小さくなって 1 回の更新も小さくなるので、有限のエポック数で止めればちょうどの値にはならず、このくらいの端数が残るのが普通です。エポックを増やせばさらに近づきます。`,
      en: `Yes, that is normal: m = ${num(m)}, b = ${num(b)} is very close to the best line (m = ${num(bm)}, b = ${num(bb)}), and its MSE is only ${num(gap)} above the lowest. Gradient descent approaches the minimum step by step, and near the bottom the gradient, and so each update, gets small; stopped after a finite number of epochs it ends near the exact values, not on them. More epochs bring it closer.`,
    };
  }
  return {
    ja: `いいえ、m = ${num(m)}、b = ${num(b)} はまだ一番合う直線（m = ${num(bm)}、b = ${num(bb)}）ではありません。MSE が最小値より ${num(gap)} 大きいので、まだ収束していません。更新（エポック）を続ければ近づきます。`,
    en: `No: m = ${num(m)}, b = ${num(b)} is not yet the best line (m = ${num(bm)}, b = ${num(bb)}). Its MSE is ${num(gap)} above the lowest possible, so it has not converged; keep updating (more epochs) and it gets closer.`,
  };
}

/** A multi-input Dense(1): get_weights' column of weights and the bias, applied to one input row. */
function multiInputPredict(text: string): GradientResult | undefined {
  const w = /array\(\s*\[((?:\s*\[\s*[-−\d.e]+\s*\]\s*,?){2,})\]/.exec(text);
  const b = w ? new RegExp(String.raw`array\(\s*\[\s*${NUMBER}\.?\s*\]`).exec(text.slice(w.index + w[0].length)) : null;
  const x = /predict\(\s*(?:np\.array\()?\s*\[\s*\[([^\[\]]{1,80})\]\s*\]/.exec(text);
  if (!w || !b || !x) return undefined;
  const ws = [...w[1].matchAll(/\[\s*([-−\d.e]+)\s*\]/g)].map((m) => Number(m[1].replace('−', '-')));
  const xs = x[1].split(',').map((v) => Number(v.trim()));
  if (ws.length !== xs.length || !xs.every(Number.isFinite)) return undefined;
  const bias = Number(b[1].replace('−', '-'));
  const y = ws.reduce((a, v, i) => a + v * xs[i], bias);
  const terms = ws.map((v, i) => `${par(v)}×${par(xs[i])}`).join(' + ');
  return {
    kind: 'prediction',
    text: {
      ja: `予測は ${terms} + ${par(bias)} = ${num(y)} です（重みの i 番目が入力の i 番目に掛かり、最後にバイアスを足します。predict は [[${num(y)}]] の形で返します）。`,
      en: `The prediction is ${terms} + ${par(bias)} = ${num(y)} (weight i multiplies input i, then the bias is added; predict returns it as [[${num(y)}]]).`,
    },
  };
}

/** ŷ = m·x + b for given numbers, with the error and squared error when the true y is given. */
function predictLine(vals: Map<string, number>, text: string): GradientResult | undefined {
  const x = vals.get('x');
  const slopeName = vals.has('m') ? 'm' : vals.has('w') ? 'w' : undefined;
  if (x === undefined || !slopeName) return undefined;
  const m = vals.get(slopeName)!;
  const b = vals.get('b') ?? 0;
  const yhat = m * x + b;
  // The true value may come as the data point "(3, 8)" for this x.
  const point = [...text.matchAll(new RegExp(String.raw`\(\s*${NUMBER}\s*,\s*${NUMBER}\s*\)`, 'g'))].find((p) => Number(p[1].replace('−', '-')) === x);
  const y = vals.get('y') ?? vals.get('t') ?? (point ? Number(point[2].replace('−', '-')) : undefined);
  const errJa = y === undefined ? '' : `正解 ${num(y)} との誤差は ${num(y)} − ${par(yhat)} = ${num(y - yhat)}、二乗誤差は ${par(y - yhat)}² = ${num((y - yhat) ** 2)} です。`;
  const errEn = y === undefined ? '' : ` Against the true ${num(y)} the error is ${num(y)} − ${par(yhat)} = ${num(y - yhat)} and the squared error ${par(y - yhat)}² = ${num((y - yhat) ** 2)}.`;
  // Where the line crosses y = 0 (or another level), when asked: x = (level − b) / m.
  const level = /(?:hits?|reach(?:es)?|cross(?:es)?|equals?|becomes?|is)\s*y\s*=\s*([-−]?\d+(?:\.\d+)?)|y\s*=\s*([-−]?\d+(?:\.\d+)?)\s*(?:に\s*なる|となる)/i.exec(text);
  const lv = level ? Number((level[1] ?? level[2]).replace('−', '-')) : undefined;
  const cross = lv !== undefined && m !== 0 && /(which x|what x|where|どこ|どの x|x\s*は|x\s*を|x がいくつ|x はいくつ)/i.test(text) ? (lv - b) / m : undefined;
  const crossJa = cross === undefined ? '' : `\ny = ${num(lv!)} になるのは ${num(lv!)} = ${num(m)}x + ${par(b)} を解いて x = (${num(lv!)} − ${par(b)}) / ${par(m)} = ${num(cross)} のときです。`;
  const crossEn = cross === undefined ? '' : `\nIt reaches y = ${num(lv!)} where ${num(lv!)} = ${num(m)}x + ${par(b)}, i.e. x = (${num(lv!)} − ${par(b)}) / ${par(m)} = ${num(cross)}.`;
  return {
    kind: 'prediction',
    text: {
      ja: `予測は ŷ = ${slopeName}x + b = ${num(m)}×${par(x)} + ${par(b)} = ${num(yhat)} です。${cross === undefined ? errJa : ''}${crossJa}`,
      en: `The prediction is ŷ = ${slopeName}x + b = ${num(m)}×${par(x)} + ${par(b)} = ${num(yhat)}.${cross === undefined ? errEn : ''}${crossEn}`,
    },
  };
}

/** The gradients of L = (ŷ − y)² for ŷ = w·x + b at given numbers (no update asked). */
function lineGrad(vals: Map<string, number>): GradientResult | undefined {
  const x = vals.get('x');
  const y = vals.get('y') ?? vals.get('t');
  const slopeName = vals.has('w') ? 'w' : vals.has('m') ? 'm' : undefined;
  if (x === undefined || y === undefined || !slopeName) return undefined;
  const w = vals.get(slopeName)!;
  const b = vals.get('b') ?? 0;
  const yhat = w * x + b;
  const d = 2 * (yhat - y);
  return {
    kind: 'line-grad',
    text: {
      ja: `∂L/∂${slopeName} = ${num(d * x)}、∂L/∂b = ${num(d)} です。\nŷ = ${slopeName}·x + b = ${num(w)}×${par(x)} + ${par(b)} = ${num(yhat)}、∂L/∂ŷ = 2(ŷ − y) = 2×(${num(yhat)} − ${par(y)}) = ${num(d)}。\n連鎖律で ∂L/∂${slopeName} = ∂L/∂ŷ × ∂ŷ/∂${slopeName} = ${num(d)} × x = ${num(d)}×${par(x)} = ${num(d * x)}、∂L/∂b = ∂L/∂ŷ × 1 = ${num(d)}。勾配が${d * x < 0 ? '負なので、更新で ' + slopeName + ' は増えます' : d * x > 0 ? '正なので、更新で ' + slopeName + ' は減ります' : ' 0 なので動きません'}。`,
      en: `∂L/∂${slopeName} = ${num(d * x)} and ∂L/∂b = ${num(d)}.\nŷ = ${slopeName}·x + b = ${num(w)}×${par(x)} + ${par(b)} = ${num(yhat)}; ∂L/∂ŷ = 2(ŷ − y) = 2×(${num(yhat)} − ${par(y)}) = ${num(d)}.\nBy the chain rule ∂L/∂${slopeName} = ∂L/∂ŷ × ∂ŷ/∂${slopeName} = ${num(d)} × x = ${num(d)}×${par(x)} = ${num(d * x)}, and ∂L/∂b = ∂L/∂ŷ × 1 = ${num(d)}. The gradient is ${d * x < 0 ? `negative, so an update increases ${slopeName}` : d * x > 0 ? `positive, so an update decreases ${slopeName}` : '0, so nothing moves'}.`,
    },
  };
}

/** Gradient descent on L = (w − c)² from a start value. */
/**
 * L = |w| (or |w − c|) by gradient descent: the slope is ±1 whatever the
 * distance, so every step has the same size (lr) and w ends up bouncing
 * around the minimum instead of settling, unlike w², whose slope shrinks.
 */
function absoluteLoss(vals: Map<string, number>, text: string): GradientResult | undefined {
  const m = new RegExp(String.raw`\bL\s*=\s*(?:\|\s*(w|x|θ|m)\s*(?:[-−]\s*${NUMBER})?\s*\||abs\(\s*(w|x|θ|m)\s*(?:[-−]\s*${NUMBER})?\s*\))`).exec(text);
  if (!m) return undefined;
  const name = m[1] ?? m[3];
  const c = Number((m[2] ?? m[4] ?? '0').replace('−', '-'));
  const w0 = vals.get(name === 'θ' ? 'w' : name);
  const lr = learningRates(text)[0] ?? vals.get('lr');
  if (w0 === undefined || lr === undefined || lr <= 0) return undefined;
  const path = [w0];
  let w = w0;
  for (let i = 0; i < 8; i++) {
    w = w - lr * Math.sign(w - c);
    path.push(Math.round(w * 1e9) / 1e9);
  }
  const list = path.map((v) => num(v)).join(' → ');
  return {
    kind: 'quadratic',
    text: {
      ja: `L = |${name}${c ? ` − ${num(c)}` : ''}| の傾き（微分）は ${name} の位置によらず +1 か −1 なので、1 ステップの移動量はいつも学習率 ${num(lr)} のままです：${list} …。最小値 ${name} = ${num(c)} のそばでも歩幅が小さくならないので、その周りを行ったり来たりして止まりません。${name}² なら傾き 2${name} が最小値に近づくほど小さくなり、歩幅も自然に小さくなるので収束します。絶対値の損失では学習率を少しずつ下げる（減衰させる）と止まります。`,
      en: `The slope of L = |${name}${c ? ` − ${num(c)}` : ''}| is +1 or −1 wherever ${name} is, so every step moves by the full learning rate ${num(lr)}: ${list} … Near the minimum at ${name} = ${num(c)} the steps do not shrink, so it bounces around it and never settles. With ${name}² the slope 2${name} shrinks as it approaches the minimum, so the steps shrink too and it converges. With an absolute-value loss, decaying the learning rate makes it settle.`,
    },
  };
}

function quadratic(vals: Map<string, number>, text: string): GradientResult | undefined {
  // NFKC turns ² into 2: "(w − 3)²" arrives as "(w − 3)2".
  const q = new RegExp(String.raw`\(\s*(w|x|θ|m)\s*[-−]\s*${NUMBER}\s*\)\s*(?:\^\s*2|²|\*\*\s*2|2(?!\d))`).exec(text);
  // L = w² itself: the minimum is at 0 (NFKC makes ² a 2).
  const bare = q ? undefined : /\bL\s*=\s*(w|x|θ|m)\s*(?:\^\s*2|²|\*\*\s*2|2(?![\d.]))/.exec(text);
  if (!q && !bare) return undefined;
  const name = (q ?? bare)![1];
  const c = q ? Number(q[2].replace('−', '-')) : 0;
  const w0 = vals.get(name === 'θ' ? 'w' : name);
  const lrs = learningRates(text);
  const lr = lrs[0] ?? vals.get('lr');
  if (w0 === undefined || lr === undefined) return undefined;
  const n = stepsAskedFor(text, 6, /(\d)\s*(?:ステップ|回|steps?)/gi);
  let w = w0;
  const ja: string[] = [];
  const en: string[] = [];
  for (let i = 1; i <= n; i++) {
    const g = 2 * (w - c);
    const w1 = w - lr * g;
    ja.push(`${i}. 勾配 dL/d${name} = 2(${name} − ${num(c)}) = 2×(${num(w)} − ${par(c)}) = ${num(g)}、${name} = ${num(w)} − ${num(lr)}×${par(g)} = ${num(w1)}`);
    en.push(`${i}. gradient dL/d${name} = 2(${name} − ${num(c)}) = 2×(${num(w)} − ${par(c)}) = ${num(g)}; ${name} = ${num(w)} − ${num(lr)}×${par(g)} = ${num(w1)}`);
    w = w1;
  }
  // A second learning rate asked about ("and with 1.0?"): each step multiplies the distance to the minimum by (1 − 2·lr).
  const other = lrs[1];
  const f = other === undefined ? 0 : 1 - 2 * other;
  const otherJa = other === undefined ? '' : `\n学習率 ${num(other)} だと、1 ステップごとに最小値からの距離が (1 − 2×${num(other)}) = ${num(f)} 倍になります：${Math.abs(f) === 1 ? `${num(w0)} → ${num(c + (w0 - c) * f)} → ${num(w0)} … と往復して収束しません` : Math.abs(f) > 1 ? '距離が広がって発散します' : f < 0 ? '反対側へ飛び越えながら近づきます' : '近づきます'}。`;
  const otherEn = other === undefined ? '' : `\nWith learning rate ${num(other)} each step multiplies the distance to the minimum by (1 − 2×${num(other)}) = ${num(f)}: ${Math.abs(f) === 1 ? `${num(w0)} → ${num(c + (w0 - c) * f)} → ${num(w0)} …, bouncing for ever without converging` : Math.abs(f) > 1 ? 'the distance grows and training diverges' : f < 0 ? 'it overshoots to the other side while getting closer' : 'it gets closer'}.`;
  return {
    kind: 'quadratic',
    text: {
      ja: `${n} ステップ後は ${name} = ${num(w)} です。\n${ja.join('\n')}\n毎回、最小値の ${name} = ${num(c)} に向かって距離の ${num(2 * lr * 100)}% ずつ近づきます（学習率 × 2）。${otherJa}`,
      en: `After ${n} step${n > 1 ? 's' : ''}: ${name} = ${num(w)}.\n${en.join('\n')}\nEach step closes ${num(2 * lr * 100)}% of the distance to the minimum at ${name} = ${num(c)} (2 × the learning rate).${otherEn}`,
    },
  };
}

/** The numbers of one neuron z = w·x + b with its target: x, w and y (or t) given, b 0 unless given. */
function neuronInputs(vals: Map<string, number>): { x: number; w: number; b: number; y: number; z: number } | undefined {
  const x = vals.get('x');
  const w = vals.get('w');
  const y = vals.get('y') ?? vals.get('t');
  if (x === undefined || w === undefined || y === undefined) return undefined;
  const b = vals.get('b') ?? 0;
  return { x, w, b, y, z: w * x + b };
}

/** One sigmoid neuron a = σ(w·x + b) with L = (a − y)²: the chain rule worked through. */
function sigmoidNeuron(vals: Map<string, number>, text: string): GradientResult | undefined {
  if (/relu\s*\(/i.test(text) && !vals.has('w1')) return reluNeuron(vals);
  if (!/(sigmoid|σ|シグモイド)\s*\(/i.test(text) || vals.has('w1')) return undefined;
  const n = neuronInputs(vals);
  if (!n) return undefined;
  const { x, y, z } = n;
  const a = 1 / (1 + Math.exp(-z));
  // With binary cross-entropy L = −[y log a + (1 − y) log(1 − a)], ∂L/∂a = (a − y) / (a(1 − a)): σ' cancels and ∂L/∂z = a − y.
  if (/(binary[ _-]?cross[ _-]?entropy|\bbce\b|log[ _-]?loss|交差エントロピー|クロスエントロピー|log\s*\(\s*1\s*[-−]\s*[ap]\s*\))/i.test(text) && !/(mse|二乗誤差|squared error|\(a\s*[-−]\s*y\)\s*²|\^2)/i.test(text)) {
    const dz = a - y;
    const gw = dz * x;
    return {
      kind: 'neuron',
      text: {
        ja: `∂L/∂w = ${num(gw)}、∂L/∂b = ${num(dz)} です。\nz = w·x + b = ${num(z)}、a = σ(${num(z)}) = ${num(a)}。\n二値交差エントロピー L = −[y log a + (1 − y) log(1 − a)] では ∂L/∂a = (a − y) / (a(1 − a)) で、σ'(z) = a(1 − a) と掛けると分母が消えて ∂L/∂z = a − y = ${num(dz)} になります（「シグモイドの微分が消える」のはこのことです）。\n∂L/∂w = (a − y) × x = ${num(dz)}×${par(x)} = ${num(gw)}、∂L/∂b = a − y = ${num(dz)}。`,
        en: `∂L/∂w = ${num(gw)} and ∂L/∂b = ${num(dz)}.\nz = w·x + b = ${num(z)}; a = σ(${num(z)}) = ${num(a)}.\nWith binary cross-entropy L = −[y log a + (1 − y) log(1 − a)], ∂L/∂a = (a − y) / (a(1 − a)); multiplied by σ'(z) = a(1 − a) the denominator cancels, so ∂L/∂z = a − y = ${num(dz)} (this is the sigmoid derivative "cancelling out").\n∂L/∂w = (a − y) × x = ${num(dz)}×${par(x)} = ${num(gw)}; ∂L/∂b = a − y = ${num(dz)}.`,
      },
    };
  }
  const dA = 2 * (a - y);
  const dz = a * (1 - a);
  const gw = dA * dz * x;
  const gb = dA * dz;
  return {
    kind: 'neuron',
    text: {
      ja: `∂L/∂w = ${num(gw)}、∂L/∂b = ${num(gb)} です。\nz = w·x + b = ${num(z)}、a = σ(${num(z)}) = ${num(a)}、∂L/∂a = 2(a − y) = ${num(dA)}、σ'(z) = a(1 − a) = ${num(dz)}。\n∂L/∂w = ∂L/∂a × σ'(z) × x = ${num(dA)}×${par(dz)}×${par(x)} = ${num(gw)}、∂L/∂b = ${num(dA)}×${par(dz)} = ${num(gb)}。`,
      en: `∂L/∂w = ${num(gw)} and ∂L/∂b = ${num(gb)}.\nz = w·x + b = ${num(z)}; a = σ(${num(z)}) = ${num(a)}; ∂L/∂a = 2(a − y) = ${num(dA)}; σ'(z) = a(1 − a) = ${num(dz)}.\n∂L/∂w = ∂L/∂a × σ'(z) × x = ${num(dA)}×${par(dz)}×${par(x)} = ${num(gw)}; ∂L/∂b = ${num(dA)}×${par(dz)} = ${num(gb)}.`,
    },
  };
}

/** One update from a given weight and gradient: w − lr × g, for each learning rate named. */
function simpleUpdate(vals: Map<string, number>, text: string): GradientResult | undefined {
  const lrs = learningRates(text);
  // Several weights with their gradients: "w1 = 1, w2 = -2, gradients 0.5 and -1.5".
  const gl = new RegExp(String.raw`(?:gradients?|grads?|勾配)\s*(?:are|は|が|=|:|of)?\s*\[?\s*${NUMBER}\s*(?:and|,|と|、)\s*${NUMBER}`, 'i').exec(text);
  if (gl && vals.has('w1') && vals.has('w2') && lrs.length === 1 && !vals.has('x')) {
    const lr = lrs[0];
    const ws = [vals.get('w1')!, vals.get('w2')!];
    const gs = [Number(gl[1].replace('−', '-')), Number(gl[2].replace('−', '-'))];
    const lines = ws.map((w0, i) => `w${i + 1} = ${num(w0)} − ${num(lr)}×${par(gs[i])} = ${num(w0 - lr * gs[i])}`);
    return {
      kind: 'line-step',
      text: {
        ja: `更新後は w1 = ${num(ws[0] - lr * gs[0])}、w2 = ${num(ws[1] - lr * gs[1])} です。\n素の SGD はそれぞれの重みを「重み − 学習率 × その重みの勾配」で別々に更新します：${lines.join('、')}。勾配が負の重みは増え、正の重みは減ります。`,
        en: `After the update: w1 = ${num(ws[0] - lr * gs[0])}, w2 = ${num(ws[1] - lr * gs[1])}.\nPlain SGD updates each weight separately as "weight − learning rate × its own gradient": ${lines.join('; ')}. A weight with a negative gradient grows; one with a positive gradient shrinks.`,
      },
    };
  }
  // Several parameters with their derivatives: m = 0.5, b = 0, dL/dm = −12.4, dL/db = −4.0.
  const named = ['m', 'b', 'w1', 'w2'].filter((p) => vals.has(p) && vals.has(`g:${p}`));
  if (named.length >= 2 && lrs.length === 1 && !/(momentum|モーメンタム)/i.test(text)) {
    const lr = lrs[0];
    const rows = named.map((p) => ({ p, v: vals.get(p)!, g: vals.get(`g:${p}`)!, n: vals.get(p)! - lr * vals.get(`g:${p}`)! }));
    const lines = rows.map((r) => `${r.p} = ${num(r.v)} − ${num(lr)}×${par(r.g)} = ${num(r.n)}`);
    const dirJa = rows.map((r) => `${r.p} は${r.g < 0 ? '増え' : r.g > 0 ? '減り' : '変わらず'}`).join('、');
    const dirEn = rows.map((r) => `${r.p} goes ${r.g < 0 ? 'up' : r.g > 0 ? 'down' : 'nowhere'}`).join(', ');
    return {
      kind: 'line-step',
      text: {
        ja: `更新後は ${rows.map((r) => `${r.p} = ${num(r.n)}`).join('、')} です（${dirJa}ます）。\n「値 − 学習率 × 勾配」をそれぞれ同じステップで計算します：${lines.join('、')}。勾配が負なら、マイナス × マイナスで値は増えます。`,
        en: `After the update: ${rows.map((r) => `${r.p} = ${num(r.n)}`).join(', ')} (${dirEn}).\nEach parameter takes "value − learning rate × its gradient" in the same step: ${lines.join('; ')}. A negative gradient means minus times minus: the value goes up.`,
      },
    };
  }
  // One weight and its gradient: w and "gradient 4.0", or a named parameter and its derivative (m = 2.0, dL/dm = 4.0).
  const p = vals.has('w') && vals.has('g') ? 'w' : named.length === 1 ? named[0] : 'w';
  const w = vals.get(p);
  const g = p === 'w' ? vals.get('g') : vals.get(`g:${p}`);
  // With momentum the step is not lr × g alone: the arithmetic calculator works it.
  if (w === undefined || g === undefined || lrs.length === 0 || vals.has('x') || /(momentum|モーメンタム)/i.test(text)) return undefined;
  const ja = lrs.map((lr) => `学習率 ${num(lr)}：${num(w)} − ${num(lr)}×${par(g)} = ${num(w - lr * g)}`);
  const en = lrs.map((lr) => `learning rate ${num(lr)}: ${num(w)} − ${num(lr)}×${par(g)} = ${num(w - lr * g)}`);
  const big = lrs.some((lr) => Math.abs(lr * g) > Math.abs(w) && Math.abs(lr * g) > 1);
  // The asker added the step instead of subtracting it ("0.5 + 0.1×2.0 = 0.7").
  const plus = lrs.length === 1 && g !== 0 ? w + lrs[0] * g : undefined;
  const stated = [...text.normalize('NFKC').matchAll(/=\s*(-?\d+(?:\.\d+)?)/g)].map((m) => Number(m[1]));
  const signSlip = plus !== undefined && stated.some((v) => Math.abs(v - plus) < 1e-9);
  const confirmed = !signSlip && lrs.length === 1 && [...text.normalize('NFKC').matchAll(/(-?\d+(?:\.\d+)?)/g)].some((m) => Math.abs(Number(m[1]) - (w - lrs[0] * g)) < 1e-9) && /(合って|あって|正しい|right|correct|\?|？)/i.test(text);
  // Which way the weight moves: against the gradient's sign.
  const dirJa = g > 0 ? `勾配が正（${p} を増やすと損失が増える）なので、${p} は小さくなる方向に動きます。` : g < 0 ? `勾配が負（${p} を増やすと損失が減る）なので、${p} は大きくなる方向に動きます。` : `勾配が 0 なので ${p} は動きません。`;
  const dirEn = g > 0 ? `The gradient is positive (raising ${p} raises the loss), so ${p} moves down.` : g < 0 ? `The gradient is negative (raising ${p} lowers the loss), so ${p} moves up.` : `The gradient is 0, so ${p} does not move.`;
  const slipJa = signSlip ? `${num(plus!)} ではなく ${num(w - lrs[0] * g)} です。勾配は損失が増える向きを指すので、足すのではなく引いて逆向きに進みます。\n` : confirmed ? `はい、${num(w - lrs[0] * g)} で合っています。\n` : '';
  const leadJa = !signSlip && !confirmed && lrs.length === 1 ? `更新後の ${p} は ${num(w - lrs[0] * g)} です。\n` : '';
  const leadEn = !signSlip && !confirmed && lrs.length === 1 ? `After one update ${p} is ${num(w - lrs[0] * g)}.\n` : '';
  const slipEn = signSlip ? `Not ${num(plus!)} but ${num(w - lrs[0] * g)}: the gradient points to where the loss grows, so the step is subtracted, not added.\n` : confirmed ? `Yes, ${num(w - lrs[0] * g)} is right.\n` : '';
  return {
    kind: 'line-step',
    text: {
      ja: `${slipJa}${leadJa}更新式は「新しい重み = 今の重み − 学習率 × 勾配」です。\n${ja.join('\n')}\n${dirJa}` + (big ? '\n学習率が大きいと 1 回の更新で重みが大きく飛び、損失の谷を飛び越えて発散しやすくなります。' : ''),
      en: `${slipEn}${leadEn}The update is "new weight = weight − learning rate × gradient".\n${en.join('\n')}\n${dirEn}` + (big ? '\nWith a large learning rate one update moves the weight far, which can jump over the minimum and make training diverge.' : ''),
    },
  };
}

/** One ReLU neuron a = relu(w·x + b) with L = (a − y)²: zero gradient when the input is not positive. */
function reluNeuron(vals: Map<string, number>): GradientResult | undefined {
  const n = neuronInputs(vals);
  if (!n) return undefined;
  const { x, w, b, y, z } = n;
  const a = Math.max(0, z);
  const d = z > 0 ? 1 : 0;
  const dA = 2 * (a - y);
  const gw = dA * d * x;
  const gb = dA * d;
  const dead = d === 0;
  return {
    kind: 'neuron',
    text: {
      ja:
        `∂L/∂w = ${num(gw)}、∂L/∂b = ${num(gb)} です。\nz = w·x + b = ${num(w)}×${par(x)} + ${par(b)} = ${num(z)}、a = relu(${num(z)}) = ${num(a)}、∂L/∂a = 2(a − y) = ${num(dA)}、relu'(z) = ${d}。\n∂L/∂w = ∂L/∂a × relu'(z) × x = ${num(dA)}×${d}×${par(x)} = ${num(gw)}。` +
        (dead ? '\nz が 0 以下なので ReLU の傾きは 0 で、勾配は 0 になります（このデータではこの重みは更新されません。0 で正しいです）。' : ''),
      en:
        `∂L/∂w = ${num(gw)} and ∂L/∂b = ${num(gb)}.\nz = w·x + b = ${num(w)}×${par(x)} + ${par(b)} = ${num(z)}; a = relu(${num(z)}) = ${num(a)}; ∂L/∂a = 2(a − y) = ${num(dA)}; relu'(z) = ${d}.\n∂L/∂w = ∂L/∂a × relu'(z) × x = ${num(dA)}×${d}×${par(x)} = ${num(gw)}.` +
        (dead ? '\nz is not positive, so ReLU\'s slope is 0 and the gradient is 0: this example does not update the weight (0 is the right answer).' : ''),
    },
  };
}

const GRADIENT_WORDS = /(勾配|微分|gradient|deriv|d[A-Za-z]*\/d|∂|update|更新|step|ステップ|backprop|逆伝播|chain|連鎖)/i;

/** The worked gradient for a question that gives the numbers of one of the textbook's cases and asks for a result. */
/**
 * How many steps the question asks to take: the largest count named ("after 1 step and after 2 steps" is 2),
 * 1 when none or one outside 1..max.
 */
function stepsAskedFor(text: string, max: number, re: RegExp): number {
  const counts = [...text.matchAll(re)].map((m) => Number(m[1])).filter((k) => k >= 1 && k <= max);
  return counts.length ? Math.max(...counts) : 1;
}

export function computeGradient(text: string): GradientResult | undefined {
  const t = text.normalize('NFKC');
  if (!ASKS.test(t)) return undefined;
  const vals = namedNumbers(t);
  const pts = pointsOf(t);
  if (GRADIENT_WORDS.test(t)) {
    // The asker's own formulas first: they say exactly which function is meant.
    const f = learningRates(t).length < 2 ? computeFormula(text) : undefined;
    if (f) return { kind: f.chain ? 'chain' : 'quadratic', text: f.text };
    const r = chain(vals, t) ?? sigmoidNeuron(vals, t) ?? absoluteLoss(vals, t) ?? quadratic(vals, t) ?? (pts.length ? pointsStep(pts, vals, t) : undefined) ?? lineStep(vals, t) ?? simpleUpdate(vals, t);
    if (r) return r;
    if (!vals.has('lr')) return lineGrad(vals);
    return undefined;
  }
  // A line already given (m and b, or written as y = 2x + 1) on points: its MSE, what evaluate() prints.
  const eq = vals.has('m') || vals.has('w') ? undefined : lineEquation(t);
  const given = eq ? new Map([...vals, ['m', eq.m], ['b', eq.b]]) : vals;
  const bestAsked = /(converge|収束|best|optimal|一番(?:合う|いい|良い|よい)|最適|正解は|本当の値|the right (m|values?|line)|correct (m|values?|line)|end(s|ed)? up|settle|should (it|training|the model|they|[mwb]\b[^?]{0,12}) (be|reach|get|land|end)|落ち着|たどり着|最終的|はずですか|はず？|はず\?)/i.test(t);
  // The asker's own m and b checked against the points ("mine stopped at m=1.8, b=1.5, is that right?").
  const checks = /(合って|あって|正しい(です|でしょう)?か|correct\?|right\?|is (this|that|it|mine) (right|ok|correct)|ok\?)/i.test(t);
  // One data point "(3, 10)" with the line's m and b given: its error, as a one-point MSE.
  const single = pts.length ? [] : [...t.matchAll(/(?:点|point|data|データ)[^()（]{0,12}[(（]\s*([-−]?\d+(?:\.\d+)?)\s*,\s*([-−]?\d+(?:\.\d+)?)\s*[)）]/gi)].map((m) => [Number(m[1].replace('−', '-')), Number(m[2].replace('−', '-'))] as [number, number]);
  if (!pts.length && single.length === 1 && !given.has('x') && (given.has('m') || given.has('w')) && given.has('b') && /(二乗誤差|squared error|mse|誤差|error|loss|損失)/i.test(t)) return lineOnPoints(single, given);
  if (pts.length && (given.has('m') || given.has('w')) && given.has('b') && (/(mse|evaluate|loss|誤差|損失)/i.test(t) || checks)) {
    const now = lineOnPoints(pts, given);
    if (!bestAsked && !checks) return now;
    // Both asked: the MSE of the asker's line, then the best line, then how far the asker's is from it.
    const best = fitPoints(pts);
    const verdict = lineVerdict(pts, given.get('m') ?? given.get('w')!, given.get('b')!);
    // Asked whether it is right: the verdict leads; asked for the values: they lead and the verdict follows.
    // A starting guess is not a result to judge: it is where training begins.
    const start = !checks && /(start|initial|guess|初期|最初の|スタート)/i.test(t);
    // Nor is a line the asker only computes with: the verdict is for values that training reached.
    const trained = /(学習|訓練|train|\bfit|stopp|止ま|止め|end(?:ed|s)? up|\bgot\b|なった|converg|収束|epoch|エポック|after)/i.test(t);
    const parts = checks ? [verdict, now.text, best.text] : start || !trained ? [now.text, best.text] : [now.text, best.text, verdict];
    return { kind: now.kind, text: { ja: parts.map((x) => x.ja).join('\n'), en: parts.map((x) => x.en).join('\n') } };
  }
  if (pts.length && /(converge|best|fit|収束|一番合う|最適|直線|line|m and b|m と b|slope|傾き|lowest|minimum|最小|下がらない|0にならない|0 にならない|止まって|stuck|won'?t (go|get) (to )?0)/i.test(t)) return fitPoints(pts);
  if (/(予測|predict|prediction|ŷ|出力|return)/i.test(t)) return multiInputPredict(t) ?? predictLine(vals, t);
  return undefined;
}
