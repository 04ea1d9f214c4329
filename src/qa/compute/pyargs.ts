/**
 * Just enough of Python's call syntax to read Keras layer calls pasted into a
 * question: `Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1))`.
 * Values are numbers, strings, tuples/lists of them, None, True/False, or a
 * bare name kept as text; anything else is kept as its source text.
 */

export type PyValue = number | string | boolean | null | PyValue[] | { name: string };

export interface PyCall {
  /** The callee as written, without module prefixes (`layers.Dense` → `Dense`). */
  name: string;
  args: PyValue[];
  kwargs: Record<string, PyValue>;
  /** Offset of the call in the text. */
  at: number;
  /** Offset just after the closing parenthesis. */
  end: number;
}

/** The text between `open` (an opening bracket) and its match, or undefined when unbalanced. */
export function balanced(text: string, open: number): { inner: string; end: number } | undefined {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (pairs[c]) stack.push(pairs[c]);
    else if (c === ')' || c === ']' || c === '}') {
      if (stack.pop() !== c) return undefined;
      if (stack.length === 0) return { inner: text.slice(open + 1, i), end: i + 1 };
    }
  }
  return undefined;
}

/** Splits at top-level commas. */
export function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      cur += c;
      if (c === '\\') cur += text[++i] ?? '';
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

/** Parses one Python literal (or keeps a name). */
export function parseValue(src: string): PyValue {
  const s = src.trim();
  if (/^[-+]?(\d[\d_]*\.?\d*(e[-+]?\d+)?|\.\d+(e[-+]?\d+)?)$/i.test(s)) return Number(s.replace(/_/g, ''));
  const str = /^(['"])(.*)\1$/s.exec(s);
  if (str) return str[2];
  if (s === 'None') return null;
  if (s === 'True') return true;
  if (s === 'False') return false;
  if ((s.startsWith('(') && s.endsWith(')')) || (s.startsWith('[') && s.endsWith(']'))) {
    const b = balanced(s, 0);
    if (b && b.end === s.length) return splitTop(b.inner).map(parseValue);
  }
  return { name: s };
}

/**
 * Every call of one of `names` in `text`, in order, with its arguments. A
 * module prefix (`tf.keras.layers.`) is allowed; other identifiers that merely
 * end in a name (`MyDense(`) are not calls of it.
 */
export function findCalls(text: string, names: readonly string[]): PyCall[] {
  const re = new RegExp(`(?<![\\w])(?:[A-Za-z_][\\w]*\\.)*(${names.join('|')})\\s*\\(`, 'g');
  const calls: PyCall[] = [];
  for (const m of text.matchAll(re)) {
    const open = m.index! + m[0].length - 1;
    const b = balanced(text, open);
    if (!b) continue;
    const args: PyValue[] = [];
    const kwargs: Record<string, PyValue> = {};
    for (const part of splitTop(b.inner)) {
      const kw = /^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]*)$/.exec(part);
      if (kw) kwargs[kw[1]] = parseValue(kw[2]);
      else args.push(parseValue(part));
    }
    calls.push({ name: m[1], args, kwargs, at: m.index!, end: b.end });
  }
  return calls;
}

export function asInt(v: PyValue | undefined): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** An int, or a tuple of one int (`5` or `(5,)`, Conv1D's kernel_size). */
export function asInt1(v: PyValue | undefined): number | undefined {
  return asInt(v) ?? (Array.isArray(v) && v.length === 1 ? asInt(v[0]) : undefined);
}

/** An int or a pair of ints as a pair (`3` → [3, 3]). */
export function asPair(v: PyValue | undefined): [number, number] | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isInteger(x))) return [v[0] as number, v[1] as number];
  // A size written as people say it inside a call: Conv2D(75, 3x3).
  const said = v && typeof v === 'object' && !Array.isArray(v) ? /^(\d{1,3})\s*[x×]\s*(\d{1,3})$/.exec(v.name) : null;
  if (said) return [Number(said[1]), Number(said[2])];
  return undefined;
}

/** A shape tuple; `None` entries (the batch axis) are dropped. */
export function asShape(v: PyValue | undefined): number[] | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return [v];
  if (!Array.isArray(v)) return undefined;
  const dims = v.filter((x) => x !== null);
  return dims.every((x) => typeof x === 'number' && Number.isInteger(x) && x > 0) ? (dims as number[]) : undefined;
}
