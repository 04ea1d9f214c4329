/**
 * Question-answering benchmark (`npm run bench -- qa`). Prints:
 * - index build time over the real knowledge base,
 * - warm answer latency p50/p99 over the eval questions,
 * - `tasuke ask` cold start (a fresh `node bin/tasuke.js ask --json` with the index built) and its peak RSS,
 * - the RSS of this process with the index loaded,
 * - what the LangChain modules cost to import,
 * - latency p50/p99 on a synthetic 100,000-chunk index (cached under <dataDir>/bench/ after the first build).
 * Targets (from the issue): warm p99 < 30 ms, cold ask < 2 s, RSS < 300 MB, p99 < 50 ms at 100,000 chunks.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config.ts';
import { createAssistant } from '../../src/qa/assistant.ts';
import { buildIndex, chunkEntry, hnswDense, type ChunkMeta, type QaIndex } from '../../src/qa/index-store.ts';
import type { KnowledgeEntry } from '../../src/qa/knowledge.ts';
import { buildLexicalFromTerms, documentTerms, LexicalIndex, type LexicalData } from '../../src/qa/lexical.ts';
import { retrieve } from '../../src/qa/retrieve.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const run$ = promisify(execFile);
const SYNTHETIC_CHUNKS = 100_000;
const SYNTHETIC_VERSION = 'qa-synthetic/1';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;

/** The development set and the blind batches: real questions, code pastes and logs included (the calculators run on them). */
function questions(): string[] {
  const files = [join(REPO, 'tests/fixtures/questions.jsonl')];
  const blind = join(REPO, 'tests/fixtures/blind');
  if (existsSync(blind)) for (const f of readdirSync(blind).sort()) if (/^batch-\d+\.jsonl$/.test(f)) files.push(join(blind, f));
  const qs = files
    .filter((f) => existsSync(f))
    .flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => (JSON.parse(l) as { question: string }).question),
    );
  return qs.length ? qs : ['エポックとは何ですか？', 'What is a learning rate?', 'なぜワンホットにするの', 'What does max pooling do?'];
}

async function importCost(mod: string): Promise<string> {
  const code = `const t=performance.now();await import(${JSON.stringify(mod)});console.log((performance.now()-t).toFixed(0))`;
  try {
    const { stdout } = await run$(process.execPath, ['--input-type=module', '-e', code], { cwd: REPO });
    return `${stdout.trim()} ms`;
  } catch {
    return 'n/a';
  }
}

/** A seeded PRNG so the synthetic index is the same on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds (or loads from its cache) an index of SYNTHETIC_CHUNKS chunks: the
 * real entries cloned many times, each clone's chunk vectors perturbed towards
 * another chunk and its lexical terms thinned and salted, so that the index has
 * the real vocabulary and topic structure at 100 times the size.
 */
async function syntheticIndex(real: QaIndex, cacheDir: string): Promise<{ index: QaIndex; buildMs: number; cached: boolean }> {
  const { HNSWLib } = await import('@langchain/community/vectorstores/hnswlib');
  const { SynchronousInMemoryDocstore } = await import('@langchain/community/stores/doc/in_memory');
  const { Document } = await import('@langchain/core/documents');
  const hnswlib = (await import('hnswlib-node')).default;
  const started = performance.now();
  const marker = join(cacheDir, 'version.json');
  const dims = real.manifest.dimensions;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === JSON.stringify({ v: SYNTHETIC_VERSION, hash: real.manifest.hash })) {
    const store = await HNSWLib.load(join(cacheDir, 'hnsw'), real.embeddings);
    const entries = JSON.parse(readFileSync(join(cacheDir, 'entries.json'), 'utf8')) as KnowledgeEntry[];
    const lex = JSON.parse(readFileSync(join(cacheDir, 'lexical.json'), 'utf8')) as LexicalData;
    return {
      index: { ...real, entries, store, dense: hnswDense(store), lexical: new LexicalIndex(lex), rebuilt: false },
      buildMs: performance.now() - started,
      cached: true,
    };
  }
  const rand = rng(42);
  const realChunks = real.entries.map((e) => chunkEntry(e));
  const realVectors = await Promise.all(realChunks.map((cs) => real.embeddings.embedDocuments(cs.map((c) => c.text))));
  const allVectors = realVectors.flat();
  const realTerms = real.entries.map((e) =>
    documentTerms({ fields: [[e.title, 2], [e.questions.join('\n'), 2], [e.body, 1]] }, real.glossary),
  );
  const vocab = [...new Set(realTerms.flatMap((m) => [...m.keys()]))];

  const hnsw = new hnswlib.HierarchicalNSW('cosine', dims);
  hnsw.initIndex(SYNTHETIC_CHUNKS, 16, 100, 42);
  const entries: KnowledgeEntry[] = [];
  const termMaps: Map<string, number>[] = [];
  const docs: Record<number, InstanceType<typeof Document>> = {};
  let label = 0;
  const v = new Array<number>(dims);
  for (let i = 0; label < SYNTHETIC_CHUNKS; i++) {
    const r = i % real.entries.length;
    const base = real.entries[r];
    entries.push({ ...base, id: `${base.id}-syn${i}`, file: `synthetic/${i}.md` });
    const tm = new Map<string, number>();
    for (const [t, f] of realTerms[r]) if (rand() > 0.3) tm.set(t, f);
    for (let k = 0; k < 5; k++) tm.set(vocab[Math.floor(rand() * vocab.length)], 1);
    termMaps.push(tm);
    realChunks[r].forEach((c, ci) => {
      if (label >= SYNTHETIC_CHUNKS) return;
      const own = realVectors[r][ci];
      const other = allVectors[Math.floor(rand() * allVectors.length)];
      let norm = 0;
      for (let j = 0; j < dims; j++) {
        v[j] = own[j] + 0.35 * other[j] + (rand() < 0.05 ? (rand() - 0.5) * 0.3 : 0);
        norm += v[j] * v[j];
      }
      norm = Math.sqrt(norm) || 1;
      for (let j = 0; j < dims; j++) v[j] /= norm;
      hnsw.addPoint(v, label);
      docs[label] = new Document({ pageContent: '', metadata: { e: entries.length - 1, k: c.kind } satisfies ChunkMeta });
      label++;
    });
    if (i % 2000 === 0 && i > 0) process.stdout.write(`  synthetic index: ${label} chunks…\n`);
  }
  const docstore = new SynchronousInMemoryDocstore();
  docstore.add(docs);
  const store = new HNSWLib(real.embeddings, { space: 'cosine', numDimensions: dims, index: hnsw, docstore });
  const lexData = buildLexicalFromTerms(termMaps);
  const buildMs = performance.now() - started;
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  await store.save(join(cacheDir, 'hnsw'));
  writeFileSync(join(cacheDir, 'entries.json'), JSON.stringify(entries));
  writeFileSync(join(cacheDir, 'lexical.json'), JSON.stringify(lexData));
  writeFileSync(marker, JSON.stringify({ v: SYNTHETIC_VERSION, hash: real.manifest.hash }));
  return { index: { ...real, entries, store, dense: hnswDense(store), lexical: new LexicalIndex(lexData), rebuilt: true }, buildMs, cached: false };
}

export async function run(): Promise<void> {
  const base = loadConfig();
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuke-bench-qa-'));
  const config = { ...base, dataDir };
  const qs = questions();

  // 1. Index build over the real knowledge base.
  const t0 = performance.now();
  const index = await buildIndex(config);
  console.log(
    `index build: ${ms(performance.now() - t0)} (${index.entries.length} entries, ${index.manifest.chunks} chunks, ${index.manifest.dimensions} dims)`,
  );

  // 2. Warm latency over the eval questions (one round to warm up, three measured).
  const assistant = createAssistant({ config, index, llm: null });
  for (const q of qs) await assistant.ask(q);
  const lat: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const q of qs) {
      const s = performance.now();
      await assistant.ask(q);
      lat.push(performance.now() - s);
    }
  }
  console.log(`warm ask latency over ${qs.length} questions (development set and blind batches) x3: p50 ${ms(pct(lat, 50))}, p99 ${ms(pct(lat, 99))}, max ${ms(Math.max(...lat))} (target p99 < 30 ms)`);
  console.log(`RSS with the index loaded: ${mb(process.memoryUsage().rss)} (target < 300 MB)`);

  // 3. Cold start of `tasuke ask` with the index already built.
  const env = { ...process.env, TASUKE_DATA_DIR: dataDir, TASUKE_KNOWLEDGE_DIR: config.knowledgeDir, LLM_BASE_URL: '', LLM_MODEL: '' };
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const cold: number[] = [];
  const coldRss: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    const args = ['bin/tasuke.js', 'ask', '--json', i % 2 ? 'What does max pooling do?' : 'エポックを増やすとなぜ精度が上がるの？'];
    const { stderr } = timeBin
      ? await run$(timeBin, ['-f', 'maxrss_kb=%M', process.execPath, ...args], { cwd: REPO, env })
      : await run$(process.execPath, args, { cwd: REPO, env });
    cold.push(performance.now() - s);
    const m = /maxrss_kb=(\d+)/.exec(stderr);
    if (m) coldRss.push(Number(m[1]) * 1024);
  }
  console.log(
    `tasuke ask cold start (node bin/tasuke.js ask --json, x5): median ${ms(pct(cold, 50))}, max ${ms(Math.max(...cold))} (target < 2 s)` +
      (coldRss.length ? `; peak RSS ${mb(Math.max(...coldRss))}` : ''),
  );

  // 4. What LangChain costs to import (each in a fresh process).
  for (const mod of ['@langchain/core/embeddings', '@langchain/community/vectorstores/hnswlib', '@langchain/openai']) {
    console.log(`import ${mod}: ${await importCost(mod)}`);
  }

  // 5. A synthetic 100,000-chunk index.
  const cacheDir = join(base.dataDir, 'bench', 'qa-100k');
  const syn = await syntheticIndex(index, cacheDir);
  console.log(
    `synthetic index: ${syn.index.entries.length} entries, ${syn.index.dense.count()} chunks, ` +
      `${syn.cached ? 'loaded from cache in' : 'built in'} ${ms(syn.buildMs)}`,
  );
  for (const q of qs.slice(0, 20)) await retrieve(syn.index, q);
  const big = createAssistant({ config, index: syn.index, llm: null });
  const latBig: number[] = [];
  for (let round = 0; round < 2; round++) {
    for (const q of qs) {
      const s = performance.now();
      await big.ask(q);
      latBig.push(performance.now() - s);
    }
  }
  console.log(`ask latency at ${SYNTHETIC_CHUNKS} chunks: p50 ${ms(pct(latBig, 50))}, p99 ${ms(pct(latBig, 99))} (target p99 < 50 ms)`);
  console.log(`RSS with the synthetic index loaded: ${mb(process.memoryUsage().rss)}`);
  rmSync(dataDir, { recursive: true, force: true });
}

const isMain = process.argv[1] && /scripts[\\/]bench[\\/]qa\.ts$/.test(process.argv[1]);
if (isMain) await run();
