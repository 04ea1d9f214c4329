/**
 * The slash commands, one file each, in a static list (no directory scan:
 * what the bot answers is what this file says). Each is checked when this
 * module loads, so a command missing its definition or handler fails at
 * start-up with its name, not on the first person who uses it.
 */
import type { CommandData, SlashCommand } from '../context.ts';
import type { Lesson } from '../../training/lesson.ts';
import { command as ask } from './ask.ts';
import { command as lessons } from './lessons.ts';
import { command as train } from './train.ts';

function checked(list: unknown[]): SlashCommand[] {
  return list.map((c, n) => {
    const cmd = c as Partial<SlashCommand> | undefined;
    const missing = [
      typeof cmd?.name !== 'string' && 'name',
      !(typeof cmd?.data === 'object' || typeof cmd?.data === 'function') && 'data',
      typeof cmd?.execute !== 'function' && 'execute',
    ].filter(Boolean);
    if (missing.length) throw new Error(`Slash command #${n + 1} (${String(cmd?.name)}) is missing ${missing.join(' and ')}.`);
    return cmd as SlashCommand;
  });
}

/** Every slash command, in the order they are registered. */
export const COMMANDS: readonly SlashCommand[] = checked([ask, train, lessons]);

/** The commands by name, as Discord sends them back. */
export const COMMANDS_BY_NAME: ReadonlyMap<string, SlashCommand> = new Map(COMMANDS.map((c) => [c.name, c]));

/** The definitions to register with Discord, /train's ranges taken from `lessons`. */
export function commandDefinitions(lessons: readonly Lesson[]): CommandData[] {
  return COMMANDS.map((c) => (typeof c.data === 'function' ? c.data(lessons) : c.data));
}
