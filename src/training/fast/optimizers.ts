/**
 * A fused Adam for the wasm and cpu backends. tf.train.adam updates every
 * variable with about ten separate tensor ops per batch (each a kernel call,
 * an allocation and engine bookkeeping); this one reads the variable, its
 * gradient and its two moments once and writes the three new tensors in one
 * pass over plain memory (the wasm heap or the cpu backend's arrays).
 *
 * It is a subclass of tfjs's AdamOptimizer and keeps its state in the same
 * places (moment variables, accBeta1/2, iterations), so getWeights,
 * setWeights, getConfig and dispose behave as tfjs's do. Every step rounds to
 * float32 where tfjs's ops do, so the numbers match tf.train.adam's (the
 * tests check them within 1e-6 relative).
 */
import type * as TfModule from '@tensorflow/tfjs';
import type { Tf } from '../lesson.ts';
import type { OptimizerName } from '../types.ts';

type Tensor = TfModule.Tensor;
type Variable = TfModule.Variable;
type NamedTensor = { name: string; tensor: Tensor };
type NamedTensorMap = Record<string, Tensor>;

/** The wasm backend's heap access (tensors live in its memory). */
interface HeapBackend {
  typedArrayFromHeap(t: TfModule.TensorInfo): Float32Array | Int32Array | Uint8Array;
  makeOutput(shape: number[], dtype: 'float32'): TfModule.TensorInfo;
}

interface MomentSlot {
  originalName: string;
  variable: Variable;
}

/** The private state of tfjs's AdamOptimizer that the fused step reads and writes. */
interface AdamState {
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: MomentSlot[];
  accumulatedSecondMoment: MomentSlot[];
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  incrementIterations(): void;
}

/** The backends where the fused step runs (elsewhere tfjs's own optimizer is used). */
export const FUSED_BACKENDS: readonly string[] = ['wasm', 'cpu'];

const fr = Math.fround;

/**
 * One Adam step on plain arrays, rounding as tfjs's float32 ops do:
 * m' = m b1 + g (1 - b1), v' = v b2 + g^2 (1 - b2),
 * x' = x - lr (m' / c1) / (sqrt(v' / c2) + eps), with c1 = 1 - b1^t, c2 = 1 - b2^t.
 */
export function adamStep(
  x: ArrayLike<number>,
  g: ArrayLike<number>,
  m: ArrayLike<number>,
  v: ArrayLike<number>,
  outX: Float32Array,
  outM: Float32Array,
  outV: Float32Array,
  k: { beta1: number; beta2: number; oneMinusBeta1: number; oneMinusBeta2: number; c1: number; c2: number; epsilon: number; negLr: number },
): void {
  const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, c1, c2, epsilon, negLr } = k;
  const n = outX.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const m1 = fr(fr(m[i]! * beta1) + fr(gi * oneMinusBeta1));
    const v1 = fr(fr(v[i]! * beta2) + fr(fr(gi * gi) * oneMinusBeta2));
    outM[i] = m1;
    outV[i] = v1;
    const den = fr(fr(Math.sqrt(fr(v1 / c2))) + epsilon);
    outX[i] = fr(fr(fr(fr(m1 / c1) / den) * negLr) + x[i]!);
  }
}

/** Builds the fused Adam class for this tf module (the class extends tf's own AdamOptimizer). */
function fusedAdamClass(tf: Tf) {
  return class FusedAdamOptimizer extends tf.AdamOptimizer {
    override applyGradients(variableGradients: NamedTensorMap | NamedTensor[]): void {
      const self = this as unknown as AdamState;
      const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
      const backend = tf.backend() as unknown as Partial<HeapBackend> & { readSync(id: object): unknown };
      const heap = tf.getBackend() === 'wasm' && typeof backend.typedArrayFromHeap === 'function' ? (backend as HeapBackend) : undefined;
      const read = (t: TfModule.TensorInfo): ArrayLike<number> =>
        heap ? heap.typedArrayFromHeap(t) : (backend.readSync(t.dataId) as ArrayLike<number>);
      const acc1 = (read(self.accBeta1) as ArrayLike<number>)[0]!;
      const acc2 = (read(self.accBeta2) as ArrayLike<number>)[0]!;
      const k = {
        beta1: fr(self.beta1),
        beta2: fr(self.beta2),
        oneMinusBeta1: fr(1 - self.beta1),
        oneMinusBeta2: fr(1 - self.beta2),
        c1: fr(1 - acc1),
        c2: fr(1 - acc2),
        epsilon: fr(self.epsilon),
        negLr: fr(-self.learningRate),
      };
      tf.tidy(() => {
        names.forEach((name, i) => {
          const value = tf.engine().registeredVariables[name]!;
          if (self.accumulatedFirstMoment[i] == null) {
            self.accumulatedFirstMoment[i] = { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
          }
          if (self.accumulatedSecondMoment[i] == null) {
            self.accumulatedSecondMoment[i] = { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
          }
          const gradient = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[name];
          if (gradient == null) return;
          const first = self.accumulatedFirstMoment[i]!.variable;
          const second = self.accumulatedSecondMoment[i]!.variable;
          if (value.dtype !== 'float32' || gradient.dtype !== 'float32') throw new Error(`fused Adam: ${name} is not float32`);
          const size = value.size;
          let newX: Tensor;
          let newM: Tensor;
          let newV: Tensor;
          if (heap) {
            // Allocate all three first: an allocation may grow the heap and
            // detach views taken before it.
            const infos = [heap.makeOutput(value.shape, 'float32'), heap.makeOutput(value.shape, 'float32'), heap.makeOutput(value.shape, 'float32')];
            [newX, newM, newV] = infos.map((t) => tf.engine().makeTensorFromTensorInfo(t)) as [Tensor, Tensor, Tensor];
            adamStep(
              read(value),
              read(gradient),
              read(first),
              read(second),
              heap.typedArrayFromHeap(infos[0]!) as Float32Array,
              heap.typedArrayFromHeap(infos[1]!) as Float32Array,
              heap.typedArrayFromHeap(infos[2]!) as Float32Array,
              k,
            );
          } else {
            const x1 = new Float32Array(size);
            const m1 = new Float32Array(size);
            const v1 = new Float32Array(size);
            adamStep(read(value), read(gradient), read(first), read(second), x1, m1, v1, k);
            newX = tf.tensor(x1, value.shape, 'float32');
            newM = tf.tensor(m1, value.shape, 'float32');
            newV = tf.tensor(v1, value.shape, 'float32');
          }
          first.assign(newM);
          second.assign(newV);
          value.assign(newX);
        });
        self.accBeta1.assign(tf.scalar(fr(acc1 * k.beta1)));
        self.accBeta2.assign(tf.scalar(fr(acc2 * k.beta2)));
      });
      self.incrementIterations();
    }
  };
}

/**
 * The fused optimizer for `name` on the active backend, or undefined where
 * tfjs's own should be used (another optimizer, or a native backend whose ops
 * are already fast).
 */
export function createFastOptimizer(tf: Tf, name: OptimizerName, learningRate: number): TfModule.Optimizer | undefined {
  if (!FUSED_BACKENDS.includes(tf.getBackend())) return undefined;
  if (name !== 'adam') return undefined;
  // tf.train.adam's defaults: beta1 0.9, beta2 0.999, epsilon from the backend.
  const Fused = fusedAdamClass(tf);
  return new Fused(learningRate, 0.9, 0.999);
}
