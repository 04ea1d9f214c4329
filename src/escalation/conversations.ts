/**
 * Conversations: what the sweeper needs to know about a help thread or a web
 * chat, kept in SQLite so that it survives restarts. A conversation is the
 * set of answers sharing one key (`AnswerRecord.conversation`, which is also
 * the escalation key); its questions and 👍 already live in the `answers`
 * table, so the only new state is a TA's first response (`ta_responses`).
 *
 * A conversation is overdue when its latest question is older than the limit,
 * no TA has responded in it, no 👍 came after that question, it has not been
 * escalated, and it holds at least one real question (tasuke did not refuse
 * every message: spam and injections are no question for a TA).
 */
import { migrate, type Db, type Migration } from '../storage/db.ts';
import type { AnswerContract } from '../qa/answer.ts';
import type { AnswerLog, AnswerRecord } from '../qa/answer-log.ts';
import { ESCALATION_MIGRATIONS } from './store.ts';
import type { Actor, Escalation } from './types.ts';

export const CONVERSATION_MIGRATIONS: readonly Migration[] = [
  {
    id: 'conversations-001-ta-responses',
    up: `CREATE TABLE ta_responses (
      conversation TEXT PRIMARY KEY,
      ta TEXT NOT NULL,
      at INTEGER NOT NULL,
      recorded_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS answers_conversation ON answers (conversation, created_at);`,
  },
];

/** What an escalation keeps of tasuke's attempt (the same shape for every reason). */
export function attemptOf(c: AnswerContract): NonNullable<Escalation['attempt']> {
  return { action: c.action, answer: c.answer, confidence: c.confidence, sources: c.sources.map((s) => s.id) };
}

/** A TA's first response in a conversation. */
export interface TaResponse {
  conversation: string;
  ta: Actor;
  at: number;
}

/** A conversation the sweeper found overdue: its latest answer carries the question to hand on. */
export interface OverdueConversation {
  key: string;
  lastQuestionAt: number;
}

export class Conversations {
  readonly db: Db;

  /** `answers` owns the answers table (created by its constructor); this adds an index to it. */
  constructor(private readonly log: AnswerLog) {
    this.db = log.db;
    // The queries join the escalations; their table may not be open yet in this process.
    migrate(this.db, ESCALATION_MIGRATIONS);
    migrate(this.db, CONVERSATION_MIGRATIONS);
  }

  /**
   * Records a TA's response in a conversation (a reply in a Discord thread by
   * a member with the TA role, a resolution on the dashboard). Only the first
   * counts; returns it, and whether this call recorded it. The escalation of
   * the conversation, if any, gets a timestamped `ta-response` event in the
   * same transaction.
   */
  recordTaResponse(conversation: string, ta: Actor, at = Date.now()): { response: TaResponse; first: boolean } {
    if (!conversation) throw new Error('recordTaResponse needs a conversation key.');
    const tx = this.db.transaction(() => {
      const first =
        this.db
          .prepare('INSERT OR IGNORE INTO ta_responses (conversation, ta, at, recorded_at) VALUES (?, ?, ?, ?)')
          .run(conversation, JSON.stringify({ id: ta.id, name: ta.name }), at, Date.now()).changes === 1;
      if (first) {
        const esc = this.db.prepare('SELECT id FROM escalations WHERE key = ?').get(conversation) as { id: string } | undefined;
        if (esc) {
          this.db
            .prepare('INSERT INTO escalation_events (escalation_id, at, kind, actor, detail) VALUES (?, ?, ?, ?, ?)')
            .run(esc.id, at, 'ta-response', JSON.stringify(ta), null);
        }
      }
      return first;
    });
    const first = tx.immediate();
    return { response: this.firstResponse(conversation)!, first };
  }

  firstResponse(conversation: string): TaResponse | undefined {
    const r = this.db.prepare('SELECT conversation, ta, at FROM ta_responses WHERE conversation = ?').get(conversation) as
      | { conversation: string; ta: string; at: number }
      | undefined;
    return r ? { conversation: r.conversation, ta: JSON.parse(r.ta) as Actor, at: r.at } : undefined;
  }

  /** The conversation key an escalation was filed under (its idempotency key). */
  keyOf(escalationId: string): string | undefined {
    return (this.db.prepare('SELECT key FROM escalations WHERE id = ?').get(escalationId) as { key: string } | undefined)?.key;
  }

  /** The answers of a conversation, oldest first. */
  answers(conversation: string): AnswerRecord[] {
    const rows = this.db.prepare('SELECT id FROM answers WHERE conversation = ? ORDER BY created_at, rowid').all(conversation) as { id: string }[];
    // The answer log owns the row format: read the records through it.
    return rows.map((r) => this.log.get(r.id)).filter((a): a is AnswerRecord => a !== undefined);
  }

  /**
   * The answers, oldest first, of every conversation whose key starts with
   * `prefix` (one asker's conversations on a face that keys them so, e.g. a
   * browser's web chats), since `since`, at most the latest `limit`.
   */
  recentAnswers(prefix: string, since: number, limit = 50): AnswerRecord[] {
    const rows = this.db
      .prepare(
        `SELECT id FROM answers WHERE substr(conversation, 1, ?) = ? AND created_at >= ?
         ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      )
      .all(prefix.length, prefix, since, Math.max(1, Math.min(limit, 1000))) as { id: string }[];
    return rows
      .reverse()
      .map((r) => this.log.get(r.id))
      .filter((a): a is AnswerRecord => a !== undefined);
  }

  /**
   * Conversations whose latest question is between `now - maxAgeMs` and
   * `now - afterMs` and that are still unanswered (see the module comment).
   * The lower bound keeps a server started the next morning from handing the
   * TAs every conversation of the day before.
   */
  overdue(now: number, afterMs: number, maxAgeMs = 24 * 3600_000): OverdueConversation[] {
    const rows = this.db
      .prepare(
        `SELECT a.conversation AS key, MAX(a.created_at) AS last_at
         FROM answers a
         WHERE a.created_at >= @oldest
         GROUP BY a.conversation
         HAVING MAX(a.created_at) <= @deadline
           AND SUM(CASE WHEN a.action != 'refuse' THEN 1 ELSE 0 END) > 0
           AND COALESCE(MAX(CASE WHEN a.feedback = 'helpful' THEN a.feedback_at END), -1) < MAX(a.created_at)
           AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.key = a.conversation)
           AND NOT EXISTS (SELECT 1 FROM ta_responses r WHERE r.conversation = a.conversation)
         ORDER BY last_at`,
      )
      .all({ oldest: now - maxAgeMs, deadline: now - afterMs }) as { key: string; last_at: number }[];
    return rows.map((r) => ({ key: r.key, lastQuestionAt: r.last_at }));
  }

  /** The latest answer of a conversation that was not a refusal: the question a TA should see. */
  lastQuestion(conversation: string): AnswerRecord | undefined {
    const row = this.db
      .prepare(`SELECT id FROM answers WHERE conversation = ? AND action != 'refuse' ORDER BY created_at DESC, rowid DESC LIMIT 1`)
      .get(conversation) as { id: string } | undefined;
    return row ? this.log.get(row.id) : undefined;
  }

  /**
   * Seconds from the moment a question became a TA's to answer to the TA's
   * first response, for responses recorded in [from, to). That moment is the
   * question itself when tasuke escalated at once, when the sweeper found it
   * unanswered, or when there is no escalation (a TA replied in the thread
   * first); it is the press of 👎 / "Ask a TA" otherwise.
   */
  responseSeconds(from: number, to: number): number[] {
    const rows = this.db
      .prepare(
        `SELECT r.conversation, r.at, e.reason, e.created_at AS escalated_at
         FROM ta_responses r LEFT JOIN escalations e ON e.key = r.conversation
         WHERE r.at >= ? AND r.at < ?`,
      )
      .all(from, to) as { conversation: string; at: number; reason: string | null; escalated_at: number | null }[];
    const lastQuestionBefore = this.db.prepare('SELECT MAX(created_at) AS t FROM answers WHERE conversation = ? AND created_at <= ?');
    const out: number[] = [];
    for (const r of rows) {
      let start: number | null;
      if (r.reason === 'not-helpful' || r.reason === 'asked') start = r.escalated_at;
      else {
        const bound = r.escalated_at !== null ? Math.min(r.escalated_at, r.at) : r.at;
        start = (lastQuestionBefore.get(r.conversation, bound) as { t: number | null }).t ?? r.escalated_at;
      }
      if (start !== null && r.at >= start) out.push((r.at - start) / 1000);
    }
    return out;
  }
}
