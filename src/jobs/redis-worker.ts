/**
 * The working side of the Redis backend (`tasuke worker`, on a GPU machine):
 * takes jobs from BullMQ and runs each in a worker child process exactly as
 * the embedded backend does. Every outcome, including failures of the run,
 * comes back as the BullMQ job's return value, with the chart PNG in base64
 * because the submitter may be on another machine. A BullMQ failure therefore
 * means the worker itself was lost (a stalled job).
 *
 * Cancellation of a running job comes over a pub/sub channel (plus a key
 * checked when a job is taken, for a job taken just as it was cancelled).
 * Redis outages are logged once when they start and once when they end.
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { hostname } from 'node:os';
import type { Config } from '../config.ts';
import { restartError } from './messages.ts';
import { settle } from './outcome.ts';
import {
  cancelChannel,
  cancelKey,
  DEFAULT_QUEUE_NAME,
  probeRedis,
  RedisLink,
  unreachableError,
  within,
  type RemoteJobData,
  type RemoteOutcome,
} from './redis-link.ts';
import { ChildPool, type RunOutcome } from './runner.ts';

/** How often a running job's cancel mark is looked at. */
const CANCEL_POLL_MS = 2000;

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
  /** Strings to hide from every log line besides the Redis password. */
  secrets?: readonly string[];
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
  private readonly link: RedisLink;
  private readonly worker: Worker<RemoteJobData, RemoteOutcome>;
  private readonly sub: Redis;
  private readonly cmd: Redis;
  private readonly controllers = new Map<string, AbortController>();
  private readonly log: (line: string) => void;
  private readonly queueName: string;
  private readonly name = `${hostname()}:${process.pid}`;
  private closing = false;

  private constructor(private readonly opts: RedisWorkerOptions) {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) {
      throw new Error(`RedisTrainingWorker: concurrency must be an integer >= 1, got ${opts.concurrency}`);
    }
    const log = opts.log ?? ((l) => console.error(l));
    this.queueName = opts.queueName ?? DEFAULT_QUEUE_NAME;
    this.link = new RedisLink({
      url: opts.redisUrl,
      name: 'worker',
      log,
      secrets: opts.secrets,
      downNote: 'no new jobs are taken, and results of running ones cannot be sent, until it is back',
    });
    this.log = (l) => log(this.link.redact(l));
    this.pool = new ChildPool({ keepIdle: opts.concurrency, graceMs: opts.graceMs, env: opts.childEnv });
    this.sub = this.link.client('blocking');
    this.cmd = this.link.client('command');
    this.sub.on('message', (_channel: string, id: string) => this.controllers.get(id)?.abort());
    this.worker = new Worker<RemoteJobData, RemoteOutcome>(this.queueName, (job) => this.process(job), {
      connection: this.link.client('blocking'),
      concurrency: opts.concurrency,
      name: this.name,
      // A job whose worker vanished is failed (and reported), not run again: it would likely crash again.
      maxStalledCount: 0,
      // BullMQ merges options over its defaults with Object.assign: an undefined here would erase one.
      ...(opts.lockDurationMs !== undefined ? { lockDuration: opts.lockDurationMs } : {}),
      ...(opts.stalledIntervalMs !== undefined ? { stalledInterval: opts.stalledIntervalMs } : {}),
      autorun: false,
    });
    this.worker.on('error', (err) => this.link.noteError(err, 'worker'));
  }

  /** Starts taking jobs; a ConfigError (URL without its password, the real cause, how to start Redis) if Redis cannot be reached. */
  static async start(opts: RedisWorkerOptions): Promise<RedisTrainingWorker> {
    const probe = await probeRedis(opts.redisUrl);
    if (!probe.ok) throw unreachableError(opts.redisUrl, probe.cause);
    const w = new RedisTrainingWorker(opts);
    try {
      if (!(await w.link.waitUp(10_000))) throw unreachableError(opts.redisUrl, w.link.lastCause ?? 'no connection within 10 s');
      await w.sub.subscribe(cancelChannel(w.queueName));
      if (opts.warm !== false) await w.pool.warm();
      void w.worker.run().catch((err: unknown) => w.link.noteError(err, 'worker'));
      await w.worker.waitUntilReady();
    } catch (err) {
      await w.close();
      throw err;
    }
    return w;
  }

  /** Process ids of the worker children running jobs now. */
  workerPids(): number[] {
    return this.pool.busyPids();
  }

  /** Stops taking jobs; jobs still running end as failed with code 'restart'. Returns within seconds even when Redis is unreachable. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // Stop taking jobs first, then end the running ones (their children are killed) and report them.
    const wasUp = this.link.up;
    this.link.stopWatching();
    const stopped = this.worker.close();
    await this.pool.close();
    await within(stopped, wasUp ? 10_000 : 2000, () => new Error('close')).catch(() => undefined);
    if (wasUp) await within(Promise.allSettled([this.sub.quit(), this.cmd.quit()]), 2000, () => new Error('quit')).catch(() => undefined);
    this.link.disconnectAll();
    void this.worker.disconnect().catch(() => undefined);
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
    const key = cancelKey(this.queueName, jobId);
    if (await this.cmd.exists(key)) return { state: 'cancelled', worker: this.name };
    // The cancel message may be missed (this worker reconnecting as it was sent): the mark is looked at too.
    const poll = setInterval(() => {
      this.cmd.exists(key).then(
        (n) => n && controller.abort(),
        () => undefined,
      );
    }, CANCEL_POLL_MS);
    let outcome: RunOutcome;
    try {
      outcome = await this.pool.run(
        { jobId, submission, config: this.opts.trainConfig },
        {
          signal: controller.signal,
          timeoutMs: timeoutMs ?? this.opts.timeoutMs,
          onProgress: (event) => {
            progress.push(
              job.updateProgress(event).catch((err: unknown) => {
                // Redis no longer has the job (restarted without its data): nobody can receive the result, so stop.
                if (/Missing key/i.test(String((err as Error)?.message))) controller.abort();
                this.link.noteError(err, `progress of ${jobId}`);
              }),
            );
          },
        },
      );
    } finally {
      clearInterval(poll);
    }
    // Progress first, so the submitter sees every epoch before the outcome.
    await Promise.all(progress);
    if (this.closing && outcome.kind === 'crashed') {
      return { state: 'failed', error: restartError(), worker: this.name };
    }
    const settled = settle(outcome, submission, this.log);
    return { ...settled.finish, chartPngBase64: settled.chartPngBase64, worker: this.name };
  }
}
