/**
 * Definition questions: "what's a gradient?", "what does overfitting mean?",
 * 「エポックとは何ですか？」. Asked that plainly, the question names only its
 * subject, and retrieval weighs every entry that mentions the subject about
 * alike: the entry about Embedding rows' gradients can win "what's a
 * gradient?". An entry whose title or one of whose listed ways of asking is
 * the definition question for the same subject was written to answer it.
 */
import type { KnowledgeEntry } from './knowledge.ts';
import { analyze, normalize } from './text.ts';

const EN_FORMS = [
  /^(?:(?:so|ok|okay|hey|quick question|sorry)[,:]?\s+)?(?:what(?:'s|s| is| are)|what exactly (?:is|are)|what is meant by|define|meaning of)\s+(?:a |an |the )?(.+?)(?:\s+(?:exactly|actually|again|anyway))?\s*[?!.]*$/,
  /^what does (?:a |an |the )?(.+?) (?:mean|stand for)\s*[?!.]*$/,
];

const JA_FORM = /^(.+?)(?:って|とは|ってのは)\s*(?:正確には|そもそも|結局|一体|いったい|要するに|簡単に言うと)?\s*(?:何|なに|なん)(?:ですか|でしょうか|ですかね|なの|なんですか|なんでしょう|だっけ|ですっけ)?\s*[?!.。]*$/;

/** Words that only place the subject in the course ("a kernel in a CNN", 「CNN のカーネル」), not a different subject. */
const CONTEXT = new Set(['cnn', 'cnns', 'kera', 'keras', 'neural', 'network', 'deep', 'learn', 'tensorflow', 'tf', 'ml', 'machine', 'ディープラーニング', '機械学習', 'ニューラルネット', 'ニューラルネットワーク', '深層学習']);

/** At most this many content words in a subject: a longer one is a question about something, not a name. */
const MAX_SUBJECT_WORDS = 3;

/**
 * The subject of a definition question, as its content words (sorted, joined
 * by a space), or undefined when the text is not one.
 */
export function definitionSubject(text: string): string | undefined {
  const raw = subjectText(text);
  return raw === undefined ? undefined : subjectKey(raw);
}

/** The subject as written in a definition question, or undefined. */
function subjectText(text: string): string | undefined {
  const n = normalize(text).replace(/\s*[?？!！。.]+\s*$/, '?');
  const m = EN_FORMS.map((re) => re.exec(n)).find(Boolean) ?? JA_FORM.exec(n);
  return m ? m[1].replace(/\s+in (?:a |an |the )?(?:cnn|keras|neural networks?|deep learning|machine learning|ml|tensorflow|this course|the course)$/, '') : undefined;
}

/** A subject's content words, sorted and joined; undefined when there are none or too many. */
function subjectKey(subject: string): string | undefined {
  const words = [...new Set(analyze(subject).words)].filter((w) => !CONTEXT.has(w));
  if (words.length === 0 || words.length > MAX_SUBJECT_WORDS) return undefined;
  return words.sort().join(' ');
}

const cache = new WeakMap<KnowledgeEntry, Set<string>>();

/**
 * The subjects an entry defines: those of the first question of its title and
 * of each listed way of asking that is a definition question. "What are
 * features, labels and samples?" defines each of the three as well.
 */
export function definedSubjects(entry: KnowledgeEntry): Set<string> {
  let s = cache.get(entry);
  if (!s) {
    s = new Set<string>();
    for (const q of [entry.title, ...entry.questions]) {
      const raw = subjectText(q.split(/(?<=[?？])/)[0]);
      if (raw === undefined) continue;
      for (const part of [raw, ...raw.split(/\s*(?:、|,|・|と|\band\b|&|\/)\s*/)]) {
        const key = subjectKey(part);
        if (key) s.add(key);
      }
    }
    cache.set(entry, s);
  }
  return s;
}
