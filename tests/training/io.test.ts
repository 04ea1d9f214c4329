import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/training/backend.ts';
import { fileHandler, registerFileRouters } from '../../src/training/io.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'tasuke-io-'));

function cnn(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu', padding: 'same' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dropout({ rate: 0.2 }));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

beforeAll(async () => {
  await initBackend('auto');
});

describe('fileHandler', () => {
  it('round-trips a trained model: same weights, identical predictions', async () => {
    const model = cnn();
    const x = tf.randomUniform([6, 8, 8, 1], 0, 1, 'float32', 1);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
    await model.fit(x, y, { epochs: 2, batchSize: 3, verbose: 0 });
    const dir = join(tmp(), 'nested', 'model');
    const result = await model.save(fileHandler(dir), { includeOptimizer: true });
    expect(result.modelArtifactsInfo.weightDataBytes).toBeGreaterThan(0);

    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(statSync(join(dir, 'weights.bin')).size).toBe(result.modelArtifactsInfo.weightDataBytes);
    expect(json.trainingConfig.loss).toBe('categorical_crossentropy');

    const loaded = await tf.loadLayersModel(fileHandler(dir));
    const before = model.predict(x) as tf.Tensor;
    const after = loaded.predict(x) as tf.Tensor;
    expect(Array.from(after.dataSync())).toEqual(Array.from(before.dataSync()));
    const w1 = model.getWeights().map((w) => Array.from(w.dataSync()));
    const w2 = loaded.getWeights().map((w) => Array.from(w.dataSync()));
    expect(w2).toEqual(w1);
    // Loaded with its training config, it can go on training.
    expect(loaded.optimizer).toBeDefined();
    await loaded.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
  });

  it('works through file:// URLs once the routers are registered', async () => {
    registerFileRouters();
    registerFileRouters(); // twice is harmless: no duplicate handler
    expect(tf.io.getSaveHandlers('file://x')).toHaveLength(1);
    const model = cnn();
    const dir = tmp();
    await model.save(`file://${dir}`);
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
    const loaded = await tf.loadLayersModel(`file://${join(dir, 'model.json')}`);
    const x = tf.ones([1, 8, 8, 1]);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });

  it('says which file is missing, and refuses weights outside the model directory', async () => {
    const dir = tmp();
    await expect(tf.loadLayersModel(fileHandler(dir))).rejects.toThrow(join(dir, 'model.json'));
    const model = cnn();
    await model.save(fileHandler(dir));
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['../elsewhere.bin'];
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
    await expect(tf.loadLayersModel(fileHandler(dir))).rejects.toThrow(/outside/);
  });
});
