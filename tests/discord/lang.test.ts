import { describe, expect, it } from 'vitest';
import { chooseLang, localeLang } from '../../src/discord/lang.ts';
import { customId, parseCustomId, type CustomAction } from '../../src/discord/ids.ts';

describe('the language tasuke answers a Discord user in', () => {
  it('follows what they wrote, whatever their client language', () => {
    expect(chooseLang('エポックって何ですか？', 'en-US')).toBe('ja');
    expect(chooseLang('What is an epoch?', 'ja')).toBe('en');
  });

  it('falls back to the Discord locale when the text does not say', () => {
    expect(chooseLang('???', 'ja')).toBe('ja');
    expect(chooseLang('123', 'en-GB')).toBe('en');
    expect(chooseLang('', 'ja')).toBe('ja');
    expect(chooseLang(undefined, 'fr')).toBe('en');
  });

  it('reads a locale as ja only when it is Japanese', () => {
    expect(localeLang('ja')).toBe('ja');
    expect(localeLang('ja-JP')).toBe('ja');
    expect(localeLang('en-US')).toBe('en');
    expect(localeLang('zh-CN')).toBe('en');
    expect(localeLang(undefined)).toBe('en');
    expect(localeLang(null)).toBe('en');
  });
});

describe('custom ids', () => {
  const actions: CustomAction[] = [
    { kind: 'feedback', value: 'helpful', answerId: 'a-k7mq2x9ad4' },
    { kind: 'feedback', value: 'not-helpful', answerId: 'a-k7mq2x9ad4' },
    { kind: 'ask-ta', answerId: 'a-k7mq2x9ad4' },
    { kind: 'try', lessonId: 'linear' },
    { kind: 'try', lessonId: 'cnn', lang: 'ja' },
    { kind: 'cancel-job', jobId: 'k7mq2x9ad4' },
    { kind: 'claim', escalationId: 'e-k7mq2x9a' },
    { kind: 'resolve', escalationId: 'e-k7mq2x9a' },
    { kind: 'resolve-modal', escalationId: 'e-k7mq2x9a' },
  ];
  it.each(actions)('round-trips %o within 100 characters', (a) => {
    const id = customId(a);
    expect(id.length).toBeLessThanOrEqual(100);
    expect(parseCustomId(id)).toEqual(a);
  });

  it('ignores ids that are not tasuke’s', () => {
    expect(parseCustomId('something:else')).toBeUndefined();
    expect(parseCustomId('answer:up:')).toBeUndefined();
    expect(parseCustomId('answer:up:../../x')).toBeUndefined();
  });
});
