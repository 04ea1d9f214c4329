import { describe, expect, it } from 'vitest';
import { buildLexical, LexicalIndex, lexicalTerms } from '../../src/qa/lexical.ts';

describe('lexical search', () => {
  it('keeps a better document indexed after many that tie at the cut', () => {
    // Twenty documents tie on one shared word; the last also holds the rare one asked for.
    const docs = Array.from({ length: 20 }, (_, i) => ({ fields: [[`training notes number ${'x'.repeat(i + 1)}`, 1]] as [string, number][] }));
    docs.push({ fields: [['training with dropout', 1]] });
    const index = new LexicalIndex(buildLexical(docs));
    const hits = index.search(lexicalTerms('training dropout'), 5);
    expect(hits).toHaveLength(5);
    expect(hits[0].doc).toBe(20);
  });

  it('returns every touched document when they fit the limit, best first', () => {
    const index = new LexicalIndex(buildLexical([{ fields: [['loss and accuracy', 1]] }, { fields: [['loss', 1]] }, { fields: [['nothing here', 1]] }]));
    const hits = index.search(lexicalTerms('loss accuracy'), 10);
    expect(hits.map((h) => h.doc)).toEqual([0, 1]);
  });
});
