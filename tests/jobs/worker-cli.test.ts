import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config.ts';
import { createJobQueue } from '../../src/jobs/index.ts';
import { linear, long, record } from './support/contract.ts';
import { lazyRedis } from './support/redis-server.ts';

const LESSONS = resolve('lessons');
const server = lazyRedis();
let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'tasuke-worker-cli-'));
});
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Output of a process so far, and a promise for the first time it contains `text`. */
function watchOutput(proc: ChildProcess) {
  let out = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) if (out.includes(w.text)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  return {
    get text() {
      return out;
    },
    until(text: string): Promise<void> {
      if (out.includes(text)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ text, resolve }));
    },
  };
}

describe('tasuke worker', () => {
  it('refuses a bad --concurrency before connecting anywhere', async () => {
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d) => (err += String(d)));
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:1' }, {});
    const code = await main(['worker', '--concurrency', '0'], { config, stderr, stdout: new PassThrough() });
    expect(code).toBe(2);
    expect(err).toContain('--concurrency must be an integer from 1 to 64');
  });

  it('with the default embedded queue, says what the worker is for and how to start Redis, without connecting anywhere', async () => {
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (d) => (err += String(d)));
    const config = loadConfig({ REDIS_URL: 'redis://:hunter2-pw@127.0.0.1:1' }, {});
    expect(config.training.queue).toBe('embedded');
    const code = await main(['worker'], { config, stderr, stdout: new PassThrough() });
    expect(code).toBe(2);
    expect(err).toContain('TASUKE_QUEUE=redis');
    expect(err).toContain('"embedded"');
    expect(err).toMatch(/redis-server/);
    expect(err).not.toContain('hunter2-pw');
  });

  it('as a process with Redis unreachable: exits 2 naming the URL without its password, the real cause and how to start Redis', async () => {
    const env = { ...process.env, TASUKE_QUEUE: 'redis', REDIS_URL: 'redis://:hunter2-pw@127.0.0.1:1/0', TASUKE_DATA_DIR: join(dataDir, 'nowhere') };
    const proc = spawn(process.execPath, ['bin/tasuke.js', 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = watchOutput(proc);
    const code = await new Promise<number | null>((resolve) => proc.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(output.text).toContain('redis://:***@127.0.0.1:1/0');
    expect(output.text).toContain('ECONNREFUSED');
    expect(output.text).toMatch(/redis-server/);
    expect(output.text).not.toContain('hunter2-pw');
    expect(output.text).not.toContain('Connection is closed');
    // One message, not a stack trace.
    expect(output.text).not.toMatch(/\n\s+at /);
  });

  it('runs as its own process: trains what the submitter queued, and on SIGTERM fails its running job with restart', async () => {
    const redis = await server.get();
    const env = {
      ...process.env,
      REDIS_URL: redis.url,
      TASUKE_QUEUE: 'redis',
      TASUKE_DATA_DIR: join(dataDir, 'worker'),
      TASUKE_LESSONS_DIR: LESSONS,
      TASUKE_WORKER_CONCURRENCY: '1',
    };
    const proc = spawn(process.execPath, ['bin/tasuke.js', 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output = watchOutput(proc);
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    const config = loadConfig(
      { TASUKE_QUEUE: 'redis', REDIS_URL: redis.url, TASUKE_DATA_DIR: join(dataDir, 'server'), TASUKE_LESSONS_DIR: LESSONS },
      {},
    );
    const queue = await createJobQueue(config, { log: () => undefined });
    try {
      await output.until('taking training jobs');
      const rec = record(queue);
      const job = await queue.submit(linear('mia', { epochs: 3 }, 'ja'));
      const done = await queue.waitFor(job.id, 90_000);
      expect(done.state).toBe('succeeded');
      expect(rec.epochsOf(job.id)).toEqual([1, 2, 3]);
      // The chart crossed machines as base64 and was written on the submitter's side.
      expect(done.chartPath).toBe(join(dataDir, 'server', 'charts', `${job.id}.png`));
      await output.until(`job ${job.id} succeeded`);

      const longJob = await queue.submit(long('mia'));
      await rec.firstProgress(longJob.id);
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output.text).toContain('stopped');
      const interrupted = await queue.waitFor(longJob.id, 30_000);
      expect(interrupted.state).toBe('failed');
      expect(interrupted.error?.code).toBe('restart');
    } finally {
      await queue.close();
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  });
});
