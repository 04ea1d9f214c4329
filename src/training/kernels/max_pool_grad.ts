/**
 * MaxPoolGrad for NHWC data: routes each dy value to the position of its
 * window's maximum in x. The cpu backend's own kernel reads through
 * TensorBuffer.get for every input position and window tap, which is slow.
 * Ties go to the first maximum in row-major window order, as in tfjs-core.
 * The wasm backend's own kernel picks the wrong position when a window's
 * values are all negative, so ours replaces it there too.
 */
import { backend_util } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { nativeKernels } from './native.ts';
import { numeric, type CpuLikeBackend, type WasmLikeBackend } from './util.ts';

type Conv2DInfo = backend_util.Conv2DInfo;

export interface MaxPoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function maxPoolGradInfo(xShape: number[], attrs: MaxPoolGradAttrs): Conv2DInfo {
  return backend_util.computePool2DInfo(
    xShape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
}

/**
 * dx has x's shape; every dy value is added at the argmax of its window.
 * Writes into `dx` when given (it is zeroed first), else into a new array.
 */
export function maxPoolGradNHWC(x: ArrayLike<number>, dy: ArrayLike<number>, info: Conv2DInfo, dx?: Float32Array): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const efh = info.effectiveFilterHeight;
  const efw = info.effectiveFilterWidth;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const size = batchSize * inHeight * inWidth * c;
  if (dx) dx.fill(0, 0, size);
  else dx = new Float32Array(size);
  const xRow = inWidth * c;
  const xImg = inHeight * xRow;
  // Per output pixel, the running maximum and its position for every channel:
  // the window is scanned tap by tap with the channels innermost (contiguous).
  const quad = efh === 2 && efw === 2 && dh === 1 && dw === 1;
  const best = new Float64Array(c);
  const at = new Int32Array(c);
  let dyOff = 0;
  for (let b = 0; b < batchSize; b++) {
    const xB = b * xImg;
    for (let oh = 0; oh < outHeight; oh++) {
      const r0 = oh * sh - padTop;
      // First tap at or after row 0 on the dilation grid, last one before inHeight.
      let rMin = r0;
      while (rMin < 0) rMin += dh;
      const rMax = Math.min(inHeight, r0 + efh);
      for (let ow = 0; ow < outWidth; ow++, dyOff += c) {
        const c0 = ow * sw - padLeft;
        let cMin = c0;
        while (cMin < 0) cMin += dw;
        const cMax = Math.min(inWidth, c0 + efw);
        if (quad && rMax - rMin === 2 && cMax - cMin === 2) {
          // The common 2x2 window, all four taps inside: unrolled.
          const p00 = xB + rMin * xRow + cMin * c;
          const p01 = p00 + c;
          const p10 = p00 + xRow;
          const p11 = p10 + c;
          for (let ch = 0; ch < c; ch++) {
            let v = Number.NEGATIVE_INFINITY;
            let a = -1;
            let t = x[p00 + ch]!;
            if (t > v) {
              v = t;
              a = p00 + ch;
            }
            t = x[p01 + ch]!;
            if (t > v) {
              v = t;
              a = p01 + ch;
            }
            t = x[p10 + ch]!;
            if (t > v) {
              v = t;
              a = p10 + ch;
            }
            t = x[p11 + ch]!;
            if (t > v) a = p11 + ch;
            if (a >= 0) dx[a]! += dy[dyOff + ch]!;
          }
          continue;
        }
        best.fill(Number.NEGATIVE_INFINITY);
        at.fill(-1);
        for (let r = rMin; r < rMax; r += dh) {
          for (let col = cMin; col < cMax; col += dw) {
            const base = xB + r * xRow + col * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[base + ch]!;
              if (v > best[ch]!) {
                best[ch] = v;
                at[ch] = base + ch;
              }
            }
          }
        }
        for (let ch = 0; ch < c; ch++) {
          const a = at[ch]!;
          if (a >= 0) dx[a]! += dy[dyOff + ch]!;
        }
      }
    }
  }
  return dx;
}

interface Inputs {
  dy: TensorInfo;
  input: TensorInfo;
}

const cpuKernel = ({ inputs, backend, attrs }: { inputs: unknown; backend: unknown; attrs?: unknown }): TensorInfo => {
  const { dy, input } = inputs as Inputs;
  const b = backend as CpuLikeBackend;
  const info = maxPoolGradInfo(input.shape, attrs as unknown as MaxPoolGradAttrs);
  const dx = maxPoolGradNHWC(numeric(b.readSync(input.dataId)), numeric(b.readSync(dy.dataId)), info);
  return b.makeTensorInfo(input.shape, 'float32', dx);
};

/** 2x2 windows, stride 2, no padding or dilation, channels a multiple of 4: the SIMD kernel's case. */
function isPlain2x2(info: Conv2DInfo): boolean {
  const p = info.padInfo;
  return (
    info.filterHeight === 2 &&
    info.filterWidth === 2 &&
    info.strideHeight === 2 &&
    info.strideWidth === 2 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    p.top === 0 &&
    p.left === 0 &&
    info.inChannels % 4 === 0 &&
    info.outHeight === Math.floor(info.inHeight / 2) &&
    info.outWidth === Math.floor(info.inWidth / 2)
  );
}

const wasmKernel = ({ inputs, backend, attrs }: { inputs: unknown; backend: unknown; attrs?: unknown }): TensorInfo => {
  const { dy, input } = inputs as Inputs;
  const b = backend as WasmLikeBackend;
  const info = maxPoolGradInfo(input.shape, attrs as unknown as MaxPoolGradAttrs);
  // Allocate first: views taken before an allocation may be detached by it.
  const out = b.makeOutput(input.shape, 'float32');
  const native = input.dtype === 'float32' && dy.dtype === 'float32' && isPlain2x2(info) ? nativeKernels(b) : undefined;
  if (native) {
    const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
    native.maxPoolGrad2x2(input, dy, out, { B, H, W, C, OH, OW });
    return out;
  }
  maxPoolGradNHWC(b.typedArrayFromHeap(input), b.typedArrayFromHeap(dy), info, b.typedArrayFromHeap(out) as Float32Array);
  return out;
};

export const maxPoolGradCpuConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'cpu',
  kernelFunc: cpuKernel as unknown as KernelFunc,
};

/** Replaces wasm's own, which mishandles windows of negative values (see index.ts). */
export const maxPoolGradWasmConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: wasmKernel as unknown as KernelFunc,
};
