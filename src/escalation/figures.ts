/**
 * The organizers' figures of a day, counted from SQLite (so every face's
 * questions count, and a restart forgets nothing): questions, answered by
 * tasuke, escalated, 👍 / 👎, the median time to a TA's first response, the
 * most-asked topics and the topics tasuke escalates most (the gaps in the
 * knowledge base).
 *
 * An escalated question has no sources, so its topic comes from a retrieval
 * of the question (`suggestTopics`), remembered per escalation: the figures
 * page is reloaded often and the questions do not change.
 */
import type { Assistant } from '../qa/assistant.ts';
import type { AnswerLog } from '../qa/answer-log.ts';
import { isTopicSlug, type TopicSlug } from '../qa/topics.ts';
import type { Conversations } from './conversations.ts';
import { suggestTopics } from './drafts.ts';
import type { EscalationStore } from './store.ts';
import type { EscalationReason } from './types.ts';

export interface TopicCount {
  topic: TopicSlug | 'none';
  count: number;
}

export interface DayFigures {
  /** The day: local midnight to the next, ms epoch. */
  from: number;
  to: number;
  questions: number;
  answered: number;
  /** Escalations filed that day, whatever the reason. */
  escalated: number;
  escalatedBy: Record<EscalationReason, number>;
  refused: number;
  helpful: number;
  notHelpful: number;
  /** TAs' first responses that day, and the median wait before them (null: none yet). */
  responses: number;
  medianFirstResponseS: number | null;
  mostAsked: TopicCount[];
  mostEscalated: TopicCount[];
  /** Questions and escalations per hour of the day (24 buckets). */
  byHour: { hour: number; questions: number; escalated: number }[];
}

/** Local midnight of the day `date` (YYYY-MM-DD) or of `now`, and the next midnight. */
export function dayRange(date?: string, now = Date.now()): { from: number; to: number; day: string } {
  let d: Date;
  const m = date ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  if (m) d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  else {
    d = new Date(now);
    d.setHours(0, 0, 0, 0);
  }
  const next = new Date(d);
  next.setDate(d.getDate() + 1);
  const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return { from: d.getTime(), to: next.getTime(), day };
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const top = (counts: Map<TopicCount['topic'], number>, n: number): TopicCount[] =>
  [...counts].map(([topic, count]) => ({ topic, count })).sort((a, b) => b.count - a.count || String(a.topic).localeCompare(String(b.topic))).slice(0, n);

export interface FiguresDeps {
  answers: AnswerLog;
  escalations: EscalationStore;
  conversations: Conversations;
  assistant: Assistant;
}

/** Figures for any day; topics of escalated questions are remembered between calls. */
export function createFigures(deps: FiguresDeps): { day(range: { from: number; to: number }): Promise<DayFigures> } {
  const topicOf = new Map<string, TopicSlug | 'none'>();
  const db = deps.answers.db;

  return {
    async day({ from, to }) {
      const answers = deps.answers.since(from).filter((a) => a.createdAt < to);
      const escalations = (
        db.prepare('SELECT id FROM escalations WHERE created_at >= ? AND created_at < ? ORDER BY created_at').all(from, to) as { id: string }[]
      )
        .map((r) => deps.escalations.get(r.id))
        .filter((e) => e !== undefined);
      const fb = db
        .prepare(`SELECT feedback, COUNT(*) AS n FROM answers WHERE feedback_at >= ? AND feedback_at < ? GROUP BY feedback`)
        .all(from, to) as { feedback: string; n: number }[];
      const responses = deps.conversations.responseSeconds(from, to);

      const escalatedBy: Record<EscalationReason, number> = { tasuke: 0, 'not-helpful': 0, asked: 0, unanswered: 0 };
      const escalatedTopics = new Map<TopicCount['topic'], number>();
      for (const e of escalations) {
        escalatedBy[e.reason]++;
        let t = topicOf.get(e.id);
        if (!t) {
          const found = await suggestTopics(deps.assistant, e.question, e.lang, e.attempt?.sources ?? []).catch(() => []);
          t = found[0] ?? 'none';
          topicOf.set(e.id, t);
        }
        escalatedTopics.set(t, (escalatedTopics.get(t) ?? 0) + 1);
      }

      // Most asked: the topic tasuke answered from, or the escalated topic for the questions it passed on.
      const asked = new Map<TopicCount['topic'], number>();
      for (const a of answers) {
        const t = a.contract.sources[0]?.topics[0];
        if (a.contract.action === 'answer' && isTopicSlug(t)) asked.set(t, (asked.get(t) ?? 0) + 1);
      }
      for (const [t, n] of escalatedTopics) if (t !== 'none') asked.set(t, (asked.get(t) ?? 0) + n);

      const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, questions: 0, escalated: 0 }));
      for (const a of answers) byHour[new Date(a.createdAt).getHours()].questions++;
      for (const e of escalations) byHour[new Date(e.createdAt).getHours()].escalated++;

      return {
        from,
        to,
        questions: answers.length,
        answered: answers.filter((a) => a.contract.action === 'answer').length,
        escalated: escalations.length,
        escalatedBy,
        refused: answers.filter((a) => a.contract.action === 'refuse').length,
        helpful: fb.find((r) => r.feedback === 'helpful')?.n ?? 0,
        notHelpful: fb.find((r) => r.feedback === 'not-helpful')?.n ?? 0,
        responses: responses.length,
        medianFirstResponseS: median(responses),
        mostAsked: top(asked, 8),
        mostEscalated: top(escalatedTopics, 8),
        byHour,
      };
    },
  };
}
