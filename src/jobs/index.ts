/**
 * The job system's entry point: `createJobQueue(config)` opens the backend
 * that `TASUKE_QUEUE` names, with the limits from the configuration. Every
 * line either backend logs passes through `redact` with the configuration's
 * secrets (the Redis password included).
 */
import type { Config } from '../config.ts';
import { secretsOf } from '../core/log.ts';
import { redact } from '../core/redact.ts';
import type { Db } from '../storage/db.ts';
import { EmbeddedJobQueue } from './embedded.ts';
import { RedisJobQueue } from './redis-queue.ts';
import type { JobQueue, SubmissionValidator } from './types.ts';
import type { RunCacheSettings } from './core.ts';
import { lessonRunKeyer } from './run-key.ts';
import { lessonValidator } from './validate.ts';

export interface JobQueueOverrides {
  /** Share an open database (the escalations use the same file). */
  db?: Db;
  validate?: SubmissionValidator;
  /** Overrides `jobTimeoutS` (tests use short limits; config allows 5 s at least). */
  timeoutMs?: number;
  graceMs?: number;
  /** Where log lines go (default stderr); they arrive redacted. */
  log?: (line: string) => void;
  /** Redis only: BullMQ queue name (default `tasuke-train`). */
  queueName?: string;
  /** The margin after the time limit by which a running job must have an outcome (default 60 s). */
  deadlineMarginMs?: number;
  /** How often deadlines, heartbeats and (Redis) missed events are checked (default 5 s). */
  sweepMs?: number;
  /** Redis only: the longest a submission waits for an unreachable queue (default 3 s). */
  submitWaitMs?: number;
  /** false: every submission trains (no run cache); otherwise overrides of the configured cache. */
  runCache?: false | Partial<RunCacheSettings>;
}

/**
 * Opens the job queue the configuration asks for: embedded (default) or
 * Redis. With Redis unreachable it still opens (the bot and the web keep
 * answering questions); submissions are refused with a bilingual message
 * until Redis can be reached, and the outage is logged once.
 */
export async function createJobQueue(config: Config, overrides: JobQueueOverrides = {}): Promise<JobQueue> {
  const t = config.training;
  const secrets = secretsOf(config);
  const sink = overrides.log ?? ((line: string) => console.error(line));
  const common = {
    dataDir: config.dataDir,
    db: overrides.db,
    timeoutMs: overrides.timeoutMs ?? t.jobTimeoutS * 1000,
    maxQueuedPerUser: t.maxQueuedPerUser,
    retentionDays: t.retentionDays,
    validate: overrides.validate ?? lessonValidator(config.lessonsDir),
    deadlineMarginMs: overrides.deadlineMarginMs,
    sweepMs: overrides.sweepMs,
    runCache:
      overrides.runCache === false || t.runCacheEntries === 0
        ? undefined
        : {
            keyer: lessonRunKeyer(config.lessonsDir, t.backend),
            maxEntries: t.runCacheEntries,
            maxBytes: t.runCacheMb * 1024 * 1024,
            ...overrides.runCache,
          },
    log: (line: string) => sink(redact(line, secrets)),
  };
  if (t.queue === 'redis') {
    return RedisJobQueue.open({
      ...common,
      redisUrl: t.redisUrl,
      queueName: overrides.queueName,
      submitWaitMs: overrides.submitWaitMs,
      secrets,
      startWithoutRedis: true,
    });
  }
  return EmbeddedJobQueue.open({ ...common, concurrency: t.concurrency, graceMs: overrides.graceMs, trainConfig: config });
}

export type { JobQueue, JobRecord, JobEvent, JobSubmission, JobState, QueueAvailability, SubmissionValidator } from './types.ts';
export { EmbeddedJobQueue } from './embedded.ts';
export { RedisJobQueue, RedisTrainingWorker } from './redis.ts';
export { newJobId } from './ids.ts';
