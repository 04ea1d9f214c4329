/**
 * `tasuke <command> [...]`: the terminal face. Each command lives in its own
 * file under `commands/` and is imported only when asked for, so `tasuke ask`
 * does not pay for loading TensorFlow. `main` owns what every command shares:
 * `--help` and `tasuke help <command>`, `--version`, the language of messages
 * (--lang, else TASUKE_LANG, else the locale), suggestions for a mistyped
 * command, and the exit codes of errors (2 for a command line to fix).
 */
import { readFileSync } from 'node:fs';
import { loadConfig, type Config } from '../config.ts';
import { ConfigError, describeUnexpected, UserError } from '../core/errors.ts';
import { isLang, t, type Lang } from '../core/lang.ts';
import { didYouMean, helpHint, nearest } from './args.ts';
import { EXIT, isCliCommand, type CliCommand, type CliContext } from './command.ts';
import { helpOf, renderHelp } from './help.ts';

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
  const path = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!path) return undefined;
  const mod = (await import(path)) as { command?: unknown };
  if (!isCliCommand(mod.command)) throw new Error(`${path} does not export a valid \`command\` (needs name, usage, run).`);
  return mod.command;
}

/** tasuke's version, from package.json. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The general usage: every command with what it does, in `lang`. */
async function usage(ctx: CliContext, lang: Lang): Promise<string> {
  const lines = [t(lang, '使い方: tasuke <コマンド> [オプション]', 'Usage: tasuke <command> [options]'), '', t(lang, 'コマンド:', 'Commands:')];
  for (const name of Object.keys(COMMANDS)) {
    try {
      const cmd = await loadCommand(name);
      if (cmd) lines.push(`  ${name.padEnd(18)} ${(await helpOf(cmd, ctx)).summary[lang]}`);
    } catch {
      // A command whose module is missing is simply not listed.
    }
  }
  lines.push(
    '',
    t(lang, '  tasuke <コマンド> --help   そのコマンドの説明とオプション（tasuke help <コマンド> も同じ）', '  tasuke <command> --help   that command’s usage and options (also: tasuke help <command>)'),
    t(lang, '  tasuke --version           バージョン', '  tasuke --version           the version'),
  );
  return lines.join('\n') + '\n';
}

/** The language of messages: a valid `--lang` anywhere on the line, else the configuration's (TASUKE_LANG, then the locale). */
function langOf(argv: string[], config: Pick<Config, 'lang'> | undefined): Lang {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') break;
    const m = /^--lang(?:=(.*))?$/.exec(argv[i]);
    const v = m ? (m[1] ?? argv[i + 1]) : undefined;
    if (isLang(v)) return v;
  }
  return config?.lang ?? 'en';
}

/** `--help` or `-h` before any `--`. */
const asksHelp = (argv: string[]) => {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

async function unknownCommand(name: string, ctx: CliContext, lang: Lang): Promise<number> {
  const hint = didYouMean(nearest(name, Object.keys(COMMANDS)));
  ctx.stderr.write(t(lang, `「${name}」というコマンドはありません。${hint.ja}`, `Unknown command "${name}".${hint.en}`) + ` ${helpHint(undefined, lang)}\n`);
  return EXIT.usage;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], partial: Partial<CliContext> = {}): Promise<number> {
  const stdout = partial.stdout ?? process.stdout;
  const stderr = partial.stderr ?? process.stderr;
  let config: Config;
  try {
    config = partial.config ?? loadConfig();
  } catch (err) {
    stderr.write(`${(err as Error).message}\n`);
    return EXIT.usage;
  }
  const lang = partial.lang ?? langOf(argv, config);
  const ctx: CliContext = { config, stdout, stderr, stdin: partial.stdin ?? process.stdin, signal: partial.signal, lang };
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    stdout.write(`tasuke ${version()}\n`);
    return EXIT.ok;
  }
  if (!name || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    (name ? stdout : stderr).write(await usage(ctx, lang));
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === 'help') {
    const cmd = await loadCommand(rest[0]);
    if (!cmd) return unknownCommand(rest[0], ctx, lang);
    stdout.write(renderHelp(await helpOf(cmd, ctx, rest.slice(1)), lang));
    return EXIT.ok;
  }
  if (name.startsWith('-')) {
    stderr.write(t(lang, `コマンドの前のオプション ${name} は使えません。`, `Unknown option ${name} before the command.`) + ` ${helpHint(undefined, lang)}\n`);
    return EXIT.usage;
  }
  const cmd = await loadCommand(name);
  if (!cmd) return unknownCommand(name, ctx, lang);
  if (asksHelp(rest)) {
    stdout.write(renderHelp(await helpOf(cmd, ctx, rest), lang));
    return EXIT.ok;
  }
  try {
    return await cmd.run(rest, ctx);
  } catch (err) {
    if (err instanceof ConfigError) {
      stderr.write(`${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof UserError) {
      stderr.write(`${err.messageFor(lang)}${err.id === 'usage' ? t(lang, '', ' ') + helpHint(name, lang) : ''}\n`);
      return EXIT.usage;
    }
    stderr.write(`${describeUnexpected(err, lang, (l) => stderr.write(l + '\n'))}\n`);
    return EXIT.failure;
  }
}

/**
 * A reader that went away (`tasuke lessons | head`) is not an error: stop
 * quietly, as Unix tools do, instead of printing a stack trace.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok);
    throw err;
  });
}

const isEntry = process.argv[1] && /(?:cli[\\/]main\.ts|bin[\\/]tasuke(?:\.js)?)$/.test(process.argv[1]);
if (isEntry) {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err);
      process.exitCode = EXIT.failure;
    },
  );
}
