import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath, openDatabase, type Db } from '../../src/storage/db.ts';
import { JobStore, markInstanceLive, ownerAlive, ownerTag } from '../../src/jobs/store.ts';
import { nanError } from '../../src/jobs/messages.ts';
import type { JobSubmission } from '../../src/jobs/types.ts';

const opened: { db: Db; dir: string }[] = [];
afterEach(() => {
  for (const { db, dir } of opened.splice(0)) {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
function newStore(): JobStore {
  const dir = mkdtempSync(join(tmpdir(), 'tasuke-store-'));
  const db = openDatabase(databasePath(dir));
  opened.push({ db, dir });
  return new JobStore(db);
}
const sub = (userId: string): JobSubmission => ({ userId, lesson: 'linear', params: { epochs: 2 }, mode: 'single', lang: 'en' });

describe('JobStore', () => {
  it('refuses a submission over the per-user limit and stores nothing for it', () => {
    const s = newStore();
    expect(s.insertIfUnderLimit('a', sub('u'), 2).record?.state).toBe('queued');
    expect(s.insertIfUnderLimit('b', sub('u'), 2).record?.state).toBe('queued');
    expect(s.insertIfUnderLimit('c', sub('u'), 2)).toEqual({ active: 2 });
    expect(s.get('c')).toBeUndefined();
    expect(s.insertIfUnderLimit('d', sub('v'), 2).record).toBeDefined();
    // Finished jobs do not count.
    s.finish('a', { state: 'cancelled' });
    expect(s.insertIfUnderLimit('e', sub('u'), 2).record).toBeDefined();
  });

  it('moves state only forward: claim needs queued, finish never leaves a final state', () => {
    const s = newStore();
    s.insertIfUnderLimit('a', sub('u'), 5, 1000);
    expect(s.claim('a', 'me', 2000)).toBe(true);
    expect(s.claim('a', 'other', 2001)).toBe(false);
    s.progress('a', { epoch: 1, loss: 0.5, elapsedMs: 10, series: 'linear', seriesIndex: 0, seriesCount: 1, totalEpochs: 2 });
    expect(s.finish('a', { state: 'failed', error: nanError(2, 10) }, ['running'], 3000)).toBe(true);
    expect(s.finish('a', { state: 'succeeded' })).toBe(false);
    const rec = s.get('a')!;
    expect(rec).toMatchObject({ state: 'failed', createdAt: 1000, startedAt: 2000, finishedAt: 3000, progress: { epoch: 1 } });
    expect(rec.error?.code).toBe('nan');
    // Progress after the end is ignored.
    s.progress('a', { epoch: 2, loss: 0.1, elapsedMs: 20, series: 'linear', seriesIndex: 0, seriesCount: 1, totalEpochs: 2 });
    expect(s.get('a')!.progress?.epoch).toBe(1);
  });

  it('lists newest first, filtered by user and state', () => {
    const s = newStore();
    s.insertIfUnderLimit('a', sub('u'), 9, 1);
    s.insertIfUnderLimit('b', sub('v'), 9, 2);
    s.insertIfUnderLimit('c', sub('u'), 9, 3);
    s.claim('c', 'me');
    expect(s.list().map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(s.list({ userId: 'u' }).map((r) => r.id)).toEqual(['c', 'a']);
    expect(s.list({ states: ['running'] }).map((r) => r.id)).toEqual(['c']);
    expect(s.list({ states: [] })).toEqual([]);
    expect(s.queuedIds()).toEqual(['a', 'b']);
  });

  it('treats a running job as orphaned when its owner process is dead or its queue instance closed', () => {
    const s = newStore();
    for (const id of ['dead', 'closed', 'live', 'foreign']) {
      s.insertIfUnderLimit(id, sub(id), 5);
    }
    // A pid that surely exited: a child that has already been reaped.
    const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
    s.claim('dead', `${hostname()}:${gone}:x`);
    s.claim('closed', ownerTag('closed-instance'));
    markInstanceLive('live-instance', true);
    s.claim('live', ownerTag('live-instance'));
    s.claim('foreign', 'another-host:1:x');
    try {
      expect(ownerAlive(ownerTag('live-instance'))).toBe(true);
      expect(s.orphans().map((r) => r.id).sort()).toEqual(['closed', 'dead', 'foreign']);
    } finally {
      markInstanceLive('live-instance', false);
    }
    expect(s.orphans().map((r) => r.id)).toContain('live');
  });
});

describe('newJobId', () => {
  it('gives short, distinct ids that start with a letter (BullMQ refuses integer-like ids)', async () => {
    const { newJobId } = await import('../../src/jobs/embedded.ts');
    const ids = Array.from({ length: 5000 }, () => newJobId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z2-9]{9}$/);
  });
});
