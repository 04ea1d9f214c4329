/**
 * Discord's size limits, and the one place that makes text fit them. Every
 * message, embed, thread name and button label the face sends passes through
 * here, so a long answer or a pasted notebook is cut with an ellipsis instead
 * of making Discord reject the whole request (a 400 that would leave the
 * person without any answer).
 *
 * Lengths are counted in UTF-16 code units, which is never fewer than the
 * characters Discord counts, and a cut never splits a surrogate pair.
 */
import type { APIEmbed, APIEmbedField } from 'discord.js';

/** Discord's limits, in characters (or counts), as of API v10. */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footer: 2048,
  authorName: 256,
  /** All titles, descriptions, field names and values, footer and author of one embed together. */
  embedTotal: 6000,
  /** All embeds of one message together. */
  messageEmbedsTotal: 6000,
  embeds: 10,
  threadName: 100,
  buttonLabel: 80,
  customId: 100,
  choiceName: 100,
  choices: 25,
  optionDescription: 100,
  modalTitle: 45,
  textInputLabel: 45,
} as const;

const ELLIPSIS = '…';

/** `text` cut to at most `max` code units, ending in "…" when cut. */
export function truncate(text: string, max: number): string {
  if (max <= 0) return '';
  if (text.length <= max) return text;
  if (max === 1) return ELLIPSIS;
  let end = max - 1;
  // Never leave half of a surrogate pair (an emoji) before the ellipsis.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end) + ELLIPSIS;
}

/** Message content (2,000). */
export function fitContent(text: string): string {
  return truncate(text, LIMITS.content);
}

/**
 * A thread name (≤ 100) from a question: one line, collapsed whitespace,
 * never empty (`fallback` when nothing usable is left).
 */
export function threadName(text: string, fallback: string): string {
  const oneLine = text
    .replace(/<a?:\w+:\d+>/g, ' ') // custom emoji markup reads badly in a title
    // Markdown marks read badly in a title; underscores inside identifiers (y_train) stay.
    .replace(/[`*~|>#]|(?<!\w)_+|_+(?!\w)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(oneLine || fallback.trim() || '?', LIMITS.threadName);
}

/** A button label (≤ 80, never empty). */
export function buttonLabel(text: string): string {
  return truncate(text.trim() || '…', LIMITS.buttonLabel);
}

function embedLength(e: APIEmbed): number {
  let n = (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0);
  for (const f of e.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/**
 * Makes an embed fit: each part within its own limit, at most 25 fields, and
 * the whole within `total` (6,000 by default). When the whole is too long the
 * description is shortened first (it is the longest part), then the fields
 * from the last one, so the title and the first facts survive.
 */
export function fitEmbed(embed: APIEmbed, total: number = LIMITS.embedTotal): APIEmbed {
  const e: APIEmbed = { ...embed };
  if (e.title !== undefined) e.title = truncate(e.title, LIMITS.embedTitle);
  if (e.description !== undefined) e.description = truncate(e.description, LIMITS.embedDescription);
  if (e.footer) e.footer = { ...e.footer, text: truncate(e.footer.text, LIMITS.footer) };
  if (e.author) e.author = { ...e.author, name: truncate(e.author.name, LIMITS.authorName) };
  if (e.fields) {
    e.fields = e.fields.slice(0, LIMITS.fields).map(
      (f): APIEmbedField => ({
        ...f,
        name: truncate(f.name, LIMITS.fieldName) || '\u200b',
        value: truncate(f.value, LIMITS.fieldValue) || '\u200b',
      }),
    );
  }
  let over = embedLength(e) - total;
  if (over > 0 && e.description) {
    const keep = Math.max(0, e.description.length - over);
    e.description = keep > 0 ? truncate(e.description, keep) : undefined;
    over = embedLength(e) - total;
  }
  while (over > 0 && e.fields && e.fields.length > 0) {
    const last = e.fields[e.fields.length - 1];
    const keep = last.value.length - over;
    if (keep >= 20) {
      e.fields[e.fields.length - 1] = { ...last, value: truncate(last.value, keep) };
    } else {
      e.fields = e.fields.slice(0, -1);
    }
    over = embedLength(e) - total;
  }
  if (over > 0 && e.footer) {
    e.footer = { ...e.footer, text: truncate(e.footer.text, Math.max(1, e.footer.text.length - over)) };
    over = embedLength(e) - total;
  }
  if (over > 0 && e.title) e.title = truncate(e.title, Math.max(1, e.title.length - over));
  return e;
}

/**
 * Fits the embeds of one message: at most 10, each fitted, and all of them
 * together within 6,000 (later embeds get what the earlier ones left).
 */
export function fitEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  const out: APIEmbed[] = [];
  let left: number = LIMITS.messageEmbedsTotal;
  for (const e of embeds.slice(0, LIMITS.embeds)) {
    if (left <= 0) break;
    const fitted = fitEmbed(e, Math.min(LIMITS.embedTotal, left));
    left -= embedLength(fitted);
    out.push(fitted);
  }
  return out;
}

/** Exposed for tests: the length Discord counts towards an embed's 6,000. */
export const lengthOfEmbed = embedLength;
