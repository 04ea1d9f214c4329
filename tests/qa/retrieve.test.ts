import { beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, type QaIndex } from '../../src/qa/index-store.ts';
import { lexicalTerms } from '../../src/qa/lexical.ts';
import { askedMatches, retrieve } from '../../src/qa/retrieve.ts';
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
    // Topics are ordered by rank (the evidence plus the classifier's and the listed questions' votes), entries by score.
    for (let i = 1; i < r.topics.length; i++) expect(r.topics[i - 1].rank).toBeGreaterThanOrEqual(r.topics[i].rank);
    for (let i = 1; i < r.entries.length; i++) expect(r.entries[i - 1].score).toBeGreaterThanOrEqual(r.entries[i].score);
  });

  it('matches a question against the entries\' listed ways of asking, word for word', () => {
    const at = (id: string) => index.entries.findIndex((e) => e.id === id);
    const cands = [at('one-hot-what-en'), at('epochs-what-en'), at('one-hot-why-ja')];
    expect(cands.every((i) => i >= 0)).toBe(true);
    const q = lexicalTerms('so do I need to_categorical for sparse_categorical_crossentropy or not', index.glossary);
    const [oneHot, epochs, ja] = askedMatches(index, cands, q);
    expect(oneHot.covered).toBe(1);
    expect(oneHot.match).toBeGreaterThan(0.6);
    expect(epochs.match).toBeLessThan(oneHot.match / 2);
    expect(ja.covered).toBeLessThan(0.9);
    // A question sharing a word or two with the listed ones is no exact match.
    const loose = askedMatches(index, cands, lexicalTerms('my labels look strange', index.glossary));
    expect(loose[0].covered).toBeLessThan(0.9);
    expect(loose[0].match).toBeLessThan(0.6);
  });

  it('takes no listed question of a word or two for an exact match, however many bigrams and concepts it yields', () => {
    const at = (id: string) => index.entries.findIndex((e) => e.id === id);
    // "What does max pooling do?" is max pooling alone: a longer question holding it was not written for that entry.
    const q = lexicalTerms('What does max pooling do to the gradient when my learning rate is too small to train?', index.glossary);
    const [pooling] = askedMatches(index, [at('pooling-max-en'), at('learning-rate-too-small-en')], q);
    expect(pooling.covered).toBeLessThan(0.9);
  });

  it('fills match only for the winning topic\'s entries', async () => {
    const r = await retrieve(index, 'do I need to_categorical for sparse_categorical_crossentropy');
    expect(r.topics[0].topic).toBe('one-hot-encoding');
    const win = r.entries.find((s) => s.entry.id === 'one-hot-what-en');
    expect(win?.match).toBeGreaterThan(0.6);
    for (const s of r.entries) if (!s.entry.topics.includes(r.topics[0].topic)) expect(s.match).toBe(0);
  });
});
