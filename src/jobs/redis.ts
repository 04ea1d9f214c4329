/**
 * Scale-out over Redis with BullMQ. Two halves:
 *
 * - `RedisJobQueue`, the submitting side (`tasuke serve`): the same JobQueue
 *   as the embedded backend. Records, limits and validation are local
 *   (SQLite, as embedded); BullMQ carries each job to whichever worker takes
 *   it, and QueueEvents bring progress and the outcome back. A reconcile pass
 *   (at open and every few seconds) picks up whatever events were missed,
 *   e.g. while the submitter was restarting.
 * - `RedisTrainingWorker`, the working side (`tasuke worker`, on a GPU
 *   machine): takes jobs and runs each in a worker child process exactly as
 *   the embedded backend does. Every outcome, including failures of the run,
 *   comes back as the BullMQ job's return value, with the chart PNG in base64
 *   because the submitter may be on another machine. A BullMQ failure
 *   therefore means the worker itself was lost (a stalled job).
 *
 * Cancellation of a running job goes over a pub/sub channel (plus a key the
 * worker checks when it starts a job, for a job taken just as it was cancelled).
 */
import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { hostname } from 'node:os';
import type { Config } from '../config.ts';
import { ConfigError } from '../core/errors.ts';
import { databasePath, openDatabase, type Db } from '../storage/db.ts';
import type { EpochEvent } from '../training/types.ts';
import { newJobId, type SubmissionValidator } from './embedded.ts';
import { checkCancellable, JobEvents, withChart } from './events.ts';
import { crashedError, internalError, restartError, tooManyJobs } from './messages.ts';
import { settle, type Settled } from './outcome.ts';
import { ChildPool } from './runner.ts';
import { JobStore, markInstanceLive, ownerTag } from './store.ts';
import type { JobError, JobQueue, JobRecord, JobState, JobSubmission } from './types.ts';

export const DEFAULT_QUEUE_NAME = 'tasuke-train';

/** BullMQ job data. */
export interface RemoteJobData {
  jobId: string;
  submission: JobSubmission;
  /** The submitter's time limit for the run. */
  timeoutMs: number;
}

/** BullMQ return value: how the run ended, and what it produced. */
export interface RemoteOutcome {
  state: 'succeeded' | 'failed' | 'cancelled';
  result?: Settled['finish']['result'];
  reading?: string;
  error?: JobError;
  chartPngBase64?: string;
  /** Which worker ran it (host and pid), for operators. */
  worker?: string;
}

const cancelChannel = (queueName: string) => `tasuke:${queueName}:cancel`;
const cancelKey = (queueName: string, id: string) => `tasuke:${queueName}:cancelled:${id}`;

/** A connection BullMQ accepts (it requires maxRetriesPerRequest: null for blocking commands). */
function connect(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** Fails fast, naming the URL, when Redis cannot be reached (ioredis would otherwise retry forever). */
async function assertReachable(url: string, timeoutMs = 5000): Promise<void> {
  const probe = new Redis(url, { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null, connectTimeout: timeoutMs });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw new ConfigError(`Cannot reach Redis at ${url} (REDIS_URL): ${(err as Error).message}`);
  } finally {
    probe.disconnect();
  }
}

function toSettled(value: unknown): Settled {
  const v = (typeof value === 'string' ? JSON.parse(value) : value) as RemoteOutcome | null;
  if (!v || !['succeeded', 'failed', 'cancelled'].includes(v.state)) {
    return { finish: { state: 'failed', error: internalError('the worker returned no outcome') } };
  }
  return {
    finish: { state: v.state, result: v.result, reading: v.reading, error: v.error },
    chartPngBase64: v.chartPngBase64,
  };
}

function failureToSettled(failedReason: string | undefined): Settled {
  const reason = failedReason ?? 'unknown';
  const error = /stall/i.test(reason) ? crashedError(`lost the worker: ${reason}`) : internalError(reason);
  return { finish: { state: 'failed', error } };
}

export interface RedisQueueOptions {
  redisUrl: string;
  dataDir: string;
  /** An open database to share (not closed by `close`); otherwise `<dataDir>/tasuke.db` is opened. */
  db?: Db;
  timeoutMs: number;
  maxQueuedPerUser: number;
  validate: SubmissionValidator;
  /** How long `cancel` waits for a running job's worker to confirm (default 15 s). */
  cancelWaitMs?: number;
  /** How often missed events are looked for (default 5 s). */
  reconcileMs?: number;
  queueName?: string;
  log?: (line: string) => void;
}

export class RedisJobQueue implements JobQueue {
  private readonly store: JobStore;
  private readonly events: JobEvents;
  private readonly instance = newJobId();
  private readonly owner: string;
  private readonly ownsDb: boolean;
  private readonly db: Db;
  private readonly log: (line: string) => void;
  private readonly queueName: string;
  private readonly conns: Redis[] = [];
  private readonly queue: Queue<RemoteJobData, RemoteOutcome>;
  private readonly queueEvents: QueueEvents;
  private readonly cmd: Redis;
  /** Jobs stored but not yet added to BullMQ: reconcile must not take them for lost. */
  private readonly adding = new Set<string>();
  private reconcileTimer?: NodeJS.Timeout;
  private reconciling?: Promise<void>;
  private closed = false;

  private constructor(private readonly opts: RedisQueueOptions) {
    this.log = opts.log ?? ((l) => console.error(l));
    this.queueName = opts.queueName ?? DEFAULT_QUEUE_NAME;
    this.ownsDb = !opts.db;
    this.db = opts.db ?? openDatabase(databasePath(opts.dataDir));
    this.store = new JobStore(this.db);
    this.events = new JobEvents(this.log);
    this.owner = ownerTag(this.instance);
    const c = () => {
      const r = connect(opts.redisUrl);
      r.on('error', (err) => this.log(`[jobs] redis: ${err.message}`));
      this.conns.push(r);
      return r;
    };
    this.queue = new Queue<RemoteJobData, RemoteOutcome>(this.queueName, { connection: c() });
    this.queueEvents = new QueueEvents(this.queueName, { connection: c() });
    this.cmd = c();
    this.queueEvents.on('error', (err) => this.log(`[jobs] queue events: ${err.message}`));
    this.queueEvents.on('active', ({ jobId }) => this.onActive(jobId));
    this.queueEvents.on('progress', ({ jobId, data }) => this.onProgress(jobId, data as unknown as EpochEvent));
    this.queueEvents.on('completed', ({ jobId, returnvalue }) => this.apply(jobId, toSettled(returnvalue)));
    this.queueEvents.on('failed', ({ jobId, failedReason }) => this.apply(jobId, failureToSettled(failedReason)));
  }

  /** Connects (failing fast if Redis is unreachable), picks up what happened while closed, and listens. */
  static async open(opts: RedisQueueOptions): Promise<RedisJobQueue> {
    await assertReachable(opts.redisUrl);
    const q = new RedisJobQueue(opts);
    markInstanceLive(q.instance, true);
    try {
      await Promise.all([q.queue.waitUntilReady(), q.queueEvents.waitUntilReady(), q.cmd.ping()]);
      await q.reconcile();
    } catch (err) {
      await q.close();
      throw err;
    }
    q.reconcileTimer = setInterval(() => void q.reconcile(), opts.reconcileMs ?? 5000);
    q.reconcileTimer.unref();
    return q;
  }

  async submit(submission: JobSubmission): Promise<JobRecord> {
    this.assertOpen();
    await this.opts.validate(submission);
    const id = newJobId();
    const { record, active } = this.store.insertIfUnderLimit(id, submission, this.opts.maxQueuedPerUser);
    if (!record) throw tooManyJobs(this.opts.maxQueuedPerUser, active);
    this.events.emit({ type: 'state', job: record });
    this.adding.add(id);
    try {
      await this.queue.add(
        'train',
        { jobId: id, submission, timeoutMs: this.opts.timeoutMs },
        {
          jobId: id,
          attempts: 1,
          // The submitter keeps the results in SQLite; Redis only needs them until they are picked up.
          removeOnComplete: { age: 3600, count: 200 },
          removeOnFail: { age: 3600, count: 200 },
        },
      );
    } catch (err) {
      if (this.store.finish(id, { state: 'failed', error: internalError(`could not queue the job: ${(err as Error).message}`) })) {
        this.events.emit({ type: 'state', job: this.store.get(id)! });
      }
      throw err;
    } finally {
      this.adding.delete(id);
    }
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
    if (rec.state === 'queued') {
      const job = await this.queue.getJob(id);
      let removed = !job;
      const state = job ? await job.getState() : undefined;
      if (state === 'completed' || state === 'failed') {
        // It ended before its events reached us: record that outcome rather than remove it.
        this.apply(id, state === 'completed' ? toSettled(job!.returnvalue) : failureToSettled(job!.failedReason));
        return checkCancellable(id, this.store.get(id), userId);
      }
      if (job && state !== 'active') {
        try {
          await job.remove();
          removed = true;
        } catch {
          // Locked: a worker took it a moment ago. Cancel it as a running job.
        }
      }
      if (removed && this.store.finish(id, { state: 'cancelled' }, ['queued'])) {
        const done = this.store.get(id)!;
        this.events.emit({ type: 'state', job: done });
        return done;
      }
    }
    const finished = this.events.waitFor(id, async () => this.store.get(id), this.opts.cancelWaitMs ?? 15_000);
    await this.cmd.set(cancelKey(this.queueName, id), '1', 'EX', 24 * 3600);
    await this.cmd.publish(cancelChannel(this.queueName), id);
    try {
      return await finished;
    } catch {
      // No worker confirmed in time (it may be gone); the stalled-job check will end the job.
      return this.store.get(id)!;
    }
  }

  subscribe(listener: Parameters<JobQueue['subscribe']>[0]): () => void {
    return this.events.subscribe(listener);
  }

  waitFor(id: string, timeoutMs?: number): Promise<JobRecord> {
    return this.events.waitFor(id, async () => this.store.get(id), timeoutMs);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    markInstanceLive(this.instance, false);
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    await this.reconciling?.catch(() => undefined);
    this.events.closeAll('The job queue was closed.');
    await Promise.allSettled([this.queueEvents.close(), this.queue.close()]);
    await Promise.allSettled(this.conns.map((c) => c.quit()));
    if (this.ownsDb) this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The job queue is closed.');
  }

  private onActive(id: string): void {
    if (this.closed) return;
    if (this.store.claim(id, this.owner)) this.events.emit({ type: 'state', job: this.store.get(id)! });
  }

  private onProgress(id: string, event: EpochEvent): void {
    if (this.closed || !event || typeof event !== 'object') return;
    // The 'active' event may not have been seen (missed while reconnecting).
    this.onActive(id);
    const rec = this.store.get(id);
    if (!rec || rec.state !== 'running') return;
    this.store.progress(id, event);
    this.events.emit({ type: 'progress', jobId: id, event });
  }

  private apply(id: string, settled: Settled): void {
    if (this.closed) return;
    const rec = this.store.get(id);
    if (!rec || rec.state === 'succeeded' || rec.state === 'failed' || rec.state === 'cancelled') return;
    try {
      const finish = withChart(this.opts.dataDir, id, settled);
      if (this.store.finish(id, finish, ['queued', 'running'])) this.events.emit({ type: 'state', job: this.store.get(id)! });
    } catch (err) {
      this.log(`[jobs] could not record the end of job ${id}: ${(err as Error).stack ?? String(err)}`);
      const error = internalError(`could not record the result: ${(err as Error).message}`);
      if (this.store.finish(id, { state: 'failed', error }, ['queued', 'running'])) {
        this.events.emit({ type: 'state', job: this.store.get(id)! });
      }
    }
  }

  /** Brings local records in line with BullMQ for jobs whose events were missed. */
  private reconcile(): Promise<void> {
    if (this.reconciling || this.closed) return this.reconciling ?? Promise.resolve();
    this.reconciling = (async () => {
      for (const rec of this.store.list({ states: ['queued', 'running'] })) {
        if (this.closed) return;
        if (this.adding.has(rec.id)) continue;
        const job = await this.queue.getJob(rec.id);
        if (this.closed) return;
        if (!job) {
          // Gone from Redis without an outcome we saw (flushed, or expired while we were down).
          if (!this.adding.has(rec.id)) this.apply(rec.id, { finish: { state: 'failed', error: restartError() } });
          continue;
        }
        const state = await job.getState();
        if (state === 'completed') this.apply(rec.id, toSettled(job.returnvalue));
        else if (state === 'failed') this.apply(rec.id, failureToSettled(job.failedReason));
        else if (state === 'active') this.onActive(rec.id);
      }
    })()
      .catch((err: Error) => this.log(`[jobs] reconcile: ${err.message}`))
      .finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }
}

export interface RedisWorkerOptions {
  redisUrl: string;
  /** Jobs run at once by this worker (each in its own child process). */
  concurrency: number;
  /** Time limit for jobs whose submitter did not set one. */
  timeoutMs: number;
  /** How long a cancelled job may take to stop before its child is killed (default 5 s). */
  graceMs?: number;
  queueName?: string;
  childEnv?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Configuration handed to the trainer in the children (backend, lessons folder). */
  trainConfig?: Config;
  /** Start one worker child ahead of the first job (default true). */
  warm?: boolean;
  /**
   * How long this worker's hold on a job lasts unless renewed (BullMQ lockDuration, default 30 s),
   * and how often it looks for jobs whose worker vanished (stalledInterval, default 30 s).
   */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Told when a job starts and ends here (for the operator's log). */
  onJob?: (event: WorkerJobEvent) => void;
}

export type WorkerJobEvent =
  | { phase: 'start'; jobId: string; lesson: string; userId: string }
  | { phase: 'end'; jobId: string; state: RemoteOutcome['state']; code?: string; seconds: number };

/** The working side: takes jobs from the Redis queue and runs them in worker child processes. */
export class RedisTrainingWorker {
  private readonly pool: ChildPool;
  private readonly worker: Worker<RemoteJobData, RemoteOutcome>;
  private readonly sub: Redis;
  private readonly cmd: Redis;
  private readonly conns: Redis[] = [];
  private readonly controllers = new Map<string, AbortController>();
  private readonly log: (line: string) => void;
  private readonly queueName: string;
  private readonly name = `${hostname()}:${process.pid}`;
  private closing = false;

  private constructor(private readonly opts: RedisWorkerOptions) {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) {
      throw new Error(`RedisTrainingWorker: concurrency must be an integer >= 1, got ${opts.concurrency}`);
    }
    this.log = opts.log ?? ((l) => console.error(l));
    this.queueName = opts.queueName ?? DEFAULT_QUEUE_NAME;
    this.pool = new ChildPool({ keepIdle: opts.concurrency, graceMs: opts.graceMs, env: opts.childEnv });
    const c = () => {
      const r = connect(opts.redisUrl);
      r.on('error', (err) => this.log(`[worker] redis: ${err.message}`));
      this.conns.push(r);
      return r;
    };
    this.sub = c();
    this.cmd = c();
    this.sub.on('message', (_channel: string, id: string) => this.controllers.get(id)?.abort());
    this.worker = new Worker<RemoteJobData, RemoteOutcome>(this.queueName, (job) => this.process(job), {
      connection: c(),
      concurrency: opts.concurrency,
      name: this.name,
      // A job whose worker vanished is failed (and reported), not run again: it would likely crash again.
      maxStalledCount: 0,
      // BullMQ merges options over its defaults with Object.assign: an undefined here would erase one.
      ...(opts.lockDurationMs !== undefined ? { lockDuration: opts.lockDurationMs } : {}),
      ...(opts.stalledIntervalMs !== undefined ? { stalledInterval: opts.stalledIntervalMs } : {}),
      autorun: false,
    });
    this.worker.on('error', (err) => this.log(`[worker] ${err.message}`));
  }

  static async start(opts: RedisWorkerOptions): Promise<RedisTrainingWorker> {
    await assertReachable(opts.redisUrl);
    const w = new RedisTrainingWorker(opts);
    await w.sub.subscribe(cancelChannel(w.queueName));
    if (opts.warm !== false) await w.pool.warm();
    void w.worker.run();
    await w.worker.waitUntilReady();
    return w;
  }

  /** Process ids of the worker children running jobs now. */
  workerPids(): number[] {
    return this.pool.busyPids();
  }

  /** Stops taking jobs; jobs still running end as failed with code 'restart'. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // Stop taking jobs first, then end the running ones (their children are killed).
    const stopped = this.worker.close();
    await this.pool.close();
    await stopped;
    await Promise.allSettled(this.conns.map((c) => c.quit()));
  }

  private async process(job: Job<RemoteJobData, RemoteOutcome>): Promise<RemoteOutcome> {
    const { jobId, submission } = job.data;
    const controller = new AbortController();
    this.controllers.set(jobId, controller);
    const progress: Promise<unknown>[] = [];
    const started = Date.now();
    let outcome: RemoteOutcome | undefined;
    this.tell({ phase: 'start', jobId, lesson: submission.lesson, userId: submission.userId });
    try {
      outcome = await this.runJob(job, controller, progress);
      return outcome;
    } finally {
      this.controllers.delete(jobId);
      this.tell({
        phase: 'end',
        jobId,
        state: outcome?.state ?? 'failed',
        code: outcome?.error?.code,
        seconds: Math.round((Date.now() - started) / 100) / 10,
      });
    }
  }

  private tell(event: WorkerJobEvent): void {
    try {
      this.opts.onJob?.(event);
    } catch (err) {
      this.log(`[worker] onJob threw: ${(err as Error).message}`);
    }
  }

  private async runJob(job: Job<RemoteJobData, RemoteOutcome>, controller: AbortController, progress: Promise<unknown>[]): Promise<RemoteOutcome> {
    const { jobId, submission, timeoutMs } = job.data;
    if (await this.cmd.exists(cancelKey(this.queueName, jobId))) return { state: 'cancelled', worker: this.name };
    const outcome = await this.pool.run(
      { jobId, submission, config: this.opts.trainConfig },
      {
        signal: controller.signal,
        timeoutMs: timeoutMs ?? this.opts.timeoutMs,
        onProgress: (event) => {
          progress.push(job.updateProgress(event).catch((err: Error) => this.log(`[worker] progress of ${jobId}: ${err.message}`)));
        },
      },
    );
    // Progress first, so the submitter sees every epoch before the outcome.
    await Promise.all(progress);
    if (this.closing && outcome.kind === 'crashed') {
      return { state: 'failed', error: restartError(), worker: this.name };
    }
    const settled = settle(outcome, submission, this.log);
    return { ...settled.finish, chartPngBase64: settled.chartPngBase64, worker: this.name };
  }
}
