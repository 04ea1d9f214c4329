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

  it('matches Japanese forms as whole terms, not inside other words', () => {
    const small = createGlossary([
      { id: 'shape', ja: ['形'], en: ['shape'] },
      { id: 'nonlinear', ja: ['非線形'], en: ['non-linear'] },
      { id: 'lr', ja: ['学習率'], en: ['learning rate'] },
    ]);
    expect(small.match('非線形な関数')).toEqual(['nonlinear']);
    expect(small.match('形が合わない')).toEqual(['shape']);
    expect(small.match('データの形')).toEqual(['shape']);
    expect(small.match('学習率を下げる')).toEqual(['lr']);
  });

  it('lets a filler word stand inside an English form', () => {
    const small = createGlossary([
      { id: 'kernel-restart', ja: ['カーネル再起動'], en: ['restart kernel'] },
      { id: 'kernel', ja: ['カーネル'], en: ['kernel'] },
    ]);
    expect(small.match('how do I restart the kernel?')).toEqual(['kernel-restart']);
    expect(small.match('restart my kernel')).toEqual(['kernel-restart']);
    expect(small.match('what is a 3x3 kernel')).toEqual(['kernel']);
  });

  it('reads a form with several senses by the question around it', () => {
    const small = createGlossary([
      { id: 'freeze', ja: ['凍結', '固定'], en: ['freeze'], context: ['層', 'layer', 'trainable', '転移'] },
      { id: 'seed', ja: ['シード', '固定'], en: ['seed'], context: ['乱数', 'random'] },
      { id: 'cnn-kernel', ja: ['カーネル'], en: ['kernel', 'filter'], context: ['conv2d', '畳み込み', '3x3'] },
      { id: 'jupyter-kernel', ja: ['カーネル'], en: ['kernel'], context: ['restart', 'died', '再起動', 'notebook'] },
      { id: 'val-loss', ja: ['検証損失'], en: ['val_loss'] },
      { id: 'loss', ja: ['損失'], en: ['val_loss', 'loss'] },
    ]);
    expect(small.match('シードを固定したのに結果が違う')).toEqual(['seed']);
    expect(small.match('転移学習で層を固定する')).toEqual(['freeze']);
    expect(small.match('乱数を固定したい')).toEqual(['seed']);
    expect(small.match('固定って何')).toEqual(['freeze']);
    expect(small.match('the kernel died, restart it?')).toEqual(['jupyter-kernel']);
    expect(small.match('the 3x3 kernel of a Conv2D')).toEqual(['cnn-kernel']);
    expect(small.match('カーネルが再起動しました')).toEqual(['jupyter-kernel']);
    // Without a context list a shared form stands for every concept that lists it.
    expect(small.match('val_loss')).toEqual(['val-loss', 'loss']);
  });

  it('accepts a context list and rejects a malformed one', () => {
    expect(validateGlossary({ concepts: [{ id: 'a', ja: ['あ'], en: ['a'], context: ['層', 'layer'] }] }, 'g.yaml').problems).toEqual([]);
    expect(validateGlossary({ concepts: [{ id: 'a', ja: ['あ'], en: ['a'], context: 'layer' }] }, 'g.yaml').problems[0]).toMatch(/"context" must be a non-empty list/);
  });
});

