/**
 * Element-wise and reduction fast paths for the wasm backend, run by our SIMD
 * module (native/kernels.c) on the tensors where they lie. Each takes only the
 * case every conv and dense layer produces in training and hands every other
 * case to the backend's own kernel:
 *
 * - Add of a bias along the last axis ([..., C] + [C]): the backend's
 *   broadcasting Add walks every element through index arithmetic;
 * - Sum over every axis but the last (the bias gradient): the backend first
 *   transposes the whole tensor so that the summed axes come last;
 * - the gradient of ReLU, which tfjs-core writes as dy * cast(step(x)) (three
 *   kernels, one of them a copy), as one kernel `TasukeReluGrad`;
 * - Identity, which the engine runs to keep every tensor a gradient will need
 *   (engine.clone): the backend copies the data each time, ours hands out one
 *   more reference to it, as the cpu backend does. Tensor data is never
 *   written after its kernel made it (every kernel, ours included, writes only
 *   the outputs it allocates), so sharing is safe.
 */
import { backend_util, engine, registerGradient, getGradient, mul, cast, step, util } from '@tensorflow/tfjs';
import type { GradConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs';
import { nativeKernels } from './native.ts';
import { config } from './wasm.ts';
import type { WasmLikeBackend } from './util.ts';

type KernelArgs = { inputs: unknown; backend: unknown; attrs?: unknown };

const builtin = new Map<string, KernelFunc | undefined>();
/** The backend's own kernels, which ours fall back to (set by index.ts). */
export function setBuiltinSimdKernel(kernelName: string, f: KernelFunc | undefined): void {
  builtin.set(kernelName, f);
}
function fallback(kernelName: string, args: KernelArgs): TensorInfo {
  const f = builtin.get(kernelName);
  if (!f) throw new Error(`wasm ${kernelName} kernel is not available`);
  return f(args as never) as TensorInfo;
}

/** The channel count when `bias` is [C] (or [1, ..., 1, C]) and `x` is [..., C] with more elements. */
function biasChannels(x: TensorInfo, bias: TensorInfo): number {
  if (x.dtype !== 'float32' || bias.dtype !== 'float32' || x.shape.length < 2 || bias.shape.length > x.shape.length) return 0;
  const C = bias.shape[bias.shape.length - 1] ?? 0;
  if (C === 0 || x.shape[x.shape.length - 1] !== C) return 0;
  for (let i = 0; i < bias.shape.length - 1; i++) if (bias.shape[i] !== 1) return 0;
  return util.sizeFromShape(x.shape) > C ? C : 0;
}

const addKernel = (args: KernelArgs): TensorInfo => {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const be = args.backend as WasmLikeBackend;
  const native = nativeKernels(be);
  if (native) {
    let x = a;
    let bias = b;
    let C = biasChannels(a, b);
    if (C === 0) {
      C = biasChannels(b, a);
      x = b;
      bias = a;
    }
    if (C > 0) {
      const out = be.makeOutput(x.shape, 'float32');
      native.addBias(x, bias, out, util.sizeFromShape(x.shape) / C, C);
      return out;
    }
  }
  return fallback('Add', args);
};

const sumKernel = (args: KernelArgs): TensorInfo => {
  const { x } = args.inputs as { x: TensorInfo };
  const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
  const be = args.backend as WasmLikeBackend;
  const rank = x.shape.length;
  if (x.dtype === 'float32' && rank >= 2) {
    const axes = util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const allButLast = axes.length === rank - 1 && axes.every((ax, i) => ax === i);
    const native = allButLast ? nativeKernels(be) : undefined;
    if (native) {
      const C = x.shape[rank - 1]!;
      const outShape = keepDims ? backend_util.expandShapeToKeepDim([C], axes) : [C];
      const out = be.makeOutput(outShape, 'float32');
      native.sumRows(x, out, util.sizeFromShape(x.shape) / C, C);
      return out;
    }
  }
  return fallback('Sum', args);
};

export const RELU_GRAD = 'TasukeReluGrad';

const reluGradKernel = (args: KernelArgs): TensorInfo => {
  const { dy, x } = args.inputs as { dy: TensorInfo; x: TensorInfo };
  const be = args.backend as WasmLikeBackend;
  const native = nativeKernels(be);
  if (!native) throw new Error(`${RELU_GRAD}: the SIMD kernels are not available`);
  const out = be.makeOutput(x.shape, 'float32');
  native.reluGrad(dy, x, out, util.sizeFromShape(x.shape));
  return out;
};

interface RefCountingBackend {
  incRef(dataId: object): void;
}

const identityKernel = (args: KernelArgs): TensorInfo => {
  const { x } = args.inputs as { x: TensorInfo };
  if (x.dtype === 'string') return fallback('Identity', args);
  (args.backend as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};

export const addWasmSimdConfig = config('Add', addKernel);
export const sumWasmSimdConfig = config('Sum', sumKernel);
export const reluGradWasmConfig = config(RELU_GRAD, reluGradKernel);
export const identityWasmConfig = config('Identity', identityKernel);

let originalReluGrad: GradConfig | undefined;

/**
 * Makes the gradient of Relu use `TasukeReluGrad` while the wasm backend is
 * active and its SIMD kernels load; on every other backend (and for float
 * inputs that are not float32) the gradient is tfjs-core's own formula.
 */
export function installReluGradient(): void {
  if (originalReluGrad) return;
  const original = getGradient('Relu');
  if (!original) return;
  originalReluGrad = original;
  registerGradient({
    kernelName: 'Relu',
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs) => {
      const [x] = saved as [Tensor];
      const g = dy as Tensor;
      const e = engine();
      const fast = e.backendName === 'wasm' && x.dtype === 'float32' && g.dtype === 'float32' && nativeKernels(e.backend) !== undefined;
      if (fast) return { x: () => e.runKernel(RELU_GRAD, { dy: g, x }, {}) as Tensor };
      return original.gradFunc(dy, saved, attrs);
    },
  });
}

/** Puts tfjs-core's gradient of Relu back (tests compare both). */
export function uninstallReluGradient(): void {
  if (!originalReluGrad) return;
  registerGradient(originalReluGrad);
  originalReluGrad = undefined;
}

/** tfjs-core's formula for the gradient of Relu (tests compare ours with it). */
export const reluGradReference = (dy: Tensor, x: Tensor): Tensor => mul(dy, cast(step(x), 'float32'));
