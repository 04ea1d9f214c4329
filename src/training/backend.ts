/**
 * Chooses and initialises the TensorFlow.js backend, best available first:
 * `tensorflow-gpu` (@tensorflow/tfjs-node-gpu with a CUDA device), `tensorflow`
 * (@tensorflow/tfjs-node), `wasm` (@tensorflow/tfjs-backend-wasm, SIMD build),
 * then `cpu` (pure JavaScript). The native packages are optional dependencies
 * whose install downloads libtensorflow, so they are imported only here, only
 * dynamically, and their absence is an answer, not a crash.
 *
 * After choosing, the custom kernels in ./kernels are registered for the
 * backend that needs them (wasm lacks Conv2DBackpropFilter; the cpu backend's
 * own convolution gradients and max-pool gradient are very slow).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../core/errors.ts';
import { registerCustomKernels } from './kernels/index.ts';
import type { BackendName } from './types.ts';

/** Every backend, best first. */
export const BACKENDS_BEST_FIRST: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export type BackendPreference = 'auto' | BackendName;

/**
 * Loads and initialises one backend and makes it the active one; throws an
 * Error whose message says what is missing when it cannot.
 */
export type BackendProbe = () => Promise<void>;

export interface BackendDeps {
  /** Replaces the real probe of the named backends (tests inject availability this way). */
  probe?: Partial<Record<BackendName, BackendProbe>>;
  /** Receives one line per backend that was tried and failed (default: nothing). */
  log?: (line: string) => void;
}

/** What each backend needs, for error messages. */
const NEEDS: Record<BackendName, string> = {
  'tensorflow-gpu': 'the optional package @tensorflow/tfjs-node-gpu (libtensorflow with CUDA) and a visible CUDA GPU',
  tensorflow: 'the optional package @tensorflow/tfjs-node (libtensorflow)',
  wasm: 'the package @tensorflow/tfjs-backend-wasm and its .wasm files',
  cpu: 'the package @tensorflow/tfjs',
};

// Held in variables so that TypeScript does not try to resolve packages that
// are legitimately absent (they are optional dependencies).
const NODE_GPU_PACKAGE = '@tensorflow/tfjs-node-gpu';
const NODE_PACKAGE = '@tensorflow/tfjs-node';

async function activate(name: string): Promise<void> {
  // setBackend resolves false (it does not throw) when initialisation fails.
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tf.setBackend('${name}') failed to initialise`);
  await tf.ready();
}

async function probeTensorflowGpu(): Promise<void> {
  await import(NODE_GPU_PACKAGE);
  await activate('tensorflow');
  // tfjs-node-gpu quietly runs on the CPU when no CUDA device is usable; that
  // is not what `tensorflow-gpu` promises.
  const b = tf.backend() as unknown as { isUsingGpuDevice?: boolean };
  if (b.isUsingGpuDevice !== true) throw new Error('@tensorflow/tfjs-node-gpu loaded but found no usable CUDA GPU');
}

async function probeTensorflow(): Promise<void> {
  try {
    await import(NODE_PACKAGE);
  } catch (err) {
    // tfjs-node-gpu registers the same 'tensorflow' backend; on a machine
    // where only the GPU package is installed but no GPU is visible, its CPU
    // mode is still libtensorflow.
    if (!tf.findBackend('tensorflow')) throw err;
  }
  await activate('tensorflow');
}

/** Directory of the .wasm binaries inside node_modules (read from disk, never fetched). */
export function wasmBinariesDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

async function probeWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(wasmBinariesDir());
  await activate('wasm');
}

async function probeCpu(): Promise<void> {
  await activate('cpu');
  // On its first write the cpu backend advises installing tfjs-node; when
  // tasuke runs on cpu it has already tried that, so the advice is noise.
  const cpu = tf.backend() as unknown as { firstUse?: boolean };
  if (cpu.firstUse === true) cpu.firstUse = false;
}

const REAL_PROBES: Record<BackendName, BackendProbe> = {
  'tensorflow-gpu': probeTensorflowGpu,
  tensorflow: probeTensorflow,
  wasm: probeWasm,
  cpu: probeCpu,
};

function shortReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.slice(0, 300);
}

async function select(preference: BackendPreference, deps: BackendDeps): Promise<BackendName> {
  if (preference !== 'auto' && !BACKENDS_BEST_FIRST.includes(preference)) {
    throw new ConfigError(`Unknown TensorFlow.js backend '${String(preference)}': use auto, ${BACKENDS_BEST_FIRST.join(', ')}.`);
  }
  const candidates = preference === 'auto' ? BACKENDS_BEST_FIRST : [preference];
  const failures: string[] = [];
  for (const name of candidates) {
    const probe = deps.probe?.[name] ?? REAL_PROBES[name];
    try {
      await probe();
      registerCustomKernels(name);
      return name;
    } catch (err) {
      const line = `${name}: ${shortReason(err)}`;
      failures.push(line);
      deps.log?.(`TensorFlow.js backend ${line}`);
    }
  }
  if (preference !== 'auto') {
    throw new ConfigError(
      `TASUKE_TF_BACKEND=${preference} is not available: it needs ${NEEDS[preference]}. ` +
        `(${failures.join('; ')}). Set TASUKE_TF_BACKEND=auto to use the best available backend.`,
    );
  }
  throw new ConfigError(`No TensorFlow.js backend could be initialised: ${failures.join('; ')}`);
}

let settled: { preference: BackendPreference; name: BackendName } | undefined;
let pending: { preference: BackendPreference; promise: Promise<BackendName> } | undefined;

/**
 * Makes the best available (or the forced) backend the active one and
 * returns its name. Calling it again with the same preference is cheap and
 * returns the same name; injected probes bypass that cache.
 * Throws ConfigError when a forced backend, or every backend, is unavailable.
 */
export async function initBackend(preference: BackendPreference = 'auto', deps: BackendDeps = {}): Promise<BackendName> {
  if (deps.probe) return select(preference, deps);
  if (settled && settled.preference === preference && tf.getBackend() === activeTfName(settled.name)) return settled.name;
  if (pending && pending.preference === preference) return pending.promise;
  const promise = select(preference, deps).then(
    (name) => {
      settled = { preference, name };
      pending = undefined;
      return name;
    },
    (err: unknown) => {
      pending = undefined;
      throw err;
    },
  );
  pending = { preference, promise };
  return promise;
}

/** The name tf.getBackend() reports for one of ours (both native packages register 'tensorflow'). */
export function activeTfName(name: BackendName): string {
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

/** The backend initBackend settled on, if any. */
export function currentBackend(): BackendName | undefined {
  return settled?.name;
}
