/**
 * A classroom burst: the instructor says "now run /train mnist" and
 * `participants` people press it at once. A realistic mix: most submit the
 * defaults, some change a parameter (a few of them the same change). Each
 * participant is a different person, through the same `createJobQueue` that
 * `tasuke serve` opens, on a fresh data directory (nothing kept from an
 * earlier run of the bench).
 *
 * Twice: through the embedded queue on this machine (its worker children,
 * `TASUKE_WORKER_CONCURRENCY`, default here: as many as there are cores, each
 * run then on one thread), and through the Redis queue with a real
 * redis-server and two real `tasuke worker` processes (one job each at a
 * time, one thread each).
 *
 * Prints, per queue: how many were served (succeeded with a chart), how many
 * trained and how many were served from an identical finished run, the time
 * from submission to chart (p50, p99, max), and the share of submissions
 * served within 60 s. Last, the peak memory (VmHWM) of the embedded queue's
 * worker child over one default `cnn` job, chart included.
 *
 *   npm run bench -- classroom
 *   npx tsx -e "import('./scripts/bench/classroom.ts').then(m=>m.run({ participants: 20, redis: false }))"
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../src/config.ts';
import { createJobQueue, type JobQueue, type JobRecord, type JobSubmission } from '../../src/jobs/index.ts';
import { startRedis } from '../../tests/jobs/support/redis-server.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface ClassroomOptions {
  /** How many people press /train at once (default 60). */
  participants?: number;
  /** The lesson the instructor names (default mnist). */
  lesson?: string;
  /** Worker children of the embedded queue (default: the cores of this machine). */
  concurrency?: number;
  /** Also run the Redis queue with two `tasuke worker` processes (default true). */
  redis?: boolean;
  /** Give up on the last results after this long (they count as not served). */
  drainTimeoutS?: number;
}

/** Changed parameters a part of the class tries, each by a few people (the rest submit the defaults). */
const CHANGES: Record<string, unknown>[] = [
  { learningRate: 0.01 },
  { epochs: 5 },
  { hiddenUnits: 64 },
  { dropout: 0.2 },
  { batchSize: 128 },
  { seed: 7 },
];

/** The class: about 70 % defaults, the rest spread over CHANGES, in a shuffled but fixed order. */
export function classMix(participants: number, lesson: string): JobSubmission[] {
  const changed = Math.round(participants * 0.3);
  const subs: JobSubmission[] = [];
  for (let i = 0; i < participants; i++) {
    const params = i < changed ? { ...CHANGES[i % CHANGES.length] } : {};
    subs.push({ userId: `p${String(i + 1).padStart(2, '0')}`, lesson, params, mode: 'single', lang: i % 10 === 9 ? 'en' : 'ja' });
  }
  // A fixed interleaving (a multiplicative step coprime with the size), so changed and default ones arrive mixed.
  let step = 7;
  while (gcd(step, participants) !== 1) step++;
  return subs.map((_, i) => subs[(i * step) % participants]!);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

interface BurstFigures {
  served: number;
  trained: number;
  fromFinished: number;
  failed: number;
  p50: number;
  p99: number;
  max: number;
  within60: number;
}

/** Submits the whole class at once and waits for every chart. */
async function burst(queue: JobQueue, subs: JobSubmission[], drainMs: number): Promise<BurstFigures> {
  const started = new Map<string, number>();
  const times: number[] = [];
  let failed = 0;
  let trained = 0;
  let fromFinished = 0;
  const t0 = performance.now();
  const done = await Promise.all(
    subs.map(async (s) => {
      const at = performance.now();
      let rec: JobRecord;
      try {
        rec = await queue.submit(s);
      } catch (err) {
        console.log(`  ${s.userId}: refused: ${(err as Error).message}`);
        failed++;
        return undefined;
      }
      started.set(rec.id, at);
      const end = await queue.waitFor(rec.id, drainMs).catch(() => undefined);
      const took = (performance.now() - at) / 1000;
      if (end?.state === 'succeeded' && end.chartPath) {
        times.push(took);
        if (end.notice) fromFinished++;
        else trained++;
        return end;
      }
      failed++;
      console.log(`  ${s.userId}: ${end ? `${end.state} ${end.error?.code ?? ''}` : 'no result in time'}`);
      return undefined;
    }),
  );
  void t0;
  const sorted = [...times].sort((a, b) => a - b);
  return {
    served: done.filter(Boolean).length,
    trained,
    fromFinished,
    failed,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? NaN,
    within60: times.filter((t) => t <= 60).length / subs.length,
  };
}

function report(name: string, n: number, f: BurstFigures, wallS: number): void {
  console.log(
    `${name}: served ${f.served}/${n} (trained ${f.trained}, from an identical finished run ${f.fromFinished}, not served ${f.failed}); ` +
      `submission to chart p50 ${f.p50.toFixed(1)} s, p99 ${f.p99.toFixed(1)} s, max ${f.max.toFixed(1)} s; ` +
      `served within 60 s: ${(f.within60 * 100).toFixed(0)} %; whole burst ${wallS.toFixed(1)} s`,
  );
}

function configFor(dataDir: string, extra: Record<string, string>): Config {
  return loadConfig({ TASUKE_DATA_DIR: dataDir, TASUKE_LESSONS_DIR: join(ROOT, 'lessons'), TASUKE_MAX_QUEUED_PER_USER: '2', ...extra }, {}, dataDir);
}

async function embedded(subs: JobSubmission[], concurrency: number, drainMs: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuke-classroom-'));
  const queue = await createJobQueue(configFor(dataDir, { TASUKE_WORKER_CONCURRENCY: String(concurrency) }), { log: () => undefined });
  try {
    const t = performance.now();
    const f = await burst(queue, subs, drainMs);
    report(`embedded queue, ${concurrency} worker child(ren)`, subs.length, f, (performance.now() - t) / 1000);
  } finally {
    await queue.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function startWorker(env: NodeJS.ProcessEnv): { proc: ChildProcess; ready: Promise<void> } {
  const proc = spawn(process.execPath, [join(ROOT, 'bin/tasuke.js'), 'worker', '--concurrency', '1'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<void>((resolveReady, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('taking training jobs')) resolveReady();
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('exit', (code) => reject(new Error(`tasuke worker exited (${code}): ${out}`)));
  });
  return { proc, ready };
}

async function redis(subs: JobSubmission[], drainMs: number): Promise<void> {
  const server = await startRedis();
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuke-classroom-'));
  const workers: ChildProcess[] = [];
  try {
    // Two workers on one 2-core machine: one thread per run each.
    const env = { ...process.env, TASUKE_QUEUE: 'redis', REDIS_URL: server.url, TASUKE_TRAIN_THREADS: '1', TASUKE_DATA_DIR: mkdtempSync(join(tmpdir(), 'tasuke-classroom-w-')), TASUKE_LESSONS_DIR: join(ROOT, 'lessons') };
    const started = [startWorker(env), startWorker(env)];
    workers.push(...started.map((w) => w.proc));
    await Promise.all(started.map((w) => w.ready));
    const queue = await createJobQueue(configFor(dataDir, { TASUKE_QUEUE: 'redis', REDIS_URL: server.url }), { log: () => undefined });
    try {
      const t = performance.now();
      const f = await burst(queue, subs, drainMs);
      report('Redis queue, 2 tasuke worker processes', subs.length, f, (performance.now() - t) / 1000);
    } finally {
      await queue.close();
    }
  } finally {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((r) => {
            if (w.exitCode !== null) return r();
            w.once('exit', () => r());
            w.kill('SIGTERM');
          }),
      ),
    );
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Peak resident memory (MB) of a process, from /proc (undefined where there is none). */
function peakRssMb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** One default cnn job through a fresh embedded queue: its worker child's peak RSS. */
async function cnnJobMemory(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuke-classroom-'));
  const queue = await createJobQueue(configFor(dataDir, { TASUKE_WORKER_CONCURRENCY: '1' }), { log: () => undefined });
  try {
    const pids = new Set<number>();
    const off = queue.subscribe((e) => {
      if (e.type === 'progress') for (const pid of (queue as unknown as { workerPids(): number[] }).workerPids()) pids.add(pid);
    });
    const rec = await queue.submit({ userId: 'mem', lesson: 'cnn', params: {}, mode: 'single', lang: 'ja' });
    const done = await queue.waitFor(rec.id, 600_000);
    off();
    // The child stays in the pool after the job: its high-water mark covers the run and the chart.
    const peaks = [...pids].map(peakRssMb).filter((v): v is number => v !== undefined);
    console.log(`memory: a default cnn job (${done.state}): worker child peak RSS ${peaks.map((p) => `${p.toFixed(0)} MB`).join(', ') || 'not readable here'}`);
  } finally {
    await queue.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Runs the burst through both queues (Redis unless `redis: false`), then the CNN job's memory, and prints the figures. */
export async function run(opts: ClassroomOptions = {}): Promise<void> {
  const n = opts.participants ?? 60;
  const lesson = opts.lesson ?? 'mnist';
  const concurrency = opts.concurrency ?? cpus().length;
  const drainMs = (opts.drainTimeoutS ?? 600) * 1000;
  const subs = classMix(n, lesson);
  const distinct = new Set(subs.map((s) => JSON.stringify([s.params, s.lang]))).size;
  console.log(
    `classroom: ${n} participants press /train ${lesson} at once (${subs.filter((s) => Object.keys(s.params).length === 0).length} with the defaults, ` +
      `the rest changing one parameter; ${distinct} distinct runs counting the language); ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  await embedded(subs, concurrency, drainMs);
  if (opts.redis !== false) await redis(subs, drainMs);
  await cnnJobMemory();
}
