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
