import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { UserError } from '../../src/core/errors.ts';
import { createLogger } from '../../src/core/log.ts';
import { createRateLimiter } from '../../src/core/rate-limit.ts';
import { redact } from '../../src/core/redact.ts';

describe('createRateLimiter', () => {
  it('allows perMinute actions in a sliding minute per person, then says how long to wait in both languages', () => {
    const limit = createRateLimiter(2, { ja: '質問', en: 'ask' });
    limit.take('alice', 0);
    limit.take('alice', 10_000);
    limit.take('bob', 10_000);
    let err: UserError | undefined;
    try {
      limit.take('alice', 20_000);
    } catch (e) {
      err = e as UserError;
    }
    expect(err).toBeInstanceOf(UserError);
    expect(err!.context.waitS).toBe(40);
    expect(err!.messages.ja).toContain('1 分に 2 回まで');
    expect(err!.messages.en).toContain('about 40 s');
    // The refused try did not count; once the first one leaves the window, one more goes through.
    expect(() => limit.take('alice', 60_001)).not.toThrow();
  });

  it('refuses a nonsensical limit at construction', () => {
    expect(() => createRateLimiter(0, { ja: 'x', en: 'x' })).toThrow(/positive integer, got 0/);
  });
});

describe('redact', () => {
  it('masks URL passwords, auth headers, Discord tokens and given secrets', () => {
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789';
    const text = `connect redis://:s3cret@10.0.0.1:6379 and rediss://user:pw@host/0; Authorization: Bot ${token}; key sk-live-123456 ${token}`;
    const out = redact(text, ['sk-live-123456']);
    expect(out).not.toContain('s3cret');
    expect(out).not.toContain(':pw@');
    expect(out).not.toContain(token);
    expect(out).not.toContain('sk-live-123456');
    expect(out).toContain('redis://:***@10.0.0.1:6379');
    expect(out).toContain('rediss://user:***@host/0');
  });
});

describe('createLogger', () => {
  it('writes JSON lines without the configured secrets', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const config = loadConfig({}, { DISCORD_TOKEN: 'tok-abcdef-123', LLM_BASE_URL: 'http://127.0.0.1:9/v1', LLM_MODEL: 'm', LLM_API_KEY: 'key-987654' }, '/nonexistent');
    const log = createLogger(config, sink);
    log.info({ url: 'redis://:pw@127.0.0.1:6379' }, 'token tok-abcdef-123 and key key-987654');
    const line = JSON.parse(lines.join('')) as { msg: string; url: string; level: number };
    expect(line.level).toBe(30);
    expect(line.msg).toBe('token *** and key ***');
    expect(line.url).toBe('redis://:***@127.0.0.1:6379');
  });
});
