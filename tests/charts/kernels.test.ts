import { describe, expect, it } from 'vitest';
import { divergingColour, kernelsFromFlat, renderKernelGrid, renderKernelsBeforeAfter } from '../../src/charts/kernels.ts';
import { count, dark, decode, near, PNG_SIGNATURE, pngSize } from './png.ts';
import { rng } from './fixtures.ts';

const RED = '#B2182B';
const BLUE = '#2166AC';

describe('kernelsFromFlat', () => {
  it('reads TensorFlow.js conv2d layout [h, w, inC, outC]', () => {
    // value = 1000*outC + 100*row + 10*col: every position is recognisable.
    const [h, w, inC, outC] = [3, 2, 1, 4];
    const data = new Float32Array(h * w * inC * outC);
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) for (let o = 0; o < outC; o++) data[((r * w + c) * inC) * outC + o] = 1000 * o + 100 * r + 10 * c;
    const grids = kernelsFromFlat(data, [h, w, inC, outC]);
    expect(grids).toHaveLength(4);
    expect(grids[2]).toEqual([
      [2000, 2010],
      [2100, 2110],
      [2200, 2210],
    ]);
  });

  it('averages over input channels', () => {
    // 1x1 kernel, 3 input channels, 2 filters: filter 0 sees 1,2,3 → 2; filter 1 sees 10,20,30 → 20.
    const grids = kernelsFromFlat([1, 10, 2, 20, 3, 30], [1, 1, 3, 2]);
    expect(grids).toEqual([[[2]], [[20]]]);
  });

  it('rejects data that does not match the shape, naming both', () => {
    expect(() => kernelsFromFlat(new Float32Array(10), [3, 3, 1, 2])).toThrow(/10 values but shape \[3, 3, 1, 2\] needs 18/);
    expect(() => kernelsFromFlat([], [0, 3, 1, 2])).toThrow(/four positive integers/);
  });
});

describe('divergingColour', () => {
  it('maps negative to blue, zero to white and positive to red', () => {
    expect(divergingColour(0, 1)).toBe('rgb(255, 255, 255)');
    expect(divergingColour(1, 1)).toBe('rgb(178, 24, 43)');
    expect(divergingColour(-1, 1)).toBe('rgb(33, 102, 172)');
    expect(divergingColour(5, 1)).toBe('rgb(178, 24, 43)'); // clamped
  });
});

describe('renderKernelGrid', () => {
  it('draws each weight as a visible square: a 3x3 kernel with one strong positive and one strong negative weight', async () => {
    const kernel = [
      [1, 0, 0],
      [0, 0, 0],
      [0, 0, -1],
    ];
    const png = await renderKernelGrid([kernel], 'one kernel');
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const px = await decode(png);
    // One weight is drawn at least 30x30 px (a 3x3 kernel is meant to be seen at Discord's preview size).
    expect(count(px, near(RED, 12))).toBeGreaterThan(30 * 30);
    expect(count(px, near(BLUE, 12))).toBeGreaterThan(30 * 30);
    expect(count(px, dark)).toBeGreaterThan(300); // the title
  });

  it('renders a flat [5, 5, 1, 32] tensor as 32 tiles', async () => {
    const r = rng(5);
    const data = new Float32Array(5 * 5 * 32).map(() => r() - 0.5);
    const png = await renderKernelGrid(data, '5x5', { shape: [5, 5, 1, 32], lang: 'ja' });
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThanOrEqual(720);
    expect(height).toBeGreaterThan(300);
    // Tiles are outlined in grey: 32 outlines make many grey pixels.
    const px = await decode(png);
    expect(count(px, near('#555555', 10))).toBeGreaterThan(32 * 4 * 20);
  });

  it('asks for the shape of flat data, and for at least one kernel', async () => {
    await expect(renderKernelGrid(new Float32Array(9), 'x')).rejects.toThrow(/options.shape/);
    await expect(renderKernelGrid([], 'x')).rejects.toThrow(/at least one kernel/);
    await expect(renderKernelGrid([[[1, 2], [3]]], 'x')).rejects.toThrow(/kernel 0 is not a rectangular grid/);
  });
});

describe('renderKernelsBeforeAfter', () => {
  it('shows both on one scale: faint random weights before, strong ones after', async () => {
    const r = rng(9);
    const before = Array.from({ length: 8 }, () => Array.from({ length: 3 }, () => Array.from({ length: 3 }, () => (r() - 0.5) * 0.1)));
    const after = Array.from({ length: 8 }, (_, i) => [
      [-1, 0, 1],
      [-1, 0, 1],
      [-1, 0, 1],
    ].map((row) => row.map((v) => v * (i % 2 ? 1 : -1))));
    for (const lang of ['ja', 'en'] as const) {
      const px = await decode(await renderKernelsBeforeAfter(before, after, lang));
      const half = Math.floor(px.width / 2);
      const strong = (x: number) =>
        count(px, near(RED, 12), { x, y: 0, w: half, h: px.height }) + count(px, near(BLUE, 12), { x, y: 0, w: half, h: px.height });
      // Saturated colours only where the trained kernels are (right half), besides the colour bar's ends.
      expect(strong(half)).toBeGreaterThan(8 * 3 * 30 * 30);
      expect(strong(0)).toBeLessThan(3000);
    }
  });
});
