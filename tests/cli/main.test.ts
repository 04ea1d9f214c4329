import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { COMMANDS, loadCommand, version } from '../../src/cli/main.ts';
import { editDistance, nearest } from '../../src/cli/args.ts';
import { testConfig } from '../training/support.ts';
import { runCli } from './support.ts';

const REPO = new URL('../..', import.meta.url).pathname;
const config = testConfig();

describe('cli main', () => {
  it('every mapped command module exports a valid command', async () => {
    for (const name of Object.keys(COMMANDS)) {
      const cmd = await loadCommand(name);
      expect(cmd?.name).toBe(name);
    }
  });

  it('lists the commands with --help and help, in the asked language', async () => {
    for (const argv of [['--help'], ['help'], ['-h']]) {
      const r = await runCli(argv, config);
      expect(r.code).toBe(0);
      for (const name of Object.keys(COMMANDS)) expect(r.out).toContain(`  ${name} `);
      expect(r.out).toContain('tasuke <command> --help');
    }
    const ja = await runCli(['--help', '--lang', 'ja'], config);
    expect(ja.out).toContain('使い方: tasuke <コマンド>');
    // No command at all is a usage error, with the usage on stderr.
    const none = await runCli([], config);
    expect(none.code).toBe(2);
    expect(none.err).toContain('Usage: tasuke <command>');
  });

  it('prints its version', async () => {
    const r = await runCli(['--version'], config);
    expect(r).toMatchObject({ code: 0, out: `tasuke ${version()}\n` });
    expect(version()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('suggests the nearest command for an unknown one, with exit code 2', async () => {
    const r = await runCli(['trian'], config);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Unknown command "trian". Did you mean train?');
    expect((await runCli(['help', 'lesson'], config)).err).toContain('Did you mean lessons?');
    const far = await runCli(['frobnicate'], config);
    expect(far.err).toContain('Unknown command "frobnicate".');
    expect(far.err).not.toContain('Did you mean');
    expect((await runCli(['trian', '--lang', 'ja'], config)).err).toContain('train のことですか？');
  });

  it('finds typos, not far-fetched matches', () => {
    expect(editDistance('trian', 'train')).toBe(1);
    expect(nearest('--lerning-rate', ['--learning-rate', '--epochs'])).toBe('--learning-rate');
    expect(nearest('--epoch', ['--learning-rate', '--epochs'])).toBe('--epochs');
    expect(nearest('xyz', ['train', 'lessons'])).toBeUndefined();
  });

  it('takes the language from --lang, else TASUKE_LANG, else the locale', async () => {
    const ja = testConfig({ TASUKE_LANG: 'ja' });
    expect((await runCli(['trian'], ja)).err).toContain('のことですか');
    expect((await runCli(['trian', '--lang', 'en'], ja)).err).toContain('Did you mean');
    const dir = REPO;
    expect(loadConfig({}, { LANG: 'ja_JP.UTF-8' }, dir).lang).toBe('ja');
    expect(loadConfig({}, { LANG: 'en_US.UTF-8', LC_ALL: 'ja_JP.UTF-8' }, dir).lang).toBe('ja');
    expect(loadConfig({}, { LANG: 'ja_JP.UTF-8', TASUKE_LANG: 'en' }, dir).lang).toBe('en');
    expect(loadConfig({}, { LANG: 'C.UTF-8' }, dir).lang).toBe('en');
    expect(loadConfig({}, {}, dir).lang).toBe('en');
    expect(() => loadConfig({}, { TASUKE_LANG: 'fr' }, dir)).toThrow(/TASUKE_LANG/);
  });

  it('ends quietly when the reader of its output goes away (tasuke train … | head)', { timeout: 120_000 }, async () => {
    // Training writes progress as it goes, so writes after the reader left are certain (EPIPE).
    const child = spawn(process.execPath, ['bin/tasuke.js', 'train', 'linear', '--epochs', '200', '--batch-size', '1'], { cwd: REPO, env: { ...process.env, TASUKE_LANG: 'en' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // Read the first chunk, then close our end of the pipe, as `head -1` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
