import { describe, expect, it } from 'vitest';
import { detectLang, detectOtherLanguage } from '../../src/core/lang.ts';
import { describeUnexpected, UserError } from '../../src/core/errors.ts';

describe('detectLang', () => {
  it.each([
    ['エポックって何ですか', 'ja'],
    ['lrってなに', 'ja'],
    ['ValueError: Shapes (None, 1) and (None, 10) are incompatible って出ました', 'ja'],
    ['Why does my loss become NaN?', 'en'],
    ['model.fit(x_train, y_train, epochs=5)', 'en'],
    ['学習', 'ja'],
    // English quoting a unit or a term in kanji, without kana, is English.
    ['y is rent in units of 10k yen (万円). what is the predicted rent for 30 m²?', 'en'],
    ['what does 過学習 mean in English? I saw it in the slide', 'en'],
    ['損失関数 loss function とは何か教えて', 'ja'],
    ['Dense 層の units 何', 'ja'],
  ])('%s → %s', (text, lang) => {
    expect(detectLang(text)).toBe(lang);
  });

  it('falls back when there is no letter at all', () => {
    expect(detectLang('???', 'en')).toBe('en');
    expect(detectLang('123', 'ja')).toBe('ja');
  });
});

describe('detectOtherLanguage', () => {
  it.each([
    ['为什么我的模型准确率一直不变？用的是 Adam', 'zh'],
    ['這個錯誤是什麼意思？ValueError: Shapes (None, 1)', 'zh'],
    ['请问 batch_size 设置多少比较好', 'zh'],
    ['드롭아웃은 어디에 넣어야 하나요?', 'ko'],
    ['model.fit 이후에 loss가 nan이 돼요', 'ko'],
    ['Почему loss становится nan после fit?', 'ru'],
    ['epoch คืออะไร ครับ', 'th'],
    ['ما هو معدل التعلم؟', 'ar'],
    ['epoch क्या होता है?', 'hi'],
  ])('%s → %s, answered in English', (text, other) => {
    expect(detectOtherLanguage(text)).toBe(other);
    expect(detectLang(text)).toBe('en');
  });

  it.each(['過学習対策', '学習率 0.001 推奨', '畳み込み層 出力形状', 'エポックって何ですか', '転移学習で精度向上', 'What is an epoch?', '数値微分', 'why is σ(z)(1 − σ(z)) the derivative?', '∂L/∂w と σ の意味'])(
    '%s is not another language',
    (text) => expect(detectOtherLanguage(text)).toBeUndefined(),
  );
});

describe('errors', () => {
  it('shows a UserError in the person\'s language', () => {
    const e = new UserError('bad-epochs', { ja: 'エポック数は1〜200です', en: 'epochs must be 1-200' }, { value: 0 });
    expect(describeUnexpected(e, 'ja')).toBe('エポック数は1〜200です');
    expect(describeUnexpected(e, 'en')).toBe('epochs must be 1-200');
    expect(e.toJSON()).toEqual({ id: 'bad-epochs', message: e.messages, context: { value: 0 } });
  });

  it('hides an unexpected error behind a reference id that is logged', () => {
    const logged: string[] = [];
    const shown = describeUnexpected(new TypeError('boom'), 'ja', (l) => logged.push(l));
    const ref = /参照ID: ([0-9a-f]{8})/.exec(shown)?.[1];
    expect(ref).toBeDefined();
    expect(logged[0]).toContain(ref!);
    expect(logged[0]).toContain('boom');
    expect(shown).not.toContain('boom');
  });
});
