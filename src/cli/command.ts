import type { Config } from '../config.ts';
import type { Bilingual, Lang } from '../core/lang.ts';

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
  /** The language of messages: --lang, else TASUKE_LANG, else the locale (resolved by `main`). */
  lang?: Lang;
}

/** One option of a command, as its help lists it. */
export interface OptionHelp {
  /** The flags as typed, with a value placeholder: ['--learning-rate X', '--lr X']. */
  flags: string[];
  /** What it does. */
  text: Bilingual;
  /** Its range or values: "0.0001 … 10", "ja | en"; a default may be part of it. */
  values?: string;
}

/** What `tasuke <command> --help` prints: usage lines, what it does, every option, examples. */
export interface CommandHelp {
  usage: string[];
  summary: Bilingual;
  options: OptionHelp[];
  examples: string[];
  /** Further paragraphs (exit codes, where the ranges come from). */
  notes?: Bilingual[];
}

/**
 * The shape every file in `src/cli/commands/` exports as `command`.
 * `run` returns the process exit code. `help` (where present) gives the full
 * help; commands without it are described by `usage` and `summary`.
 */
export interface CliCommand {
  name: string;
  usage: string;
  summary: string;
  /** `argv` is the rest of the command line (`tasuke train mnist --help` gives mnist's own options). */
  help?(ctx: CliContext, argv?: string[]): CommandHelp | Promise<CommandHelp>;
  run(argv: string[], ctx: CliContext): Promise<number>;
}

export function isCliCommand(value: unknown): value is CliCommand {
  const v = value as Partial<CliCommand> | null;
  return (
    !!v &&
    typeof v.name === 'string' &&
    typeof v.run === 'function' &&
    typeof v.usage === 'string' &&
    (v.help === undefined || typeof v.help === 'function')
  );
}

/** Exit codes scripts can rely on. */
export const EXIT = {
  /** The command did what was asked (a training run that finished, whatever its verdict). */
  ok: 0,
  /** Something failed that is not the caller's fault (an internal error, a bad line in --stdin input). */
  failure: 1,
  /** The command line was wrong: unknown command or option, bad value, missing argument. */
  usage: 2,
  /** A training run stopped because its loss became NaN or infinite. */
  nan: 3,
  /** Interrupted (Ctrl-C) or timed out before the end: 128 + SIGINT, as shells report it. */
  cancelled: 130,
} as const;
