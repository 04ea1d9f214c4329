/**
 * Lays out a command's help for a terminal: usage, what it does, every
 * option with its range or values, examples and notes, in the asked language.
 */
import { t, type Lang } from '../core/lang.ts';
import type { CliCommand, CliContext, CommandHelp } from './command.ts';

/** The help of `cmd`: its own, or one built from `usage` and `summary` for a command without it. */
export async function helpOf(cmd: CliCommand, ctx: CliContext, argv: string[] = []): Promise<CommandHelp> {
  if (cmd.help) return cmd.help(ctx, argv);
  return { usage: [`tasuke ${cmd.usage}`], summary: { ja: cmd.summary, en: cmd.summary }, options: [], examples: [] };
}

/** The help as text, options aligned in two columns. */
export function renderHelp(help: CommandHelp, lang: Lang): string {
  const lines: string[] = [];
  help.usage.forEach((u, i) => lines.push(`${i === 0 ? t(lang, '使い方: ', 'Usage: ') : '       '}${u}`));
  lines.push('', help.summary[lang]);
  if (help.options.length > 0) {
    lines.push('', t(lang, 'オプション:', 'Options:'));
    const left = help.options.map((o) => o.flags.join(', '));
    const width = Math.min(34, Math.max(...left.map((l) => l.length)));
    help.options.forEach((o, i) => {
      const values = o.values ? t(lang, `（${o.values}）`, ` (${o.values})`) : '';
      const text = `${o.text[lang]}${values}`;
      lines.push(left[i].length > width ? `  ${left[i]}\n  ${''.padEnd(width)}  ${text}` : `  ${left[i].padEnd(width)}  ${text}`);
    });
  }
  if (help.examples.length > 0) {
    lines.push('', t(lang, '例:', 'Examples:'));
    for (const e of help.examples) lines.push(`  ${e}`);
  }
  for (const note of help.notes ?? []) lines.push('', note[lang]);
  return lines.join('\n') + '\n';
}

/** The `--lang` option every command shares. */
export const LANG_OPTION = {
  flags: ['--lang ja|en'],
  text: { ja: 'メッセージの言語（既定: TASUKE_LANG、なければシステムのロケール）', en: 'language of the messages (default: TASUKE_LANG, else the system locale)' },
  values: 'ja | en',
};

/** The `--help` option every command shares. */
export const HELP_OPTION = {
  flags: ['--help', '-h'],
  text: { ja: 'この説明を表示する', en: 'show this help' },
};
