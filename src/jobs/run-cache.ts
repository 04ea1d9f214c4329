/**
 * Finished runs kept for identical submissions ("a class at once"). When the
 * instructor says "now run /train mnist", most of the class submits the
 * defaults within a minute; training is deterministic for a seed, so every
 * such run after the first would draw the same curves. A submission whose run
 * key (run-key.ts) matches a kept run is served from it: its progress is
 * replayed quickly, the chart and the lesson's images are reused, and the job
 * says so in its notice. Any changed parameter is another key and trains.
 *
 * The kept runs are the `run_cache` table of tasuke.db (the result and the
 * reading) plus copies of their PNGs (`charts/cache_<key>.png`, and
 * `cache_<key>-<n>-<image>.png`), so a kept run outlives the job it came from.
 * They are bounded: at most `maxEntries` runs and `maxBytes` bytes (result,
 * reading and PNGs together); past either, the least recently used go first.
 * Runs not used for longer than the retention period are pruned with the
 * jobs.
 *
 * Kept: runs that succeeded, and runs that failed because the loss became
 * NaN (as deterministic as a success: the same submission blows up at the
 * same epoch; when the instructor says "now try a learning rate of 10", the
 * class is served that failure, with its partial chart and reading). Not
 * kept: cancelled runs, time-outs, crashes, anything that depends on more
 * than the submission.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { migrate, type Db, type Migration } from '../storage/db.ts';
import type { EpochEvent, LessonImage, TrainResult } from '../training/types.ts';
import type { JobFiles } from './files.ts';
import type { JobError, JobRecord } from './types.ts';

/** The `run_cache` table of tasuke.db. */
export const RUN_CACHE_MIGRATIONS: readonly Migration[] = [
  {
    id: 'run-cache-001-create',
    up: `CREATE TABLE run_cache (
      key TEXT PRIMARY KEY,
      lesson TEXT NOT NULL,
      result TEXT NOT NULL,
      reading TEXT,
      chart_path TEXT,
      bytes INTEGER NOT NULL,
      source_job TEXT,
      created_at INTEGER NOT NULL,
      used_at INTEGER NOT NULL,
      hits INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX run_cache_used ON run_cache (used_at);`,
  },
  {
    // Deterministic failures (the loss became NaN) are kept too.
    id: 'run-cache-002-failures',
    up: `ALTER TABLE run_cache ADD COLUMN state TEXT NOT NULL DEFAULT 'succeeded';
    ALTER TABLE run_cache ADD COLUMN error TEXT;`,
  },
];

/** Whether a finished job is one the cache keeps: a success, or a failure of its loss becoming NaN. */
export function keepable(job: Pick<JobRecord, 'state' | 'error' | 'result'>): boolean {
  return !!job.result && (job.state === 'succeeded' || (job.state === 'failed' && job.error?.code === 'nan'));
}

/** Default bounds: a workshop's worth of distinct runs, a few tens of MB. */
export const RUN_CACHE_DEFAULTS = { maxEntries: 500, maxBytes: 64 * 1024 * 1024 } as const;

/** The bounds of the kept runs. */
export interface RunCacheOptions {
  /** Most runs kept (0 turns the cache off). */
  maxEntries: number;
  /** Most bytes kept: results, readings and PNGs together. */
  maxBytes: number;
}

/** A kept run, with its PNGs read back. */
export interface CachedRun {
  key: string;
  state: 'succeeded' | 'failed';
  /** Why it failed (the loss became NaN), for a kept failure. */
  error?: JobError;
  result: TrainResult;
  reading?: string;
  chartPngBase64?: string;
  createdAt: number;
  hits: number;
}

interface Row {
  key: string;
  lesson: string;
  result: string;
  reading: string | null;
  chart_path: string | null;
  bytes: number;
  source_job: string | null;
  created_at: number;
  used_at: number;
  hits: number;
  state: 'succeeded' | 'failed';
  error: string | null;
}

/** File names of kept runs start with this; JobFiles's stray pruning keeps the ones still in the table. */
export const CACHE_FILE_PREFIX = 'cache_';

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The progress events a finished result's history stands for, in the order the run emitted them. */
export function replayEvents(result: TrainResult): EpochEvent[] {
  const events: EpochEvent[] = [];
  const count = result.series.length;
  result.series.forEach((s, i) => {
    for (const h of s.history) {
      events.push({ ...h, series: s.key, seriesIndex: i, seriesCount: count, totalEpochs: s.params.epochs });
    }
  });
  return events;
}

/** The kept finished runs: lookup by run key, remember, evict (LRU within the bounds), prune (retention). */
export class RunCache {
  readonly maxEntries: number;
  readonly maxBytes: number;

  constructor(
    private readonly db: Db,
    private readonly files: JobFiles,
    opts: RunCacheOptions,
  ) {
    for (const [k, v] of [['maxEntries', opts.maxEntries], ['maxBytes', opts.maxBytes]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new Error(`run cache: ${k} must be an integer >= 0, got ${v}`);
    }
    this.maxEntries = opts.maxEntries;
    this.maxBytes = opts.maxBytes;
    migrate(db, RUN_CACHE_MIGRATIONS);
  }

  get enabled(): boolean {
    return this.maxEntries > 0 && this.maxBytes > 0;
  }

  /** The kept run for `key`, marked used now; undefined when there is none or its files are gone. */
  lookup(key: string, now = Date.now()): CachedRun | undefined {
    if (!this.enabled) return undefined;
    const row = this.db.prepare('SELECT * FROM run_cache WHERE key = ?').get(key) as Row | undefined;
    if (!row) return undefined;
    const result = JSON.parse(row.result) as TrainResult;
    let chartPngBase64: string | undefined;
    try {
      if (row.chart_path) chartPngBase64 = readFileSync(row.chart_path).toString('base64');
      if (result.images?.length) {
        result.images = result.images.map((img): LessonImage => ({ ...img, pngBase64: readFileSync(img.path!).toString('base64'), path: undefined }));
      }
    } catch {
      // A file went missing (removed by hand, a disk replaced): the run is no longer whole.
      this.remove(key);
      return undefined;
    }
    this.db.prepare('UPDATE run_cache SET used_at = ?, hits = hits + 1 WHERE key = ?').run(now, key);
    const run: CachedRun = { key, state: row.state, result, createdAt: row.created_at, hits: row.hits + 1 };
    if (row.error !== null) run.error = JSON.parse(row.error) as JobError;
    if (row.reading !== null) run.reading = row.reading;
    if (chartPngBase64) run.chartPngBase64 = chartPngBase64;
    return run;
  }

  /**
   * Keeps the run of a job that finished (its chart and images already
   * written as the job's files), if it is `keepable`, then evicts the least
   * recently used runs beyond the bounds. A run larger than `maxBytes` alone
   * is not kept.
   */
  remember(key: string, job: JobRecord, now = Date.now()): boolean {
    if (!this.enabled || !keepable(job) || !job.result) return false;
    if (this.db.prepare('SELECT 1 FROM run_cache WHERE key = ?').get(key)) return false;
    const base = `${CACHE_FILE_PREFIX}${key.slice(0, 32)}`;
    const written: string[] = [];
    try {
      mkdirSync(this.files.dir, { recursive: true });
      let chartPath: string | null = null;
      if (job.chartPath) {
        chartPath = join(this.files.dir, `${base}.png`);
        copyFileSync(job.chartPath, chartPath);
        written.push(chartPath);
      }
      const result: TrainResult = { ...job.result };
      if (result.images?.length) {
        result.images = result.images.map((img, i): LessonImage => {
          if (!img.path) throw new Error(`image ${img.key} of job ${job.id} has no file`);
          const path = join(this.files.dir, `${base}-${i}-${img.key.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40)}.png`);
          copyFileSync(img.path, path);
          written.push(path);
          return { key: img.key, title: img.title, pngBase64: '', path };
        });
      }
      const text = JSON.stringify(result);
      const bytes = text.length + (job.reading?.length ?? 0) + written.reduce((n, p) => n + fileSize(p), 0);
      if (bytes > this.maxBytes) throw new Error(`a run of ${bytes} bytes is larger than the cache (${this.maxBytes} bytes)`);
      this.db
        .prepare(
          `INSERT INTO run_cache (key, lesson, result, reading, chart_path, bytes, source_job, created_at, used_at, hits, state, error)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
        )
        .run(key, result.lesson, text, job.reading ?? null, chartPath, bytes, job.id, now, now, job.state, job.error ? JSON.stringify(job.error) : null);
    } catch (err) {
      for (const p of written) rmSync(p, { force: true });
      throw err;
    }
    this.evict();
    return true;
  }

  /** Removes the least recently used runs until both bounds hold. Returns how many it removed. */
  evict(): number {
    const total = () => this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM run_cache').get() as { n: number; b: number };
    let removed = 0;
    for (let t = total(); t.n > this.maxEntries || t.b > this.maxBytes; t = total()) {
      const oldest = this.db.prepare('SELECT key FROM run_cache ORDER BY used_at, rowid LIMIT 1').get() as { key: string } | undefined;
      if (!oldest) break;
      this.remove(oldest.key);
      removed++;
    }
    return removed;
  }

  /** Removes runs not used since `cutoff` (retention). Returns how many. */
  prune(cutoff: number): number {
    const keys = (this.db.prepare('SELECT key FROM run_cache WHERE used_at < ?').all(cutoff) as { key: string }[]).map((r) => r.key);
    for (const k of keys) this.remove(k);
    return keys.length;
  }

  /** How many runs and bytes are kept. */
  size(): { entries: number; bytes: number } {
    const t = this.db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM run_cache').get() as { n: number; b: number };
    return { entries: t.n, bytes: t.b };
  }

  /** The file-name stems (`cache_<key>`) of the kept runs, for the charts folder's stray pruning. */
  fileStems(): Set<string> {
    const rows = this.db.prepare('SELECT key FROM run_cache').all() as { key: string }[];
    return new Set(rows.map((r) => `${CACHE_FILE_PREFIX}${r.key.slice(0, 32)}`));
  }

  private remove(key: string): void {
    const row = this.db.prepare('SELECT * FROM run_cache WHERE key = ?').get(key) as Row | undefined;
    if (!row) return;
    this.db.prepare('DELETE FROM run_cache WHERE key = ?').run(key);
    const paths = row.chart_path ? [row.chart_path] : [];
    for (const img of (JSON.parse(row.result) as TrainResult).images ?? []) if (img.path) paths.push(img.path);
    this.files.remove(paths);
  }
}
