/**
 * Loads the knowledge base: `knowledge/**\/*.md`, one entry per file, YAML
 * front matter followed by the body. Every problem in every file is
 * collected, so one run of `tasuke index` lists all of them with file names.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../core/errors.ts';
import type { Lang } from '../core/lang.ts';
import { isLessonId, isTopicSlug, type LessonId, type TopicSlug } from './topics.ts';

export interface KnowledgeEntry {
  id: string;
  title: string;
  lang: Lang;
  topics: TopicSlug[];
  questions: string[];
  lesson?: LessonId;
  body: string;
  /** Path relative to the knowledge directory. */
  file: string;
}

export interface LoadResult {
  entries: KnowledgeEntry[];
  problems: string[];
  /** Every file read (relative path and content), for the content hash. */
  files: { file: string; content: string }[];
}

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/**
 * Answers are assembled from an entry's paragraphs, not posted whole, so a
 * body may hold more than one reply's worth; each paragraph is the unit that
 * gets quoted and must fit beside a computed result and a second paragraph
 * in one Discord reply.
 */
export const MAX_BODY_CHARS = 1800;
export const MAX_PARAGRAPH_CHARS = 600;
const KNOWN_FIELDS = new Set(['id', 'title', 'lang', 'topics', 'questions', 'lesson']);

/** All `.md` files under `dir`, sorted, README.md files excluded. */
export function listMarkdown(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.md') && name.toLowerCase() !== 'readme.md') out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Splits `---\nyaml\n---\nbody`. Returns undefined when there is no front matter. */
export function splitFrontMatter(text: string): { yaml: string; body: string } | undefined {
  const t = text.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
  const m = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(t);
  if (!m) return undefined;
  return { yaml: m[1], body: t.slice(m[0].length).trim() };
}

/**
 * Parses and validates one file's text. `file` is only used in messages.
 * Returns the entry (when usable) and the problems found.
 */
export function parseEntry(text: string, file: string): { entry?: KnowledgeEntry; problems: string[] } {
  const problems: string[] = [];
  const p = (msg: string) => problems.push(`${file}: ${msg}`);
  const split = splitFrontMatter(text);
  if (!split) {
    p('no YAML front matter (the file must start with a line "---", the fields, and a closing "---")');
    return { problems };
  }
  let data: unknown;
  try {
    data = parseYaml(split.yaml);
  } catch (err) {
    p(`front matter is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    return { problems };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    p('front matter must be a mapping of fields');
    return { problems };
  }
  const d = data as Record<string, unknown>;
  for (const key of Object.keys(d)) if (!KNOWN_FIELDS.has(key)) p(`unknown field "${key}"`);

  const id = d.id;
  if (typeof id !== 'string' || !id) p('missing required field "id"');
  else if (!ID.test(id)) p(`id "${id}" must be kebab-case ASCII`);

  const lang = d.lang;
  if (lang === undefined) p('missing required field "lang"');
  else if (lang !== 'ja' && lang !== 'en') p(`lang must be "ja" or "en" (got ${JSON.stringify(lang)})`);
  if (typeof id === 'string' && (lang === 'ja' || lang === 'en') && !id.endsWith(`-${lang}`)) {
    p(`id "${id}" must end in "-${lang}" (its lang)`);
  }

  const title = d.title;
  if (typeof title !== 'string' || !title.trim()) p('missing required field "title" (a non-empty string)');

  const topics = d.topics;
  const goodTopics: TopicSlug[] = [];
  if (topics === undefined) p('missing required field "topics"');
  else if (!Array.isArray(topics) || topics.length === 0) p('topics must be a non-empty list of topic slugs');
  else {
    if (topics.length > 3) p(`topics has ${topics.length} slugs; at most 3 are allowed`);
    for (const t of topics) {
      if (isTopicSlug(t)) {
        if (goodTopics.includes(t)) p(`topic "${t}" is listed twice`);
        else goodTopics.push(t);
      } else p(`unknown topic ${JSON.stringify(t)} (not a slug in shared/curriculum/topics.md)`);
    }
  }

  const questions = d.questions;
  let goodQuestions: string[] = [];
  if (questions === undefined) p('missing required field "questions"');
  else if (!Array.isArray(questions) || questions.length === 0) p('questions must be a non-empty list of strings');
  else if (questions.some((q) => typeof q !== 'string' || !q.trim())) p('every question must be a non-empty string');
  else goodQuestions = questions.map((q: string) => q.trim());

  const lesson = d.lesson;
  if (lesson !== undefined && lesson !== null && !isLessonId(lesson)) {
    p(`lesson ${JSON.stringify(lesson)} is not one of linear, xor, iris, mnist, cnn`);
  }

  if (!split.body) p('the body (the answer after the front matter) is empty');
  else if (split.body.length > MAX_BODY_CHARS) {
    p(`the body has ${split.body.length} characters; at most ${MAX_BODY_CHARS} are allowed`);
  } else {
    split.body
      .split(/\n\s*\n/)
      .map((para) => para.trim().replace(/^(#{1,6}\s[^\n]*\n)+/, ''))
      .forEach((para, i) => {
        if (para.length > MAX_PARAGRAPH_CHARS) p(`paragraph ${i + 1} has ${para.length} characters; at most ${MAX_PARAGRAPH_CHARS} (a paragraph is what an answer quotes)`);
      });
  }

  if (problems.length) return { problems };
  return {
    problems,
    entry: {
      id: id as string,
      title: (title as string).trim(),
      lang: lang as Lang,
      topics: goodTopics,
      questions: goodQuestions,
      lesson: isLessonId(lesson) ? lesson : undefined,
      body: split.body,
      file,
    },
  };
}

/** The raw entry files under `dir` (relative path and text), without parsing them. */
export function readKnowledgeFiles(dir: string): { file: string; content: string }[] {
  let paths: string[];
  try {
    paths = listMarkdown(dir);
  } catch (err) {
    throw new ConfigError(`Cannot read the knowledge directory ${dir}: ${(err as Error).message}`);
  }
  return paths.map((path) => ({ file: relative(dir, path), content: readFileSync(path, 'utf8') }));
}

/** Loads every entry under `dir`, collecting all problems (duplicate ids included). */
export function loadKnowledge(dir: string): LoadResult {
  const entries: KnowledgeEntry[] = [];
  const problems: string[] = [];
  const files = readKnowledgeFiles(dir);
  const byId = new Map<string, string>();
  for (const { file, content } of files) {
    const r = parseEntry(content, file);
    problems.push(...r.problems);
    if (!r.entry) continue;
    const first = byId.get(r.entry.id);
    if (first) {
      problems.push(`${file}: duplicate id "${r.entry.id}" (also in ${first})`);
      continue;
    }
    byId.set(r.entry.id, file);
    entries.push(r.entry);
  }
  return { entries, problems, files };
}

/** Like loadKnowledge, but throws a ConfigError listing every problem. */
export function loadKnowledgeOrThrow(dir: string): LoadResult {
  const r = loadKnowledge(dir);
  if (r.problems.length) {
    throw new ConfigError(
      `The knowledge base has ${r.problems.length} problem(s):\n  ${r.problems.join('\n  ')}`,
    );
  }
  return r;
}
