import { describe, expect, it } from 'vitest';
import { createGlossary } from '../../src/qa/glossary.ts';
import type { QaIndex } from '../../src/qa/index-store.ts';
import { buildLexical, LexicalIndex } from '../../src/qa/lexical.ts';
import { correctTypos, editDistance } from '../../src/qa/typos.ts';

const glossary = createGlossary([
  { id: 'epoch', ja: ['エポック'], en: ['epoch', 'epochs'] },
  { id: 'dropout', ja: ['ドロップアウト'], en: ['dropout'] },
  { id: 'softmax', ja: ['ソフトマックス'], en: ['softmax'] },
  { id: 'batch', ja: ['バッチサイズ', 'バッチ'], en: ['batch size', 'batch'] },
  { id: 'overfitting', ja: ['過学習'], en: ['overfitting'] },
  { id: 'loss', ja: ['損失'], en: ['loss'] },
]);
const lexical = new LexicalIndex(buildLexical([{ fields: [['An epoch is one pass; dropout and softmax, the loss, a model and its pose.', 1]] }], glossary));
const index = { glossary, lexical } as unknown as QaIndex;

describe('typos in course terms', () => {
  it('counts a swap of two letters as one edit', () => {
    expect(editDistance('epcoh', 'epoch')).toBe(1);
    expect(editDistance('dropuot', 'dropout')).toBe(1);
    expect(editDistance('overfiting', 'overfitting')).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });

  it('reads misspelt English terms as the glossary form, leaves known words alone', () => {
    expect(correctTypos('what is a epcoh and why use dropuot?', index)).toBe('what is a epoch and why use dropout?');
    expect(correctTypos('the same cell, the same loss', index)).toBe('the same cell, the same loss');
    expect(correctTypos('is my model overfiting', index)).toBe('is my model overfitting');
    // Known to the knowledge base, or too far from any term: unchanged.
    expect(correctTypos('the pose of the model', index)).toBe('the pose of the model');
    expect(correctTypos('my loss is lower', index)).toBe('my loss is lower');
  });

  it('reads hiragana spellings and one-off katakana slips of katakana terms', () => {
    expect(correctTypos('ばっちさいずって何', index)).toBe('バッチサイズって何');
    expect(correctTypos('ソフトマクスの意味', index)).toBe('ソフトマックスの意味');
    expect(correctTypos('ありがとうございます', index)).toBe('ありがとうございます');
    expect(correctTypos('ドロップアウトの率', index)).toBe('ドロップアウトの率');
  });
});
