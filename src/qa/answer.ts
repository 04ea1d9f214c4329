/**
 * The answer contract every face renders, and the answer composed from the
 * knowledge entries themselves (used when no LLM is configured, or when it
 * fails). `lesson` is always present: an object when the answering entry
 * names a lesson, otherwise `null`.
 */
import type { Lang } from '../core/lang.ts';
import type { Action } from './policy.ts';
import { definedSubjects } from './definitions.ts';
import type { KnowledgeEntry } from './knowledge.ts';
import { questionKind, type Passage, type QuestionKind } from './passages.ts';
import { asksListedQuestion, FUSION, type Retrieval, type ScoredEntry } from './retrieve.ts';
import type { TopicSlug } from './topics.ts';

/** Discord's limit is 2,000 characters; leave room for a mention. */
export const MAX_ANSWER_CHARS = 1900;

export interface SourceRef {
  id: string;
  title: string;
  topics: string[];
  score: number;
}

/**
 * A lesson to try the answer out on. The core names it only: each face says
 * how to run it (`/train mnist` on Discord, `tasuke train mnist` in a terminal,
 * a button in the web chat).
 */
export interface LessonRef {
  id: string;
}

/** Exactly what `tasuke ask --json` prints (see ARCHITECTURE.md, "Asking"). */
export interface AnswerContract {
  question: string;
  lang: Lang;
  action: Action;
  answer: string;
  confidence: number;
  sources: SourceRef[];
  lesson: LessonRef | null;
}

export const CONTRACT_KEYS = ['question', 'lang', 'action', 'answer', 'confidence', 'sources', 'lesson'] as const;

/** A source of the contract; `score` defaults to the entry's retrieval score. */
export function sourceRef(s: ScoredEntry, score = s.score): SourceRef {
  return { id: s.entry.id, title: s.entry.title, topics: [...s.entry.topics], score: Math.round(score * 1000) / 1000 };
}

export function lessonRef(entry: KnowledgeEntry | undefined): LessonRef | null {
  return entry?.lesson ? { id: entry.lesson } : null;
}

/** Cuts `text` to fewer than `max` characters, at a sentence end where one is near. */
export function clip(text: string, max = MAX_ANSWER_CHARS): string {
  if (text.length < max) return text;
  const cut = text.slice(0, max - 2);
  const end = Math.max(cut.lastIndexOf('。'), cut.lastIndexOf('. '), cut.lastIndexOf('\n'));
  return (end > max * 0.6 ? cut.slice(0, end + 1) : cut) + '…';
}

export interface Selection {
  topic: TopicSlug;
  primary: ScoredEntry;
  /** Further entries worth citing (same or other topics), best first. */
  related: ScoredEntry[];
}

/**
 * How well an entry fits as the answer inside `topic`: its retrieval score
 * (discounted when the topic is only one of its secondary topics) plus its
 * match with the entry's listed ways of asking and, unless `learned` is false,
 * the entry classifier's probability for it.
 */
export function choiceScore(s: ScoredEntry, topic: TopicSlug, learned = true): number {
  const share = s.entry.topics[0] === topic ? 1 : FUSION.secondaryTopic;
  return s.score * share + FUSION.asked * s.match + (learned ? FUSION.learned * s.learned : 0);
}

/** What an entry whose title asks the same kind of question (why, how, what) adds to its choice score. */
const KIND_CHOICE = 0.05;

/**
 * Picks the entry to answer from: the entry of the winning topic whose
 * retrieval score and match with its title and listed questions are best,
 * preferring the asker's language; then related entries to cite.
 */
export function selectEntries(r: Retrieval, lang: Lang, subject?: string, kind: QuestionKind = 'other'): Selection | undefined {
  // A definition question ("what's a gradient?") is answered by an entry written to define that subject, when one was retrieved.
  if (subject) {
    // (In the asker's language only: the other language's entry defines the subject in its own words.)
    const d = r.entries.find((s) => s.entry.lang === lang && definedSubjects(s.entry).has(subject));
    if (d) return { topic: d.entry.topics[0], primary: d, related: r.entries.filter((s) => s !== d).slice(0, 4) };
  }
  const topic = r.topics[0]?.topic;
  if (!topic) return undefined;
  // An entry one of whose listed ways of asking the question holds (nearly) word for word was written for it: it comes first.
  const exact = (s: ScoredEntry) => (asksListedQuestion(s) ? 1 : 0);
  // A "why" question is better answered by an entry whose title asks why than by one that asks how many (and so on).
  const fits = (s: ScoredEntry) => (kind !== 'other' && questionKind(s.entry.title) === kind ? KIND_CHOICE : 0);
  const ofTopic = r.entries.filter((s) => s.entry.topics.includes(topic)).sort((a, b) => exact(b) - exact(a) || choiceScore(b, topic) + fits(b) - choiceScore(a, topic) - fits(a));
  if (ofTopic.length === 0) return undefined;
  const best = ofTopic[0];
  // The asker's language wins unless its entry is clearly a worse match.
  const own = ofTopic.find((s) => s.entry.lang === lang);
  // (Without the classifier's say: it learned each language's words, so it always prefers the asker's wording's language.)
  const primary = own && choiceScore(own, topic, false) >= choiceScore(best, topic, false) * 0.6 ? own : best;
  const related = r.entries.filter((s) => s !== primary).slice(0, 4);
  return { topic, primary, related };
}

/** The pieces a composed answer is made of, in the order they are shown. */
export interface AnswerParts {
  lang: Lang;
  /** Short notes that come first: the question's language, a page tasuke cannot see. */
  notes: string[];
  /** Results worked out from the asker's own numbers and code: the direct answer, first. */
  computed: string[];
  /** The selected paragraphs, lead first. */
  passages: Passage[];
  /** An entry to read on (named once, under the answer). */
  more?: KnowledgeEntry;
  /** A related entry the answer did not use. */
  related?: KnowledgeEntry;
}

/** The "read more" and "related" lines under an answer. */
export function pointerLines(parts: Pick<AnswerParts, 'lang' | 'more' | 'related'>): string {
  const ja = parts.lang === 'ja';
  const lines: string[] = [];
  if (parts.more) lines.push(ja ? `📖 詳しくは「${parts.more.title}」（${parts.more.id}）` : `📖 More in "${parts.more.title}" (${parts.more.id})`);
  if (parts.related) lines.push(ja ? `👉 関連：「${parts.related.title}」（${parts.related.id}）` : `👉 Related: "${parts.related.title}" (${parts.related.id})`);
  return lines.join('\n');
}

/**
 * The answer text: notes, the computed result, the selected passages (with a
 * note when they are in the other language), then where to read more. Passages
 * that do not fit are dropped from the end; the first is clipped at a sentence
 * end rather than dropped.
 */
export function composeAnswer(parts: AnswerParts): string {
  const { lang } = parts;
  const other = parts.passages.length > 0 && parts.passages.every((p) => p.source.entry.lang !== lang);
  const sourceNote = !other
    ? ''
    : lang === 'ja'
      ? '（この内容は英語の資料にしかないため、英語の資料をそのままお見せします。）'
      : '(This is only covered in Japanese so far; here is the Japanese material.)';
  const tail = pointerLines(parts);
  const head = [...parts.notes, ...parts.computed].filter(Boolean).join('\n\n');
  let room = MAX_ANSWER_CHARS - head.length - (tail ? tail.length + 2 : 0) - (sourceNote ? sourceNote.length + 2 : 0) - 4;
  const shown: string[] = [];
  for (const p of parts.passages) {
    if (p.text.length + 2 <= room) {
      shown.push(p.text);
      room -= p.text.length + 2;
    } else if (shown.length === 0 && parts.computed.length === 0) {
      shown.push(clip(p.text, Math.max(200, room)));
      break;
    }
  }
  const body = [sourceNote && shown.length ? sourceNote : '', ...shown].filter(Boolean).join('\n\n');
  const text = [head, body].filter(Boolean).join('\n\n');
  return clip(tail ? `${text}\n\n${tail}` : text);
}

/** The first sentences of an entry, up to about `max` characters. */
export function leadSentences(body: string, max = 220): string {
  const sentences = body.replace(/\s+/g, ' ').split(/(?<=[。．！？])\s*|(?<=[.!?])\s+/);
  let out = '';
  for (const s of sentences) {
    if (out && out.length + s.length > max) break;
    out += (out && !/[。．]$/.test(out) ? ' ' : '') + s;
  }
  return out.length > max * 1.5 ? out.slice(0, max) + '…' : out;
}

/**
 * A hint for the graded final exercise: the idea and where to read, never the
 * solution. Without a selection (the question names no clear concept) a
 * generic way forward.
 */
export function composeHint(sel: Selection | undefined, lang: Lang): string {
  const head =
    lang === 'ja'
      ? '最終課題は採点対象なので、答えやコードそのものはお伝えできません。代わりにヒントです。'
      : 'The final exercise is graded, so I can’t give you its solution or code. Here is a hint instead.';
  if (!sel) {
    // No clear concept in the question: a way forward, never an unrelated entry.
    return lang === 'ja'
      ? `${head}\n\nどのステップ、どの考え方でつまずいているかを教えてください（データの読み込み、モデルの組み立て、損失関数、学習の進め方など）。その部分の考え方なら説明できます。ノートブックの該当するセクションを読み直し、それでも進まなければ TA にヒントをもらってください。`
      : `${head}\n\nTell me which step or concept you are stuck on (loading the data, building the model, the loss, training) and I can explain that idea. Re-read the matching section of the notebook, and if you are still stuck, ask a TA for a nudge.`;
  }
  const e = sel.primary.entry;
  return lang === 'ja'
    ? `${head}\n\nヒント：${leadSentences(e.body)}\n\n詳しくは「${e.title}」（${e.id}）を読んでみてください。`
    : `${head}\n\nHint: ${leadSentences(e.body)}\n\nFor more, read "${e.title}" (${e.id}).`;
}
