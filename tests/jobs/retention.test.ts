/**
 * Retention and images as files, on a real SQLite file and real files:
 * finished jobs and their charts older than the retention age go at start
 * and on the daily pass; queued and running jobs, recent ones and files of
 * kept jobs stay; lesson images live in files, not in rows, and come back
 * when a record is read.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SubmitCore } from '../../src/jobs/core.ts';
import type { JobSubmission } from '../../src/jobs/types.ts';
import type { TrainResult } from '../../src/training/types.ts';
import { linear } from './support/contract.ts';
import { until } from './support/processes.ts';

const DAY = 24 * 3600 * 1000;
// The 8-byte PNG signature and a little more: enough to be a file worth checking.
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(20_000, 7)]).toString('base64');

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function core(dataDir: string, extra: Partial<ConstructorParameters<typeof SubmitCore>[0]> = {}): SubmitCore {
  const c = new SubmitCore({
    dataDir,
    timeoutMs: 60_000,
    maxQueuedPerUser: 100,
    validate: () => undefined,
    log: () => undefined,
    retentionDays: 14,
    ...extra,
  });
  cleanups.push(() => c.close());
  return c;
}

function result(images = true): TrainResult {
  return {
    lesson: 'cnn',
    backend: 'cpu',
    mode: 'single',
    params: { epochs: 1, learningRate: 0.01, batchSize: 32, optimizer: 'adam', seed: 1 },
    history: [{ epoch: 1, loss: 0.5, elapsedMs: 10 }],
    final: { loss: 0.5 },
    series: [],
    seconds: 1,
    images: images ? [{ key: 'kernels/first layer', title: { ja: 'カーネル', en: 'kernels' }, pngBase64: PNG }] : undefined,
  };
}

/** A finished job as the core records it, then dated `ageDays` back (row and files). */
async function finishedJob(c: SubmitCore, sub: JobSubmission, ageDays: number): Promise<string> {
  const rec = await c.admit(sub);
  c.announce(rec);
  c.claim(rec.id);
  c.record(rec.id, { finish: { state: 'succeeded', result: result() }, chartPngBase64: PNG }, ['running']);
  const when = Date.now() - ageDays * DAY;
  c.store.db.prepare('UPDATE jobs SET created_at = ?, started_at = ?, finished_at = ? WHERE id = ?').run(when, when, when, rec.id);
  for (const f of readdirSync(c.files.dir).filter((n) => n.startsWith(rec.id))) utimesSync(join(c.files.dir, f), when / 1000, when / 1000);
  return rec.id;
}

const filesOf = (c: SubmitCore, id: string) => (existsSync(c.files.dir) ? readdirSync(c.files.dir).filter((n) => n.startsWith(id)) : []);

describe('images as files', () => {
  it('keeps lesson images in files, not in the row, and gives them back on read', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tasuke-ret-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const c = core(dataDir);
    const rec = await c.admit(linear('kai'));
    c.claim(rec.id);
    expect(c.record(rec.id, { finish: { state: 'succeeded', result: result() }, chartPngBase64: PNG }, ['running'])).toBe(true);

    const row = c.store.db.prepare('SELECT length(result) AS n, result FROM jobs WHERE id = ?').get(rec.id) as { n: number; result: string };
    // The row holds the image's path, not its 20 KB of PNG.
    expect(row.n).toBeLessThan(2000);
    expect(row.result).not.toContain(PNG.slice(0, 100));
    const back = c.get(rec.id)!;
    expect(back.result?.images).toHaveLength(1);
    expect(back.result?.images?.[0].pngBase64).toBe(PNG);
    expect(back.result?.images?.[0].title.en).toBe('kernels');
    expect(existsSync(back.result!.images![0].path!)).toBe(true);
    expect(back.chartPath).toBe(join(dataDir, 'charts', `${rec.id}.png`));
    expect(filesOf(c, rec.id)).toHaveLength(2);
    // An image whose file is gone leaves the record readable without it.
    rmSync(back.result!.images![0].path!);
    expect(c.get(rec.id)?.result?.images).toEqual([]);
  });
});

describe('retention', () => {
  it('prunes finished jobs and charts older than the retention age at start and daily, and nothing else', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tasuke-ret-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const seed = core(dataDir);
    const old = await finishedJob(seed, linear('lea'), 20);
    const recent = await finishedJob(seed, linear('lea'), 3);
    // Old, but not finished: never pruned.
    const oldQueued = await seed.admit(linear('max'));
    const oldRunning = await seed.admit(linear('max'));
    seed.claim(oldRunning.id);
    const longAgo = Date.now() - 30 * DAY;
    seed.store.db.prepare('UPDATE jobs SET created_at = ? WHERE id IN (?, ?)').run(longAgo, oldQueued.id, oldRunning.id);
    // Files of no job: an old one goes, a fresh one stays (its job may be being written).
    mkdirSync(seed.files.dir, { recursive: true });
    const strayOld = join(seed.files.dir, 'zzzzzzzzzz.png');
    const strayNew = join(seed.files.dir, 'yyyyyyyyyy-0-k.png');
    writeFileSync(strayOld, 'x');
    writeFileSync(strayNew, 'x');
    utimesSync(strayOld, longAgo / 1000, longAgo / 1000);
    await seed.close();

    const lines: string[] = [];
    const c = core(dataDir, { pruneEveryMs: 300, log: (l) => lines.push(l) });
    expect(filesOf(c, old)).toHaveLength(2);
    c.start({ overdue: () => undefined, dispatch: () => undefined });
    // At start.
    expect(c.get(old)).toBeUndefined();
    expect(filesOf(c, old)).toEqual([]);
    expect(existsSync(strayOld)).toBe(false);
    expect(existsSync(strayNew)).toBe(true);
    expect(c.get(recent)?.state).toBe('succeeded');
    expect(filesOf(c, recent)).toHaveLength(2);
    expect(c.get(oldQueued.id)?.state).toBe('queued');
    expect(c.get(oldRunning.id)?.state).toBe('running');
    expect(lines.join('\n')).toMatch(/retention: removed 1 job record\(s\) and 1 stray chart file\(s\) older than 14 day\(s\)/);

    // Daily (here every 300 ms): a job that has aged past the limit since goes too.
    const when = Date.now() - 15 * DAY;
    c.store.db.prepare('UPDATE jobs SET finished_at = ? WHERE id = ?').run(when, recent);
    await until(() => c.get(recent) === undefined, 30_000, 'daily prune');
    expect(filesOf(c, recent)).toEqual([]);
    expect(c.list().map((r) => r.id).sort()).toEqual([oldQueued.id, oldRunning.id].sort());
  });

  it('refuses a retention age that is not positive', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tasuke-ret-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    expect(() => core(dataDir, { retentionDays: 0 })).toThrow(/retentionDays must be > 0/);
  });
});
