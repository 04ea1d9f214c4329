import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf, parseTrainArgs } from '../../src/cli/commands/train.ts';
import { LESSONS_DIR, testConfig } from '../training/support.ts';
import { runCli } from './support.ts';

const config = testConfig();
const run = (argv: string[]) => runCli(argv, config);

describe('tasuke train', () => {
  it('parses flags into lesson parameters, under one kebab-case name each (and --lr)', async () => {
    const a = await parseTrainArgs(
      ['mnist', '--epochs', '3', '--lr=0.01', '--batch-size', '32', '--optimizer', 'sgd', '--seed', '7', '--hidden-units', '64', '--dropout', '0.2', '--compare', 'seed', '--lang', 'ja', '--json'],
      LESSONS_DIR,
    );
    expect(a).toMatchObject({
      lesson: 'mnist',
      params: { epochs: 3, learningRate: 0.01, batchSize: 32, optimizer: 'sgd', seed: 7, hiddenUnits: 64, dropout: 0.2 },
      typed: { learningRate: '--lr', hiddenUnits: '--hidden-units' },
      mode: 'compare-seed',
      lang: 'ja',
      json: true,
    });
    expect((await parseTrainArgs(['linear', 'compare', 'seed'], LESSONS_DIR)).mode).toBe('compare-seed');
    expect((await parseTrainArgs(['linear', '--learning-rate', '1e-3'], LESSONS_DIR)).params.learningRate).toBe(0.001);
    expect((await parseTrainArgs(['linear', '--seed2', '9'], LESSONS_DIR)).params.compareSeed).toBe(9);
  });

  it('prints progress, the summary and the reading in the chosen language', async () => {
    const r = await run(['train', 'linear', '--epochs', '3', '--lang', 'ja']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('エポック 1/3');
    expect(r.out).toContain('エポック 3/3');
    expect(r.out).toContain('損失');
    expect(r.out).toContain('本当の値: m = 2, b = 1');
    expect(r.out).toMatch(/バックエンド (WebAssembly|純 JavaScript|TensorFlow)/);
    const en = await run(['train', 'xor', '--epochs', '2']);
    expect(en.code).toBe(0);
    expect(en.out).toMatch(/\[perceptron \(no hidden layer\) 1\/2\] +epoch 1\/2/);
    expect(en.out).toMatch(/\[one hidden layer 2\/2\] +epoch 2\/2/);
    expect(en.out).toContain('val acc');
    const ja = await run(['train', 'xor', '--epochs', '2', '--lang', 'ja']);
    expect(ja.out).toMatch(/\[パーセプトロン（隠れ層なし） 1\/2\] +エポック 1\/2/);
  });

  it('prints a line every tenth of the run when piped, not one per epoch', async () => {
    const r = await run(['train', 'linear', '--epochs', '200']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').filter((l) => /^epoch \d+\/200/.test(l));
    expect(lines.map((l) => Number(/^epoch (\d+)/.exec(l)![1]))).toEqual([1, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
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
    expect(json.reading).toBeTypeOf('string');
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

  it('names the flag as typed in a message about a parameter, in the chosen language, with exit code 2', async () => {
    const ja = await run(['train', 'mnist', '--epochs', '999', '--lang', 'ja']);
    expect(ja.code).toBe(2);
    expect(ja.err).toContain('--epochs（エポック数）は 1 から 50 までの整数で指定してください（指定された値: 999）。');
    expect(ja.out).toBe('');
    const lr = await run(['train', 'mnist', '--lr', 'fast']);
    expect(lr.code).toBe(2);
    expect(lr.err).toContain('--lr (learning rate) must be a number from 1e-5 to 10 (got "fast").');
    const long = await run(['train', 'mnist', '--learning-rate', '20']);
    expect(long.err).toContain('--learning-rate (learning rate) must be a number from 1e-5 to 10 (got 20).');
    const batch = await run(['train', 'mnist', '--batch-size=4']);
    expect(batch.err).toContain('--batch-size (batch size) must be an integer from 8 to 1024 (got 4).');
    const opt = await run(['train', 'mnist', '--optimizer', 'adagrad']);
    expect(opt.err).toContain('--optimizer (optimizer) must be one of sgd, adam, rmsprop (got "adagrad").');
  });

  it('refuses unknown lessons and options with the nearest name, before training', async () => {
    const unknown = await run(['train', 'linear', '--hidden-units', '8']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('Lesson linear has no option --hidden-units. It accepts --epochs, --learning-rate, --batch-size, --optimizer, --seed, --compare-seed.');
    const typo = await run(['train', 'mnist', '--hiden-units', '8']);
    expect(typo.err).toContain('Lesson mnist has no option --hiden-units. Did you mean --hidden-units?');
    const lesson = await run(['train', 'mnsit', '--lang', 'ja']);
    expect(lesson.code).toBe(2);
    expect(lesson.err).toContain('「mnsit」というレッスンはありません。mnist のことですか？');
    const missing = await run(['train']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('Which lesson?');
    expect((await run(['train', 'linear', '--compare', 'lr'])).code).toBe(2);
    const lang = await run(['train', 'linear', '--lang', 'fr']);
    expect(lang.code).toBe(2);
    expect(lang.err).toContain('--lang must be ja or en (got fr).');
    expect((await run(['train', 'linear', '--epochs'])).err).toContain('--epochs needs a value.');
    expect((await run(['train', 'linear', '--json=yes'])).err).toContain('--json takes no value.');
  });

  it('refuses --chart into a missing or unwritable folder before training starts', async () => {
    const missing = await run(['train', 'linear', '--chart', '/no/such/folder/x.png']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--chart /no/such/folder/x.png: the folder /no/such/folder does not exist; nothing was trained.');
    expect(missing.out).toBe('');
    const dir = mkdtempSync(join(tmpdir(), 'tasuke-chart-'));
    expect((await run(['train', 'linear', '--chart', dir])).err).toContain('is a folder');
    if (process.getuid?.() !== 0) {
      // root writes anywhere, so an unwritable folder can only be shown to other users.
      const locked = join(dir, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      expect((await run(['train', 'linear', '--chart', join(locked, 'x.png')])).err).toContain('is not writable');
    }
  });

  it('exits 0 for a finished run, 3 for one stopped by NaN', async () => {
    const nan = await run(['train', 'linear', '--lr', '10', '--epochs', '5']);
    expect(nan.code).toBe(3);
    expect(nan.out).toContain('the loss became NaN');
    expect((await run(['train', 'linear', '--epochs', '2'])).code).toBe(0);
    const at = (reason: 'nan' | 'cancelled' | 'timeout') => ({ series: [{ stopped: { reason, epoch: 2 } }] }) as never;
    expect(exitCodeOf(at('cancelled'))).toBe(130);
    expect(exitCodeOf(at('timeout'))).toBe(130);
    expect(exitCodeOf(at('nan'))).toBe(3);
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
  it('lists the lessons with defaults and ranges under the flags people type, as text and as JSON', async () => {
    const text = await run(['lessons', '--lang', 'ja']);
    expect(text.code).toBe(0);
    for (const id of ['linear', 'xor', 'iris', 'mnist', 'cnn']) expect(text.out).toContain(id);
    expect(text.out).toContain('既定値');
    expect(text.out).toContain('--learning-rate 0.002  (1e-5 … 10)  学習率');
    expect(text.out).toContain('--hidden-units 128  (8 … 512)  隠れ層のユニット数');
    expect(text.out).not.toMatch(/learningRate|hiddenUnits|batchSize/);
    const json = await run(['lessons', '--json']);
    const list = JSON.parse(json.out) as { id: string; defaults: Record<string, unknown>; params: Record<string, { flag: string; min?: number; max?: number; allowed?: string[] }> }[];
    expect(list.map((l) => l.id)).toEqual(['linear', 'xor', 'iris', 'mnist', 'cnn']);
    const mnist = list.find((l) => l.id === 'mnist')!;
    expect(mnist.params.epochs).toMatchObject({ min: 1, max: 50, flag: '--epochs' });
    expect(mnist.params.learningRate.flag).toBe('--learning-rate');
    expect(mnist.params.optimizer.allowed).toEqual(['sgd', 'adam', 'rmsprop']);
    expect(mnist.defaults.hiddenUnits).toBe(128);
    const bogus = await run(['lessons', '--jsn']);
    expect(bogus.code).toBe(2);
    expect(bogus.err).toContain('Unknown option --jsn. Did you mean --json?');
  });
});
