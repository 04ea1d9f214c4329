/**
 * What both halves of the Redis backend share: the BullMQ job data and
 * outcome, the connections, and how Redis being unreachable is noticed and
 * told. A `RedisLink` owns every ioredis client of one process side and
 * turns their many retry errors into two log lines per outage (down with its
 * real cause, back up with how long it lasted); every line and error passes
 * through `redact`, so a Redis password never reaches a log.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { ConfigError } from '../core/errors.ts';
import { redact } from '../core/redact.ts';
import type { Settled } from './outcome.ts';
import { seconds } from './condition.ts';
import type { JobError, JobSubmission } from './types.ts';

export const DEFAULT_QUEUE_NAME = 'tasuke-train';

/** BullMQ job data. */
export interface RemoteJobData {
  jobId: string;
  submission: JobSubmission;
  /** The submitter's time limit for the run. */
  timeoutMs: number;
}

/** BullMQ return value: how the run ended, and what it produced. */
export interface RemoteOutcome {
  state: 'succeeded' | 'failed' | 'cancelled';
  result?: Settled['finish']['result'];
  reading?: string;
  error?: JobError;
  chartPngBase64?: string;
  /** Which worker ran it (host and pid), for operators. */
  worker?: string;
}

export const cancelChannel = (queueName: string) => `tasuke:${queueName}:cancel`;
export const cancelKey = (queueName: string, id: string) => `tasuke:${queueName}:cancelled:${id}`;

/** The password part of a Redis URL, to redact wherever the URL's text may surface. */
export function redisSecrets(url: string): string[] {
  try {
    const u = new URL(url);
    return [u.password, u.password ? decodeURIComponent(u.password) : ''].filter((s) => s.length >= 4);
  } catch {
    return [];
  }
}

/** How to get a Redis, for the messages that say it cannot be reached. */
export const START_REDIS_HINT =
  'To run one on this machine: `redis-server` (Debian/Ubuntu: `sudo apt-get install redis-server`), ' +
  'or `docker run -d -p 6379:6379 redis:7`. Then set REDIS_URL (e.g. redis://127.0.0.1:6379) ' +
  'for `tasuke serve` and for every `tasuke worker`.';

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
]);

/** Whether an error says Redis could not be reached (rather than that a command was wrong). */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e) return false;
  if (typeof e.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  const msg = typeof e.message === 'string' ? e.message : '';
  return /Connection is closed|Stream isn't writeable|Command timed out|Socket closed unexpectedly|connect ETIMEDOUT|NOAUTH|WRONGPASS|LOADING|max number of clients|ECONNREFUSED|ECONNRESET/i.test(msg);
}

/** Rejects with `onTimeout()` if `p` has not settled within `ms`. */
export function within<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(onTimeout()), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e as Error);
      },
    );
  });
}

/** Reconnection backoff: quick at first, then every 2 s. */
const retryStrategy = (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2000);

/**
 * Tries once to reach Redis: connects and PINGs within `timeoutMs`. Returns
 * the real cause when it cannot (the first socket or server error, e.g.
 * `connect ECONNREFUSED 127.0.0.1:6379` or `NOAUTH Authentication required`),
 * not ioredis's later "Connection is closed.".
 */
export async function probeRedis(url: string, timeoutMs = 5000): Promise<{ ok: true } | { ok: false; cause: string }> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
  });
  let first: Error | undefined;
  probe.on('error', (err: Error) => (first ??= err));
  try {
    await probe.connect();
    await probe.ping();
    return { ok: true };
  } catch (err) {
    return { ok: false, cause: redact((first ?? (err as Error)).message, redisSecrets(url)) };
  } finally {
    probe.disconnect();
  }
}

/** The error for a Redis that cannot be reached at start, naming the URL (password hidden), the cause and what to do. */
export function unreachableError(url: string, cause: string): ConfigError {
  return new ConfigError(
    `Cannot reach Redis at ${redact(url, redisSecrets(url))} (REDIS_URL): ${cause}. ` +
      `Check that Redis is running and that REDIS_URL points at it. ${START_REDIS_HINT}`,
  );
}

export type ClientKind =
  /** Commands that must fail at once while Redis is unreachable (submitting, looking jobs up). */
  | 'command'
  /** Blocking reads and subscriptions (QueueEvents, a Worker): they wait for Redis to come back. */
  | 'blocking';

export interface RedisLinkOptions {
  url: string;
  /** Log prefix: `jobs` (the submitting side) or `worker`. */
  name: string;
  log: (line: string) => void;
  /** How long commands may take before they fail (default 5 s). */
  commandTimeoutMs?: number;
  /** An outage shorter than this is not logged (a quick reconnect; default 1 s). */
  quietMs?: number;
  /** Called each time every client is ready again after an outage (and the first time). */
  onUp?: () => void;
  /** Extra strings to redact (tokens, keys) besides the URL's password. */
  secrets?: readonly string[];
  /** What an outage means on this side, for its log line (e.g. "training submissions are refused until it is back"). */
  downNote?: string;
}

/** The ioredis clients of one side, and whether Redis is reachable through them. */
export class RedisLink {
  readonly displayUrl: string;
  private readonly clients = new Set<Redis>();
  private readonly secrets: string[];
  private downSince?: number;
  private cause?: string;
  private logged = false;
  private quietTimer?: NodeJS.Timeout;
  private everUp = false;
  private closing = false;
  private upWaiters = new Set<() => void>();
  /** Messages of other errors already logged, so a repeating one is logged once a minute at most. */
  private recentErrors = new Map<string, number>();

  constructor(private readonly opts: RedisLinkOptions) {
    this.secrets = [...redisSecrets(opts.url), ...(opts.secrets ?? [])];
    this.displayUrl = this.redact(opts.url);
    // Nothing is connected yet.
    this.downSince = Date.now();
  }

  /** Masks the URL's password and the given secrets. */
  redact(text: string): string {
    return redact(text, this.secrets);
  }

  /** True when every client is connected and ready. */
  get up(): boolean {
    return this.downSince === undefined;
  }

  /** Since when Redis has been unreachable (undefined while it is reachable). */
  get since(): number | undefined {
    return this.downSince;
  }

  /** The first cause seen in the current outage. */
  get lastCause(): string | undefined {
    return this.cause;
  }

  /** A new client of `kind`, watched by this link. */
  client(kind: ClientKind): Redis {
    const options: RedisOptions =
      kind === 'command'
        ? {
            maxRetriesPerRequest: 1,
            enableOfflineQueue: false,
            commandTimeout: this.opts.commandTimeoutMs ?? 5000,
            retryStrategy,
            connectTimeout: 5000,
          }
        : // BullMQ requires maxRetriesPerRequest: null for blocking commands.
          { maxRetriesPerRequest: null, retryStrategy, connectTimeout: 5000 };
    const c = new Redis(this.opts.url, options);
    this.clients.add(c);
    c.on('ready', () => {
      if (this.allReady()) this.markUp();
    });
    // Socket and AUTH errors come here, once per reconnection attempt: they only mark the link down.
    c.on('error', (err: Error) => {
      if (c.status !== 'ready') this.markDown(err.message);
    });
    c.on('close', () => this.markDown('connection closed'));
    return c;
  }

  /**
   * An error from a BullMQ object or a command: connection errors mark the
   * link down (logged once per outage); other errors are logged, the same
   * message at most once a minute, without stack traces.
   */
  noteError(err: unknown, context = ''): void {
    if (this.closing) return;
    const message = this.redact(err instanceof Error ? err.message : String(err));
    if (isConnectionError(err)) {
      // A command that timed out while every connection stands is not an outage.
      if (!this.allReady()) this.markDown(message);
      return;
    }
    const now = Date.now();
    const key = `${context}|${message}`;
    if ((this.recentErrors.get(key) ?? 0) > now - 60_000) return;
    this.recentErrors.set(key, now);
    if (this.recentErrors.size > 100) this.recentErrors.clear();
    this.opts.log(`[${this.opts.name}] redis${context ? ` (${context})` : ''}: ${message}`);
  }

  /** Resolves true as soon as the link is up, or false after `ms`. */
  waitUp(ms: number): Promise<boolean> {
    if (this.up) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.upWaiters.delete(done);
        resolve(this.up);
      };
      const t = setTimeout(done, ms);
      this.upWaiters.add(done);
    });
  }

  /** Stops watching: connections closed from here on are ours to close, not an outage to report. */
  stopWatching(): void {
    this.closing = true;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    for (const done of [...this.upWaiters]) done();
  }

  /** Stops watching and drops every client at once (never waits on an unreachable server). */
  disconnectAll(): void {
    this.stopWatching();
    for (const c of this.clients) c.disconnect();
  }

  private allReady(): boolean {
    for (const c of this.clients) if (c.status !== 'ready') return false;
    return true;
  }

  /** Says at once that Redis is unreachable (used when it was unreachable at start). */
  reportDown(cause: string, note: string): void {
    this.markDown(cause);
    this.logDown(note);
  }

  private markDown(cause: string): void {
    if (this.closing) return;
    const redacted = this.redact(cause);
    // "connection closed" is how an outage starts; the reason comes with the next error.
    if (!this.cause || this.cause === 'connection closed') this.cause = redacted;
    if (this.downSince !== undefined) {
      if (this.everUp && !this.logged && !this.quietTimer) this.scheduleLog();
      return;
    }
    this.downSince = Date.now();
    this.scheduleLog();
  }

  private scheduleLog(): void {
    if (!this.everUp) return;
    this.quietTimer = setTimeout(() => {
      this.quietTimer = undefined;
      if (!this.up) this.logDown(this.opts.downNote ?? 'waiting for it to come back');
    }, this.opts.quietMs ?? 1000);
    this.quietTimer.unref();
  }

  private logDown(note: string): void {
    if (this.logged) return;
    this.logged = true;
    this.opts.log(`[${this.opts.name}] Redis at ${this.displayUrl} is unreachable (${this.cause ?? 'unknown cause'}); ${note}. Retrying in the background.`);
  }

  private markUp(): void {
    if (this.closing || this.downSince === undefined) return;
    const ms = Date.now() - this.downSince;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
    if (this.logged) this.opts.log(`[${this.opts.name}] Redis at ${this.displayUrl} is reachable again (after ${seconds(ms)}).`);
    this.logged = false;
    this.downSince = undefined;
    this.cause = undefined;
    this.everUp = true;
    for (const done of [...this.upWaiters]) done();
    this.opts.onUp?.();
  }
}
