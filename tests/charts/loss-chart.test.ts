import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createCanvas } from '@napi-rs/canvas';
import { CJK_FONT_CANDIDATES, ensureJapaneseFont, FONT_STACK } from '../../src/charts/canvas.ts';
import { renderLossChart, SERIES_COLOURS } from '../../src/charts/loss-chart.ts';
import { LANGS } from '../../src/core/lang.ts';
import type { TrainResult } from '../../src/training/types.ts';
import * as f from './fixtures.ts';
import { count, dark, decode, near, nonWhite, PNG_SIGNATURE, pngSize, type Region } from './png.ts';

const MARKER = '#C0392B';
const VAL_SINGLE = '#E69F00';
/** Where the panels are drawn (below title and legend, above the caption). */
const PANELS: Region = { x: 0, y: 140, w: 1200, h: 450 };
const TITLE: Region = { x: 0, y: 0, w: 900, h: 70 };

const shapes: [string, () => TrainResult][] = [
  ['linear', f.linearHealthy],
  ['xor', () => f.xor()],
  ['iris plateau', f.plateau],
  ['mnist overfitting', () => f.overfitting(12)],
  ['cnn', () => f.cnnHealthy()],
  ['compare seed', f.compareSeed],
  ['NaN', () => f.divergedNaN(7)],
  ['single epoch', f.singleEpoch],
  ['400 epochs', () => f.longStillFalling(400)],
];

afterAll(async () => {
  await ensureJapaneseFont({ force: true, warn: () => {} });
});

describe('renderLossChart', () => {
  for (const [name, make] of shapes) {
    it(`renders ${name} as a 1200x700 PNG with real content in ja and en`, async () => {
      for (const lang of LANGS) {
        const png = await renderLossChart(make(), lang);
        expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
        expect(pngSize(png)).toEqual({ width: 1200, height: 700 });
        const px = await decode(png);
        const ink = count(px, nonWhite) / (px.width * px.height);
        expect(ink).toBeGreaterThan(0.03);
        expect(ink).toBeLessThan(0.6);
        // The first series' colour is drawn in the plot area.
        expect(count(px, near(SERIES_COLOURS[0], 30), PANELS)).toBeGreaterThan(100);
      }
    });
  }

  it('overlays every series in its own colour (xor, compare seed)', async () => {
    for (const r of [f.xor(), f.compareSeed()]) {
      const px = await decode(await renderLossChart(r, 'en'));
      expect(count(px, near(SERIES_COLOURS[0], 30), PANELS)).toBeGreaterThan(300);
      expect(count(px, near(SERIES_COLOURS[1], 30), PANELS)).toBeGreaterThan(300);
    }
  });

  it('draws the validation curve of a single run in its own colour, and none without validation data', async () => {
    const withVal = await decode(await renderLossChart(f.cnnHealthy(), 'en'));
    expect(count(withVal, near(VAL_SINGLE, 30), PANELS)).toBeGreaterThan(300);
    const lossOnly = await decode(await renderLossChart(f.linearHealthy(), 'en'));
    expect(count(lossOnly, near(VAL_SINGLE, 30), PANELS)).toBe(0);
  });

  it('marks where overfitting starts and where a run hit NaN, and nothing on a healthy run', async () => {
    const marker = near(MARKER, 20);
    const overfit = await decode(await renderLossChart(f.overfitting(12), 'ja'));
    const nan = await decode(await renderLossChart(f.divergedNaN(7), 'en'));
    const healthy = await decode(await renderLossChart(f.cnnHealthy(), 'en'));
    expect(count(overfit, marker, PANELS)).toBeGreaterThan(400);
    expect(count(nan, marker, PANELS)).toBeGreaterThan(400);
    expect(count(healthy, marker, PANELS)).toBe(0);
  });

  it('puts the overfitting marker at the epoch it was found, not at a fixed place', async () => {
    // The marker line is a column of marker-coloured pixels; it moves right when overfitting starts later.
    const column = async (k: number) => {
      const px = await decode(await renderLossChart(f.overfitting(k, 40), 'en'));
      let best = -1;
      let bestCount = 0;
      for (let x = 0; x < 600; x++) {
        const n = count(px, near(MARKER, 20), { x, y: 250, w: 1, h: 300 });
        if (n > bestCount) [best, bestCount] = [x, n];
      }
      return best;
    };
    const early = await column(8);
    const late = await column(25);
    expect(early).toBeGreaterThan(0);
    expect(late - early).toBeGreaterThan(150);
  });

  it('labels the chart in the asker’s language', async () => {
    const ja = await decode(await renderLossChart(f.cnnHealthy(), 'ja'));
    const en = await decode(await renderLossChart(f.cnnHealthy(), 'en'));
    expect(count(ja, dark, TITLE)).toBeGreaterThan(500);
    let differing = 0;
    for (let i = 0; i < ja.data.length; i += 4) if (ja.data[i] !== en.data[i]) differing++;
    expect(differing).toBeGreaterThan(5000);
  });

  it('handles NaN, Infinity, an all-NaN run and an empty history without throwing', async () => {
    const inf = f.cnnHealthy();
    inf.series[0].history[5] = { ...inf.series[0].history[5], loss: Number.POSITIVE_INFINITY, valAcc: Number.NaN };
    const allNaN = f.divergedNaN(1);
    const empty = f.result('iris', [f.series('iris', ['iris', 'iris'], f.params(), [])]);
    for (const r of [inf, allNaN, empty]) {
      for (const lang of LANGS) {
        const png = await renderLossChart(r, lang);
        expect(pngSize(png)).toEqual({ width: 1200, height: 700 });
        expect(count(await decode(png), dark)).toBeGreaterThan(1000);
      }
    }
  });

  it('fits a very long title beside the verdict badge', async () => {
    const r = f.overfitting(12);
    r.extras = { title: { ja: 'とても長いレッスンの名前'.repeat(6), en: 'a very long lesson name '.repeat(6) } };
    const px = await decode(await renderLossChart(r, 'en'));
    // The badge (red text on pink) is still drawn at the top right.
    expect(count(px, near(MARKER, 20), { x: 900, y: 0, w: 300, h: 70 })).toBeGreaterThan(200);
  });

  it('renders at another size when asked', async () => {
    expect(pngSize(await renderLossChart(f.xor(), 'en', { width: 900, height: 600 }))).toEqual({ width: 900, height: 600 });
  });
});

describe('Japanese text', () => {
  /** Draws one string alone and returns its pixels. */
  function glyph(text: string): Uint8ClampedArray {
    const c = createCanvas(80, 80);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 80, 80);
    ctx.fillStyle = '#000';
    ctx.font = `48px ${FONT_STACK}`;
    ctx.textBaseline = 'top';
    ctx.fillText(text, 10, 10);
    return ctx.getImageData(0, 0, 80, 80).data;
  }
  const inked = (d: Uint8ClampedArray) => d.filter((v, i) => i % 4 === 0 && v < 128).length;
  const differ = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.filter((v, i) => i % 4 === 0 && Math.abs(v - b[i]) > 64).length;

  it('draws real, distinct glyphs for Japanese characters, not the same missing-glyph box', async () => {
    const status = await ensureJapaneseFont({ warn: () => {} });
    expect(status.cjk).toBe(true);
    const loss = glyph('損');
    const lost = glyph('失');
    const acc = glyph('率');
    const missing = glyph('\uE000'); // private use: no font has it, so this is what a missing glyph looks like
    for (const g of [loss, lost, acc]) {
      expect(inked(g)).toBeGreaterThan(100);
      expect(differ(g, missing)).toBeGreaterThan(100);
    }
    // Boxes would all look alike; glyphs do not.
    expect(differ(loss, lost)).toBeGreaterThan(100);
    expect(differ(lost, acc)).toBeGreaterThan(100);
  });

  it.runIf(existsSync(CJK_FONT_CANDIDATES[0]))('registers the font from its file when asked to', async () => {
    const status = await ensureJapaneseFont({ candidates: [CJK_FONT_CANDIDATES[0]], force: true, warn: () => {} });
    expect(status).toMatchObject({ cjk: true, registeredFrom: CJK_FONT_CANDIDATES[0] });
  });

  it('still renders, with a warning, when no Japanese font can be found', async () => {
    const warnings: string[] = [];
    const status = await ensureJapaneseFont({ candidates: ['/nonexistent/NotoSansCJK.ttc'], force: true, warn: (m) => warnings.push(m) });
    expect(status.cjk).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/fonts-noto-cjk/);
    const png = await renderLossChart(f.overfitting(12), 'ja');
    expect(pngSize(png)).toEqual({ width: 1200, height: 700 });
    await ensureJapaneseFont({ force: true, warn: () => {} });
  });
});

describe('importing src/charts', () => {
  it('loads no native canvas until something is rendered', () => {
    const script = `
      const so = () => process.report.getReport().sharedObjects.some((s) => /skia|napi-rs.canvas/i.test(s));
      const charts = await import('./src/charts/index.ts');
      const atImport = so();
      await charts.ensureJapaneseFont({ warn: () => {} });
      console.log(JSON.stringify({ atImport, afterRender: so() }));
    `;
    const out = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout.trim().split('\n').pop()!)).toEqual({ atImport: false, afterRender: true });
  });
});
