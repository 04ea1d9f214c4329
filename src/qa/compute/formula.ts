/**
 * The asker's own formulas, worked on their own numbers: a question that
 * writes its definitions (`z = w·x`, `a = tanh(z)`, `L = (a − y)^2`,
 * `L = 2(w − 1)^2`), gives the values (`x = 2, w = 0`) and asks for a
 * derivative (`∂L/∂w`, `dL/dw`) or an update (a learning rate and "one step")
 * gets the derivative by the chain rule, evaluated exactly with dual numbers,
 * with every intermediate value shown.
 *
 * Only what the question writes is used: no formula is assumed, and when a
 * name has neither a value nor a definition nothing is answered.
 */
import type { Lang } from '../../core/lang.ts';

/** A value with its derivative with respect to one seed variable (forward-mode differentiation). */
interface Dual {
  v: number;
  d: number;
}

type Node =
  | { k: 'num'; v: number }
  | { k: 'var'; name: string }
  | { k: 'neg'; a: Node }
  | { k: 'bin'; op: '+' | '-' | '*' | '/' | '^'; a: Node; b: Node }
  | { k: 'fn'; f: Fn; a: Node };

type Fn = 'sigmoid' | 'tanh' | 'relu' | 'exp' | 'log' | 'sqrt' | 'abs';

const FNS: Record<string, Fn> = { sigmoid: 'sigmoid', σ: 'sigmoid', sig: 'sigmoid', tanh: 'tanh', relu: 'relu', exp: 'exp', log: 'log', ln: 'log', sqrt: 'sqrt', abs: 'abs' };

/** Names a formula may use: a letter (Latin or Greek, ŷ) with an optional index, or a word for the loss. */
const NAME = String.raw`(?:loss|Loss|out|output|pred|yhat|y_hat|[A-Za-zŷα-ωΑ-Ω](?:_?\d|_[a-z])?)`;

interface Token {
  t: 'num' | 'name' | 'op' | '(' | ')';
  s: string;
  /** Whitespace came before this token. */
  sp: boolean;
}

/** Tokens of a formula from `at` on, stopping at the first character that cannot belong to one. */
function tokenize(text: string, at: number): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  let i = at;
  for (;;) {
    const ws = /^[ \t]*/.exec(text.slice(i))![0].length;
    const j = i + ws;
    const rest = text.slice(j);
    let m: RegExpExecArray | null;
    if ((m = /^\d+(?:\.\d+)?/.exec(rest))) tokens.push({ t: 'num', s: m[0], sp: ws > 0 });
    else if ((m = /^(?:sigmoid|tanh|relu|exp|log|ln|sqrt|abs|σ)(?=\s*\()/i.exec(rest))) tokens.push({ t: 'name', s: m[0].toLowerCase() === 'σ' ? 'σ' : m[0].toLowerCase(), sp: ws > 0 });
    else if ((m = new RegExp(`^${NAME}(?![A-Za-z])`).exec(rest))) tokens.push({ t: 'name', s: m[0].replace('_', ''), sp: ws > 0 });
    // Two letters written together as a product, the textbook's wx and mx.
    else if ((m = /^[a-z](?=[a-z](?![A-Za-z]))/.exec(rest)) && !/^(ln|lr)/.test(rest)) tokens.push({ t: 'name', s: m[0], sp: ws > 0 });
    else if ((m = /^(\*\*|[-+*/^×·−²]|⋅)/.exec(rest))) tokens.push({ t: 'op', s: m[0], sp: ws > 0 });
    else if (rest[0] === '(' || rest[0] === ')') tokens.push({ t: rest[0] as '(' | ')', s: rest[0], sp: ws > 0 });
    else return { tokens, end: i };
    i = j + tokens[tokens.length - 1].s.length + (tokens[tokens.length - 1].t === 'name' && m && m[0].length > tokens[tokens.length - 1].s.length ? m[0].length - tokens[tokens.length - 1].s.length : 0);
  }
}

/** A recursive-descent parser over the tokens; returns the longest well-formed prefix. */
function parse(tokens: Token[]): { node: Node; used: number } | undefined {
  let p = 0;
  const peek = () => tokens[p];
  const isOp = (s: string) => peek()?.t === 'op' && (peek()!.s === s || (s === '-' && peek()!.s === '−') || (s === '*' && ['×', '·', '⋅'].includes(peek()!.s)) || (s === '^' && peek()!.s === '**'));
  function expr(): Node | undefined {
    let a = term();
    if (!a) return undefined;
    for (;;) {
      const save = p;
      const op = isOp('+') ? '+' : isOp('-') ? '-' : undefined;
      if (!op) return a;
      p++;
      const b = term();
      if (!b) {
        p = save;
        return a;
      }
      a = { k: 'bin', op, a, b };
    }
  }
  function term(): Node | undefined {
    let a = unary();
    if (!a) return undefined;
    for (;;) {
      const save = p;
      let op: '*' | '/' | undefined = isOp('*') ? '*' : isOp('/') ? '/' : undefined;
      if (op) p++;
      // Implicit product without a space: 2(w − 1), 2w, (a)(b).
      else if (peek() && !peek()!.sp && (peek()!.t === '(' || (peek()!.t === 'name' && (tokens[p - 1]?.t !== 'name' || (tokens[p - 1].s.length === 1 && peek()!.s.length === 1))))) op = '*';
      if (!op) return a;
      const b = unary();
      if (!b) {
        p = save;
        return a;
      }
      a = { k: 'bin', op, a, b };
    }
  }
  function unary(): Node | undefined {
    if (isOp('-')) {
      p++;
      const a = unary();
      return a ? { k: 'neg', a } : undefined;
    }
    return power();
  }
  function power(): Node | undefined {
    const a = atom();
    if (!a) return undefined;
    if (peek()?.t === 'op' && peek()!.s === '²') {
      p++;
      return { k: 'bin', op: '^', a, b: { k: 'num', v: 2 } };
    }
    if (isOp('^')) {
      const save = p;
      p++;
      const b = unary();
      if (b) return { k: 'bin', op: '^', a, b };
      p = save;
    }
    return a;
  }
  function atom(): Node | undefined {
    const tk = peek();
    if (!tk) return undefined;
    if (tk.t === 'num') {
      p++;
      return { k: 'num', v: Number(tk.s) };
    }
    if (tk.t === 'name' && FNS[tk.s] && tokens[p + 1]?.t === '(') {
      p += 2;
      const a = expr();
      if (!a || peek()?.t !== ')') return undefined;
      p++;
      return { k: 'fn', f: FNS[tk.s], a };
    }
    if (tk.t === 'name' && !FNS[tk.s]) {
      p++;
      return { k: 'var', name: tk.s };
    }
    if (tk.t === '(') {
      const save = p;
      p++;
      const a = expr();
      if (!a || peek()?.t !== ')') {
        p = save;
        return undefined;
      }
      p++;
      return a;
    }
    return undefined;
  }
  const node = expr();
  return node ? { node, used: p } : undefined;
}

function varsOf(n: Node, out = new Set<string>()): Set<string> {
  if (n.k === 'var') out.add(n.name);
  else if (n.k === 'neg' || n.k === 'fn') varsOf(n.a, out);
  else if (n.k === 'bin') {
    varsOf(n.a, out);
    varsOf(n.b, out);
  }
  return out;
}

const sig = (z: number) => 1 / (1 + Math.exp(-z));

function apply(f: Fn, a: Dual): Dual {
  switch (f) {
    case 'sigmoid': {
      const s = sig(a.v);
      return { v: s, d: s * (1 - s) * a.d };
    }
    case 'tanh': {
      const t = Math.tanh(a.v);
      return { v: t, d: (1 - t * t) * a.d };
    }
    case 'relu':
      return { v: Math.max(0, a.v), d: a.v > 0 ? a.d : 0 };
    case 'exp': {
      const e = Math.exp(a.v);
      return { v: e, d: e * a.d };
    }
    case 'log':
      return { v: Math.log(a.v), d: a.d / a.v };
    case 'sqrt': {
      const r = Math.sqrt(a.v);
      return { v: r, d: a.d / (2 * r) };
    }
    case 'abs':
      return { v: Math.abs(a.v), d: Math.sign(a.v) * a.d };
  }
}

function evalDual(n: Node, env: (name: string) => Dual): Dual {
  switch (n.k) {
    case 'num':
      return { v: n.v, d: 0 };
    case 'var':
      return env(n.name);
    case 'neg': {
      const a = evalDual(n.a, env);
      return { v: -a.v, d: -a.d };
    }
    case 'fn':
      return apply(n.f, evalDual(n.a, env));
    case 'bin': {
      const a = evalDual(n.a, env);
      const b = evalDual(n.b, env);
      switch (n.op) {
        case '+':
          return { v: a.v + b.v, d: a.d + b.d };
        case '-':
          return { v: a.v - b.v, d: a.d - b.d };
        case '*':
          return { v: a.v * b.v, d: a.d * b.v + a.v * b.d };
        case '/':
          return { v: a.v / b.v, d: (a.d * b.v - a.v * b.d) / (b.v * b.v) };
        case '^': {
          const v = a.v ** b.v;
          // d(a^b) = b·a^(b−1)·a' + ln(a)·a^b·b' (the second term only when the exponent varies).
          const d = b.v * a.v ** (b.v - 1) * a.d + (b.d !== 0 ? Math.log(a.v) * v * b.d : 0);
          return { v, d };
        }
      }
    }
  }
}

interface Formulas {
  defs: Map<string, { node: Node; src: string }>;
  values: Map<string, number>;
  /** Names written both as a formula and as a number (y = w*x, and y = 6 for the data): which is meant is unclear. */
  both: Set<string>;
}

/** Definitions (`a = tanh(z)`) and values (`x = 2`) the text writes, first one of each name wins. */
export function readFormulas(text: string): Formulas {
  const defs = new Map<string, { node: Node; src: string }>();
  const values = new Map<string, number>();
  const both = new Set<string>();
  // Not the derivative written on the left of an equation (∂L/∂w = ∂L/∂y · ∂y/∂w): ∂w is no name.
  const re = new RegExp(String.raw`(?<![\w.\[(∂/])(${NAME})\s*(?:=|＝)(?!=)\s*`, 'g');
  for (const m of text.matchAll(re)) {
    const name = m[1].replace('_', '');
    const start = m.index! + m[0].length;
    // A value: a plain (possibly negative) number not followed by more formula.
    const num = /^([-−]?\d+(?:\.\d+)?)(?![\d.]*\s*[*×·/^(²]|[\d.]*[A-Za-z(])/.exec(text.slice(start));
    if (num) {
      if (defs.has(name)) both.add(name);
      if (!values.has(name) && !defs.has(name)) values.set(name, Number(num[1].replace('−', '-')));
      continue;
    }
    const { tokens } = tokenize(text, start);
    const parsed = parse(tokens);
    if (!parsed) continue;
    const node = parsed.node;
    // A formula has an operator or a function; a bare name ("y = t") is not one.
    if (node.k === 'var' || node.k === 'num') continue;
    const used = tokens.slice(0, parsed.used);
    const src = used.map((t, i) => (i && t.sp ? ' ' : '') + t.s).join('').replace(/ - /g, ' − ');
    if (values.has(name)) both.add(name);
    if (!defs.has(name) && !values.has(name)) defs.set(name, { node, src });
  }
  // A start value said in words: "w 从 0 开始", 「w = 3 からスタート」 is caught above, 「w は 0 から」.
  for (const m of text.matchAll(new RegExp(String.raw`(?<![\w.])(${NAME})\s*(?:从|は|부터는|는|은)?\s*([-−]?\d+(?:\.\d+)?)\s*(?:开始|から|부터|에서)`, 'g'))) {
    const name = m[1].replace('_', '');
    if (!values.has(name) && !defs.has(name)) values.set(name, Number(m[2].replace('−', '-')));
  }
  return { defs, values, both };
}

/** What the question asks: ∂L/∂w, dL/dw, "derivative of L with respect to w". */
function derivativesAsked(text: string): [string, string][] {
  const out: [string, string][] = [];
  const add = (f: string, x: string) => {
    const p: [string, string] = [f.replace('_', ''), x.replace('_', '')];
    if (!out.some((o) => o[0] === p[0] && o[1] === p[1])) out.push(p);
  };
  for (const m of text.matchAll(new RegExp(String.raw`(?:∂|\bd)\s*(${NAME})\s*/\s*(?:∂|d)\s*(${NAME})(?![A-Za-z])`, 'g'))) add(m[1], m[2]);
  for (const m of text.matchAll(new RegExp(String.raw`(?:derivative|gradient) of (${NAME}) (?:with respect to|wrt|w\.r\.t\.?|by) (${NAME})\b`, 'gi'))) add(m[1], m[2]);
  for (const m of text.matchAll(new RegExp(String.raw`(${NAME})\s*を\s*(${NAME})\s*で(?:偏)?微分`, 'g'))) add(m[1], m[2]);
  // "the derivative of the squared error L = (ŷ − y)² w.r.t. ŷ", 「ŷ で微分すると」: the one loss the text defines.
  if (!out.length) {
    const losses = LOSS_NAMES.filter((n) => new RegExp(String.raw`(?<![\w.])${n}\s*=(?!=)`).test(text));
    if (losses.length === 1) {
      for (const m of text.matchAll(new RegExp(String.raw`(?:with respect to|wrt|w\.r\.t\.?)\s*(${NAME})(?![\w(])|(?<![\w.])(${NAME})\s*で(?:偏)?微分`, 'gi'))) add(losses[0], m[1] ?? m[2]);
    }
  }
  return out;
}

const LOSS_NAMES = ['L', 'loss', 'Loss', 'E', 'J', 'C'];
const DERIVATIVE_WORDS = /(微分|導関数|derivative|differentiate|d\/d[a-z]|slope at|傾き)/i;
const PARAM_NAMES = /^(w\d?|b\d?|m|θ)$/;
const UPDATE_ASKED = /(更新|ステップ|step|update|new value|新しい|after one|1回|一回|次の値|步|업데이트|스텝)/i;

function learningRate(text: string): number | undefined {
  const m = /(?:学習率|学习率|학습률|learning[ _]rate|\blr|η|\beta\b|α)\s*(?:を|は|が|of|=|:|is|to|为|은|는)?\s*(\d+(?:\.\d+)?)/i.exec(text);
  return m ? Number(m[1]) : undefined;
}

function num(v: number): string {
  const r = Math.round(v * 1e4) / 1e4;
  return Object.is(r, -0) || r === 0 ? '0' : String(r).replace('-', '−');
}

function par(v: number): string {
  return v < 0 ? `(${num(v)})` : num(v);
}

export interface FormulaResult {
  text: Record<Lang, string>;
  /** The chain goes through an activation or several definitions: backpropagation rather than one gradient step. */
  chain: boolean;
}

/** The derivative (or update) the question asks for, from the formulas and values it writes. */
export function computeFormula(question: string): FormulaResult | undefined {
  let text = question
    .replace(/²/g, '^2')
    .replace(/³/g, '^3')
    .normalize('NFKC').replace(/[−–]/g, '-').replace(/[（]/g, '(').replace(/[）]/g, ')')
    // |w − 3| as the textbook writes an absolute value.
    .replace(/\|([^|\n]{1,40})\|/g, 'abs($1)');
  // Function notation, f(x) = 3*g(x), g(x) = x^2: each defined f(x) read as the name f.
  const fnNames = [...new Set([...text.matchAll(/(?<![\w.])([a-zA-Z])\(\s*([a-z])\s*\)\s*=(?!=)/g)].map((m) => `${m[1]}\\(\\s*${m[2]}\\s*\\)`))];
  // Only a composition (two or more functions defined); one L(w) = … is the gradient-step calculators'.
  if (fnNames.length >= 2) text = text.replace(new RegExp(`(?<![\\w.])(?:${fnNames.join('|')})`, 'g'), (m) => m[0]);
  // A sum over the samples (Σ, ∑) is not a formula this parser reads (Σ would be taken for σ).
  if (/[Σ∑]/.test(text)) return undefined;
  const { defs, values, both } = readFormulas(text);
  if (!defs.size) return undefined;
  if ([...defs.keys()].some((d) => both.has(d) || [...closure(d, defs)].some((v) => both.has(v)))) return undefined;
  const lr = learningRate(text);
  let asked = derivativesAsked(text).filter(([f, x]) => defs.has(f) && (values.has(x) || defs.has(x)) && x !== f);
  // One function of one variable and a derivative asked at a value of it: 「y=(3x+1)^2 の x=1 での微分」.
  if (!asked.length && defs.size === 1 && DERIVATIVE_WORDS.test(text)) {
    const [f] = defs.keys();
    const free = [...closure(f, defs)];
    if (free.length === 1 && values.has(free[0]) && free[0] !== f) asked = [[f, free[0]]];
  }
  let update = false;
  if (!asked.length && lr !== undefined && UPDATE_ASKED.test(text)) {
    const loss = LOSS_NAMES.find((n) => defs.has(n));
    if (!loss) return undefined;
    const params = [...closure(loss, defs)].filter((v) => PARAM_NAMES.test(v) && values.has(v));
    asked = params.map((p) => [loss, p]);
    update = true;
  }
  if (!asked.length) return symbolicChain(text, defs);
  // Every name the asked formulas reach must have a value or a definition, and definitions may not loop.
  for (const [f] of asked) {
    const seen = closure(f, defs);
    if (!seen.size || [...seen].some((v) => !values.has(v) && !defs.has(v))) return undefined;
    if (cyclic(f, defs)) return undefined;
  }
  const grads = asked.map(([f, x]) => ({ f, x, g: differentiate(f, x, defs, values) }));
  if (grads.some((r) => !Number.isFinite(r.g.v) || !Number.isFinite(r.g.d))) return undefined;
  const lrGiven = lr !== undefined && (update || UPDATE_ASKED.test(text)) && grads.every((r) => values.has(r.x));
  const forwardJa: string[] = [];
  const forwardEn: string[] = [];
  const order = topo(asked.map(([f]) => f), defs);
  for (const name of order) {
    const v = differentiate(name, '\u0000', defs, values).v;
    const line = `${name} = ${defs.get(name)!.src} = ${num(v)}`;
    forwardJa.push(line);
    forwardEn.push(line);
  }
  const chainJa: string[] = [];
  const chainEn: string[] = [];
  for (const r of grads) {
    const path = linearPath(r.f, r.x, defs);
    if (path && path.length > 2) {
      // ∂L/∂w = ∂L/∂a × ∂a/∂z × ∂z/∂w, each local slope at this point.
      const local = path.slice(0, -1).map((n, i) => ({ of: n, by: path[i + 1], d: localSlope(n, path[i + 1], defs, values) }));
      const names = local.map((l) => `∂${l.of}/∂${l.by}`).join(' × ');
      const nums = local.map((l) => par(l.d)).join(' × ');
      // Where each factor comes from: the link's derivative written out, then its value here.
      const forms = local.map((l) => {
        const d = simplify(sdiff(defs.get(l.of)!.node, l.by));
        return d.k === 'num' && Number.isNaN(d.v) ? undefined : d.k === 'num' ? `∂${l.of}/∂${l.by} = ${num(l.d)}` : `∂${l.of}/∂${l.by} = ${show(d)} = ${num(l.d)}`;
      });
      const whereJa = forms.every(Boolean) ? `（${forms.join('、')}）` : '';
      const whereEn = forms.every(Boolean) ? ` (${forms.join('; ')})` : '';
      chainJa.push(`∂${r.f}/∂${r.x} = ${names} = ${nums} = ${num(r.g.d)}${whereJa}`);
      chainEn.push(`∂${r.f}/∂${r.x} = ${names} = ${nums} = ${num(r.g.d)}${whereEn}`);
    } else {
      // One link: its derivative written out before its value (∂L/∂ŷ = 2(ŷ − y) = −0.4).
      const def = defs.get(r.f)!.node;
      const d = varsOf(def).has(r.x) ? simplify(sdiff(def, r.x)) : undefined;
      const form = d && !(d.k === 'num') ? `${show(d)} = ` : '';
      // A power of an inner expression, (2x + 1)^2: the chain rule's two factors, with u for the inside.
      const inner = innerPower(def, r.x, values);
      const subJa = inner ? `（u = ${inner.u} と置くと ${r.f} = u^${inner.n}、d${r.f}/du = ${inner.outer} = ${num(inner.dOuter)}、du/d${r.x} = ${num(inner.dInner)}、掛けて ${num(inner.dOuter)} × ${par(inner.dInner)} = ${num(r.g.d)}）` : '';
      const subEn = inner ? ` (with u = ${inner.u}: ${r.f} = u^${inner.n}, d${r.f}/du = ${inner.outer} = ${num(inner.dOuter)}, du/d${r.x} = ${num(inner.dInner)}, multiplied: ${num(inner.dOuter)} × ${par(inner.dInner)} = ${num(r.g.d)})` : '';
      chainJa.push(`∂${r.f}/∂${r.x} = ${form}${num(r.g.d)}${subJa}`);
      chainEn.push(`∂${r.f}/∂${r.x} = ${form}${num(r.g.d)}${subEn}`);
    }
  }
  const updJa: string[] = [];
  const updEn: string[] = [];
  const stepsAsked = /(\d)\s*(?:ステップ|回|steps?|步|스텝|번)/i.exec(text.replace(/[一两二三四五六](?=\s*步)/g, (c) => String('一两三四五六'.indexOf(c) + 1 || 2)));
  const n = lrGiven && stepsAsked && Number(stepsAsked[1]) >= 1 && Number(stepsAsked[1]) <= 6 ? Number(stepsAsked[1]) : 1;
  const now = new Map(values);
  if (lrGiven) {
    for (let i = 1; i <= n; i++) {
      const gs = grads.map((r) => differentiate(r.f, r.x, defs, now).d);
      const lines = grads.map((r, k) => {
        const v0 = now.get(r.x)!;
        return `${n > 1 ? `${i}. ` : ''}${r.x} = ${num(v0)} − ${num(lr!)} × ${par(gs[k])} = ${num(v0 - lr! * gs[k])}`;
      });
      grads.forEach((r, k) => now.set(r.x, now.get(r.x)! - lr! * gs[k]));
      updJa.push(lines.join('、'));
      updEn.push(lines.join('; '));
    }
  }
  const given = [...values].filter(([n]) => asked.some(([f]) => closure(f, defs).has(n))).map(([n, v]) => `${n} = ${num(v)}`).join(', ');
  const leadJa = lrGiven
    ? `${n} ステップ後は ${grads.map((r) => `${r.x} = ${num(now.get(r.x)!)}`).join('、')} です。`
    : `${grads.map((r) => `∂${r.f}/∂${r.x} = ${num(r.g.d)}`).join('、')} です。`;
  const leadEn = lrGiven
    ? `After ${n === 1 ? 'one step' : `${n} steps`}: ${grads.map((r) => `${r.x} = ${num(now.get(r.x)!)}`).join(', ')}.`
    : `${grads.map((r) => `∂${r.f}/∂${r.x} = ${num(r.g.d)}`).join(' and ')}.`;
  // A ReLU whose input is not positive passes no gradient: 0 is then the right answer, not a slip.
  const deadRelu = order.some((n) => reluArgs(defs.get(n)!.node).some((a) => evalDual(a, (v) => differentiate(v, '\u0000', defs, values)).v <= 0));
  // A leading constant (L = 2(w − 1)^2) is where hand-worked derivatives most often go astray.
  const coef = order.map((n) => /^(\d+(?:\.\d+)?)\s*[(*·×]?\s*\(/.exec(defs.get(n)!.src)?.[1]).find(Boolean);
  const chain = order.length > 1 || [...order].some((n) => /sigmoid|tanh|relu|σ/.test(defs.get(n)!.src));
  return {
    chain,
    text: {
      ja:
        `${leadJa}\n順伝播（${given}）：${forwardJa.join('、')}。\n微分（連鎖律、この点での値）：${chainJa.join('、')}。` +
        (updJa.length ? `\n更新（値 − 学習率 × 勾配）：${updJa.join(n > 1 ? '\n' : '、')}。` : '') +
        (deadRelu ? '\nReLU の入力が 0 以下なので、その傾きは 0 で、そこを通る勾配は 0 になります（0 で正しい答えです。この例ではその重みは更新されません）。' : '') +
        (coef ? `\n式の前の係数（${coef}）も微分にそのまま掛かります。` : '') +
        `\n途中の値を自分の計算と見比べてください。`,
      en:
        `${leadEn}\nForward (${given}): ${forwardEn.join('; ')}.\nDerivative (chain rule, values at this point): ${chainEn.join('; ')}.` +
        (updEn.length ? `\nUpdate (value − learning rate × gradient): ${updEn.join(n > 1 ? '\n' : '; ')}.` : '') +
        (deadRelu ? "\nThe ReLU's input is not positive, so its slope is 0 and no gradient passes through it (0 is the right answer: this example does not update that weight)." : '') +
        (coef ? `\nThe constant factor in front (${coef}) multiplies the derivative too.` : '') +
        `\nCompare each intermediate value with your own working.`,
    },
  };
}

function reluArgs(n: Node, out: Node[] = []): Node[] {
  if (n.k === 'fn') {
    if (n.f === 'relu') out.push(n.a);
    reluArgs(n.a, out);
  } else if (n.k === 'neg') reluArgs(n.a, out);
  else if (n.k === 'bin') {
    reluArgs(n.a, out);
    reluArgs(n.b, out);
  }
  return out;
}

/** Every name a definition reaches, through other definitions. */
function closure(name: string, defs: Formulas['defs'], seen = new Set<string>()): Set<string> {
  const d = defs.get(name);
  if (!d) return seen;
  for (const v of varsOf(d.node)) {
    if (seen.has(v)) continue;
    seen.add(v);
    if (v !== name) closure(v, defs, seen);
  }
  return seen;
}

function cyclic(name: string, defs: Formulas['defs'], stack: string[] = []): boolean {
  if (stack.includes(name)) return true;
  const d = defs.get(name);
  if (!d) return false;
  return [...varsOf(d.node)].some((v) => cyclic(v, defs, [...stack, name]));
}

/** The defined names under `roots`, inputs first. */
function topo(roots: string[], defs: Formulas['defs']): string[] {
  const out: string[] = [];
  const visit = (n: string) => {
    if (!defs.has(n) || out.includes(n)) return;
    for (const v of varsOf(defs.get(n)!.node)) visit(v);
    out.push(n);
  };
  roots.forEach(visit);
  return out;
}

/**
 * A definition that is a power of an inner expression of x ((2x + 1)^2, or
 * 3(x^2 + 1)^3 without the factor): the inner expression, the outer and
 * inner derivatives at the values given.
 */
function innerPower(def: Node, x: string, values: Formulas['values']): { u: string; n: number; outer: string; dOuter: number; dInner: number } | undefined {
  const pow = def.k === 'bin' && def.op === '^' ? def : undefined;
  if (!pow || pow.b.k !== 'num' || pow.a.k === 'var' || pow.a.k === 'num' || !varsOf(pow.a).has(x)) return undefined;
  // One variable inside, with a slope other than ±1: (w − 3)^2 or (y − (w·x + b))^2 need no substitution.
  if (varsOf(pow.a).size !== 1 || !values.has(x)) return undefined;
  const n = pow.b.v;
  const inner = evalDual(pow.a, (name) => ({ v: values.get(name)!, d: name === x ? 1 : 0 }));
  if (Math.abs(inner.d) === 1) return undefined;
  const dOuter = n * inner.v ** (n - 1);
  const outer = n - 1 === 1 ? `${num(n)}u` : `${num(n)}u^${num(n - 1)}`;
  return { u: show(pow.a), n, outer, dOuter, dInner: inner.d };
}

/** d f / d x with every other name at its value (definitions substituted). */
function differentiate(f: string, x: string, defs: Formulas['defs'], values: Formulas['values']): Dual {
  const memo = new Map<string, Dual>();
  const env = (name: string): Dual => {
    const hit = memo.get(name);
    if (hit) return hit;
    let r: Dual;
    if (name === x && !defs.has(name)) r = { v: values.get(name)!, d: 1 };
    else if (name === x) r = { v: evalDual(defs.get(name)!.node, env).v, d: 1 };
    else if (defs.has(name)) r = evalDual(defs.get(name)!.node, env);
    else r = { v: values.get(name) ?? NaN, d: 0 };
    memo.set(name, r);
    return r;
  };
  return env(f);
}

/** ∂f/∂x holding x's own inputs fixed: the local slope of one link of the chain. */
function localSlope(f: string, x: string, defs: Formulas['defs'], values: Formulas['values']): number {
  const xv = differentiate(x, '\u0000', defs, values).v;
  const local = new Map(values);
  local.set(x, xv);
  const d2 = new Map(defs);
  d2.delete(x);
  return differentiate(f, x, d2, local).d;
}

/** f → … → x when each definition on the way uses exactly one defined name (or x) that leads to x. */
function linearPath(f: string, x: string, defs: Formulas['defs']): string[] | undefined {
  const path = [f];
  let cur = f;
  for (let i = 0; i < 8; i++) {
    const d = defs.get(cur);
    if (!d) return undefined;
    const vars = [...varsOf(d.node)];
    if (vars.includes(x)) {
      const others = vars.filter((v) => v !== x && defs.has(v) && closure(v, defs).has(x));
      if (others.length) return undefined;
      path.push(x);
      return path;
    }
    const next = vars.filter((v) => defs.has(v) && closure(v, defs).has(x));
    if (next.length !== 1) return undefined;
    cur = next[0];
    path.push(cur);
  }
  return undefined;
}

export interface TableResult {
  text: Record<Lang, string>;
}

/**
 * The asker's network written as formulas (`h1 = relu(x1 + x2)`,
 * `out = h1 - 2*h2`) worked on the four binary inputs, when the question asks
 * for its outputs ("does that give 0,1,1,0?", "the 4 inputs", (0,0) (0,1) …).
 */
export function evaluateOnInputs(question: string): TableResult | undefined {
  const text = question.replace(/²/g, '^2').normalize('NFKC').replace(/[−–]/g, '-');
  if (!/(\(\s*0\s*,\s*0\s*\)|truth table|真理値表|4 ?(inputs|通り|パターン)|four inputs|all (the )?inputs|0\s*,\s*1\s*,\s*1\s*,\s*0|walk me through|出力は|outputs?)/i.test(text)) return undefined;
  const { defs, values } = readFormulas(text);
  if (defs.size === 0) return undefined;
  // The inputs: the free names of the definitions with no value, exactly two of them.
  const used = new Set<string>();
  for (const d of defs.values()) for (const v of varsOf(d.node)) used.add(v);
  const free = [...used].filter((v) => !defs.has(v) && !values.has(v));
  if (free.length !== 2 || !free.every((v) => /^(x\d|a|b|x|y)$/i.test(v))) return undefined;
  free.sort();
  // The output: a definition no other definition uses.
  const outputs = [...defs.keys()].filter((n) => ![...defs.values()].some((d) => varsOf(d.node).has(n)));
  if (outputs.length !== 1) return undefined;
  const out = outputs[0];
  const order = topo([out], defs);
  const rows: string[] = [];
  const results: number[] = [];
  for (const [a, b] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
    const vals = new Map(values);
    vals.set(free[0], a);
    vals.set(free[1], b);
    const parts = order.map((n) => `${n} = ${num(differentiate(n, '\u0000', defs, vals).v)}`);
    const y = differentiate(out, '\u0000', defs, vals).v;
    if (!Number.isFinite(y)) return undefined;
    results.push(y);
    rows.push(`(${a},${b}): ${parts.join(', ')}`);
  }
  const key = results.map((v) => (Math.abs(v) < 1e-9 ? 0 : Math.abs(v - 1) < 1e-9 ? 1 : NaN)).join('');
  const gate: Record<string, string> = { '0110': 'XOR', '0001': 'AND', '0111': 'OR', '1110': 'NAND', '1000': 'NOR', '1001': 'XNOR' };
  const g = gate[key];
  const list = results.map((v) => num(v)).join(', ');
  return {
    text: {
      ja: `${out} は (0,0)→${num(results[0])}、(0,1)→${num(results[1])}、(1,0)→${num(results[2])}、(1,1)→${num(results[3])} です${g ? `（${g} になっています）` : ''}。\n${rows.join('\n')}` + (g === 'XOR' ? '\n隠れ層の 2 つのユニットが入力空間を折り曲げるので、出力の足し算だけで直線 1 本では分けられない XOR が表せます。' : ''),
      en: `${out} gives (0,0)→${num(results[0])}, (0,1)→${num(results[1])}, (1,0)→${num(results[2])}, (1,1)→${num(results[3])}${g ? ` (${g})` : ''}: ${list}.\n${rows.join('\n')}` + (g === 'XOR' ? '\nThe two hidden units bend the input space, so a plain weighted sum of them can give XOR, which no single straight line separates.' : ''),
    },
  };
}

/**
 * Symbolic differentiation for the textbook's chain rule when the question
 * writes the formulas but no numbers ("z = wx + b, a = σ(z), L = (a − t)²:
 * what is ∂L/∂w?"): each link's derivative is written out and multiplied.
 */
function sdiff(n: Node, x: string): Node {
  const num0 = (v: number): Node => ({ k: 'num', v });
  switch (n.k) {
    case 'num':
      return num0(0);
    case 'var':
      return num0(n.name === x ? 1 : 0);
    case 'neg':
      return { k: 'neg', a: sdiff(n.a, x) };
    case 'bin': {
      const da = sdiff(n.a, x);
      const db = sdiff(n.b, x);
      if (n.op === '+' || n.op === '-') return { k: 'bin', op: n.op, a: da, b: db };
      if (n.op === '*') return { k: 'bin', op: '+', a: { k: 'bin', op: '*', a: da, b: n.b }, b: { k: 'bin', op: '*', a: n.a, b: db } };
      if (n.op === '/') return { k: 'bin', op: '/', a: { k: 'bin', op: '-', a: { k: 'bin', op: '*', a: da, b: n.b }, b: { k: 'bin', op: '*', a: n.a, b: db } }, b: { k: 'bin', op: '^', a: n.b, b: num0(2) } };
      // u^c with a constant exponent.
      if (n.b.k === 'num') return { k: 'bin', op: '*', a: { k: 'bin', op: '*', a: num0(n.b.v), b: { k: 'bin', op: '^', a: n.a, b: num0(n.b.v - 1) } }, b: da };
      return { k: 'num', v: NaN };
    }
    case 'fn': {
      const da = sdiff(n.a, x);
      const outer: Node =
        n.f === 'sigmoid'
          ? { k: 'bin', op: '*', a: n, b: { k: 'bin', op: '-', a: num0(1), b: n } }
          : n.f === 'tanh'
            ? { k: 'bin', op: '-', a: num0(1), b: { k: 'bin', op: '^', a: n, b: num0(2) } }
            : n.f === 'exp'
              ? n
              : n.f === 'log'
                ? { k: 'bin', op: '/', a: num0(1), b: n.a }
                : n.f === 'relu'
                  ? { k: 'var', name: `[${show(n.a)} > 0]` }
                  : { k: 'num', v: NaN };
      return { k: 'bin', op: '*', a: outer, b: da };
    }
  }
}

function simplify(n: Node): Node {
  if (n.k === 'neg') {
    const a = simplify(n.a);
    if (a.k === 'num') return { k: 'num', v: -a.v };
    if (a.k === 'neg') return a.a;
    return { k: 'neg', a };
  }
  if (n.k === 'fn') return { k: 'fn', f: n.f, a: simplify(n.a) };
  if (n.k !== 'bin') return n;
  const a = simplify(n.a);
  const b = simplify(n.b);
  const isN = (x: Node, v: number) => x.k === 'num' && x.v === v;
  if (a.k === 'num' && b.k === 'num' && n.op !== '/') {
    const v = n.op === '+' ? a.v + b.v : n.op === '-' ? a.v - b.v : n.op === '*' ? a.v * b.v : a.v ** b.v;
    return { k: 'num', v };
  }
  switch (n.op) {
    case '+':
      if (isN(a, 0)) return b;
      if (isN(b, 0)) return a;
      break;
    case '-':
      if (isN(b, 0)) return a;
      if (isN(a, 0)) return simplify({ k: 'neg', a: b });
      break;
    case '*':
      if (isN(a, 0) || isN(b, 0)) return { k: 'num', v: 0 };
      if (isN(a, 1)) return b;
      if (isN(b, 1)) return a;
      // A sign comes out in front: u·(−x) → −(u·x), as a derivative is written by hand.
      if (a.k === 'neg' || b.k === 'neg') return simplify({ k: 'neg', a: { k: 'bin', op: '*', a: a.k === 'neg' ? a.a : a, b: b.k === 'neg' ? b.a : b } });
      // Constants first: (u)·2 → 2·u, and 2·(3·u) → 6·u.
      if (b.k === 'num') return simplify({ k: 'bin', op: '*', a: b, b: a });
      if (a.k === 'num' && b.k === 'bin' && b.op === '*' && b.a.k === 'num') return simplify({ k: 'bin', op: '*', a: { k: 'num', v: a.v * b.a.v }, b: b.b });
      break;
    case '^':
      if (isN(b, 1)) return a;
      if (isN(b, 0)) return { k: 'num', v: 1 };
      break;
  }
  return { k: 'bin', op: n.op, a, b };
}

const PREC: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2, '^': 3 };

function show(n: Node, parent = 0): string {
  switch (n.k) {
    case 'num':
      return num(n.v);
    case 'var':
      return n.name;
    case 'neg':
      // −(2u·x) reads as −2u·x: a product needs no brackets after its sign.
      return n.a.k === 'bin' && n.a.op === '*' ? (parent > 2 ? `(−${show(n.a, 2)})` : `−${show(n.a, 2)}`) : `−${show(n.a, 3)}`;
    case 'fn':
      return `${n.f === 'sigmoid' ? 'σ' : n.f === 'log' ? 'ln' : n.f}(${show(n.a)})`;
    case 'bin': {
      const p = PREC[n.op];
      const sym = n.op === '*' ? '·' : n.op === '-' ? ' − ' : n.op === '+' ? ' + ' : n.op === '^' ? '^' : '/';
      let body: string;
      if (n.op === '*' && n.a.k === 'num' && (n.b.k === 'var' || n.b.k === 'fn' || (n.b.k === 'bin' && PREC[n.b.op] < 2))) body = `${num(n.a.v)}${n.b.k === 'bin' ? `(${show(n.b)})` : show(n.b, p)}`;
      else body = `${show(n.a, p)}${sym}${show(n.b, n.op === '-' || n.op === '/' || n.op === '^' ? p + 1 : p)}`;
      return p < parent ? `(${body})` : body;
    }
  }
}

/**
 * An activation written around a whole expression (ŷ = σ(wx + b)) gets its
 * pre-activation named (z = wx + b, ŷ = σ(z)), as the textbook writes the
 * chain: ∂L/∂ŷ · ∂ŷ/∂z · ∂z/∂w, one link per step.
 */
function namePreActivation(defs: Formulas['defs']): Formulas['defs'] {
  const wrapped = [...defs].filter(([, d]) => d.node.k === 'fn' && d.node.a.k !== 'var' && d.node.a.k !== 'num');
  const name = ['z', 'u', 'h'].find((n) => !defs.has(n) && ![...defs.values()].some((d) => new RegExp(`\\b${n}\\b`).test(d.src)));
  if (wrapped.length !== 1 || !name) return defs;
  const [n, d] = wrapped[0];
  if (d.node.k !== 'fn') return defs;
  const out = new Map(defs);
  out.set(n, { node: { k: 'fn', f: d.node.f, a: { k: 'var', name } }, src: `${show({ k: 'fn', f: d.node.f, a: { k: 'var', name } })}` });
  out.set(name, { node: d.node.a, src: show(d.node.a) });
  return out;
}

function symbolicChain(text: string, given: Formulas['defs']): FormulaResult | undefined {
  const defs = namePreActivation(given);
  const asked = derivativesAsked(text).filter(([f, x]) => defs.has(f) && x !== f && closure(f, defs).has(x));
  if (asked.length === 0 || asked.length > 2) return undefined;
  const ja: string[] = [];
  const en: string[] = [];
  for (const [f, x] of asked) {
    if (cyclic(f, defs)) return undefined;
    const path = linearPath(f, x, defs);
    if (!path || path.length < 2) return undefined;
    const links = path.slice(0, -1).map((n, i) => {
      const by = path[i + 1];
      const d = simplify(sdiff(defs.get(n)!.node, by));
      return { of: n, by, d };
    });
    if (links.some((l) => JSON.stringify(l.d).includes('null') || (l.d.k === 'num' && Number.isNaN(l.d.v)))) return undefined;
    const names = links.length > 1 ? `${links.map((l) => `∂${l.of}/∂${l.by}`).join(' × ')} = ` : '';
    const each = links.map((l) => `∂${l.of}/∂${l.by} = ${show(l.d)}（${l.of} = ${defs.get(l.of)!.src}）`);
    const eachEn = links.map((l) => `∂${l.of}/∂${l.by} = ${show(l.d)} (from ${l.of} = ${defs.get(l.of)!.src})`);
    const factors = links.filter((l) => !(l.d.k === 'num' && l.d.v === 1));
    const product = factors.length ? factors.map((l) => (l.d.k === 'bin' && PREC[l.d.op] < 2 ? `(${show(l.d)})` : show(l.d))).join(' · ') : '1';
    ja.push(`∂${f}/∂${x} = ${names}${product}${links.length > 1 ? `\n${each.join('\n')}` : ''}`);
    en.push(`∂${f}/∂${x} = ${names}${product}${links.length > 1 ? `\n${eachEn.join('\n')}` : ''}`);
  }
  const sigmoid = [...defs.values()].some((d) => /sigmoid|σ/.test(d.src));
  return {
    chain: true,
    text: {
      ja: `連鎖律で、${ja.join('\n')}\n各項はその式をすぐ下の変数で微分したもので、掛け合わせると ${asked.map(([f, x]) => `∂${f}/∂${x}`).join('、')} になります。${sigmoid ? 'σ の微分 σ(z)(1 − σ(z)) は a(1 − a) とも書けます。' : ''}数値が与えられれば、前から順に値を入れて計算できます。`,
      en: `By the chain rule, ${en.join('\n')}\nEach factor is one formula differentiated by the variable just below it; their product is ${asked.map(([f, x]) => `∂${f}/∂${x}`).join(' and ')}.${sigmoid ? ' The derivative of σ, σ(z)(1 − σ(z)), can also be written a(1 − a).' : ''} With numbers, put them in from the front and multiply.`,
    },
  };
}
