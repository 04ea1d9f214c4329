import { beforeAll, describe, expect, it } from 'vitest';
import { createAssistant, type Assistant } from '../../src/qa/assistant.ts';
import { questionParts } from '../../src/qa/parts.ts';
import { miniConfig } from './helpers.ts';

describe('the parts of a question that asks two things', () => {
  it('splits at question marks, at "and" before a new question, and at あと after a sentence', () => {
    expect(questionParts('why did the two runs differ, and what seed does keras use by default?')).toEqual(['why did the two runs differ', 'what seed does keras use by default?']);
    expect(questionParts('what does max pooling do? is pooling a learned layer?')).toEqual(['what does max pooling do?', 'is pooling a learned layer?']);
    expect(questionParts('エポックって何？あと、学習率はどう決める？')).toEqual(['エポックって何?', 'あと、学習率はどう決める?']);
    // One question, a traceback, or a part too thin to ask anything alone stay whole.
    expect(questionParts('what is an epoch?')).toEqual(['what is an epoch?']);
    expect(questionParts('Traceback (most recent call last):\nValueError: bad shape. why? and how to fix?')).toHaveLength(1);
    expect(questionParts('x and y?')).toEqual(['x and y?']);
  });
});

describe('assistant: a second part answered from its own entry', () => {
  let assistant: Assistant;
  beforeAll(async () => {
    assistant = createAssistant({ config: miniConfig(), llm: null });
    await assistant.ready();
  });

  it('adds the lead of the entry for the part the first entry leaves open, and names it among the sources', async () => {
    const one = await assistant.ask('What is an epoch?');
    expect(one.sources.map((s) => s.id)).not.toContain('pooling-max-en');
    const two = await assistant.ask('What is an epoch in model.fit, and what does max pooling do to the feature maps?');
    expect(two.action).toBe('answer');
    expect(two.answer).toContain('An epoch is one full pass over the training data');
    expect(two.answer).toContain('Max pooling slides a small window');
    expect(two.sources.map((s) => s.id)).toEqual(expect.arrayContaining(['epochs-what-en', 'pooling-max-en']));
    // The entry chosen for the whole question leads (its source first); the other part's follows.
    const lead = two.sources[0].id === 'epochs-what-en' ? 'An epoch is' : 'Max pooling slides';
    expect(two.answer.startsWith(lead)).toBe(true);
  });
});
