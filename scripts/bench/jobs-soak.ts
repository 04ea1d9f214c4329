/**
 * Soak of the Redis queue as a workshop uses it: `jobs` runs of a tiny lesson
 * (linear, 2 epochs) from `users` participants pressing /train within the
 * first half minute, through a real redis-server, to `workers` real `tasuke
 * worker` processes, one of which is SIGKILLed and started again every
 * `killEveryS` seconds. The submitting side (this process) is the same
 * `createJobQueue` that `tasuke serve` opens, with its default limits: a
 * participant at the per-person limit waits for a job to end, one refused
 * because the queue is unavailable tries again, as a person would.
 *
 * It prints the counts (succeeded, failed by reason, lost: jobs submitted
 * that never reached a final state, or reached it twice), the time from
 * submission to result (p50, p99), and the memory of the submitting process
 * and of the worker that is never killed, sampled over the run.
 *
 *   npm run bench -- jobs-soak
 *   SOAK_JOBS=60 SOAK_USERS=20 SOAK_KILL_EVERY_S=10 npm run bench -- jobs-soak
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { UserError } from '../../src/core/errors.ts';
import { createJobQueue } from '../../src/jobs/index.ts';
import type { JobRecord } from '../../src/jobs/types.ts';
import { startRedis } from '../../tests/jobs/support/redis-server.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface SoakOptions {
  jobs?: number;
  users?: number;
  workers?: number;
  killEveryS?: number;
  epochs?: number;
  /** Give up waiting for the last results after this long (they count as lost). */
  drainTimeoutS?: number;
}

const envNumber = (name: string): number | undefined => {
  const v = process.env[name];
  return v && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function rssOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const mb = (b: number | undefined) => (b === undefined ? '-' : `${(b / 1024 / 1024).toFixed(0)} MB`);

export async function run(opts: SoakOptions = {}): Promise<void> {
  const jobs = opts.jobs ?? envNumber('SOAK_JOBS') ?? 500;
  const users = opts.users ?? envNumber('SOAK_USERS') ?? 100;
  const workers = opts.workers ?? envNumber('SOAK_WORKERS') ?? 2;
  const killEveryS = opts.killEveryS ?? envNumber('SOAK_KILL_EVERY_S') ?? 20;
  const epochs = opts.epochs ?? envNumber('SOAK_EPOCHS') ?? 2;
  const drainTimeoutS = opts.drainTimeoutS ?? envNumber('SOAK_DRAIN_TIMEOUT_S') ?? 600;
  console.log(`soak: ${jobs} jobs (linear, ${epochs} epochs) from ${users} users, ${workers} workers, one SIGKILLed and restarted every ${killEveryS} s`);

  const redis = await startRedis();
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuke-soak-'));
  const env = {
    ...process.env,
    TASUKE_QUEUE: 'redis',
    REDIS_URL: redis.url,
    TASUKE_DATA_DIR: join(dataDir, 'worker'),
    TASUKE_LESSONS_DIR: join(ROOT, 'lessons'),
    TASUKE_WORKER_CONCURRENCY: '1',
  };
  const logLines: string[] = [];
  const config = loadConfig({ TASUKE_QUEUE: 'redis', REDIS_URL: redis.url, TASUKE_DATA_DIR: join(dataDir, 'server'), TASUKE_LESSONS_DIR: join(ROOT, 'lessons') }, {});
  const queue = await createJobQueue(config, { log: (l) => logLines.push(l) });

  const procs: (ChildProcess | undefined)[] = [];
  const startWorker = (i: number): Promise<void> =>
    new Promise((resolveStarted) => {
      const p = spawn(process.execPath, [join(ROOT, 'bin/tasuke.js'), 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
      procs[i] = p;
      let out = '';
      const onData = (d: Buffer) => {
        out += String(d);
        if (out.includes('taking training jobs')) resolveStarted();
      };
      p.stdout!.on('data', onData);
      p.stderr!.on('data', (d: Buffer) => {
        onData(d);
        for (const line of String(d).split('\n')) if (line.trim()) logLines.push(`[worker ${i}] ${line}`);
      });
      p.once('exit', () => resolveStarted());
    });
  await Promise.all(Array.from({ length: workers }, (_, i) => startWorker(i)));

  const started = Date.now();
  const finals = new Map<string, JobRecord[]>();
  const submitted = new Set<string>();
  let refusedLimit = 0;
  let refusedUnavailable = 0;
  let kills = 0;
  const memory: { t: number; heap: number; rss: number; worker?: number }[] = [];
  queue.subscribe((e) => {
    if (e.type === 'state' && ['succeeded', 'failed', 'cancelled'].includes(e.job.state)) {
      finals.set(e.job.id, [...(finals.get(e.job.id) ?? []), e.job]);
    }
  });

  let stop = false;
  const sampler = (async () => {
    while (!stop) {
      const m = process.memoryUsage();
      memory.push({ t: Date.now() - started, heap: m.heapUsed, rss: m.rss, worker: rssOf(procs[workers - 1]?.pid) });
      await sleep(2000);
    }
  })();
  const killer = (async () => {
    while (!stop) {
      await sleep(killEveryS * 1000);
      if (stop) break;
      const victim = procs[0];
      if (victim && victim.exitCode === null) {
        victim.kill('SIGKILL');
        kills++;
        await new Promise((r) => victim.once('exit', r));
      }
      await startWorker(0);
    }
  })();

  // Participants: a share of the jobs each, starting within the first 30 s.
  const perUser = Array.from({ length: users }, (_, u) => Math.floor(jobs / users) + (u < jobs % users ? 1 : 0));
  await Promise.all(
    perUser.map(async (count, u) => {
      await sleep(Math.random() * 30_000);
      const userId = `p${u}`;
      let mine: string[] = [];
      for (let n = 0; n < count; ) {
        try {
          const rec = await queue.submit({ userId, lesson: 'linear', params: { epochs, seed: n + 1 }, mode: 'single', lang: u % 2 ? 'ja' : 'en' });
          submitted.add(rec.id);
          mine.push(rec.id);
          n++;
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          if (err.id === 'jobs.too-many') {
            refusedLimit++;
            // As a person would: wait until one of mine is done, then press /train again.
            mine = mine.filter((id) => !finals.has(id));
            await Promise.race(mine.map((id) => queue.waitFor(id).catch(() => undefined)));
          } else if (err.id === 'jobs.queue-unavailable') {
            refusedUnavailable++;
            await sleep(2000);
          } else throw err;
        }
      }
    }),
  );
  const allSubmitted = Date.now() - started;

  // Drain: every submitted job must end.
  const drainDeadline = Date.now() + drainTimeoutS * 1000;
  while ([...submitted].some((id) => !finals.has(id)) && Date.now() < drainDeadline) await sleep(500);
  stop = true;
  await Promise.all([sampler, killer]);

  const byState = new Map<string, number>();
  let lost = 0;
  let duplicated = 0;
  const latencies: number[] = [];
  for (const id of submitted) {
    const seen = finals.get(id);
    const stored = await queue.get(id);
    if (!seen || !stored || !['succeeded', 'failed', 'cancelled'].includes(stored.state)) {
      lost++;
      continue;
    }
    if (seen.length > 1) duplicated++;
    const key = stored.state === 'failed' ? `failed (${stored.error?.code})` : stored.state;
    byState.set(key, (byState.get(key) ?? 0) + 1);
    latencies.push(stored.finishedAt! - stored.createdAt);
  }
  latencies.sort((a, b) => a - b);
  const rows = await queue.list();

  console.log(`ran ${((Date.now() - started) / 1000).toFixed(0)} s (all submitted after ${(allSubmitted / 1000).toFixed(0)} s), ${kills} worker kills`);
  console.log(`submitted ${submitted.size}; records ${rows.length}`);
  for (const [k, v] of [...byState].sort()) console.log(`  ${k}: ${v}`);
  console.log(`  lost (no final state): ${lost}`);
  console.log(`  finished more than once: ${duplicated}`);
  console.log(`refusals retried: ${refusedLimit} at the per-person limit, ${refusedUnavailable} queue unavailable`);
  console.log(`submission to result: p50 ${(percentile(latencies, 50) / 1000).toFixed(1)} s, p99 ${(percentile(latencies, 99) / 1000).toFixed(1)} s, max ${(latencies.at(-1)! / 1000).toFixed(1)} s`);
  const q = (f: number) => memory[Math.min(memory.length - 1, Math.floor(f * memory.length))];
  for (const [label, s] of [['start', q(0.1)], ['middle', q(0.5)], ['end', q(0.99)]] as const) {
    if (s) console.log(`memory at ${label} (${(s.t / 1000).toFixed(0)} s): submitter heap ${mb(s.heap)}, rss ${mb(s.rss)}; surviving worker rss ${mb(s.worker)}`);
  }
  const reasons = [...byState.keys()].filter((k) => k.startsWith('failed'));
  console.log(`failure reasons: ${reasons.length ? reasons.join(', ') : 'none'}`);
  const notable = logLines.filter((l) => !/job \w+ (started|succeeded|failed|cancelled)/.test(l));
  console.log(`log lines (submitter and workers, other than per-job lines): ${notable.length}`);
  for (const l of notable.slice(0, 12)) console.log(`  ${l.slice(0, 200)}`);

  await queue.close();
  for (const p of procs) if (p && p.exitCode === null) p.kill('SIGKILL');
  await redis.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
