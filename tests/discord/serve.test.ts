/**
 * `tasuke serve` and `tasuke register-commands`: the CLI side of the Discord
 * face (settings checked at start-up, Discord off without a token, a clean
 * stop, commands registered with their option types).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { loadConfig, type ConfigOverrides } from '../../src/config.ts';
import { LESSONS, MINI_KNOWLEDGE, REPO } from './harness.ts';
import { FakeDiscord } from './support/fake-discord.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function config(overrides: ConfigOverrides = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuke-serve-'));
  dirs.push(dataDir);
  return loadConfig({ TASUKE_DATA_DIR: dataDir, TASUKE_KNOWLEDGE_DIR: MINI_KNOWLEDGE, TASUKE_LESSONS_DIR: LESSONS, TASUKE_LOG_LEVEL: 'error', TASUKE_PORT: 0, ...overrides }, {}, dataDir);
}

function cli(argv: string[], cfg: ReturnType<typeof config>, signal?: AbortSignal) {
  const out = new PassThrough();
  const err = new PassThrough();
  const text = { out: '', err: '' };
  out.on('data', (c: Buffer) => (text.out += c.toString()));
  err.on('data', (c: Buffer) => (text.err += c.toString()));
  const done = main(argv, { config: cfg, stdout: out, stderr: err, stdin: Readable.from([]), signal });
  return { done, text };
}

async function until(probe: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('tasuke serve', () => {
  it('says Discord is off without a token, and runs until stopped', async () => {
    const stop = new AbortController();
    const run = cli(['serve'], config(), stop.signal);
    await until(() => run.text.out.includes('Discord is off'), 'the start-up lines');
    expect(run.text.out).toContain('DISCORD_TOKEN is not set');
    stop.abort();
    expect(await run.done).toBe(0);
    expect(run.text.out).toMatch(/Stopping \(stop requested\)[\s\S]*Stopped\./);
  });

  /** `tasuke serve` as its own process, sent SIGTERM once its output shows `line`; its exit code and output. */
  async function sigtermOn(line: string): Promise<{ code: number | null; out: string }> {
    const dataDir = mkdtempSync(join(tmpdir(), 'tasuke-serve-'));
    dirs.push(dataDir);
    const env = { ...process.env, TASUKE_DATA_DIR: dataDir, TASUKE_KNOWLEDGE_DIR: MINI_KNOWLEDGE, TASUKE_LESSONS_DIR: LESSONS, TASUKE_LOG_LEVEL: 'error', TASUKE_PORT: '0', DISCORD_TOKEN: '' };
    // cwd: the temp dir, so a developer's .env (with a real token) is not read.
    const proc = spawn(process.execPath, [join(REPO, 'bin/tasuke.js'), 'serve'], { cwd: dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    await until(() => out.includes(line), `"${line}"`, 60_000);
    proc.kill('SIGTERM');
    const code = await exited;
    return { code, out };
  }

  it('stops cleanly on SIGTERM (a real process: nothing left open)', async () => {
    const { code, out } = await sigtermOn('Discord is off');
    expect(code).toBe(0);
    expect(out).toMatch(/Stopping \(SIGTERM\)[\s\S]*Stopped\./);
  });

  it('a SIGTERM during start-up still stops cleanly once start-up is done (no half-open database)', async () => {
    // The first start-up line: the index is being opened, the web and the bot are not started yet.
    const { code, out } = await sigtermOn('Starting tasuke');
    expect(code).toBe(0);
    expect(out).toMatch(/Stopping \(SIGTERM\)[\s\S]*Stopped\./);
  });

  it('names every Discord setting that is missing or malformed, and exits 2', async () => {
    const run = cli(['serve'], config({ DISCORD_TOKEN: 'abc', DISCORD_APPLICATION_ID: '123', DISCORD_HELP_CHANNEL_IDS: '123456789012345678, general' }));
    expect(await run.done).toBe(2);
    expect(run.text.err).toContain('Discord is not configured correctly');
    expect(run.text.err).toContain('DISCORD_APPLICATION_ID="123" is not a Discord id');
    expect(run.text.err).toContain('DISCORD_TA_CHANNEL_ID is not set');
    expect(run.text.err).toContain('DISCORD_TA_ROLE_ID is not set');
    expect(run.text.err).toContain('DISCORD_HELP_CHANNEL_IDS="general" is not a Discord id');
    expect(run.text.out).toBe('');
  });

  it('runs the bot with a token, and on stop finishes the answer in flight before closing', async () => {
    const fake = await FakeDiscord.start();
    try {
      const help = fake.addTextChannel('help');
      const ta = fake.addTextChannel('ta');
      const role = fake.addRole('TA');
      const alice = fake.addMember({ username: 'alice' });
      const cfg = config({
        DISCORD_TOKEN: fake.token,
        DISCORD_APPLICATION_ID: fake.appId,
        DISCORD_HELP_CHANNEL_IDS: help,
        DISCORD_TA_CHANNEL_ID: ta,
        DISCORD_TA_ROLE_ID: role,
        DISCORD_API_URL: fake.apiUrl,
      });
      const stop = new AbortController();
      const run = cli(['serve'], cfg, stop.signal);
      await until(() => run.text.out.includes('Discord bot running as tasuke'), 'the bot to start');
      const q = fake.postMessage({ channelId: help, author: alice, content: 'What is an epoch?' });
      await fake.waitUntil(() => fake.threads().find((t) => t.id === q.id), 10_000, 'the thread');
      stop.abort();
      expect(await run.done).toBe(0);
      expect(fake.messagesIn(q.id).filter((m) => m.author.id === fake.botUserId)).toHaveLength(1);
      expect(fake.connected).toBe(false);
      expect(fake.violations).toEqual([]);
    } finally {
      await fake.stop();
    }
  });
});

describe('tasuke register-commands', () => {
  it('registers the commands with their option types in the guild and says what it registered', async () => {
    const fake = await FakeDiscord.start();
    try {
      const cfg = config({
        DISCORD_TOKEN: fake.token,
        DISCORD_APPLICATION_ID: fake.appId,
        DISCORD_GUILD_ID: fake.guildId,
        DISCORD_TA_CHANNEL_ID: fake.addTextChannel('ta'),
        DISCORD_TA_ROLE_ID: fake.addRole('TA'),
        DISCORD_API_URL: fake.apiUrl,
      });
      const run = cli(['register-commands'], cfg);
      expect(await run.done).toBe(0);
      expect(run.text.out).toContain(`Registered 3 slash commands in guild ${fake.guildId}:`);
      expect(run.text.out).toContain('/ask question:string (required)');
      expect(run.text.out).toMatch(/\/train lesson:string \(required, autocomplete\) epochs:integer 1–500 learning_rate:number 0\.00001–10 batch_size:integer 1–1024 seed:integer 0–2147483647/);
      expect(run.text.out).toContain('/lessons');
      expect(fake.registeredCommands('guild').map((c) => c.name)).toEqual(['ask', 'train', 'lessons']);
      expect(fake.violations).toEqual([]);
    } finally {
      await fake.stop();
    }
  });
});
