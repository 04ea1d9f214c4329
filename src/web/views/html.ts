/**
 * The one escaping helper of the web face. Every page is built with the
 * `html` tag: each interpolated value is escaped unless it is itself the
 * output of `html` (already safe). There is no other way to put text into a
 * page, so a question containing `<script>` is shown as text everywhere.
 */

/** A piece of HTML built by `html` (or a trusted constant via `trusted`). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for HTML content and (double- or single-quoted) attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => ENTITIES[c]);
}

function render(v: unknown): string {
  if (v === undefined || v === null || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(v);
}

/** Tagged template: `html\`<p>${text}</p>\`` escapes `text`; nested `html` and arrays of it pass through. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Marks a string built by this module's callers from constants only (never from input) as HTML. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/**
 * A link target that cannot run script: http(s) URLs and site-relative paths
 * pass, anything else (javascript:, data:, //host) becomes `#`.
 */
export function safeHref(url: string | undefined): string {
  if (!url) return '#';
  if (/^https?:\/\//i.test(url)) return url;
  if (url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\')) return url;
  return '#';
}

/**
 * Text with the one piece of Markdown the knowledge entries use inline:
 * `code` spans become <code>. Each part is escaped like any text; only the
 * <code> tags are added, so nothing from the text can become markup.
 */
export function textWithCode(text: string): SafeHtml {
  const parts = text.split(/`([^`\n]+)`/);
  return new SafeHtml(parts.map((p, i) => (i % 2 ? `<code>${escapeHtml(p)}</code>` : escapeHtml(p))).join(''));
}
