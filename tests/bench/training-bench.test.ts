/**
 * The training benchmark rebuilds every lesson model in PyTorch from a
 * description of the tfjs model: every lesson must be describable, and the
 * description must carry the layers' settings.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeModel } from '../../scripts/bench/training.ts';
import { initBackend } from '../../src/training/backend.ts';
import { listLessonIds, loadLesson } from '../../src/training/lessons.ts';
import { seedSource } from '../../src/training/run.ts';
import { REPO } from '../qa/helpers.ts';
import { join } from 'node:path';

const LESSONS = join(REPO, 'lessons');

beforeAll(async () => {
  await initBackend('cpu');
});

describe('describeModel (the PyTorch twin of a lesson model)', () => {
  it('describes every lesson model, layer by layer', async () => {
    for (const id of listLessonIds(LESSONS)) {
      const lesson = await loadLesson(id, LESSONS);
      const built = lesson.buildModel({ ...lesson.defaults }, tf, seedSource(1, id));
      for (const model of Array.isArray(built) ? built.map((v) => v.model) : [built]) {
        const spec = describeModel(model);
        expect(spec, id).toBeDefined();
        expect(spec!.length, id).toBe(model.layers.length);
        model.dispose();
      }
    }
  });

  it('carries the CNN settings and refuses a layer it cannot rebuild', async () => {
    const cnn = await loadLesson('cnn', LESSONS);
    const model = cnn.buildModel({ ...cnn.defaults, filters: 12 }, tf, seedSource(1, 'cnn')) as tf.LayersModel;
    const spec = describeModel(model)!;
    expect(spec[0]).toEqual({ type: 'conv2d', filters: 8, kernelSize: [5, 5], strides: [1, 1], padding: 'valid', activation: 'relu' });
    expect(spec[1]).toEqual({ type: 'maxpool', poolSize: [2, 2], strides: [2, 2] });
    expect(spec[2]).toMatchObject({ type: 'conv2d', filters: 12, kernelSize: [3, 3] });
    expect(spec.at(-1)).toEqual({ type: 'dense', units: 10, activation: 'softmax' });
    model.dispose();
    const odd = tf.sequential({ layers: [tf.layers.batchNormalization({ inputShape: [4] })] });
    expect(describeModel(odd)).toBeUndefined();
    odd.dispose();
  });
});
