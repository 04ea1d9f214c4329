import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createAssistant, type Assistant } from '../../src/qa/assistant.ts';
import { REPO, tempDir } from './helpers.ts';

/**
 * A held-out set of beginner questions (not the eval set, not copied from the
 * entries' `questions`), each with the entry that answers it best. It checks
 * the choice of entry inside the right topic, not only the topic.
 */
interface Item {
  lang: 'ja' | 'en';
  expect: string;
  question: string;
}

const ITEMS: Item[] = readFileSync(join(REPO, 'tests/qa/fixtures/entry-choice.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Item);

describe('entry choice over the real knowledge base', () => {
  let assistant: Assistant;
  beforeAll(async () => {
    const config = loadConfig({ TASUKE_KNOWLEDGE_DIR: join(REPO, 'knowledge'), TASUKE_DATA_DIR: tempDir() }, {}, tempDir());
    assistant = createAssistant({ config, llm: null });
    await assistant.ready();
  });

  it('has enough held-out questions in both languages, each naming an existing entry', async () => {
    const index = await assistant.ready();
    const ids = new Set(index.entries.map((e) => e.id));
    expect(ITEMS.filter((i) => i.lang === 'ja').length).toBeGreaterThanOrEqual(10);
    expect(ITEMS.filter((i) => i.lang === 'en').length).toBeGreaterThanOrEqual(10);
    expect(ITEMS.filter((i) => !ids.has(i.expect)).map((i) => i.expect)).toEqual([]);
  });

  it('answers at least 85% of them from the expected entry', async () => {
    const misses: string[] = [];
    for (const item of ITEMS) {
      const c = await assistant.ask(item.question);
      if (c.action !== 'answer' || c.sources[0]?.id !== item.expect) {
        misses.push(`${item.expect} <- ${c.action} ${c.sources[0]?.id ?? '-'} (${c.confidence}): ${item.question}`);
      }
    }
    const rate = (ITEMS.length - misses.length) / ITEMS.length;
    console.log(`entry choice: ${(rate * 100).toFixed(1)}% (${ITEMS.length - misses.length}/${ITEMS.length})\n  ${misses.join('\n  ')}`);
    expect(rate).toBeGreaterThanOrEqual(0.85);
  });

  it('answers a definition question from the entry written to define its subject', async () => {
    // "words" once pulled this to the NLP entries; the Embedding-gradient entry won "what's a gradient?".
    expect((await assistant.ask("what's a gradient, in plain words?")).sources[0].id).toBe('gradient-descent-what-is-gradient-en');
    expect((await assistant.ask('勾配ってなに')).sources[0].id).toBe('gradient-descent-what-is-gradient-ja');
    // Defined together with mini-batches in one title.
    expect((await assistant.ask('バッチサイズとは何ですか')).sources[0].id).toBe('batch-size-what-is-ja');
  });

  it('prefers the entry listing (nearly) the asked question, and trusts such a match more', async () => {
    const { contract, trace } = await assistant.askTraced('why convert labels to one hot? they were numbers already');
    expect(trace.topic).toBe('one-hot-encoding');
    expect(contract.sources[0].id).toBe('one-hot-why-convert-labels-en');
    // 0.695 before a listed question counted for the retrieval's confidence; the one shown is calibrated.
    expect(trace.raw).toBeGreaterThan(0.75);
    // Calibrated on first blind measurements, whose best answers were right about 70% of the time.
    expect(contract.confidence).toBeGreaterThan(0.5);
    const ja = await assistant.ask('ラベルはもともと数字だったのに、なぜ変換するの？');
    expect(ja.sources[0].id).toBe('one-hot-why-convert-labels-ja');
  });

  it('declines the final exercise\'s solution when no concept is named, gives the concept\'s hint when one is', async () => {
    for (const [q, lang] of [
      ['最終課題の答えのコード全部ください', 'ja'],
      ['最終課題のモデルのところの正解を教えてください', 'ja'],
      ['最後のアセスメントの正解コード教えて。丸ごとコピペできる形で', 'ja'],
      ['give me the full solution code for the final assessment', 'en'],
      ['final project answers please, all of them', 'en'],
      ["just give me the assessment solution code, I'm running out of time", 'en'],
    ] as const) {
      const { contract, trace } = await assistant.askTraced(q);
      expect(trace.reason, q).toBe('assessment-solution');
      expect(contract, q).toMatchObject({ action: 'refuse', lang, sources: [], lesson: null });
      expect(contract.answer, q).toMatch(lang === 'ja' ? /お伝えできません.*どのステップ.*ノートブック/s : /can’t give you its solution.*which step or concept.*notebook/s);
    }
    // Stuck, without asking for the solution: a generic hint, answered.
    const stuck = await assistant.askTraced("I'm stuck on the final assessment, how should I build the model?");
    expect(stuck.trace.reason).toBe('assessment-hint');
    expect(stuck.contract.action).toBe('answer');
    const ja = await assistant.askTraced('最終課題のデータ拡張の部分の答えを教えて');
    expect(ja.trace.reason).toBe('assessment-hint');
    // One source: a Japanese entry about data augmentation (what it is, or what and why).
    expect(ja.contract.sources).toHaveLength(1);
    expect(ja.contract.sources[0].id).toMatch(/^data-augmentation-what-.*-ja$/);
    expect(ja.contract.sources[0].topics).toContain('data-augmentation');
    expect(ja.contract.answer).toContain('ヒント：');
    expect(ja.contract.answer).toContain('答えやコードそのものはお伝えできません');
    const en = await assistant.askTraced('final assessment: what is the answer for the data augmentation part?');
    expect(en.contract.lang).toBe('en');
    expect(en.contract.sources[0].topics).toContain('data-augmentation');
    expect(en.contract.answer).toContain('Hint:');
  });

  it('hands over a question about something no entry mentions, however sure the entry classifier is of a neighbour', async () => {
    // "curve" alone pulls the loss-curve entries; ROC is in no entry.
    for (const q of ['What is a ROC curve?', 'ROC 曲線って何ですか？']) {
      const { contract, trace } = await assistant.askTraced(q);
      expect(contract.action, q).toBe('escalate');
      // Handed over either as off-question (no passage covers it) or, before that check, as low-confidence.
      expect(trace.coverage ?? 0, q).toBe(0);
      expect(['off-question', 'low-confidence'], q).toContain(trace.reason);
    }
  });
});

