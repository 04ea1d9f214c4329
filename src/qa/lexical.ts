/**
 * A BM25 index with an inverted index, over whole entries. Terms are the
 * analysed words (Japanese segmented by Intl.Segmenter, English stemmed),
 * kanji/katakana bigrams and glossary concept ids. Fields are weighted by
 * repetition: the title and the askers' questions count more than the body.
 *
 * Scores are also returned normalised to 0..1 against what a document holding
 * every query term once would score, so that a question full of words the
 * knowledge base never uses (an off-topic one) scores low however it ranks.
 */
import type { Glossary } from './glossary.ts';
import { analyze, normalize } from './text.ts';

const K1 = 1.2;
const B = 0.75;
/** Bigrams back up segmentation; they count less than words. */
const BIGRAM_WEIGHT = 0.5;
const CONCEPT_WEIGHT = 1.5;
/** The least idf mass a question needs for a full lexical match (about two distinctive terms). */
const MIN_IDEAL = 6;

export interface LexicalDocInput {
  /** Weighted fields: [text, weight]. */
  fields: [string, number][];
}

export interface LexicalData {
  n: number;
  avgdl: number;
  lengths: number[];
  /** term → flat [doc, tf, doc, tf, ...] */
  postings: Record<string, number[]>;
}

/** Terms of a text with their weights (a term may repeat). */
export function lexicalTerms(text: string, glossary?: Glossary): Map<string, number> {
  const n = normalize(text);
  const a = analyze(n);
  const terms = new Map<string, number>();
  const add = (t: string, w: number) => terms.set(t, (terms.get(t) ?? 0) + w);
  for (const w of a.words) add(w, 1);
  for (const b of a.bigrams) add(`#${b}`, BIGRAM_WEIGHT);
  if (glossary) for (const c of glossary.matchAnalyzed(n, a.sequence, a.bounds)) add(`@${c}`, CONCEPT_WEIGHT);
  return terms;
}

/** Weighted term frequencies of one document's fields. */
export function documentTerms(doc: LexicalDocInput, glossary?: Glossary): Map<string, number> {
  const tf = new Map<string, number>();
  for (const [text, weight] of doc.fields) {
    for (const [t, w] of lexicalTerms(text, glossary)) tf.set(t, (tf.get(t) ?? 0) + w * weight);
  }
  return tf;
}

export function buildLexical(docs: LexicalDocInput[], glossary?: Glossary): LexicalData {
  return buildLexicalFromTerms(docs.map((d) => documentTerms(d, glossary)));
}

/** Builds the index from already analysed documents (term -> weighted frequency). */
export function buildLexicalFromTerms(docs: Map<string, number>[]): LexicalData {
  const postings: Record<string, number[]> = {};
  const lengths: number[] = [];
  docs.forEach((tf, i) => {
    let len = 0;
    for (const [t, f] of tf) {
      len += f;
      (postings[t] ??= []).push(i, Math.round(f * 100) / 100);
    }
    lengths.push(len);
  });
  const avgdl = lengths.reduce((s, l) => s + l, 0) / Math.max(1, lengths.length);
  return { n: docs.length, avgdl, lengths, postings };
}

export interface LexicalHit {
  doc: number;
  score: number;
  /** score / the score of an ideal document holding every query term, clamped to 0..1. */
  norm: number;
  /** Share (idf-weighted) of the query's concept terms (`@...`) that the document holds. */
  conceptShare: number;
}

export class LexicalIndex {
  private readonly postings: Map<string, number[]>;
  constructor(readonly data: LexicalData) {
    this.postings = new Map(Object.entries(data.postings));
  }

  /** Whether any document holds the term. */
  has(term: string): boolean {
    return this.postings.has(term);
  }

  idf(term: string): number {
    const p = this.postings.get(term);
    const df = p ? p.length / 2 : 0;
    return Math.log(1 + (this.data.n - df + 0.5) / (df + 0.5));
  }

  /**
   * Scores the documents sharing a term with the query and returns the best
   * `limit` of them (by BM25 score, or by concept share where that is higher).
   */
  search(queryTerms: Map<string, number>, limit = 50): LexicalHit[] {
    const n = this.data.n;
    const scores = new Float64Array(n);
    const concept = new Float64Array(n);
    const seen = new Uint8Array(n);
    const touched: number[] = [];
    let ideal = 0;
    let conceptIdeal = 0;
    for (const [term, qw] of queryTerms) {
      // Repeated query terms count, but sub-linearly.
      const qweight = Math.min(qw, 1) + Math.log(Math.max(1, qw)) * 0.3;
      const idf = this.idf(term);
      ideal += idf * qweight;
      const isConcept = term.charCodeAt(0) === 64; // '@'
      if (isConcept) conceptIdeal += idf;
      const p = this.postings.get(term);
      if (!p) continue;
      for (let i = 0; i < p.length; i += 2) {
        const d = p[i];
        const tf = p[i + 1];
        const dl = this.data.lengths[d];
        scores[d] += (idf * qweight * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * dl) / this.data.avgdl));
        if (isConcept) concept[d] += idf;
        if (!seen[d]) {
          seen[d] = 1;
          touched.push(d);
        }
      }
    }
    // A document holding each term once, at average length, scores idf per term.
    // A question with hardly any information ("what is 2+2") cannot be a
    // strong match however well it is covered, hence the floor.
    const bound = Math.max(ideal, MIN_IDEAL);
    const hit = (d: number): LexicalHit => ({
      doc: d,
      score: scores[d],
      norm: Math.min(1, scores[d] / bound),
      conceptShare: conceptIdeal > 0 ? concept[d] / conceptIdeal : 0,
    });
    let kept = touched;
    if (touched.length > limit) {
      // Keep the best `limit` by either measure; on a large index most
      // documents share some common term, so no objects for the rest.
      const keys = new Float64Array(touched.length);
      for (let i = 0; i < touched.length; i++) {
        const d = touched[i];
        keys[i] = Math.max(scores[d] / bound, conceptIdeal > 0 ? (0.8 * concept[d]) / conceptIdeal : 0);
      }
      const cut = Float64Array.from(keys).sort()[touched.length - limit];
      // Everything above the cut first, then ties at the cut while room is left:
      // filling in index order alone let ties crowd out better documents indexed later.
      kept = [];
      for (let i = 0; i < touched.length; i++) if (keys[i] > cut) kept.push(touched[i]);
      for (let i = 0; i < touched.length && kept.length < limit; i++) if (keys[i] === cut) kept.push(touched[i]);
    }
    return kept.map(hit).sort((a, b) => b.score - a.score);
  }
}
