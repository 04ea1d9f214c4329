/**
 * Training speed: seconds per epoch of the lesson models (mnist: dense, cnn:
 * convolutional) on the TensorFlow.js backend tasuke chooses, and, where
 * Debian's PyTorch works (`/usr/bin/python3 -c 'import torch'`), the same
 * model on the same data with the same batch size and optimizer in PyTorch on
 * this CPU, printed as a ratio tfjs / torch.
 *
 * Both sides train on the data in a fixed order (no shuffling), one warm-up
 * epoch first, then `epochs` timed epochs; the figure is the fastest timed
 * epoch (the least disturbed by other work on a shared machine) and the median.
 * PyTorch runs with as many threads as the machine has cores and, since
 * tfjs-wasm runs on one thread in Node, with one thread too. The wall-clock
 * ratio is taken against the faster of the two; on a machine shared with
 * other work, CPU seconds (tfjs against torch on one thread) are the steadier
 * comparison.
 *
 *   npx tsx -e "import('./scripts/bench/training.ts').then(m=>m.run())"
 *   npx tsx -e "import('./scripts/bench/training.ts').then(m=>m.run({ epochs: 5, lessons: ['cnn'] }))"
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { initBackend, type BackendPreference } from '../../src/training/backend.ts';
import type { Lesson, LessonData } from '../../src/training/lesson.ts';
import { loadLesson } from '../../src/training/lessons.ts';
import { DEFAULT_DATA_SEED, seedSource } from '../../src/training/run.ts';
import { createOptimizer } from '../../src/training/trainer.ts';

const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'torch_models.py');

export interface TrainingBenchOptions {
  /** Lesson ids to measure (default: mnist and cnn). */
  lessons?: string[];
  /** Timed epochs per side (default 3), after one warm-up epoch. */
  epochs?: number;
  /** Backend preference (default: TASUKE_TF_BACKEND from the configuration). */
  backend?: BackendPreference;
  /** Batch size (default: the lesson's). */
  batchSize?: number;
  /** Skip PyTorch. */
  noTorch?: boolean;
}

interface Timing {
  min: number;
  median: number;
  all: number[];
}

function timing(all: number[]): Timing {
  const s = [...all].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, all };
}

/** What the PyTorch twin of a lesson model is called, if it has one. */
function torchModel(lessonId: string): 'dense' | 'cnn' | undefined {
  return lessonId === 'mnist' ? 'dense' : lessonId === 'cnn' ? 'cnn' : undefined;
}

async function timeTfjs(lesson: Lesson, data: LessonData, batchSize: number, epochs: number): Promise<{ t: Timing; cpu: Timing; loss: number }> {
  const tf = await import('@tensorflow/tfjs');
  const params = { ...lesson.defaults, batchSize };
  const built = lesson.buildModel(params, tf, seedSource(params.seed, lesson.id));
  const model = Array.isArray(built) ? built[0]!.model : built;
  // The optimizer the trainer uses (on wasm and cpu: the fused Adam).
  model.compile({ optimizer: createOptimizer(tf, 'adam', params.learningRate), loss: lesson.loss, metrics: [...lesson.metrics] });
  const x = tf.tensor(data.xTrain.values, data.xTrain.shape);
  const y = tf.tensor(data.yTrain.values, data.yTrain.shape);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let loss = NaN;
  for (let e = 0; e < epochs + 1; e++) {
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const h = await model.fit(x, y, { epochs: 1, batchSize, shuffle: false, verbose: 0 });
    if (e > 0) {
      times.push((performance.now() - started) / 1000);
      const c = process.cpuUsage(cpuStarted);
      cpuTimes.push((c.user + c.system) / 1e6);
    }
    loss = Number(h.history.loss?.[0]);
  }
  tf.dispose([x, y]);
  model.dispose();
  return { t: timing(times), cpu: timing(cpuTimes), loss };
}

function torchAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

function timeTorch(
  model: 'dense' | 'cnn',
  lesson: Lesson,
  data: LessonData,
  batchSize: number,
  epochs: number,
  threads: number,
): { t: Timing; cpu: Timing; loss: number; threads: number } {
  const dir = mkdtempSync(join(tmpdir(), 'tasuke-bench-'));
  try {
    const n = data.xTrain.shape[0]!;
    const xPath = join(dir, 'x.f32');
    const yPath = join(dir, 'y.u8');
    const xv = data.xTrain.values;
    writeFileSync(xPath, new Uint8Array(xv.buffer, xv.byteOffset, xv.byteLength));
    const classes = data.yTrain.shape[1]!;
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (data.yTrain.values[i * classes + c]! > data.yTrain.values[i * classes + best]!) best = c;
      labels[i] = best;
    }
    writeFileSync(yPath, labels);
    const job = {
      model,
      x: xPath,
      y: yPath,
      n,
      batchSize,
      epochs,
      warmup: 1,
      lr: lesson.defaults.learningRate,
      hiddenUnits: Number(lesson.defaults.hiddenUnits ?? 128),
      filters: Number(lesson.defaults.filters ?? 16),
      threads,
    };
    const r = spawnSync(PYTHON, [TORCH_SCRIPT], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) throw new Error(`torch_models.py failed: ${r.stderr || r.error?.message}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { epochSeconds: number[]; cpuSeconds: number[]; loss: number[]; threads: number };
    return { t: timing(out.epochSeconds), cpu: timing(out.cpuSeconds), loss: out.loss[out.loss.length - 1]!, threads: out.threads };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const f2 = (s: number) => s.toFixed(2);

export async function run(opts: TrainingBenchOptions = {}): Promise<void> {
  const config = loadConfig();
  const epochs = opts.epochs ?? 3;
  const backend = await initBackend(opts.backend ?? config.training.backend);
  const withTorch = !opts.noTorch && torchAvailable();
  console.log(
    `training: tfjs backend ${backend}; ${withTorch ? 'PyTorch (Debian python3-torch)' : 'PyTorch not available'}; ` +
      `1 warm-up + ${epochs} timed epochs each; seconds per epoch (fastest / median); load average ${loadavg()[0]!.toFixed(1)}`,
  );
  const cores = cpus().length;
  const torchThreads = cores > 1 ? [cores, 1] : [1];
  const header = ['lesson', 'samples', 'batch', `tfjs-${backend} wall`, 'cpu'];
  if (withTorch) {
    for (const t of torchThreads) header.push(`torch ${t}T wall`);
    header.push('torch 1T cpu', 'ratio wall', 'ratio cpu');
  }
  const rows: string[][] = [header];
  for (const id of opts.lessons ?? ['mnist', 'cnn']) {
    const lesson = await loadLesson(id, config.lessonsDir);
    const data = await lesson.loadData(lesson.dataSeed ?? DEFAULT_DATA_SEED);
    const batchSize = opts.batchSize ?? lesson.defaults.batchSize;
    const n = data.xTrain.shape[0]!;
    const tfjs = await timeTfjs(lesson, data, batchSize, epochs);
    const row = [id, String(n), String(batchSize), `${f2(tfjs.t.min)} / ${f2(tfjs.t.median)}`, f2(tfjs.cpu.min)];
    const twin = torchModel(id);
    if (withTorch) {
      if (twin) {
        const runs = torchThreads.map((t) => timeTorch(twin, lesson, data, batchSize, epochs, t));
        row.push(...runs.map((r) => `${f2(r.t.min)} / ${f2(r.t.median)}`));
        const single = runs[runs.length - 1]!;
        row.push(f2(single.cpu.min));
        const bestWall = Math.min(...runs.map((r) => r.t.min));
        row.push(`${(tfjs.t.min / bestWall).toFixed(2)}x`, `${(tfjs.cpu.min / single.cpu.min).toFixed(2)}x`);
      } else {
        row.push(...torchThreads.map(() => '-'), '-', '-', '-');
      }
    }
    rows.push(row);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
  console.log(
    'wall: fastest / median seconds per epoch; cpu: fastest CPU seconds of the process per epoch. ' +
      'ratio wall: tfjs against the faster torch; ratio cpu: tfjs against torch on 1 thread (tfjs-wasm uses one).',
  );
}
