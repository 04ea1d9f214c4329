/**
 * A small supervised classifier from a question to the knowledge entry that
 * answers it, trained on the knowledge base itself when the index is built:
 * each entry's title and listed ways of asking, and its paragraphs, are
 * labelled examples of that entry. Lexical retrieval weighs words by how rare
 * they are; the classifier learns which words tell one entry from its
 * neighbours ("256" and "may I" from "what for" and "without it"), so a
 * paraphrase of a listed question finds its entry even when it shares few
 * rare words with it.
 *
 * The model is a bag of hashed features (the lexical analysis's words,
 * kanji/katakana bigrams and glossary concepts) averaged into a dense vector,
 * scored against one vector per entry, trained with negative sampling and a
 * seeded generator: the same knowledge gives the same model. On held-out
 * listed questions (each entry's last one removed before training; `npm run
 * bench -- classifier`) it picks the exact entry for 25% of them alone; beside
 * retrieval it raises the own entry from 403 to 461 of 1,305 and the own topic
 * from 1,030 to 1,075. 25 epochs: 15 gave 446 and 1,077 in 3.9 s of training,
 * 40 gave 463 and 1,070 in 8.9 s; 25 take 5.7 s (2 cores). The index trains
 * an ensemble of such models from different seeds (`trainEnsemble`).
 */
import type { Glossary } from './glossary.ts';
import type { KnowledgeEntry } from './knowledge.ts';
import { lexicalTerms } from './lexical.ts';

export interface ClassifierOptions {
  /** Vector size. */
  dims: number;
  /** log2 of the number of hashed feature buckets. */
  bucketBits: number;
  epochs: number;
  learningRate: number;
  /** Negative entries sampled per example. */
  negatives: number;
  /** Weight of a body paragraph as an example, against 1 for a title or listed question. */
  bodyWeight: number;
  seed: number;
}

export const CLASSIFIER_DEFAULTS: ClassifierOptions = { dims: 48, bucketBits: 15, epochs: 25, learningRate: 0.5, negatives: 25, bodyWeight: 1, seed: 12345 };

export interface EntryClassifier {
  dims: number;
  bucketBits: number;
  /** Feature vectors: buckets × dims. */
  input: Float32Array;
  /** Entry vectors: entries × dims, in the index's entry order. */
  output: Float32Array;
}

function bucket(term: string, bits: number): number {
  let h = 2166136261;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return (h >>> 0) & ((1 << bits) - 1);
}

interface Features {
  f: Int32Array;
  w: Float32Array;
}

function features(text: string, glossary: Glossary, bits: number): Features {
  return termFeatures(lexicalTerms(text, glossary), bits);
}

/** Hashed features of already analysed terms (`lexicalTerms`). */
function termFeatures(terms: Map<string, number>, bits: number): Features {
  const f = new Int32Array(terms.size);
  const w = new Float32Array(terms.size);
  let i = 0;
  for (const [t, v] of terms) {
    f[i] = bucket(t, bits);
    w[i++] = v;
  }
  return { f, w };
}

/** The averaged feature vector of a text into `h`; returns the sum of its feature weights (0 when it has none). */
function hidden(m: Pick<EntryClassifier, 'dims' | 'input'>, x: Features, h: Float32Array): number {
  h.fill(0);
  let sw = 0;
  const D = m.dims;
  for (let k = 0; k < x.f.length; k++) {
    const o = x.f[k] * D;
    const ww = x.w[k];
    sw += ww;
    for (let d = 0; d < D; d++) h[d] += m.input[o + d] * ww;
  }
  if (sw <= 0) return 0;
  for (let d = 0; d < D; d++) h[d] /= sw;
  return sw;
}

/** Paragraphs of an entry's body long enough to say something. */
function paragraphs(body: string): string[] {
  return body.split(/\n\s*\n/).filter((p) => p.trim().length > 20);
}

export function trainClassifier(entries: readonly KnowledgeEntry[], glossary: Glossary, opts: Partial<ClassifierOptions> = {}): EntryClassifier {
  const o = { ...CLASSIFIER_DEFAULTS, ...opts };
  const D = o.dims;
  const C = entries.length;
  let seed = o.seed >>> 0;
  const rnd = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const examples: (Features & { c: number; weight: number })[] = [];
  entries.forEach((e, c) => {
    for (const q of [e.title, ...e.questions]) examples.push({ ...features(q, glossary, o.bucketBits), c, weight: 1 });
    if (o.bodyWeight > 0) for (const p of paragraphs(e.body)) examples.push({ ...features(p, glossary, o.bucketBits), c, weight: o.bodyWeight });
  });
  const input = new Float32Array((1 << o.bucketBits) * D);
  for (let i = 0; i < input.length; i++) input[i] = (rnd() * 2 - 1) / D;
  const output = new Float32Array(C * D);
  const model = { dims: D, bucketBits: o.bucketBits, input, output };
  if (C < 2) return model;
  const h = new Float32Array(D);
  const g = new Float32Array(D);
  const order = examples.map((_, i) => i);
  const total = o.epochs * examples.length;
  let step = 0;
  for (let ep = 0; ep < o.epochs; ep++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const xi of order) {
      const x = examples[xi];
      const lr = o.learningRate * (1 - step++ / total) * x.weight;
      const sw = hidden(model, x, h);
      if (!sw) continue;
      g.fill(0);
      for (let n = 0; n <= o.negatives; n++) {
        const c = n === 0 ? x.c : Math.floor(rnd() * C);
        if (n > 0 && c === x.c) continue;
        const off = c * D;
        let s = 0;
        for (let d = 0; d < D; d++) s += output[off + d] * h[d];
        const grad = ((n === 0 ? 1 : 0) - 1 / (1 + Math.exp(-s))) * lr;
        for (let d = 0; d < D; d++) {
          g[d] += grad * output[off + d];
          output[off + d] += grad * h[d];
        }
      }
      for (let k = 0; k < x.f.length; k++) {
        const off = x.f[k] * D;
        const ww = x.w[k] / sw;
        for (let d = 0; d < D; d++) input[off + d] += g[d] * ww;
      }
    }
  }
  return model;
}

/** The probability of each entry (softmax over all entries) for a question; all zero when it has no features. */
export function classify(m: EntryClassifier, text: string, glossary: Glossary): Float32Array {
  return classifyTerms(m, lexicalTerms(text, glossary));
}

/** `classify` on a question already analysed (`lexicalTerms` with the index's glossary), as retrieval has it. */
export function classifyTerms(m: EntryClassifier, terms: Map<string, number>): Float32Array {
  const C = m.output.length / m.dims;
  const out = new Float32Array(C);
  const h = new Float32Array(m.dims);
  if (!hidden(m, termFeatures(terms, m.bucketBits), h)) return out;
  let max = -Infinity;
  for (let c = 0; c < C; c++) {
    let s = 0;
    const off = c * m.dims;
    for (let d = 0; d < m.dims; d++) s += m.output[off + d] * h[d];
    out[c] = s;
    if (s > max) max = s;
  }
  let z = 0;
  for (let c = 0; c < C; c++) z += out[c] = Math.exp(out[c] - max);
  for (let c = 0; c < C; c++) out[c] /= z;
  return out;
}

/** How many classifiers, each from its own seed, vote on an entry, and the epochs each trains. */
export const ENSEMBLE = { size: 5, epochs: 15 };

/**
 * Classifiers trained from different seeds, whose probabilities are averaged.
 * One model's choice on the held-out entry-choice questions moved by up to
 * four of 53 with its seed alone (the order of the examples and the starting
 * weights): 43-45 on the knowledge of 2026-12-02, 45-49 before. Five members
 * of 15 epochs each (the training time of three of 25) chose 47 with either
 * seed tried; three of 25 chose 45-47.
 */
export function trainEnsemble(entries: readonly KnowledgeEntry[], glossary: Glossary, opts: Partial<ClassifierOptions> = {}, size = ENSEMBLE.size): EntryClassifier[] {
  const seed = opts.seed ?? CLASSIFIER_DEFAULTS.seed;
  return Array.from({ length: Math.max(1, size) }, (_, i) => trainClassifier(entries, glossary, { epochs: ENSEMBLE.epochs, ...opts, seed: seed + 7919 * i }));
}

/** The members' probabilities of each entry, averaged. */
export function classifyEnsembleTerms(ms: readonly EntryClassifier[], terms: Map<string, number>): Float32Array {
  const out = new Float32Array(ms.length ? ms[0].output.length / ms[0].dims : 0);
  for (const m of ms) {
    const p = classifyTerms(m, terms);
    for (let c = 0; c < out.length; c++) out[c] += p[c] / ms.length;
  }
  return out;
}

/** Binary layout of an ensemble: the member count (int32), then each member as its byte length (int32) and its bytes. */
export function serializeEnsemble(ms: readonly EntryClassifier[]): Buffer {
  const parts: Buffer[] = [Buffer.from(new Int32Array([ms.length]).buffer)];
  for (const m of ms) {
    const b = serializeClassifier(m);
    parts.push(Buffer.from(new Int32Array([b.byteLength]).buffer), b);
  }
  return Buffer.concat(parts);
}

export function deserializeEnsemble(buf: Buffer): EntryClassifier[] {
  if (buf.byteLength < 4) throw new Error('classifier file has the wrong size');
  const n = buf.readInt32LE(0);
  if (!(n >= 1 && n <= 16)) throw new Error('classifier file has the wrong size');
  const out: EntryClassifier[] = [];
  let at = 4;
  for (let i = 0; i < n; i++) {
    if (at + 4 > buf.byteLength) throw new Error('classifier file has the wrong size');
    const len = buf.readInt32LE(at);
    at += 4;
    if (len < 0 || at + len > buf.byteLength) throw new Error('classifier file has the wrong size');
    out.push(deserializeClassifier(buf.subarray(at, at + len)));
    at += len;
  }
  if (at !== buf.byteLength) throw new Error('classifier file has the wrong size');
  return out;
}

/** Binary layout: dims, bucketBits, entries (int32 each), then the input and output vectors (float32). */
export function serializeClassifier(m: EntryClassifier): Buffer {
  const head = new Int32Array([m.dims, m.bucketBits, m.output.length / m.dims]);
  return Buffer.concat([Buffer.from(head.buffer), Buffer.from(m.input.buffer, m.input.byteOffset, m.input.byteLength), Buffer.from(m.output.buffer, m.output.byteOffset, m.output.byteLength)]);
}

export function deserializeClassifier(buf: Buffer): EntryClassifier {
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  if (copy.byteLength < 12) throw new Error('classifier file has the wrong size');
  const [dims, bucketBits, entries] = new Int32Array(copy.buffer, 0, 3);
  const nIn = (1 << bucketBits) * dims;
  if (!(dims > 0 && bucketBits > 0 && bucketBits < 31 && entries >= 0) || 12 + (nIn + entries * dims) * 4 !== copy.byteLength) {
    throw new Error('classifier file has the wrong size');
  }
  const input = new Float32Array(copy.buffer, 12, nIn);
  const output = new Float32Array(copy.buffer, 12 + nIn * 4, entries * dims);
  return { dims, bucketBits, input, output };
}
