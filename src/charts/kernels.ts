/**
 * The CNN lesson's first-layer kernels as an image: one tile per filter, each
 * weight a square coloured blue (negative), white (zero) or red (positive) on
 * a scale shared by all tiles, so a 3x3 or 5x5 kernel is big enough to see and
 * tiles compare with each other (and before with after).
 */
import type { SKRSContext2D } from '@napi-rs/canvas';
import { t, type Lang } from '../core/lang.ts';
import type { LessonImage, TrainResult } from '../training/types.ts';
import { fmt } from '../training/words.ts';
import { ensureJapaneseFont, FONT_STACK, loadCanvas, type FontOptions } from './canvas.ts';

/** kernels[k][row][col], or a flat tensor as TensorFlow.js stores conv2d kernels: [h, w, inC, outC]. */
export type KernelInput = number[][][] | Float32Array | number[];

export interface KernelGridOptions {
  /** Required for flat input: [height, width, inChannels, outChannels]. */
  shape?: readonly [number, number, number, number];
  /** Adds "negative / positive" words to the colour bar in this language. */
  lang?: Lang;
  /** Tiles per row (default: up to 8). */
  columns?: number;
  /** Largest absolute weight of the colour scale (default: that of the kernels). */
  maxAbs?: number;
  font?: FontOptions;
}

/**
 * Turns a flat [h, w, inC, outC] kernel tensor into one h x w grid per output
 * channel. With several input channels (a colour image) a filter's grid is the
 * mean over them: one picture per filter is what a beginner can read.
 */
export function kernelsFromFlat(data: ArrayLike<number>, shape: readonly [number, number, number, number]): number[][][] {
  const [h, w, inC, outC] = shape;
  if (![h, w, inC, outC].every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(`kernel shape must be four positive integers [h, w, inC, outC], got [${shape.join(', ')}]`);
  }
  if (data.length !== h * w * inC * outC) {
    throw new Error(`kernel data has ${data.length} values but shape [${shape.join(', ')}] needs ${h * w * inC * outC}`);
  }
  const out: number[][][] = [];
  for (let o = 0; o < outC; o++) {
    const grid: number[][] = [];
    for (let r = 0; r < h; r++) {
      const row: number[] = [];
      for (let c = 0; c < w; c++) {
        let sum = 0;
        for (let ch = 0; ch < inC; ch++) sum += data[((r * w + c) * inC + ch) * outC + o];
        row.push(sum / inC);
      }
      grid.push(row);
    }
    out.push(grid);
  }
  return out;
}

function normalise(kernels: KernelInput, shape?: KernelGridOptions['shape']): number[][][] {
  if (kernels instanceof Float32Array || (Array.isArray(kernels) && kernels.length > 0 && typeof kernels[0] === 'number')) {
    if (!shape) throw new Error('flat kernel data needs options.shape = [h, w, inC, outC]');
    return kernelsFromFlat(kernels as ArrayLike<number>, shape);
  }
  const grids = kernels as number[][][];
  for (const [i, k] of grids.entries()) {
    if (!Array.isArray(k) || k.length === 0 || k.some((row) => !Array.isArray(row) || row.length !== k[0].length)) {
      throw new Error(`kernel ${i} is not a rectangular grid of numbers`);
    }
  }
  return grids;
}

function maxAbsOf(grids: number[][][]): number {
  let m = 0;
  for (const g of grids) for (const row of g) for (const v of row) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m;
}

/** Blue (-1) → white (0) → red (+1). */
export function divergingColour(value: number, maxAbs: number): string {
  if (!Number.isFinite(value)) return '#777777';
  const s = maxAbs > 0 ? Math.max(-1, Math.min(1, value / maxAbs)) : 0;
  const [end] = s < 0 ? [[33, 102, 172]] : [[178, 24, 43]];
  const a = Math.abs(s);
  const mix = (c: number) => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(end[0])}, ${mix(end[1])}, ${mix(end[2])})`;
}

interface GridLayout {
  columns: number;
  rows: number;
  cell: number;
  gap: number;
  width: number;
  height: number;
}

function layout(grids: number[][][], targetWidth: number, columns: number | undefined, sideBySide: boolean): GridLayout {
  const n = Math.max(1, grids.length);
  const h = Math.max(1, ...grids.map((g) => g.length));
  const w = Math.max(1, ...grids.map((g) => g[0]?.length ?? 1));
  // Roughly twice as wide as tall, fewer columns when two grids share the width.
  const cols = Math.max(1, Math.min(n, columns ?? Math.min(sideBySide ? 6 : 8, Math.ceil(Math.sqrt(n * (sideBySide ? 1.5 : 2))))));
  const rows = Math.ceil(n / cols);
  const gap = 14;
  // Big squares for small kernels (a 3x3 filter becomes about 100 px), never under 6 px a weight.
  const cell = Math.max(6, Math.min(40, Math.floor((targetWidth - gap * (cols - 1)) / (cols * w))));
  return { columns: cols, rows, cell, gap, width: cols * w * cell + gap * (cols - 1), height: rows * h * cell + gap * (rows - 1) };
}

function drawGrid(ctx: SKRSContext2D, grids: number[][][], l: GridLayout, x0: number, y0: number, maxAbs: number): void {
  grids.forEach((g, k) => {
    const col = k % l.columns;
    const row = Math.floor(k / l.columns);
    const w = g[0].length;
    const x = x0 + col * (w * l.cell + l.gap);
    const y = y0 + row * (g.length * l.cell + l.gap);
    g.forEach((line, r) =>
      line.forEach((v, c) => {
        ctx.fillStyle = divergingColour(v, maxAbs);
        ctx.fillRect(x + c * l.cell, y + r * l.cell, l.cell, l.cell);
      }),
    );
    ctx.strokeStyle = '#555555';
    ctx.lineWidth = 1.5;
    ctx.strokeRect(x - 0.75, y - 0.75, w * l.cell + 1.5, g.length * l.cell + 1.5);
  });
}

function drawColourBar(ctx: SKRSContext2D, x: number, y: number, width: number, maxAbs: number, lang?: Lang): void {
  const h = 22;
  for (let i = 0; i < width; i++) {
    ctx.fillStyle = divergingColour(((i / (width - 1)) * 2 - 1) * maxAbs, maxAbs);
    ctx.fillRect(x + i, y, 1, h);
  }
  ctx.strokeStyle = '#555555';
  ctx.lineWidth = 1;
  ctx.strokeRect(x, y, width, h);
  ctx.fillStyle = '#1a1a1a';
  ctx.font = `20px ${FONT_STACK}`;
  ctx.textBaseline = 'top';
  const labels: [string, number][] = [
    [`-${fmt(maxAbs)}`, 0],
    ['0', 0.5],
    [`+${fmt(maxAbs)}`, 1],
  ];
  if (lang) {
    labels[0][0] += t(lang, '（負の重み）', ' (negative)');
    labels[2][0] += t(lang, '（正の重み）', ' (positive)');
  }
  for (const [text, at] of labels) {
    const tw = ctx.measureText(text).width;
    const tx = at === 0 ? x : at === 1 ? x + width - tw : x + width / 2 - tw / 2;
    ctx.fillText(text, tx, y + h + 6);
  }
}

async function draw(
  blocks: { grids: number[][][]; heading?: string }[],
  title: string,
  options: KernelGridOptions,
): Promise<Buffer> {
  await ensureJapaneseFont(options.font);
  const { createCanvas } = await loadCanvas();
  const maxAbs = options.maxAbs ?? (maxAbsOf(blocks.flatMap((b) => b.grids)) || 1);
  const margin = 28;
  const blockGap = 56;
  const targetWidth = blocks.length > 1 ? 540 : 1000;
  const layouts = blocks.map((b) => layout(b.grids, targetWidth, options.columns, blocks.length > 1));
  const headingPx = blocks.some((b) => b.heading) ? 34 : 0;
  const gridsWidth = layouts.reduce((a, l) => a + l.width, 0) + blockGap * (blocks.length - 1);
  const gridsHeight = Math.max(...layouts.map((l) => l.height));
  const width = Math.max(720, gridsWidth + margin * 2);
  const titleTop = 20;
  const gridTop = titleTop + 44 + 14 + headingPx;
  const height = gridTop + gridsHeight + 24 + 56;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#1a1a1a';
  ctx.textBaseline = 'top';
  ctx.font = `bold 32px ${FONT_STACK}`;
  ctx.fillText(title, (width - ctx.measureText(title).width) / 2, titleTop);
  let x = (width - gridsWidth) / 2;
  blocks.forEach((b, i) => {
    const l = layouts[i];
    if (b.heading) {
      ctx.fillStyle = '#1a1a1a';
      ctx.font = `bold 24px ${FONT_STACK}`;
      ctx.fillText(b.heading, x + (l.width - ctx.measureText(b.heading).width) / 2, gridTop - headingPx);
    }
    drawGrid(ctx, b.grids, l, x, gridTop, maxAbs);
    x += l.width + blockGap;
  });
  const barWidth = Math.min(520, width - margin * 2);
  drawColourBar(ctx, (width - barWidth) / 2, gridTop + gridsHeight + 24, barWidth, maxAbs, options.lang);
  return canvas.encode('png');
}

/** Renders kernels as a grid of coloured tiles (PNG). */
export async function renderKernelGrid(kernels: KernelInput, title: string, options: KernelGridOptions = {}): Promise<Buffer> {
  const grids = normalise(kernels, options.shape);
  if (grids.length === 0) throw new Error('renderKernelGrid needs at least one kernel');
  return draw([{ grids }], title, options);
}

/**
 * Before and after training side by side, on one colour scale: random noise
 * on the left, the edge and stroke detectors the CNN learned on the right.
 */
export async function renderKernelsBeforeAfter(
  before: KernelInput,
  after: KernelInput,
  lang: Lang,
  options: KernelGridOptions & { title?: string } = {},
): Promise<Buffer> {
  const a = normalise(before, options.shape);
  const b = normalise(after, options.shape);
  if (a.length === 0 || b.length === 0) throw new Error('renderKernelsBeforeAfter needs kernels before and after');
  const size = `${b[0].length}x${b[0][0].length}`;
  const title = options.title ?? t(lang, `CNN の最初の層のフィルター（${size}）`, `The CNN's first-layer filters (${size})`);
  return draw(
    [
      { grids: a, heading: t(lang, '学習前（ランダムな初期値）', 'before training (random)') },
      { grids: b, heading: t(lang, '学習後', 'after training') },
    ],
    title,
    { ...options, lang: options.lang ?? lang },
  );
}

/**
 * The pictures of a finished run besides its loss chart, drawn from what the
 * lesson returned as data: the CNN's first-layer kernels before and after
 * training. Empty for a run that has none (or was cancelled before the end).
 */
export async function renderRunImages(result: Pick<TrainResult, 'kernels'>, lang: Lang): Promise<LessonImage[]> {
  const k = result.kernels;
  if (!k?.before?.length || !k.after?.length) return [];
  const png = await renderKernelsBeforeAfter(k.before, k.after, lang);
  return [
    {
      key: 'kernels',
      title: { ja: '第1層のカーネル（学習前 → 学習後）', en: 'First-layer kernels (before → after training)' },
      pngBase64: png.toString('base64'),
    },
  ];
}
