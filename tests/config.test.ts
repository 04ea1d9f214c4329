import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, discordSettings, loadConfig } from '../src/config.ts';
import { ConfigError } from '../src/core/errors.ts';
import { secretsOf } from '../src/core/log.ts';

const emptyDir = () => mkdtempSync(join(tmpdir(), 'tasuke-config-'));

describe('loadConfig', () => {
  it('gives defaults for an empty environment', () => {
    const dir = emptyDir();
    const c = loadConfig({}, {}, dir);
    expect(c.dataDir).toBe(join(dir, 'data'));
    expect(c.training.backend).toBe('auto');
    expect(c.training.queue).toBe('embedded');
    expect(c.qa.llm).toBeUndefined();
    expect(c.qa.embeddings).toBeUndefined();
    expect(c.port).toBe(3000);
  });

  it('lets overrides beat the environment and the environment beat .env', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, '.env'), 'TASUKE_PORT=4000\nTASUKE_WORKER_CONCURRENCY=3\nTASUKE_QUEUE=redis\n');
    const c = loadConfig({ TASUKE_PORT: 5000 }, { TASUKE_WORKER_CONCURRENCY: '2' }, dir);
    expect(c.port).toBe(5000);
    expect(c.training.concurrency).toBe(2);
    expect(c.training.queue).toBe('redis');
  });

  it('names every invalid variable and its value', () => {
    let err: unknown;
    try {
      loadConfig({}, { TASUKE_TF_BACKEND: 'tpu', TASUKE_PORT: 'eighty', TASUKE_ANSWER_THRESHOLD: '2' }, emptyDir());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain('TASUKE_TF_BACKEND="tpu"');
    expect(msg).toContain('TASUKE_PORT="eighty"');
    expect(msg).toContain('TASUKE_ANSWER_THRESHOLD="2"');
  });

  it('requires LLM base URL and model together', () => {
    expect(() => loadConfig({}, { LLM_BASE_URL: 'http://127.0.0.1:9/v1' }, emptyDir())).toThrow(/LLM_MODEL/);
    const c = loadConfig({}, { LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'm', LLM_API_KEY: '' }, emptyDir());
    expect(c.qa.llm).toEqual({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: undefined, timeoutMs: 20000 });
  });

  it('rejects a URL that is not one', () => {
    expect(() => loadConfig({}, { EMBEDDINGS_BASE_URL: 'not a url', EMBEDDINGS_MODEL: 'x' }, emptyDir())).toThrow(/EMBEDDINGS_BASE_URL/);
  });

  it('treats an empty or blank value as not set: the default applies, never 0', () => {
    const dir = emptyDir();
    writeFileSync(join(dir, '.env'), 'TASUKE_ANSWER_THRESHOLD=\nTASUKE_JOB_TIMEOUT_S=\n');
    const c = loadConfig({}, { TASUKE_PORT: ' ', TASUKE_MAX_QUEUED_PER_USER: '', TASUKE_ASK_PER_MINUTE: '\t' }, dir);
    expect(c.qa.answerThreshold).toBe(0.45);
    expect(c.training.jobTimeoutS).toBe(600);
    expect(c.port).toBe(3000);
    expect(c.training.maxQueuedPerUser).toBe(2);
    expect(c.limits.askPerMinute).toBe(10);
    // An empty value in the environment does not hide a real one in .env either.
    writeFileSync(join(dir, '.env'), 'TASUKE_PORT=4100\n');
    expect(loadConfig({}, { TASUKE_PORT: '' }, dir).port).toBe(4100);
  });
});

describe('discordSettings', () => {
  const ids = {
    DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789',
    DISCORD_APPLICATION_ID: '123456789012345678',
    DISCORD_TA_CHANNEL_ID: '223456789012345678',
    DISCORD_TA_ROLE_ID: '323456789012345678',
  };

  it('is off (undefined) without a token', () => {
    expect(discordSettings(loadConfig({}, {}, emptyDir()))).toBeUndefined();
  });

  it('parses a complete configuration, help channels split on commas', () => {
    const s = discordSettings(
      loadConfig({}, { ...ids, DISCORD_HELP_CHANNEL_IDS: ' 423456789012345678, 523456789012345678 ,', DISCORD_API_URL: 'http://127.0.0.1:9/api/' }, emptyDir()),
    )!;
    expect(s.helpChannelIds).toEqual(['423456789012345678', '523456789012345678']);
    expect(s.apiUrl).toBe('http://127.0.0.1:9/api');
    expect(s.guildId).toBeUndefined();
  });

  it('names every missing and malformed setting at once', () => {
    const c = loadConfig({}, { DISCORD_TOKEN: ids.DISCORD_TOKEN, DISCORD_TA_ROLE_ID: 'TA', DISCORD_HELP_CHANNEL_IDS: '423456789012345678,#help' }, emptyDir());
    let msg = '';
    try {
      discordSettings(c);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      msg = (err as Error).message;
    }
    expect(msg).toMatch(/DISCORD_APPLICATION_ID is not set/);
    expect(msg).toMatch(/DISCORD_TA_CHANNEL_ID is not set/);
    expect(msg).toMatch(/DISCORD_TA_ROLE_ID="TA" is not a Discord id/);
    expect(msg).toMatch(/DISCORD_HELP_CHANNEL_IDS="#help"/);
    // The token itself is never repeated in the message.
    expect(msg).not.toContain(ids.DISCORD_TOKEN);
  });
});

/**
 * A malformed value for every setting, or null for free text (paths, names,
 * tokens and keys whose form only their service can judge). Every key of the
 * schema must be listed: a new setting fails here until it has its case.
 */
const MALFORMED: Record<(typeof CONFIG_KEYS)[number], string | null> = {
  TASUKE_DATA_DIR: null,
  TASUKE_KNOWLEDGE_DIR: null,
  TASUKE_LESSONS_DIR: null,
  TASUKE_LOG_LEVEL: 'loud',
  TASUKE_LANG: 'fr',
  // The system locale: free text (C, POSIX, ja_JP.UTF-8 …).
  LC_ALL: null,
  LC_MESSAGES: null,
  LANG: null,
  TASUKE_ANSWER_THRESHOLD: 'high',
  EMBEDDINGS_BASE_URL: 'not a url',
  EMBEDDINGS_MODEL: null,
  EMBEDDINGS_API_KEY: null,
  LLM_BASE_URL: 'localhost:8080/v1',
  LLM_MODEL: null,
  LLM_API_KEY: null,
  LLM_TIMEOUT_MS: '20s',
  TASUKE_TF_BACKEND: 'tpu',
  TASUKE_QUEUE: 'rabbitmq',
  REDIS_URL: 'localhost:6379',
  TASUKE_WORKER_CONCURRENCY: '1.5',
  TASUKE_JOB_TIMEOUT_S: '-1',
  TASUKE_MAX_QUEUED_PER_USER: 'two',
  TASUKE_RETENTION_DAYS: '0',
  TASUKE_TRAIN_THREADS: '3',
  TASUKE_RUN_CACHE_ENTRIES: '-1',
  TASUKE_RUN_CACHE_MB: '0',
  TASUKE_HOST: null,
  TASUKE_PORT: '70000',
  TASUKE_ASK_PER_MINUTE: 'many',
  TASUKE_TRAIN_PER_MINUTE: '0',
  TASUKE_TA_TOKENS: 'alice',
  TASUKE_SESSION_HOURS: 'a day',
  TASUKE_UNANSWERED_AFTER_S: '-5',
  // The Discord settings are checked as a whole when the bot starts (discordSettings).
  DISCORD_TOKEN: 'Bot abc def',
  DISCORD_APPLICATION_ID: 'app',
  DISCORD_GUILD_ID: '12',
  DISCORD_HELP_CHANNEL_IDS: '#help',
  DISCORD_FORUM_CHANNEL_ID: 'forum',
  DISCORD_TA_CHANNEL_ID: 'ta-room',
  DISCORD_TA_ROLE_ID: '@TA',
  DISCORD_API_URL: 'ftp://discord.example',
};

describe('every setting', () => {
  const discordBase = {
    DISCORD_TOKEN: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789',
    DISCORD_APPLICATION_ID: '123456789012345678',
    DISCORD_TA_CHANNEL_ID: '223456789012345678',
    DISCORD_TA_ROLE_ID: '323456789012345678',
  };

  it('has a malformed case here (a new setting must be added to this table)', () => {
    expect(Object.keys(MALFORMED).sort()).toEqual([...CONFIG_KEYS].sort());
  });

  it('takes an empty or blank value, in the environment or in .env, as not set: the default', () => {
    const dir = emptyDir();
    const defaults = loadConfig({}, {}, dir);
    for (const key of CONFIG_KEYS) {
      for (const blank of ['', ' ', '\t']) {
        expect(loadConfig({}, { [key]: blank }, dir), `${key}=${JSON.stringify(blank)}`).toEqual(defaults);
      }
      writeFileSync(join(dir, '.env'), `${key}=\n`);
      expect(loadConfig({}, {}, dir), `.env ${key}=`).toEqual(defaults);
      writeFileSync(join(dir, '.env'), `${key}=" "\n`);
      expect(loadConfig({}, {}, dir), `.env ${key}=" "`).toEqual(defaults);
      rmSync(join(dir, '.env'));
    }
    // All of them empty at once.
    const allEmpty = Object.fromEntries(CONFIG_KEYS.map((k) => [k, '']));
    expect(loadConfig({}, allEmpty, dir)).toEqual(defaults);
  });

  it('names a malformed value and the variable it came from, for every setting with a form', () => {
    const dir = emptyDir();
    for (const key of CONFIG_KEYS) {
      const bad = MALFORMED[key];
      if (bad === null) {
        // Free text: taken as given (a model name needs its endpoint beside it).
        const companion = key.endsWith('_MODEL') ? { [key.replace('_MODEL', '_BASE_URL')]: 'http://127.0.0.1:9/v1' } : {};
        expect(() => loadConfig({}, { ...companion, [key]: 'some value' }, dir), key).not.toThrow();
        continue;
      }
      let err: unknown;
      try {
        if (key.startsWith('DISCORD_')) discordSettings(loadConfig({}, { ...discordBase, [key]: bad }, dir));
        else loadConfig({}, { [key]: bad }, dir);
      } catch (e) {
        err = e;
      }
      expect(err, `${key}=${bad}`).toBeInstanceOf(ConfigError);
      expect((err as Error).message, key).toContain(key);
      // Secrets are named but never repeated.
      if (key === 'DISCORD_TOKEN' || key === 'TASUKE_TA_TOKENS') expect((err as Error).message, key).not.toContain(bad);
      else expect((err as Error).message, key).toContain(bad);
    }
  });

  it('never repeats a password or token in its error', () => {
    const dir = emptyDir();
    for (const url of ['localhost:6379', 'redis//:hunter2-s3cret@host:6379', 'http://:hunter2-s3cret@host:6379']) {
      let msg = '';
      try {
        loadConfig({}, { REDIS_URL: url.replace('localhost:6379', 'redis:/:hunter2-s3cret@localhost') }, dir);
      } catch (e) {
        msg = (e as Error).message;
      }
      expect(msg).toContain('REDIS_URL');
      expect(msg).not.toContain('hunter2-s3cret');
    }
    expect(loadConfig({}, { REDIS_URL: 'redis://:hunter2-s3cret@gpu-1:6379/0' }, dir).training.redisUrl).toBe('redis://:hunter2-s3cret@gpu-1:6379/0');
    expect(secretsOf(loadConfig({}, { REDIS_URL: 'redis://:hunter2-s3cret@gpu-1:6379/0' }, dir))).toContain('hunter2-s3cret');
  });

  it('reads TASUKE_RETENTION_DAYS (default 14)', () => {
    expect(loadConfig({}, {}, emptyDir()).training.retentionDays).toBe(14);
    expect(loadConfig({}, { TASUKE_RETENTION_DAYS: '3' }, emptyDir()).training.retentionDays).toBe(3);
  });
});
