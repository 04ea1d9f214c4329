/**
 * Training speed, side by side with PyTorch, honestly.
 *
 * For every lesson model (xor's two models each) it measures seconds per
 * epoch on the backend tasuke chooses, three ways:
 * - `train`: the way `tasuke train` runs (trainer.ts's fitSeries: a seeded
 *   shuffle of the training set every epoch, then the validation set; on the
 *   wasm backend every lesson trains in the fused trainer, fast/fused.ts);
 * - `bare`: the same trainer on the data in a fixed order, nothing else;
 * - `fit`: tfjs's own model.fit, bare (what tasuke trained with before the
 *   fused trainer, and still does where it cannot run);
 * and the same model (built layer by layer from a description of the tfjs one,
 * torch_models.py) on the same data, batch size, optimizer and learning rate
 * in Debian's PyTorch, on 1 thread and on 2 threads, both ways.
 *
 * Honesty about PyTorch's BLAS: Debian's python3-torch goes through whatever
 * libblas.so.3 the system resolves, the unoptimised reference libblas3 unless
 * an optimised one is installed, which makes its dense layers many times
 * slower than they should be. The twin reports which library it really
 * loaded; with the reference BLAS (or no PyTorch) the comparison is not
 * printed and the bench says how to install what it needs
 * (`bash scripts/bench/setup-torch.sh`: python3-torch and libopenblas0-pthread).
 * Each PyTorch command runs with OPENBLAS_NUM_THREADS / OMP_NUM_THREADS set to
 * its thread count and without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, which
 * some machines set and which slow OpenBLAS down.
 *
 * Each side runs one warm-up epoch, then `epochs` timed epochs; the figure is
 * the fastest timed epoch (the least disturbed by other work on a shared
 * machine) and the median. Ratios are tasuke / PyTorch wall-clock, fastest
 * against fastest: below 1.0 tasuke is faster.
 *
 * Last, for the small lessons (a few batches an epoch: per-batch overhead and
 * process start, not arithmetic), the whole default `tasuke train <lesson>`
 * command is timed end to end, process start included.
 *
 *   npm run bench -- training
 *   npx tsx -e "import('./scripts/bench/training.ts').then(m=>m.run({ epochs: 5, lessons: ['cnn'] }))"
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LayersModel } from '@tensorflow/tfjs';
import { loadConfig } from '../../src/config.ts';
import { initBackend, type BackendPreference } from '../../src/training/backend.ts';
import type { Lesson, LessonData, Tf } from '../../src/training/lesson.ts';
import { listLessonIds, loadLesson } from '../../src/training/lessons.ts';
import { DEFAULT_DATA_SEED, seedSource } from '../../src/training/run.ts';
import { FusedTrainer, planFused } from '../../src/training/fast/fused.ts';
import { createOptimizer, fitSeries } from '../../src/training/trainer.ts';

const PYTHON = '/usr/bin/python3';
const HERE = dirname(fileURLToPath(import.meta.url));
const TORCH_SCRIPT = join(HERE, 'torch_models.py');
const ROOT = resolve(HERE, '../..');
const SETUP_HINT = 'bash scripts/bench/setup-torch.sh (installs python3-torch and libopenblas0-pthread)';
/** Environment variables that some machines set and that slow OpenBLAS down (wrong core type, wrong cache size). */
const OPENBLAS_OVERRIDES = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];
/** The small lessons whose whole default run, process start included, is timed. */
const END_TO_END = ['linear', 'xor', 'iris'];

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
  /** PyTorch thread counts to compare with (default 1 and 2). */
  torchThreads?: number[];
  /** Runs of each small lesson's whole `tasuke train` command (default 3; 0 skips). */
  endToEndRuns?: number;
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

/** The models of a lesson with the names its rows get (xor has two), built as a run builds them. */
function lessonModels(lesson: Lesson, tf: Tf): { name: string; model: LayersModel }[] {
  const params = { ...lesson.defaults };
  const built = lesson.buildModel(params, tf, seedSource(params.seed, 'model'));
  return Array.isArray(built) ? built.map((v) => ({ name: `${lesson.id}/${v.key}`, model: v.model })) : [{ name: lesson.id, model: built }];
}

interface SideTiming {
  t: Timing;
  cpu: Timing;
}

/** `bare`: model.fit on the data in file order, no validation. */
async function timeTfjsBare(tf: Tf, lesson: Lesson, model: LayersModel, data: LessonData, batchSize: number, epochs: number): Promise<SideTiming> {
  model.compile({ optimizer: createOptimizer(tf, lesson.defaults.optimizer, lesson.defaults.learningRate), loss: lesson.loss, metrics: [...lesson.metrics] });
  const x = tf.tensor(data.xTrain.values, data.xTrain.shape);
  const y = tf.tensor(data.yTrain.values, data.yTrain.shape);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  try {
    for (let e = 0; e < epochs + 1; e++) {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      await model.fit(x, y, { epochs: 1, batchSize, shuffle: false, verbose: 0 });
      if (e > 0) {
        times.push((performance.now() - started) / 1000);
        const c = process.cpuUsage(cpuStarted);
        cpuTimes.push((c.user + c.system) / 1e6);
      }
    }
  } finally {
    tf.dispose([x, y]);
  }
  return { t: timing(times), cpu: timing(cpuTimes) };
}

/** `bare` on the fused trainer: fixed order, no validation; undefined when it cannot run the model. */
async function timeFusedBare(tf: Tf, lesson: Lesson, model: LayersModel, data: LessonData, batchSize: number, epochs: number): Promise<(SideTiming & { threads: number }) | undefined> {
  const plan = tf.getBackend() === 'wasm' ? planFused(model, lesson.loss) : 'not on wasm';
  if (typeof plan === 'string') return undefined;
  const trainer = await FusedTrainer.create({
    plan,
    model,
    tf,
    data: { xTrain: data.xTrain.values, yTrain: data.yTrain.values },
    batchSize,
    optimizer: lesson.defaults.optimizer,
    learningRate: lesson.defaults.learningRate,
  });
  const order = Int32Array.from({ length: trainer.trainingRows }, (_, i) => i);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  try {
    for (let e = 0; e < epochs + 1; e++) {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      await trainer.epoch(order);
      if (e > 0) {
        times.push((performance.now() - started) / 1000);
        const c = process.cpuUsage(cpuStarted);
        cpuTimes.push((c.user + c.system) / 1e6);
      }
    }
    return { t: timing(times), cpu: timing(cpuTimes), threads: trainer.threads };
  } finally {
    await trainer.dispose();
  }
}

/** `train`: the trainer's own loop (seeded shuffle every epoch, validation after it), timed epoch by epoch. */
async function timeTfjsTrain(tf: Tf, lesson: Lesson, model: LayersModel, data: LessonData, batchSize: number, epochs: number): Promise<SideTiming> {
  const t = (a: { values: Float32Array; shape: number[] }) => tf.tensor(a.values, a.shape, 'float32');
  const tensors = { xTrain: t(data.xTrain), yTrain: t(data.yTrain), xVal: data.xVal && t(data.xVal), yVal: data.yVal && t(data.yVal) };
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  try {
    await fitSeries({
      tf,
      model,
      data: tensors,
      params: { ...lesson.defaults, batchSize, epochs: epochs + 1 },
      loss: lesson.loss,
      metrics: lesson.metrics,
      series: { key: lesson.id, index: 0, count: 1 },
      onEpoch: (ev) => {
        const now = performance.now();
        const c = process.cpuUsage(lastCpu);
        if (ev.epoch > 1) {
          times.push((now - last) / 1000);
          cpuTimes.push((c.user + c.system) / 1e6);
        }
        last = now;
        lastCpu = process.cpuUsage();
      },
    });
  } finally {
    for (const v of Object.values(tensors)) v?.dispose();
  }
  return { t: timing(times), cpu: timing(cpuTimes) };
}

interface TorchBlas {
  kind: string;
  libraries: string[];
  torchThreads: number;
  openblasThreads?: number;
  openblasCore?: string;
  openblasConfig?: string;
}

interface TorchRun extends SideTiming {
  threads: number;
  blas: TorchBlas;
  version: string;
}

/** The environment of one PyTorch command: its thread count, and none of the overrides that slow OpenBLAS. */
function torchEnv(threads: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  for (const k of OPENBLAS_OVERRIDES) delete env[k];
  return env;
}

function f32(v: ArrayLike<number>): Uint8Array {
  const a = v instanceof Float32Array ? v : Float32Array.from(v);
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function timeTorch(layers: LayerSpec[], lesson: Lesson, data: LessonData, batchSize: number, epochs: number, threads: number, mode: 'bare' | 'train'): TorchRun {
  const dir = mkdtempSync(join(tmpdir(), 'tasuke-bench-'));
  try {
    const job: Record<string, unknown> = {
      layers,
      inputShape: data.xTrain.shape.slice(1),
      loss: lesson.loss,
      optimizer: lesson.defaults.optimizer,
      x: join(dir, 'x.f32'),
      y: join(dir, 'y.f32'),
      n: data.xTrain.shape[0]!,
      outputs: data.yTrain.shape[1] ?? 1,
      mode,
      batchSize,
      epochs,
      warmup: 1,
      lr: lesson.defaults.learningRate,
      threads,
    };
    writeFileSync(job.x as string, f32(data.xTrain.values));
    writeFileSync(job.y as string, f32(data.yTrain.values));
    if (mode === 'train' && data.xVal && data.yVal) {
      Object.assign(job, { xVal: join(dir, 'xv.f32'), yVal: join(dir, 'yv.f32'), nVal: data.xVal.shape[0]! });
      writeFileSync(job.xVal as string, f32(data.xVal.values));
      writeFileSync(job.yVal as string, f32(data.yVal.values));
    }
    const r = spawnSync(PYTHON, [TORCH_SCRIPT], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 20, env: torchEnv(threads) });
    if (r.status !== 0) throw new Error(`torch_models.py failed: ${r.stderr || r.error?.message}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { epochSeconds: number[]; cpuSeconds: number[]; threads: number; blas: TorchBlas; torch: string };
    return { t: timing(out.epochSeconds), cpu: timing(out.cpuSeconds), threads: out.threads, blas: out.blas, version: out.torch };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether Debian's PyTorch is there and goes through an optimised BLAS; the reason when not. */
function probeTorch(): { ok: true; blas: TorchBlas; version: string } | { ok: false; reason: string } {
  if (spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status !== 0) {
    return { ok: false, reason: `${PYTHON} cannot import torch; install it with ${SETUP_HINT}` };
  }
  const layers: LayerSpec[] = [{ type: 'dense', units: 4, activation: 'linear' }];
  const tiny: LessonData = { xTrain: { values: new Float32Array(8), shape: [4, 2] }, yTrain: { values: new Float32Array(16), shape: [4, 4] } };
  const lesson = { loss: 'meanSquaredError', defaults: { optimizer: 'sgd', learningRate: 0.1 } } as unknown as Lesson;
  const r = timeTorch(layers, lesson, tiny, 4, 1, 1, 'bare');
  if (r.blas.kind === 'reference' || r.blas.kind === 'unknown') {
    return {
      ok: false,
      reason:
        `PyTorch's BLAS is ${r.blas.kind === 'reference' ? "Debian's unoptimised reference libblas3" : 'not recognised'} ` +
        `(${r.blas.libraries.join(', ') || 'none loaded'}): its dense layers would run many times slower than they should, ` +
        `so no comparison is printed. Install an optimised BLAS with ${SETUP_HINT}`,
    };
  }
  return { ok: true, blas: r.blas, version: r.version };
}

/** What the tfjs side runs on: backend, SIMD, threads. */
function describeTfjs(tf: Tf, backend: string): string {
  if (backend !== 'wasm') return `tfjs ${tf.version.tfjs}, backend ${backend} (model.fit)`;
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threaded = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  return (
    `train/bare: tasuke's fused trainer (WebAssembly SIMD, native/fused.wasm; a helper thread takes half of each large product: threads per row below); ` +
    `fit: tfjs ${tf.version.tfjs} model.fit on the wasm backend (XNNPACK${simd ? ' SIMD' : ''}, ${threaded ? 'threaded' : 'single-threaded'} build, 1 thread) + tasuke's SIMD kernels`
  );
}

function describeBlas(b: TorchBlas): string {
  const lib = b.libraries.find((l) => /(^|\/)lib(open)?blas[^/]*$/.test(l)) ?? b.libraries[0] ?? '?';
  const core = b.openblasCore ? `, core ${b.openblasCore}` : '';
  const ob = b.openblasThreads !== undefined ? `, OpenBLAS threads ${b.openblasThreads}` : '';
  return `${b.kind} (${lib}${core}${ob}), torch threads ${b.torchThreads}`;
}

/** Seconds with three significant decimals for the small lessons. */
const f2 = (s: number) => (s < 0.1 ? s.toFixed(4) : s.toFixed(3));
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
}

/** Wall-clock seconds of whole default `tasuke train <id>` commands, process start included. */
function timeEndToEnd(id: string, runs: number): Timing {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/tasuke.js'), 'train', id, '--lang', 'en'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`tasuke train ${id} failed (${r.status}): ${r.stderr}`);
    times.push((performance.now() - started) / 1000);
  }
  return timing(times);
}

/** Measures every lesson model side by side with PyTorch (when it is there with an optimised BLAS) and prints the tables. */
export async function run(opts: TrainingBenchOptions = {}): Promise<void> {
  const config = loadConfig();
  const epochs = opts.epochs ?? 3;
  const backend = await initBackend(opts.backend ?? config.training.backend);
  const tf = await import('@tensorflow/tfjs');
  const probe = opts.noTorch ? ({ ok: false, reason: 'skipped (noTorch)' } as const) : probeTorch();
  const threadCounts = opts.torchThreads ?? [1, 2];
  console.log(`training: 1 warm-up + ${epochs} timed epochs per side; seconds per epoch, fastest / median; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)} (other work on this machine makes figures noisy: compare within one run)`);
  console.log(`  tasuke:  ${describeTfjs(tf, backend)}`);
  if (probe.ok) {
    console.log(`  PyTorch: ${probe.version} (Debian python3-torch), BLAS ${describeBlas(probe.blas)}; each run with OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=its threads, ${OPENBLAS_OVERRIDES.join('/')} unset`);
  } else {
    console.log(`  PyTorch: not compared: ${probe.reason}`);
  }
  const header = ['lesson', 'n', 'batch', 'threads', 'tasuke train', 'cpu', 'tasuke bare', 'tfjs fit bare'];
  if (probe.ok) {
    for (const t of threadCounts) header.push(`torch ${t}T train`, `torch ${t}T bare`);
    for (const t of threadCounts) header.push(`train/${t}T`);
    header.push(`bare/1T`);
  }
  const rows: string[][] = [header];
  const blasSeen = new Set<string>();
  for (const id of opts.lessons ?? listLessonIds(config.lessonsDir)) {
    const lesson = await loadLesson(id, config.lessonsDir);
    const data = await lesson.loadData(lesson.dataSeed ?? DEFAULT_DATA_SEED);
    const batchSize = opts.batchSize ?? lesson.defaults.batchSize;
    const n = data.xTrain.shape[0]!;
    const names = lessonModels(lesson, tf).map((m) => {
      m.model.dispose();
      return m.name;
    });
    for (let v = 0; v < names.length; v++) {
      // A fresh model (same initial weights) for each way of training.
      const fresh = () => lessonModels(lesson, tf)[v]!.model;
      const layers = describeModel(fresh());
      let m = fresh();
      const train = await timeTfjsTrain(tf, lesson, m, data, batchSize, epochs);
      m.dispose();
      m = fresh();
      const fitBare = await timeTfjsBare(tf, lesson, m, data, batchSize, epochs);
      m.dispose();
      m = fresh();
      const fused = await timeFusedBare(tf, lesson, m, data, batchSize, epochs);
      m.dispose();
      const bare = fused ?? fitBare;
      const row = [
        names[v]!,
        String(n),
        String(batchSize),
        fused ? String(fused.threads) : '1',
        `${f2(train.t.min)} / ${f2(train.t.median)}`,
        f2(train.cpu.min),
        fused ? `${f2(fused.t.min)} / ${f2(fused.t.median)}` : '-',
        `${f2(fitBare.t.min)} / ${f2(fitBare.t.median)}`,
      ];
      if (probe.ok) {
        if (!layers) {
          row.push(...header.slice(row.length).map(() => '-'));
        } else {
          const runs = threadCounts.map((t) => ({
            train: timeTorch(layers, lesson, data, batchSize, epochs, t, 'train'),
            bare: timeTorch(layers, lesson, data, batchSize, epochs, t, 'bare'),
          }));
          for (const r of runs) {
            row.push(`${f2(r.train.t.min)} / ${f2(r.train.t.median)}`, `${f2(r.bare.t.min)} / ${f2(r.bare.t.median)}`);
            blasSeen.add(`${r.train.threads}T: ${describeBlas(r.train.blas)}`);
          }
          for (const r of runs) row.push(ratio(train.t.min, r.train.t.min));
          row.push(ratio(bare.t.min, runs[0]!.bare.t.min));
        }
      }
      rows.push(row);
    }
  }
  printTable(rows);
  console.log(
    'train: as `tasuke train` runs (shuffle every epoch, validation after it); bare: fixed order, no validation; fit: tfjs model.fit, bare; ' +
      'cpu: CPU seconds of the tasuke process in its fastest train epoch (above the wall time when it trains on more than one thread; ' +
      'about equal to it when the other core is busy with other work). ' +
      'train/NT: tasuke train against PyTorch train on N threads, fastest against fastest; bare/1T: tasuke bare against PyTorch bare on 1 thread; below 1.00x tasuke is faster.',
  );
  for (const b of blasSeen) console.log(`  PyTorch as measured, ${b}`);

  const e2eRuns = opts.endToEndRuns ?? 3;
  const small = (opts.lessons ?? END_TO_END).filter((id) => END_TO_END.includes(id));
  if (e2eRuns > 0 && small.length > 0) {
    const e2e: string[][] = [['whole default run', 'fastest', 'median', 'runs']];
    for (const id of small) {
      const t = timeEndToEnd(id, e2eRuns);
      e2e.push([`tasuke train ${id}`, `${t.min.toFixed(2)} s`, `${t.median.toFixed(2)} s`, String(e2eRuns)]);
    }
    printTable(e2e);
    console.log('whole default run: wall-clock seconds of the `tasuke train <lesson>` command, process start to exit.');
  }
}
