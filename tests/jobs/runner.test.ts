import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { settle } from '../../src/jobs/outcome.ts';
import { ChildPool } from '../../src/jobs/runner.ts';
import { linear } from './support/contract.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const config = loadConfig({ TASUKE_LESSONS_DIR: resolve('lessons') }, {});
const pools: ChildPool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) await p.close();
});
function pool(entry?: string): ChildPool {
  const p = new ChildPool({ keepIdle: 1, graceMs: 2000, entry });
  pools.push(p);
  return p;
}

describe('ChildPool', () => {
  it('reports a child that cannot start, with its reason, as an internal failure of the job', async () => {
    const outcome = await pool(fixture('child-cannot-start.ts')).run({ jobId: 'j1', submission: linear('u') }, { timeoutMs: 30_000 });
    expect(outcome.kind).toBe('init-failed');
    const settled = settle(outcome, linear('u'), () => undefined);
    expect(settled.finish.state).toBe('failed');
    expect(settled.finish.error?.code).toBe('internal');
    expect(settled.finish.error?.message.en).toContain('libcudart.so.11.0');
  });

  it('reports a child that dies before it is ready as crashed, with its exit code', async () => {
    const outcome = await pool(fixture('child-dies-at-start.ts')).run({ jobId: 'j2', submission: linear('u') }, { timeoutMs: 30_000 });
    expect(outcome).toEqual({ kind: 'crashed', detail: 'worker exited before it was ready (exit code 3)' });
  });

  it('kills a child that does not stop within the grace period after Cancel, and ends the job cancelled', async () => {
    const p = pool(fixture('child-ignores-cancel.ts'));
    const cancel = new AbortController();
    let pid: number | undefined;
    const outcome = await p.run(
      { jobId: 'stuck', submission: linear('u') },
      {
        timeoutMs: 60_000,
        signal: cancel.signal,
        onProgress: () => {
          pid = p.busyPids()[0];
          cancel.abort();
        },
      },
    );
    expect(outcome).toEqual({ kind: 'cancelled' });
    expect(pid).toBeGreaterThan(0);
    // Gone: signal 0 finds no such process.
    expect(() => process.kill(pid!, 0)).toThrow();
  });

  it('reuses a healthy child for the next job, and cancels a job before it starts without running it', async () => {
    const p = pool();
    const pids: number[][] = [];
    for (const jobId of ['a', 'b']) {
      const outcome = await p.run(
        { jobId, submission: linear('u', { epochs: 2 }), config },
        { timeoutMs: 60_000, onProgress: () => pids.push(p.busyPids()) },
      );
      expect(outcome.kind).toBe('completed');
    }
    expect(new Set(pids.flat()).size).toBe(1);

    const aborted = new AbortController();
    aborted.abort();
    let progressed = false;
    const outcome = await p.run(
      { jobId: 'c', submission: linear('u', { epochs: 2 }), config },
      { timeoutMs: 60_000, signal: aborted.signal, onProgress: () => (progressed = true) },
    );
    expect(outcome.kind).toBe('cancelled');
    expect(progressed).toBe(false);
  });
});
