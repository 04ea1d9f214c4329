/**
 * The one place that reads the environment. Every setting is validated here,
 * with defaults, and the rest of tasuke receives typed values. Options passed
 * in beat the environment; `.env` in the working directory is read first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { ConfigError } from './core/errors.ts';
import { langOfLocale, type Lang } from './core/lang.ts';
import { redact } from './core/redact.ts';

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  // http(s) only: "localhost:8080/v1" would otherwise pass as a URL whose scheme is "localhost:".
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional())
  .optional();
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const int = (min: number, max: number, def: number) => z.coerce.number().int().min(min).max(max).default(def);
const num = (min: number, max: number, def: number) => z.coerce.number().min(min).max(max).default(def);

export const TF_BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

const redisUrl = z
  .string()
  .trim()
  .refine((v) => /^rediss?:\/\/[^\s/]+/.test(v) && URL.canParse(v), {
    message: 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379 or redis://:password@host:6379/0',
  })
  .default('redis://127.0.0.1:6379');

const schema = z.object({
  TASUKE_DATA_DIR: z.string().default('data'),
  TASUKE_KNOWLEDGE_DIR: z.string().default('knowledge'),
  TASUKE_LESSONS_DIR: z.string().default('lessons'),
  TASUKE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  // The language of the terminal (`tasuke … --lang` beats it); unset: the system locale decides.
  TASUKE_LANG: z.enum(['ja', 'en']).optional(),
  LC_ALL: optionalString,
  LC_MESSAGES: optionalString,
  LANG: optionalString,
  // Question answering
  TASUKE_ANSWER_THRESHOLD: num(0, 1, 0.45),
  EMBEDDINGS_BASE_URL: optionalUrl,
  EMBEDDINGS_MODEL: optionalString,
  EMBEDDINGS_API_KEY: optionalString,
  LLM_BASE_URL: optionalUrl,
  LLM_MODEL: optionalString,
  LLM_API_KEY: optionalString,
  LLM_TIMEOUT_MS: int(1000, 300_000, 20_000),
  // Training
  TASUKE_TF_BACKEND: z.enum(TF_BACKENDS).default('auto'),
  TASUKE_QUEUE: z.enum(['embedded', 'redis']).default('embedded'),
  REDIS_URL: redisUrl,
  TASUKE_WORKER_CONCURRENCY: int(1, 64, 1),
  TASUKE_JOB_TIMEOUT_S: int(5, 24 * 3600, 600),
  TASUKE_MAX_QUEUED_PER_USER: int(1, 100, 2),
  TASUKE_RETENTION_DAYS: int(1, 3650, 14),
  TASUKE_TRAIN_THREADS: int(0, 2, 0),
  TASUKE_RUN_CACHE_ENTRIES: int(0, 100_000, 500),
  TASUKE_RUN_CACHE_MB: int(1, 100_000, 64),
  // Faces
  TASUKE_HOST: z.string().default('127.0.0.1'),
  TASUKE_PORT: int(0, 65535, 3000),
  TASUKE_ASK_PER_MINUTE: int(1, 10_000, 10),
  TASUKE_TRAIN_PER_MINUTE: int(1, 10_000, 3),
  // The TA dashboard (web) and the sweeper of unanswered conversations
  TASUKE_TA_TOKENS: optionalString,
  TASUKE_SESSION_HOURS: num(0.01, 24 * 30, 12),
  TASUKE_UNANSWERED_AFTER_S: int(1, 7 * 24 * 3600, 600),
  // Discord (checked as a whole by discordSettings() when the bot starts)
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString,
  DISCORD_GUILD_ID: optionalString,
  DISCORD_HELP_CHANNEL_IDS: optionalString,
  DISCORD_FORUM_CHANNEL_ID: optionalString,
  DISCORD_TA_CHANNEL_ID: optionalString,
  DISCORD_TA_ROLE_ID: optionalString,
  DISCORD_API_URL: optionalString,
});

type Raw = z.infer<typeof schema>;

/** Every environment variable tasuke reads, in the order of `.env.example`. */
export const CONFIG_KEYS = Object.keys(schema.shape) as (keyof Raw)[];

/** Variables whose values are secrets: never repeated in an error. */
const SECRET_KEYS = new Set<string>(['DISCORD_TOKEN', 'LLM_API_KEY', 'EMBEDDINGS_API_KEY']);

export interface Config {
  dataDir: string;
  knowledgeDir: string;
  lessonsDir: string;
  logLevel: Raw['TASUKE_LOG_LEVEL'];
  /** The language of a terminal face when no --lang is given: TASUKE_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG). */
  lang: Lang;
  qa: {
    answerThreshold: number;
    embeddings?: { baseUrl: string; model: string; apiKey?: string };
    llm?: { baseUrl: string; model: string; apiKey?: string; timeoutMs: number };
  };
  training: {
    backend: (typeof TF_BACKENDS)[number];
    queue: 'embedded' | 'redis';
    redisUrl: string;
    concurrency: number;
    jobTimeoutS: number;
    maxQueuedPerUser: number;
    /** Finished jobs and their charts older than this many days are deleted (at start and daily). */
    retentionDays: number;
    /**
     * Threads one run may train on (the fused trainer's helper thread): 1 or 2; 0 (default) picks
     * 2 when the cores are at least twice the runs that train at once (concurrency), else 1.
     */
    trainThreads: number;
    /** Finished runs kept to serve identical submissions (0: off), and the most megabytes they take. */
    runCacheEntries: number;
    runCacheMb: number;
  };
  host: string;
  port: number;
  /** Per-person limits of the faces (a sliding minute). */
  limits: { askPerMinute: number; trainPerMinute: number };
  /** The TA dashboard: who may sign in (none: no dashboard) and how long a session lasts. */
  web: { taTokens: TaToken[]; sessionHours: number };
  /** A conversation with no TA reply and no 👍 for this long is handed to a TA by the sweeper. */
  unansweredAfterS: number;
  /** Raw Discord settings; `discordSettings()` checks them when the bot starts. */
  discord: {
    token?: string;
    applicationId?: string;
    guildId?: string;
    helpChannelIds?: string;
    forumChannelId?: string;
    taChannelId?: string;
    taRoleId?: string;
    apiUrl?: string;
  };
}

/** The Discord settings once checked: every id a snowflake, the required ones present. */
export interface DiscordSettings {
  token: string;
  applicationId: string;
  guildId?: string;
  helpChannelIds: string[];
  forumChannelId?: string;
  taChannelId: string;
  taRoleId: string;
  /** Replaces Discord's REST base URL (tests, proxies); the gateway URL then comes from its `GET /gateway/bot`. */
  apiUrl?: string;
}

/** A TA allowed on the dashboard: the name shown on what they do, and the secret they sign in with. */
export interface TaToken {
  name: string;
  token: string;
}

/**
 * Parses `TASUKE_TA_TOKENS` (`name:token,name:token`). Throws a ConfigError
 * naming each malformed item; a token shorter than 12 characters is refused,
 * since it is the only thing between the web and the TA queue.
 */
export function parseTaTokens(raw: string | undefined): TaToken[] {
  if (!raw) return [];
  const out: TaToken[] = [];
  const problems: string[] = [];
  raw.split(',').map((s) => s.trim()).filter(Boolean).forEach((item, i) => {
    const colon = item.indexOf(':');
    const name = colon === -1 ? '' : item.slice(0, colon).trim();
    const token = colon === -1 ? '' : item.slice(colon + 1).trim();
    if (!name || !token) problems.push(`  TASUKE_TA_TOKENS item ${i + 1} is not name:token.`);
    else if (token.length < 12) problems.push(`  TASUKE_TA_TOKENS: the token of "${name}" has ${token.length} characters; use at least 12.`);
    else if (out.some((t) => t.name === name)) problems.push(`  TASUKE_TA_TOKENS: the name "${name}" is listed twice.`);
    else if (out.some((t) => t.token === token)) problems.push(`  TASUKE_TA_TOKENS: "${name}" has the same token as another TA.`);
    else out.push({ name, token });
  });
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  return out;
}

export type ConfigOverrides = Partial<Record<keyof Raw, string | number | undefined>>;

/** Reads `.env` (if present) without touching `process.env`. */
function readDotenv(cwd: string): Record<string, string> {
  const path = resolve(cwd, '.env');
  return existsSync(path) ? parseDotenv(readFileSync(path)) : {};
}

/**
 * Builds the configuration from overrides, then the environment, then `.env`.
 * Throws a ConfigError naming every invalid variable and what it must be.
 */
export function loadConfig(
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Config {
  const merged: Record<string, unknown> = { ...readDotenv(cwd) };
  for (const key of Object.keys(schema.shape)) {
    // An empty or blank value means "not set": the default applies, never 0 or "".
    const given = (v: unknown) => v !== undefined && !(typeof v === 'string' && v.trim() === '');
    if (!given(merged[key])) delete merged[key];
    if (given(env[key])) merged[key] = env[key];
    const o = overrides[key as keyof Raw];
    if (given(o)) merged[key] = o;
  }
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    // A malformed URL may still hold a password (`redis//:pw@host`): hide whatever sits between ':' and '@' too.
    const shown = (key: string) =>
      SECRET_KEYS.has(key) ? '"***"' : redact(JSON.stringify(merged[key])).replace(/:[^:@/\s"]+@/g, ':***@');
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}=${shown(String(i.path[0]))}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const r = parsed.data;
  const pair = (base: string | undefined, model: string | undefined, what: string) => {
    if (base && !model) throw new ConfigError(`${what}_BASE_URL is set but ${what}_MODEL is not: set both or neither.`);
    if (model && !base) throw new ConfigError(`${what}_MODEL is set but ${what}_BASE_URL is not: set both or neither.`);
    return base && model;
  };
  return {
    dataDir: resolve(cwd, r.TASUKE_DATA_DIR),
    knowledgeDir: resolve(cwd, r.TASUKE_KNOWLEDGE_DIR),
    lessonsDir: resolve(cwd, r.TASUKE_LESSONS_DIR),
    logLevel: r.TASUKE_LOG_LEVEL,
    lang: r.TASUKE_LANG ?? langOfLocale(r.LC_ALL ?? r.LC_MESSAGES ?? r.LANG),
    qa: {
      answerThreshold: r.TASUKE_ANSWER_THRESHOLD,
      embeddings: pair(r.EMBEDDINGS_BASE_URL, r.EMBEDDINGS_MODEL, 'EMBEDDINGS')
        ? { baseUrl: r.EMBEDDINGS_BASE_URL!, model: r.EMBEDDINGS_MODEL!, apiKey: r.EMBEDDINGS_API_KEY }
        : undefined,
      llm: pair(r.LLM_BASE_URL, r.LLM_MODEL, 'LLM')
        ? { baseUrl: r.LLM_BASE_URL!, model: r.LLM_MODEL!, apiKey: r.LLM_API_KEY, timeoutMs: r.LLM_TIMEOUT_MS }
        : undefined,
    },
    training: {
      backend: r.TASUKE_TF_BACKEND,
      queue: r.TASUKE_QUEUE,
      redisUrl: r.REDIS_URL,
      concurrency: r.TASUKE_WORKER_CONCURRENCY,
      jobTimeoutS: r.TASUKE_JOB_TIMEOUT_S,
      maxQueuedPerUser: r.TASUKE_MAX_QUEUED_PER_USER,
      retentionDays: r.TASUKE_RETENTION_DAYS,
      trainThreads: r.TASUKE_TRAIN_THREADS,
      runCacheEntries: r.TASUKE_RUN_CACHE_ENTRIES,
      runCacheMb: r.TASUKE_RUN_CACHE_MB,
    },
    host: r.TASUKE_HOST,
    port: r.TASUKE_PORT,
    limits: { askPerMinute: r.TASUKE_ASK_PER_MINUTE, trainPerMinute: r.TASUKE_TRAIN_PER_MINUTE },
    web: { taTokens: parseTaTokens(r.TASUKE_TA_TOKENS), sessionHours: r.TASUKE_SESSION_HOURS },
    unansweredAfterS: r.TASUKE_UNANSWERED_AFTER_S,
    discord: {
      token: r.DISCORD_TOKEN,
      applicationId: r.DISCORD_APPLICATION_ID,
      guildId: r.DISCORD_GUILD_ID,
      helpChannelIds: r.DISCORD_HELP_CHANNEL_IDS,
      forumChannelId: r.DISCORD_FORUM_CHANNEL_ID,
      taChannelId: r.DISCORD_TA_CHANNEL_ID,
      taRoleId: r.DISCORD_TA_ROLE_ID,
      apiUrl: r.DISCORD_API_URL,
    },
  };
}

const SNOWFLAKE = /^\d{17,20}$/;

/**
 * Checks the Discord settings as a whole. Returns `undefined` when no token
 * is set (Discord is off); throws a ConfigError listing every missing or
 * malformed variable otherwise.
 */
export function discordSettings(config: Pick<Config, 'discord'>, opts: { needToken?: boolean } = {}): DiscordSettings | undefined {
  const d = config.discord;
  if (!d.token && !opts.needToken) return undefined;
  const problems: string[] = [];
  const id = (name: string, value: string | undefined, required: boolean) => {
    if (value === undefined) {
      if (required) problems.push(`  ${name} is not set: it must be a Discord id (a number of 17-20 digits).`);
    } else if (!SNOWFLAKE.test(value)) {
      problems.push(`  ${name}=${JSON.stringify(value)} is not a Discord id (a number of 17-20 digits; right-click > Copy ID in Discord).`);
    }
    return value;
  };
  if (!d.token) problems.push('  DISCORD_TOKEN is not set: the bot token from the Discord developer portal.');
  else if (/\s/.test(d.token)) problems.push('  DISCORD_TOKEN contains spaces: paste the token alone, without "Bot ".');
  id('DISCORD_APPLICATION_ID', d.applicationId, true);
  id('DISCORD_GUILD_ID', d.guildId, false);
  id('DISCORD_FORUM_CHANNEL_ID', d.forumChannelId, false);
  id('DISCORD_TA_CHANNEL_ID', d.taChannelId, true);
  id('DISCORD_TA_ROLE_ID', d.taRoleId, true);
  const helpChannelIds = (d.helpChannelIds ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const h of helpChannelIds) id('DISCORD_HELP_CHANNEL_IDS', h, true);
  if (d.apiUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(d.apiUrl)) {
    problems.push(`  DISCORD_API_URL=${JSON.stringify(d.apiUrl)} is not an http(s) URL.`);
  }
  if (problems.length) throw new ConfigError(`Discord is not configured correctly:\n${problems.join('\n')}`);
  return {
    token: d.token!,
    applicationId: d.applicationId!,
    guildId: d.guildId,
    helpChannelIds,
    forumChannelId: d.forumChannelId,
    taChannelId: d.taChannelId!,
    taRoleId: d.taRoleId!,
    apiUrl: d.apiUrl?.replace(/\/+$/, ''),
  };
}
