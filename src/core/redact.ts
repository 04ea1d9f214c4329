/**
 * One redaction helper for everything that may reach a log or an error
 * message: passwords inside URLs, bearer and bot tokens, and any secret value
 * the configuration holds. Logs and errors pass through it; tests check it.
 */

const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)([^/\s:@]*):([^/\s@]*)@/gi;
const AUTH_HEADER = /\b(Bot|Bearer)\s+[A-Za-z0-9._~+/=-]{8,}/g;
// Discord bot tokens: three base64url parts separated by dots.
const DISCORD_TOKEN = /\b[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}\b/g;

/** Masks credentials in `text`; `secrets` are exact values (tokens, API keys) to hide wherever they appear. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user ? `${user}:` : ':'}***@`);
  out = out.replace(AUTH_HEADER, (_m, kind: string) => `${kind} ***`);
  out = out.replace(DISCORD_TOKEN, '***');
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('***');
  }
  return out;
}
