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

export interface JobError {
  code: 'nan' | 'timeout' | 'worker-crashed' | 'restart' | 'invalid' | 'internal';
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
}

export type JobEvent =
  | { type: 'state'; job: JobRecord }
  | { type: 'progress'; jobId: string; event: EpochEvent };

export interface JobQueue {
  /** Validates and enqueues; throws UserError for bad parameters or per-user limits. */
  submit(submission: JobSubmission): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | undefined>;
  list(filter?: { userId?: string; states?: JobState[] }): Promise<JobRecord[]>;
  /** Cancels a queued or running job; `userId` (if given) must own it. */
  cancel(id: string, userId?: string): Promise<JobRecord>;
  /** Subscribes to events; returns an unsubscribe function. */
  subscribe(listener: (event: JobEvent) => void): () => void;
  /** Resolves when the job reaches a final state. */
  waitFor(id: string, timeoutMs?: number): Promise<JobRecord>;
  close(): Promise<void>;
}
