import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { loadLesson } from '../../src/training/lessons.ts';
import { validateParams } from '../../src/training/params.ts';
import { LESSONS_DIR } from './support.ts';

const mnist = await loadLesson('mnist', LESSONS_DIR);
const linear = await loadLesson('linear', LESSONS_DIR);

function rejection(raw: unknown, lesson = mnist): UserError {
  try {
    validateParams(lesson, raw);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

describe('validateParams', () => {
  it('fills in the lesson defaults and keeps given values', () => {
    expect(validateParams(mnist, {})).toEqual(mnist.defaults);
    expect(validateParams(mnist, undefined)).toEqual(mnist.defaults);
    const p = validateParams(mnist, { epochs: 3, learningRate: 0.01, optimizer: 'sgd', seed: 7, hiddenUnits: 32, batchSize: undefined });
    expect(p).toMatchObject({ epochs: 3, learningRate: 0.01, optimizer: 'sgd', seed: 7, hiddenUnits: 32, batchSize: mnist.defaults.batchSize });
  });

  it('names the parameter and the allowed range in Japanese and English', () => {
    const b = mnist.bounds.numeric.epochs;
    const err = rejection({ epochs: b.max + 1 });
    expect(err.id).toBe('invalid-param');
    expect(err.messages.en).toContain('epochs');
    expect(err.messages.en).toContain(`from ${b.min} to ${b.max}`);
    expect(err.messages.en).toContain(`got ${b.max + 1}`);
    expect(err.messages.ja).toContain('epochs');
    expect(err.messages.ja).toContain('エポック数');
    expect(err.messages.ja).toContain(`${b.min} から ${b.max} まで`);
    expect(err.messageFor('ja')).not.toBe(err.messageFor('en'));

    const lr = rejection({ learningRate: 0 }).messages;
    // One name per parameter: the kebab-case one people type.
    expect(lr.en).toMatch(/^learning-rate \(learning rate\) must be a number from 1e-5 to 10/);
    expect(lr.ja).toContain('学習率');
    expect(rejection({ batchSize: 4 }).messages.en).toMatch(/^batch-size .*from 8 to 1024/);
    // The problem as data, for a face to word with the name the person used.
    expect(rejection({ batchSize: 4 }).context).toMatchObject({ kind: 'range', param: 'batchSize', min: 8, max: 1024, integer: true });
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a numeric string', '10'],
    ['a word', 'many'],
    ['null', null],
    ['a fraction where an integer is needed', 2.5],
    ['a negative number', -1],
  ])('rejects %s for epochs', (_what, value) => {
    const err = rejection({ epochs: value });
    expect(err.context.param).toBe('epochs');
    expect(err.messages.en).toContain('must be an integer');
    expect(err.messages.ja).toContain('整数');
  });

  it('rejects unknown keys, listing the accepted ones', () => {
    const err = rejection({ epocs: 3 });
    expect(err.id).toBe('unknown-param');
    expect(err.messages.en).toContain('no parameter epocs');
    expect(err.messages.en).toContain('epochs, learning-rate, batch-size');
    expect(err.messages.ja).toContain('epocs');
    // hiddenUnits belongs to mnist, not to linear.
    expect(rejection({ hiddenUnits: 8 }, linear).id).toBe('unknown-param');
  });

  it('accepts only the optimizers the lesson allows', () => {
    const err = rejection({ optimizer: 'adagrad' });
    expect(err.messages.en).toContain('sgd, adam, rmsprop');
    expect(err.messages.ja).toContain('オプティマイザ');
    expect(rejection({ optimizer: 3 }).context.param).toBe('optimizer');
  });

  it('checks seeds and the second seed of a comparison', () => {
    expect(validateParams(mnist, { seed: 0, compareSeed: 5 })).toMatchObject({ seed: 0, compareSeed: 5 });
    expect(rejection({ seed: -3 }).messages.en).toContain('seed');
    expect(rejection({ compareSeed: 1.5 }).context.param).toBe('compareSeed');
  });

  it('rejects parameters that are not name/value pairs', () => {
    expect(rejection([1, 2]).id).toBe('invalid-params');
    expect(rejection('epochs=3').id).toBe('invalid-params');
  });
});
