/**
 * The helper thread of the fused dense trainer (dense.ts): it instantiates
 * the same WebAssembly module on the trainer's shared memory and runs its
 * half of each large matrix product when told to. Plain JavaScript, because a
 * worker thread does not inherit the TypeScript loader.
 *
 * Control words (Int32, at workerData.ctl): [0] generation, bumped by the
 * trainer for each task; [1] done flag, set here when the task is finished;
 * [2] the operation (0 gemm_nn, 1 gemm_tn, -1 stop); [3...] its arguments.
 */
import { parentPort, workerData } from 'node:worker_threads';

const { module, memory, ctl: at } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctl = new Int32Array(memory.buffer, at, 16);
let gen = Atomics.load(ctl, 0);
parentPort.postMessage('ready');
// Tasks come back to back within a batch: look a while (a few microseconds) before sleeping.
const SPIN = 2000;
for (;;) {
  for (let spin = 0; spin < SPIN && Atomics.load(ctl, 0) === gen; spin++);
  Atomics.wait(ctl, 0, gen);
  gen = Atomics.load(ctl, 0);
  const op = ctl[2];
  if (op === -1) break;
  if (op === 0) ex.gemm_nn(ctl[3], ctl[4], ctl[5], ctl[6], ctl[7], ctl[8], ctl[9]);
  else if (op === 1) ex.gemm_tn(ctl[3], ctl[4], ctl[5], ctl[6], ctl[7], ctl[8], ctl[9], ctl[10]);
  Atomics.store(ctl, 1, 1);
  Atomics.notify(ctl, 1);
}
