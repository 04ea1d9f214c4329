/**
 * Fast paths for the wasm backend, built on its own XNNPACK (SIMD) matrix
 * multiply and convolution; its matrix multiply is fast only when neither
 * operand is transposed:
 *
 * - BatchMatMul with transposeA/transposeB: the transposed operand is copied
 *   into row-major order first (the backend's transposed path runs about
 *   seven times slower than the copy plus the plain product);
 * - Conv2DBackpropFilter (missing in wasm): one forward convolution by the
 *   backend's Conv2D (XNNPACK) on transposed copies of x and dy;
 * - Conv2DBackpropInput: for stride 1, one forward convolution of dy with the
 *   flipped filter; otherwise dxCols[N, K] = dy[N, Cout] · Wt[Cout, K] by the
 *   fast matrix multiply, added back into the image (col2im);
 * - GatherV2 along the first axis (how model.fit cuts batches): whole rows
 *   copied with TypedArray.set instead of element by element.
 *
 * K = filterHeight * filterWidth * inChannels, N = batch * outHeight * outWidth.
 */
import { backend_util, getKernel, util } from '@tensorflow/tfjs';
import type { DataType, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { conv2DBackpropFilterInfo, conv2DBackpropFilterNHWC, type Conv2DBackpropFilterAttrs } from './conv2d_backprop_filter.ts';
import { nativeKernels } from './native.ts';
import type { WasmLikeBackend } from './util.ts';

type Conv2DInfo = backend_util.Conv2DInfo;
type KernelArgs = { inputs: unknown; backend: unknown; attrs?: unknown };

interface WasmBackend extends WasmLikeBackend {
  incRef(dataId: object): void;
}

/**
 * The backend's own BatchMatMul. Held here, not looked up through the
 * registry, because ours replaces the registered one; set by index.ts.
 */
let builtinMatMul: KernelFunc | undefined;
export function setBuiltinMatMul(f: KernelFunc | undefined): void {
  builtinMatMul = f;
}

/**
 * a[1, M, K] · b[1, K, N] → [1, M, N] with the backend's untransposed fast
 * path. Takes over `b` when `ownB` (disposes it).
 */
function matMulPlain(backend: WasmBackend, a: TensorInfo, b: TensorInfo, ownB = true): TensorInfo {
  if (!builtinMatMul) throw new Error('wasm BatchMatMul kernel is not available');
  try {
    return builtinMatMul({ inputs: { a, b }, backend: backend as never, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
  } finally {
    if (ownB) backend.disposeData(b.dataId);
  }
}

/**
 * Rows [r0, r1) of a [rows, C] view of `t`, as a [1, r1 - r0, C] tensor the
 * caller owns: `t` itself (one more reference) when that is all of it, a copy otherwise.
 */
function dyRows(backend: WasmBackend, t: TensorInfo, r0: number, r1: number, rows: number, c: number): TensorInfo {
  if (r0 === 0 && r1 === rows) {
    backend.incRef(t.dataId);
    return { dataId: t.dataId, shape: [1, rows, c], dtype: 'float32' };
  }
  const out = backend.makeOutput([1, r1 - r0, c], 'float32');
  (backend.typedArrayFromHeap(out) as Float32Array).set(backend.typedArrayFromHeap(t).subarray(r0 * c, r1 * c));
  return out;
}

/** A new heap tensor holding the last two axes of `t` swapped. */
function transposeLast2(backend: WasmBackend, t: TensorInfo): TensorInfo {
  const rank = t.shape.length;
  const rows = t.shape[rank - 2]!;
  const cols = t.shape[rank - 1]!;
  const batch = util.sizeFromShape(t.shape.slice(0, -2));
  const shape = [...t.shape.slice(0, -2), cols, rows];
  const out = backend.makeOutput(shape, t.dtype);
  const src = backend.typedArrayFromHeap(t);
  const dst = backend.typedArrayFromHeap(out);
  const plane = rows * cols;
  // Blocks of 16 keep both the reads and the writes within a few cache lines.
  const B = 16;
  for (let p = 0; p < batch; p++) {
    const base = p * plane;
    for (let r0 = 0; r0 < rows; r0 += B) {
      const r1 = Math.min(rows, r0 + B);
      for (let c0 = 0; c0 < cols; c0 += B) {
        const c1 = Math.min(cols, c0 + B);
        for (let r = r0; r < r1; r++) {
          const s = base + r * cols;
          for (let c = c0; c < c1; c++) dst[base + c * rows + r] = src[s + c]!;
        }
      }
    }
  }
  return out;
}

const batchMatMulKernel = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  const be = backend as WasmBackend;
  if (!builtinMatMul) throw new Error('wasm BatchMatMul kernel is not available');
  if (!transposeA && !transposeB) return builtinMatMul({ inputs: { a, b }, backend: be as never, attrs: attrs as never }) as TensorInfo;
  const a2 = transposeA ? transposeLast2(be, a) : a;
  const b2 = transposeB ? transposeLast2(be, b) : b;
  try {
    return builtinMatMul({ inputs: { a: a2, b: b2 }, backend: be as never, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
  } finally {
    if (a2 !== a) be.disposeData(a2.dataId);
    if (b2 !== b) be.disposeData(b2.dataId);
  }
};

/**
 * `t` with its axes permuted by the backend's own Transpose kernel (C++,
 * much faster than a loop here); the result is a new tensor the caller owns.
 */
function wasmTranspose(be: WasmBackend, t: TensorInfo, perm: number[]): TensorInfo {
  const transpose = getKernel('Transpose', 'wasm')?.kernelFunc;
  if (!transpose) throw new Error('wasm Transpose kernel is not available');
  return transpose({ inputs: { x: t }, backend: be as never, attrs: { perm } as never }) as TensorInfo;
}

/** Above this many floats of columns (col2im), the batch is processed in slices. */
const MAX_COLS = 1 << 22;

/** The backend's own Conv2D (XNNPACK), not ours (which only adds a fast path). */
function builtinConv2D(): KernelFunc | undefined {
  return builtinConv ?? getKernel('Conv2D', 'wasm')?.kernelFunc;
}

/**
 * dW as one forward convolution run by XNNPACK, which reads the patches
 * through an indirection buffer instead of materialising them:
 *   dW[kh, kw, ci, co] = sum_b,oh,ow x[b, oh*sh + kh - pt, ow*sw + kw - pl, ci] * dy[b, oh, ow, co]
 * is conv2d(input = x as [ci, H, W, b], filter = dy as [oh, ow, b, co],
 * dilation = the stride, padding top/left = the forward padding) with an
 * output of [ci, fh, fw, co]. Input rows and columns the forward pass never
 * reached are cropped so that the output is exactly fh x fw.
 */
function filterGradViaConv(be: WasmBackend, x: TensorInfo, dy: TensorInfo, info: Conv2DInfo, conv: KernelFunc): TensorInfo {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: Co } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const pt = info.padInfo.top;
  const pl = info.padInfo.left;
  const pb = fh + (OH - 1) * sh - H - pt;
  const pr = fw + (OW - 1) * sw - W - pl;
  const Hc = pb < 0 ? H + pb : H;
  const Wc = pr < 0 ? W + pr : W;
  // x cropped to [B, Hc, Wc, C] (a view when nothing is cropped), then both
  // operands put in place by the backend's own (C++) transpose.
  let xc: TensorInfo = x;
  if (Hc !== H || Wc !== W) {
    xc = be.makeOutput([B, Hc, Wc, C], 'float32');
    const src = be.typedArrayFromHeap(x) as Float32Array;
    const dst = be.typedArrayFromHeap(xc) as Float32Array;
    const row = Wc * C;
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < Hc; h++) dst.set(src.subarray(((b * H + h) * W) * C, ((b * H + h) * W) * C + row), (b * Hc + h) * row);
    }
  }
  let xT: TensorInfo;
  try {
    xT = wasmTranspose(be, xc, [3, 1, 2, 0]);
  } finally {
    if (xc !== x) be.disposeData(xc.dataId);
  }
  const dyT = wasmTranspose(be, { dataId: dy.dataId, shape: [B, OH * OW, Co], dtype: 'float32' }, [1, 0, 2]);
  dyT.shape = [OH, OW, B, Co];
  let out: TensorInfo;
  try {
    out = conv({
      inputs: { x: xT, filter: dyT },
      backend: be as never,
      attrs: {
        strides: [1, 1],
        pad: [[0, 0], [pt, Math.max(0, pb)], [pl, Math.max(0, pr)], [0, 0]],
        dataFormat: 'NHWC',
        dilations: [sh, sw],
        dimRoundingMode: undefined,
      } as never,
    }) as TensorInfo;
  } finally {
    be.disposeData(xT.dataId);
    be.disposeData(dyT.dataId);
  }
  // [ci, fh, fw, co] → [fh, fw, ci, co]: the same memory when ci = 1.
  if (C === 1) return { dataId: out.dataId, shape: info.filterShape, dtype: 'float32' };
  const dW = wasmTranspose(be, { dataId: out.dataId, shape: [C, fh * fw, Co], dtype: 'float32' }, [1, 0, 2]);
  dW.shape = info.filterShape;
  be.disposeData(out.dataId);
  return dW;
}

/**
 * dx for a stride-1 convolution as one forward convolution of dy with the
 * filter turned by 180 degrees and its channel axes swapped:
 *   dx[b, ih, iw, ci] = sum_kh,kw,co dy[b, ih + pt - kh, iw + pl - kw, co] * w[kh, kw, ci, co]
 * with padding fh-1-pt on top (fw-1-pl left) and whatever makes the output H x W.
 */
function inputGradViaConv(be: WasmBackend, dy: TensorInfo, filter: TensorInfo, info: Conv2DInfo, conv: KernelFunc): TensorInfo {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: Co, filterHeight: fh, filterWidth: fw } = info;
  const top = fh - 1 - info.padInfo.top;
  const left = fw - 1 - info.padInfo.left;
  const bottom = H + fh - 1 - OH - top;
  const right = W + fw - 1 - OW - left;
  const wr = be.makeOutput([fh, fw, Co, C], 'float32');
  {
    const src = be.typedArrayFromHeap(filter) as Float32Array;
    const dst = be.typedArrayFromHeap(wr) as Float32Array;
    for (let kh = 0; kh < fh; kh++) {
      for (let kw = 0; kw < fw; kw++) {
        const s0 = ((fh - 1 - kh) * fw + (fw - 1 - kw)) * C * Co;
        const d0 = (kh * fw + kw) * Co * C;
        for (let ci = 0; ci < C; ci++) {
          for (let co = 0; co < Co; co++) dst[d0 + co * C + ci] = src[s0 + ci * Co + co]!;
        }
      }
    }
  }
  try {
    return conv({
      inputs: { x: dy, filter: wr },
      backend: be as never,
      attrs: {
        strides: [1, 1],
        pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode: undefined,
      } as never,
    }) as TensorInfo;
  } finally {
    be.disposeData(wr.dataId);
  }
}

/** The shapes the SIMD filter gradient (native/kernels.c) handles: stride 1, no dilation or padding, Co % 4 === 0. */
function nativeFilterGradApplies(info: Conv2DInfo): boolean {
  const p = info.padInfo;
  return (
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    p.top === 0 &&
    p.bottom === 0 &&
    p.left === 0 &&
    p.right === 0 &&
    info.outChannels % 4 === 0 &&
    info.outHeight === info.inHeight - info.filterHeight + 1 &&
    info.outWidth === info.inWidth - info.filterWidth + 1
  );
}

const conv2DBackpropFilterKernel = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const be = backend as WasmBackend;
  const info = conv2DBackpropFilterInfo(x.shape, attrs as unknown as Conv2DBackpropFilterAttrs);
  const native = x.dtype === 'float32' && dy.dtype === 'float32' && nativeFilterGradApplies(info) ? nativeKernels(be) : undefined;
  if (native) {
    const out = be.makeOutput(info.filterShape, 'float32');
    const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: Co, filterHeight: fh, filterWidth: fw } = info;
    native.convFilterGrad(x, dy, out, { B, H, W, C, OH, OW, Co, fh, fw });
    return out;
  }
  const conv = builtinConv2D();
  if (conv && x.dtype === 'float32' && dy.dtype === 'float32') return filterGradViaConv(be, x, dy, info, conv);
  const dW = conv2DBackpropFilterNHWC(be.typedArrayFromHeap(x), be.typedArrayFromHeap(dy), info);
  const out = be.makeOutput(info.filterShape, 'float32');
  (be.typedArrayFromHeap(out) as Float32Array).set(dW);
  return out;
};

interface Conv2DAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * The backend's own Conv2D, kept when ours is registered (set by index.ts);
 * until then the registered one is the backend's.
 */
let builtinConv: KernelFunc | undefined;
export function setBuiltinConv2D(f: KernelFunc | undefined): void {
  builtinConv = f;
}

/**
 * How many neighbouring columns of a one-channel image to treat as the
 * channels of one pixel (4 or 2), or 0 when the trick does not apply: the
 * width must split evenly and the filter's reach must be a whole number of
 * packed columns, so that the packed output is exactly the real one in memory.
 */
const PACKS = [2, 4];
function packFactor(info: Conv2DInfo): number {
  if (info.inChannels !== 1 || info.strideWidth !== 1 || info.strideHeight !== 1) return 0;
  if (info.dilationWidth !== 1 || info.dilationHeight !== 1 || info.padInfo.type !== 'VALID') return 0;
  for (const p of PACKS) {
    if (info.inWidth % p === 0 && (info.filterWidth - 1) % p === 0) return p;
  }
  return 0;
}

/**
 * A stride-1 'valid' convolution of a one-channel image (the first layer of an
 * image model). XNNPACK reads such an image one float per pointer of its
 * indirection buffer, as slowly as an im2col; here P neighbouring columns are
 * read as the P channels of one pixel, and the filter is spread into
 *   w2[kh, q, r, p * Co + co] = w[kh, q * P + r - p, co]  (zero outside the filter),
 * so one packed output pixel holds P real output columns: [B, OH, OW / P, P * Co]
 * is [B, OH, OW, Co] in memory. The same sums in a different order.
 */
function conv2DOneChannel(be: WasmBackend, x: TensorInfo, filter: TensorInfo, info: Conv2DInfo, P: number, conv: KernelFunc): TensorInfo {
  const { batchSize: B, inHeight: H, inWidth: W, filterHeight: fh, filterWidth: fw, outChannels: Co } = info;
  const Q = (fw - 1) / P + 1;
  const w2 = be.makeOutput([fh, Q, P, P * Co], 'float32');
  {
    const src = be.typedArrayFromHeap(filter) as Float32Array;
    const dst = be.typedArrayFromHeap(w2) as Float32Array;
    dst.fill(0);
    for (let kh = 0; kh < fh; kh++) {
      for (let q = 0; q < Q; q++) {
        for (let r = 0; r < P; r++) {
          const d = ((kh * Q + q) * P + r) * P * Co;
          for (let p = 0; p < P; p++) {
            const kw = q * P + r - p;
            if (kw < 0 || kw >= fw) continue;
            const s = (kh * fw + kw) * Co;
            for (let co = 0; co < Co; co++) dst[d + p * Co + co] = src[s + co]!;
          }
        }
      }
    }
  }
  try {
    const out = conv({
      inputs: { x: { dataId: x.dataId, shape: [B, H, W / P, P], dtype: 'float32' }, filter: w2 },
      backend: be as never,
      attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined } as never,
    }) as TensorInfo;
    out.shape = info.outShape;
    return out;
  } finally {
    be.disposeData(w2.dataId);
  }
}

/** A one-channel, stride-1, unpadded convolution with Co % 8 === 0: the SIMD kernel's case (a first layer). */
function nativeOneChannelApplies(info: Conv2DInfo): boolean {
  return info.inChannels === 1 && info.outChannels % 8 === 0 && nativeFilterGradApplies(info);
}

const conv2DKernel = (args: KernelArgs): TensorInfo => {
  const { inputs, backend, attrs } = args;
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as Conv2DAttrs;
  const conv = builtinConv;
  if (!conv) throw new Error('wasm Conv2D kernel is not available');
  if (a.dataFormat !== 'NCHW' && x.dtype === 'float32' && filter.dtype === 'float32' && x.shape.length === 4) {
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      a.strides,
      a.dilations,
      a.pad,
      a.dimRoundingMode,
      false,
      'channelsLast',
    );
    if (nativeOneChannelApplies(info)) {
      const native = nativeKernels(backend);
      if (native) {
        const be = backend as WasmBackend;
        const out = be.makeOutput(info.outShape, 'float32');
        const { batchSize: B, inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, outChannels: Co, filterHeight: fh, filterWidth: fw } = info;
        native.convOneChannel(x, filter, out, { B, H, W, C: 1, OH, OW, Co, fh, fw });
        return out;
      }
    }
    const P = packFactor(info);
    if (P > 0) return conv2DOneChannel(backend as WasmBackend, x, filter, info, P, conv);
  }
  return conv(args as never) as TensorInfo;
};

interface Conv2DBackpropInputAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** Adds dxCols[n, k] back into dx (the transpose of im2col). */
function col2im(cols: ArrayLike<number>, dx: Float32Array, info: Conv2DInfo, b0: number, b1: number): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const K = fh * fw * inChannels;
  const xRow = inWidth * inChannels;
  const xImg = inHeight * xRow;
  let r = 0;
  for (let b = b0; b < b1; b++) {
    const xB = b * xImg;
    for (let oh = 0; oh < outHeight; oh++) {
      const ih0 = oh * sh - padTop;
      const khMin = ih0 < 0 ? -ih0 : 0;
      const khMax = Math.min(fh, inHeight - ih0);
      for (let ow = 0; ow < outWidth; ow++, r += K) {
        const iw0 = ow * sw - padLeft;
        const kwMin = iw0 < 0 ? -iw0 : 0;
        const kwMax = Math.min(fw, inWidth - iw0);
        for (let kh = khMin; kh < khMax; kh++) {
          const xH = xB + (ih0 + kh) * xRow;
          for (let kw = kwMin; kw < kwMax; kw++) {
            const d = xH + (iw0 + kw) * inChannels;
            const s = r + (kh * fw + kw) * inChannels;
            for (let ci = 0; ci < inChannels; ci++) dx[d + ci]! += cols[s + ci]!;
          }
        }
      }
    }
  }
}

const conv2DBackpropInputKernel = ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as Conv2DBackpropInputAttrs;
  const be = backend as WasmBackend;
  if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropInput: only NHWC (channelsLast) data is supported by the tasuke kernel');
  const info = backend_util.computeConv2DInfo(
    a.inputShape,
    filter.shape as [number, number, number, number],
    a.strides,
    1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize, outHeight, outWidth, outChannels, filterHeight, filterWidth, inChannels } = info;
  const K = filterHeight * filterWidth * inChannels;
  const perImage = outHeight * outWidth;
  const conv = builtinConv2D();
  if (conv && info.strideHeight === 1 && info.strideWidth === 1 && filter.dtype === 'float32' && dy.dtype === 'float32') {
    const top = filterHeight - 1 - info.padInfo.top;
    const left = filterWidth - 1 - info.padInfo.left;
    if (top >= 0 && left >= 0 && info.inHeight + filterHeight - 1 - outHeight - top >= 0 && info.inWidth + filterWidth - 1 - outWidth - left >= 0) {
      return inputGradViaConv(be, dy, filter, info, conv);
    }
  }
  // Wt[Cout, K]: the filter [K, Cout] transposed (small).
  const wT = transposeLast2(be, { dataId: filter.dataId, shape: [1, K, outChannels], dtype: filter.dtype });
  const out = be.makeOutput(a.inputShape, 'float32');
  (be.typedArrayFromHeap(out) as Float32Array).fill(0);
  const slice = Math.max(1, Math.min(batchSize, Math.floor(MAX_COLS / (K * perImage))));
  try {
    for (let b0 = 0; b0 < batchSize; b0 += slice) {
      const b1 = Math.min(batchSize, b0 + slice);
      const a0 = dyRows(be, dy, b0 * perImage, b1 * perImage, batchSize * perImage, outChannels);
      let cols: TensorInfo;
      try {
        cols = matMulPlain(be, a0, wT, false);
      } finally {
        be.disposeData(a0.dataId);
      }
      // Views taken after the last allocation.
      col2im(be.typedArrayFromHeap(cols), be.typedArrayFromHeap(out) as Float32Array, info, b0, b1);
      be.disposeData(cols.dataId);
    }
  } catch (err) {
    be.disposeData(out.dataId);
    throw err;
  } finally {
    be.disposeData(wT.dataId);
  }
  return out;
};

let builtinGather: KernelFunc | undefined;
export function setBuiltinGather(f: KernelFunc | undefined): void {
  builtinGather = f;
}

const gatherV2Kernel = (args: KernelArgs): TensorInfo => {
  const { inputs, backend, attrs } = args;
  const { x, indices } = inputs as { x: TensorInfo; indices: TensorInfo };
  const { axis, batchDims } = attrs as { axis: number; batchDims: number };
  const be = backend as WasmBackend;
  const parsedAxis = util.parseAxisParam(axis, x.shape)[0];
  if (parsedAxis !== 0 || (batchDims ?? 0) !== 0 || x.dtype === 'string' || x.dtype === 'complex64') {
    if (!builtinGather) throw new Error('wasm GatherV2 kernel is not available');
    return builtinGather(args as never) as TensorInfo;
  }
  const rows = x.shape[0]!;
  const rowSize = util.sizeFromShape(x.shape.slice(1));
  const idx = be.typedArrayFromHeap(indices);
  const count = idx.length;
  for (let i = 0; i < count; i++) {
    const v = idx[i]!;
    if (!(v >= 0 && v < rows)) throw new Error(`GatherV2: the index value ${v} is not in [0, ${rows - 1}]`);
  }
  const outShape = [...indices.shape, ...x.shape.slice(1)];
  const out = be.makeOutput(outShape, x.dtype as DataType);
  if (count === 0 || rowSize === 0) return out;
  const src = be.typedArrayFromHeap(x);
  const dst = be.typedArrayFromHeap(out);
  const ids = be.typedArrayFromHeap(indices); // fresh view: makeOutput may have grown the heap
  for (let i = 0; i < count; i++) {
    const s = ids[i]! * rowSize;
    dst.set(src.subarray(s, s + rowSize), i * rowSize);
  }
  return out;
};

/** A wasm KernelConfig for one of our kernel functions. */
export const config = (kernelName: string, kernelFunc: (a: KernelArgs) => TensorInfo): KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: kernelFunc as unknown as KernelFunc,
});

export const batchMatMulWasmConfig = config('BatchMatMul', batchMatMulKernel);
export const conv2DBackpropFilterWasmGemmConfig = config('Conv2DBackpropFilter', conv2DBackpropFilterKernel);
export const conv2DBackpropInputWasmConfig = config('Conv2DBackpropInput', conv2DBackpropInputKernel);
export const gatherV2WasmConfig = config('GatherV2', gatherV2Kernel);
export const conv2DWasmConfig = config('Conv2D', conv2DKernel);
