/**
 * Every question tasuke answered, in SQLite (the `answers` table of
 * tasuke.db): what was asked, by whom and where, what tasuke did, and the
 * asker's feedback. Faces keep only the answer's id (a Discord button, a web
 * form) and come back here, so feedback still works after a restart; the
 * organizers' figures are counted from it.
 */
import { shortId } from '../core/ids.ts';
import type { Lang } from '../core/lang.ts';
import { UserError } from '../core/errors.ts';
import type { Actor, EscalationOrigin } from '../escalation/types.ts';
import { migrate, type Db, type Migration } from '../storage/db.ts';
import type { AnswerContract } from './answer.ts';

export const ANSWER_MIGRATIONS: readonly Migration[] = [
  {
    id: 'answers-001-create',
    up: `CREATE TABLE answers (
      id TEXT PRIMARY KEY,
      question TEXT NOT NULL,
      lang TEXT NOT NULL,
      action TEXT NOT NULL,
      confidence REAL NOT NULL,
      contract TEXT NOT NULL,
      asker TEXT NOT NULL,
      origin TEXT NOT NULL,
      conversation TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      feedback TEXT CHECK (feedback IN ('helpful','not-helpful')),
      feedback_at INTEGER
    );
    CREATE INDEX answers_created ON answers (created_at);`,
  },
];

export type Feedback = 'helpful' | 'not-helpful';

export interface AnswerRecord {
  id: string;
  question: string;
  lang: Lang;
  contract: AnswerContract;
  asker: Actor;
  origin: EscalationOrigin;
  /** The conversation (thread, interaction) the answer belongs to: the escalation key. */
  conversation: string;
  createdAt: number;
  feedback?: Feedback;
  feedbackAt?: number;
}

interface Row {
  id: string;
  question: string;
  lang: Lang;
  contract: string;
  asker: string;
  origin: string;
  conversation: string;
  created_at: number;
  feedback: Feedback | null;
  feedback_at: number | null;
}

function toRecord(r: Row): AnswerRecord {
  const rec: AnswerRecord = {
    id: r.id,
    question: r.question,
    lang: r.lang,
    contract: JSON.parse(r.contract) as AnswerContract,
    asker: JSON.parse(r.asker) as Actor,
    origin: JSON.parse(r.origin) as EscalationOrigin,
    conversation: r.conversation,
    createdAt: r.created_at,
  };
  if (r.feedback !== null) rec.feedback = r.feedback;
  if (r.feedback_at !== null) rec.feedbackAt = r.feedback_at;
  return rec;
}

/** A short id for a button (`a-` and 10 characters). */
export function newAnswerId(): string {
  return shortId('a-', 10);
}

export function answerNotFound(id: string): UserError {
  return new UserError(
    'answer.not-found',
    { ja: 'この回答の記録が見つかりませんでした。もう一度質問してください。', en: 'I could not find this answer any more. Please ask again.' },
    { id },
  );
}

export class AnswerLog {
  constructor(readonly db: Db) {
    migrate(db, ANSWER_MIGRATIONS);
  }

  record(input: { contract: AnswerContract; asker: Actor; origin: EscalationOrigin; conversation: string }, now = Date.now()): AnswerRecord {
    const id = newAnswerId();
    const c = input.contract;
    this.db
      .prepare(
        `INSERT INTO answers (id, question, lang, action, confidence, contract, asker, origin, conversation, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        c.question.slice(0, 8000),
        c.lang,
        c.action,
        c.confidence,
        JSON.stringify({ ...c, question: c.question.slice(0, 8000) }),
        JSON.stringify(input.asker),
        JSON.stringify(input.origin),
        input.conversation,
        now,
      );
    return this.get(id)!;
  }

  get(id: string): AnswerRecord | undefined {
    const row = this.db.prepare('SELECT * FROM answers WHERE id = ?').get(id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Records the asker's feedback (the latest press wins). Throws a UserError for an unknown answer. */
  feedback(id: string, value: Feedback, now = Date.now()): AnswerRecord {
    const changed = this.db.prepare('UPDATE answers SET feedback = ?, feedback_at = ? WHERE id = ?').run(value, now, id).changes;
    if (changed !== 1) throw answerNotFound(id);
    return this.get(id)!;
  }

  /** Answers since `since` (ms epoch), oldest first. */
  since(since: number): AnswerRecord[] {
    return (this.db.prepare('SELECT * FROM answers WHERE created_at >= ? ORDER BY created_at, rowid').all(since) as Row[]).map(toRecord);
  }
}
