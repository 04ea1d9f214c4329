/**
 * The behaviour both queue backends must share, run against each with real
 * training (the `linear` lesson, a few epochs) in real worker children.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.ts';
import type { JobEvent, JobQueue, JobRecord, JobSubmission } from '../../../src/jobs/types.ts';

export interface QueueUnderTest {
  queue: JobQueue;
  dataDir: string;
  /** Pids of the worker children running jobs now. */
  workerPids(): number[];
  close(): Promise<void>;
}

export interface QueueSettings {
  timeoutMs?: number;
  maxQueuedPerUser?: number;
}

export type OpenQueue = (settings?: QueueSettings) => Promise<QueueUnderTest>;

/**
 * Runs long enough (most of a minute) to be cancelled, killed or timed out
 * mid-run, with its first epoch done within a second or two: mnist with a
 * wide hidden layer (the fused trainer runs linear's longest allowed run in
 * under a second).
 */
export const LONG = { epochs: 50, batchSize: 32, hiddenUnits: 512 };

/** A submission of `mnist` (by default the long run above). */
export function long(userId: string, lang: 'ja' | 'en' = 'en', params: Record<string, unknown> = LONG): JobSubmission {
  return { userId, lesson: 'mnist', params, mode: 'single', lang };
}

export function linear(userId: string, params: Record<string, unknown> = { epochs: 3 }, lang: 'ja' | 'en' = 'en'): JobSubmission {
  return { userId, lesson: 'linear', params, mode: 'single', lang };
}

/** Records every event of a queue; `until` resolves when one matches. */
export function record(queue: JobQueue) {
  const events: JobEvent[] = [];
  const waiters: { pred: (e: JobEvent) => boolean; resolve: (e: JobEvent) => void }[] = [];
  const off = queue.subscribe((e) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  return {
    events,
    off,
    until(pred: (e: JobEvent) => boolean): Promise<JobEvent> {
      const seen = events.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    firstProgress(id: string): Promise<JobEvent> {
      return this.until((e) => e.type === 'progress' && e.jobId === id);
    },
    statesOf(id: string): string[] {
      return events.filter((e): e is Extract<JobEvent, { type: 'state' }> => e.type === 'state' && e.job.id === id).map((e) => e.job.state);
    },
    epochsOf(id: string): number[] {
      return events.filter((e): e is Extract<JobEvent, { type: 'progress' }> => e.type === 'progress' && e.jobId === id).map((e) => e.event.epoch);
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

function expectBilingual(text: { ja: string; en: string } | undefined): void {
  expect(text?.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  expect(text?.en).toMatch(/[a-z]{3}/i);
}

const WAIT = 90_000;

export function queueContract(name: string, open: OpenQueue): void {
  describe(`${name}: job lifecycle`, () => {
    const opened: QueueUnderTest[] = [];
    const start = async (s?: QueueSettings) => {
      const q = await open(s);
      opened.push(q);
      return q;
    };
    afterEach(async () => {
      for (const q of opened.splice(0)) await q.close();
    });

    it('runs a job to success with per-epoch progress in order, a chart and a reading in the submitter\'s language', async () => {
      const { queue, dataDir } = await start();
      const rec = record(queue);
      const submitted = await queue.submit(linear('alice', { epochs: 4, seed: 3 }, 'ja'));
      expect(submitted.state).toBe('queued');
      expect(submitted.submission.userId).toBe('alice');
      const done = await queue.waitFor(submitted.id, WAIT);

      expect(done.state).toBe('succeeded');
      expect(done.error).toBeUndefined();
      expect(rec.statesOf(submitted.id)).toEqual(['queued', 'running', 'succeeded']);
      expect(rec.epochsOf(submitted.id)).toEqual([1, 2, 3, 4]);
      const progress = rec.events.filter((e) => e.type === 'progress' && e.jobId === submitted.id);
      for (const e of progress) {
        if (e.type !== 'progress') continue;
        expect(Number.isFinite(e.event.loss)).toBe(true);
        expect(Number.isFinite(e.event.valLoss)).toBe(true);
        expect(e.event.totalEpochs).toBe(4);
        expect(e.event.elapsedMs).toBeGreaterThanOrEqual(0);
      }
      expect(done.result?.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
      expect(done.result?.params.seed).toBe(3);
      expect(done.progress?.epoch).toBe(4);
      expect(done.startedAt).toBeGreaterThanOrEqual(done.createdAt);
      expect(done.finishedAt).toBeGreaterThanOrEqual(done.startedAt!);

      expect(done.chartPath).toBe(`${dataDir}/charts/${submitted.id}.png`);
      expect(existsSync(done.chartPath!)).toBe(true);
      expect(readFileSync(done.chartPath!).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      // Asked in Japanese, read in Japanese.
      expect(done.reading).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);

      expect(await queue.get(submitted.id)).toEqual(done);
      expect((await queue.list({ userId: 'alice' })).map((r) => r.id)).toEqual([submitted.id]);
      expect(await queue.list({ userId: 'alice', states: ['queued', 'running'] })).toEqual([]);
      expect(await queue.get('no-such-job')).toBeUndefined();
    });

    it('rejects bad parameters at submit with a bilingual UserError and stores nothing', async () => {
      const { queue } = await start();
      const bad: JobSubmission[] = [
        linear('bob', { epochs: 0 }),
        linear('bob', { learningRate: 'fast' }),
        linear('bob', { momentum: 0.9 }),
        { ...linear('bob'), lesson: 'no-such-lesson' },
        { ...linear('bob'), mode: 'sideways' as never },
      ];
      for (const s of bad) {
        const err = await rejection(queue.submit(s));
        expect(err).toBeInstanceOf(UserError);
        expectBilingual((err as UserError).messages);
      }
      expect(await queue.list()).toEqual([]);
    });

    it('limits the queued and running jobs of one person, in both languages', async () => {
      const { queue } = await start({ maxQueuedPerUser: 2 });
      const a = await queue.submit(long('carol'));
      const b = await queue.submit(long('carol'));
      const err = (await rejection(queue.submit(linear('carol')))) as UserError;
      expect(err).toBeInstanceOf(UserError);
      expect(err.id).toBe('jobs.too-many');
      expect(err.messages.en).toContain('2');
      expectBilingual(err.messages);
      // Someone else is not affected.
      const other = await queue.submit(linear('dave'));
      expect(other.state).toBe('queued');
      expect((await queue.list({ userId: 'carol' })).length).toBe(2);

      // Once one of carol's jobs ends, she may submit again.
      await queue.cancel(b.id, 'carol');
      const c = await queue.submit(linear('carol'));
      expect(c.state).toBe('queued');
      for (const id of [a.id, c.id, other.id]) {
        const r = await queue.get(id);
        if (r && (r.state === 'queued' || r.state === 'running')) await queue.cancel(id);
      }
    });

    it('cancels a queued job (it never runs) and a running one (its child is aborted)', async () => {
      const { queue } = await start();
      const rec = record(queue);
      const running = await queue.submit(long('erin'));
      const waiting = await queue.submit(linear('erin', { epochs: 2 }));
      await rec.firstProgress(running.id);

      const cancelledQueued = await queue.cancel(waiting.id, 'erin');
      expect(cancelledQueued.state).toBe('cancelled');
      expect(cancelledQueued.startedAt).toBeUndefined();

      const notOwner = (await rejection(queue.cancel(running.id, 'mallory'))) as UserError;
      expect(notOwner.id).toBe('jobs.not-owner');
      expect((await queue.get(running.id))?.state).toBe('running');

      const cancelledRunning = await queue.cancel(running.id, 'erin');
      expect(cancelledRunning.state).toBe('cancelled');
      expect(cancelledRunning.startedAt).toBeDefined();
      expect(rec.statesOf(running.id)).toEqual(['queued', 'running', 'cancelled']);
      const epochs = rec.epochsOf(running.id);
      expect(epochs.length).toBeGreaterThan(0);
      expect(epochs.length).toBeLessThan(LONG.epochs);

      const again = (await rejection(queue.cancel(running.id, 'erin'))) as UserError;
      expect(again.id).toBe('jobs.already-finished');

      // The queue goes on: the next job runs, and the cancelled queued one never did.
      const next = await queue.submit(linear('erin', { epochs: 2 }));
      expect((await queue.waitFor(next.id, WAIT)).state).toBe('succeeded');
      expect(rec.statesOf(waiting.id)).toEqual(['queued', 'cancelled']);
      expect(rec.epochsOf(waiting.id)).toEqual([]);
    });

    it('fails a job that runs past the time limit with code timeout', async () => {
      const { queue } = await start({ timeoutMs: 4000 });
      const job = await queue.submit(long('frank'));
      const done = await queue.waitFor(job.id, WAIT);
      expect(done.state).toBe('failed');
      expect(done.error?.code).toBe('timeout');
      expectBilingual(done.error?.message);
      expect(done.error?.message.en).toContain('4 s');
    });

    it('fails the job of a killed worker child (worker-crashed) and still runs the next job', async () => {
      const q = await start();
      const rec = record(q.queue);
      const victim = await q.queue.submit(long('grace'));
      const next = await q.queue.submit(linear('grace', { epochs: 2 }));
      await rec.firstProgress(victim.id);
      const pids = q.workerPids();
      expect(pids.length).toBe(1);
      process.kill(pids[0], 'SIGKILL');

      const crashed = await q.queue.waitFor(victim.id, WAIT);
      expect(crashed.state).toBe('failed');
      expect(crashed.error?.code).toBe('worker-crashed');
      expect(crashed.error?.message.en).toContain('SIGKILL');
      expectBilingual(crashed.error?.message);

      const after = await q.queue.waitFor(next.id, WAIT);
      expect(after.state).toBe('succeeded');
      expect(rec.epochsOf(next.id)).toEqual([1, 2]);
    });

    it('ends a run whose loss becomes NaN as failed with code nan, pointing at the learning rate', async () => {
      const { queue } = await start();
      const job = await queue.submit(linear('heidi', { epochs: 30, learningRate: 10 }));
      const done: JobRecord = await queue.waitFor(job.id, WAIT);
      expect(done.state).toBe('failed');
      expect(done.error?.code).toBe('nan');
      expect(done.error?.message.en).toMatch(/learning rate \(10\)/);
      expect(done.error?.message.ja).toContain('学習率');
      // What was trained before it diverged is kept, for the chart.
      expect(done.result?.series[0].stopped?.reason).toBe('nan');
    });
  });
}
