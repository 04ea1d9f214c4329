/** The two languages every participant-facing text exists in. */
export type Lang = 'ja' | 'en';

/** A text in both languages. */
export interface Bilingual {
  ja: string;
  en: string;
}

export const LANGS: readonly Lang[] = ['ja', 'en'];

// Hiragana, katakana, CJK ideographs and the full-width forms Japanese IMEs produce.
const JAPANESE_CHAR = /[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]/u;
const JAPANESE_CHARS = /[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]/gu;

/**
 * Decides which language a person wrote in. A question is Japanese as soon as
 * it has a few Japanese characters: beginners paste English error messages and
 * code into Japanese questions, and still expect a Japanese answer.
 */
export function detectLang(text: string, fallback: Lang = 'ja'): Lang {
  // Chinese or Korean: the answer is in English (with a note where it matters),
  // never in Japanese, which the asker may not read.
  if (detectOtherLanguage(text)) return 'en';
  if (!JAPANESE_CHAR.test(text)) {
    return /[a-z]/i.test(text) ? 'en' : fallback;
  }
  // An English question quoting a few kanji (a unit such as 万円, a name) without any kana is English.
  if (!(text.match(KANA)?.length ?? 0)) {
    const han = text.match(HAN)?.length ?? 0;
    const words = text.match(/[a-z]{2,}/gi)?.length ?? 0;
    if (words >= 6 && han * 3 <= words) return 'en';
  }
  const count = text.match(JAPANESE_CHARS)?.length ?? 0;
  return count >= 2 ? 'ja' : /[a-z]{3,}/i.test(text) ? 'en' : 'ja';
}

/** A language tasuke does not answer in, recognised so that it is not taken for Japanese or English. */
export type OtherLang = 'zh' | 'ko' | 'ru' | 'uk' | 'th' | 'ar' | 'hi' | 'he' | 'el';

/** Scripts of other languages: most of a question's letters in one of them means that language. */
const OTHER_SCRIPTS: [OtherLang, RegExp][] = [
  ['uk', /[іїєґІЇЄҐ]/gu],
  ['ru', /[\u0400-\u04ff]/gu],
  ['th', /[\u0e00-\u0e7f]/gu],
  ['ar', /[\u0600-\u06ff]/gu],
  ['hi', /[\u0900-\u097f]/gu],
  ['he', /[\u0590-\u05ff]/gu],
  ['el', /[\u0370-\u03ff]/gu],
];

const KANA = /[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]/gu;
const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/gu;
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff]/gu;
// Simplified forms that Japanese never writes (its shinjitai differ: 们/們, 这/這,
// 说/説, 习/習, 练/練, 题/題…): one of them, with no kana, is Chinese.
const SIMPLIFIED_ONLY = /[们这说么吗呢吧习练题还请问为样时个对让过应该从开关标签训错误显设进后试啥谁给组层热]/u;
// Words of Chinese grammar (either script) that Japanese prose does not use.
const CHINESE_WORDS = /(什么|什麼|怎么|怎麼|为什么|為什麼|是不是|可以吗|可以嗎|的话|的話|我们|我們|你们|你們|他们|他們|这个|這個|那个|那個|请问|請問|一下|不行|没有|沒有|還是|还是|應該|应该)/u;

/**
 * Recognises a question written in Chinese, Korean or another language with
 * a script of its own (Cyrillic, Thai, Arabic, Devanagari, Hebrew, Greek).
 * Korean is told by hangul, the others by most letters being in their script. Chinese shares its characters with Japanese, so it
 * needs more: no kana at all (Japanese prose always has some) and either a
 * simplified character Japanese does not use or a word of Chinese grammar.
 * Code and English words around it do not change the verdict.
 */
export function detectOtherLanguage(text: string): OtherLang | undefined {
  const hangul = text.match(HANGUL)?.length ?? 0;
  const kana = text.match(KANA)?.length ?? 0;
  if (hangul >= 2 && hangul > kana) return 'ko';
  // Other scripts: more of their letters than Latin ones (code and English terms stay Latin).
  // Ukrainian is Cyrillic with letters of its own; Greek letters alone (σ, ∂L/∂w) are maths, not Greek.
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  const cyrillic = text.match(/[\u0400-\u04ff]/gu)?.length ?? 0;
  for (const [lang, re] of OTHER_SCRIPTS) {
    const n = text.match(re)?.length ?? 0;
    if (lang === 'uk') {
      if (n > 0 && cyrillic >= 4 && cyrillic > latin) return 'uk';
      continue;
    }
    if (n >= 4 && n > latin && n > kana) return lang;
  }
  if (kana > 0) return undefined;
  const han = text.match(HAN)?.length ?? 0;
  if (han < 3) return undefined;
  return SIMPLIFIED_ONLY.test(text) || CHINESE_WORDS.test(text) ? 'zh' : undefined;
}

/** Picks the text for `lang`. */
export function pick(text: Bilingual, lang: Lang): string {
  return text[lang];
}

export function isLang(value: unknown): value is Lang {
  return value === 'ja' || value === 'en';
}

/**
 * The one way tasuke writes a text in both languages inline: `t(lang, '日本語', 'English')`.
 * (A text kept for later is a `Bilingual` and read with `pick`.)
 */
export function t(lang: Lang, ja: string, en: string): string {
  return lang === 'ja' ? ja : en;
}

/** The language of a system locale such as `ja_JP.UTF-8` (LANG, LC_ALL): Japanese when it starts with `ja`, else English. */
export function langOfLocale(locale: string | undefined): Lang {
  return /^ja/i.test(locale?.trim() ?? '') ? 'ja' : 'en';
}
