/**
 * tasuke's own TensorFlow.js kernels, registered for the backend that needs
 * them. The kernels a backend already had are kept (see `builtinKernel`) so
 * that tests can check ours against them.
 */
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import type { BackendName } from '../types.ts';
import { conv2DBackpropFilterCpuConfig } from './conv2d_backprop_filter.ts';
import { maxPoolGradCpuConfig, maxPoolGradWasmConfig } from './max_pool_grad.ts';
import {
  batchMatMulWasmConfig,
  conv2DBackpropFilterWasmGemmConfig,
  conv2DBackpropInputWasmConfig,
  conv2DWasmConfig,
  gatherV2WasmConfig,
  setBuiltinConv2D,
  setBuiltinGather,
  setBuiltinMatMul,
} from './wasm.ts';
import { addWasmSimdConfig, identityWasmConfig, installReluGradient, reluGradWasmConfig, setBuiltinSimdKernel, sumWasmSimdConfig } from './wasm_simd.ts';

/**
 * Which kernels replace or fill in which backend's (native TensorFlow needs none):
 * - wasm has no Conv2DBackpropFilter at all;
 * - wasm's MaxPoolGrad (4.22) sends the gradient of a window whose values are
 *   all negative to the window's first position instead of its maximum
 *   (harmless after a ReLU, wrong otherwise);
 * - wasm's BatchMatMul is slow with a transposed operand (every gradient of a
 *   dense layer), its Conv2DBackpropInput and GatherV2 are element-by-element
 *   loops; ours go through its fast untransposed matrix multiply (wasm.ts);
 * - wasm's Conv2D reads a one-channel image (a first layer) one float at a
 *   time; ours reads neighbouring columns as channels (wasm.ts);
 * - wasm's bias Add and bias-gradient Sum are generic (broadcast index
 *   arithmetic; a transpose before the sum), and the gradient of ReLU takes
 *   three kernels; ours are SIMD loops (wasm_simd.ts, native/kernels.c), as are
 *   the filter gradient and 2x2 MaxPoolGrad of the common convolution shapes;
 * - cpu's Conv2DBackpropFilter and MaxPoolGrad are correct but very slow.
 */
export const CUSTOM_KERNELS: Partial<Record<BackendName, KernelConfig[]>> = {
  cpu: [conv2DBackpropFilterCpuConfig, maxPoolGradCpuConfig],
  wasm: [
    conv2DBackpropFilterWasmGemmConfig,
    maxPoolGradWasmConfig,
    batchMatMulWasmConfig,
    conv2DBackpropInputWasmConfig,
    gatherV2WasmConfig,
    conv2DWasmConfig,
    addWasmSimdConfig,
    sumWasmSimdConfig,
    reluGradWasmConfig,
    identityWasmConfig,
  ],
};

const builtins = new Map<string, KernelConfig | undefined>();
const key = (kernelName: string, backendName: string) => `${backendName}/${kernelName}`;

/** The kernel the backend shipped with, before ours replaced it (undefined if it had none). */
export function builtinKernel(kernelName: string, backendName: string): KernelConfig | undefined {
  const k = key(kernelName, backendName);
  return builtins.has(k) ? builtins.get(k) : getKernel(kernelName, backendName);
}

/** Registers our kernels for `backend` (once; later calls do nothing). Returns the kernel names. */
export function registerCustomKernels(backend: BackendName): string[] {
  const configs = CUSTOM_KERNELS[backend] ?? [];
  for (const config of configs) {
    const k = key(config.kernelName, config.backendName);
    const existing = getKernel(config.kernelName, config.backendName);
    if (existing === config) continue;
    // (A registration made before the backend's package was loaded found no
    // kernel to keep; the package's own, loaded since, is the builtin one.)
    if (builtins.get(k) === undefined) builtins.set(k, existing);
    // A backend that is created again runs the setup of the registered
    // kernels; ours call the builtin ones, whose setup must still run.
    if (existing?.setupFunc && !config.setupFunc) config.setupFunc = existing.setupFunc;
    // registerKernel warns and keeps going when a name is taken; replacing on purpose is quieter.
    if (existing) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
  if (backend === 'wasm') {
    setBuiltinMatMul(builtins.get(key('BatchMatMul', 'wasm'))?.kernelFunc);
    setBuiltinGather(builtins.get(key('GatherV2', 'wasm'))?.kernelFunc);
    setBuiltinConv2D(builtins.get(key('Conv2D', 'wasm'))?.kernelFunc);
    for (const name of ['Add', 'Sum', 'Identity']) setBuiltinSimdKernel(name, builtins.get(key(name, 'wasm'))?.kernelFunc);
    installReluGradient();
  }
  return configs.map((c) => c.kernelName);
}

/** Puts the backend's own kernels back (tests and benchmarks compare with them). */
export function unregisterCustomKernels(backend: BackendName): void {
  for (const config of CUSTOM_KERNELS[backend] ?? []) {
    if (getKernel(config.kernelName, config.backendName) !== config) continue;
    unregisterKernel(config.kernelName, config.backendName);
    const original = builtins.get(key(config.kernelName, config.backendName));
    if (original) registerKernel(original);
  }
}
