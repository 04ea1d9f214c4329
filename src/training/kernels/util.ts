/** The small part of the cpu and wasm backends that the custom kernels use. */
import type { DataType, TensorInfo } from '@tensorflow/tfjs';

type BackendValues = Float32Array | Int32Array | Uint8Array | Uint8Array[];

/** MathBackendCPU: readSync returns the stored array itself (no copy). */
export interface CpuLikeBackend {
  readSync(dataId: object): BackendValues;
  makeTensorInfo(shape: number[], dtype: DataType, values?: Float32Array | Int32Array): TensorInfo;
}

/** BackendWasm: tensors live on the wasm heap. */
export interface WasmLikeBackend {
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** The numeric values of a tensor's data (strings are not numeric tensors). */
export function numeric(values: BackendValues): Float32Array | Int32Array | Uint8Array {
  if (Array.isArray(values)) throw new Error('custom kernel: string tensors are not supported');
  return values as Float32Array | Int32Array | Uint8Array;
}
