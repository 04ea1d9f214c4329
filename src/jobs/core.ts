/**
 * The submitting side that both queue backends compose: the records
 * (SQLite), the events, `get / list / subscribe / waitFor`, admitting a
 * submission, "finish and emit", and the end-of-run recorder. A backend adds
 * only how a job reaches a worker and how its outcome comes back (in-process
 * children for the embedded queue, BullMQ for Redis).
 *
 * It also keeps the promises every job relies on, whichever backend runs it:
 * - ownership: this queue is an owner instance with a heartbeat (owners.ts),
 *   so a dead owner's jobs are recognised even when its pid was reused;
 * - a deadline on this side too: a running job with no outcome by its time
 *   limit plus a margin is handed to the backend's `overdue`, which must end it;
 * - a full disk: a chart that cannot be written leaves the job finished
 *   with a notice; a final state that cannot be written is announced at once
 *   and written as soon as the disk accepts it; a submission that cannot be
 *   stored is refused with a message, leaving nothing behind;
 * - retention: finished jobs and their files older than `retentionDays` are
 *   pruned at start and daily;
 * - a class at once (with `runCache`): a submission identical to a finished
 *   deterministic run (run-key.ts) is served from it, its progress replayed
 *   quickly, with a notice saying so; one identical to a run still queued or
 *   running waits for that run and is then served from it (or trains, if that
 *   run was cancelled, timed out or crashed). Kept: successes and NaN
 *   failures, as deterministic as each other; bounded (run-cache.ts).
 */
import type { Bilingual } from '../core/lang.ts';
import { databasePath, openDatabase, type Db } from '../storage/db.ts';
import type { EpochEvent } from '../training/types.ts';
import { Condition, seconds } from './condition.ts';
import { checkCancellable, isFinal, JobEvents } from './events.ts';
import { JobFiles } from './files.ts';
import { newJobId } from './ids.ts';
import { CHART_NOT_SAVED, internalError, SERVED_FROM_FINISHED_RUN, storageUnavailable, tooManyJobs } from './messages.ts';
import type { Settled } from './outcome.ts';
import { OwnerRegistry } from './owners.ts';
import { keepable, replayEvents, RUN_CACHE_DEFAULTS, RunCache, type CachedRun } from './run-cache.ts';
import type { RunKeyer } from './run-key.ts';
import { JobStore, type Finish } from './store.ts';
import type { JobEvent, JobRecord, JobState, JobSubmission, SubmissionValidator } from './types.ts';

const DAY_MS = 24 * 3600 * 1000;

export interface CoreOptions {
  dataDir: string;
  /** An open database to share (not closed by `close`); otherwise `<dataDir>/tasuke.db` is opened. */
  db?: Db;
  /** The time limit of a run. */
  timeoutMs: number;
  maxQueuedPerUser: number;
  validate: SubmissionValidator;
  /** Already redacting (see `createJobQueue`). */
  log: (line: string) => void;
  /** Finished jobs and their files older than this many days are pruned (default 14). */
  retentionDays?: number;
  /** A running job with no outcome by start + time limit + this margin is overdue (default 60 s). */
  deadlineMarginMs?: number;
  /** How often heartbeats, deadlines and unwritten final states are looked at (default 5 s). */
  sweepMs?: number;
  /** How often retention runs after the start (default daily). */
  pruneEveryMs?: number;
  /** When an owner on another host, or without readable process start times, counts as dead (default 60 s). */
  ownerStaleMs?: number;
  /** Serve identical deterministic runs from finished ones (run-cache.ts); absent: every submission trains. */
  runCache?: RunCacheSettings;
}

export interface RunCacheSettings {
  /** What makes two submissions the same run (run-key.ts's `lessonRunKeyer`). */
  keyer: RunKeyer;
  /** Most runs kept (default 500; 0 turns the cache off). */
  maxEntries?: number;
  /** Most bytes kept, results and PNGs together (default 64 MiB). */
  maxBytes?: number;
  /** How long replaying a kept run's progress takes at most (default 1 s). */
  replayMs?: number;
}

/** What a backend does at the core's regular checks. */
export interface CoreBackend {
  /** A running job owned here passed its deadline without an outcome: the backend must end it (it may look first). */
  overdue(rec: JobRecord): void | Promise<void>;
  /** Backend checks at every sweep (orphans, reconciliation, a pool to refill). */
  sweep?(): void | Promise<void>;
  /**
   * Hands the backend a queued job the core held back (it waited for an
   * identical run that then did not succeed): the backend queues it as if it
   * had just been submitted.
   */
  dispatch(rec: JobRecord): void | Promise<void>;
}

interface PendingFinish {
  finish: Finish;
  from: readonly JobState[];
  at: number;
  record: JobRecord;
}

function isStorageError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_') || ['ENOSPC', 'EROFS', 'EIO', 'EDQUOT'].includes(code));
}

export class SubmitCore {
  readonly store: JobStore;
  readonly files: JobFiles;
  readonly owners: OwnerRegistry;
  readonly events: JobEvents;
  /** This queue's owner id, recorded on the jobs it runs. */
  readonly instance = newJobId();
  readonly log: (line: string) => void;
  readonly timeoutMs: number;
  readonly deadlineMarginMs: number;
  /** The database refusing writes (a full or read-only disk). */
  readonly storage: Condition;
  /** The charts folder refusing writes. */
  readonly chartStorage: Condition;
  private readonly db: Db;
  private readonly ownsDb: boolean;
  private readonly retentionDays: number;
  /** Final states announced but not yet written (the disk refused them). */
  private readonly pending = new Map<string, PendingFinish>();
  private sweepTimer?: NodeJS.Timeout;
  private pruneTimer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private backend?: CoreBackend;
  private closed = false;
  /** Kept finished runs, when the run cache is on. */
  readonly runCache?: RunCache;
  private readonly keyer?: RunKeyer;
  private readonly replayMs: number;
  /** Run keys of the jobs admitted here and not yet ended. */
  private readonly keys = new Map<string, string>();
  /** The job training each key now (queued or running), and the jobs waiting for it. */
  private readonly leaders = new Map<string, { id: string; followers: JobRecord[] }>();
  /** Jobs being served from a kept run (replaying), with what stops the replay. */
  private readonly serving = new Map<string, AbortController>();

  constructor(private readonly opts: CoreOptions) {
    for (const [k, v] of [['timeoutMs', opts.timeoutMs], ['maxQueuedPerUser', opts.maxQueuedPerUser]] as const) {
      if (!Number.isFinite(v) || v < 1) throw new Error(`job queue: ${k} must be >= 1, got ${v}`);
    }
    const days = opts.retentionDays ?? 14;
    if (!Number.isFinite(days) || days <= 0) throw new Error(`job queue: retentionDays must be > 0, got ${days}`);
    this.retentionDays = days;
    this.log = opts.log;
    this.timeoutMs = opts.timeoutMs;
    this.deadlineMarginMs = opts.deadlineMarginMs ?? 60_000;
    this.ownsDb = !opts.db;
    this.db = opts.db ?? openDatabase(databasePath(opts.dataDir));
    try {
      this.store = new JobStore(this.db);
      this.owners = new OwnerRegistry(this.db, { staleMs: opts.ownerStaleMs });
      this.owners.register(this.instance);
      this.files = new JobFiles(opts.dataDir);
      if (opts.runCache) {
        this.runCache = new RunCache(this.db, this.files, {
          maxEntries: opts.runCache.maxEntries ?? RUN_CACHE_DEFAULTS.maxEntries,
          maxBytes: opts.runCache.maxBytes ?? RUN_CACHE_DEFAULTS.maxBytes,
        });
        if (this.runCache.enabled) this.keyer = opts.runCache.keyer;
      }
    } catch (err) {
      if (this.ownsDb) this.db.close();
      throw err;
    }
    this.replayMs = opts.runCache?.replayMs ?? 1000;
    this.events = new JobEvents(this.log);
    this.storage = new Condition(this.log, {
      down: (d) => `[jobs] database: cannot write (${d}); new submissions are refused, and finished jobs are kept in memory until it can.`,
      up: (ms) => `[jobs] database: writable again after ${seconds(ms)}.`,
    });
    this.chartStorage = new Condition(this.log, {
      down: (d) => `[jobs] charts: cannot write in ${this.files.dir} (${d}); jobs finish without their chart, with a notice.`,
      up: (ms) => `[jobs] charts: writable again after ${seconds(ms)}.`,
    });
  }

  /** Starts the regular checks with `backend`, and prunes once now. */
  start(backend: CoreBackend): void {
    this.backend = backend;
    this.prune();
    this.sweepTimer = setInterval(() => void this.sweep(), this.opts.sweepMs ?? 5000);
    this.sweepTimer.unref();
    this.pruneTimer = setInterval(() => this.prune(), this.opts.pruneEveryMs ?? DAY_MS);
    this.pruneTimer.unref();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  assertOpen(): void {
    if (this.closed) throw new Error('The job queue is closed.');
  }

  // --- submitting ---

  /**
   * Validates and stores a queued job without announcing it; the backend
   * hands it to its queue, then calls `announce` (or `discard` if it could not).
   */
  async admit(submission: JobSubmission): Promise<JobRecord> {
    this.assertOpen();
    await this.opts.validate(submission);
    const key = await this.runKey(submission);
    let inserted: { record?: JobRecord; active: number };
    try {
      inserted = this.store.insertIfUnderLimit(newJobId(), submission, this.opts.maxQueuedPerUser);
    } catch (err) {
      if (!isStorageError(err)) throw err;
      this.storage.fail(`new job: ${(err as Error).message}`);
      throw storageUnavailable();
    }
    this.storage.ok();
    if (!inserted.record) throw tooManyJobs(this.opts.maxQueuedPerUser, inserted.active);
    if (key) this.keys.set(inserted.record.id, key);
    return inserted.record;
  }

  /** The submission's run key, when the run cache is on (a keyer that fails only costs the cache). */
  private async runKey(submission: JobSubmission): Promise<string | undefined> {
    if (!this.keyer) return undefined;
    try {
      return await this.keyer(submission);
    } catch (err) {
      this.log(`[jobs] run cache: no key for a ${submission.lesson} submission: ${(err as Error).message}`);
      return undefined;
    }
  }

  /**
   * After `admit`: takes the job over when an identical run makes training it
   * unnecessary, announcing it. Served at once from a kept finished run, or
   * held (queued) until the identical run still in flight ends. False when
   * the job must train: the backend queues and announces it as usual (and
   * it is the run later identical submissions wait for).
   */
  hold(rec: JobRecord): boolean {
    const key = this.keys.get(rec.id);
    if (!key || !this.runCache) return false;
    let cached: CachedRun | undefined;
    try {
      cached = this.runCache.lookup(key);
    } catch (err) {
      this.log(`[jobs] run cache: lookup failed: ${(err as Error).message}`);
    }
    if (cached) {
      this.announce(rec);
      this.serve(rec.id, cached);
      return true;
    }
    const leader = this.leaders.get(key);
    if (leader && leader.id !== rec.id) {
      leader.followers.push(rec);
      this.announce(rec);
      return true;
    }
    this.leaders.set(key, { id: rec.id, followers: [] });
    return false;
  }

  /** Whether the core itself runs this job (served from a kept run, or waiting for an identical one): no backend has it. */
  holds(id: string): boolean {
    if (this.serving.has(id)) return true;
    for (const l of this.leaders.values()) if (l.followers.some((f) => f.id === id)) return true;
    return false;
  }

  /** Stops a job the core is serving from a kept run, as cancelled; false if it is not serving it. */
  cancelServed(id: string): boolean {
    const replay = this.serving.get(id);
    if (!replay) return false;
    replay.abort();
    this.serving.delete(id);
    return this.end(id, { state: 'cancelled' }, ['running']);
  }

  /** Serves a job from a kept run: running at once, its progress replayed quickly, then the kept result, chart and images. */
  private serve(id: string, run: CachedRun): void {
    if (!this.claim(id)) return;
    const controller = new AbortController();
    this.serving.set(id, controller);
    const events = replayEvents(run.result);
    const step = events.length > 0 ? Math.min(100, this.replayMs / events.length) : 0;
    void (async () => {
      for (const event of events) {
        await new Promise((r) => setTimeout(r, step));
        if (controller.signal.aborted || this.closed) return;
        this.progress(id, event);
      }
      if (controller.signal.aborted || this.closed) return;
      this.serving.delete(id);
      const settled: Settled = {
        finish: { state: run.state, result: run.result, reading: run.reading, error: run.error, notice: SERVED_FROM_FINISHED_RUN },
        chartPngBase64: run.chartPngBase64,
      };
      this.record(id, settled, ['running']);
    })().catch((err: unknown) => {
      this.serving.delete(id);
      this.log(`[jobs] serving job ${id} from a finished run failed: ${(err as Error).stack ?? String(err)}`);
      this.end(id, { state: 'failed', error: internalError(`serving a finished run: ${(err as Error).message}`) }, ['running']);
    });
  }

  /**
   * A job left the core's hands (ended, or discarded): forgets its key; if it
   * was the run others waited for, keeps it when it succeeded and serves them
   * from it, or hands them to the backend to train.
   */
  private settleKey(id: string): void {
    const key = this.keys.get(id);
    if (!key) return;
    this.keys.delete(id);
    const leader = this.leaders.get(key);
    if (!leader) return;
    if (leader.id !== id) {
      // A follower ended (cancelled while it waited).
      leader.followers = leader.followers.filter((f) => f.id !== id);
      return;
    }
    this.leaders.delete(key);
    const rec = this.get(id);
    // A run whose chart could not be saved (it has a notice) is not kept: it is not whole.
    if (rec && keepable(rec) && !rec.notice && this.runCache) {
      try {
        this.runCache.remember(key, rec);
      } catch (err) {
        this.log(`[jobs] run cache: could not keep the run of job ${id}: ${(err as Error).message}`);
      }
    }
    const waiting = leader.followers.filter((f) => this.store.get(f.id)?.state === 'queued');
    if (waiting.length === 0) return;
    const cached = this.closed ? undefined : this.runCache?.lookup(key);
    if (cached) {
      for (const f of waiting) this.serve(f.id, cached);
      return;
    }
    // The run ended in a way that says nothing about theirs (cancelled, timed out, crashed), or could
    // not be kept: the first waiting job trains, the rest wait for it.
    const [next, ...rest] = waiting;
    this.leaders.set(key, { id: next!.id, followers: rest });
    void Promise.resolve(this.backend?.dispatch(next!)).catch((err: unknown) => this.log(`[jobs] could not queue job ${next!.id}: ${(err as Error).message}`));
  }

  /** Tells listeners about a job now in its queue. */
  announce(rec: JobRecord): void {
    this.events.emit({ type: 'state', job: rec });
  }

  /** Forgets a job its queue never took: no row is left to count against the person's limit. */
  discard(id: string): void {
    try {
      this.store.remove(id);
    } catch (err) {
      this.log(`[jobs] could not remove job ${id} after its enqueue failed: ${(err as Error).message}`);
    }
    this.settleKey(id);
  }

  // --- reading ---

  get(id: string): JobRecord | undefined {
    const pending = this.pending.get(id);
    if (pending) return withImages(pending.record);
    const rec = this.store.get(id);
    return rec && withImages(rec);
  }

  list(filter: { userId?: string; states?: readonly JobState[] } = {}): JobRecord[] {
    if (this.pending.size === 0) return this.store.list(filter).map(withImages);
    // Some final states are only in memory: filter on the states as announced.
    const rows = this.store.list({ userId: filter.userId }).map((r) => this.pending.get(r.id)?.record ?? r);
    return rows.filter((r) => !filter.states || filter.states.includes(r.state)).map(withImages);
  }

  subscribe(listener: (event: JobEvent) => void): () => void {
    return this.events.subscribe(listener);
  }

  waitFor(id: string, timeoutMs?: number): Promise<JobRecord> {
    return this.events.waitFor(id, async () => this.get(id), timeoutMs);
  }

  /** The record `userId` may cancel, or the UserError saying why not. */
  cancellable(id: string, userId?: string): JobRecord {
    return checkCancellable(id, this.get(id), userId);
  }

  // --- lifecycle ---

  /** queued → running, owned by this queue; emits. False if it is not queued (or the disk refused). */
  claim(id: string): boolean {
    let claimed: boolean;
    try {
      claimed = this.store.claim(id, this.instance);
    } catch (err) {
      if (!isStorageError(err)) throw err;
      this.storage.fail(`starting job ${id}: ${(err as Error).message}`);
      return false;
    }
    this.storage.ok();
    if (claimed) this.events.emit({ type: 'state', job: this.get(id)! });
    return claimed;
  }

  /** Makes this queue the owner of a running job (its previous owner is gone). */
  adopt(id: string): void {
    this.store.setOwner(id, this.instance);
  }

  progress(id: string, event: EpochEvent): void {
    try {
      this.store.progress(id, event);
    } catch (err) {
      // Progress is for watching; losing some is fine.
      if (!isStorageError(err)) throw err;
      this.storage.fail(`progress of job ${id}: ${(err as Error).message}`);
    }
    this.events.emit({ type: 'progress', jobId: id, event });
  }

  /**
   * The end-of-run recorder: writes the chart and images, then ends the job
   * with what the run produced. What cannot be written is left out with a
   * notice for the participant; the job ends either way. False if the job was
   * not in one of `from`.
   */
  record(id: string, settled: Settled, from: readonly JobState[]): boolean {
    const rec = this.get(id);
    if (!rec || !from.includes(rec.state)) return false;
    const finish: Finish = { ...settled.finish };
    let notice: Bilingual | undefined;
    if (settled.chartPngBase64) {
      try {
        finish.chartPath = this.files.writeChart(id, settled.chartPngBase64);
        this.chartStorage.ok();
      } catch (err) {
        this.chartStorage.fail(`chart of job ${id}: ${(err as Error).message}`);
        notice = CHART_NOT_SAVED;
      }
    }
    if (finish.result?.images?.length) {
      try {
        finish.result = this.files.storeImages(id, finish.result);
      } catch (err) {
        this.chartStorage.fail(`images of job ${id}: ${(err as Error).message}`);
        finish.result = JobFiles.withoutImages(finish.result);
        notice = CHART_NOT_SAVED;
      }
    }
    if (notice) finish.notice = notice;
    return this.end(id, finish, from);
  }

  /**
   * Finish and emit: moves a job from one of `from` to its final state and
   * tells listeners. When the database refuses the write, the final state is
   * announced anyway and written at a later sweep. False if the job was not
   * in one of `from`.
   */
  end(id: string, finish: Finish, from: readonly JobState[] = ['queued', 'running']): boolean {
    if (this.pending.has(id)) return false;
    const now = Date.now();
    try {
      if (!this.store.finish(id, finish, from, now)) return false;
    } catch (err) {
      if (!isStorageError(err)) throw err;
      this.storage.fail(`end of job ${id}: ${(err as Error).message}`);
      const rec = this.store.get(id);
      if (!rec || !from.includes(rec.state)) return false;
      const record: JobRecord = { ...rec, ...finish, finishedAt: now };
      this.pending.set(id, { finish, from, at: now, record });
      this.serving.delete(id);
      this.events.emit({ type: 'state', job: withImages(record) });
      this.settleKey(id);
      return true;
    }
    this.storage.ok();
    this.serving.delete(id);
    this.events.emit({ type: 'state', job: this.get(id)! });
    this.settleKey(id);
    return true;
  }

  /** Running jobs whose owner is dead (a process that stopped, or a closed queue). */
  orphans(): JobRecord[] {
    const now = Date.now();
    return this.store.orphans((owner) => owner === this.instance || this.owners.isAlive(owner, now)).filter((r) => !this.pending.has(r.id));
  }

  /** Running jobs this queue owns, with the time by which each must have an outcome. */
  ownedRunning(): { record: JobRecord; deadline: number }[] {
    return this.store
      .running()
      .filter((j) => j.owner === this.instance && !this.pending.has(j.record.id) && !this.serving.has(j.record.id))
      .map((j) => ({ record: j.record, deadline: (j.record.startedAt ?? j.record.createdAt) + this.timeoutMs + this.deadlineMarginMs }));
  }

  /** One round of the regular checks (also run by tests and by backends after an outage). */
  sweep(): Promise<void> {
    if (this.sweeping || this.closed) return this.sweeping ?? Promise.resolve();
    this.sweeping = (async () => {
      try {
        this.owners.beat(this.instance);
      } catch (err) {
        if (!isStorageError(err)) throw err;
        this.storage.fail(`heartbeat: ${(err as Error).message}`);
      }
      this.writePending();
      const now = Date.now();
      for (const { record, deadline } of this.ownedRunning()) {
        if (this.closed) return;
        if (deadline < now) await this.backend?.overdue(record);
      }
      if (!this.closed) await this.backend?.sweep?.();
    })()
      .catch((err: Error) => this.log(`[jobs] sweep: ${err.message}`))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private writePending(): void {
    for (const [id, p] of [...this.pending]) {
      try {
        this.store.finish(id, p.finish, p.from, p.at);
        // Written, or the row moved on meanwhile (pruned, ended elsewhere): either way nothing is left to write.
        this.pending.delete(id);
        this.storage.ok();
      } catch (err) {
        if (isStorageError(err)) return;
        this.log(`[jobs] could not write the end of job ${id}: ${(err as Error).message}`);
        this.pending.delete(id);
      }
    }
  }

  /**
   * Retention: deletes finished jobs that ended more than `retentionDays`
   * ago with their files, stray chart files as old, and long-gone owners.
   */
  prune(now = Date.now()): { jobs: number; files: number } {
    const cutoff = now - this.retentionDays * DAY_MS;
    try {
      const old = this.store.pruneFinished(cutoff);
      for (const rec of old) this.files.remove(JobFiles.pathsOf(rec.chartPath, rec.result));
      const runs = this.runCache?.prune(cutoff) ?? 0;
      const keep = this.store.ids();
      for (const stem of this.runCache?.fileStems() ?? []) keep.add(stem);
      const strays = this.files.pruneOlderThan(cutoff, keep);
      this.owners.prune(cutoff);
      if (old.length || strays || runs) {
        this.log(
          `[jobs] retention: removed ${old.length} job record(s)${runs ? `, ${runs} kept run(s) unused` : ''} and ${strays} stray chart file(s) older than ${this.retentionDays} day(s).`,
        );
      }
      return { jobs: old.length, files: strays };
    } catch (err) {
      this.log(`[jobs] retention: ${(err as Error).message}`);
      return { jobs: 0, files: 0 };
    }
  }

  /** Stops the checks and marks this owner closed (its running jobs become orphans); closes the database if it opened it. */
  async close(reason = 'The job queue was closed.'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    // Replays stop where they are: those jobs stay running, for the next open to recover (as any running job).
    for (const replay of this.serving.values()) replay.abort();
    this.serving.clear();
    await this.sweeping;
    this.writePending();
    try {
      this.owners.close(this.instance);
    } catch (err) {
      this.log(`[jobs] could not mark queue ${this.instance} closed: ${(err as Error).message}`);
    }
    this.events.closeAll(reason);
    if (this.ownsDb) this.db.close();
  }
}

/** A record with its images' PNGs loaded from their files. */
function withImages(rec: JobRecord): JobRecord {
  return rec.result?.images?.length ? { ...rec, result: JobFiles.loadImages(rec.result) } : rec;
}
