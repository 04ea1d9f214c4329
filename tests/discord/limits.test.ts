import { describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { buttonLabel, fitContent, fitEmbed, fitEmbeds, LIMITS, lengthOfEmbed, threadName, truncate } from '../../src/discord/render/limits.ts';
import { renderAnswer } from '../../src/discord/render/answer.ts';
import { renderTaPost, findEscalationId } from '../../src/discord/render/escalation.ts';
import type { AnswerContract } from '../../src/qa/answer.ts';
import type { Escalation } from '../../src/escalation/types.ts';

describe('render/limits', () => {
  it('truncate keeps short text and cuts long text with an ellipsis', () => {
    expect(truncate('abc', 5)).toBe('abc');
    expect(truncate('abcdef', 5)).toBe('abcd…');
    expect(truncate('abcdef', 5)).toHaveLength(5);
    expect(truncate('abc', 0)).toBe('');
  });

  it('truncate never splits an emoji (surrogate pair)', () => {
    const s = 'ab😀cd';
    const cut = truncate(s, 4); // 'ab' + half of 😀 would be 3 units
    expect(cut).toBe('ab…');
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });

  it('message content stops at 2,000', () => {
    expect(fitContent('x'.repeat(5000))).toHaveLength(LIMITS.content);
    expect(fitContent('short')).toBe('short');
  });

  it('thread names: one line, ≤ 100, never empty', () => {
    const name = threadName('**Why** does\nmy   loss\tbecome NaN? ' + 'very '.repeat(50), 'Question');
    expect(name.length).toBeLessThanOrEqual(100);
    expect(name).not.toMatch(/\n|\*\*/);
    expect(name.startsWith('Why does my loss become NaN?')).toBe(true);
    expect(threadName('   \n ``` ', '質問')).toBe('質問');
    expect(threadName('why one-hot encode __y_train__ and `x_test`?', 'Q')).toBe('why one-hot encode y_train and x_test ?');
    expect(threadName('<:pepe:123456789012345678>', '')).toBe('?');
  });

  it('button labels stop at 80 and are never empty', () => {
    expect(buttonLabel('y'.repeat(200))).toHaveLength(80);
    expect(buttonLabel('  ')).toBe('…');
  });

  it('fits each part of an embed and at most 25 fields', () => {
    const e: APIEmbed = {
      title: 't'.repeat(300),
      description: 'd'.repeat(5000),
      footer: { text: 'f'.repeat(3000) },
      author: { name: 'a'.repeat(300) },
      fields: Array.from({ length: 30 }, (_, i) => ({ name: `n${i}`.repeat(100), value: 'v'.repeat(2000) })),
    };
    const f = fitEmbed(e);
    expect(f.title!.length).toBeLessThanOrEqual(LIMITS.embedTitle);
    expect(f.description?.length ?? 0).toBeLessThanOrEqual(LIMITS.embedDescription);
    expect(f.fields!.length).toBeLessThanOrEqual(LIMITS.fields);
    for (const field of f.fields!) {
      expect(field.name.length).toBeLessThanOrEqual(LIMITS.fieldName);
      expect(field.value.length).toBeLessThanOrEqual(LIMITS.fieldValue);
      expect(field.value.length).toBeGreaterThan(0);
    }
    expect(f.author!.name.length).toBeLessThanOrEqual(LIMITS.authorName);
    expect(lengthOfEmbed(f)).toBeLessThanOrEqual(LIMITS.embedTotal);
    expect(f.title!.length).toBeGreaterThan(0);
  });

  it('keeps the title and the first fields when the whole embed is too long', () => {
    const f = fitEmbed({ title: 'Title', description: 'd'.repeat(4000), fields: [{ name: 'first', value: 'v'.repeat(1000) }, { name: 'second', value: 'w'.repeat(1000) }, { name: 'third', value: 'x'.repeat(1000) }] });
    expect(lengthOfEmbed(f)).toBeLessThanOrEqual(6000);
    expect(f.title).toBe('Title');
    expect(f.fields![0].value).toHaveLength(1000);
  });

  it('leaves a small embed untouched', () => {
    const e: APIEmbed = { title: 'a', description: 'b', fields: [{ name: 'c', value: 'd' }], footer: { text: 'e' } };
    expect(fitEmbed(e)).toEqual(e);
  });

  it('fits all embeds of a message within 6,000 together', () => {
    const many = Array.from({ length: 12 }, () => ({ description: 'z'.repeat(4000) }));
    const f = fitEmbeds(many);
    expect(f.length).toBeLessThanOrEqual(10);
    expect(f.reduce((n, e) => n + lengthOfEmbed(e), 0)).toBeLessThanOrEqual(6000);
  });
});

describe('renderers stay within the limits', () => {
  const contract = (answer: string, over: Partial<AnswerContract> = {}): AnswerContract => ({
    question: 'q',
    lang: 'en',
    action: 'answer',
    answer,
    confidence: 0.8,
    sources: Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, title: `A rather long source title number ${i} `.repeat(3), topics: ['x'], score: 0.5 })),
    lesson: { id: 'mnist' },
    ...over,
  });

  it('a very long answer, with many sources, fits one message with its buttons', () => {
    const p = renderAnswer({ contract: contract('word '.repeat(3000)), answerId: 'a-abc', question: 'why? '.repeat(500) });
    const e = p.embeds![0];
    expect(e.description!.length).toBeLessThanOrEqual(4096);
    expect(lengthOfEmbed(e)).toBeLessThanOrEqual(6000);
    expect(e.fields![0].value.length).toBeLessThanOrEqual(1024);
    const ids = p.components![0].components.map((b) => b.custom_id);
    expect(ids).toEqual(['answer:up:a-abc', 'answer:down:a-abc', 'answer:ta:a-abc', 'try:en:mnist']);
    expect(p.allowedMentions).toEqual({ parse: [], repliedUser: false });
  });

  it('labels the buttons in the asker language', () => {
    const p = renderAnswer({ contract: contract('答え', { lang: 'ja' }), answerId: 'a-x' });
    expect(p.components![0].components.map((b) => b.label)).toEqual(['役に立った', '役に立たなかった', 'TA に聞く', '試してみる']);
  });

  it('an escalated answer says a TA was called and has no buttons', () => {
    const p = renderAnswer({ contract: contract('…', { action: 'escalate', sources: [], lesson: null, lang: 'ja' }), answerId: 'a-x', escalation: { created: true } });
    expect(p.embeds![0].description).toContain('TA を呼びました');
    expect(p.components).toEqual([]);
  });

  it('a TA post with a huge question fits, and carries its id for recovery', () => {
    const e: Escalation = {
      id: 'e-abc234',
      state: 'open',
      reason: 'not-helpful',
      question: 'Q'.repeat(8000),
      lang: 'en',
      attempt: { action: 'answer', answer: 'A'.repeat(8000), confidence: 0.4, sources: [] },
      asker: { id: '123456789012345678', name: 'N'.repeat(300) },
      origin: { face: 'discord', url: 'https://discord.com/channels/1/2/3' },
      createdAt: Date.now(),
    };
    const p = renderTaPost(e);
    expect(lengthOfEmbed(p.embeds![0])).toBeLessThanOrEqual(6000);
    expect(findEscalationId({ embeds: p.embeds as never, components: p.components })).toBe('e-abc234');
    expect(findEscalationId({ embeds: [], components: p.components })).toBe('e-abc234');
    expect(findEscalationId({ embeds: [{ footer: { text: 'something else' } }], components: [] })).toBeUndefined();
  });
});
