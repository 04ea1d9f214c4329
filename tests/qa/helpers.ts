import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type Config, type ConfigOverrides } from '../../src/config.ts';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MINI = join(REPO, 'tests/fixtures/knowledge-mini');

export function tempDir(prefix = 'tasuke-qa-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A config over a private copy of the mini knowledge base and a fresh data dir. */
export function miniConfig(overrides: ConfigOverrides = {}): Config & { root: string } {
  const root = tempDir();
  cpSync(MINI, join(root, 'knowledge'), { recursive: true });
  const config = loadConfig({ TASUKE_KNOWLEDGE_DIR: 'knowledge', TASUKE_DATA_DIR: 'data', ...overrides }, {}, root);
  return Object.assign(config, { root });
}
