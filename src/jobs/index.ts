/**
 * The job system's entry point: `createJobQueue(config)` opens the backend
 * that `TASUKE_QUEUE` names, with the limits from the configuration.
 */
import type { Config } from '../config.ts';
import type { Db } from '../storage/db.ts';
import { EmbeddedJobQueue, type SubmissionValidator } from './embedded.ts';
import { RedisJobQueue } from './redis.ts';
import type { JobQueue } from './types.ts';
import { lessonValidator } from './validate.ts';

export interface JobQueueOverrides {
  /** Share an open database (the escalations use the same file). */
  db?: Db;
  validate?: SubmissionValidator;
  /** Overrides `jobTimeoutS` (tests use short limits; config allows 5 s at least). */
  timeoutMs?: number;
  graceMs?: number;
  log?: (line: string) => void;
  /** Redis only: BullMQ queue name (default `tasuke-train`). */
  queueName?: string;
}

/** Opens the job queue the configuration asks for: embedded (default) or Redis. */
export async function createJobQueue(config: Config, overrides: JobQueueOverrides = {}): Promise<JobQueue> {
  const t = config.training;
  const common = {
    dataDir: config.dataDir,
    db: overrides.db,
    timeoutMs: overrides.timeoutMs ?? t.jobTimeoutS * 1000,
    maxQueuedPerUser: t.maxQueuedPerUser,
    validate: overrides.validate ?? lessonValidator(config.lessonsDir),
    log: overrides.log,
  };
  if (t.queue === 'redis') {
    return RedisJobQueue.open({ ...common, redisUrl: t.redisUrl, queueName: overrides.queueName });
  }
  return EmbeddedJobQueue.open({ ...common, concurrency: t.concurrency, graceMs: overrides.graceMs, trainConfig: config });
}

export type { JobQueue, JobRecord, JobEvent, JobSubmission, JobState } from './types.ts';
export { EmbeddedJobQueue } from './embedded.ts';
export { RedisJobQueue, RedisTrainingWorker } from './redis.ts';
