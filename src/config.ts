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

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url().optional())
  .optional();
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const int = (min: number, max: number, def: number) => z.coerce.number().int().min(min).max(max).default(def);
const num = (min: number, max: number, def: number) => z.coerce.number().min(min).max(max).default(def);

export const TF_BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

const schema = z.object({
  TASUKE_DATA_DIR: z.string().default('data'),
  TASUKE_KNOWLEDGE_DIR: z.string().default('knowledge'),
  TASUKE_LESSONS_DIR: z.string().default('lessons'),
  TASUKE_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
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
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  TASUKE_WORKER_CONCURRENCY: int(1, 64, 1),
  TASUKE_JOB_TIMEOUT_S: int(5, 24 * 3600, 600),
  TASUKE_MAX_QUEUED_PER_USER: int(1, 100, 2),
  // Faces
  DISCORD_TOKEN: optionalString,
  TASUKE_HOST: z.string().default('127.0.0.1'),
  TASUKE_PORT: int(0, 65535, 3000),
});

type Raw = z.infer<typeof schema>;

export interface Config {
  dataDir: string;
  knowledgeDir: string;
  lessonsDir: string;
  logLevel: Raw['TASUKE_LOG_LEVEL'];
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
  };
  discordToken?: string;
  host: string;
  port: number;
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
    if (env[key] !== undefined) merged[key] = env[key];
    const o = overrides[key as keyof Raw];
    if (o !== undefined) merged[key] = o;
  }
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}=${JSON.stringify(merged[String(i.path[0])])}: ${i.message}`);
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
    },
    discordToken: r.DISCORD_TOKEN,
    host: r.TASUKE_HOST,
    port: r.TASUKE_PORT,
  };
}
