/**
 * Entry-classifier benchmark (`npm run bench -- classifier`). A copy of the
 * knowledge base with each entry's last listed question removed is indexed
 * (the classifier trained on what remains), and the removed questions are
 * asked: a paraphrase test of the knowledge base's own making. Prints, for
 * retrieval without the classifier and with it (the weights in
 * `FUSION.learned` / `FUSION.learnedTopic`), how often the question's own
 * entry is chosen and how often its topic wins; then the classifier alone, its
 * training time and the size of its file.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectEntries } from '../../src/qa/answer.ts';
import { classify, trainClassifier } from '../../src/qa/classifier.ts';
import { loadConfig } from '../../src/config.ts';
import { openIndex } from '../../src/qa/index-store.ts';
import { FUSION, retrieve } from '../../src/qa/retrieve.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Held {
  id: string;
  lang: 'ja' | 'en';
  question: string;
}

/** Copies knowledge/ and takes each entry's last listed question out (entries with at least two). */
function holdOut(dir: string): Held[] {
  cpSync(join(REPO, 'knowledge'), dir, { recursive: true });
  const held: Held[] = [];
  for (const lang of ['ja', 'en'] as const) {
    for (const f of readdirSync(join(dir, lang)).sort()) {
      const file = join(dir, lang, f);
      const text = readFileSync(file, 'utf8');
      const block = /^questions:\n((?: {2}- .*\n)+)/m.exec(text);
      const id = /^id: (.*)$/m.exec(text)?.[1].trim();
      if (!block || !id) continue;
      const lines = block[1].split('\n').filter(Boolean);
      if (lines.length < 2) continue;
      let last = lines[lines.length - 1].slice(4).trim();
      if (/^(['"]).*\1$/.test(last)) last = last.slice(1, -1);
      writeFileSync(file, text.replace(block[1], lines.slice(0, -1).join('\n') + '\n'));
      held.push({ id, lang, question: last });
    }
  }
  return held;
}

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'tasuke-bench-classifier-'));
  try {
    const held = holdOut(join(root, 'knowledge'));
    const config = loadConfig({ TASUKE_KNOWLEDGE_DIR: join(root, 'knowledge'), TASUKE_DATA_DIR: join(root, 'data') });
    const index = await openIndex(config);
    const byId = new Map(index.entries.map((e) => [e.id, e]));
    const weights = { learned: FUSION.learned, learnedTopic: FUSION.learnedTopic };
    console.log(`${held.length} held-out listed questions (ja ${held.filter((h) => h.lang === 'ja').length}, en ${held.filter((h) => h.lang === 'en').length}) over ${index.entries.length} entries`);
    for (const [label, w] of [
      ['retrieval without the classifier', { learned: 0, learnedTopic: 0 }],
      [`with it (learned ${weights.learned}, learnedTopic ${weights.learnedTopic})`, weights],
    ] as const) {
      Object.assign(FUSION, w);
      let entry = 0;
      let topic = 0;
      for (const h of held) {
        const sel = selectEntries(await retrieve(index, h.question), h.lang);
        if (sel?.primary.entry.id === h.id) entry++;
        if (sel && byId.get(h.id)?.topics.includes(sel.topic)) topic++;
      }
      const pc = (n: number) => `${((100 * n) / held.length).toFixed(1)}%`;
      console.log(`  ${label.padEnd(48)} own entry ${entry} (${pc(entry)}), own topic ${topic} (${pc(topic)})`);
    }
    Object.assign(FUSION, weights);
    const started = performance.now();
    const model = trainClassifier(index.entries, index.glossary);
    const trainMs = performance.now() - started;
    let alone = 0;
    for (const h of held) {
      const p = classify(model, h.question, index.glossary);
      let best = 0;
      for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
      if (index.entries[best].id === h.id) alone++;
    }
    const size = statSync(join(root, 'data', 'index', 'classifier.bin')).size;
    console.log(`  the classifier alone: own entry ${alone} (${((100 * alone) / held.length).toFixed(1)}%)`);
    console.log(`  training ${(trainMs / 1000).toFixed(1)} s on ${index.entries.length} entries; classifier.bin ${(size / 1024 / 1024).toFixed(1)} MB; index build ${(index.manifest.buildMs / 1000).toFixed(1)} s in all`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
