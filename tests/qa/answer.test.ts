import { describe, expect, it } from 'vitest';
import { clip, composeAnswer, composeHint, leadSentences, MAX_ANSWER_CHARS, selectEntries, type Selection } from '../../src/qa/answer.ts';
import type { Retrieval } from '../../src/qa/retrieve.ts';
import type { KnowledgeEntry } from '../../src/qa/knowledge.ts';
import type { Passage } from '../../src/qa/passages.ts';

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
  primary: { entry: e, index: 0, dense: 1, lexical: 1, concept: 1, score: 1, match: 0, covered: 0, learned: 0 },
  related: related.map((r, i) => ({ entry: r, index: i + 1, dense: 0.5, lexical: 0.5, concept: 0.5, score: 0.5, match: 0, covered: 0, learned: 0 })),
});

describe('composed answers', () => {
  it('clips at a sentence end under the limit', () => {
    const text = '文です。'.repeat(600);
    const c = clip(text);
    expect(c.length).toBeLessThan(MAX_ANSWER_CHARS);
    expect(c.endsWith('。…')).toBe(true);
    expect(clip('short')).toBe('short');
  });

  const passage = (e: KnowledgeEntry, text: string, at = 0): Passage => ({ source: sel(e).primary, at, text, score: 1 });

  it('keeps a long passage plus notes and pointers under 1,900 characters, and says when it is in the other language', () => {
    const e = entry({ lang: 'en', body: 'word '.repeat(400).trim() + '.', lesson: 'mnist' });
    const a = composeAnswer({ lang: 'ja', notes: ['（注）'], computed: [], passages: [passage(e, e.body)], more: e });
    expect(a.length).toBeLessThan(MAX_ANSWER_CHARS);
    expect(a).toContain('英語の資料');
    expect(a).toContain('📖 詳しくは「What is X?」（x-en）');
    expect(a).not.toContain('/train');
  });

  it('leads with notes and computed results, then passages in order, then where to read more', () => {
    const e = entry();
    const a = composeAnswer({
      lang: 'en',
      notes: ['(note)'],
      computed: ['Steps per epoch = 469.'],
      passages: [passage(e, 'Lead paragraph.'), passage(e, 'Second paragraph.', 2)],
      related: entry({ id: 'z-en', title: 'What is Z?' }),
    });
    expect(a).toBe('(note)\n\nSteps per epoch = 469.\n\nLead paragraph.\n\nSecond paragraph.\n\n👉 Related: "What is Z?" (z-en)');
  });

  it('drops passages that do not fit rather than cutting them, except a lone first one', () => {
    const e = entry();
    const long = 'Sentence. '.repeat(150).trim();
    const a = composeAnswer({ lang: 'en', notes: [], computed: ['x'.repeat(1000)], passages: [passage(e, 'Short lead.'), passage(e, long, 1)] });
    expect(a).toContain('Short lead.');
    expect(a).not.toContain('Sentence.');
    const b = composeAnswer({ lang: 'en', notes: [], computed: [], passages: [passage(e, 'Sentence. '.repeat(300).trim())] });
    expect(b.length).toBeLessThan(MAX_ANSWER_CHARS);
    expect(b).toMatch(/Sentence\.…?$/);
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

describe('choosing the entry inside the topic', () => {
  it('prefers, on a near tie, the entry whose title asks the same kind of question (why, how, what)', () => {
    const scored = (e: KnowledgeEntry, score: number) => ({ entry: e, index: 0, dense: score, lexical: score, concept: 1, score, match: 0.3, covered: 0.5, learned: 0.1 });
    const count = entry({ id: 'count-en', title: 'How many hidden units does XOR need?', topics: ['perceptron-xor'] });
    const why = entry({ id: 'why-en', title: 'Why does a hidden layer let the network solve XOR?', topics: ['perceptron-xor'] });
    const r: Retrieval = { entries: [scored(count, 0.9), scored(why, 0.87)], topics: [{ topic: 'perceptron-xor', score: 1, rank: 1 }], confidence: 0.6, concepts: [] };
    expect(selectEntries(r, 'en', undefined, 'why')!.primary.entry.id).toBe('why-en');
    expect(selectEntries(r, 'en')!.primary.entry.id).toBe('count-en');
    // A clear lead is not overturned by the kind alone.
    const far: Retrieval = { ...r, entries: [scored(count, 0.95), scored(why, 0.8)] };
    expect(selectEntries(far, 'en', undefined, 'why')!.primary.entry.id).toBe('count-en');
  });
});

