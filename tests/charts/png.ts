/** Decoding and measuring the PNGs the charts produce. */
import { createCanvas, loadImage } from '@napi-rs/canvas';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

export interface Pixels {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export async function decode(png: Buffer): Promise<Pixels> {
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, data: ctx.getImageData(0, 0, img.width, img.height).data };
}

export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Counts the pixels of `region` (default: all) for which `test(r, g, b)` holds. */
export function count(p: Pixels, test: (r: number, g: number, b: number) => boolean, region?: Region): number {
  const { x, y, w, h } = region ?? { x: 0, y: 0, w: p.width, h: p.height };
  let n = 0;
  for (let j = y; j < Math.min(p.height, y + h); j++) {
    for (let i = x; i < Math.min(p.width, x + w); i++) {
      const k = (j * p.width + i) * 4;
      if (test(p.data[k], p.data[k + 1], p.data[k + 2])) n++;
    }
  }
  return n;
}

/** A colour within `tol` of `hex` on every channel. */
export function near(hex: string, tol = 40): (r: number, g: number, b: number) => boolean {
  const v = Number.parseInt(hex.slice(1), 16);
  const [R, G, B] = [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  return (r, g, b) => Math.abs(r - R) <= tol && Math.abs(g - G) <= tol && Math.abs(b - B) <= tol;
}

export const dark = (r: number, g: number, b: number) => r + g + b < 200;
export const nonWhite = (r: number, g: number, b: number) => r + g + b < 720;
