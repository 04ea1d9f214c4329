import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGlossary, loadGlossary, validateGlossary } from '../../src/qa/glossary.ts';
import { writeFileSync } from 'node:fs';
import { ConfigError } from '../../src/core/errors.ts';
import { TOPIC_CONCEPTS, TOPIC_SLUGS } from '../../src/qa/topics.ts';
import { REPO, tempDir } from './helpers.ts';

describe('glossary', () => {
  const g = loadGlossary(join(REPO, 'knowledge/glossary.yaml'));

  it('has at least 80 concepts, each with Japanese and English forms', () => {
    expect(g.concepts.length).toBeGreaterThanOrEqual(80);
    for (const c of g.concepts) {
      expect(c.ja.length).toBeGreaterThan(0);
      expect(c.en.length).toBeGreaterThan(0);
    }
  });

  it('maps Japanese and English forms of a term to the same concept', () => {
    const pairs: [string, string, string][] = [
      ['エポックを増やす', 'more epochs', 'epoch'],
      ['損失が下がらない', 'the loss does not go down', 'loss'],
      ['ワンホットにする', 'one-hot encoding', 'one-hot'],
      ['畳み込み層', 'a Conv2D layer', 'convolution'],
      ['過学習しています', 'it is overfitting', 'overfitting'],
      ['学習率', 'learning rate', 'learning-rate'],
      ['バッチサイズ', 'batch_size=32', 'batch'],
      ['活性化関数', 'activation function', 'activation'],
      ['勾配降下法', 'gradient descent', 'gradient-descent'],
      ['誤差逆伝播', 'backprop', 'backpropagation'],
      ['正規化', 'normalize the pixels', 'normalization'],
      ['データ拡張', 'data augmentation', 'data-augmentation'],
      ['転移学習', 'transfer learning', 'transfer-learning'],
      ['シードを固定', 'set the seed', 'seed'],
      ['プーリング', 'MaxPooling2D', 'pooling'],
      ['ソフトマックス', 'softmax', 'softmax'],
      ['パーセプトロン', 'perceptron', 'perceptron'],
      ['埋め込み', 'word embeddings', 'embedding'],
    ];
    for (const [ja, en, id] of pairs) {
      expect(g.match(ja), ja).toContain(id);
      expect(g.match(en), en).toContain(id);
    }
  });

  it('knows abbreviations, identifiers and misspellings', () => {
    expect(g.match('lr=0.1 is too big?')).toContain('learning-rate');
    expect(g.match('val_loss goes up')).toContain('validation');
    expect(g.match('I get OOM on the GPU')).toContain('out-of-memory');
    expect(g.match('how many epocs')).toContain('epoch');
    expect(g.match('ＲｅＬＵ')).toContain('relu');
  });

  it('prefers the longest Japanese form (過学習 is not 学習)', () => {
    const ids = g.match('過学習');
    expect(ids).toContain('overfitting');
    expect(ids).not.toContain('fit');
  });

  it('defines every topic by concepts that exist in the glossary', () => {
    const ids = new Set(g.concepts.map((c) => c.id));
    for (const topic of TOPIC_SLUGS) {
      expect(TOPIC_CONCEPTS[topic].length, topic).toBeGreaterThan(0);
      for (const c of TOPIC_CONCEPTS[topic]) expect(ids.has(c), `${topic}: ${c}`).toBe(true);
    }
  });

  it('reports malformed glossaries with the problem', () => {
    const r = validateGlossary({ concepts: [{ id: 'Bad Id', ja: ['x'], en: ['x'] }, { id: 'a', ja: [], en: ['a'] }, { id: 'a', ja: ['あ'], en: ['a'], extra: 1 }] }, 'g.yaml');
    expect(r.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/g\.yaml: concept #1: "id" must be a kebab-case/),
        expect.stringMatching(/concept "a": "ja" must be a non-empty list/),
        expect.stringMatching(/duplicate concept id "a"/),
        expect.stringMatching(/unknown field "extra"/),
      ]),
    );
    expect(validateGlossary({}, 'g.yaml').problems[0]).toMatch(/top-level "concepts:"/);
    const file = join(tempDir(), 'glossary.yaml');
    writeFileSync(file, 'concepts:\n  - id: x\n    ja: [英語]\n');
    expect(() => loadGlossary(file)).toThrow(ConfigError);
    expect(() => loadGlossary(file)).toThrow(/"en" must be a non-empty list/);
  });

  it('matches English phrases as whole words only', () => {
    const small = createGlossary([{ id: 'lr', ja: ['学習率'], en: ['learning rate'], aka: ['lr'] }]);
    expect(small.match('the learning rate')).toEqual(['lr']);
    expect(small.match('learning is fun, rate it')).toEqual([]);
    expect(small.match('ctrl key')).toEqual([]);
  });
});
