/**
 * `tasuke <command> [...]`: the terminal face. Each command lives in its own
 * file under `commands/` and is imported only when asked for, so `tasuke ask`
 * does not pay for loading TensorFlow.
 */
import { loadConfig } from '../config.ts';
import { ConfigError, describeUnexpected, UserError } from '../core/errors.ts';
import { detectLang } from '../core/lang.ts';
import { isCliCommand, type CliCommand, type CliContext } from './command.ts';

/** Command names and the module each one lives in. */
export const COMMANDS: Record<string, string> = {
  ask: './commands/ask.ts',
  index: './commands/index.ts',
  lessons: './commands/lessons.ts',
  'register-commands': './commands/register-commands.ts',
  serve: './commands/serve.ts',
  train: './commands/train.ts',
  worker: './commands/worker.ts',
};

export async function loadCommand(name: string): Promise<CliCommand | undefined> {
  const path = COMMANDS[name];
  if (!path) return undefined;
  const mod = (await import(path)) as { command?: unknown };
  if (!isCliCommand(mod.command)) throw new Error(`${path} does not export a valid \`command\` (needs name, usage, run).`);
  return mod.command;
}

async function usage(out: NodeJS.WritableStream): Promise<void> {
  const lines = ['Usage: tasuke <command> [options]', '', 'Commands:'];
  for (const name of Object.keys(COMMANDS)) {
    try {
      const cmd = await loadCommand(name);
      if (cmd) lines.push(`  ${cmd.usage.padEnd(44)} ${cmd.summary}`);
    } catch {
      // A command whose module is missing is simply not listed.
    }
  }
  out.write(lines.join('\n') + '\n');
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], partial: Partial<CliContext> = {}): Promise<number> {
  const stdout = partial.stdout ?? process.stdout;
  const stderr = partial.stderr ?? process.stderr;
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await usage(stdout);
    return name ? 0 : 2;
  }
  let config;
  try {
    config = partial.config ?? loadConfig();
  } catch (err) {
    stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  const cmd = await loadCommand(name);
  if (!cmd) {
    stderr.write(`Unknown command "${name}". Run \`tasuke --help\`.\n`);
    return 2;
  }
  const ctx: CliContext = { config, stdout, stderr, stdin: partial.stdin ?? process.stdin, signal: partial.signal };
  try {
    return await cmd.run(rest, ctx);
  } catch (err) {
    if (err instanceof ConfigError) {
      stderr.write(`${err.message}\n`);
      return 2;
    }
    const lang = detectLang(rest.join(' '), 'en');
    stderr.write(`${describeUnexpected(err, lang, (l) => stderr.write(l + '\n'))}\n`);
    return err instanceof UserError ? 2 : 1;
  }
}

const isEntry = process.argv[1] && /(?:cli[\\/]main\.ts|bin[\\/]tasuke(?:\.js)?)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
