/**
 * Embeddings computed by tasuke itself (no downloaded weights): feature
 * hashing of analysed words, kanji/katakana bigrams, English character
 * trigrams and glossary concept ids into a fixed number of dimensions,
 * weighted by inverse document frequency and L2-normalised. Because concept
 * ids are shared by both languages, a Japanese and an English text about the
 * same thing land near each other. Implements LangChain's `Embeddings`, so it
 * plugs into the HNSWLib vector store like any other model.
 *
 * `RemoteEmbeddings` is the optional alternative: an OpenAI-compatible
 * `/embeddings` endpoint (EMBEDDINGS_* settings), called with fetch.
 */
import { Embeddings } from '@langchain/core/embeddings';
import type { Glossary } from './glossary.ts';
import { analyze, charTrigrams, normalize } from './text.ts';

export const DEFAULT_DIMENSIONS = 384;

/** Relative weights of the feature kinds. */
const KIND_WEIGHT = { w: 1, b: 0.55, t: 0.25, c: 1.6 } as const;

/** A bag of prefixed features (`w:`, `b:`, `t:`, `c:`) with term counts. */
export function extractFeatures(text: string, glossary?: Glossary): Map<string, number> {
  const n = normalize(text);
  const a = analyze(n);
  const bag = new Map<string, number>();
  const add = (key: string) => bag.set(key, (bag.get(key) ?? 0) + 1);
  for (const w of a.words) {
    add(`w:${w}`);
    for (const g of charTrigrams(w)) add(`t:${g}`);
  }
  for (const b of a.bigrams) add(`b:${b}`);
  if (glossary) for (const c of glossary.matchAnalyzed(n, a.sequence, a.bounds)) add(`c:${c}`);
  return bag;
}

/** FNV-1a, 32 bit. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Document frequencies of features, to weight rare features higher. */
export interface IdfTable {
  docs: number;
  df: Record<string, number>;
}

export function buildIdf(texts: string[], glossary?: Glossary): IdfTable {
  const df: Record<string, number> = {};
  for (const t of texts) for (const k of extractFeatures(t, glossary).keys()) df[k] = (df[k] ?? 0) + 1;
  return { docs: texts.length, df };
}

export interface HashingEmbeddingsOptions {
  dimensions?: number;
  glossary?: Glossary;
  idf?: IdfTable;
}

export class HashingEmbeddings extends Embeddings {
  readonly dimensions: number;
  private readonly glossary?: Glossary;
  private readonly idf?: IdfTable;
  private readonly maxIdf: number;

  constructor(opts: HashingEmbeddingsOptions = {}) {
    super({});
    const dims = opts.dimensions ?? DEFAULT_DIMENSIONS;
    if (!Number.isInteger(dims) || dims < 16 || dims > 8192) {
      throw new RangeError(`HashingEmbeddings: dimensions must be an integer in 16..8192 (got ${dims})`);
    }
    this.dimensions = dims;
    this.glossary = opts.glossary;
    this.idf = opts.idf;
    this.maxIdf = opts.idf ? Math.log(1 + opts.idf.docs) : 1;
  }

  private weight(feature: string): number {
    if (!this.idf) return 1;
    const df = this.idf.df[feature];
    return df ? Math.log(1 + this.idf.docs / df) : this.maxIdf;
  }

  /** Synchronous embedding of one text (the async methods wrap it). */
  embed(text: string): number[] {
    const v = new Float64Array(this.dimensions);
    // Features the indexed texts never contain can only meet them through hash
    // collisions: they count towards the length of the vector (so a question
    // full of unknown words is far from everything) but fill no dimension.
    let unseen = 0;
    for (const [key, count] of extractFeatures(text, this.glossary)) {
      const kind = key[0] as keyof typeof KIND_WEIGHT;
      const w = KIND_WEIGHT[kind] * (1 + Math.log(count)) * this.weight(key);
      if (this.idf && !this.idf.df[key]) {
        unseen += w * w;
        continue;
      }
      const h = fnv1a(key);
      // The top bit chooses the sign so that collisions cancel out on average.
      v[h % this.dimensions] += h & 0x80000000 ? -w : w;
    }
    let norm = unseen;
    for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    const out = new Array<number>(this.dimensions);
    for (let i = 0; i < v.length; i++) out[i] = norm > 0 ? v[i] / norm : 0;
    return out;
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => this.embed(d));
  }

  async embedQuery(document: string): Promise<number[]> {
    return this.embed(document);
  }
}

export interface RemoteEmbeddingsOptions {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
  batchSize?: number;
}

/** Embeddings from an OpenAI-compatible endpoint (`POST {baseUrl}/embeddings`). */
export class RemoteEmbeddings extends Embeddings {
  private readonly opts: Required<Omit<RemoteEmbeddingsOptions, 'apiKey'>> & { apiKey?: string };

  constructor(opts: RemoteEmbeddingsOptions) {
    super({ maxRetries: 1 });
    if (!opts.baseUrl || !opts.model) throw new Error('RemoteEmbeddings needs baseUrl and model');
    this.opts = { timeoutMs: 20_000, batchSize: 64, ...opts, baseUrl: opts.baseUrl.replace(/\/+$/, '') };
  }

  private async call(input: string[]): Promise<number[][]> {
    const res = await fetch(`${this.opts.baseUrl}/embeddings`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}),
      },
      body: JSON.stringify({ model: this.opts.model, input }),
      signal: AbortSignal.timeout(this.opts.timeoutMs),
    });
    if (!res.ok) throw new Error(`embeddings endpoint answered ${res.status} ${res.statusText}`);
    const body = (await res.json()) as { data?: { embedding?: number[]; index?: number }[] };
    const data = body.data;
    if (!Array.isArray(data) || data.length !== input.length || data.some((d) => !Array.isArray(d.embedding))) {
      throw new Error(`embeddings endpoint returned ${data?.length ?? 'no'} vectors for ${input.length} inputs`);
    }
    const sorted = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    return sorted.map((d) => d.embedding as number[]);
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < documents.length; i += this.opts.batchSize) {
      out.push(...(await this.caller.call(() => this.call(documents.slice(i, i + this.opts.batchSize)))));
    }
    return out;
  }

  async embedQuery(document: string): Promise<number[]> {
    const [v] = await this.caller.call(() => this.call([document]));
    return v;
  }
}
