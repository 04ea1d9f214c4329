/**
 * The question-answering core: `createAssistant({config})` returns an object
 * whose `ask(question)` gives the answer contract. The index is opened (and
 * rebuilt if stale) once, on the first question or on `ready()`.
 */
import type { Config } from '../config.ts';
import { detectLang, detectOtherLanguage, type Lang } from '../core/lang.ts';
import {
  composeAnswer,
  composeHint,
  lessonRef,
  selectEntries,
  sourceRef,
  type AnswerContract,
  type Selection,
} from './answer.ts';
import { openIndex, type QaIndex } from './index-store.ts';
import { createLlmWriter, type LlmWriter } from './llm.ts';
import { assessmentTopicText, decide, isAbusive, messageFor, otherLanguageNote, screen, type Reason } from './policy.ts';
import { retrieve, type Retrieval } from './retrieve.ts';
import { TOPIC_CONCEPTS, type TopicSlug } from './topics.ts';

export interface AskOptions {
  /** Forces the answer language (otherwise detected from the question). */
  lang?: Lang;
}

/** What happened behind an answer; not part of the contract. */
export interface AskTrace {
  reason: Reason;
  topic?: TopicSlug;
  /** The text that was retrieved with (long pastes are focused). */
  focus: string;
  llm: 'none' | 'used' | 'failed';
  llmError?: string;
}

export interface Assistant {
  ready(): Promise<QaIndex>;
  ask(question: string, opts?: AskOptions): Promise<AnswerContract>;
  askTraced(question: string, opts?: AskOptions): Promise<{ contract: AnswerContract; trace: AskTrace }>;
}

export interface AssistantDeps {
  config: Pick<Config, 'dataDir' | 'knowledgeDir' | 'qa'>;
  /** An already opened index (tests, benchmarks). */
  index?: QaIndex;
  /** Replaces the LLM writer built from config.qa.llm. */
  llm?: LlmWriter | null;
}

export function createAssistant(deps: AssistantDeps): Assistant {
  const { config } = deps;
  let indexPromise: Promise<QaIndex> | undefined = deps.index ? Promise.resolve(deps.index) : undefined;
  const ready = () => (indexPromise ??= openIndex(config));
  const llm = deps.llm !== undefined ? deps.llm : config.qa.llm ? createLlmWriter(config.qa.llm) : null;

  async function askTraced(question: string, opts: AskOptions = {}) {
    const q = typeof question === 'string' ? question : String(question ?? '');
    const other = opts.lang ? undefined : detectOtherLanguage(q);
    const lang = opts.lang ?? detectLang(q, 'ja');
    const s = screen(q);
    const base = { question: q, lang };
    const out = (
      action: AnswerContract['action'],
      answer: string,
      confidence: number,
      extra: Partial<AnswerContract>,
      trace: Omit<AskTrace, 'focus' | 'llm'> & Partial<AskTrace>,
    ) => ({
      contract: { ...base, action, answer, confidence, sources: [], lesson: null, ...extra } as AnswerContract,
      trace: { focus: s.focus, llm: 'none' as const, ...trace },
    });

    if (s.verdict === 'refuse') return out('refuse', messageFor(s.reason, lang, s.detail), 0, {}, { reason: s.reason });
    if (s.verdict === 'escalate') return out('escalate', messageFor(s.reason, lang, s.detail), 0, {}, { reason: s.reason });
    // Thanks or a greeting: a short friendly reply, grounded in nothing, so no sources.
    if (s.verdict === 'social') return out('answer', messageFor('social', lang, s.detail), 1, {}, { reason: 'social' });

    const index = await ready();
    const r: Retrieval = await retrieve(index, s.verdict === 'assessment' ? assessmentTopicText(s.focus) : s.focus, lang);
    const sel: Selection | undefined = selectEntries(r, lang);

    if (s.verdict === 'assessment') {
      // Only a concept the question clearly names earns an entry's hint: a
      // confident match on a topic whose own concepts the question names. A
      // weak or vague match ("the model part") would be a random entry, so
      // the hint stays generic then.
      const named = (t: TopicSlug) => TOPIC_CONCEPTS[t]?.some((c) => r.concepts.includes(c)) ?? false;
      const clear = sel && r.confidence >= config.qa.answerThreshold && named(sel.topic) ? sel : undefined;
      return out('answer', composeHint(clear, lang), r.confidence, {
        sources: clear ? [sourceRef(clear.primary)] : [],
        lesson: lessonRef(clear?.primary.entry),
      }, { reason: 'assessment-hint', topic: clear?.topic });
    }

    const d = decide(sel ? r.confidence : 0, config.qa.answerThreshold);
    if ((d.action !== 'answer' || !sel) && isAbusive(s.focus)) {
      return out('refuse', messageFor('abuse', lang), r.confidence, {}, { reason: 'abuse', topic: r.topics[0]?.topic });
    }
    if (d.action !== 'answer' || !sel) {
      const reason: Reason = other ? 'other-language' : 'low-confidence';
      return out('escalate', messageFor(reason, lang, other), r.confidence, {}, {
        reason,
        topic: r.topics[0]?.topic,
      });
    }
    const cited = [sel.primary, ...sel.related.filter((x) => x.score >= sel.primary.score * 0.5).slice(0, 2)];
    const sources = cited.map(sourceRef);
    let answer = composeAnswer(sel, lang);
    if (other) answer = `${otherLanguageNote(other)}\n\n${answer}`;
    let llmState: AskTrace['llm'] = 'none';
    let llmError: string | undefined;
    if (llm) {
      try {
        answer = await llm.write(q, lang, cited.map((c) => c.entry));
        llmState = 'used';
      } catch (err) {
        // The composed answer stands in; the question is still answered.
        llmState = 'failed';
        llmError = (err as Error).message;
      }
    }
    return out('answer', answer, r.confidence, { sources, lesson: lessonRef(sel.primary.entry) }, {
      reason: 'answered',
      topic: sel.topic,
      llm: llmState,
      llmError,
    });
  }

  return {
    ready,
    askTraced,
    async ask(question, opts) {
      return (await askTraced(question, opts)).contract;
    },
  };
}
