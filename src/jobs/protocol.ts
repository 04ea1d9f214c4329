/**
 * What a training worker child process and its parent say to each other.
 * Every message is `{ cmd, value?, err? }` with `cmd` from one of two enums;
 * errors cross the process boundary serialised (name, message, stack, and a
 * UserError's bilingual messages), never as live objects.
 */
import type { Config } from '../config.ts';
import { UserError } from '../core/errors.ts';
import type { Bilingual } from '../core/lang.ts';
import type { EpochEvent, TrainResult } from '../training/types.ts';
import type { JobSubmission } from './types.ts';

/** Parent → child. */
export enum ParentCommand {
  /** Run one job: `value` is a `StartValue`. */
  Start = 'start',
  /** Abort the running job (its AbortSignal fires); the child answers Completed or Failed. */
  Cancel = 'cancel',
  /** Exit when idle. */
  Stop = 'stop',
}

/** Child → parent. */
export enum ChildCommand {
  /** Loaded and waiting for Start. */
  Ready = 'ready',
  /** Could not load (`err`); the child exits right after. */
  InitFailed = 'init-failed',
  /** One epoch finished: `value` is an EpochEvent. */
  Progress = 'progress',
  /** Training ended with a result (possibly stopped early): `value` is a `CompletedValue`. */
  Completed = 'completed',
  /** Training threw (`err`). */
  Failed = 'failed',
}

export interface StartValue {
  jobId: string;
  submission: JobSubmission;
  /** The configuration of the process that runs the job (backend, lessons folder); the child's own environment otherwise. */
  config?: Config;
}

export interface CompletedValue {
  result: TrainResult;
  /** The loss chart, PNG, base64; absent when rendering failed (`chartError` says why). */
  chartPngBase64?: string;
  reading?: string;
  chartError?: SerializedError;
}

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** Present when the error was a UserError. */
  userError?: { id: string; messages: Bilingual; context: Record<string, unknown> };
}

export type ParentMessage =
  | { cmd: ParentCommand.Start; value: StartValue }
  | { cmd: ParentCommand.Cancel }
  | { cmd: ParentCommand.Stop };

export type ChildMessage =
  | { cmd: ChildCommand.Ready }
  | { cmd: ChildCommand.InitFailed; err: SerializedError }
  | { cmd: ChildCommand.Progress; value: EpochEvent }
  | { cmd: ChildCommand.Completed; value: CompletedValue }
  | { cmd: ChildCommand.Failed; err: SerializedError };

export function serializeError(err: unknown): SerializedError {
  if (err instanceof UserError) {
    return {
      name: err.name,
      message: err.message,
      stack: err.stack,
      userError: { id: err.id, messages: err.messages, context: err.context },
    };
  }
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: String(err) };
}

/** Rebuilds an Error (a UserError where it was one) from its serialised form. */
export function deserializeError(s: SerializedError): Error {
  const err = s.userError ? new UserError(s.userError.id, s.userError.messages, s.userError.context) : new Error(s.message);
  err.name = s.name;
  if (s.stack) err.stack = s.stack;
  return err;
}

const CHILD_COMMANDS = new Set<string>(Object.values(ChildCommand));
const PARENT_COMMANDS = new Set<string>(Object.values(ParentCommand));

export function isChildMessage(m: unknown): m is ChildMessage {
  return typeof m === 'object' && m !== null && CHILD_COMMANDS.has((m as { cmd?: unknown }).cmd as string);
}

export function isParentMessage(m: unknown): m is ParentMessage {
  return typeof m === 'object' && m !== null && PARENT_COMMANDS.has((m as { cmd?: unknown }).cmd as string);
}
