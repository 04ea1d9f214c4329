/**
 * The ja↔en glossary (knowledge/glossary.yaml): every way a course term is
 * written, in either language, maps to one shared concept id. The retriever
 * adds these concept ids to both the lexical tokens and the embeddings, which
 * is what lets a Japanese question find an English-only entry and vice versa.
 *
 * Forms match as whole terms: an English form as a sequence of words (a
 * "the", "my"… may stand between them: "restart the kernel" is "restart
 * kernel"), a Japanese form only where the text's word segmentation or its
 * script changes start and end it (形 is not matched inside 非線形). A form
 * listed under several concepts stands for all of them (val_loss: validation
 * and loss), unless one of those concepts has a `context` list: then the form
 * has several senses and the question decides. Each candidate scores the other
 * forms of it found in the text and the words of its `context`; the best
 * wins, the concept listed first when nothing tells them apart (シードを固定 is
 * the seed, 層を固定 freezing).
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../core/errors.ts';
import { analyze, normalize } from './text.ts';

export interface Concept {
  id: string;
  ja: string[];
  en: string[];
  aka?: string[];
  /** Words (either language) that point to this concept when one of its forms has several senses. */
  context?: string[];
}

export interface Glossary {
  concepts: Concept[];
  /** Concept ids found in a text, each once, in order of first appearance. */
  match(text: string): string[];
  /**
   * Concept ids found in an already analysed text (normalized form, word
   * sequence and word boundaries; without boundaries every offset is one).
   */
  matchAnalyzed(normalized: string, sequence: string[], bounds?: Set<number>): string[];
}

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const JAPANESE = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]/;

/** Checks the parsed YAML and returns the concepts, or every problem found. */
export function validateGlossary(data: unknown, file = 'glossary.yaml'): { concepts: Concept[]; problems: string[] } {
  const problems: string[] = [];
  const concepts: Concept[] = [];
  const list = (data as { concepts?: unknown } | null)?.concepts;
  if (!Array.isArray(list)) {
    return { concepts, problems: [`${file}: expected a top-level "concepts:" list`] };
  }
  const seen = new Set<string>();
  list.forEach((raw, i) => {
    const where = `${file}: concept #${i + 1}`;
    const c = raw as Record<string, unknown> | null;
    if (!c || typeof c !== 'object') {
      problems.push(`${where}: not a mapping`);
      return;
    }
    const id = c.id;
    if (typeof id !== 'string' || !ID.test(id)) {
      problems.push(`${where}: "id" must be a kebab-case ASCII string (got ${JSON.stringify(id)})`);
      return;
    }
    if (seen.has(id)) problems.push(`${file}: duplicate concept id "${id}"`);
    seen.add(id);
    const forms = (key: 'ja' | 'en' | 'aka' | 'context', required: boolean): string[] => {
      const v = c[key];
      if (v === undefined && !required) return [];
      if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string' && typeof x !== 'number')) {
        problems.push(`${file}: concept "${id}": "${key}" must be a non-empty list of strings`);
        return [];
      }
      return v.map(String);
    };
    const ja = forms('ja', true);
    const en = forms('en', true);
    const aka = forms('aka', false);
    const context = forms('context', false);
    if (ja.some((f) => !JAPANESE.test(f) && !/\d/.test(f))) {
      problems.push(`${file}: concept "${id}": every "ja" form must contain Japanese characters`);
    }
    for (const key of Object.keys(c)) {
      if (!['id', 'ja', 'en', 'aka', 'context'].includes(key)) problems.push(`${file}: concept "${id}": unknown field "${key}"`);
    }
    concepts.push({ id, ja, en, aka, context });
  });
  return { concepts, problems };
}

/** Words that may stand between the words of an English form ("restart the kernel"). */
const FILLERS = new Set(['the', 'a', 'an', 'my', 'your', 'our', 'their', 'its', 'this', 'that', 'his', 'her']);

/** The script class of a character, for Japanese term boundaries. */
function script(ch: string | undefined): number {
  if (!ch) return 0;
  if (/[\u3040-\u309f]/.test(ch)) return 1; // hiragana
  if (/[\u30a0-\u30ff]/.test(ch)) return 2; // katakana
  if (/[\u3400-\u4dbf\u4e00-\u9fff々]/.test(ch)) return 3; // kanji
  if (/[a-z0-9_]/.test(ch)) return 4;
  return 5;
}

/**
 * Whether a Japanese form found at [at, end) is a whole term: each end lies
 * on a word boundary or a change of script. A long form (three characters or
 * more) needs only one of its ends on a boundary: compounds such as 過学習気味
 * are segmented in more than one way.
 */
function wholeTerm(text: string, at: number, end: number, bounds: Set<number> | undefined): boolean {
  if (!bounds) return true;
  const edge = (i: number) => i <= 0 || i >= text.length || bounds.has(i) || script(text[i - 1]) !== script(text[i]);
  const left = edge(at);
  const right = edge(end);
  return end - at >= 3 ? left || right : left && right;
}

/** Builds the matcher over validated concepts. */
export function createGlossary(concepts: Concept[]): Glossary {
  // Japanese forms match as substrings on term boundaries, longest first, so 過学習 wins over 学習.
  const jaForms: { form: string; ids: string[] }[] = [];
  // Other forms match as sequences of analysed words (stems), keyed by the first word.
  const phrases = new Map<string, { words: string[]; ids: string[] }[]>();
  const jaIndex = new Map<string, string[]>();
  for (const c of concepts) {
    for (const form of [...c.ja, ...c.en, ...(c.aka ?? [])]) {
      const n = normalize(form);
      if (!n) continue;
      if (JAPANESE.test(n)) {
        const ids = jaIndex.get(n) ?? [];
        if (!ids.includes(c.id)) ids.push(c.id);
        jaIndex.set(n, ids);
      } else {
        const words = analyze(n).sequence;
        if (words.length === 0) continue;
        const bucket = phrases.get(words[0]) ?? [];
        const existing = bucket.find((p) => p.words.join(' ') === words.join(' '));
        if (existing) {
          if (!existing.ids.includes(c.id)) existing.ids.push(c.id);
        } else bucket.push({ words, ids: [c.id] });
        phrases.set(words[0], bucket);
      }
    }
  }
  for (const [form, ids] of jaIndex) jaForms.push({ form, ids });
  jaForms.sort((a, b) => b.form.length - a.form.length);
  for (const bucket of phrases.values()) bucket.sort((a, b) => b.words.length - a.words.length);
  const byId = new Map(concepts.map((c) => [c.id, c]));
  // Context words, analysed once: Japanese ones as substrings, the others as stems.
  const contextOf = new Map(
    concepts.map((c) => [
      c.id,
      (c.context ?? []).map((w) => normalize(w)).filter(Boolean).map((w) => (JAPANESE.test(w) ? { ja: w } : { en: analyze(w).sequence })),
    ]),
  );

  function matchAnalyzed(normalized: string, sequence: string[], bounds?: Set<number>): string[] {
    const found: string[] = [];
    const ambiguous: string[][] = [];
    const add = (ids: string[]) => {
      if (ids.length > 1 && ids.some((id) => contextOf.get(id)?.length)) ambiguous.push(ids);
      else for (const id of ids) if (!found.includes(id)) found.push(id);
    };
    if (JAPANESE.test(normalized)) {
      const used = new Uint8Array(normalized.length);
      for (const { form, ids } of jaForms) {
        let at = normalized.indexOf(form);
        while (at >= 0) {
          let free = true;
          for (let k = at; k < at + form.length; k++) if (used[k]) free = false;
          if (free && wholeTerm(normalized, at, at + form.length, bounds)) {
            used.fill(1, at, at + form.length);
            add(ids);
          }
          at = normalized.indexOf(form, at + 1);
        }
      }
    }
    for (let i = 0; i < sequence.length; i++) {
      const bucket = phrases.get(sequence[i]);
      if (!bucket) continue;
      for (const p of bucket) {
        let j = i + 1;
        let ok = true;
        for (let k = 1; k < p.words.length && ok; k++) {
          if (sequence[j] !== p.words[k] && FILLERS.has(sequence[j]) && sequence[j + 1] === p.words[k]) j++;
          if (sequence[j] !== p.words[k]) ok = false;
          j++;
        }
        if (ok) {
          add(p.ids);
          i = j - 1;
          break;
        }
      }
    }
    if (ambiguous.length === 0) return found;
    // Senses: the concept the rest of the question points to.
    const seq = new Set(sequence);
    const cue = (id: string) => {
      let n = found.includes(id) ? 2 : 0;
      for (const w of contextOf.get(id) ?? []) {
        if (w.ja !== undefined ? normalized.includes(w.ja) : w.en!.length > 0 && w.en!.every((x) => seq.has(x))) n++;
      }
      return n;
    };
    for (const ids of ambiguous) {
      let best = ids[0];
      let bestCue = cue(best);
      for (const id of ids.slice(1)) {
        const c = cue(id);
        if (c > bestCue) [best, bestCue] = [id, c];
      }
      if (!found.includes(best)) found.push(best);
    }
    return found.filter((id) => byId.has(id));
  }

  return {
    concepts,
    matchAnalyzed,
    match(text: string) {
      const n = normalize(text);
      const a = analyze(n);
      return matchAnalyzed(n, a.sequence, a.bounds);
    },
  };
}

/** Reads, validates and compiles a glossary file; throws a ConfigError listing every problem. */
export function loadGlossary(path: string): Glossary {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: ${(err as Error).message}`);
  }
  const { concepts, problems } = validateGlossary(data, path);
  if (problems.length) throw new ConfigError(`The glossary has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  return createGlossary(concepts);
}
