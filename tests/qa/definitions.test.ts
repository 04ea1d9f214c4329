import { describe, expect, it } from 'vitest';
import { definedSubjects, definitionSubject } from '../../src/qa/definitions.ts';
import type { KnowledgeEntry } from '../../src/qa/knowledge.ts';

const entry = (title: string, questions: string[]) => ({ id: 'x', title, lang: 'en', topics: ['epochs'], questions, body: '' }) as unknown as KnowledgeEntry;

describe('definition questions', () => {
  it('reads the subject of "what is X?", "what does X mean?" and 「Xとは何？」, without how the asker wants it told', () => {
    expect(definitionSubject("what's a gradient, in plain words?")).toBe('gradient');
    expect(definitionSubject('What exactly is a gradient?')).toBe('gradient');
    expect(definitionSubject('what does overfitting mean?')).toBe('overfit');
    expect(definitionSubject("what's a kernel in a CNN?")).toBe('kernel');
    expect(definitionSubject('勾配ってなに')).toBe('勾配');
    expect(definitionSubject('「勾配」とは正確には何ですか？')).toBe('勾配');
    // Not a definition: a question about the subject, a comparison, a long description.
    expect(definitionSubject('what is the difference between epochs and batch size?')).toBeUndefined();
    expect(definitionSubject('what is a good learning rate for adam with ten layers?')).toBeUndefined();
    expect(definitionSubject('how do I set a seed?')).toBeUndefined();
  });

  it('finds the subjects an entry defines in its title and listed questions, each of "X and Y" too', () => {
    const s = definedSubjects(entry('バッチサイズとミニバッチとは何ですか？', ['ログの 1875/1875 ってなんの数字？']));
    expect(s.has(definitionSubject('バッチサイズとは何ですか')!)).toBe(true);
    expect(s.has(definitionSubject('ミニバッチって何？')!)).toBe(true);
    const g = definedSubjects(entry('What exactly is a gradient? The slope of what?', ['what is a gradient? the slope?', 'how is it computed?']));
    expect([...g]).toEqual(['gradient']);
    expect(definedSubjects(entry('Why does my loss go up?', ['how do I fix a nan loss?'])).size).toBe(0);
  });
});
