/**
 * The embedded job queue (the default): jobs wait in this process, run in
 * worker child processes (`ChildPool`), and their records live in SQLite.
 * After a restart, jobs left running by a process that is gone are failed
 * with code 'restart'; queued jobs run.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import { databasePath, openDatabase, type Db } from '../storage/db.ts';
import { internalError, restartError, tooManyJobs } from './messages.ts';
import { settle } from './outcome.ts';
import { ChildPool } from './runner.ts';
import { JobStore, markInstanceLive, ownerTag } from './store.ts';
import { checkCancellable, JobEvents, withChart } from './events.ts';
import type { JobQueue, JobRecord, JobState, JobSubmission } from './types.ts';

/** Checks a submission before anything is stored; throws UserError for bad input. */
export type SubmissionValidator = (submission: JobSubmission) => void | Promise<void>;

export interface EmbeddedQueueOptions {
  dataDir: string;
  /** An open database to share (not closed by `close`); otherwise `<dataDir>/tasuke.db` is opened. */
  db?: Db;
  concurrency: number;
  timeoutMs: number;
  maxQueuedPerUser: number;
  validate: SubmissionValidator;
  /** How long a cancelled job may take to stop before its child is killed (default 5 s). */
  graceMs?: number;
  /** Configuration handed to the trainer in the children (backend, lessons folder). */
  trainConfig?: Config;
  /** Environment of the worker children. */
  childEnv?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

const LETTERS = 'abcdefghjkmnpqrstuvwxyz';
const ID_CHARS = LETTERS + '23456789';

/**
 * A short id a person can type (`/cancel k7mq2x9ad4`): no look-alike characters,
 * and a letter first, since BullMQ refuses ids that read as integers.
 */
export function newJobId(): string {
  const bytes = randomBytes(10);
  let id = LETTERS[bytes[0] % LETTERS.length];
  for (let i = 1; i < bytes.length; i++) id += ID_CHARS[bytes[i] % ID_CHARS.length];
  return id;
}

export class EmbeddedJobQueue implements JobQueue {
  private readonly store: JobStore;
  private readonly pool: ChildPool;
  private readonly events: JobEvents;
  private readonly instance = newJobId();
  private readonly owner: string;
  private readonly ownsDb: boolean;
  private readonly db: Db;
  private readonly log: (line: string) => void;
  private pending: string[] = [];
  private running = new Map<string, AbortController>();
  private closed = false;

  private constructor(private readonly opts: EmbeddedQueueOptions) {
    for (const [k, v] of [['concurrency', opts.concurrency], ['timeoutMs', opts.timeoutMs], ['maxQueuedPerUser', opts.maxQueuedPerUser]] as const) {
      if (!Number.isFinite(v) || v < 1) throw new Error(`EmbeddedJobQueue: ${k} must be >= 1, got ${v}`);
    }
    this.log = opts.log ?? ((l) => console.error(l));
    this.ownsDb = !opts.db;
    this.db = opts.db ?? openDatabase(databasePath(opts.dataDir));
    this.store = new JobStore(this.db);
    this.pool = new ChildPool({ keepIdle: opts.concurrency, graceMs: opts.graceMs, env: opts.childEnv });
    this.events = new JobEvents(this.log);
    this.owner = ownerTag(this.instance);
  }

  /** Opens the queue: recovers what a previous process left, then starts the queued jobs. */
  static open(opts: EmbeddedQueueOptions): EmbeddedJobQueue {
    const q = new EmbeddedJobQueue(opts);
    markInstanceLive(q.instance, true);
    q.recover();
    return q;
  }

  private recover(): void {
    for (const orphan of this.store.orphans()) {
      if (this.store.finish(orphan.id, { state: 'failed', error: restartError() }, ['running'])) {
        this.log(`[jobs] job ${orphan.id} was running when its process stopped; marked failed (restart).`);
      }
    }
    this.pending = this.store.queuedIds();
    this.pump();
  }

  async submit(submission: JobSubmission): Promise<JobRecord> {
    this.assertOpen();
    await this.opts.validate(submission);
    const id = newJobId();
    const { record, active } = this.store.insertIfUnderLimit(id, submission, this.opts.maxQueuedPerUser);
    if (!record) throw tooManyJobs(this.opts.maxQueuedPerUser, active);
    this.pending.push(id);
    this.events.emit({ type: 'state', job: record });
    this.pump();
    // The record as submitted; the job may already have started.
    return record;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return this.store.get(id);
  }

  async list(filter?: { userId?: string; states?: JobState[] }): Promise<JobRecord[]> {
    return this.store.list(filter);
  }

  async cancel(id: string, userId?: string): Promise<JobRecord> {
    this.assertOpen();
    const rec = checkCancellable(id, this.store.get(id), userId);
    if (rec.state === 'queued' && this.store.finish(id, { state: 'cancelled' }, ['queued'])) {
      this.pending = this.pending.filter((p) => p !== id);
      const done = this.store.get(id)!;
      this.events.emit({ type: 'state', job: done });
      return done;
    }
    const controller = this.running.get(id);
    if (!controller) {
      // Running, but not here: its owner is another live process (the same db shared) or gone.
      if (this.store.orphans().some((o) => o.id === id) && this.store.finish(id, { state: 'cancelled' }, ['running'])) {
        const done = this.store.get(id)!;
        this.events.emit({ type: 'state', job: done });
        return done;
      }
      throw new Error(`Job ${id} is running in another process; cancel it there.`);
    }
    const finished = this.events.waitFor(id, async () => this.store.get(id));
    controller.abort();
    return finished;
  }

  subscribe(listener: Parameters<JobQueue['subscribe']>[0]): () => void {
    return this.events.subscribe(listener);
  }

  waitFor(id: string, timeoutMs?: number): Promise<JobRecord> {
    return this.events.waitFor(id, async () => this.store.get(id), timeoutMs);
  }

  /** Process ids of the worker children running jobs now (for operators and tests). */
  workerPids(): number[] {
    return this.pool.busyPids();
  }

  /**
   * Stops: kills the worker children and leaves the records as they are, so a
   * job that was running is failed with 'restart' by the next `open`.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    markInstanceLive(this.instance, false);
    this.events.closeAll('The job queue was closed.');
    await this.pool.close();
    if (this.ownsDb) this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The job queue is closed.');
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.opts.concurrency && this.pending.length > 0) {
      const id = this.pending.shift()!;
      // Another process sharing the database may have claimed it, or it was cancelled.
      if (!this.store.claim(id, this.owner)) continue;
      this.start(id);
    }
  }

  private start(id: string): void {
    const rec = this.store.get(id)!;
    const controller = new AbortController();
    this.running.set(id, controller);
    this.events.emit({ type: 'state', job: rec });
    void this.pool
      .run(
        { jobId: id, submission: rec.submission, config: this.opts.trainConfig },
        {
          signal: controller.signal,
          timeoutMs: this.opts.timeoutMs,
          onProgress: (event) => {
            if (this.closed) return;
            this.store.progress(id, event);
            this.events.emit({ type: 'progress', jobId: id, event });
          },
        },
      )
      .then((outcome) => {
        this.running.delete(id);
        // Closed under it: the record stays 'running' for the next open to recover.
        if (this.closed) return;
        try {
          const finish = withChart(this.opts.dataDir, id, settle(outcome, rec.submission, this.log));
          if (this.store.finish(id, finish, ['running'])) this.events.emit({ type: 'state', job: this.store.get(id)! });
        } catch (err) {
          // Writing the chart or the record failed: the job must still end, without what could not be kept.
          this.log(`[jobs] could not record the end of job ${id}: ${(err as Error).stack ?? String(err)}`);
          const error = internalError(`could not record the result: ${(err as Error).message}`);
          if (this.store.finish(id, { state: 'failed', error }, ['running'])) this.events.emit({ type: 'state', job: this.store.get(id)! });
        }
        this.pump();
      });
  }
}
