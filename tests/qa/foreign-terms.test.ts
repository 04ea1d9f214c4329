import { describe, expect, it } from 'vitest';
import { glossOtherLanguage } from '../../src/qa/foreign-terms.ts';
import { computeFromQuestion } from '../../src/qa/compute/index.ts';

describe('foreign-terms: Chinese and Korean course words read as English', () => {
  it('reads Korean course words and drops the particles, keeping code and numbers', () => {
    const g = glossOtherLanguage('훈련 정확도는 99%인데 검증 정확도는 70%밖에 안 나와요. model.fit(x, y) 를 다시 실행하면?', 'ko');
    expect(g).toContain('training accuracy');
    expect(g).toContain('validation accuracy');
    expect(g).toContain('99%');
    expect(g).toContain('model.fit(x, y)');
    expect(g).toMatch(/again run/);
    expect(g).not.toMatch(/[\uac00-\ud7af]/u);
  });

  it('prefers the longer term, in simplified and traditional Chinese', () => {
    expect(glossOtherLanguage('训练集的准确率', 'zh')).toBe('training data accuracy');
    expect(glossOtherLanguage('訓練集的準確率', 'zh')).toBe('training data accuracy');
    // 学习率 is the learning rate, not "training" + a leftover 率.
    expect(glossOtherLanguage('学习率太大', 'zh')).toBe('learning rate');
  });

  it('reads counts of pictures, small counts in words and start values', () => {
    expect(glossOtherLanguage('训练集有 50000 张图片', 'zh')).toBe('training data 50000 images');
    expect(glossOtherLanguage('1000장의 이미지', 'ko')).toBe('1000 images');
    expect(glossOtherLanguage('更新两步之后', 'zh')).toBe('update 2 steps');
    // 每一步 is "each step", not a count of one.
    expect(glossOtherLanguage('每一步', 'zh')).not.toMatch(/\d/);
    expect(glossOtherLanguage('w 从 0 开始', 'zh')).toBe('w starts at 0');
  });

  it('leaves other languages and Japanese alone', () => {
    expect(glossOtherLanguage('训练', undefined)).toBe('训练');
    expect(glossOtherLanguage('Обучение модели', 'ru')).toBe('Обучение модели');
  });

  it('lets the calculators work on the asker\'s numbers', () => {
    const steps = computeFromQuestion(glossOtherLanguage('训练集有 50000 张图片，batch_size=100，epochs=10，一共会更新多少次权重？每个 epoch 有几个 step？', 'zh'), 'en');
    expect(steps.map((c) => c.text).join('\n')).toContain('50,000 / 100 (batch_size=100) → 500');
    const conv = computeFromQuestion(glossOtherLanguage('입력이 (64, 64, 3) 컬러 이미지이고 Conv2D(16, (5,5)) 를 쓰면 출력 shape 랑 파라미터 수가 어떻게 되나요?', 'ko'), 'en');
    expect(conv.map((c) => c.text).join('\n')).toContain('output (60, 60, 16)');
  });
});
