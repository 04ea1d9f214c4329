/**
 * The helper thread of the fused trainer (fused.ts): it instantiates
 * the same WebAssembly module on the trainer's shared memory and runs its
 * half of each large matrix product when told to. Plain JavaScript, because a
 * worker thread does not inherit the TypeScript loader.
 *
 * Control words (Int32, at workerData.ctl): [0] generation, bumped by the
 * trainer for each task; [1] done flag, set here when the task is finished
 * (1) or failed (2);
 * [2] the operation (an index into workerData.ops, the names of the module's
 * exports; -1 stops); [3] how many arguments; [4...] the arguments.
 */
import { parentPort, workerData } from 'node:worker_threads';

const { module, memory, ctl: at, ops } = workerData;
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = ops.map((name) => ex[name]);
const ctl = new Int32Array(memory.buffer, at, 32);
let gen = Atomics.load(ctl, 0);
parentPort.postMessage('ready');
// Tasks come back to back within a batch: look a while (a few microseconds) before sleeping.
const SPIN = 20000;
for (;;) {
  for (let spin = 0; spin < SPIN && Atomics.load(ctl, 0) === gen; spin++);
  Atomics.wait(ctl, 0, gen);
  gen = Atomics.load(ctl, 0);
  const op = ctl[2];
  if (op === -1) break;
  let done = 1;
  try {
    fns[op](...ctl.subarray(4, 4 + ctl[3]));
  } catch {
    // A trap (a bug): the trainer, waiting for this, fails instead of waiting forever.
    done = 2;
  }
  Atomics.store(ctl, 1, done);
  Atomics.notify(ctl, 1);
}
