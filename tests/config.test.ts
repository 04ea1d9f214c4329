import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { ConfigError } from '../src/core/errors.ts';

const emptyDir = () => mkdtempSync(join(tmpdir(), 'tasuke-config-'));

describe('loadConfig', () => {
  it('gives defaults for an empty environment', () => {
    const dir = emptyDir();
    const c = loadConfig({}, {}, dir);
    expect(c.dataDir).toBe(join(dir, 'data'));
    expect(c.training.backend).toBe('auto');
    expect(c.training.queue).toBe('embedded');
    expect(c.qa.llm).toBeUndefined();
    expect(c.qa.embeddings).toBeUndefined();
    expect(c.port).toBe(3000);
  });

  it('lets overrides beat the environment and the environment beat .env', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, '.env'), 'TASUKE_PORT=4000\nTASUKE_WORKER_CONCURRENCY=3\nTASUKE_QUEUE=redis\n');
    const c = loadConfig({ TASUKE_PORT: 5000 }, { TASUKE_WORKER_CONCURRENCY: '2' }, dir);
    expect(c.port).toBe(5000);
    expect(c.training.concurrency).toBe(2);
    expect(c.training.queue).toBe('redis');
  });

  it('names every invalid variable and its value', () => {
    let err: unknown;
    try {
      loadConfig({}, { TASUKE_TF_BACKEND: 'tpu', TASUKE_PORT: 'eighty', TASUKE_ANSWER_THRESHOLD: '2' }, emptyDir());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain('TASUKE_TF_BACKEND="tpu"');
    expect(msg).toContain('TASUKE_PORT="eighty"');
    expect(msg).toContain('TASUKE_ANSWER_THRESHOLD="2"');
  });

  it('requires LLM base URL and model together', () => {
    expect(() => loadConfig({}, { LLM_BASE_URL: 'http://127.0.0.1:9/v1' }, emptyDir())).toThrow(/LLM_MODEL/);
    const c = loadConfig({}, { LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'm', LLM_API_KEY: '' }, emptyDir());
    expect(c.qa.llm).toEqual({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: undefined, timeoutMs: 20000 });
  });

  it('rejects a URL that is not one', () => {
    expect(() => loadConfig({}, { EMBEDDINGS_BASE_URL: 'not a url', EMBEDDINGS_MODEL: 'x' }, emptyDir())).toThrow(/EMBEDDINGS_BASE_URL/);
  });
});
