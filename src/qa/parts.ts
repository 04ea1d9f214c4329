/**
 * Questions that ask two things at once ("why are they different, and what
 * seed does Keras use by default?", 「…なぜ？あと、自動保存される？」): the
 * best entry answers one part, and the other part often belongs to another
 * entry. Each part the answer leaves uncovered is retrieved on its own, and
 * the best paragraph for it joins the answer right after the lead, with its
 * entry among the sources. Nothing is added unless it is a confident answer
 * to that part and holds what the part asks.
 */
import type { Lang } from '../core/lang.ts';
import { selectEntries } from './answer.ts';
import { definitionSubject } from './definitions.ts';
import type { QaIndex } from './index-store.ts';
import { answerCoverage, passageCandidates, selectPassages, type Passage } from './passages.ts';
import { retrieve } from './retrieve.ts';
import { analyze, normalize } from './text.ts';
import type { TopicSlug } from './topics.ts';

/** A part whose words the shown answer holds at least this share of (idf-weighted) is answered. */
const PART_COVERED = 0.5;

/** The paragraph added for a part must hold at least this share of the part's words… */
const PART_MIN_COVERAGE = 0.5;

/** …and this much more than the answer already did. */
const PART_GAIN = 0.25;

/** At most this many paragraphs are added for other parts. */
const MAX_ADDED = 2;

/** A part needs this many content words to be a question of its own ("why?" alone is not). */
const MIN_PART_WORDS = 2;

const ASKING = String.raw`(?:what|how|why|which|when|where|who|does|do|did|is|are|was|were|can|could|should|will|would|whats|what's)\b`;

const ASKS = new RegExp(String.raw`[?？]|知りたい|教えて|ですか|ますか|でしょうか|のでは|かな|なぜ|なんで|どう(し|や|な|す)|^\s*(?:and\s+)?${ASKING}|\b(?:what|how|why|which|when|where|who)\b`, 'i');

/**
 * The parts of a question, in order: split at question marks, at "and" / "also"
 * / "/" before a new question word, and at あと・それと・ついでに・また after a
 * sentence. Pasted code and tracebacks are never split. One part when the
 * question asks one thing.
 */
export function questionParts(question: string): string[] {
  const text = question.normalize('NFKC').trim();
  if (/```|Traceback|^\s*(model\.|from |import )/m.test(text)) return [text];
  const pieces = text
    .split(/(?<=[?？])\s*/)
    .flatMap((p) => p.split(new RegExp(String.raw`\s*(?:,\s*|;\s*|\s)(?:and(?: also)?|also|plus)\s+(?=${ASKING}|(?:if|whether)\b)|\s+/\s+(?=${ASKING})`, 'i')))
    .flatMap((p) => p.split(/(?<=[。？?、])\s*(?=(?:あと|それと|それから|ついでに|また|さらに)[、,\s])/))
    .map((p) => p.trim())
    .filter(Boolean);
  // (A Japanese word carries more than an English one: 「エポックって何？」 is a question of its own.)
  const parts = pieces.filter((p) => analyze(normalize(p)).words.length >= (/[\u3040-\u30ff\u4e00-\u9fff]/.test(p) ? 1 : MIN_PART_WORDS));
  return parts.length >= 2 ? parts : [text];
}

/**
 * Paragraphs for the parts of the question the answer does not cover yet, one
 * per part at most (an entry's lead paragraph: a later one leans on what its
 * entry said before it).
 * `shown` are the passages already in the answer; `computed` the results
 * computed from the asker's numbers (a part they cover, or about their topic,
 * is answered). Entries already shown are not added again; `context` are the
 * entries retrieved for the whole question, the only ones a part may add.
 */
export async function answerOtherParts(
  index: QaIndex,
  question: string,
  lang: Lang,
  shown: Passage[],
  computed: { text: string; topic?: TopicSlug }[],
  threshold: number,
  shownIds: string[],
  context: string[],
): Promise<Passage[]> {
  const parts = questionParts(question);
  if (parts.length < 2) return [];
  const added: Passage[] = [];
  const ids = new Set(shownIds);
  for (const part of parts) {
    if (added.length >= MAX_ADDED) break;
    // Only a part that asks something is answered: "スペースないけど" is a remark on the rest.
    if (!ASKS.test(part)) continue;
    const now = [...shown, ...added];
    const covered = now.length || computed.length ? answerCoverage(index, part, now, computed.map((c) => c.text)) : 0;
    if (covered >= PART_COVERED) continue;
    const r = await retrieve(index, part, lang);
    const sel = selectEntries(r, lang, definitionSubject(part));
    if (!sel || r.confidence < threshold || sel.primary.entry.lang !== lang) continue;
    if (computed.some((c) => c.topic === sel.topic)) continue;
    const [best] = selectPassages(index, part, passageCandidates(sel.primary, sel.related, sel.topic), { budget: 600, max: 1 });
    // A part read alone loses what the rest of the question says ("sigmoidでもいい？" after a softmax question):
    // its entry must also be among those retrieved for the whole question.
    if (!best || best.at !== 0 || ids.has(best.source.entry.id) || !context.includes(best.source.entry.id)) continue;
    const gain = answerCoverage(index, part, [best]);
    if (gain < PART_MIN_COVERAGE || gain < covered + PART_GAIN) continue;
    ids.add(best.source.entry.id);
    added.push(best);
  }
  return added;
}
