/**
 * The servers' logger: pino, JSON lines on stderr, level from
 * `TASUKE_LOG_LEVEL`. Every message and error passes through `redact`, with
 * the configuration's secrets, so no token or password reaches a log.
 */
import pino, { type Logger } from 'pino';
import type { Config } from '../config.ts';
import { redact } from './redact.ts';

export type { Logger };

/** The password inside a URL (raw and decoded), if any. */
function urlPassword(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const p = new URL(url).password;
    return p ? [p, decodeURIComponent(p)] : [];
  } catch {
    return [];
  }
}

/** The secret values of a configuration (tokens, API keys, the Redis URL's password). */
export function secretsOf(
  config: Pick<Config, 'qa' | 'discord'> & Partial<Pick<Config, 'web'>> & { training?: Pick<Config['training'], 'redisUrl'> },
): string[] {
  return [
    config.discord.token,
    config.qa.llm?.apiKey,
    config.qa.embeddings?.apiKey,
    ...(config.web?.taTokens.map((t) => t.token) ?? []),
    ...urlPassword(config.training?.redisUrl),
    ...urlPassword(config.qa.llm?.baseUrl),
    ...urlPassword(config.qa.embeddings?.baseUrl),
  ].filter((s): s is string => !!s);
}

/** A logger writing to `destination` (stderr by default) that redacts secrets from every line. */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'qa' | 'discord'> & Partial<Pick<Config, 'web'>> & { training?: Pick<Config['training'], 'redisUrl'> },
  destination: NodeJS.WritableStream = process.stderr,
): Logger {
  const secrets = secretsOf(config);
  const stream = {
    write(line: string) {
      destination.write(redact(line, secrets));
    },
  };
  return pino({ level: config.logLevel, base: { app: 'tasuke' } }, stream);
}

/** A logger that drops everything (tests, CLI commands that print for people). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
