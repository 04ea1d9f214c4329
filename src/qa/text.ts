/**
 * Text analysis shared by the lexical index, the hashing embeddings and the
 * glossary matcher. Japanese has no spaces, so words come from
 * `Intl.Segmenter('ja')` (ICU's dictionary segmentation) and are backed up by
 * character bigrams over runs of kanji and katakana; English is lower-cased
 * and lightly stemmed. Everything goes through NFKC first, which turns
 * full-width ASCII into ASCII and half-width katakana into full-width.
 */

let segmenter: Intl.Segmenter | undefined;
function getSegmenter(): Intl.Segmenter {
  segmenter ??= new Intl.Segmenter('ja', { granularity: 'word' });
  return segmenter;
}

/**
 * How the asker wants it told, not what is asked: "in plain words", "for a
 * beginner", "like I'm five", 「簡単な言葉で」. Their words ("words", "plain",
 * 言葉) would otherwise count as the question's own (words → NLP).
 */
const HOW_TO_TELL = new RegExp(
  [
    String.raw`\b(?:in|using|with) (?:plain|simple|easy|basic|everyday|normal|human|lay(?:man'?s?)?|non-?technical|beginner'?s?) (?:words?|terms|english|language)\b`,
    String.raw`\bin other words\b`,
    String.raw`\b(?:for|to) (?:a |an )?(?:total |complete |absolute )?(?:beginners?|dummies|newbies?|noobs?|non-?experts?|(?:a )?(?:five|5)[- ]year[- ]old)\b`,
    String.raw`\b(?:like|as if) (?:i'?m|i am) (?:five|5|a beginner|a child|a kid)\b`,
    String.raw`\beli5\b`,
    String.raw`\bin a nutshell\b`,
    String.raw`\b(?:like |just |roughly )?(?:intuitively|conceptually|at a high level)(?: speaking)?\b`,
    String.raw`\bin (?:one|a single|a few) (?:sentence|word|line)s?\b`,
    String.raw`(?:簡単|かんたん|やさしい|易しい|平易|分かりやすい|わかりやすい|普通|素人に分かる|素人にわかる)な?言葉で`,
    String.raw`(?:直感的|感覚的|イメージ的)に(?:言うと|いうと)?`,
    String.raw`\bwithout (?:the |any )?(?:math|maths|formulas?|equations?)\b`,
    String.raw`(?:数式|式)(?:なし|無し|抜き|を使わず|を使わない)で?`,
  ].join('|'),
  'g',
);

/** NFKC, lower case, one space between words. */
export function normalize(text: string): string {
  // "60,000" and "60000" are one number.
  // Curly apostrophes are the straight one (model’s, don’t).
  const n = foldKanaTypos(text.normalize('NFKC').toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ').trim()).replace(/(?<=\d),(?=\d{3}(?!\d))/g, '');
  const told = n.replace(HOW_TO_TELL, ' ');
  if (told === n) return n;
  // The punctuation the phrase leaves stranded goes with it ("what is a gradient, conceptually?").
  return told.replace(/ {2,}/g, ' ').replace(/\s*[,、]\s*(?=[?？!！.。]|$)|^\s*[,、]\s*/g, '').trim();
}

/**
 * A hiragana character typed inside a katakana word (エポっク, バっチ) is an IME
 * slip: read it as katakana so the word still matches. Not a particle between
 * two katakana words (バッチサイズとエポック, ドロップアウトのレート).
 */
function foldKanaTypos(s: string): string {
  return s.replace(/(?<=[\u30a1-\u30fa\u30fc])(?![とのをはがもやへにでか])[\u3041-\u3096](?=[\u30a1-\u30fa\u30fc])/g, (c) =>
    String.fromCharCode(c.charCodeAt(0) + 0x60),
  );
}

const HAS_CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]/;
// Kanji, katakana and the prolonged sound mark: the content-bearing characters
// of Japanese, over which bigrams are built (hiragana is mostly grammar).
const CONTENT_RUN = /[\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff々]{2,}/g;
const ASCII_WORD = /^[a-z0-9_.+\-']+$/;
const MATH_SYMBOL = /[∂∑∇√∫∏]/gu;

const EN_STOP = new Set(
  (
    'a an the and or but if of to in on at by for with from as is are was were be been being am do does did doing ' +
    'i me my we our you your he she it its they them their this that these those there here what which who whom ' +
    'how why when where can could should would will shall may might must have has had having not no so than then ' +
    'too very just about into over after before again also any all some such only own same other more most much ' +
    'get got getting please hi hello thanks thank up out off s t don doesn didn isn aren wasn im ive id ' +
    // Fillers of chatty questions: they say nothing about what is asked.
    'quick question anyone someone somebody help pls plz guys hey actually just really basically exactly ' +
    'kind sort thing things stuff lot bit little maybe probably still even ever ok okay yeah yes lol hmm btw tho though anyway ' +
    'wondering wonder confused confusing sorry beginner specifically concretely precisely literally briefly simply ' +
    // Verbs of asking: "do I need to…", "I want to…" frame the question; what follows is what is asked.
    'need needs want wants'
  ).split(' '),
);

// Particles, auxiliaries and fillers that Intl.Segmenter returns as words.
const JA_STOP = new Set(
  (
    'です ます でし まし ません ない なく なっ なる なり なら なら する して し した しま せん さ れる られ いる い いま ' +
    'ある あり あっ あれ これ それ この その あの どの こと もの よう ため とき 時 ので から まで けど けれど でも ' +
    'って という とか など ね よ か な の に は が を で と も へ や て た だ ん んで すか ですか でしょ でしょう ' +
    'か? すね よね ください くだ さい 下さい 教え 教えて おしえて 何 なに なん なぜ どう どうして どんな どれ いい 良い ' +
    'わかり 分かり わから 分から 思い 思う たら れば ば う お ご ' +
    // Fillers of spoken questions: they say nothing about what is asked.
    'したら てる ですが たん あと だけ なのに しょう よく みたい にし ああ じゃ たい っていう もう しか それとも くらい ' +
    'ありま ちょっと っけ ちゃんと すると とこ やつ でき ちゃ ほうが しない くる えて ほしい しく すみません 感じ ' +
    'いまいち ところ あたり ずっと そう そんなに かな いく いてる こう かって きた として ほぼ お願い はず めっちゃ ' +
    'なって なってた ってた った ました まして てた ってる ってい じゃない 気 出 見 使 書 知 言 思 われ ' +
    // How the asker wants it told, not what: 具体的に、詳しく、ざっくり、そもそも.
    '具体 具体的 的 詳しく 詳しい 簡単 簡単に ざっくり 実際 実際に 結局 要するに そもそも いったい 一体 改めて'
  ).split(' '),
);

/** Whether an English word (lower case) is a stop word, which the analysis drops. */
export function isEnglishStopWord(word: string): boolean {
  return EN_STOP.has(word);
}

/** Forms the suffix rules cannot bring back to their word. */
const IRREGULAR_STEMS: Record<string, string> = { using: 'use', used: 'use', made: 'make', took: 'take', taken: 'take', gave: 'give', given: 'give', wrote: 'write', written: 'write', ran: 'run', chose: 'choose', chosen: 'choose' };

/** A light English stemmer: enough to make "epochs"/"epoch" and "training"/"trained"/"train" meet. */
export function stem(word: string): string {
  let w = word;
  const irregular = IRREGULAR_STEMS[w];
  if (irregular) return stem(irregular);
  if (w.length <= 3 || !/^[a-z]+$/.test(w)) return w;
  // tokenization, tokenize, tokenizing and tokenized meet at "tokeniz" (normalisation at "normalis").
  if (w.length > 9 && /i[sz]ations?$/.test(w)) return w.replace(/(i[sz])ations?$/, '$1');
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('es') && /(?:ch|sh|x|ss|zz)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  const verbEnding = (w.length > 5 && w.endsWith('ing')) || (w.length > 4 && w.endsWith('ed'));
  if (verbEnding) w = w.slice(0, w.endsWith('ing') ? -3 : -2);
  else if (w.length > 5 && w.endsWith('ly')) w = w.slice(0, -2);
  // A silent e dropped before the ending comes back on a short stem: making/make, saved/save, coding/code (not fixed/fix).
  if (verbEnding && /^[b-df-hj-np-tv-z][aeiouy][b-df-hj-np-tv-z]$/.test(w) && !/[wx]$/.test(w)) return w + 'e';
  // A doubled consonant before the ending goes (stopped, fitting), but not the word's own (added stays add).
  if (w.length > 3 && /([b-df-hj-np-tv-z])\1$/.test(w) && !/(?:ll|ss|zz)$/.test(w)) w = w.slice(0, -1);
  // A silent final e goes, so that divide, divides, divided and dividing meet (scale/scaling, image/images).
  else if (w.length > 4 && /[b-df-hj-np-tv-z]e$/.test(w) && !/(?:ee|ye)$/.test(w)) w = w.slice(0, -1);
  return w;
}

/** The segments of a normalized text: English words stemmed, Japanese words as segmented. */
export interface Analysis {
  /** Content words (stop words removed), in order: English stems and Japanese words. */
  words: string[];
  /** All word-like segments in order, English stemmed (for phrase matching). */
  sequence: string[];
  /** Character bigrams over runs of kanji/katakana. */
  bigrams: string[];
  /**
   * Offsets in the normalized text where a word starts or ends (the
   * segmenter's boundaries): a Japanese glossary form must start and end on
   * one to count as a whole term.
   */
  bounds: Set<number>;
}

/** Splits a normalized text into words and bigrams. */
export function analyze(normalized: string): Analysis {
  const words: string[] = [];
  const sequence: string[] = [];
  const bounds = new Set<number>([0, normalized.length]);
  for (const seg of getSegmenter().segment(normalized)) {
    bounds.add(seg.index);
    bounds.add(seg.index + seg.segment.length);
    if (!seg.isWordLike) {
      // Mathematical notation is words too: ∂ (partial derivative), ∑, ∇, √,
      // and a division by a number (x / 255) is "divide".
      for (const m of seg.segment.match(MATH_SYMBOL) ?? []) {
        words.push(m);
        sequence.push(m);
      }
      const slash = seg.segment.search(/[/÷]/);
      if (slash >= 0) {
        const at = seg.index + slash;
        // Not a ratio of counts such as 1875/1875.
        if (/^\s*\d/.test(normalized.slice(at + 1)) && !/\d$/.test(normalized.slice(0, at))) words.push('divid');
      }
      continue;
    }
    const raw = seg.segment;
    if (ASCII_WORD.test(raw)) {
      // Identifiers such as to_categorical, val_loss or iris.target: keep the whole and the parts.
      const pieces = raw.includes('.') && /[a-z]{2}/.test(raw) ? raw.split('.').filter(Boolean) : [raw];
      const parts = [raw, ...(pieces.length > 1 ? pieces : []), ...pieces.flatMap((p) => (p.includes('_') ? p.split('_').filter(Boolean) : []))];
      for (const part of parts) {
        // A possessive is its word: sigmoid's output, the model's weights.
        const p = part.replace(/(?<=[a-z0-9])['’]s$/, '');
        const s = stem(p.replace(/^[.'+\-]+|[.'+\-]+$/g, ''));
        if (!s) continue;
        // The whole and its dotted pieces are words of the sequence (a glossary form may be y_train in y_train.shape).
        if (part === raw || (pieces.length > 1 && pieces.includes(part))) sequence.push(s);
        const bare = p.replace(/^[.'+\-]+|[.'+\-]+$/g, '');
        if (!EN_STOP.has(s) && !EN_STOP.has(bare) && !(s.length === 1 && !/[0-9]/.test(s))) words.push(s);
      }
    } else {
      sequence.push(raw);
      if (JA_STOP.has(raw)) continue;
      if (raw.length === 1 && /[\u3040-\u309f]/.test(raw)) continue;
      words.push(raw);
    }
  }
  const bigrams: string[] = [];
  if (HAS_CJK.test(normalized)) {
    for (const m of normalized.matchAll(CONTENT_RUN)) {
      const run = m[0];
      for (let i = 0; i + 1 < run.length; i++) bigrams.push(run.slice(i, i + 2));
    }
  }
  return { words, sequence, bigrams, bounds };
}

/** Character trigrams of an English word (with boundary marks), for typo-tolerant dense features. */
export function charTrigrams(word: string): string[] {
  if (word.length < 4 || !/^[a-z]+$/.test(word)) return [];
  const w = `^${word}$`;
  const out: string[] = [];
  for (let i = 0; i + 3 <= w.length; i++) out.push(w.slice(i, i + 3));
  return out;
}

export function hasJapanese(text: string): boolean {
  return HAS_CJK.test(text);
}
