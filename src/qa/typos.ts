/**
 * Typos in the course's terms, corrected before retrieval: how people actually
 * type them ("overfiting", "epcoh", "dropuot", ソフトマクス, ばっちさいず in
 * hiragana). A word of five letters or more that the knowledge base never uses and
 * that is one edit (a swap of two letters counts as one) from a glossary
 * form is read as that form; a hiragana run that spells a katakana form is read in
 * katakana. Words the knowledge base uses are never touched, so a correctly
 * spelt word is never "corrected" into another.
 */
import type { QaIndex } from './index-store.ts';
import { isEnglishStopWord, normalize, stem } from './text.ts';

interface Vocabulary {
  /** Single-word English forms, by length. */
  en: Map<number, string[]>;
  /** Katakana forms of three characters or more, longest first. */
  kana: string[];
}

const cache = new WeakMap<QaIndex, Vocabulary>();

function vocabulary(index: QaIndex): Vocabulary {
  let v = cache.get(index);
  if (v) return v;
  const en = new Map<number, string[]>();
  const kana = new Set<string>();
  for (const c of index.glossary.concepts) {
    for (const form of [...c.ja, ...c.en, ...(c.aka ?? [])]) {
      const f = normalize(form);
      if (/^[a-z]{4,}$/.test(f)) {
        const list = en.get(f.length) ?? [];
        if (!list.includes(f)) list.push(f);
        en.set(f.length, list);
      } else if (/^[\u30a1-\u30fa\u30fc]{3,}$/.test(f)) kana.add(f);
    }
  }
  v = { en, kana: [...kana].sort((a, b) => b.length - a.length) };
  cache.set(index, v);
  return v;
}

/** Optimal string alignment distance (Damerau–Levenshtein with adjacent swaps), stopping early above `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j];
    prev = cur;
    if (rowMin > max) return max + 1;
  }
  return prev[b.length];
}

/** The glossary form a misspelt word stands for, if exactly one is closest. */
function nearest(word: string, forms: Map<number, string[]>): string | undefined {
  // One edit only: two turn real words into others (execution and exception).
  const max = 1;
  let best: string | undefined;
  let bestD = max + 1;
  let tie = false;
  for (let len = word.length - max; len <= word.length + max; len++) {
    for (const f of forms.get(len) ?? []) {
      // The first letter is rarely the one mistyped; requiring it keeps "lose" from becoming "loss"… and "pose" from anything.
      if (f[0] !== word[0] && !(f[1] === word[0] && f[0] === word[1])) continue;
      const d = editDistance(word, f, max);
      if (d < bestD) [best, bestD, tie] = [f, d, false];
      else if (d === bestD && f !== best) tie = true;
    }
  }
  return best && !tie ? best : undefined;
}

const toKatakana = (s: string) => s.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));

/** The question with its misspelt course terms replaced by the glossary's forms (unchanged when there are none). */
export function correctTypos(question: string, index: QaIndex): string {
  const v = vocabulary(index);
  let text = question;
  // English words the knowledge base never uses.
  // Short words are left alone: one edit turns too many of them into others ("same" and "save").
  text = text.replace(/(?<![\w.])[A-Za-z]{5,}(?![\w(])/g, (w) => {
    const lower = w.toLowerCase();
    if (isEnglishStopWord(lower) || index.lexical.has(stem(lower)) || index.lexical.has(lower)) return w;
    const f = nearest(lower, v.en);
    return f && f !== lower ? f : w;
  });
  // Hiragana spelling a katakana term: ばっちさいず → バッチサイズ.
  text = text.replace(/[\u3041-\u3096\u30fc]{3,}/g, (run) => {
    const kata = toKatakana(run);
    const form = v.kana.find((f) => kata.startsWith(f));
    return form ? form + run.slice(form.length) : run;
  });
  // Katakana one edit away from a long katakana term: ソフトマクス → ソフトマックス.
  text = text.replace(/[\u30a1-\u30fa\u30fc]{5,}/g, (run) => {
    if (v.kana.some((f) => run.includes(f))) return run;
    let best: string | undefined;
    for (const f of v.kana) if (f.length >= 5 && editDistance(run, f, 1) <= 1) best ??= f;
    return best ?? run;
  });
  return text;
}
