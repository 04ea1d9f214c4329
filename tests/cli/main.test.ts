import { PassThrough } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { COMMANDS, loadCommand, main } from '../../src/cli/main.ts';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe('cli main', () => {
  const config = loadConfig({}, {}, mkdtempSync(join(tmpdir(), 'tasuke-cli-')));

  it('every mapped command module exports a valid command', async () => {
    for (const name of Object.keys(COMMANDS)) {
      const cmd = await loadCommand(name);
      expect(cmd?.name).toBe(name);
    }
  });

  it('lists the commands with --help', async () => {
    const out = capture();
    expect(await main(['--help'], { stdout: out.stream, config })).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(out.text()).toContain(name);
  });

  it('rejects an unknown command with exit code 2', async () => {
    const err = capture();
    expect(await main(['frobnicate'], { stderr: err.stream, config })).toBe(2);
    expect(err.text()).toContain('Unknown command "frobnicate"');
  });
});
