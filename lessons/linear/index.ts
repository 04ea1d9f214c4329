/**
 * linear: fit a straight line y = m·x + b to noisy points. The smallest
 * possible model (one weight, one bias) trained by gradient descent; after
 * training the learned m and b are read out and shown next to the true ones.
 */
import type { Lesson } from '../../src/training/lesson.ts';
import { createRng } from '../../src/training/rng.ts';

const TRUE_M = 2;
const TRUE_B = 1;
const NOISE = 0.25;
const POINTS = 200;
const VALIDATION = 40;

export const lesson: Lesson = {
  id: 'linear',
  title: { ja: '直線のあてはめ（y = mx + b）', en: 'Fitting a line (y = mx + b)' },
  explanation: {
    ja: 'ノイズのある点に直線 y = mx + b をあてはめます。損失（平均二乗誤差）がエポックごとに下がり、やがて平らになるところを見てください。学習した m と b が本当の値（m = 2, b = 1）に近づきます。学習率を大きくしすぎると損失が発散して NaN になります。',
    en: 'Fits a straight line y = mx + b to noisy points. Watch the loss (mean squared error) fall epoch by epoch and then flatten out; the learned m and b approach the true values (m = 2, b = 1). With a learning rate that is too large the loss blows up and becomes NaN.',
  },
  defaults: { epochs: 20, learningRate: 0.1, batchSize: 16, optimizer: 'sgd', seed: 42 },
  bounds: {
    numeric: {
      epochs: { min: 1, max: 200, integer: true },
      learningRate: { min: 0.0001, max: 10 },
      batchSize: { min: 1, max: POINTS - VALIDATION, integer: true },
    },
    optimizers: ['sgd', 'adam', 'rmsprop'],
  },
  // Measured with scripts/runs/measure.ts (8 seeds with the defaults; each rate checked with the default epochs).
  seedSpread: { linear: { seeds: [42, 43, 44, 45, 46, 47, 48, 49], metric: 'valLoss', min: 0.04384, max: 0.04779 } },
  learningRates: { sgd: 0.1, adam: 0.1, rmsprop: 0.03 },
  loss: 'meanSquaredError',
  metrics: [],
  dataSeed: 7,

  loadData(seed) {
    const rng = createRng(seed);
    const xs = new Float32Array(POINTS);
    const ys = new Float32Array(POINTS);
    for (let i = 0; i < POINTS; i++) {
      xs[i] = rng.uniform(-1, 1);
      ys[i] = TRUE_M * xs[i] + TRUE_B + rng.normal(0, NOISE);
    }
    const n = POINTS - VALIDATION;
    const round = (v: number) => Math.round(v * 1000) / 1000;
    return {
      xTrain: { values: xs.slice(0, n), shape: [n, 1] },
      yTrain: { values: ys.slice(0, n), shape: [n, 1] },
      xVal: { values: xs.slice(n), shape: [VALIDATION, 1] },
      yVal: { values: ys.slice(n), shape: [VALIDATION, 1] },
      extras: {
        trueM: TRUE_M,
        trueB: TRUE_B,
        noise: NOISE,
        // The training points, for a scatter plot under the learned line.
        points: { x: Array.from(xs.slice(0, n), round), y: Array.from(ys.slice(0, n), round) },
      },
    };
  },

  buildModel(_params, tf, seeds) {
    const model = tf.sequential();
    model.add(
      tf.layers.dense({
        inputShape: [1],
        units: 1,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }),
        biasInitializer: 'zeros',
      }),
    );
    return model;
  },

  inspect(model, { phase }) {
    const [kernel, bias] = model.layers[0].getWeights();
    const m = kernel.dataSync()[0];
    const b = bias.dataSync()[0];
    if (phase === 'before') return { extras: { initialM: m, initialB: b } };
    return { final: { m, b }, extras: { m, b } };
  },
};
