/**
 * The composition root: `openServices(config)` opens, once per process, what
 * every face shares: the assistant (question answering), the training job
 * queue, the lessons, the escalations and the one SQLite file, plus the
 * per-person limits and the logger. `tasuke serve` and the CLI build on it;
 * `close()` shuts them down in order (queue first, then the database).
 *
 * Faces translate a person's action into one call here and render the
 * result; nothing in this module knows about Discord, HTTP or terminals.
 */
import type { Config } from './config.ts';
import { createLogger, type Logger } from './core/log.ts';
import type { Lang } from './core/lang.ts';
import { createRateLimiter, type RateLimiter } from './core/rate-limit.ts';
import { EscalationStore } from './escalation/store.ts';
import type { Actor, Escalation, EscalationOrigin, EscalationReason } from './escalation/types.ts';
import { createJobQueue, type JobQueueOverrides } from './jobs/index.ts';
import type { JobQueue } from './jobs/types.ts';
import type { AnswerContract } from './qa/answer.ts';
import { AnswerLog, answerNotFound, type AnswerRecord, type Feedback } from './qa/answer-log.ts';
import { createAssistant, type Assistant, type AssistantDeps } from './qa/assistant.ts';
import { databasePath, openDatabase, type Db } from './storage/db.ts';
import type { Lesson } from './training/lesson.ts';
import { loadLesson, loadLessons } from './training/lessons.ts';

/** The lessons that can be trained, loaded once (no TensorFlow: lessons import types only). */
export interface LessonCatalog {
  list(): Promise<Lesson[]>;
  get(id: string): Promise<Lesson>;
}

/** Where a question came from and who asked, for filing an escalation. */
export interface AskContext {
  lang?: Lang;
  asker: Actor;
  origin: EscalationOrigin;
  /** Identifies the conversation (a thread, a message): one escalation per key. */
  key: string;
}

export interface Services {
  config: Config;
  log: Logger;
  db: Db;
  assistant: Assistant;
  jobs: JobQueue;
  lessons: LessonCatalog;
  escalations: EscalationStore;
  answers: AnswerLog;
  limits: { ask: RateLimiter; train: RateLimiter };
  /**
   * Asks the assistant and records the answer (its id is what a face keeps,
   * e.g. in a button); when the action is `escalate`, files the escalation
   * (once per `ctx.key`) and returns it beside the answer.
   */
  ask(question: string, ctx: AskContext): Promise<{ contract: AnswerContract; answer: AnswerRecord; escalation?: Escalation; created?: boolean }>;
  /**
   * The asker's 👍 / 👎 on a recorded answer. 👎 hands the question to a TA
   * (reason `not-helpful`, once per conversation) and returns the escalation.
   */
  feedback(answerId: string, value: Feedback): { answer: AnswerRecord; escalation?: Escalation; created?: boolean };
  /** "Ask a TA" on a recorded answer: files the escalation (reason `asked`) once per conversation. */
  askTa(answerId: string): { answer: AnswerRecord; escalation: Escalation; created: boolean };
  /** Hands a question to a TA on a person's request (👎, "Ask a TA", /escalate, the sweeper). */
  escalate(input: {
    reason: EscalationReason;
    question: string;
    lang: Lang;
    attempt?: AnswerContract;
    asker: Actor;
    origin: EscalationOrigin;
    key: string;
  }): { escalation: Escalation; created: boolean };
  close(): Promise<void>;
}

export interface ServiceOverrides {
  log?: Logger;
  /** Replaces parts of the assistant (an opened index, an LLM writer). */
  assistant?: Omit<AssistantDeps, 'config'>;
  jobs?: JobQueueOverrides;
}

/** What an escalation keeps of tasuke's attempt. */
function attemptOf(c: AnswerContract): Escalation['attempt'] {
  return { action: c.action, answer: c.answer, confidence: c.confidence, sources: c.sources.map((s) => s.id) };
}

export async function openServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const log = overrides.log ?? createLogger(config);
  const db = openDatabase(databasePath(config.dataDir));
  let jobs: JobQueue;
  try {
    jobs = await createJobQueue(config, {
      db,
      log: (line) => log.info({ component: 'jobs' }, line),
      ...overrides.jobs,
    });
  } catch (err) {
    db.close();
    throw err;
  }
  const escalations = new EscalationStore(db);
  const answers = new AnswerLog(db);
  const assistant = createAssistant({ config, ...overrides.assistant });
  let lessonList: Promise<Lesson[]> | undefined;
  const lessons: LessonCatalog = {
    list: () => {
      lessonList ??= loadLessons(config.lessonsDir);
      lessonList.catch(() => (lessonList = undefined));
      return lessonList;
    },
    get: (id) => loadLesson(id, config.lessonsDir),
  };
  const limits = {
    ask: createRateLimiter(config.limits.askPerMinute, { ja: '質問', en: 'ask' }),
    train: createRateLimiter(config.limits.trainPerMinute, { ja: '学習の投入', en: 'start training' }),
  };

  const escalate: Services['escalate'] = (input) =>
    escalations.open({
      reason: input.reason,
      question: input.question,
      lang: input.lang,
      attempt: input.attempt ? attemptOf(input.attempt) : undefined,
      asker: input.asker,
      origin: input.origin,
      key: input.key,
    });

  const fromAnswer = (a: AnswerRecord, reason: EscalationReason) =>
    escalate({ reason, question: a.question, lang: a.lang, attempt: a.contract, asker: a.asker, origin: a.origin, key: a.conversation });

  let closed: Promise<void> | undefined;
  return {
    config,
    log,
    db,
    assistant,
    jobs,
    lessons,
    escalations,
    limits,
    answers,
    async ask(question, ctx) {
      const contract = await assistant.ask(question, { lang: ctx.lang });
      const answer = answers.record({ contract, asker: ctx.asker, origin: ctx.origin, conversation: ctx.key });
      if (contract.action !== 'escalate') return { contract, answer };
      const { escalation, created } = escalate({
        reason: 'tasuke',
        question,
        lang: contract.lang,
        attempt: contract,
        asker: ctx.asker,
        origin: ctx.origin,
        key: ctx.key,
      });
      return { contract, answer, escalation, created };
    },
    feedback(answerId, value) {
      const answer = answers.feedback(answerId, value);
      if (value !== 'not-helpful') return { answer };
      return { answer, ...fromAnswer(answer, 'not-helpful') };
    },
    askTa(answerId) {
      const answer = answers.get(answerId);
      if (!answer) throw answerNotFound(answerId);
      return { answer, ...fromAnswer(answer, 'asked') };
    },
    escalate,
    close() {
      closed ??= (async () => {
        try {
          await jobs.close();
        } finally {
          db.close();
        }
      })();
      return closed;
    },
  };
}
