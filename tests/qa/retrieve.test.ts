import { beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, type QaIndex } from '../../src/qa/index-store.ts';
import { retrieve } from '../../src/qa/retrieve.ts';
import { miniConfig } from './helpers.ts';

describe('hybrid retrieval over the mini knowledge base', () => {
  let index: QaIndex;
  beforeAll(async () => {
    index = await buildIndex(miniConfig());
  });

  it('finds the entry a Japanese question is about', async () => {
    const r = await retrieve(index, '学習率を上げたらロスがnanになってしまいました');
    expect(r.topics[0].topic).toBe('learning-rate');
    expect(r.entries[0].entry.id).toBe('learning-rate-nan-ja');
    expect(r.entries[0].dense).toBeGreaterThan(0);
    expect(r.entries[0].lexical).toBeGreaterThan(0);
  });

  it('finds the entry an English question is about', async () => {
    const r = await retrieve(index, 'why do my labels turn into vectors of zeros and ones after to_categorical?');
    expect(r.topics[0].topic).toBe('one-hot-encoding');
    expect(r.entries[0].entry.topics).toContain('one-hot-encoding');
  });

  it('crosses languages: a Japanese question finds English-only material', async () => {
    const r = await retrieve(index, 'マックスプーリングって何のためにあるんですか？');
    expect(r.concepts).toContain('pooling');
    expect(r.topics[0].topic).toBe('pooling');
    expect(r.entries[0].entry.id).toBe('pooling-max-en');
  });

  it('crosses languages: an English question finds Japanese-only material', async () => {
    const r = await retrieve(index, 'Why do I get different results every run? Should I fix the random seed?');
    expect(r.topics[0].topic).toBe('reproducibility');
    expect(r.entries[0].entry.id).toBe('reproducibility-seed-ja');
  });

  it('gives a confidence in 0..1, higher for a clear question than for an off-topic one', async () => {
    const clear = await retrieve(index, 'What is an epoch? what does epochs=5 mean');
    const vague = await retrieve(index, 'what is the capital of Portugal and its population');
    for (const r of [clear, vague]) {
      expect(r.confidence).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
    expect(clear.confidence).toBeGreaterThan(0.45);
    expect(vague.confidence).toBeLessThan(0.45);
    expect(clear.confidence).toBeGreaterThan(vague.confidence);
  });

  it('ranks topics and entries in descending score order', async () => {
    const r = await retrieve(index, 'エポック数と学習率の関係');
    for (let i = 1; i < r.topics.length; i++) expect(r.topics[i - 1].score).toBeGreaterThanOrEqual(r.topics[i].score);
    for (let i = 1; i < r.entries.length; i++) expect(r.entries[i - 1].score).toBeGreaterThanOrEqual(r.entries[i].score);
  });
});
