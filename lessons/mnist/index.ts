/**
 * mnist: 10,000 handwritten digits (the `mnist` package), flattened to 784
 * inputs, one-hot labels, one dense hidden layer and a softmax output.
 */
import type { Lesson } from '../../src/training/lesson.ts';
import { digitSplit, PIXELS } from '../../src/training/datasets/digits.ts';

export const VALIDATION = 1000;

export const lesson: Lesson = {
  id: 'mnist',
  title: { ja: '手書き数字（全結合ネットワーク）', en: 'Handwritten digits (dense network)' },
  explanation: {
    ja: '28×28 ピクセルの手書き数字を 784 個の数値に並べ、全結合層で 0〜9 を当てます。正解ラベルは one-hot です。最初の数エポックで損失が大きく下がり、検証正解率が95%を超えるところを見てください。ドロップアウト率を 0 より大きくする（--dropout 0.2）と、学習中にランダムなユニットを休ませて過学習を抑えます。訓練の正解率だけが上がり続けて検証が伸びなくなったら、そこが学習の止めどきです。',
    en: 'Each 28×28 handwritten digit is flattened into 784 numbers and a dense network guesses 0-9; labels are one-hot. Watch the loss drop sharply in the first epochs and validation accuracy pass 95%. A dropout rate above 0 (--dropout 0.2) switches off random units while training, a common defence against overfitting. When training accuracy keeps climbing but validation accuracy stops improving, more epochs no longer help.',
  },
  defaults: { epochs: 10, learningRate: 0.002, batchSize: 64, optimizer: 'adam', seed: 42, hiddenUnits: 128, dropout: 0 },
  bounds: {
    numeric: {
      epochs: { min: 1, max: 50, integer: true },
      learningRate: { min: 0.00001, max: 10 },
      batchSize: { min: 8, max: 1024, integer: true },
      hiddenUnits: { min: 8, max: 512, integer: true },
      dropout: { min: 0, max: 0.8 },
    },
    optimizers: ['sgd', 'adam', 'rmsprop'],
  },
  paramLabels: {
    hiddenUnits: { ja: '隠れ層のユニット数', en: 'hidden units' },
    dropout: { ja: 'ドロップアウト率', en: 'dropout rate' },
  },
  // Measured with scripts/runs/measure.ts (8 seeds with the defaults; each rate checked with the default epochs).
  seedSpread: { mnist: { seeds: [42, 43, 44, 45, 46, 47, 48, 49], metric: 'valAcc', min: 0.956, max: 0.964 } },
  learningRates: { adam: 0.002, sgd: 0.3, rmsprop: 0.003 },
  loss: 'categoricalCrossentropy',
  metrics: ['accuracy'],
  dataSeed: 2024,

  loadData(seed) {
    return digitSplit(seed, VALIDATION, [PIXELS]);
  },

  buildModel(params, tf, seeds) {
    const model = tf.sequential();
    model.add(
      tf.layers.dense({
        inputShape: [PIXELS],
        units: Number(params.hiddenUnits),
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: seeds.next() }),
      }),
    );
    if (Number(params.dropout) > 0) model.add(tf.layers.dropout({ rate: Number(params.dropout), seed: seeds.next() }));
    model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seeds.next() }) }));
    return model;
  },
};
