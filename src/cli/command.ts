import type { Config } from '../config.ts';

/** Streams and configuration a CLI command works with (injectable for tests). */
export interface CliContext {
  config: Config;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  /**
   * Ends a long-running command (`serve`) as SIGTERM/SIGINT would; tests
   * pass one instead of sending the process a signal.
   */
  signal?: AbortSignal;
}

/**
 * The shape every file in `src/cli/commands/` exports as `command`.
 * `run` returns the process exit code.
 */
export interface CliCommand {
  name: string;
  usage: string;
  summary: string;
  run(argv: string[], ctx: CliContext): Promise<number>;
}

export function isCliCommand(value: unknown): value is CliCommand {
  const v = value as Partial<CliCommand> | null;
  return !!v && typeof v.name === 'string' && typeof v.run === 'function' && typeof v.usage === 'string';
}
