/** Runs the CLI in-process with captured streams. */
import { PassThrough, Readable } from 'node:stream';
import type { Config } from '../../src/config.ts';
import { main } from '../../src/cli/main.ts';

export function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

export async function runCli(argv: string[], config: Config, stdin = '') {
  const out = capture();
  const err = capture();
  const code = await main(argv, { config, stdout: out.stream, stderr: err.stream, stdin: Readable.from([stdin]) });
  return { code, out: out.text(), err: err.text() };
}
