/**
 * Records the assistant's current answers to a question set, one line per
 * question: {id, contract, ms}. Used for the blind sets' baselines, so a later
 * change can be compared with what the assistant said when a set was first
 * measured. No LLM is used (the composed answers), whatever the config says.
 *
 *   npx tsx scripts/eval/record-answers.ts IN.jsonl OUT.jsonl
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { createAssistant } from '../../src/qa/assistant.ts';
import { readJsonl } from './sets.ts';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: tsx scripts/eval/record-answers.ts IN.jsonl OUT.jsonl');
  process.exit(2);
}
// The repo's knowledge/ and a fresh data dir: the index is built from scratch.
const config = loadConfig({ TASUKE_DATA_DIR: mkdtempSync(join(tmpdir(), 'tasuke-record-')) });
const assistant = createAssistant({ config, llm: null });
await assistant.ready();
const lines: string[] = [];
for (const item of readJsonl<{ id: string; question: string }>(input)) {
  const t0 = performance.now();
  const contract = await assistant.ask(item.question);
  lines.push(JSON.stringify({ id: item.id, contract, ms: Math.round((performance.now() - t0) * 10) / 10 }));
}
writeFileSync(output, lines.join('\n') + '\n');
console.log(`${lines.length} answers written to ${output}`);
