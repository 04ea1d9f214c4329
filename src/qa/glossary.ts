/**
 * The ja↔en glossary (knowledge/glossary.yaml): every way a course term is
 * written, in either language, maps to one shared concept id. The retriever
 * adds these concept ids to both the lexical tokens and the embeddings, which
 * is what lets a Japanese question find an English-only entry and vice versa.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../core/errors.ts';
import { analyze, normalize } from './text.ts';

export interface Concept {
  id: string;
  ja: string[];
  en: string[];
  aka: string[];
}

export interface Glossary {
  concepts: Concept[];
  /** Concept ids found in a text, each once, in order of first appearance. */
  match(text: string): string[];
  /** Concept ids found in an already analysed text (normalized form and word sequence). */
  matchAnalyzed(normalized: string, sequence: string[]): string[];
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
    const forms = (key: 'ja' | 'en' | 'aka', required: boolean): string[] => {
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
    if (ja.some((f) => !JAPANESE.test(f) && !/\d/.test(f))) {
      problems.push(`${file}: concept "${id}": every "ja" form must contain Japanese characters`);
    }
    for (const key of Object.keys(c)) {
      if (!['id', 'ja', 'en', 'aka'].includes(key)) problems.push(`${file}: concept "${id}": unknown field "${key}"`);
    }
    concepts.push({ id, ja, en, aka });
  });
  return { concepts, problems };
}

/** Builds the matcher over validated concepts. */
export function createGlossary(concepts: Concept[]): Glossary {
  // Japanese forms match as substrings, longest first, so 過学習 wins over 学習.
  const jaForms: { form: string; ids: string[] }[] = [];
  // Other forms match as sequences of analysed words (stems), keyed by the first word.
  const phrases = new Map<string, { words: string[]; ids: string[] }[]>();
  const jaIndex = new Map<string, string[]>();
  for (const c of concepts) {
    for (const form of [...c.ja, ...c.en, ...c.aka]) {
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

  function matchAnalyzed(normalized: string, sequence: string[]): string[] {
    const found: string[] = [];
    const add = (ids: string[]) => {
      for (const id of ids) if (!found.includes(id)) found.push(id);
    };
    if (JAPANESE.test(normalized)) {
      const used = new Uint8Array(normalized.length);
      for (const { form, ids } of jaForms) {
        let at = normalized.indexOf(form);
        while (at >= 0) {
          let free = true;
          for (let k = at; k < at + form.length; k++) if (used[k]) free = false;
          if (free) {
            used.fill(1, at, at + form.length);
            add(ids);
          }
          at = normalized.indexOf(form, at + form.length);
        }
      }
    }
    for (let i = 0; i < sequence.length; i++) {
      const bucket = phrases.get(sequence[i]);
      if (!bucket) continue;
      for (const p of bucket) {
        let ok = true;
        for (let k = 1; k < p.words.length; k++) if (sequence[i + k] !== p.words[k]) ok = false;
        if (ok) {
          add(p.ids);
          i += p.words.length - 1;
          break;
        }
      }
    }
    return found;
  }

  return {
    concepts,
    matchAnalyzed,
    match(text: string) {
      const n = normalize(text);
      return matchAnalyzed(n, analyze(n).sequence);
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
