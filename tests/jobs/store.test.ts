import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath, openDatabase, type Db } from '../../src/storage/db.ts';
import { JobStore } from '../../src/jobs/store.ts';
import { currentProcess, OwnerRegistry, processStartTime } from '../../src/jobs/owners.ts';
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

  it('treats a running job as orphaned when its owner is gone, closed, unknown, on a stale host, or its pid now belongs to another process', () => {
    const s = newStore();
    const owners = new OwnerRegistry(s.db, { staleMs: 60_000 });
    const me = currentProcess();
    const now = Date.now();
    // A pid that surely exited: a child that has already been reaped.
    const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
    owners.register('o-dead', now, { ...me, pid: gone });
    // This process's pid, but recorded with another start time: what a reused pid looks like.
    owners.register('o-reused', now, { ...me, pid: process.pid, pidStart: '1' });
    owners.register('o-closed', now);
    owners.close('o-closed');
    owners.register('o-live', now);
    owners.register('o-far-fresh', now, { host: 'another-host', pid: 1, bootId: 'b', pidStart: '5' });
    owners.register('o-far-stale', now - 120_000, { host: 'another-host', pid: 1, bootId: 'b', pidStart: '5' });
    owners.register('o-rebooted', now, { ...me, bootId: 'an-earlier-boot' });
    const cases: Record<string, string | null> = {
      dead: 'o-dead',
      reused: 'o-reused',
      closed: 'o-closed',
      live: 'o-live',
      farFresh: 'o-far-fresh',
      farStale: 'o-far-stale',
      rebooted: 'o-rebooted',
      // An owner tag from before the registry, naming a live pid: unknown, so dead.
      legacy: `${hostname()}:${process.pid}:x`,
      none: null,
    };
    for (const [id, owner] of Object.entries(cases)) {
      s.insertIfUnderLimit(id, sub(id), 5);
      s.claim(id, owner ?? 'placeholder');
      if (owner === null) s.db.prepare('UPDATE jobs SET owner = NULL WHERE id = ?').run(id);
    }
    expect(processStartTime(process.pid)).toBe(me.pidStart);
    expect(s.orphans((o) => owners.isAlive(o)).map((r) => r.id).sort()).toEqual(
      ['closed', 'dead', 'farStale', 'legacy', 'none', 'rebooted', 'reused'].sort(),
    );
    owners.close('o-live');
    expect(s.orphans((o) => owners.isAlive(o)).map((r) => r.id)).toContain('live');
  });
});

describe('newJobId', () => {
  it('gives short, distinct ids that start with a letter (BullMQ refuses integer-like ids)', async () => {
    const { newJobId } = await import('../../src/jobs/ids.ts');
    const ids = Array.from({ length: 5000 }, () => newJobId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z2-9]{9}$/);
  });
});
