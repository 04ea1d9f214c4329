/**
 * The submitting core on its own, with a real SQLite file: deadlines are
 * handed to the backend once due and not before, a final state is announced
 * once however many times a backend reports it, and a submission the
 * database refuses leaves nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { SubmitCore } from '../../src/jobs/core.ts';
import { workerLostError } from '../../src/jobs/messages.ts';
import type { JobQueue, JobRecord } from '../../src/jobs/types.ts';
import { linear, record } from './support/contract.ts';
import { rejection } from './support/processes.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function core(): SubmitCore {
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuke-core-'));
  const c = new SubmitCore({ dataDir, timeoutMs: 10_000, deadlineMarginMs: 5000, maxQueuedPerUser: 2, validate: () => undefined, log: () => undefined });
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  cleanups.push(() => c.close());
  return c;
}

describe('SubmitCore', () => {
  it('hands a running job to the backend once start + time limit + margin has passed, not before', async () => {
    const c = core();
    const overdue: JobRecord[] = [];
    c.start({ overdue: (rec) => void overdue.push(rec), dispatch: () => undefined });
    const rec = await c.admit(linear('ona'));
    c.announce(rec);
    expect(c.claim(rec.id)).toBe(true);
    await c.sweep();
    expect(overdue).toEqual([]);
    // 14 s after its start: within 10 s + 5 s.
    c.store.db.prepare('UPDATE jobs SET started_at = ? WHERE id = ?').run(Date.now() - 14_000, rec.id);
    await c.sweep();
    expect(overdue).toEqual([]);
    c.store.db.prepare('UPDATE jobs SET started_at = ? WHERE id = ?').run(Date.now() - 16_000, rec.id);
    await c.sweep();
    expect(overdue.map((r) => r.id)).toEqual([rec.id]);
    // The backend ends it; later sweeps leave it alone.
    expect(c.end(rec.id, { state: 'failed', error: workerLostError('no result') }, ['running'])).toBe(true);
    await c.sweep();
    expect(overdue).toHaveLength(1);
  });

  it('announces a final state once, however many times an outcome is reported', async () => {
    const c = core();
    // record() needs only subscribe.
    const rec = record(c as unknown as JobQueue);
    const job = await c.admit(linear('pia'));
    c.announce(job);
    c.claim(job.id);
    expect(c.record(job.id, { finish: { state: 'succeeded' } }, ['running'])).toBe(true);
    expect(c.record(job.id, { finish: { state: 'failed', error: workerLostError('late') } }, ['queued', 'running'])).toBe(false);
    expect(c.end(job.id, { state: 'cancelled' })).toBe(false);
    expect(rec.statesOf(job.id)).toEqual(['queued', 'running', 'succeeded']);
    expect(c.get(job.id)?.state).toBe('succeeded');
  });

  it('refuses a submission the database cannot store with a bilingual message, and stores nothing', async () => {
    const c = core();
    c.store.db.pragma('query_only = ON');
    const err = (await rejection(c.admit(linear('quin')))) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(err.id).toBe('jobs.storage-unavailable');
    expect(err.messages.ja).toMatch(/保存できない/);
    c.store.db.pragma('query_only = OFF');
    expect(c.list()).toEqual([]);
    // Once it can write again, the same person is not held back by a phantom job.
    await c.admit(linear('quin'));
    await c.admit(linear('quin'));
    expect(c.list({ userId: 'quin' })).toHaveLength(2);
  });
});
