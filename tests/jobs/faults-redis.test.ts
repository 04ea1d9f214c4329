/**
 * Fault tests of the Redis queue, done the way an operator meets them: a
 * real redis-server (with a password) stopped and restarted without its
 * data, `tasuke worker` stand-ins SIGKILLed with and without a second one,
 * Redis down past a job's deadline, Redis unreachable at start. Each checks
 * the final state of every job, what the participant reads, that nothing is
 * lost or finished twice, and that the logs hold neither the password nor a
 * line per retry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ConfigError, UserError } from '../../src/core/errors.ts';
import { createJobQueue } from '../../src/jobs/index.ts';
import { RedisJobQueue, RedisTrainingWorker } from '../../src/jobs/redis.ts';
import type { JobQueue, JobRecord } from '../../src/jobs/types.ts';
import { lessonValidator } from '../../src/jobs/validate.ts';
import { linear, long, record } from './support/contract.ts';
import { exited, killHard, rejection, sleep, spawnFixture, until, watchOutput } from './support/processes.ts';
import { freePort, startRedis, type RedisServer } from './support/redis-server.ts';

const LESSONS = resolve('lessons');
const PASSWORD = 'pw-s3cret-9f2k';
const FINAL = ['succeeded', 'failed', 'cancelled'];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tasuke-faults-redis-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

async function redisServer(port?: number): Promise<RedisServer> {
  const r = await startRedis({ password: PASSWORD, port });
  cleanups.push(() => r.stop());
  return r;
}

/** A `tasuke worker` stand-in in its own process (lock of 2 s), with its output watched. */
async function workerProcess(url: string, queueName: string) {
  const proc = spawnFixture('redis-worker-process.ts', [url, queueName, LESSONS]);
  const out = watchOutput(proc);
  cleanups.push(() => killHard(proc));
  await out.until('ready');
  return { proc, out };
}

let queues = 0;
async function submitter(url: string, lines: string[], extra: Partial<Parameters<typeof RedisJobQueue.open>[0]> = {}) {
  const queueName = `f${++queues}-${process.pid}`;
  const q = await RedisJobQueue.open({
    redisUrl: url,
    dataDir: tempDir(),
    timeoutMs: 60_000,
    maxQueuedPerUser: 3,
    validate: lessonValidator(LESSONS),
    queueName,
    sweepMs: 500,
    submitWaitMs: 1500,
    log: (l) => lines.push(l),
    ...extra,
  });
  cleanups.push(() => q.close());
  return { queue: q, queueName };
}

function expectBilingual(text: { ja: string; en: string } | undefined): void {
  expect(text?.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  expect(text?.en).toMatch(/[a-z]{3}/i);
}

/** Every job reached exactly one final state, announced once. */
function expectFinishedOnce(rec: ReturnType<typeof record>, ids: string[]): void {
  for (const id of ids) expect(rec.statesOf(id).filter((s) => FINAL.includes(s)), id).toHaveLength(1);
}

function expectCleanLogs(lines: string[]): void {
  const all = lines.join('\n');
  expect(all).not.toContain(PASSWORD);
  // No stack traces: one line per event.
  expect(all).not.toMatch(/\n\s+at /);
}

async function expectUnavailable(queue: JobQueue, userId: string): Promise<void> {
  const before = (await queue.list()).length;
  const err = (await rejection(queue.submit(linear(userId, { epochs: 2 })))) as UserError;
  expect(err).toBeInstanceOf(UserError);
  expect(err.id).toBe('jobs.queue-unavailable');
  expectBilingual(err.messages);
  expect(err.messages.en).toMatch(/Questions still work/);
  // No phantom row: nothing stored, nothing counted against the person's limit.
  expect(await queue.list()).toHaveLength(before);
  expect(await queue.list({ userId })).toEqual([]);
}

describe('redis faults: Redis itself', () => {
  it('Redis stopped and restarted without its data: submissions are refused meanwhile, the running job fails queue-lost, the queued one runs, retries work', async () => {
    const redis = await redisServer();
    const lines: string[] = [];
    const { queue, queueName } = await submitter(redis.url, lines);
    const worker = await workerProcess(redis.url, queueName);
    const rec = record(queue);

    const running = await queue.submit(long('ana', 'ja'));
    const queued = await queue.submit(linear('ana', { epochs: 2 }));
    await rec.firstProgress(running.id);

    await redis.stop();
    await until(() => queue.availability!().available === false, 30_000, 'queue unavailable');
    expect(queue.availability!().message?.en).toMatch(/Training is unavailable/);
    await expectUnavailable(queue, 'ben');
    // Let the clients retry for a while: the outage must still be one line.
    await until(() => lines.some((l) => /unreachable/.test(l)), 30_000, 'outage logged');
    await sleep(4000);
    await expectUnavailable(queue, 'ben');
    expect(worker.out.text.match(/unreachable/g) ?? []).toHaveLength(1);

    await redisServer(redis.port);
    const lost = await queue.waitFor(running.id, 90_000);
    expect(lost.state).toBe('failed');
    expect(lost.error?.code).toBe('queue-lost');
    expectBilingual(lost.error?.message);
    expect(lost.error?.message.en).toMatch(/Redis/);
    expect(lost.error?.message.en).not.toMatch(/restarted while this job was running/);
    // The queued job never started, so it is queued again and runs once.
    const ran = await queue.waitFor(queued.id, 180_000);
    expect(ran.state).toBe('succeeded');
    expect(rec.epochsOf(queued.id)).toEqual([1, 2]);

    // The participant refused during the outage can simply try again.
    await until(() => queue.availability!().available, 30_000, 'queue available');
    const retry = await queue.submit(linear('ben', { epochs: 2 }));
    expect((await queue.waitFor(retry.id, 120_000)).state).toBe('succeeded');

    expectFinishedOnce(rec, [running.id, queued.id, retry.id]);
    expect(await queue.list({ states: ['queued', 'running'] })).toEqual([]);
    expect((await queue.list()).map((r) => r.id).sort()).toEqual([running.id, queued.id, retry.id].sort());
    // Down once, back once; nothing secret, no stack traces.
    expect(lines.filter((l) => /is unreachable/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => /reachable again/.test(l))).toHaveLength(1);
    expectCleanLogs([...lines, worker.out.text]);
  });

  it('Redis down past a running job\'s deadline: the job fails queue-lost without Redis coming back, and close() returns', async () => {
    const redis = await redisServer();
    const lines: string[] = [];
    // The first epoch must end well inside the time limit even on a loaded machine: short epochs, many of them.
    const { queue, queueName } = await submitter(redis.url, lines, { timeoutMs: 20_000, deadlineMarginMs: 2000 });
    const worker = await workerProcess(redis.url, queueName);
    const rec = record(queue);
    const job = await queue.submit(long('cho', 'en', { epochs: 50, batchSize: 8 }));
    const waiting = await queue.submit(linear('cho', { epochs: 2 }));
    await rec.firstProgress(job.id);
    await redis.stop();

    const done = await queue.waitFor(job.id, 60_000);
    expect(done.state).toBe('failed');
    expect(done.error?.code).toBe('queue-lost');
    expect(done.error?.message.en).toMatch(/deadline/);
    expectBilingual(done.error?.message);
    // A queued job has no deadline: it waits for Redis, and can still be cancelled.
    expect((await queue.get(waiting.id))?.state).toBe('queued');
    expect((await queue.cancel(waiting.id, 'cho')).state).toBe('cancelled');
    expectFinishedOnce(rec, [job.id, waiting.id]);

    // Closing with Redis unreachable is bounded (before: it hung).
    const closed = await Promise.race([queue.close().then(() => 'closed'), sleep(20_000).then(() => 'hung')]);
    expect(closed).toBe('closed');
    await killHard(worker.proc);
    expectCleanLogs([...lines, worker.out.text]);
  });

  it('a submitting process with Redis down closes and exits by itself', async () => {
    const redis = await redisServer();
    const proc = spawnFixture('redis-submitter-process.ts', [redis.url, tempDir(), LESSONS]);
    const out = watchOutput(proc);
    cleanups.push(() => killHard(proc));
    await out.until('open');
    await redis.stop();
    await out.until('unreachable', 30_000);
    proc.stdin!.end('close\n');
    const code = await Promise.race([exited(proc), sleep(30_000).then(() => 'still running')]);
    expect(code).toBe(0);
    expect(out.text).toContain('closed');
    expect(out.text).not.toContain(PASSWORD);
  });
});

describe('redis faults: workers', () => {
  it('a worker SIGKILLed with no other worker: its job fails worker-lost in bounded time, is not run again, and a restarted worker takes the next', async () => {
    const redis = await redisServer();
    const lines: string[] = [];
    const { queue, queueName } = await submitter(redis.url, lines);
    const first = await workerProcess(redis.url, queueName);
    const rec = record(queue);
    const victim = await queue.submit(long('dan', 'ja'));
    const next = await queue.submit(linear('dan', { epochs: 2 }));
    await rec.firstProgress(victim.id);
    await first.out.until(`start ${victim.id}`);
    await killHard(first.proc);

    const lost: JobRecord = await queue.waitFor(victim.id, 60_000);
    expect(lost.state).toBe('failed');
    expect(lost.error?.code).toBe('worker-lost');
    expect(lost.error?.message.en).toMatch(/lock/);
    expectBilingual(lost.error?.message);
    // Nobody to run it: the next job waits, queued, and still counts for dan.
    expect((await queue.get(next.id))?.state).toBe('queued');

    const second = await workerProcess(redis.url, queueName);
    expect((await queue.waitFor(next.id, 120_000)).state).toBe('succeeded');
    expect(second.out.text).not.toContain(`start ${victim.id}`);
    expect((await queue.get(victim.id))?.state).toBe('failed');
    expectFinishedOnce(rec, [victim.id, next.id]);
    expectCleanLogs([...lines, second.out.text]);
  });

  it('a worker SIGKILLed while a second one runs: the job fails worker-lost and the second goes on without rerunning it', async () => {
    const redis = await redisServer();
    const lines: string[] = [];
    const { queue, queueName } = await submitter(redis.url, lines);
    const a = await workerProcess(redis.url, queueName);
    const b = await workerProcess(redis.url, queueName);
    const rec = record(queue);
    const victim = await queue.submit(long('eve'));
    await rec.firstProgress(victim.id);
    await until(() => a.out.text.includes(`start ${victim.id}`) || b.out.text.includes(`start ${victim.id}`), 30_000, 'job taken');
    const [killed, survivor] = a.out.text.includes(`start ${victim.id}`) ? [a, b] : [b, a];
    await killHard(killed.proc);

    const lost = await queue.waitFor(victim.id, 60_000);
    expect(lost.state).toBe('failed');
    expect(lost.error?.code).toBe('worker-lost');
    expect(lost.error?.message.en).toMatch(/lock|stall/);
    const next = await queue.submit(linear('eve', { epochs: 2 }));
    expect((await queue.waitFor(next.id, 120_000)).state).toBe('succeeded');
    expect(survivor.out.text).not.toContain(`start ${victim.id}`);
    expectFinishedOnce(rec, [victim.id, next.id]);
    expectCleanLogs([...lines, survivor.out.text]);
  });
});

describe('redis faults: unreachable at start', () => {
  it('the submitting side and the worker refuse to start with the URL\'s password hidden and the real cause', async () => {
    const port = await freePort();
    const url = `redis://:${PASSWORD}@127.0.0.1:${port}`;
    const opts = { redisUrl: url, dataDir: tempDir(), timeoutMs: 10_000, maxQueuedPerUser: 2, validate: lessonValidator(LESSONS), log: () => undefined };
    for (const err of [
      await RedisJobQueue.open(opts).catch((e: unknown) => e),
      await RedisTrainingWorker.start({ redisUrl: url, concurrency: 1, timeoutMs: 1000, log: () => undefined }).catch((e: unknown) => e),
    ]) {
      expect(err).toBeInstanceOf(ConfigError);
      const msg = (err as Error).message;
      expect(msg).toContain(`redis://:***@127.0.0.1:${port}`);
      expect(msg).not.toContain(PASSWORD);
      expect(msg).toContain('ECONNREFUSED');
      expect(msg).not.toContain('Connection is closed');
      expect(msg).toMatch(/redis-server/);
    }
    // A wrong password is named as such.
    const redis = await redisServer();
    const wrong = `redis://:not-the-password@127.0.0.1:${redis.port}`;
    const err = (await RedisTrainingWorker.start({ redisUrl: wrong, concurrency: 1, timeoutMs: 1000, log: () => undefined }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/WRONGPASS|NOAUTH|invalid/i);
    expect(err.message).not.toContain('not-the-password');
  });

  it('tasuke opens with Redis down (questions go on), refuses training with a bilingual message, and takes jobs once Redis is up', async () => {
    const port = await freePort();
    const url = `redis://:${PASSWORD}@127.0.0.1:${port}`;
    const dataDir = tempDir();
    const lines: string[] = [];
    const queueName = `f${++queues}-${process.pid}`;
    const config = loadConfig({ TASUKE_QUEUE: 'redis', REDIS_URL: url, TASUKE_DATA_DIR: dataDir, TASUKE_LESSONS_DIR: LESSONS }, {});
    const queue = await createJobQueue(config, { queueName, log: (l) => lines.push(l), sweepMs: 500, submitWaitMs: 1000 });
    cleanups.push(() => queue.close());
    expect(queue.availability!()).toMatchObject({ available: false });
    expectBilingual(queue.availability!().message);
    await expectUnavailable(queue, 'fay');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`redis://:***@127.0.0.1:${port}`);
    expect(lines[0]).toContain('ECONNREFUSED');

    await redisServer(port);
    await until(() => queue.availability!().available, 60_000, 'queue available');
    const job = await queue.submit(linear('fay', { epochs: 2 }));
    await workerProcess(url, queueName);
    expect((await queue.waitFor(job.id, 120_000)).state).toBe('succeeded');
    expect(lines.filter((l) => /reachable again/.test(l))).toHaveLength(1);
    expectCleanLogs(lines);
  });
});
