/**
 * Job records in SQLite (the `jobs` table of tasuke.db). Both queue backends
 * keep their records here on the submitting side; state changes go through
 * guarded UPDATEs so a record never leaves a final state. Who runs a job is
 * an owner instance (owners.ts), not a bare pid.
 */
import type { Db, Migration } from '../storage/db.ts';
import { migrate } from '../storage/db.ts';
import type { EpochEvent, TrainResult } from '../training/types.ts';
import type { Bilingual } from '../core/lang.ts';
import type { JobError, JobRecord, JobState, JobSubmission } from './types.ts';

export const JOB_MIGRATIONS: readonly Migration[] = [
  {
    id: 'jobs-001-create',
    up: `CREATE TABLE jobs (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('queued','running','succeeded','failed','cancelled')),
      submission TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      started_at INTEGER,
      finished_at INTEGER,
      progress TEXT,
      result TEXT,
      chart_path TEXT,
      reading TEXT,
      error TEXT,
      owner TEXT
    );
    CREATE INDEX jobs_user_state ON jobs (user_id, state);
    CREATE INDEX jobs_state ON jobs (state, created_at);`,
  },
  {
    // Owners that survive pid reuse, a notice for the participant, and an index for retention.
    id: 'jobs-002-owners-notice-retention',
    up: `CREATE TABLE job_owners (
      instance TEXT PRIMARY KEY,
      host TEXT NOT NULL,
      boot_id TEXT,
      pid INTEGER NOT NULL,
      pid_start TEXT,
      started_at INTEGER NOT NULL,
      heartbeat_at INTEGER NOT NULL,
      closed_at INTEGER
    );
    ALTER TABLE jobs ADD COLUMN notice TEXT;
    CREATE INDEX jobs_finished ON jobs (finished_at);`,
  },
];

interface Row {
  id: string;
  user_id: string;
  state: JobState;
  submission: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  progress: string | null;
  result: string | null;
  chart_path: string | null;
  reading: string | null;
  error: string | null;
  owner: string | null;
  notice: string | null;
}

function toRecord(r: Row): JobRecord {
  const rec: JobRecord = {
    id: r.id,
    state: r.state,
    submission: JSON.parse(r.submission) as JobSubmission,
    createdAt: r.created_at,
  };
  if (r.started_at !== null) rec.startedAt = r.started_at;
  if (r.finished_at !== null) rec.finishedAt = r.finished_at;
  if (r.progress !== null) rec.progress = JSON.parse(r.progress) as EpochEvent;
  if (r.result !== null) rec.result = JSON.parse(r.result) as TrainResult;
  if (r.chart_path !== null) rec.chartPath = r.chart_path;
  if (r.reading !== null) rec.reading = r.reading;
  if (r.error !== null) rec.error = JSON.parse(r.error) as JobError;
  if (r.notice !== null) rec.notice = JSON.parse(r.notice) as Bilingual;
  return rec;
}

/** What ends a job: its final state and whatever it produced. */
export interface Finish {
  state: 'succeeded' | 'failed' | 'cancelled';
  result?: TrainResult;
  chartPath?: string;
  reading?: string;
  error?: JobError;
  notice?: Bilingual;
}

/** A running job and the owner instance recorded on it. */
export interface OwnedJob {
  record: JobRecord;
  owner: string | null;
}

export class JobStore {
  constructor(readonly db: Db) {
    migrate(db, JOB_MIGRATIONS);
  }

  /** Inserts a queued job unless the user already has `limit` active ones; returns the active count when refused. */
  insertIfUnderLimit(id: string, submission: JobSubmission, limit: number, now = Date.now()): { record?: JobRecord; active: number } {
    const count = this.db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE user_id = ? AND state IN ('queued','running')`);
    const insert = this.db.prepare(
      `INSERT INTO jobs (id, user_id, state, submission, created_at) VALUES (?, ?, 'queued', ?, ?)`,
    );
    const tx = this.db.transaction(() => {
      const active = (count.get(submission.userId) as { n: number }).n;
      if (active >= limit) return { active };
      insert.run(id, submission.userId, JSON.stringify(submission), now);
      return { record: this.get(id), active: active + 1 };
    });
    // IMMEDIATE takes the write lock first, so two processes cannot both pass the count.
    return tx.immediate();
  }

  /** Deletes a queued job that was never handed to a queue (its enqueue failed); false if it was not queued. */
  remove(id: string): boolean {
    return this.db.prepare(`DELETE FROM jobs WHERE id = ? AND state = 'queued'`).run(id).changes === 1;
  }

  get(id: string): JobRecord | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Newest first. */
  list(filter: { userId?: string; states?: readonly JobState[] } = {}): JobRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.userId !== undefined) {
      where.push('user_id = ?');
      args.push(filter.userId);
    }
    if (filter.states) {
      if (filter.states.length === 0) return [];
      where.push(`state IN (${filter.states.map(() => '?').join(',')})`);
      args.push(...filter.states);
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC`;
    return (this.db.prepare(sql).all(...args) as Row[]).map(toRecord);
  }

  /** Ids of queued jobs, oldest first. */
  queuedIds(): string[] {
    return (this.db.prepare(`SELECT id FROM jobs WHERE state = 'queued' ORDER BY created_at, rowid`).all() as { id: string }[]).map(
      (r) => r.id,
    );
  }

  /** Running jobs with their owners, oldest first. */
  running(): OwnedJob[] {
    const rows = this.db.prepare(`SELECT * FROM jobs WHERE state = 'running' ORDER BY created_at, rowid`).all() as Row[];
    return rows.map((r) => ({ record: toRecord(r), owner: r.owner }));
  }

  /** queued → running for `owner`; false if the job is no longer queued (cancelled, or claimed elsewhere). */
  claim(id: string, owner: string, now = Date.now()): boolean {
    return (
      this.db
        .prepare(`UPDATE jobs SET state = 'running', started_at = ?, owner = ? WHERE id = ? AND state = 'queued'`)
        .run(now, owner, id).changes === 1
    );
  }

  /** Records the latest epoch of a running job. */
  progress(id: string, event: EpochEvent): void {
    this.db.prepare(`UPDATE jobs SET progress = ? WHERE id = ? AND state = 'running'`).run(JSON.stringify(event), id);
  }

  /**
   * Moves a job from one of `from` to its final state; false (and nothing
   * written) if it was not in one of them.
   */
  finish(id: string, f: Finish, from: readonly JobState[] = ['queued', 'running'], now = Date.now()): boolean {
    const info = this.db
      .prepare(
        `UPDATE jobs SET state = ?, finished_at = ?, result = ?, chart_path = ?, reading = ?, error = ?, notice = ?
         WHERE id = ? AND state IN (${from.map(() => '?').join(',')})`,
      )
      .run(
        f.state,
        now,
        f.result ? JSON.stringify(f.result) : null,
        f.chartPath ?? null,
        f.reading ?? null,
        f.error ? JSON.stringify(f.error) : null,
        f.notice ? JSON.stringify(f.notice) : null,
        id,
        ...from,
      );
    return info.changes === 1;
  }

  /** Running jobs whose owner is not alive by `isAlive`. */
  orphans(isAlive: (owner: string | null) => boolean): JobRecord[] {
    return this.running()
      .filter((j) => !isAlive(j.owner))
      .map((j) => j.record);
  }

  /** Marks a running job as owned by `owner` (the Redis backend: the submitter that follows it now). */
  setOwner(id: string, owner: string): void {
    this.db.prepare(`UPDATE jobs SET owner = ? WHERE id = ? AND state = 'running'`).run(owner, id);
  }

  /**
   * Deletes finished jobs that ended before `cutoff` and returns them (for
   * their files). Queued and running jobs are never pruned.
   */
  pruneFinished(cutoff: number): JobRecord[] {
    const select = this.db.prepare(
      `SELECT * FROM jobs WHERE state IN ('succeeded','failed','cancelled') AND COALESCE(finished_at, created_at) < ?`,
    );
    const del = this.db.prepare(
      `DELETE FROM jobs WHERE state IN ('succeeded','failed','cancelled') AND COALESCE(finished_at, created_at) < ?`,
    );
    const tx = this.db.transaction(() => {
      const rows = (select.all(cutoff) as Row[]).map(toRecord);
      del.run(cutoff);
      return rows;
    });
    return tx.immediate();
  }

  /** Ids of every job still recorded. */
  ids(): Set<string> {
    return new Set((this.db.prepare('SELECT id FROM jobs').all() as { id: string }[]).map((r) => r.id));
  }
}
