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
import { attemptOf, Conversations, type TaResponse } from './escalation/conversations.ts';
import { KnowledgeDrafts, learnFromResolutions, suggestTopics } from './escalation/drafts.ts';
import { EscalationStore } from './escalation/store.ts';
import { createSweeper, type Sweeper } from './escalation/sweeper.ts';
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
  /** TA responses per conversation, and which conversations went unanswered. */
  conversations: Conversations;
  /** Hands unanswered conversations to the TAs (started here, stopped by close()). */
  sweeper: Sweeper;
  /** Knowledge entries drafted from TAs' resolutions, to approve or reject. */
  drafts: KnowledgeDrafts;
  /**
   * A TA's response in a conversation (a reply by a member with the TA role,
   * a resolution): the first one is recorded with its time, and the sweeper
   * leaves the conversation alone from then on.
   */
  recordTaResponse(conversationKey: string, ta: Actor, at?: number): { response: TaResponse; first: boolean };
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
  /** How often the sweeper looks for unanswered conversations (default: from TASUKE_UNANSWERED_AFTER_S). */
  sweepIntervalMs?: number;
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
  const assistant = createAssistant({
    config,
    onLlmError: (message) => log.warn({ component: 'qa', llmError: message }, 'the LLM writer failed; the composed answer was used'),
    ...overrides.assistant,
  });
  const conversations = new Conversations(answers);
  const drafts = new KnowledgeDrafts(db, {
    knowledgeDir: config.knowledgeDir,
    suggestTopics: (question, lang, sources) => suggestTopics(assistant, question, lang, sources),
    refresh: () => assistant.refresh(),
  });
  const stopLearning = learnFromResolutions({ escalations, conversations, drafts, log });
  const sweeper = createSweeper({ conversations, escalations, afterMs: config.unansweredAfterS * 1000, intervalMs: overrides.sweepIntervalMs, log });
  sweeper.start();
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
    conversations,
    sweeper,
    drafts,
    recordTaResponse: (key, ta, at) => conversations.recordTaResponse(key, ta, at),
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
        sweeper.stop();
        stopLearning();
        try {
          await drafts.idle();
          await jobs.close();
        } finally {
          db.close();
        }
      })();
      return closed;
    },
  };
}
