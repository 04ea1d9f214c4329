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
  if (!JAPANESE_CHAR.test(text)) {
    return /[a-z]/i.test(text) ? 'en' : fallback;
  }
  const count = text.match(JAPANESE_CHARS)?.length ?? 0;
  return count >= 2 ? 'ja' : /[a-z]{3,}/i.test(text) ? 'en' : 'ja';
}

/** Picks the text for `lang`. */
export function pick(text: Bilingual, lang: Lang): string {
  return text[lang];
}

export function isLang(value: unknown): value is Lang {
  return value === 'ja' || value === 'en';
}
