/** Shared by the training and lesson tests: configuration pointing at the repo's lessons. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config } from '../../src/config.ts';

export const LESSONS_DIR = resolve(fileURLToPath(new URL('../../lessons', import.meta.url)));

/** A config read from an empty directory (no .env) with the real lessons and the best backend here. */
export function testConfig(overrides: Parameters<typeof loadConfig>[0] = {}): Config {
  const cwd = mkdtempSync(join(tmpdir(), 'tasuke-training-'));
  return loadConfig({ TASUKE_LESSONS_DIR: LESSONS_DIR, TASUKE_TF_BACKEND: 'auto', ...overrides }, {}, cwd);
}

/** A history without the wall-clock times, which differ from run to run. */
export function withoutTimes<T extends { elapsedMs: number }>(history: T[]): Omit<T, 'elapsedMs'>[] {
  return history.map(({ elapsedMs: _t, ...rest }) => rest);
}
