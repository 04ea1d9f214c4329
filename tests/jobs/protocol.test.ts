import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import {
  ChildCommand,
  deserializeError,
  isChildMessage,
  isParentMessage,
  ParentCommand,
  serializeError,
} from '../../src/jobs/protocol.ts';

describe('worker protocol', () => {
  it('carries a UserError across the process boundary with both languages and its id', () => {
    const original = new UserError('invalid-param', { ja: '学習率が大きすぎます', en: 'learning rate too large' }, { param: 'learningRate' });
    const wire = JSON.parse(JSON.stringify(serializeError(original)));
    const back = deserializeError(wire);
    expect(back).toBeInstanceOf(UserError);
    expect((back as UserError).id).toBe('invalid-param');
    expect((back as UserError).messages.ja).toBe('学習率が大きすぎます');
    expect((back as UserError).context).toEqual({ param: 'learningRate' });
  });

  it('keeps name, message and stack of other errors, and stringifies non-errors', () => {
    const err = new RangeError('boom');
    const back = deserializeError(JSON.parse(JSON.stringify(serializeError(err))));
    expect(back).not.toBeInstanceOf(UserError);
    expect(back.name).toBe('RangeError');
    expect(back.message).toBe('boom');
    expect(back.stack).toContain('boom');
    expect(serializeError('plain')).toEqual({ name: 'Error', message: 'plain' });
  });

  it('tells messages of the two directions apart', () => {
    expect(isChildMessage({ cmd: ChildCommand.Ready })).toBe(true);
    expect(isChildMessage({ cmd: ParentCommand.Start })).toBe(false);
    expect(isParentMessage({ cmd: ParentCommand.Cancel })).toBe(true);
    expect(isParentMessage({ cmd: 'progress' })).toBe(false);
    expect(isParentMessage(null)).toBe(false);
  });
});
