import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { BACKENDS_BEST_FIRST, currentBackend, initBackend, type BackendProbe } from '../../src/training/backend.ts';
import { CUSTOM_KERNELS } from '../../src/training/kernels/index.ts';
import type { BackendName } from '../../src/training/types.ts';

const require = createRequire(import.meta.url);
const installed = (pkg: string) => {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
const nativeInstalled = installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu');

/** Probes that succeed for the names in `available` and record every call. */
function fakeProbes(available: BackendName[]) {
  const calls: BackendName[] = [];
  const probe = Object.fromEntries(
    BACKENDS_BEST_FIRST.map((name) => [
      name,
      (async () => {
        calls.push(name);
        if (!available.includes(name)) throw new Error(`${name} is not installed`);
      }) as BackendProbe,
    ]),
  ) as Record<BackendName, BackendProbe>;
  return { probe, calls };
}

describe('initBackend with injected availability', () => {
  it('auto takes the best available backend and stops probing there', async () => {
    const { probe, calls } = fakeProbes(['tensorflow', 'wasm', 'cpu']);
    expect(await initBackend('auto', { probe })).toBe('tensorflow');
    expect(calls).toEqual(['tensorflow-gpu', 'tensorflow']);
  });

  it('auto prefers the GPU when it initialises', async () => {
    const { probe, calls } = fakeProbes(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(await initBackend('auto', { probe })).toBe('tensorflow-gpu');
    expect(calls).toEqual(['tensorflow-gpu']);
  });

  it('auto falls through to cpu and logs each failure', async () => {
    const { probe, calls } = fakeProbes(['cpu']);
    const lines: string[] = [];
    expect(await initBackend('auto', { probe, log: (l) => lines.push(l) })).toBe('cpu');
    expect(calls).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain('wasm is not installed');
  });

  it('auto fails with every reason when nothing initialises', async () => {
    const { probe } = fakeProbes([]);
    const err = await initBackend('auto', { probe }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    for (const name of BACKENDS_BEST_FIRST) expect((err as Error).message).toContain(`${name} is not installed`);
  });

  it('a forced backend is probed alone, even when a better one exists', async () => {
    const { probe, calls } = fakeProbes(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(await initBackend('wasm', { probe })).toBe('wasm');
    expect(calls).toEqual(['wasm']);
  });

  it('a forced backend that is unavailable fails naming what is missing', async () => {
    const { probe } = fakeProbes(['wasm', 'cpu']);
    const err = await initBackend('tensorflow-gpu', { probe }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('TASUKE_TF_BACKEND=tensorflow-gpu');
    expect((err as Error).message).toContain('@tensorflow/tfjs-node-gpu');
    expect((err as Error).message).toContain('CUDA');
  });

  it('rejects an unknown backend name', async () => {
    const err = await initBackend('webgl' as BackendName).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain("'webgl'");
  });
});

describe('initBackend on this machine', () => {
  it.skipIf(installed('@tensorflow/tfjs-node'))('a forced tensorflow backend fails naming @tensorflow/tfjs-node', async () => {
    const err = await initBackend('tensorflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('@tensorflow/tfjs-node');
  });

  it.skipIf(nativeInstalled)('auto gives wasm when the native packages are absent, and again cheaply', async () => {
    expect(await initBackend('auto')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(currentBackend()).toBe('wasm');
    const backendObject = tf.backend();
    expect(await initBackend('auto')).toBe('wasm');
    expect(tf.backend()).toBe(backendObject);
    // The missing wasm kernel is now there, and it is ours.
    const ours = CUSTOM_KERNELS.wasm!.find((k) => k.kernelName === 'Conv2DBackpropFilter')!;
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(ours);
  });

  it('cpu can be forced, and gets the custom kernels', async () => {
    expect(await initBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    for (const k of CUSTOM_KERNELS.cpu!) expect(tf.getKernel(k.kernelName, 'cpu')).toBe(k);
    // A real computation runs on it.
    expect(Array.from(tf.tidy(() => tf.matMul([[1, 2]], [[3], [4]]).dataSync()))).toEqual([11]);
  });

  it('wasm can be forced and trains a small CNN step (needs the custom filter gradient)', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    const x = tf.randomUniform([2, 6, 6, 1], 0, 1, 'float32', 1);
    const w = tf.variable(tf.randomNormal([3, 3, 1, 2], 0, 0.5, 'float32', 2));
    const before = w.dataSync().slice();
    const opt = tf.train.sgd(0.1);
    opt.minimize(() => tf.conv2d(x as tf.Tensor4D, w as tf.Variable<tf.Rank.R4>, 1, 'same').square().mean() as tf.Scalar);
    expect(Array.from(w.dataSync())).not.toEqual(Array.from(before));
  });
});
