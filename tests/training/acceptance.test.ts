/**
 * The acceptance runs: mnist and cnn with their default parameters, exactly as
 * `tasuke train mnist` / `tasuke train cnn` run them. Slow (tens of seconds
 * each on two cores), so they live here, once each.
 */
import { describe, expect, it } from 'vitest';
import { renderRunImages } from '../../src/charts/index.ts';
import { runTraining } from '../../src/training/run.ts';
import { testConfig } from './support.ts';

const config = testConfig();

describe('default runs', () => {
  it('mnist (dense) reaches at least 95% validation accuracy', async () => {
    const r = await runTraining({ lesson: 'mnist', params: {}, mode: 'single', lang: 'en' }, {}, { config });
    expect(r.series[0].stopped).toBeUndefined();
    expect(r.history).toHaveLength(r.params.epochs);
    expect(r.final.valAcc).toBeGreaterThanOrEqual(0.95);
    console.log(`mnist default: valAcc ${r.final.valAcc.toFixed(4)} in ${r.seconds} s on ${r.backend}`);
  });

  it('cnn reaches at least 97% validation accuracy and shows its kernels before and after', async () => {
    const r = await runTraining({ lesson: 'cnn', params: {}, mode: 'single', lang: 'ja' }, {}, { config });
    expect(r.series[0].stopped).toBeUndefined();
    expect(r.final.valAcc).toBeGreaterThanOrEqual(0.97);
    console.log(`cnn default: valAcc ${r.final.valAcc.toFixed(4)} in ${r.seconds} s on ${r.backend}`);

    // The lesson returns its kernels as data; whoever draws the chart draws them.
    const kernels = r.kernels as { size: number; count: number; before: number[][][]; after: number[][][] };
    expect(kernels.size).toBe(5);
    expect(kernels.before).toHaveLength(kernels.count);
    expect(kernels.after).toHaveLength(kernels.count);
    expect(kernels.after[0]).toHaveLength(5);
    expect(kernels.after[0][0]).toHaveLength(5);
    // The kernel weights are learned: every filter moved away from its initial values.
    for (let k = 0; k < kernels.count; k++) {
      const change = kernels.after[k].flat().reduce((s, v, i) => s + Math.abs(v - kernels.before[k].flat()[i]), 0);
      expect(change).toBeGreaterThan(0.1);
    }
    expect(r.images).toBeUndefined();
    const image = (await renderRunImages(r, 'ja')).find((i) => i.key === 'kernels');
    expect(image?.title.ja).toContain('カーネル');
    const png = Buffer.from(image!.pngBase64, 'base64');
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  });
});
