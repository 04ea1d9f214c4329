import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parseTrainArgs } from '../../src/cli/commands/train.ts';
import { testConfig } from '../training/support.ts';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

const config = testConfig();

async function run(argv: string[]) {
  const out = capture();
  const err = capture();
  const code = await main(argv, { stdout: out.stream, stderr: err.stream, config });
  return { code, out: out.text(), err: err.text() };
}

describe('tasuke train', () => {
  it('parses flags into lesson parameters', () => {
    const a = parseTrainArgs(['mnist', '--epochs', '3', '--lr=0.01', '--batch-size', '32', '--optimizer', 'sgd', '--seed', '7', '--hidden-units', '64', '--compare', 'seed', '--lang', 'ja', '--json']);
    expect(a).toMatchObject({
      lesson: 'mnist',
      params: { epochs: 3, learningRate: 0.01, batchSize: 32, optimizer: 'sgd', seed: 7, hiddenUnits: 64 },
      mode: 'compare-seed',
      lang: 'ja',
      json: true,
    });
    expect(parseTrainArgs(['linear', 'compare', 'seed']).mode).toBe('compare-seed');
    expect(parseTrainArgs(['linear', '--lr', '1e-3']).params.learningRate).toBe(0.001);
    // Not a number: left as typed, for the lesson to reject with a clear message.
    expect(parseTrainArgs(['linear', '--epochs', 'ten']).params.epochs).toBe('ten');
  });

  it('prints per-epoch progress, the summary and the reading in the chosen language', async () => {
    const r = await run(['train', 'linear', '--epochs', '3', '--lang', 'ja']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('エポック 1/3');
    expect(r.out).toContain('エポック 3/3');
    expect(r.out).toContain('損失');
    expect(r.out).toContain('本当の値: m = 2, b = 1');
    expect(r.out).toMatch(/バックエンド (wasm|cpu|tensorflow)/);
    const en = await run(['train', 'xor', '--epochs', '2']);
    expect(en.code).toBe(0);
    expect(en.out).toMatch(/\[perceptron 1\/2\] +epoch 1\/2/);
    expect(en.out).toMatch(/\[hidden 2\/2\] +epoch 2\/2/);
    expect(en.out).toContain('val acc');
  });

  it('--json prints one object on stdout and the progress on stderr, with the chart path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tasuke-train-cli-'));
    const chart = join(dir, 'iris.png');
    const r = await run(['train', 'iris', '--epochs', '3', '--seed', '4', '--json', '--chart', chart]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ lesson: 'iris', params: { epochs: 3, seed: 4 }, chart });
    expect(['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu']).toContain(json.backend);
    expect(json.history).toHaveLength(3);
    expect(json.final.valAcc).toBeTypeOf('number');
    expect(json.seconds).toBeGreaterThan(0);
    expect(r.err).toContain('epoch 3/3');
    expect(readFileSync(chart).subarray(1, 4).toString('ascii')).toBe('PNG');

    const plain = await run(['train', 'linear', '--epochs', '2', '--json']);
    expect(JSON.parse(plain.out).chart).toBeNull();
  });

  it('--compare seed trains two seeds', async () => {
    const r = await run(['train', 'linear', '--epochs', '2', '--seed', '3', '--compare', 'seed', '--json']);
    const json = JSON.parse(r.out);
    expect(json.mode).toBe('compare-seed');
    expect(json.series.map((s: { params: { seed: number } }) => s.params.seed)).toEqual([3, 4]);
  });

  it('bad parameters print the message in the chosen language and exit 2', async () => {
    const ja = await run(['train', 'mnist', '--epochs', '999', '--lang', 'ja']);
    expect(ja.code).toBe(2);
    expect(ja.err).toContain('epochs（エポック数）は 1 から 50 までの整数で指定してください（指定された値: 999）。');
    expect(ja.out).toBe('');
    const en = await run(['train', 'mnist', '--lr', 'fast']);
    expect(en.code).toBe(2);
    expect(en.err).toContain('learningRate (learning rate) must be a number from 0.00001 to 10 (got "fast").');
    const unknown = await run(['train', 'linear', '--hidden-units', '8']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Unknown parameter "hiddenUnits"');
    const noLesson = await run(['train', 'nope', '--lang', 'ja']);
    expect(noLesson.code).toBe(2);
    expect(noLesson.err).toContain('「nope」というレッスンはありません');
    const missing = await run(['train']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('Which lesson?');
    expect((await run(['train', 'linear', '--compare', 'lr'])).code).toBe(2);
    expect((await run(['train', 'linear', '--lang', 'fr'])).code).toBe(2);
  });

  it('writes the CNN kernel image next to the chart', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tasuke-train-cnn-'));
    const chart = join(dir, 'cnn.png');
    const r = await run(['train', 'cnn', '--epochs', '1', '--json', '--chart', chart]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.images).toEqual([join(dir, 'cnn-kernels.png')]);
    expect(existsSync(join(dir, 'cnn-kernels.png'))).toBe(true);
  });
});

describe('tasuke lessons', () => {
  it('lists the lessons with defaults and ranges, as text and as JSON', async () => {
    const text = await run(['lessons', '--lang', 'ja']);
    expect(text.code).toBe(0);
    for (const id of ['linear', 'xor', 'iris', 'mnist', 'cnn']) expect(text.out).toContain(id);
    expect(text.out).toContain('既定値');
    const json = await run(['lessons', '--json']);
    const list = JSON.parse(json.out) as { id: string; defaults: Record<string, unknown>; params: Record<string, { min?: number; max?: number; allowed?: string[] }> }[];
    expect(list.map((l) => l.id)).toEqual(['linear', 'xor', 'iris', 'mnist', 'cnn']);
    const mnist = list.find((l) => l.id === 'mnist')!;
    expect(mnist.params.epochs).toMatchObject({ min: 1, max: 50 });
    expect(mnist.params.optimizer.allowed).toEqual(['sgd', 'adam', 'rmsprop']);
    expect(mnist.defaults.hiddenUnits).toBe(128);
    expect((await run(['lessons', '--bogus'])).code).toBe(2);
  });
});
