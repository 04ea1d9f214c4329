import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Embeddings } from '@langchain/core/embeddings';
import { createGlossary } from '../../src/qa/glossary.ts';
import { HashingEmbeddings, RemoteEmbeddings } from '../../src/qa/embeddings.ts';
import { buildIndex, openIndex } from '../../src/qa/index-store.ts';
import { retrieve } from '../../src/qa/retrieve.ts';
import { startFakeOpenAI, type FakeOpenAI } from './fake-openai.ts';
import { miniConfig } from './helpers.ts';

const cos = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('hashing embeddings', () => {
  const glossary = createGlossary([{ id: 'epoch', ja: ['エポック'], en: ['epoch', 'epochs'], aka: [] }]);
  const emb = new HashingEmbeddings({ dimensions: 256, glossary });

  it('implements LangChain Embeddings with L2-normalised vectors of the set size', async () => {
    expect(emb).toBeInstanceOf(Embeddings);
    const [v] = await emb.embedDocuments(['How many epochs?']);
    expect(v).toHaveLength(256);
    expect(Math.abs(cos(v, v) - 1)).toBeLessThan(1e-9);
    expect(await emb.embedQuery('How many epochs?')).toEqual(v);
  });

  it('brings a Japanese and an English text about the same concept together', () => {
    const ja = emb.embed('エポックとは');
    const en = emb.embed('what is an epoch');
    const other = emb.embed('pizza delivery tonight');
    expect(cos(ja, en)).toBeGreaterThan(cos(ja, other));
    expect(cos(ja, en)).toBeGreaterThan(0.2);
  });

  it('rejects a silly dimension count', () => {
    expect(() => new HashingEmbeddings({ dimensions: 3 })).toThrow(/dimensions must be an integer in 16\.\.8192/);
  });
});

describe('remote embeddings (OpenAI-compatible endpoint on 127.0.0.1)', () => {
  let fake: FakeOpenAI;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
  });
  afterAll(async () => fake.close());

  it('embeds through POST /embeddings with the model name and key', async () => {
    const emb = new RemoteEmbeddings({ baseUrl: fake.baseUrl, model: 'fake-embed', apiKey: 'k', batchSize: 2 });
    const vs = await emb.embedDocuments(['a b c', 'd e f', 'g h i']);
    expect(vs).toHaveLength(3);
    expect(vs[0]).toHaveLength(64);
    const calls = fake.requests.filter((r) => r.path === '/v1/embeddings');
    expect(calls).toHaveLength(2);
    expect(calls[0].body).toMatchObject({ model: 'fake-embed', input: ['a b c', 'd e f'] });
  });

  it('builds and reopens the index with the remote embeddings (EMBEDDINGS_* settings)', async () => {
    const config = miniConfig({ EMBEDDINGS_BASE_URL: fake.baseUrl, EMBEDDINGS_MODEL: 'fake-embed' });
    const before = fake.requests.length;
    const idx = await buildIndex(config);
    expect(idx.manifest.embeddings).toContain('remote:');
    expect(idx.manifest.dimensions).toBe(64);
    expect(fake.requests.length).toBeGreaterThan(before);
    const reopened = await openIndex(config);
    expect(reopened.rebuilt).toBe(false);
    const r = await retrieve(reopened, 'what does epochs=5 mean');
    expect(r.topics[0].topic).toBe('epochs');
    // The local index of the same knowledge is a different index: switching rebuilds.
    const local = await openIndex({ ...config, qa: { ...config.qa, embeddings: undefined } });
    expect(local.rebuilt).toBe(true);
  });

  it('reports an endpoint failure', async () => {
    const emb = new RemoteEmbeddings({ baseUrl: fake.baseUrl.replace('/v1', '/nope'), model: 'm' });
    await expect(emb.embedQuery('x')).rejects.toThrow(/404/);
  });
});
