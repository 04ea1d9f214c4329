/**
 * Every command's help: `tasuke <command> --help` and `tasuke help <command>`
 * print the same usage, every option with its range or values, and examples,
 * in the asked language; --help is never taken as an argument.
 */
import { describe, expect, it } from 'vitest';
import { COMMANDS, loadCommand } from '../../src/cli/main.ts';
import { paramFlag } from '../../src/training/words.ts';
import { loadLessons } from '../../src/training/lessons.ts';
import { LESSONS_DIR, testConfig } from '../training/support.ts';
import { runCli } from './support.ts';

const config = testConfig();

describe('help', () => {
  for (const name of Object.keys(COMMANDS)) {
    it(`tasuke ${name} --help and tasuke help ${name} print its usage, every option and an example`, async () => {
      const cmd = (await loadCommand(name))!;
      const a = await runCli([name, '--help'], config);
      const b = await runCli(['help', name], config);
      expect(a.code).toBe(0);
      expect(b).toEqual(a);
      expect(a.out).toMatch(new RegExp(`^Usage: tasuke ${name}`));
      expect(a.out).toContain('Options:');
      expect(a.out).toMatch(/Examples:\n {2}tasuke /);
      const help = await cmd.help!({ config, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, lang: 'en' });
      for (const option of help.options) {
        expect(a.out).toContain(option.flags.join(', '));
        if (option.values) expect(a.out).toContain(option.values);
      }
      const ja = await runCli([name, '-h', '--lang', 'ja'], config);
      expect(ja.out).toMatch(new RegExp(`^使い方: tasuke ${name}`));
      expect(ja.out).toContain('オプション:');
      expect(ja.out).toContain('例:');
    });
  }

  it('train --help lists every parameter of every lesson with its ranges, and a lesson’s own help its defaults', async () => {
    const all = await runCli(['train', '--help'], config);
    for (const lesson of await loadLessons(LESSONS_DIR)) {
      for (const key of Object.keys(lesson.defaults)) expect(all.out).toContain(`--${paramFlag(key)} `);
    }
    expect(all.out).toContain('--learning-rate X, --lr X');
    expect(all.out).toMatch(/--dropout X +dropout rate \(only mnist; 0 … 0\.8\)/);
    expect(all.out).toContain('3 the loss became NaN');
    const mnist = await runCli(['train', 'mnist', '--help'], config);
    expect(mnist.out).toMatch(/--epochs N +number of epochs \(1 … 50; default 10\)/);
    expect(mnist.out).toMatch(/--learning-rate X, --lr X +learning rate \(1e-5 … 10; default 0\.002\)/);
    expect(mnist.out).not.toContain('--filters');
    expect((await runCli(['help', 'train', 'cnn'], config)).out).toContain('--filters N');
  });

  it('takes ask --help as a request for help, not as a question; -- makes it a question', async () => {
    const r = await runCli(['ask', '--help'], config);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: tasuke ask/);
    expect(r.out).not.toContain('[Answer]');
    const parsed = await runCli(['ask', '--jsn', 'hello'], config);
    expect(parsed.code).toBe(2);
    expect(parsed.err).toContain('Unknown option --jsn. Did you mean --json?');
  });
});
