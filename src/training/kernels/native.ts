/**
 * tasuke's WebAssembly SIMD kernels (native/kernels.c, built into the
 * committed native/kernels.wasm by scripts/build-kernels.sh). The module
 * imports the wasm backend's own memory, so it reads and writes tensors where
 * they lie, by their heap offsets: no copies in or out.
 *
 * `nativeKernels(backend)` returns undefined where WebAssembly SIMD or the
 * backend's memory is not available; callers then take their JS path.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TensorInfo } from '@tensorflow/tfjs';

export const NATIVE_WASM = fileURLToPath(new URL('./native/kernels.wasm', import.meta.url));

export interface NativeKernels {
  /** dW [fh, fw, C, Co] of a stride-1, dilation-1, unpadded NHWC convolution; Co % 4 === 0. */
  convFilterGrad(x: TensorInfo, dy: TensorInfo, dw: TensorInfo, dims: ConvFilterGradDims): void;
  /** The output of a stride-1, unpadded NHWC convolution of a one-channel image; Co % 8 === 0. */
  convOneChannel(x: TensorInfo, filter: TensorInfo, out: TensorInfo, dims: ConvFilterGradDims): void;
  /** dx of a 2x2, stride-2, unpadded NHWC max pool; C % 4 === 0. */
  maxPoolGrad2x2(x: TensorInfo, dy: TensorInfo, dx: TensorInfo, dims: MaxPoolGrad2x2Dims): void;
  /** out[c] = sum over rows of x[r, c], x seen as [rows, C]. */
  sumRows(x: TensorInfo, out: TensorInfo, rows: number, C: number): void;
  /** out[r, c] = x[r, c] + bias[c], x seen as [rows, C]. */
  addBias(x: TensorInfo, bias: TensorInfo, out: TensorInfo, rows: number, C: number): void;
  /** dx = dy * step(x) over n floats. */
  reluGrad(dy: TensorInfo, x: TensorInfo, dx: TensorInfo, n: number): void;
}

/** The sizes of a convolution (C = 1 for convOneChannel). */
export interface ConvFilterGradDims {
  B: number;
  H: number;
  W: number;
  C: number;
  OH: number;
  OW: number;
  Co: number;
  fh: number;
  fw: number;
}

/** The sizes of a 2x2 max pool: a convolution's without the filter. */
export type MaxPoolGrad2x2Dims = Omit<ConvFilterGradDims, 'Co' | 'fh' | 'fw'>;

/**
 * The little of the WebAssembly JS API used here (the project's TypeScript
 * libraries do not declare it: no DOM).
 */
type WasmMemory = object;
type WasmModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The parts of BackendWasm this module reads. */
interface WasmBackendInternals {
  wasm?: { asm?: { memory?: WasmMemory } };
  dataIdMap?: { get(dataId: object): { memoryOffset: number } | undefined };
}

interface Exports {
  conv_filter_grad(x: number, dy: number, dw: number, B: number, H: number, W: number, C: number, OH: number, OW: number, Co: number, fh: number, fw: number): void;
  max_pool_grad_2x2(x: number, dy: number, dx: number, B: number, H: number, W: number, C: number, OH: number, OW: number): void;
  conv_one_channel(x: number, w: number, out: number, B: number, H: number, W: number, OH: number, OW: number, Co: number, fh: number, fw: number): void;
  sum_rows(x: number, out: number, rows: number, C: number): void;
  add_bias(x: number, bias: number, out: number, rows: number, C: number): void;
  relu_grad(dy: number, x: number, dx: number, n: number): void;
}

let compiled: WasmModule | null | undefined;
const instances = new WeakMap<object, NativeKernels | null>();
let disabled = false;

/** Turns the native kernels off (tests compare both paths); true turns them back on. */
export function setNativeKernelsEnabled(enabled: boolean): void {
  disabled = !enabled;
}

function compile(): WasmModule | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = new WA.Module(readFileSync(NATIVE_WASM));
  } catch {
    // No SIMD in this WebAssembly engine, or the file is missing: JS paths only.
    compiled = null;
  }
  return compiled;
}

export function nativeKernels(backend: unknown): NativeKernels | undefined {
  if (disabled) return undefined;
  const be = backend as WasmBackendInternals;
  const memory = be.wasm?.asm?.memory;
  const map = be.dataIdMap;
  if (!memory || !map) return undefined;
  const cached = instances.get(memory);
  if (cached !== undefined) return cached ?? undefined;
  const module = compile();
  let made: NativeKernels | null = null;
  if (module) {
    try {
      const ex = new WA.Instance(module, { env: { memory } }).exports as unknown as Exports;
      const ptr = (t: TensorInfo): number => {
        const d = map.get(t.dataId);
        if (!d) throw new Error('native kernel: tensor is not on the wasm heap');
        return d.memoryOffset;
      };
      made = {
        convFilterGrad(x, dy, dw, d) {
          ex.conv_filter_grad(ptr(x), ptr(dy), ptr(dw), d.B, d.H, d.W, d.C, d.OH, d.OW, d.Co, d.fh, d.fw);
        },
        convOneChannel(x, filter, out, d) {
          ex.conv_one_channel(ptr(x), ptr(filter), ptr(out), d.B, d.H, d.W, d.OH, d.OW, d.Co, d.fh, d.fw);
        },
        maxPoolGrad2x2(x, dy, dx, d) {
          ex.max_pool_grad_2x2(ptr(x), ptr(dy), ptr(dx), d.B, d.H, d.W, d.C, d.OH, d.OW);
        },
        sumRows(x, out, rows, C) {
          ex.sum_rows(ptr(x), ptr(out), rows, C);
        },
        addBias(x, bias, out, rows, C) {
          ex.add_bias(ptr(x), ptr(bias), ptr(out), rows, C);
        },
        reluGrad(dy, x, dx, n) {
          ex.relu_grad(ptr(dy), ptr(x), ptr(dx), n);
        },
      };
    } catch {
      made = null;
    }
  }
  instances.set(memory, made);
  return made ?? undefined;
}
