import { beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_KEYS, MAX_ANSWER_CHARS, type AnswerContract } from '../../src/qa/answer.ts';
import { createAssistant, type Assistant } from '../../src/qa/assistant.ts';
import { miniConfig } from './helpers.ts';

/** The contract, exactly: the keys in order, and the type of each value. */
function expectContract(c: AnswerContract, question: string): void {
  expect(Object.keys(c)).toEqual([...CONTRACT_KEYS]);
  expect(c.question).toBe(question);
  expect(['ja', 'en']).toContain(c.lang);
  expect(['answer', 'escalate', 'refuse']).toContain(c.action);
  expect(typeof c.answer).toBe('string');
  expect(c.answer.length).toBeGreaterThan(0);
  expect(c.answer.length).toBeLessThan(MAX_ANSWER_CHARS);
  expect(c.confidence).toBeGreaterThanOrEqual(0);
  expect(c.confidence).toBeLessThanOrEqual(1);
  expect(Array.isArray(c.sources)).toBe(true);
  for (const s of c.sources) expect(Object.keys(s)).toEqual(['id', 'title', 'topics', 'score']);
  if (c.action !== 'answer') expect(c.sources).toEqual([]);
  if (c.lesson !== null) expect(c.lesson).toEqual({ id: expect.any(String) });
  expect(JSON.parse(JSON.stringify(c))).toEqual(c);
}

describe('robustness: odd input keeps the contract exact', () => {
  let assistant: Assistant;
  beforeAll(async () => {
    assistant = createAssistant({ config: miniConfig(), llm: null });
    await assistant.ready();
  });

  it('a 5,000-character traceback pasted between Japanese sentences', async () => {
    const frames = Array.from(
      { length: 45 },
      (_, i) => `  File "/opt/conda/lib/python3.10/site-packages/keras/src/utils/traceback_utils.py", line ${60 + i}, in error_handler\n    return fn(*args, **kwargs)`,
    ).join('\n');
    const q = `学習率を 10 にしてから loss が nan になりました。以下がエラーです。\nTraceback (most recent call last):\n${frames}\nFloatingPointError: loss became nan at step 12\nどうすればいいですか？`;
    expect(q.length).toBeGreaterThan(5000);
    const { contract, trace } = await assistant.askTraced(q);
    expectContract(contract, q);
    expect(contract.lang).toBe('ja');
    expect(trace.focus.length).toBeLessThanOrEqual(1200);
    expect(trace.focus).toContain('学習率を 10 にしてから');
    expect(contract.action).toBe('answer');
    expect(contract.sources[0].topics).toContain('learning-rate');
  });

  it('a question that is only code', async () => {
    for (const q of [
      'model.fit(x_train, y_train, epochs=5, batch_size=32)',
      'y_train = keras.utils.to_categorical(y_train, 10)\nmodel.compile(loss="categorical_crossentropy")',
      '{}()[];=+-*/',
      'import tensorflow as tf\n' + 'x = tf.zeros((1, 2))\n'.repeat(200),
    ]) {
      const c = await assistant.ask(q);
      expectContract(c, q);
    }
  });

  it('full-width letters, digits and punctuation read like their ASCII forms', async () => {
    const q = 'ＥＰＯＣＨＳ＝５って何ですか？　エポックの意味を教えて';
    const c = await assistant.ask(q);
    expectContract(c, q);
    expect(c).toMatchObject({ lang: 'ja', action: 'answer' });
    expect(c.sources[0].id).toBe('epochs-what-ja');
    const mixed = 'ｗｈａｔ ｉｓ ａｎ ｅｐｏｃｈ？';
    const m = await assistant.ask(mixed);
    expectContract(m, mixed);
    expect(m.sources[0]?.topics).toContain('epochs');
  });

  it('an English question whose only entry is Japanese: answered in Japanese text, saying so in English', async () => {
    const q = 'How do I make every run give the same result? Do I need to fix the random seed?';
    const c = await assistant.ask(q);
    expectContract(c, q);
    expect(c).toMatchObject({ lang: 'en', action: 'answer' });
    expect(c.sources[0].id).toBe('reproducibility-seed-ja');
    expect(c.answer).toMatch(/only covered in Japanese/);
  });

  it('a Chinese question is answered in English from English entries, its own numbers worked', async () => {
    const c = await assistant.ask('请问 epochs=5 是什么意思？为什么要训练好几个 epoch？');
    expect(c.lang).toBe('en');
    if (c.action === 'answer') expect(c.sources[0].id).toMatch(/-en$/);
    const f = await assistant.ask('损失函数 L = (w − 2)²，w 从 0 开始，学习率 0.25。用梯度下降更新两步之后 w 是多少？');
    expect(f).toMatchObject({ lang: 'en', action: 'answer' });
    expect(f.answer).toContain('After 2 steps: w = 1.5.');
  });

  it('a Korean question is read by its course words: answered in English, not handed over for want of words', async () => {
    const c = await assistant.ask('배치 크기를 32에서 256으로 바꾸면 한 에포크에 스텝이 몇 개가 되나요? 훈련 데이터는 60000개예요.');
    expect(c).toMatchObject({ lang: 'en', action: 'answer' });
    expect(c.answer).toMatch(/^\(Your question seems to be written in Korean/);
    expect(c.answer).toContain('235');
  });

  it('non-string and control-character input does not throw', async () => {
    for (const q of ['\u0000\u0001\u0002', '\t\n\r', 'エポック\u200bとは\ufeff？', '🧠'.repeat(3000)]) {
      const c = await assistant.ask(q);
      expectContract(c, q);
    }
    const odd = await assistant.ask(undefined as unknown as string);
    expect(Object.keys(odd)).toEqual([...CONTRACT_KEYS]);
    expect(odd.action).toBe('refuse');
  });
});
