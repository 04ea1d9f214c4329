import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createAssistant } from '../../src/qa/assistant.ts';
import { evaluate, readEvalSet } from '../../scripts/eval.ts';
import { REPO, tempDir } from './helpers.ts';

const QUESTIONS = join(REPO, 'tests/fixtures/questions.jsonl');

describe('the eval set over the real knowledge base (acceptance targets)', () => {
  it.skipIf(!existsSync(QUESTIONS))('meets the targets of the issue', async () => {
    const config = loadConfig({ TASUKE_KNOWLEDGE_DIR: join(REPO, 'knowledge'), TASUKE_DATA_DIR: tempDir() }, {}, tempDir());
    const r = await evaluate(readEvalSet(QUESTIONS), createAssistant({ config, llm: null }));
    const acc = (l: 'ja' | 'en') => r.topicAccuracy[l].correct / Math.max(1, r.topicAccuracy[l].total);
    expect(acc('ja')).toBeGreaterThanOrEqual(0.9);
    expect(acc('en')).toBeGreaterThanOrEqual(0.9);
    expect(r.hostile.ok).toBe(r.hostile.total);
    expect(r.oos.ok / Math.max(1, r.oos.total)).toBeGreaterThanOrEqual(0.9);
    expect(r.highConfidenceWrong.map((x) => x.item.id)).toEqual([]);
    expect(r.assessment.ok).toBe(r.assessment.total);
  });
});
