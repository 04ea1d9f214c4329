/**
 * "A class at once": identical deterministic runs served from a finished one
 * (src/jobs/run-cache.ts, run-key.ts, and the core's hold/serve), with the
 * real embedded queue and real training in worker children; the cache's
 * bounds and retention on their own; what the run key covers.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { EmbeddedJobQueue } from '../../src/jobs/embedded.ts';
import { RedisJobQueue, RedisTrainingWorker } from '../../src/jobs/redis.ts';
import { JobFiles } from '../../src/jobs/files.ts';
import { SERVED_FROM_FINISHED_RUN } from '../../src/jobs/messages.ts';
import { RunCache } from '../../src/jobs/run-cache.ts';
import { lessonRunKeyer } from '../../src/jobs/run-key.ts';
import type { JobRecord } from '../../src/jobs/types.ts';
import { lessonValidator } from '../../src/jobs/validate.ts';
import { openDatabase } from '../../src/storage/db.ts';
import type { TrainResult } from '../../src/training/types.ts';
import { linear, long, record } from './support/contract.ts';
import { lazyRedis } from './support/redis-server.ts';

const LESSONS = resolve('lessons');
const WAIT = 90_000;
const dirs: string[] = [];
const server = lazyRedis();
afterAll(async () => {
  await server.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tasuke-runcache-'));
  dirs.push(d);
  return d;
}

function openQueue(dataDir: string, cache: { maxEntries?: number } = {}): EmbeddedJobQueue {
  return EmbeddedJobQueue.open({
    dataDir,
    concurrency: 1,
    timeoutMs: 120_000,
    maxQueuedPerUser: 5,
    validate: lessonValidator(LESSONS),
    graceMs: 3000,
    trainConfig: loadConfig({ TASUKE_DATA_DIR: dataDir, TASUKE_LESSONS_DIR: LESSONS, TASUKE_TF_BACKEND: 'auto' }, {}),
    runCache: { keyer: lessonRunKeyer(LESSONS, 'auto'), replayMs: 200, ...cache },
    log: () => undefined,
  });
}

const lossesOf = (r: JobRecord | undefined) => r?.result?.series.map((s) => s.history.map((h) => [h.loss, h.valLoss]));

describe('run cache: identical runs with the embedded queue', () => {
  it('serves an identical finished run (progress replayed, chart reused, notice in ja and en); a changed parameter or language trains', async () => {
    const dataDir = tempDir();
    const queue = openQueue(dataDir);
    const events = record(queue);
    try {
      const first = await queue.waitFor((await queue.submit(linear('aiko', { epochs: 3 }))).id, WAIT);
      expect(first.state).toBe('succeeded');
      expect(first.notice).toBeUndefined();

      // The defaults spelled out are the same run.
      const again = await queue.submit(linear('ben', { epochs: 3, seed: 42, optimizer: 'sgd' }));
      const served = await queue.waitFor(again.id, WAIT);
      expect(served.state).toBe('succeeded');
      expect(served.notice).toEqual(SERVED_FROM_FINISHED_RUN);
      expect(served.notice?.ja).toMatch(/同じ/);
      expect(served.notice?.en).toMatch(/already been trained/);
      expect(lossesOf(served)).toEqual(lossesOf(first));
      expect(served.reading).toBe(first.reading);
      expect(events.statesOf(again.id)).toEqual(['queued', 'running', 'succeeded']);
      expect(events.epochsOf(again.id)).toEqual([1, 2, 3]);
      // Its own copy of the chart: the first job's retention cannot take it away.
      expect(served.chartPath).toBeDefined();
      expect(served.chartPath).not.toBe(first.chartPath);
      expect(readFileSync(served.chartPath!)).toEqual(readFileSync(first.chartPath!));
      expect(queue.submitCore.runCache?.size().entries).toBe(1);

      const changed = await queue.waitFor((await queue.submit(linear('chie', { epochs: 3, learningRate: 0.05 }))).id, WAIT);
      expect(changed.state).toBe('succeeded');
      expect(changed.notice).toBeUndefined();
      expect(lossesOf(changed)).not.toEqual(lossesOf(first));

      const ja = await queue.waitFor((await queue.submit(linear('daichi', { epochs: 3 }, 'ja'))).id, WAIT);
      expect(ja.notice).toBeUndefined();
      expect(lossesOf(ja)).toEqual(lossesOf(first));
      expect(ja.reading).not.toBe(first.reading);
      expect(queue.submitCore.runCache?.size().entries).toBe(3);
    } finally {
      events.off();
      await queue.close();
    }
  }, 180_000);

  it('identical submissions made together train once: the others wait for it and are served from it', async () => {
    const dataDir = tempDir();
    const queue = openQueue(dataDir);
    const events = record(queue);
    try {
      const subs = await Promise.all(['eri', 'fumi', 'goro'].map((u) => queue.submit(linear(u, { epochs: 4 }))));
      const done = await Promise.all(subs.map((s) => queue.waitFor(s.id, WAIT)));
      expect(done.map((d) => d.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      expect(done[0]!.notice).toBeUndefined();
      for (const d of done.slice(1)) {
        expect(d.notice).toEqual(SERVED_FROM_FINISHED_RUN);
        expect(lossesOf(d)).toEqual(lossesOf(done[0]));
        // They started only once the run they waited for had finished.
        expect(d.startedAt!).toBeGreaterThanOrEqual(done[0]!.finishedAt!);
        expect(events.epochsOf(d.id)).toEqual([1, 2, 3, 4]);
      }
    } finally {
      events.off();
      await queue.close();
    }
  }, 180_000);

  it('a run whose loss became NaN is kept too: the ones waiting for it, and later ones, are served that failure', async () => {
    const dataDir = tempDir();
    const queue = openQueue(dataDir);
    try {
      // A learning rate this large makes linear's loss NaN within a few epochs.
      const params = { epochs: 30, learningRate: 10 };
      const [a, b] = await Promise.all([queue.submit(linear('hana', params)), queue.submit(linear('isao', params))]);
      const [da, db] = await Promise.all([queue.waitFor(a.id, WAIT), queue.waitFor(b.id, WAIT)]);
      expect(da.state).toBe('failed');
      expect(da.error?.code).toBe('nan');
      expect(da.notice).toBeUndefined();
      expect(db.state).toBe('failed');
      expect(db.error).toEqual(da.error);
      expect(db.notice).toEqual(SERVED_FROM_FINISHED_RUN);
      expect(lossesOf(db)).toEqual(lossesOf(da));
      expect(db.chartPath).toBeDefined();
      const later = await queue.waitFor((await queue.submit(linear('ichi', params))).id, WAIT);
      expect(later.error?.code).toBe('nan');
      expect(later.notice).toEqual(SERVED_FROM_FINISHED_RUN);
      expect(queue.submitCore.runCache?.size().entries).toBe(1);
    } finally {
      await queue.close();
    }
  }, 180_000);

  it('a run that is cancelled is not kept: the one waiting for it then trains for real', async () => {
    const dataDir = tempDir();
    const queue = openQueue(dataDir);
    const events = record(queue);
    try {
      const leader = await queue.submit(long('jiro'));
      const follower = await queue.submit(long('kana'));
      await events.firstProgress(leader.id);
      expect((await queue.get(follower.id))?.state).toBe('queued');
      expect((await queue.cancel(leader.id, 'jiro')).state).toBe('cancelled');
      // Handed to the worker: it runs (and is cancelled here, not to train for a minute).
      await events.firstProgress(follower.id);
      const stopped = await queue.cancel(follower.id, 'kana');
      expect(stopped.state).toBe('cancelled');
      expect(stopped.notice).toBeUndefined();
      expect(queue.submitCore.runCache?.size().entries).toBe(0);
    } finally {
      events.off();
      await queue.close();
    }
  }, 180_000);

  it('a job waiting for an identical run can be cancelled, and so can one being replayed', async () => {
    const dataDir = tempDir();
    const queue = openQueue(dataDir);
    try {
      const leader = await queue.submit(long('jun'));
      const follower = await queue.submit(long('kei'));
      expect((await queue.get(follower.id))?.state).toBe('queued');
      const cancelled = await queue.cancel(follower.id, 'kei');
      expect(cancelled.state).toBe('cancelled');
      expect((await queue.cancel(leader.id, 'jun')).state).toBe('cancelled');
    } finally {
      await queue.close();
    }
  }, 120_000);

  it('a kept run survives a restart of the queue', async () => {
    const dataDir = tempDir();
    const first = openQueue(dataDir);
    const trained = await first.waitFor((await first.submit(linear('mao', { epochs: 2 }))).id, WAIT);
    await first.close();
    const second = openQueue(dataDir);
    try {
      const served = await second.waitFor((await second.submit(linear('nao', { epochs: 2 }))).id, WAIT);
      expect(served.notice).toEqual(SERVED_FROM_FINISHED_RUN);
      expect(lossesOf(served)).toEqual(lossesOf(trained));
    } finally {
      await second.close();
    }
  }, 120_000);
});

describe('run cache: identical runs with the Redis queue', () => {
  it('trains once for submissions made together, serves the rest without Redis, and serves a later one from the kept run', async () => {
    const redis = await server.get();
    const dataDir = tempDir();
    const trainConfig = loadConfig({ TASUKE_DATA_DIR: dataDir, TASUKE_LESSONS_DIR: LESSONS }, {});
    const started: string[] = [];
    const worker = await RedisTrainingWorker.start({
      redisUrl: redis.url,
      concurrency: 1,
      timeoutMs: 60_000,
      queueName: 'cache',
      trainConfig,
      log: () => undefined,
      onJob: (e) => void (e.phase === 'start' && started.push(e.jobId)),
    });
    const queue = await RedisJobQueue.open({
      redisUrl: redis.url,
      dataDir,
      timeoutMs: 60_000,
      maxQueuedPerUser: 5,
      validate: lessonValidator(LESSONS),
      queueName: 'cache',
      runCache: { keyer: lessonRunKeyer(LESSONS, 'auto'), replayMs: 200 },
      // Sweeps often, so a held job seen by the reconcile pass would show (it must not be taken for lost).
      sweepMs: 200,
      log: () => undefined,
    });
    try {
      const subs = await Promise.all(['ora', 'pia'].map((u) => queue.submit(linear(u, { epochs: 3 }))));
      const done = await Promise.all(subs.map((s) => queue.waitFor(s.id, WAIT)));
      expect(done.map((d) => d.state)).toEqual(['succeeded', 'succeeded']);
      expect(done[1]!.notice).toEqual(SERVED_FROM_FINISHED_RUN);
      const later = await queue.waitFor((await queue.submit(linear('quin', { epochs: 3 }))).id, WAIT);
      expect(later.notice).toEqual(SERVED_FROM_FINISHED_RUN);
      expect(lossesOf(later)).toEqual(lossesOf(done[0]));
      // Only the first reached a worker.
      expect(started).toEqual([subs[0]!.id]);
    } finally {
      await queue.close();
      await worker.close();
    }
  }, 120_000);
});

function fakeJob(dataDir: string, id: string, pngBytes = 100): JobRecord {
  const files = new JobFiles(dataDir);
  const chartPath = files.writeChart(id, Buffer.alloc(pngBytes, 1).toString('base64'));
  const result = { lesson: 'linear', series: [], history: [], images: [] } as unknown as TrainResult;
  return { id, state: 'succeeded', submission: linear('x'), createdAt: 0, result, chartPath, reading: 'r' };
}

describe('RunCache: bounds and retention', () => {
  it('keeps at most maxEntries runs, evicting the least recently used with their files', () => {
    const dataDir = tempDir();
    const db = openDatabase(join(dataDir, 'tasuke.db'));
    try {
      const cache = new RunCache(db, new JobFiles(dataDir), { maxEntries: 2, maxBytes: 1 << 20 });
      cache.remember('a'.repeat(64), fakeJob(dataDir, 'j1'), 1000);
      cache.remember('b'.repeat(64), fakeJob(dataDir, 'j2'), 2000);
      const keptA = join(dataDir, 'charts', `cache_${'a'.repeat(32)}.png`);
      const keptB = join(dataDir, 'charts', `cache_${'b'.repeat(32)}.png`);
      expect(existsSync(keptA) && existsSync(keptB)).toBe(true);
      // a is used again, so b is now the least recently used.
      expect(cache.lookup('a'.repeat(64), 3000)?.reading).toBe('r');
      cache.remember('c'.repeat(64), fakeJob(dataDir, 'j3'), 4000);
      expect(cache.size().entries).toBe(2);
      expect(cache.lookup('b'.repeat(64))).toBeUndefined();
      expect(existsSync(keptB)).toBe(false);
      expect(cache.lookup('a'.repeat(64))).toBeDefined();
    } finally {
      db.close();
    }
  });

  it('keeps at most maxBytes, refuses a run larger than the whole cache, and prunes runs unused since the cutoff', () => {
    const dataDir = tempDir();
    const db = openDatabase(join(dataDir, 'tasuke.db'));
    try {
      const cache = new RunCache(db, new JobFiles(dataDir), { maxEntries: 100, maxBytes: 5000 });
      expect(() => cache.remember('d'.repeat(64), fakeJob(dataDir, 'j4', 6000))).toThrow(/larger than the cache/);
      expect(cache.size().entries).toBe(0);
      cache.remember('e'.repeat(64), fakeJob(dataDir, 'j5', 2000), 1000);
      cache.remember('f'.repeat(64), fakeJob(dataDir, 'j6', 2000), 2000);
      cache.remember('g'.repeat(64), fakeJob(dataDir, 'j7', 2000), 3000);
      expect(cache.size().entries).toBe(2);
      expect(cache.size().bytes).toBeLessThanOrEqual(5000);
      expect(cache.prune(2500)).toBe(1);
      expect(cache.size().entries).toBe(1);
      expect(cache.lookup('g'.repeat(64))).toBeDefined();
    } finally {
      db.close();
    }
  });

  it('keeps successes and NaN failures only (not time-outs, crashes or cancellations)', () => {
    const dataDir = tempDir();
    const db = openDatabase(join(dataDir, 'tasuke.db'));
    try {
      const cache = new RunCache(db, new JobFiles(dataDir), { maxEntries: 10, maxBytes: 1 << 20 });
      const failed = (code: 'nan' | 'timeout' | 'worker-crashed') => ({ ...fakeJob(dataDir, `f-${code}`), state: 'failed' as const, error: { code, message: { ja: 'x', en: 'x' } } });
      expect(cache.remember('1'.repeat(64), failed('timeout'))).toBe(false);
      expect(cache.remember('2'.repeat(64), failed('worker-crashed'))).toBe(false);
      expect(cache.remember('3'.repeat(64), { ...fakeJob(dataDir, 'c'), state: 'cancelled' })).toBe(false);
      expect(cache.remember('4'.repeat(64), failed('nan'))).toBe(true);
      const kept = cache.lookup('4'.repeat(64));
      expect(kept?.state).toBe('failed');
      expect(kept?.error?.code).toBe('nan');
    } finally {
      db.close();
    }
  });

  it('0 entries turns it off', () => {
    const dataDir = tempDir();
    const db = openDatabase(join(dataDir, 'tasuke.db'));
    try {
      const cache = new RunCache(db, new JobFiles(dataDir), { maxEntries: 0, maxBytes: 5000 });
      expect(cache.enabled).toBe(false);
      expect(cache.remember('h'.repeat(64), fakeJob(dataDir, 'j8'))).toBe(false);
      expect(() => new RunCache(db, new JobFiles(dataDir), { maxEntries: -1, maxBytes: 1 })).toThrow(/maxEntries/);
    } finally {
      db.close();
    }
  });
});

describe('run key', () => {
  const sub = (params: Record<string, unknown>, lang: 'ja' | 'en' = 'en') => linear('u', params, lang);

  it('is the same for the defaults left out or spelled out, and differs by parameter, mode, language and backend', async () => {
    const key = lessonRunKeyer(LESSONS, 'auto');
    const base = await key(sub({}));
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(await key(sub({ epochs: 20, learningRate: 0.1, seed: 42, batchSize: 16, optimizer: 'sgd' }))).toBe(base);
    expect(await key(sub({ seed: 43 }))).not.toBe(base);
    expect(await key(sub({ epochs: 21 }))).not.toBe(base);
    expect(await key(sub({}, 'ja'))).not.toBe(base);
    expect(await key({ ...sub({}), mode: 'compare-seed' })).not.toBe(base);
    expect(await lessonRunKeyer(LESSONS, 'cpu')(sub({}))).not.toBe(base);
    // A submission the lesson refuses has no key.
    expect(await key(sub({ epochs: -1 }))).toBeUndefined();
  });

  it('changes when the lesson code changes', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'linear'));
    // The copy imports the project's modules by absolute path.
    const source = readFileSync(join(LESSONS, 'linear', 'index.ts'), 'utf8').replaceAll("'../../src/", `'${resolve('src')}/`);
    writeFileSync(join(dir, 'linear', 'index.ts'), source);
    const key = lessonRunKeyer(dir, 'auto');
    const before = await key(sub({}));
    appendFileSync(join(dir, 'linear', 'index.ts'), '\n// a change\n');
    // A different mtime even on a coarse clock.
    writeFileSync(join(dir, 'linear', 'notes.txt'), 'x');
    expect(await key(sub({}))).not.toBe(before);
  });
});

describe('the notice of a job served from a finished run, on the faces', () => {
  const result = {
    lesson: 'linear',
    backend: 'wasm',
    mode: 'single',
    params: { epochs: 1, learningRate: 0.1, batchSize: 16, optimizer: 'sgd', seed: 42 },
    history: [{ epoch: 1, loss: 0.5, elapsedMs: 1 }],
    final: { loss: 0.5 },
    series: [],
    seconds: 0.01,
  } as unknown as TrainResult;
  const job = (lang: 'ja' | 'en'): JobRecord => ({
    id: 'j1',
    state: 'succeeded',
    submission: linear('u', {}, lang),
    createdAt: 0,
    result,
    notice: SERVED_FROM_FINISHED_RUN,
  });

  it('the web card and the Discord message show it in the asker’s language', async () => {
    const { jobCard } = await import('../../src/web/views/job.ts');
    for (const lang of ['ja', 'en'] as const) {
      const card = jobCard({ lang, csrf: 'x', dashboardOn: false, path: '/' }, job(lang)).value;
      expect(card).toContain(SERVED_FROM_FINISHED_RUN[lang]);
    }
    const { renderRun } = await import('../../src/discord/render/training.ts');
    const lesson = { id: 'linear', title: { ja: '直線', en: 'A line' }, defaults: result.params };
    for (const lang of ['ja', 'en'] as const) {
      const payload = renderRun({ job: job(lang), lesson, lang }) as { embeds?: { description?: string }[] };
      expect(payload.embeds?.[0]?.description).toContain(SERVED_FROM_FINISHED_RUN[lang]);
    }
  });
});
