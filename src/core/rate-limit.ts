/**
 * Per-person rate limits for the faces (`/ask`, `/train`, the web chat): at
 * most `perMinute` actions in any sliding minute. In memory: a limit protects
 * the process from a burst, and a restart forgetting it is harmless.
 */
import { UserError } from './errors.ts';
import type { Bilingual } from './lang.ts';

export interface RateLimiter {
  /** Records one action by `key`; throws a UserError (with the wait) when over the limit. */
  take(key: string, now?: number): void;
}

export function createRateLimiter(perMinute: number, what: Bilingual, windowMs = 60_000): RateLimiter {
  if (!Number.isInteger(perMinute) || perMinute < 1) throw new RangeError(`perMinute must be a positive integer, got ${perMinute}.`);
  const hits = new Map<string, number[]>();
  let sweeps = 0;
  return {
    take(key, now = Date.now()) {
      const from = now - windowMs;
      const list = (hits.get(key) ?? []).filter((t) => t > from);
      if (list.length >= perMinute) {
        const waitS = Math.max(1, Math.ceil((list[0] + windowMs - now) / 1000));
        hits.set(key, list);
        throw new UserError(
          'rate-limited',
          {
            ja: `${what.ja}は 1 分に ${perMinute} 回までです。${waitS} 秒ほど待ってからもう一度どうぞ。`,
            en: `You can ${what.en} ${perMinute} time(s) a minute. Please try again in about ${waitS} s.`,
          },
          { perMinute, waitS },
        );
      }
      list.push(now);
      hits.set(key, list);
      // Forget people who have been quiet for a window, now and then.
      if (++sweeps % 1000 === 0) {
        for (const [k, v] of hits) if (!v.some((t) => t > from)) hits.delete(k);
      }
    },
  };
}
