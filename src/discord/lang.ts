/**
 * Which language to answer a Discord user in. What they wrote decides
 * (`detectLang`, the same rule as every face); Discord's locale, the language
 * of their client, is only the fallback, for a button press or a text with no
 * letters in it.
 */
import { detectLang, type Lang } from '../core/lang.ts';

/** `ja` for a Japanese Discord client (`ja`, `ja-JP`), `en` for any other or none. */
export function localeLang(locale: string | null | undefined): Lang {
  return typeof locale === 'string' && locale.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

/** The language of `text` when it says; otherwise that of the Discord `locale`. */
export function chooseLang(text: string | null | undefined, locale: string | null | undefined): Lang {
  const fallback = localeLang(locale);
  return text && text.trim() ? detectLang(text, fallback) : fallback;
}
