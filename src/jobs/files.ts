/**
 * The files a finished job leaves: its loss chart and the lesson's extra
 * images (the CNN's kernels), as PNGs under `<dataDir>/charts/`. Images live
 * here rather than inside the job's row, so rows stay small; reading a record
 * puts them back in `result.images`, so faces see what they always saw.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LessonImage, TrainResult } from '../training/types.ts';

/** Charts and images of jobs, in one folder. */
export class JobFiles {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'charts');
  }

  chartPath(jobId: string): string {
    return join(this.dir, `${jobId}.png`);
  }

  /** Writes the chart; throws (ENOSPC, EACCES, ...) when it cannot. */
  writeChart(jobId: string, pngBase64: string): string {
    mkdirSync(this.dir, { recursive: true });
    const path = this.chartPath(jobId);
    writeFileSync(path, Buffer.from(pngBase64, 'base64'));
    return path;
  }

  /**
   * Writes a result's images to files and returns the result as a row keeps
   * it (images by path). Throws when a file cannot be written, after removing
   * the ones it wrote.
   */
  storeImages(jobId: string, result: TrainResult): TrainResult {
    if (!result.images?.length) return result;
    mkdirSync(this.dir, { recursive: true });
    const written: string[] = [];
    try {
      const stored = result.images.map((img, i): LessonImage => {
        const safeKey = img.key.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
        const path = join(this.dir, `${jobId}-${i}-${safeKey}.png`);
        writeFileSync(path, Buffer.from(img.pngBase64, 'base64'));
        written.push(path);
        // The row keeps where the PNG is, not the PNG.
        return { key: img.key, title: img.title, pngBase64: '', path };
      });
      return { ...result, images: stored };
    } catch (err) {
      for (const p of written) rmSync(p, { force: true });
      throw err;
    }
  }

  /** The result without its images (they could not be kept). */
  static withoutImages(result: TrainResult): TrainResult {
    const { images: _images, ...rest } = result;
    return rest;
  }

  /** Puts the PNGs back into a result read from a row; an image whose file is gone is left out. */
  static loadImages(result: TrainResult): TrainResult {
    if (!result.images?.length) return result;
    const images: LessonImage[] = [];
    for (const img of result.images) {
      if (img.pngBase64) {
        images.push(img);
        continue;
      }
      if (!img.path) continue;
      try {
        images.push({ ...img, pngBase64: readFileSync(img.path).toString('base64') });
      } catch {
        // Pruned or lost: the record stays readable without it.
      }
    }
    return { ...result, images };
  }

  /** Paths of the files a stored result and chart point at. */
  static pathsOf(chartPath: string | undefined, result: TrainResult | undefined): string[] {
    const paths = chartPath ? [chartPath] : [];
    for (const img of result?.images ?? []) if (img.path) paths.push(img.path);
    return paths;
  }

  /** Deletes files, ignoring the ones already gone. */
  remove(paths: readonly string[]): void {
    for (const p of paths) rmSync(p, { force: true });
  }

  /**
   * Deletes files in the charts folder last modified before `cutoff` that
   * belong to no remaining job (`<id>.png`, `<id>-<n>-<key>.png`): left by
   * jobs whose rows were pruned or never written. Returns how many it deleted.
   */
  pruneOlderThan(cutoff: number, keepJobIds: ReadonlySet<string>): number {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return 0;
    }
    let removed = 0;
    for (const name of names) {
      if (!name.endsWith('.png')) continue;
      const path = join(this.dir, name);
      if (keepJobIds.has(name.split(/[.-]/)[0])) continue;
      try {
        if (statSync(path).mtimeMs < cutoff) {
          rmSync(path, { force: true });
          removed++;
        }
      } catch {
        // Vanished meanwhile.
      }
    }
    return removed;
  }
}
