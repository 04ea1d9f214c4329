/**
 * The persisted index under `<dataDir>/index/`: the entries, the chunks'
 * vectors in an HNSW index (LangChain's HNSWLib vector store), the lexical
 * BM25 index and a manifest holding the content hash (knowledge files,
 * glossary, the analysis code and the embeddings in use). `openIndex` loads it
 * and rebuilds it by itself when the hash no longer matches.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { Config } from '../config.ts';
import { ConfigError } from '../core/errors.ts';
import { buildIdf, DEFAULT_DIMENSIONS, HashingEmbeddings, RemoteEmbeddings, type IdfTable } from './embeddings.ts';
import { createGlossary, loadGlossary, type Concept, type Glossary } from './glossary.ts';
import { loadKnowledge, readKnowledgeFiles, type KnowledgeEntry } from './knowledge.ts';
import { buildLexical, LexicalIndex, type LexicalData } from './lexical.ts';
import { deserializeEnsemble, serializeEnsemble, trainEnsemble, type EntryClassifier } from './classifier.ts';

/** Bump when the on-disk layout changes. The analysis code is hashed as well. */
export const INDEX_FORMAT = 'tasuke-qa-index/2';
const CODE_FILES = ['text.ts', 'glossary.ts', 'embeddings.ts', 'lexical.ts', 'classifier.ts', 'index-store.ts'];
const BODY_CHUNK_CHARS = 480;

export type ChunkKind = 'title' | 'question' | 'body';

export interface ChunkMeta {
  /** Index into entries. */
  e: number;
  k: ChunkKind;
}

export interface Manifest {
  format: string;
  hash: string;
  builtAt: string;
  entries: number;
  chunks: number;
  dimensions: number;
  embeddings: string;
  buildMs: number;
}

/** Nearest-neighbour search over the chunk vectors (cosine distance: lower is closer). */
export interface DenseIndex {
  count(): number;
  search(vector: number[], k: number): Promise<{ meta: ChunkMeta; distance: number }[]>;
}

export interface QaIndex {
  entries: KnowledgeEntry[];
  glossary: Glossary;
  embeddings: EmbeddingsInterface;
  dense: DenseIndex;
  /** The LangChain vector store, when the index was built in this process. */
  store?: HNSWLib;
  lexical: LexicalIndex;
  /** The entry classifiers trained on the knowledge itself, from different seeds (`classifier.ts`); absent in hand-made test indexes. */
  classifier?: EntryClassifier[];
  manifest: Manifest;
  /** True when this open had to (re)build the index. */
  rebuilt: boolean;
}

export interface IndexPaths {
  knowledgeDir: string;
  glossaryFile: string;
  indexDir: string;
}

export function indexPaths(config: Pick<Config, 'dataDir' | 'knowledgeDir'>): IndexPaths {
  return {
    knowledgeDir: config.knowledgeDir,
    glossaryFile: join(config.knowledgeDir, 'glossary.yaml'),
    indexDir: join(config.dataDir, 'index'),
  };
}

function embeddingsId(config: Pick<Config, 'qa'>): string {
  const e = config.qa.embeddings;
  return e ? `remote:${e.baseUrl}#${e.model}` : `hashing:${DEFAULT_DIMENSIONS}`;
}

let codeHashCache: string | undefined;
function codeHash(): string {
  if (codeHashCache) return codeHashCache;
  const dir = dirname(fileURLToPath(import.meta.url));
  const h = createHash('sha256').update(INDEX_FORMAT);
  for (const f of CODE_FILES) {
    const p = join(dir, f);
    h.update(f).update(existsSync(p) ? readFileSync(p) : '');
  }
  codeHashCache = h.digest('hex');
  return codeHashCache;
}

/** Hash of everything the index is derived from. */
export function contentHash(files: { file: string; content: string }[], glossaryText: string, embeddings: string): string {
  const h = createHash('sha256').update(codeHash()).update(embeddings).update(glossaryText);
  for (const { file, content } of [...files].sort((a, b) => a.file.localeCompare(b.file))) {
    h.update(`\0${file}\0`).update(content);
  }
  return h.digest('hex');
}

/** The chunks of an entry: its title, each way of asking it, and its body in pieces (prefixed by the title). */
export function chunkEntry(entry: KnowledgeEntry): { text: string; kind: ChunkKind }[] {
  const out: { text: string; kind: ChunkKind }[] = [{ text: entry.title, kind: 'title' }];
  for (const q of entry.questions) out.push({ text: q, kind: 'question' });
  const paragraphs = entry.body.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  let cur = '';
  const flush = () => {
    if (cur) out.push({ text: `${entry.title}\n${cur}`, kind: 'body' });
    cur = '';
  };
  for (const p of paragraphs) {
    if (cur && cur.length + p.length > BODY_CHUNK_CHARS) flush();
    if (p.length > BODY_CHUNK_CHARS * 1.5) {
      // A very long paragraph is cut at sentence ends.
      for (const s of p.split(/(?<=[。．！？])\s*|(?<=[.!?])\s+/)) {
        if (cur && cur.length + s.length > BODY_CHUNK_CHARS) flush();
        cur += (cur ? ' ' : '') + s;
      }
    } else cur += (cur ? '\n' : '') + p;
  }
  flush();
  return out;
}

/** All text of an entry, for document frequencies. */
export function entryText(e: KnowledgeEntry): string {
  return [e.title, ...e.questions, e.body].join('\n');
}

function makeEmbeddings(config: Pick<Config, 'qa'>, glossary: Glossary, idf: IdfTable): EmbeddingsInterface {
  const e = config.qa.embeddings;
  if (e) return new RemoteEmbeddings({ baseUrl: e.baseUrl, model: e.model, apiKey: e.apiKey });
  return new HashingEmbeddings({ glossary, idf });
}

async function loadHnswModule(): Promise<typeof import('@langchain/community/vectorstores/hnswlib')> {
  return import('@langchain/community/vectorstores/hnswlib');
}

/** Searches through LangChain's HNSWLib vector store. */
export function hnswDense(store: HNSWLib): DenseIndex {
  return {
    count: () => store.index.getCurrentCount(),
    async search(vector, k) {
      const hits = await store.similaritySearchVectorWithScore(vector, Math.min(k, store.index.getCurrentCount()));
      return hits.map(([doc, distance]) => ({ meta: doc.metadata as ChunkMeta, distance }));
    },
  };
}

/**
 * Opens a saved HNSWLib directory (hnswlib.index, args.json, docstore.json)
 * with hnswlib-node directly. Answering a question only needs the graph and the
 * chunk metadata, and this keeps LangChain's vector-store modules (a few
 * hundred milliseconds to import) off the start-up path of `tasuke ask`.
 */
export async function loadDenseFromDisk(dir: string): Promise<DenseIndex> {
  const args = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')) as { space: 'cosine'; numDimensions: number };
  const docs = JSON.parse(readFileSync(join(dir, 'docstore.json'), 'utf8')) as [string, { metadata: ChunkMeta }][];
  const metas = new Map<number, ChunkMeta>();
  for (const [label, doc] of docs) metas.set(Number(label), doc.metadata);
  const { default: hnswlib } = await import('hnswlib-node');
  const index = new hnswlib.HierarchicalNSW(args.space, args.numDimensions);
  await index.readIndex(join(dir, 'hnswlib.index'));
  return {
    count: () => index.getCurrentCount(),
    async search(vector, k) {
      if (vector.length !== args.numDimensions) {
        throw new Error(`Query vector must have the same length as the number of dimensions (${args.numDimensions})`);
      }
      const r = index.searchKnn(vector, Math.min(k, index.getCurrentCount()));
      return r.neighbors.map((label, i) => ({ meta: metas.get(label)!, distance: r.distances[i] }));
    },
  };
}

function readSources(paths: IndexPaths) {
  if (!existsSync(paths.glossaryFile)) {
    throw new ConfigError(`The glossary ${paths.glossaryFile} is missing.`);
  }
  const glossaryText = readFileSync(paths.glossaryFile, 'utf8');
  // Report the glossary's and the entries' problems together, not one after the other.
  let glossary: Glossary | undefined;
  let glossaryError: ConfigError | undefined;
  try {
    glossary = loadGlossary(paths.glossaryFile);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    glossaryError = err;
  }
  const knowledge = loadKnowledge(paths.knowledgeDir);
  if (glossaryError || knowledge.problems.length) {
    const parts = [glossaryError?.message, knowledge.problems.length ? `The knowledge base has ${knowledge.problems.length} problem(s):\n  ${knowledge.problems.join('\n  ')}` : ''];
    throw new ConfigError(parts.filter(Boolean).join('\n'));
  }
  return { glossaryText, glossary: glossary!, knowledge };
}

/** hnswlib's construction-time breadth (its default is 200). */
const HNSW_EF_CONSTRUCTION = 100;

/** Builds the index from the knowledge directory and writes it to `<dataDir>/index/`. */
export async function buildIndex(config: Pick<Config, 'dataDir' | 'knowledgeDir' | 'qa'>): Promise<QaIndex> {
  const started = performance.now();
  const paths = indexPaths(config);
  const { glossaryText, glossary, knowledge } = readSources(paths);
  const entries = knowledge.entries;
  if (entries.length === 0) throw new ConfigError(`No knowledge entries found in ${paths.knowledgeDir}.`);
  const hash = contentHash(knowledge.files, glossaryText, embeddingsId(config));

  const idf = buildIdf(entries.map(entryText), glossary);
  const embeddings = makeEmbeddings(config, glossary, idf);
  const texts: string[] = [];
  const metas: ChunkMeta[] = [];
  entries.forEach((entry, e) => {
    for (const c of chunkEntry(entry)) {
      texts.push(c.text);
      metas.push({ e, k: c.kind });
    }
  });
  const vectors = await embeddings.embedDocuments(texts);
  const { HNSWLib } = await loadHnswModule();
  const { Document } = await import('@langchain/core/documents');
  const dims = vectors[0]?.length ?? DEFAULT_DIMENSIONS;
  // A graph of about ten thousand chunks needs no more than efConstruction 100
  // (hnswlib's default is 200): twice as fast to build, so that approving a
  // TA's answer re-indexes quickly, with the same neighbours for retrieval's top 40.
  const { default: hnswlib } = await import('hnswlib-node');
  const graph = new hnswlib.HierarchicalNSW('cosine', dims);
  graph.initIndex(Math.max(texts.length, 1), 16, HNSW_EF_CONSTRUCTION);
  const store = new HNSWLib(embeddings, { space: 'cosine', numDimensions: dims, index: graph });
  await store.addVectors(
    vectors,
    texts.map((t, i) => new Document({ pageContent: t, metadata: metas[i] })),
  );
  const lexData = buildLexical(
    entries.map((en) => ({
      fields: [
        [en.title, 2],
        [en.questions.join('\n'), 2],
        [en.body, 1],
      ],
    })),
    glossary,
  );
  const classifier = trainEnsemble(entries, glossary);

  const manifest: Manifest = {
    format: INDEX_FORMAT,
    hash,
    builtAt: new Date().toISOString(),
    entries: entries.length,
    chunks: texts.length,
    dimensions: dims,
    embeddings: embeddingsId(config),
    buildMs: 0,
  };
  // Write into a fresh folder, then swap, so a reader never sees half an index.
  const tmp = `${paths.indexDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await store.save(join(tmp, 'hnsw'));
  writeFileSync(join(tmp, 'entries.json'), JSON.stringify(entries));
  writeFileSync(join(tmp, 'lexical.json'), JSON.stringify(lexData));
  writeFileSync(join(tmp, 'idf.json'), JSON.stringify(idf));
  writeFileSync(join(tmp, 'glossary.json'), JSON.stringify(glossary.concepts));
  writeFileSync(join(tmp, 'classifier.bin'), serializeEnsemble(classifier));
  manifest.buildMs = Math.round(performance.now() - started);
  writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2));
  rmSync(paths.indexDir, { recursive: true, force: true });
  mkdirSync(dirname(paths.indexDir), { recursive: true });
  try {
    renameSync(tmp, paths.indexDir);
  } catch (err) {
    // Another process (the bot and a terminal, say) finished the same rebuild first.
    rmSync(tmp, { recursive: true, force: true });
    if (readManifest(paths.indexDir)?.hash !== hash) throw err;
  }

  return {
    entries,
    glossary,
    embeddings,
    dense: hnswDense(store),
    store,
    lexical: new LexicalIndex(lexData),
    classifier,
    manifest,
    rebuilt: true,
  };
}

/** Reads the manifest, or undefined when there is no (readable) index. */
export function readManifest(indexDir: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(join(indexDir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/**
 * Opens the persisted index, rebuilding it first when it is missing, unreadable
 * or built from other content (knowledge, glossary, code or embeddings). The
 * check hashes the raw files; entries are parsed and validated only on a rebuild.
 */
export async function openIndex(config: Pick<Config, 'dataDir' | 'knowledgeDir' | 'qa'>): Promise<QaIndex> {
  const paths = indexPaths(config);
  if (!existsSync(paths.glossaryFile)) throw new ConfigError(`The glossary ${paths.glossaryFile} is missing.`);
  const glossaryText = readFileSync(paths.glossaryFile, 'utf8');
  const hash = contentHash(readKnowledgeFiles(paths.knowledgeDir), glossaryText, embeddingsId(config));
  const manifest = readManifest(paths.indexDir);
  if (!manifest || manifest.hash !== hash || manifest.format !== INDEX_FORMAT) return buildIndex(config);
  try {
    const read = (f: string) => JSON.parse(readFileSync(join(paths.indexDir, f), 'utf8')) as unknown;
    const entries = read('entries.json') as KnowledgeEntry[];
    const lexData = read('lexical.json') as LexicalData;
    const idf = read('idf.json') as IdfTable;
    const glossary = createGlossary(read('glossary.json') as Concept[]);
    const embeddings = makeEmbeddings(config, glossary, idf);
    const dense = await loadDenseFromDisk(join(paths.indexDir, 'hnsw'));
    if (dense.count() !== manifest.chunks) throw new Error('chunk count differs from the manifest');
    const classifier = deserializeEnsemble(readFileSync(join(paths.indexDir, 'classifier.bin')));
    if (classifier.some((m) => m.output.length !== entries.length * m.dims)) throw new Error('classifier entry count differs');
    return { entries, glossary, embeddings, dense, lexical: new LexicalIndex(lexData), classifier, manifest, rebuilt: false };
  } catch {
    // A damaged index is rebuilt rather than reported: it is derived data.
    return buildIndex(config);
  }
}
