import { describe, expect, it } from 'vitest';
import { analyze, normalize, stem } from '../../src/qa/text.ts';

describe('text analysis', () => {
  it('segments Japanese written without spaces into words', () => {
    const a = analyze(normalize('エポックを重ねるとなぜ精度が上がるんですか'));
    expect(a.words).toContain('エポック');
    expect(a.words).toContain('精度');
    expect(a.words).toContain('重ねる');
    // particles are not content words
    expect(a.words).not.toContain('を');
    expect(a.words).not.toContain('が');
  });

  it('adds kanji/katakana bigrams so compounds still meet', () => {
    const a = analyze(normalize('学習率を下げる'));
    expect(a.bigrams).toEqual(expect.arrayContaining(['学習', '習率']));
  });

  it('handles mixed Japanese, English and code', () => {
    const a = analyze(normalize('to_categoricalしたらValueError: Shapes (None, 1) and (None, 10) are incompatibleが出ます'));
    expect(a.words).toEqual(expect.arrayContaining(['to_categorical', 'categorical', 'valueerror', stem('shape'), stem('incompatible')]));
    expect(a.words).not.toContain('and');
    expect(a.words).not.toContain('are');
  });

  it('normalizes full-width text and IME slips', () => {
    expect(normalize('ＥＰＯＣＨ　ｓ')).toBe('epoch s');
    expect(normalize('エポっク')).toBe('エポック');
    expect(normalize('ﾊﾞｯﾁ')).toBe('バッチ');
    // A particle between two katakana words is no slip.
    expect(normalize('バッチサイズとエポックの違い')).toBe('バッチサイズとエポックの違い');
    expect(normalize('ドロップアウトのレートをソフトマックスに')).toBe('ドロップアウトのレートをソフトマックスに');
  });

  it('stems English lightly', () => {
    expect(stem('epochs')).toBe('epoch');
    expect(stem('training')).toBe(stem('train'));
    expect(stem('batches')).toBe('batch');
    expect(stem('loss')).toBe('loss');
    // A silent final e goes, so the forms of one verb meet.
    expect(new Set(['divide', 'divides', 'divided', 'dividing'].map(stem)).size).toBe(1);
    expect(stem('scaled')).toBe(stem('scale'));
    expect(stem('images')).toBe(stem('image'));
    // A silent e comes back on a short stem, and irregular forms meet their word.
    for (const [a, b] of [['making', 'make'], ['saved', 'save'], ['coding', 'code'], ['using', 'use'], ['used', 'uses'], ['chosen', 'choose'], ['written', 'writes']]) expect(stem(a), a).toBe(stem(b));
    expect(stem('fixed')).toBe('fix');
    expect(stem('fitting')).toBe('fit');
  });

  it('reads notation: identifiers split at dots, ∂ as a word, a division by a number as divide', () => {
    expect(analyze(normalize('y_train.shape')).words).toEqual(expect.arrayContaining(['y_train.shape', 'y_train', stem('shape')]));
    expect(analyze(normalize('∂L/∂w')).words).toEqual(['∂', '∂']);
    expect(analyze(normalize('x_train / 255.0')).words).toContain(stem('divide'));
    expect(analyze(normalize('1875/1875')).words).not.toContain(stem('divide'));
    expect(analyze(normalize('60,000 images')).words).toContain('60000');
  });
});

describe('possessives and curly apostrophes', () => {
  it("reads sigmoid's as sigmoid and a curly apostrophe as the straight one", () => {
    expect(analyze(normalize("whats the range of sigmoid's output")).words).toContain('sigmoid');
    expect(analyze(normalize('the model’s weights')).words).toEqual(analyze(normalize("the model's weights")).words);
    expect(analyze(normalize('the model’s weights')).words).toContain('model');
  });
});

describe('verbs of asking', () => {
  it('drops need and want, which frame a question without saying what it is about', () => {
    expect(analyze(normalize('do I ever need to implement backprop myself in keras?')).words).not.toContain('need');
    expect(analyze(normalize('I want to save my model')).words).toEqual(analyze(normalize('I save my model')).words);
  });
});
