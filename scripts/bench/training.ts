/**
 * Training speed: seconds per epoch of every lesson model (xor's two models
 * each) on the TensorFlow.js backend tasuke chooses, and, where Debian's
 * PyTorch works (`/usr/bin/python3 -c 'import torch'`), the same model (built
 * layer by layer from a description of the tfjs one) on the same data with
 * the same batch size, optimizer and learning rate in PyTorch on this CPU,
 * printed as a ratio tfjs / torch.
 *
 * Both sides train on the data in a fixed order (no shuffling), one warm-up
 * epoch first, then `epochs` timed epochs; the figure is the fastest timed
 * epoch (the least disturbed by other work on a shared machine) and the median.
 * PyTorch runs with as many threads as the machine has cores and, since
 * tfjs-wasm runs on one thread in Node, with one thread too. The wall-clock
 * ratio is taken against the faster of the two; on a machine shared with
 * other work, CPU seconds (tfjs against torch on one thread) are the steadier
 * comparison. The tiny lessons (linear, xor, iris: a few batches an epoch)
 * measure per-batch overhead more than arithmetic.
 *
 *   npx tsx -e "import('./scripts/bench/training.ts').then(m=>m.run())"
 *   npx tsx -e "import('./scripts/bench/training.ts').then(m=>m.run({ epochs: 5, lessons: ['cnn'] }))"
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LayersModel } from '@tensorflow/tfjs';
import { loadConfig } from '../../src/config.ts';
import { initBackend, type BackendPreference } from '../../src/training/backend.ts';
import type { Lesson, LessonData, Tf } from '../../src/training/lesson.ts';
import { listLessonIds, loadLesson } from '../../src/training/lessons.ts';
import { DEFAULT_DATA_SEED, seedSource } from '../../src/training/run.ts';
import { createOptimizer } from '../../src/training/trainer.ts';

const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'torch_models.py');

export interface TrainingBenchOptions {
  /** Lesson ids to measure (default: every lesson). */
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

/** One layer of a lesson model, as the PyTorch twin rebuilds it. */
type LayerSpec =
  | { type: 'dense'; units: number; activation: string }
  | { type: 'conv2d'; filters: number; kernelSize: number[]; strides: number[]; padding: string; activation: string }
  | { type: 'maxpool'; poolSize: number[]; strides: number[] }
  | { type: 'flatten' }
  | { type: 'dropout'; rate: number };

const pair = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : [Number(v), Number(v)]);

/** The layers of a tfjs model in the form torch_models.py reads; undefined when one has no twin. */
export function describeModel(model: LayersModel): LayerSpec[] | undefined {
  const out: LayerSpec[] = [];
  for (const layer of model.layers) {
    const c = layer.getConfig() as Record<string, unknown>;
    const act = String(c.activation ?? 'linear');
    switch (layer.getClassName()) {
      case 'Dense':
        out.push({ type: 'dense', units: Number(c.units), activation: act });
        break;
      case 'Conv2D':
        out.push({ type: 'conv2d', filters: Number(c.filters), kernelSize: pair(c.kernelSize), strides: pair(c.strides ?? 1), padding: String(c.padding ?? 'valid'), activation: act });
        break;
      case 'MaxPooling2D':
        out.push({ type: 'maxpool', poolSize: pair(c.poolSize), strides: pair(c.strides ?? c.poolSize) });
        break;
      case 'Flatten':
        out.push({ type: 'flatten' });
        break;
      case 'Dropout':
        out.push({ type: 'dropout', rate: Number(c.rate) });
        break;
      default:
        return undefined;
    }
  }
  return out;
}

/** The models of a lesson with the names its rows get (xor has two). */
function lessonModels(lesson: Lesson, tf: Tf): { name: string; model: LayersModel }[] {
  const params = { ...lesson.defaults };
  const built = lesson.buildModel(params, tf, seedSource(params.seed, lesson.id));
  return Array.isArray(built) ? built.map((v) => ({ name: `${lesson.id}/${v.key}`, model: v.model })) : [{ name: lesson.id, model: built }];
}

async function timeTfjs(lesson: Lesson, model: LayersModel, data: LessonData, batchSize: number, epochs: number): Promise<{ t: Timing; cpu: Timing; loss: number }> {
  const tf = await import('@tensorflow/tfjs');
  const metrics = [...lesson.metrics];
  // The optimizer the trainer uses (on wasm and cpu: the fused Adam).
  model.compile({ optimizer: createOptimizer(tf, lesson.defaults.optimizer, lesson.defaults.learningRate), loss: lesson.loss, metrics });
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
  layers: LayerSpec[],
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
    const yPath = join(dir, 'y.f32');
    const f32 = (v: ArrayLike<number>) => {
      const a = v instanceof Float32Array ? v : Float32Array.from(v);
      return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    };
    writeFileSync(xPath, f32(data.xTrain.values));
    writeFileSync(yPath, f32(data.yTrain.values));
    const job = {
      layers,
      inputShape: data.xTrain.shape.slice(1),
      loss: lesson.loss,
      optimizer: lesson.defaults.optimizer,
      x: xPath,
      y: yPath,
      n,
      outputs: data.yTrain.shape[1] ?? 1,
      batchSize,
      epochs,
      warmup: 1,
      lr: lesson.defaults.learningRate,
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

/** Seconds with three significant decimals for the small lessons. */
const f2 = (s: number) => (s < 0.1 ? s.toFixed(4) : s.toFixed(2));

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
  const tf = await import('@tensorflow/tfjs');
  for (const id of opts.lessons ?? listLessonIds(config.lessonsDir)) {
    const lesson = await loadLesson(id, config.lessonsDir);
    const data = await lesson.loadData(lesson.dataSeed ?? DEFAULT_DATA_SEED);
    const batchSize = opts.batchSize ?? lesson.defaults.batchSize;
    const n = data.xTrain.shape[0]!;
    for (const { name, model } of lessonModels(lesson, tf)) {
      const layers = describeModel(model);
      const tfjs = await timeTfjs(lesson, model, data, batchSize, epochs);
      const row = [name, String(n), String(batchSize), `${f2(tfjs.t.min)} / ${f2(tfjs.t.median)}`, f2(tfjs.cpu.min)];
      if (withTorch) {
        if (layers) {
          const runs = torchThreads.map((t) => timeTorch(layers, lesson, data, batchSize, epochs, t));
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
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
  console.log(
    'wall: fastest / median seconds per epoch; cpu: fastest CPU seconds of the process per epoch. ' +
      'ratio wall: tfjs against the faster torch; ratio cpu: tfjs against torch on 1 thread (tfjs-wasm uses one).',
  );
}
