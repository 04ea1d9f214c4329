import { randomUUID } from 'node:crypto';
import type { Bilingual, Lang } from './lang.ts';

/**
 * An expected error caused by what a person asked for (a bad parameter, an
 * unknown lesson, too many queued jobs). Its message is shown to the person in
 * their language; nothing else about the process changes.
 */
export class UserError extends Error {
  readonly id: string;
  readonly messages: Bilingual;
  readonly context: Record<string, unknown>;

  constructor(id: string, messages: Bilingual, context: Record<string, unknown> = {}) {
    super(messages.en);
    this.name = 'UserError';
    this.id = id;
    this.messages = messages;
    this.context = context;
  }

  messageFor(lang: Lang): string {
    return this.messages[lang];
  }

  toJSON(): { id: string; message: Bilingual; context: Record<string, unknown> } {
    return { id: this.id, message: this.messages, context: this.context };
  }
}

/** A configuration or content problem an organizer must fix (bad env value, malformed entry). */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * What a person sees for an unexpected error: a short apology and a reference
 * id that also appears in the log next to the full error.
 */
export function describeUnexpected(err: unknown, lang: Lang, log: (line: string) => void = console.error): string {
  if (err instanceof UserError) return err.messageFor(lang);
  const ref = randomUUID().slice(0, 8);
  log(`[error ${ref}] ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return lang === 'ja'
    ? `申し訳ありません、内部エラーが発生しました（参照ID: ${ref}）。TA に伝えてください。`
    : `Sorry, something went wrong on our side (reference ${ref}). Please tell a TA.`;
}
