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
 *   pruned at start and daily.
 */
import type { Bilingual } from '../core/lang.ts';
import { databasePath, openDatabase, type Db } from '../storage/db.ts';
import type { EpochEvent } from '../training/types.ts';
import { Condition, seconds } from './condition.ts';
import { checkCancellable, isFinal, JobEvents } from './events.ts';
import { JobFiles } from './files.ts';
import { newJobId } from './ids.ts';
import { CHART_NOT_SAVED, storageUnavailable, tooManyJobs } from './messages.ts';
import type { Settled } from './outcome.ts';
import { OwnerRegistry } from './owners.ts';
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
}

/** What a backend does at the core's regular checks. */
export interface CoreBackend {
  /** A running job owned here passed its deadline without an outcome: the backend must end it (it may look first). */
  overdue(rec: JobRecord): void | Promise<void>;
  /** Backend checks at every sweep (orphans, reconciliation, a pool to refill). */
  sweep?(): void | Promise<void>;
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
    } catch (err) {
      if (this.ownsDb) this.db.close();
      throw err;
    }
    this.files = new JobFiles(opts.dataDir);
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
    return inserted.record;
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
      this.events.emit({ type: 'state', job: withImages(record) });
      return true;
    }
    this.storage.ok();
    this.events.emit({ type: 'state', job: this.get(id)! });
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
      .filter((j) => j.owner === this.instance && !this.pending.has(j.record.id))
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
      const strays = this.files.pruneOlderThan(cutoff, this.store.ids());
      this.owners.prune(cutoff);
      if (old.length || strays) {
        this.log(`[jobs] retention: removed ${old.length} job record(s) and ${strays} stray chart file(s) older than ${this.retentionDays} day(s).`);
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
