/**
 * The embedded job queue (the default): jobs wait in this process, run in
 * worker child processes (`ChildPool`), and their records live in SQLite
 * through the submitting core (core.ts). After a restart, jobs whose owner is
 * gone (checked by owner instance, pid and process start time, so a reused
 * pid does not keep a dead job alive) are failed with code 'restart'; queued
 * jobs run.
 */
import type { Config } from '../config.ts';
import { SubmitCore, type CoreOptions } from './core.ts';
import { internalError, restartError, storageUnavailable, workerLostError } from './messages.ts';
import { settle } from './outcome.ts';
import { ChildPool } from './runner.ts';
import type { JobQueue, JobRecord, JobState, JobSubmission, QueueAvailability } from './types.ts';

export { newJobId } from './ids.ts';
export type { SubmissionValidator } from './types.ts';

export interface EmbeddedQueueOptions extends Omit<CoreOptions, 'log'> {
  concurrency: number;
  /** How long a cancelled job may take to stop before its child is killed (default 5 s). */
  graceMs?: number;
  /** Configuration handed to the trainer in the children (backend, lessons folder). */
  trainConfig?: Config;
  /** Environment of the worker children. */
  childEnv?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export class EmbeddedJobQueue implements JobQueue {
  private readonly core: SubmitCore;
  private readonly pool: ChildPool;
  private pending: string[] = [];
  private running = new Map<string, AbortController>();
  private closed = false;

  private constructor(private readonly opts: EmbeddedQueueOptions) {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) {
      throw new Error(`EmbeddedJobQueue: concurrency must be an integer >= 1, got ${opts.concurrency}`);
    }
    this.core = new SubmitCore({ ...opts, log: opts.log ?? ((l) => console.error(l)) });
    this.pool = new ChildPool({ keepIdle: opts.concurrency, graceMs: opts.graceMs, env: opts.childEnv });
  }

  /** Opens the queue: fails the jobs a dead owner left running, then starts the queued jobs. */
  static open(opts: EmbeddedQueueOptions): EmbeddedJobQueue {
    const q = new EmbeddedJobQueue(opts);
    q.failOrphans();
    q.pending = q.core.store.queuedIds();
    q.core.start({ overdue: (rec) => q.overdue(rec), sweep: () => q.sweep(), dispatch: (rec) => q.dispatch(rec) });
    q.pump();
    return q;
  }

  async submit(submission: JobSubmission): Promise<JobRecord> {
    this.core.assertOpen();
    const record = await this.core.admit(submission);
    // Served from an identical finished run, or waiting for one in flight.
    if (this.core.hold(record)) return record;
    this.pending.push(record.id);
    this.core.announce(record);
    this.pump();
    // The record as submitted; the job may already have started.
    return record;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return this.core.get(id);
  }

  async list(filter?: { userId?: string; states?: JobState[] }): Promise<JobRecord[]> {
    return this.core.list(filter);
  }

  async cancel(id: string, userId?: string): Promise<JobRecord> {
    this.core.assertOpen();
    const rec = this.core.cancellable(id, userId);
    if (this.core.cancelServed(id)) return this.core.get(id)!;
    if (rec.state === 'queued' && this.core.end(id, { state: 'cancelled' }, ['queued'])) {
      this.pending = this.pending.filter((p) => p !== id);
      return this.core.get(id)!;
    }
    const controller = this.running.get(id);
    if (!controller) {
      // Running, but not here: its owner is another live process (the same db shared) or gone.
      if (this.core.orphans().some((o) => o.id === id) && this.core.end(id, { state: 'cancelled' }, ['running'])) {
        return this.core.get(id)!;
      }
      throw new Error(`Job ${id} is running in another process; cancel it there.`);
    }
    const finished = this.core.waitFor(id);
    controller.abort();
    return finished;
  }

  subscribe(listener: Parameters<JobQueue['subscribe']>[0]): () => void {
    return this.core.subscribe(listener);
  }

  waitFor(id: string, timeoutMs?: number): Promise<JobRecord> {
    return this.core.waitFor(id, timeoutMs);
  }

  /** Unavailable only while the disk refuses new jobs. */
  availability(): QueueAvailability {
    const s = this.core.storage;
    return s.down ? { available: false, since: s.since!, message: storageUnavailable().messages } : { available: true, since: 0 };
  }

  /** Process ids of the worker children running jobs now (for operators and tests). */
  workerPids(): number[] {
    return this.pool.busyPids();
  }

  /** The submitting core (tests and operators: sweeps, retention). */
  get submitCore(): SubmitCore {
    return this.core;
  }

  /**
   * Stops: kills the worker children and leaves the records as they are, so a
   * job that was running is failed with 'restart' by the next `open`.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
    await this.core.close();
  }

  /** A job the core held back (its identical run did not succeed) now trains here. */
  private dispatch(rec: JobRecord): void {
    if (this.closed) return;
    this.pending.push(rec.id);
    this.pump();
  }

  private failOrphans(): void {
    for (const orphan of this.core.orphans()) {
      if (this.core.end(orphan.id, { state: 'failed', error: restartError() }, ['running'])) {
        this.core.log(`[jobs] job ${orphan.id} was running in a process that is gone; marked failed (restart).`);
      }
    }
  }

  private sweep(): void {
    // Another process sharing the database may have died with jobs running.
    this.failOrphans();
    // A start refused by a full disk is tried again.
    this.pump();
  }

  /** The pool enforces the time limit itself; reaching this means its run never came back. */
  private overdue(rec: JobRecord): void {
    const limitS = Math.round(this.core.timeoutMs / 1000);
    const error = workerLostError(`no result within the time limit (${limitS} s) plus ${Math.round(this.core.deadlineMarginMs / 1000)} s`);
    if (this.core.end(rec.id, { state: 'failed', error }, ['running'])) {
      this.core.log(`[jobs] job ${rec.id} passed its deadline without an outcome; marked failed (worker-lost).`);
    }
    this.running.get(rec.id)?.abort();
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.opts.concurrency && this.pending.length > 0) {
      const id = this.pending[0];
      if (!this.core.claim(id)) {
        // The disk refused the start: keep it first in line for the next sweep.
        if (this.core.storage.down && this.core.store.get(id)?.state === 'queued') return;
        // Cancelled, or claimed by another process sharing the database.
        this.pending.shift();
        continue;
      }
      this.pending.shift();
      this.start(id);
    }
  }

  private start(id: string): void {
    const rec = this.core.get(id)!;
    const controller = new AbortController();
    this.running.set(id, controller);
    void this.pool
      .run(
        { jobId: id, submission: rec.submission, config: this.opts.trainConfig },
        {
          signal: controller.signal,
          timeoutMs: this.core.timeoutMs,
          onProgress: (event) => {
            if (!this.closed) this.core.progress(id, event);
          },
        },
      )
      .then((outcome) => {
        this.running.delete(id);
        // Closed under it: the record stays 'running' for the next open to recover.
        if (this.closed) return;
        try {
          this.core.record(id, settle(outcome, rec.submission, this.core.log), ['running']);
        } catch (err) {
          // A bug while recording: the job must still end.
          this.core.log(`[jobs] could not record the end of job ${id}: ${(err as Error).stack ?? String(err)}`);
          this.core.end(id, { state: 'failed', error: internalError(`could not record the result: ${(err as Error).message}`) }, ['running']);
        }
        this.pump();
      });
  }
}
