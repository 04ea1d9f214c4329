import { describe, expect, it } from 'vitest';
import { clip, composeAnswer, composeHint, leadSentences, MAX_ANSWER_CHARS, type Selection } from '../../src/qa/answer.ts';
import type { KnowledgeEntry } from '../../src/qa/knowledge.ts';

const entry = (over: Partial<KnowledgeEntry> = {}): KnowledgeEntry => ({
  id: 'x-en',
  title: 'What is X?',
  lang: 'en',
  topics: ['epochs'],
  questions: ['q'],
  body: 'First sentence uses keras.applications.MobileNetV2 here. Second sentence. Third one is longer and keeps going.',
  file: 'en/x.md',
  ...over,
});
const sel = (e: KnowledgeEntry, related: KnowledgeEntry[] = []): Selection => ({
  topic: e.topics[0],
  primary: { entry: e, index: 0, dense: 1, lexical: 1, concept: 1, score: 1, match: 0, covered: 0 },
  related: related.map((r, i) => ({ entry: r, index: i + 1, dense: 0.5, lexical: 0.5, concept: 0.5, score: 0.5, match: 0, covered: 0 })),
});

describe('composed answers', () => {
  it('clips at a sentence end under the limit', () => {
    const text = '文です。'.repeat(600);
    const c = clip(text);
    expect(c.length).toBeLessThan(MAX_ANSWER_CHARS);
    expect(c.endsWith('。…')).toBe(true);
    expect(clip('short')).toBe('short');
  });

  it('keeps a long body plus notes and pointer under 1,900 characters', () => {
    const e = entry({ lang: 'en', body: 'word '.repeat(400).trim() + '.', lesson: 'mnist' });
    const a = composeAnswer(sel(e), 'ja');
    expect(a.length).toBeLessThan(MAX_ANSWER_CHARS);
    expect(a).toContain('英語の資料');
    expect(a).not.toContain('/train');
  });

  it('points to a related entry in the asker\'s language when there is no lesson', () => {
    const a = composeAnswer(sel(entry(), [entry({ id: 'y-ja', lang: 'ja', title: 'Yとは？' }), entry({ id: 'z-en', title: 'What is Z?' })]), 'en');
    expect(a).toContain('Related: "What is Z?" (z-en)');
  });

  it('does not cut sentences inside dotted identifiers', () => {
    expect(leadSentences(entry().body, 80)).toBe('First sentence uses keras.applications.MobileNetV2 here. Second sentence.');
  });

  it('makes a hint that says it is one and names the entry to read', () => {
    const h = composeHint(sel(entry({ lesson: 'cnn' })), 'en');
    expect(h).toMatch(/graded, so I can’t give you its solution/);
    expect(h).toContain('Hint: First sentence');
    expect(h).toContain('(x-en)');
    expect(h).not.toContain('/train');
  });

  it('makes a generic hint, in the asker\'s language, when no concept is clear', () => {
    const ja = composeHint(undefined, 'ja');
    expect(ja).toContain('答えやコードそのものはお伝えできません');
    expect(ja).toMatch(/どのステップ/);
    expect(ja).toMatch(/ノートブック/);
    expect(ja).toMatch(/TA/);
    expect(ja).not.toMatch(/ヒント：|[a-z]+-ja\)/);
    const en = composeHint(undefined, 'en');
    expect(en).toMatch(/which step or concept/);
    expect(en).toMatch(/notebook/);
    expect(en).toMatch(/TA/);
    expect(en).not.toMatch(/Hint:|[a-z]+-en\)/);
  });
});
