/**
 * xor: exclusive-or, as four clouds of noisy points around the corners of the
 * unit square. A single perceptron draws one straight line and cannot separate
 * them (it stays near 50% accuracy, no better than guessing); one hidden layer bends the boundary
 * and gets them all right. Both are trained on the
 * same data with the same settings, as two series of one result.
 */
import type { Lesson } from '../../src/training/lesson.ts';
import { createRng } from '../../src/training/rng.ts';

const CORNERS = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
] as const;
const NOISE = 0.1;
const TRAIN_PER_CORNER = 40;
const VAL_PER_CORNER = 10;

export const lesson: Lesson = {
  id: 'xor',
  title: { ja: 'XOR：パーセプトロンと隠れ層', en: 'XOR: a perceptron against a hidden layer' },
  explanation: {
    ja: 'XOR の4つの角のまわりに散らばった点を、隠れ層のない単純パーセプトロンと、隠れ層を1つ持つネットワークで学習します。パーセプトロンの正解率は50%前後（当てずっぽうと同じ）で止まり、損失も 0.69 付近から下がりません。隠れ層のあるネットワークは100%に届きます。直線1本では分けられないデータがあることを確かめてください。',
    en: 'Points scattered around the four corners of XOR are learned by a single perceptron with no hidden layer and by a network with one hidden layer. The perceptron gets stuck near 50% accuracy (no better than guessing) and its loss stays near 0.69; the network with a hidden layer reaches 100%. Some data cannot be separated by one straight line.',
  },
  // Full batch: every step sees all points, so the perceptron settles at its
  // (useless) best line instead of wobbling around it.
  defaults: { epochs: 100, learningRate: 0.05, batchSize: TRAIN_PER_CORNER * 4, optimizer: 'adam', seed: 42, hiddenUnits: 4 },
  bounds: {
    numeric: {
      epochs: { min: 1, max: 500, integer: true },
      learningRate: { min: 0.0001, max: 10 },
      batchSize: { min: 1, max: TRAIN_PER_CORNER * 4, integer: true },
      hiddenUnits: { min: 1, max: 64, integer: true },
    },
    optimizers: ['sgd', 'adam', 'rmsprop'],
  },
  paramLabels: { hiddenUnits: { ja: '隠れ層のユニット数', en: 'hidden units' } },
  // Measured with scripts/runs/measure.ts (8 seeds with the defaults; each rate checked with the default epochs).
  seedSpread: {
    perceptron: { seeds: [42, 43, 44, 45, 46, 47, 48, 49], metric: 'valAcc', min: 0.5, max: 0.5 },
    hidden: { seeds: [42, 43, 44, 45, 46, 47, 48, 49], metric: 'valAcc', min: 1, max: 1 },
  },
  learningRates: { adam: 0.05, rmsprop: 0.1, sgd: 1 },
  notes: {
    modelsDiffer: {
      ja: 'XOR は直線 1 本では 0 と 1 を分けられない（線形分離できない）問題なので、隠れ層のないパーセプトロンには解けません。隠れ層が入力を分けられる形に変換するので、隠れ層のあるモデルは解けます。',
      en: 'XOR is not linearly separable: no single straight line splits its 0s from its 1s, so a perceptron without a hidden layer cannot solve it. A hidden layer transforms the inputs into a space where they can be split.',
    },
  },
  loss: 'binaryCrossentropy',
  metrics: ['accuracy'],

  dataSeed: 5,

  loadData(seed) {
    // The four corners of XOR, each a small cloud of noisy points, the same
    // number per corner; a quarter of every cloud is held out for validation.
    const rng = createRng(seed);
    const pack = (perCorner: number) => {
      const x = new Float32Array(perCorner * 4 * 2);
      const y = new Float32Array(perCorner * 4);
      let i = 0;
      for (let k = 0; k < perCorner; k++) {
        for (const [a, b] of CORNERS) {
          x[i * 2] = a + rng.normal(0, NOISE);
          x[i * 2 + 1] = b + rng.normal(0, NOISE);
          y[i] = a !== b ? 1 : 0;
          i++;
        }
      }
      return { x: { values: x, shape: [perCorner * 4, 2] }, y: { values: y, shape: [perCorner * 4, 1] } };
    };
    const train = pack(TRAIN_PER_CORNER);
    const val = pack(VAL_PER_CORNER);
    return {
      xTrain: train.x,
      yTrain: train.y,
      xVal: val.x,
      yVal: val.y,
      extras: { corners: CORNERS.map(([a, b]) => ({ x: [a, b], y: a !== b ? 1 : 0 })), noise: NOISE },
    };
  },

  buildModel(params, tf, seeds) {
    const init = () => tf.initializers.glorotUniform({ seed: seeds.next() });
    const perceptron = tf.sequential();
    perceptron.add(tf.layers.dense({ inputShape: [2], units: 1, activation: 'sigmoid', kernelInitializer: init() }));
    const hidden = tf.sequential();
    hidden.add(tf.layers.dense({ inputShape: [2], units: Number(params.hiddenUnits), activation: 'tanh', kernelInitializer: init() }));
    hidden.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init() }));
    return [
      { key: 'perceptron', label: { ja: 'パーセプトロン（隠れ層なし）', en: 'perceptron (no hidden layer)' }, model: perceptron },
      { key: 'hidden', label: { ja: '隠れ層1つ', en: 'one hidden layer' }, model: hidden },
    ];
  },
};
