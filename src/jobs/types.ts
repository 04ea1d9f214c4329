/**
 * The job contract: what a face submits, what it can watch, what it gets back.
 * Both queue backends (embedded and BullMQ) implement `JobQueue`.
 */
import type { Bilingual } from '../core/lang.ts';
import type { EpochEvent, TrainRequest, TrainResult } from '../training/types.ts';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const FINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

export interface JobSubmission extends TrainRequest {
  userId: string;
}

/** Checks a submission before anything is stored; throws UserError for bad input. */
export type SubmissionValidator = (submission: JobSubmission) => void | Promise<void>;

/**
 * Why a job failed. `worker-crashed`: the worker child process died during the
 * run; `worker-lost`: the worker (a `tasuke worker` process or machine) stopped
 * answering, or no result came back by the job's deadline; `queue-lost`: the
 * queue (Redis) lost the job or could not be reached until its deadline;
 * `restart`: the process running it was stopped or restarted.
 */
export interface JobError {
  code: 'nan' | 'timeout' | 'worker-crashed' | 'worker-lost' | 'queue-lost' | 'restart' | 'invalid' | 'internal';
  message: Bilingual;
}

export interface JobRecord {
  id: string;
  state: JobState;
  submission: JobSubmission;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** The latest epoch event of the running job. */
  progress?: EpochEvent;
  result?: TrainResult;
  /** Rendered chart (PNG) and the plain-language reading, in the submitter's language. */
  chartPath?: string;
  reading?: string;
  error?: JobError;
  /** Something the participant should know about a finished job (e.g. its chart could not be saved). */
  notice?: Bilingual;
}

export type JobEvent =
  | { type: 'state'; job: JobRecord }
  | { type: 'progress'; jobId: string; event: EpochEvent };

/** Whether a queue takes submissions now, and if not, what to tell people. */
export interface QueueAvailability {
  available: boolean;
  /** Since when (ms since the epoch) the queue has been in this state. */
  since: number;
  /** Present when unavailable: why, in both languages. */
  message?: Bilingual;
}

export interface JobQueue {
  /**
   * Validates and enqueues; throws UserError for bad parameters, per-user
   * limits, and (`jobs.queue-unavailable`) a queue that cannot take jobs now.
   */
  submit(submission: JobSubmission): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | undefined>;
  list(filter?: { userId?: string; states?: JobState[] }): Promise<JobRecord[]>;
  /** Cancels a queued or running job; `userId` (if given) must own it. */
  cancel(id: string, userId?: string): Promise<JobRecord>;
  /** Subscribes to events; returns an unsubscribe function. */
  subscribe(listener: (event: JobEvent) => void): () => void;
  /** Resolves when the job reaches a final state. */
  waitFor(id: string, timeoutMs?: number): Promise<JobRecord>;
  /** Whether training can be submitted now (faces say so instead of offering /train). */
  availability?(): QueueAvailability;
  close(): Promise<void>;
}
