/**
 * Conv2DBackpropFilter (the gradient of a 2-D convolution with respect to its
 * filter) for NHWC data, on plain typed arrays: the cpu backend's own kernel
 * reads every element through TensorBuffer.get (about 0.6 s per batch of a
 * small CNN). The wasm backend, which has no such kernel at all, uses the
 * faster im2col + matrix-multiply version in wasm.ts, and this one only
 * where that cannot run.
 */
import { backend_util } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { numeric, type CpuLikeBackend } from './util.ts';

type Conv2DInfo = backend_util.Conv2DInfo;

export interface Conv2DBackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** The shared geometry of the kernel, computed the way tfjs-core computes it. */
export function conv2DBackpropFilterInfo(xShape: number[], attrs: Conv2DBackpropFilterAttrs): Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter: only NHWC (channelsLast) data is supported by the tasuke kernel');
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

/**
 * dW[kh, kw, ci, co] = sum over (b, oh, ow) of x[b, ih, iw, ci] * dy[b, oh, ow, co]
 * with ih = oh * strideH + kh - padTop (likewise iw), positions outside x skipped.
 *
 * Written as a sum of outer products (one x pixel's channels times one dy
 * pixel's channels) so the innermost loop runs over contiguous memory, and
 * x values that are exactly zero (after ReLU, or the blank border of a digit)
 * cost nothing.
 */
export function conv2DBackpropFilterNHWC(x: ArrayLike<number>, dy: ArrayLike<number>, info: Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const dW = new Float32Array(fh * fw * inChannels * outChannels);
  const xRow = inWidth * inChannels;
  const xImg = inHeight * xRow;
  const dyRow = outWidth * outChannels;
  const dyImg = outHeight * dyRow;
  const tap = inChannels * outChannels;
  // A local copy of one dy pixel's channels keeps the inner loop on a small,
  // monomorphic Float32Array whatever array type dy is.
  const g = new Float32Array(outChannels);
  for (let b = 0; b < batchSize; b++) {
    const xB = b * xImg;
    const dyB = b * dyImg;
    for (let oh = 0; oh < outHeight; oh++) {
      const ih0 = oh * sh - padTop;
      const khMin = ih0 < 0 ? -ih0 : 0;
      const khMax = Math.min(fh, inHeight - ih0);
      for (let ow = 0; ow < outWidth; ow++) {
        const iw0 = ow * sw - padLeft;
        const kwMin = iw0 < 0 ? -iw0 : 0;
        const kwMax = Math.min(fw, inWidth - iw0);
        const dyOff = dyB + oh * dyRow + ow * outChannels;
        let any = false;
        for (let co = 0; co < outChannels; co++) {
          const v = dy[dyOff + co];
          g[co] = v;
          if (v !== 0) any = true;
        }
        if (!any) continue;
        for (let kh = khMin; kh < khMax; kh++) {
          const xH = xB + (ih0 + kh) * xRow;
          for (let kw = kwMin; kw < kwMax; kw++) {
            const xOff = xH + (iw0 + kw) * inChannels;
            let wOff = (kh * fw + kw) * tap;
            for (let ci = 0; ci < inChannels; ci++, wOff += outChannels) {
              const xv = x[xOff + ci];
              if (xv === 0) continue;
              for (let co = 0; co < outChannels; co++) dW[wOff + co] += xv * g[co];
            }
          }
        }
      }
    }
  }
  return dW;
}

interface Inputs {
  x: TensorInfo;
  dy: TensorInfo;
}

const cpuKernel = ({ inputs, backend, attrs }: { inputs: unknown; backend: unknown; attrs?: unknown }): TensorInfo => {
  const { x, dy } = inputs as Inputs;
  const b = backend as CpuLikeBackend;
  const info = conv2DBackpropFilterInfo(x.shape, attrs as unknown as Conv2DBackpropFilterAttrs);
  const dW = conv2DBackpropFilterNHWC(numeric(b.readSync(x.dataId)), numeric(b.readSync(dy.dataId)), info);
  return b.makeTensorInfo(info.filterShape, 'float32', dW);
};

export const conv2DBackpropFilterCpuConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'cpu',
  kernelFunc: cpuKernel as unknown as KernelFunc,
};
