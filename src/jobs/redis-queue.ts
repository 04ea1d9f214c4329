/**
 * The submitting side of the Redis backend (`tasuke serve` with
 * TASUKE_QUEUE=redis): the submitting core (records, events, limits,
 * validation, the end-of-run recorder) plus BullMQ, which carries each job to
 * whichever `tasuke worker` takes it; QueueEvents bring progress and the
 * outcome back, and a reconcile pass at every sweep picks up what was missed.
 *
 * How it behaves when things break:
 * - Redis unreachable: `submit` waits at most `submitWaitMs`, then refuses
 *   with `jobs.queue-unavailable` and leaves no row behind; `cancel` still
 *   works (Redis is cleaned up when it is back); the outage is logged once
 *   when it starts and once when it ends. With `startWithoutRedis` the queue
 *   opens anyway and takes jobs once Redis appears.
 * - Redis restarted without its data: a job that was only queued is queued
 *   again (it never ran); a running one fails with `queue-lost`.
 * - A worker killed: its job's lock in Redis expires; seen twice in a row,
 *   the job fails with `worker-lost`, with or without another worker.
 * - No outcome by the deadline (time limit plus a margin): the job fails with
 *   `worker-lost`, or `queue-lost` when Redis cannot be reached to ask.
 */
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { SubmitCore, type CoreOptions } from './core.ts';
import { internalError, QUEUE_UNAVAILABLE, queueLostError, queueUnavailable, storageUnavailable, workerLostError } from './messages.ts';
import type { Settled } from './outcome.ts';
import {
  cancelChannel,
  cancelKey,
  DEFAULT_QUEUE_NAME,
  isConnectionError,
  probeRedis,
  RedisLink,
  unreachableError,
  within,
  type RemoteJobData,
  type RemoteOutcome,
} from './redis-link.ts';
import type { EpochEvent } from '../training/types.ts';
import type { JobQueue, JobRecord, JobState, JobSubmission, QueueAvailability } from './types.ts';

export interface RedisQueueOptions extends Omit<CoreOptions, 'log'> {
  redisUrl: string;
  /** How long `cancel` waits for a running job's worker to confirm (default 15 s). */
  cancelWaitMs?: number;
  /** Older name of `sweepMs`: how often missed events are looked for (default 5 s). */
  reconcileMs?: number;
  /** The longest a submission waits for an unreachable queue before it is refused (default 3 s). */
  submitWaitMs?: number;
  /** Open even when Redis cannot be reached (submissions are refused until it can); default false: throw a ConfigError. */
  startWithoutRedis?: boolean;
  queueName?: string;
  log?: (line: string) => void;
  /** Strings to hide from every log line besides the Redis password (tokens, API keys). */
  secrets?: readonly string[];
}

function toSettled(value: unknown): Settled {
  let v: RemoteOutcome | null;
  try {
    v = (typeof value === 'string' ? JSON.parse(value) : value) as RemoteOutcome | null;
  } catch {
    v = null;
  }
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
  // With maxStalledCount 0, a job whose worker vanished is failed by another worker's stalled check.
  const error = /stall/i.test(reason) ? workerLostError(`another worker found it stalled: ${reason}`) : internalError(reason);
  return { finish: { state: 'failed', error } };
}

export class RedisJobQueue implements JobQueue {
  private readonly core: SubmitCore;
  private readonly link: RedisLink;
  private readonly queueName: string;
  private readonly producer: Redis;
  private readonly cmd: Redis;
  private readonly eventsConn: Redis;
  private queue?: Queue<RemoteJobData, RemoteOutcome>;
  private queueEvents?: QueueEvents;
  private building?: Promise<void>;
  /** Jobs stored but not yet in BullMQ: events about them wait until they are announced. */
  private readonly adding = new Map<string, (() => void)[]>();
  /** Ids to clear out of Redis once it is reachable: enqueues that failed, jobs cancelled while it was not. */
  private readonly purge = new Set<string>();
  /** Running jobs found without their worker's lock, and how many checks in a row. */
  private readonly lockMissing = new Map<string, number>();
  private reconciling?: Promise<void>;
  private closed = false;

  private constructor(private readonly opts: RedisQueueOptions) {
    const log = opts.log ?? ((l) => console.error(l));
    this.queueName = opts.queueName ?? DEFAULT_QUEUE_NAME;
    this.link = new RedisLink({
      url: opts.redisUrl,
      name: 'jobs',
      log,
      secrets: opts.secrets,
      downNote: 'training submissions are refused until it is back (questions still work)',
      onUp: () => void this.build().then(() => this.reconcile()),
    });
    this.core = new SubmitCore({ ...opts, sweepMs: opts.sweepMs ?? opts.reconcileMs, log: (l) => log(this.link.redact(l)) });
    this.producer = this.link.client('command');
    this.cmd = this.link.client('command');
    this.eventsConn = this.link.client('blocking');
  }

  /**
   * Opens the submitting side. Fails fast with a ConfigError (URL without its
   * password, the real cause, how to start Redis) when Redis is unreachable,
   * unless `startWithoutRedis`: then it opens, says so once, and takes jobs
   * once Redis can be reached.
   */
  static async open(opts: RedisQueueOptions): Promise<RedisJobQueue> {
    const probe = await probeRedis(opts.redisUrl);
    if (!probe.ok && !opts.startWithoutRedis) throw unreachableError(opts.redisUrl, probe.cause);
    const q = new RedisJobQueue(opts);
    try {
      if (probe.ok) {
        if (!(await q.link.waitUp(10_000))) throw unreachableError(opts.redisUrl, q.link.lastCause ?? 'no connection within 10 s');
        await within(q.build(), 15_000, () => new Error('Redis answered, but the job queue could not be set up within 15 s.'));
        await q.reconcile();
      } else {
        q.link.reportDown(probe.cause, 'tasuke runs, but training submissions are refused until Redis can be reached');
      }
    } catch (err) {
      await q.close();
      throw err;
    }
    q.core.start({ overdue: (rec) => q.overdue(rec), sweep: () => q.reconcile(), dispatch: (rec) => q.dispatch(rec) });
    return q;
  }

  async submit(submission: JobSubmission): Promise<JobRecord> {
    this.core.assertOpen();
    await this.waitAvailable();
    const record = await this.core.admit(submission);
    // Served from an identical finished run, or waiting for one in flight: Redis never sees it.
    if (this.core.hold(record)) return record;
    const id = record.id;
    this.adding.set(id, []);
    try {
      await within(this.add(record), this.opts.submitWaitMs ?? 3000, () => new Error('Command timed out: adding the job to Redis'));
    } catch (err) {
      // Not queued: no row may stay to count against the person's limit. If the add did reach Redis after all, it is removed there.
      this.adding.delete(id);
      this.core.discard(id);
      this.purge.add(id);
      this.link.noteError(err, 'submit');
      throw queueUnavailable();
    }
    const deferred = this.adding.get(id) ?? [];
    this.adding.delete(id);
    this.core.announce(record);
    for (const fn of deferred) fn();
    return record;
  }

  /** Puts a stored job into BullMQ for a worker. */
  private add(rec: JobRecord): Promise<unknown> {
    return this.queue!.add(
      'train',
      { jobId: rec.id, submission: rec.submission, timeoutMs: this.core.timeoutMs },
      {
        jobId: rec.id,
        attempts: 1,
        // The submitter keeps the results in SQLite; Redis only needs them until they are picked up.
        removeOnComplete: { age: 3600, count: 1000 },
        removeOnFail: { age: 3600, count: 1000 },
      },
    );
  }

  /** A job the core held back (its identical run did not succeed) now goes to the workers; with Redis gone it fails. */
  private async dispatch(rec: JobRecord): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.available()) throw new Error('Redis is unreachable');
      await within(this.add(rec), this.opts.submitWaitMs ?? 3000, () => new Error('Command timed out: adding the job to Redis'));
    } catch (err) {
      this.link.noteError(err, 'dispatch');
      this.fail(rec, queueLostError('Redis could not be reached when the job was to start'), 'could not be queued after the identical run it waited for');
      this.purge.add(rec.id);
    }
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
    if (rec.state === 'queued' && this.core.holds(id) && this.core.end(id, { state: 'cancelled' }, ['queued'])) return this.core.get(id)!;
    try {
      if (!this.available()) return this.cancelHere(rec);
      if (rec.state === 'queued') {
        const done = await this.cancelQueued(id);
        if (done) return done;
      }
      const finished = this.core.waitFor(id, this.opts.cancelWaitMs ?? 15_000);
      finished.catch(() => undefined);
      await this.cmd.set(cancelKey(this.queueName, id), '1', 'EX', 24 * 3600);
      await this.cmd.publish(cancelChannel(this.queueName), id);
      try {
        return await finished;
      } catch {
        // No worker confirmed in time (it may be gone); the lock check or the deadline will end the job.
        return this.core.get(id)!;
      }
    } catch (err) {
      if (!isConnectionError(err)) throw err;
      this.link.noteError(err, 'cancel');
      return this.cancelHere(this.core.cancellable(id, userId));
    }
  }

  subscribe(listener: Parameters<JobQueue['subscribe']>[0]): () => void {
    return this.core.subscribe(listener);
  }

  waitFor(id: string, timeoutMs?: number): Promise<JobRecord> {
    return this.core.waitFor(id, timeoutMs);
  }

  /** Unavailable while Redis cannot be reached, or while the database refuses new jobs. */
  availability(): QueueAvailability {
    const storage = this.core.storage;
    if (storage.down) return { available: false, since: storage.since!, message: storageUnavailable().messages };
    if (this.available()) return { available: true, since: 0 };
    return { available: false, since: this.link.since ?? Date.now(), message: QUEUE_UNAVAILABLE };
  }

  /** The submitting core (tests and operators: sweeps, retention). */
  get submitCore(): SubmitCore {
    return this.core;
  }

  /** Closes within a few seconds even when Redis is unreachable; running jobs go on in their workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.core.close();
    await within(this.reconciling ?? Promise.resolve(), 5000, () => new Error('reconcile')).catch(() => undefined);
    const wasUp = this.link.up;
    this.link.stopWatching();
    if (wasUp) {
      const graceful = Promise.allSettled([this.queueEvents?.close(), this.queue?.close()]);
      await within(graceful, 3000, () => new Error('close')).catch(() => undefined);
    }
    // Whatever is still connected or reconnecting is dropped now: close never waits on an unreachable Redis.
    this.link.disconnectAll();
    void this.queueEvents?.disconnect().catch(() => undefined);
    void this.queue?.disconnect().catch(() => undefined);
  }

  private available(): boolean {
    return !this.closed && this.link.up && this.queue !== undefined && this.building === undefined;
  }

  /** Waits a bounded time for an unreachable queue (a blip), then refuses. */
  private async waitAvailable(): Promise<void> {
    if (this.available()) return;
    const limit = this.opts.submitWaitMs ?? 3000;
    // Down for longer than the wait already: refuse at once rather than make everyone wait.
    const downFor = Date.now() - (this.link.since ?? Date.now());
    if (downFor < limit) {
      await this.link.waitUp(limit - downFor);
      await this.building;
    }
    if (!this.available()) throw queueUnavailable();
  }

  /** Creates the BullMQ objects the first time Redis is reached (BullMQ needs Redis up when they are made). */
  private build(): Promise<void> {
    if (this.queue || this.closed) return this.building ?? Promise.resolve();
    this.building ??= (async () => {
      const queue = new Queue<RemoteJobData, RemoteOutcome>(this.queueName, { connection: this.producer });
      const events = new QueueEvents(this.queueName, { connection: this.eventsConn });
      queue.on('error', (err) => this.link.noteError(err, 'queue'));
      events.on('error', (err) => this.link.noteError(err, 'queue events'));
      events.on('active', ({ jobId }) => this.onActive(jobId));
      events.on('progress', ({ jobId, data }) => this.onProgress(jobId, data as unknown as EpochEvent));
      events.on('completed', ({ jobId, returnvalue }) => this.apply(jobId, toSettled(returnvalue)));
      events.on('failed', ({ jobId, failedReason }) => this.apply(jobId, failureToSettled(failedReason)));
      this.queue = queue;
      this.queueEvents = events;
      await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
    })().finally(() => (this.building = undefined));
    return this.building;
  }

  /** Cancels here, without Redis: the record is final now, and Redis is told once it is back. */
  private cancelHere(rec: JobRecord): JobRecord {
    if (this.core.end(rec.id, { state: 'cancelled' }, [rec.state])) {
      this.purge.add(rec.id);
      this.lockMissing.delete(rec.id);
    }
    return this.core.get(rec.id)!;
  }

  /** A queued job: removed from BullMQ unless a worker took it a moment ago (then undefined: cancel it as running). */
  private async cancelQueued(id: string): Promise<JobRecord | undefined> {
    const job = await this.queue!.getJob(id);
    const state = job ? await job.getState() : undefined;
    if (state === 'completed' || state === 'failed') {
      // It ended before its events reached us: record that outcome rather than remove it.
      this.apply(id, state === 'completed' ? toSettled(job!.returnvalue) : failureToSettled(job!.failedReason));
      return this.core.cancellable(id);
    }
    if (job && state !== 'active') {
      try {
        await job.remove();
      } catch (err) {
        if (isConnectionError(err)) throw err;
        // Locked: a worker took it a moment ago.
        return undefined;
      }
    } else if (job) {
      return undefined;
    }
    return this.core.end(id, { state: 'cancelled' }, ['queued']) ? this.core.get(id) : undefined;
  }

  /** Runs `fn` now, or once the job is announced if its enqueue is still in flight. */
  private whenKnown(id: string, fn: () => void): void {
    const deferred = this.adding.get(id);
    if (deferred) deferred.push(fn);
    else fn();
  }

  private onActive(id: string): void {
    if (this.closed) return;
    this.whenKnown(id, () => this.core.claim(id));
  }

  private onProgress(id: string, event: EpochEvent): void {
    if (this.closed || !event || typeof event !== 'object') return;
    this.whenKnown(id, () => {
      // The 'active' event may not have been seen (missed while reconnecting).
      this.core.claim(id);
      if (this.core.get(id)?.state === 'running') this.core.progress(id, event);
    });
  }

  private apply(id: string, settled: Settled): void {
    if (this.closed) return;
    this.whenKnown(id, () => {
      this.lockMissing.delete(id);
      this.core.record(id, settled, ['queued', 'running']);
    });
  }

  private fail(rec: JobRecord, error: JobRecord['error'], why: string): void {
    this.lockMissing.delete(rec.id);
    if (this.core.end(rec.id, { state: 'failed', error }, ['queued', 'running'])) {
      this.core.log(`[jobs] job ${rec.id}: ${why}; marked failed (${error!.code}).`);
    }
  }

  /** Ends a job whose worker is gone: failed here, and taken out of Redis so that nothing runs or reports it later. */
  private async failLostWorker(rec: JobRecord, job: Job | undefined, detail: string): Promise<void> {
    this.fail(rec, workerLostError(detail), detail);
    this.purge.add(rec.id);
    await this.purgeOne(rec.id, job).catch(() => undefined);
  }

  /** A running job with no outcome by its deadline. */
  private async overdue(rec: JobRecord): Promise<void> {
    const limit = `the time limit (${Math.round(this.core.timeoutMs / 1000)} s) plus ${Math.round(this.core.deadlineMarginMs / 1000)} s`;
    if (!this.available()) {
      this.fail(rec, queueLostError(`Redis could not be reached until the job's deadline, ${limit}`), 'deadline passed while Redis was unreachable');
      this.purge.add(rec.id);
      return;
    }
    try {
      const job = await this.queue!.getJob(rec.id);
      const state = job ? await job.getState() : 'missing';
      if (state === 'completed') return this.apply(rec.id, toSettled(job!.returnvalue));
      if (state === 'failed') return this.apply(rec.id, failureToSettled(job!.failedReason));
      if (state === 'missing' || state === 'unknown') {
        return this.fail(rec, queueLostError('Redis no longer has the job'), 'deadline passed and Redis no longer has the job');
      }
      await this.failLostWorker(rec, job, `no result within ${limit}`);
    } catch (err) {
      this.link.noteError(err, 'deadline');
      this.fail(rec, queueLostError(`Redis could not be asked at the job's deadline, ${limit}`), 'deadline passed and Redis could not be asked');
      this.purge.add(rec.id);
    }
  }

  /** Clears a job out of Redis: the cancel mark for a worker that may take or hold it, and the job itself unless a live worker holds it. */
  private async purgeOne(id: string, known?: Job): Promise<void> {
    await this.cmd.set(cancelKey(this.queueName, id), '1', 'EX', 24 * 3600);
    await this.cmd.publish(cancelChannel(this.queueName), id);
    const job = known ?? (await this.queue!.getJob(id));
    if (job) {
      try {
        await job.remove();
      } catch (err) {
        // Locked by a live worker: the cancel mark stops it, and its outcome is ignored (the record is final).
        if (isConnectionError(err)) throw err;
      }
    }
    this.purge.delete(id);
  }

  /** Brings local records in line with BullMQ: missed outcomes, lost jobs, workers that vanished. */
  private reconcile(): Promise<void> {
    if (this.reconciling || !this.available()) return this.reconciling ?? Promise.resolve();
    this.reconciling = (async () => {
      for (const id of [...this.purge]) {
        if (this.closed) return;
        await this.purgeOne(id);
      }
      // Jobs followed by a submitter that is gone (this one restarted): this one follows them now.
      for (const orphan of this.core.orphans()) this.core.adopt(orphan.id);
      for (const rec of this.core.list({ states: ['queued', 'running'] })) {
        if (this.closed || !this.available()) return;
        // Jobs the core serves or holds back never went to Redis.
        if (this.adding.has(rec.id) || this.core.holds(rec.id)) continue;
        const job = await this.queue!.getJob(rec.id);
        if (this.closed) return;
        const state = job ? await job.getState() : 'missing';
        if (state === 'completed') this.apply(rec.id, toSettled(job!.returnvalue));
        else if (state === 'failed') this.apply(rec.id, failureToSettled(job!.failedReason));
        else if (state === 'missing' || state === 'unknown') await this.lost(rec);
        else if (state === 'active') {
          this.onActive(rec.id);
          await this.checkLock(rec, job!);
        } else this.lockMissing.delete(rec.id);
      }
    })()
      .catch((err: unknown) => this.link.noteError(err, 'reconcile'))
      .finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  /** A job Redis no longer has (restarted without its data, or flushed). */
  private async lost(rec: JobRecord): Promise<void> {
    // A recheck: it may have ended between the listing and now.
    const now = this.core.get(rec.id);
    if (!now || (now.state !== 'queued' && now.state !== 'running')) return;
    if (now.state === 'running') {
      this.fail(now, queueLostError('Redis no longer has the job; it was probably restarted without its data'), 'Redis lost it while it ran');
      // Its worker may still be training it, for nothing: tell it to stop.
      this.purge.add(now.id);
      return;
    }
    // It never started, so nothing can have run twice: queue it again.
    await this.add(now);
    this.core.log(`[jobs] job ${now.id} was queued but Redis no longer had it (restarted without its data?); queued it again.`);
  }

  /**
   * A live worker renews its job's lock every few seconds; a lock that stays
   * gone across two checks means the worker is (BullMQ's own stalled check
   * uses the same key, but needs another worker to run it).
   */
  private async checkLock(rec: JobRecord, job: Job): Promise<void> {
    const locked = await this.cmd.exists(`${this.queue!.toKey(rec.id)}:lock`);
    if (locked) {
      this.lockMissing.delete(rec.id);
      return;
    }
    const seen = (this.lockMissing.get(rec.id) ?? 0) + 1;
    this.lockMissing.set(rec.id, seen);
    if (seen < 2) return;
    // Still active and still unlocked: re-read the state once more, it may have finished just now.
    const state = await job.getState();
    if (state !== 'active') return;
    await this.failLostWorker(rec, job, 'its worker stopped renewing the job\'s lock in Redis (killed, or its machine lost)');
  }
}
