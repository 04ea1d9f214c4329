import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { createJobQueue } from '../../src/jobs/index.ts';
import { RedisJobQueue, RedisTrainingWorker } from '../../src/jobs/redis.ts';
import { lessonValidator } from '../../src/jobs/validate.ts';
import { linear, long, queueContract, record } from './support/contract.ts';
import { lazyRedis } from './support/redis-server.ts';

const LESSONS = resolve('lessons');
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const dirs: string[] = [];
const server = lazyRedis();
let queues = 0;

afterAll(async () => {
  await server.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tasuke-rjobs-'));
  dirs.push(d);
  return d;
}

const quiet = () => undefined;

queueContract('redis', async (s = {}) => {
  const redis = await server.get();
  // Each test has its own BullMQ queue on the shared server, and its own submitter and worker.
  const queueName = `t${++queues}`;
  const dataDir = tempDir();
  const config = loadConfig({ TASUKE_DATA_DIR: dataDir, TASUKE_LESSONS_DIR: LESSONS }, {});
  const worker = await RedisTrainingWorker.start({
    redisUrl: redis.url,
    concurrency: 1,
    timeoutMs: 60_000,
    graceMs: 3000,
    queueName,
    trainConfig: config,
    log: quiet,
  });
  const queue = await RedisJobQueue.open({
    redisUrl: redis.url,
    dataDir,
    timeoutMs: s.timeoutMs ?? 60_000,
    maxQueuedPerUser: s.maxQueuedPerUser ?? 5,
    validate: lessonValidator(LESSONS),
    queueName,
    log: quiet,
  });
  return {
    queue,
    dataDir,
    workerPids: () => worker.workerPids(),
    close: async () => {
      await queue.close();
      await worker.close();
    },
  };
});

describe('redis: submitter and worker', () => {
  it('createJobQueue picks the Redis backend from TASUKE_QUEUE, and results survive a submitter restart', async () => {
    const redis = await server.get();
    const queueName = `t${++queues}`;
    const dataDir = tempDir();
    const config = loadConfig(
      { TASUKE_QUEUE: 'redis', REDIS_URL: redis.url, TASUKE_DATA_DIR: dataDir, TASUKE_LESSONS_DIR: LESSONS },
      {},
    );
    const worker = await RedisTrainingWorker.start({
      redisUrl: redis.url,
      concurrency: 1,
      timeoutMs: 60_000,
      queueName,
      trainConfig: config,
      log: quiet,
    });
    try {
      const first = await createJobQueue(config, { queueName, log: quiet });
      expect(first).toBeInstanceOf(RedisJobQueue);
      const rec = record(first);
      const job = await first.submit(linear('kim', { epochs: 12, batchSize: 4 }, 'en'));
      await rec.firstProgress(job.id);
      // The submitter goes away while the worker trains, and stays away until the job is done;
      // the outcome is picked up from Redis when it comes back.
      await first.close();
      const conn = new Redis(redis.url, { maxRetriesPerRequest: null });
      const bull = new Queue(queueName, { connection: conn });
      try {
        while ((await (await bull.getJob(job.id))?.getState()) !== 'completed') await new Promise((r) => setTimeout(r, 100));
      } finally {
        await bull.close();
        await conn.quit();
      }

      const second = await createJobQueue(config, { queueName, log: quiet });
      try {
        const done = await second.waitFor(job.id, 90_000);
        expect(done.state).toBe('succeeded');
        expect(done.result?.history.length).toBe(12);
        expect(done.chartPath).toBe(join(dataDir, 'charts', `${job.id}.png`));
        expect(existsSync(done.chartPath!)).toBe(true);
      } finally {
        await second.close();
      }
    } finally {
      await worker.close();
    }
  });

  it('fails the job of a worker machine that died (worker-lost) instead of running it again, and goes on', async () => {
    const redis = await server.get();
    const queueName = `t${++queues}`;
    const dataDir = tempDir();
    const queue = await RedisJobQueue.open({
      redisUrl: redis.url,
      dataDir,
      timeoutMs: 60_000,
      maxQueuedPerUser: 5,
      validate: lessonValidator(LESSONS),
      queueName,
      log: quiet,
    });
    const lost = spawn(process.execPath, ['--import', 'tsx', fixture('redis-worker-process.ts'), redis.url, queueName, LESSONS], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let survivor: RedisTrainingWorker | undefined;
    try {
      await new Promise<void>((resolve) => lost.stdout!.on('data', (d) => String(d).includes('ready') && resolve()));
      const rec = record(queue);
      const job = await queue.submit(long('nina'));
      await rec.firstProgress(job.id);
      lost.kill('SIGKILL');
      // Another worker notices the job's lock has expired.
      const config = loadConfig({ TASUKE_DATA_DIR: dataDir, TASUKE_LESSONS_DIR: LESSONS }, {});
      survivor = await RedisTrainingWorker.start({
        redisUrl: redis.url,
        concurrency: 1,
        timeoutMs: 60_000,
        stalledIntervalMs: 500,
        queueName,
        trainConfig: config,
        log: quiet,
      });
      const done = await queue.waitFor(job.id, 60_000);
      expect(done.state).toBe('failed');
      expect(done.error?.code).toBe('worker-lost');
      // Either the survivor's stalled check or the submitter's lock check saw it first.
      expect(done.error?.message.en).toMatch(/stall|lock/);
      const next = await queue.submit(linear('nina', { epochs: 2 }));
      expect((await queue.waitFor(next.id, 90_000)).state).toBe('succeeded');
    } finally {
      if (lost.exitCode === null && lost.signalCode === null) lost.kill('SIGKILL');
      await queue.close();
      await survivor?.close();
    }
  });

  it('says which Redis it cannot reach, at once', async () => {
    const dataDir = tempDir();
    const err = await RedisJobQueue.open({
      redisUrl: 'redis://127.0.0.1:1',
      dataDir,
      timeoutMs: 10_000,
      maxQueuedPerUser: 2,
      validate: lessonValidator(LESSONS),
      log: quiet,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('redis://127.0.0.1:1');
    const werr = await RedisTrainingWorker.start({ redisUrl: 'redis://127.0.0.1:1', concurrency: 1, timeoutMs: 1000, log: quiet }).catch(
      (e: unknown) => e,
    );
    expect(werr).toBeInstanceOf(ConfigError);
  });

  it('a cancelled job that a worker has not taken yet never runs', async () => {
    const redis = await server.get();
    const queueName = `t${++queues}`;
    const dataDir = tempDir();
    // No worker at all yet: the job waits in Redis.
    const queue = await RedisJobQueue.open({
      redisUrl: redis.url,
      dataDir,
      timeoutMs: 60_000,
      maxQueuedPerUser: 2,
      validate: lessonValidator(LESSONS),
      queueName,
      log: quiet,
    });
    const config = loadConfig({ TASUKE_DATA_DIR: dataDir, TASUKE_LESSONS_DIR: LESSONS }, {});
    let worker: RedisTrainingWorker | undefined;
    try {
      const rec = record(queue);
      const cancelled = await queue.submit(long('lou'));
      expect((await queue.cancel(cancelled.id)).state).toBe('cancelled');
      worker = await RedisTrainingWorker.start({ redisUrl: redis.url, concurrency: 1, timeoutMs: 60_000, queueName, trainConfig: config, log: quiet });
      const next = await queue.submit(linear('lou', { epochs: 2 }));
      expect((await queue.waitFor(next.id, 90_000)).state).toBe('succeeded');
      expect(rec.statesOf(cancelled.id)).toEqual(['queued', 'cancelled']);
      expect(rec.epochsOf(cancelled.id)).toEqual([]);
    } finally {
      await queue.close();
      await worker?.close();
    }
  });
});
