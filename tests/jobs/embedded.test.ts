import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { EmbeddedJobQueue } from '../../src/jobs/embedded.ts';
import { createJobQueue } from '../../src/jobs/index.ts';
import { lessonValidator } from '../../src/jobs/validate.ts';
import { linear, long, queueContract, record, type QueueSettings } from './support/contract.ts';

const LESSONS = resolve('lessons');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tasuke-jobs-'));
  dirs.push(d);
  return d;
}

function openEmbedded(dataDir: string, s: QueueSettings = {}): EmbeddedJobQueue {
  return EmbeddedJobQueue.open({
    dataDir,
    concurrency: 1,
    timeoutMs: s.timeoutMs ?? 60_000,
    maxQueuedPerUser: s.maxQueuedPerUser ?? 5,
    validate: lessonValidator(LESSONS),
    graceMs: 3000,
    trainConfig: loadConfig({ TASUKE_DATA_DIR: dataDir, TASUKE_LESSONS_DIR: LESSONS, TASUKE_TF_BACKEND: 'auto' }, {}),
    log: () => undefined,
  });
}

queueContract('embedded', async (s) => {
  const dataDir = tempDir();
  const queue = openEmbedded(dataDir, s);
  return { queue, dataDir, workerPids: () => queue.workerPids(), close: () => queue.close() };
});

describe('embedded: restarts', () => {
  it('fails the job that was running when the queue stopped (restart) and runs the queued one after reopening', async () => {
    const dataDir = tempDir();
    const first = openEmbedded(dataDir);
    const rec = record(first);
    const interrupted = await first.submit(long('ivan', 'ja'));
    const waiting = await first.submit(linear('ivan', { epochs: 2 }));
    await rec.firstProgress(interrupted.id);
    await first.close();

    const second = openEmbedded(dataDir);
    try {
      const failed = await second.get(interrupted.id);
      expect(failed?.state).toBe('failed');
      expect(failed?.error?.code).toBe('restart');
      expect(failed?.error?.message.ja).toContain('再起動');
      expect(failed?.error?.message.en).toContain('restarted');
      const ran = await second.waitFor(waiting.id, 90_000);
      expect(ran.state).toBe('succeeded');
      expect(ran.result?.history.length).toBe(2);
    } finally {
      await second.close();
    }
  });

  it('createJobQueue opens the embedded backend on <dataDir>/tasuke.db by default', async () => {
    const dataDir = tempDir();
    const config = loadConfig({ TASUKE_DATA_DIR: dataDir, TASUKE_LESSONS_DIR: LESSONS }, {});
    expect(config.training.queue).toBe('embedded');
    const queue = await createJobQueue(config, { log: () => undefined });
    try {
      expect(queue).toBeInstanceOf(EmbeddedJobQueue);
      expect(existsSync(join(dataDir, 'tasuke.db'))).toBe(true);
      const job = await queue.submit(linear('judy', { epochs: 2 }, 'en'));
      const done = await queue.waitFor(job.id, 90_000);
      expect(done.state).toBe('succeeded');
      expect(done.reading).toMatch(/loss/i);
    } finally {
      await queue.close();
    }
  });
});
