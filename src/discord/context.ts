/**
 * What every part of the Discord face works with: the core's services, the
 * checked Discord settings, the client, a logger, the TA desk (escalation
 * posts) and the run watcher (/train messages). Built once by `createBot`.
 */
import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  Client,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { DiscordSettings } from '../config.ts';
import type { Logger } from '../core/log.ts';
import type { Lang } from '../core/lang.ts';
import type { Services } from '../services.ts';
import type { Lesson } from '../training/lesson.ts';
import type { TaDesk } from './escalations.ts';
import type { RunWatcher } from './runs.ts';

/** The Discord face's shared parts, handed to every handler. */
export interface FaceContext {
  services: Services;
  settings: DiscordSettings;
  client: Client;
  log: Logger;
  ta: TaDesk;
  runs: RunWatcher;
}

/**
 * One interaction being handled. The handler starts it with the language of
 * the person's Discord client; a command that learns better (the language the
 * question is written in, the asker's answer) sets `lang`, so that an error
 * shown by the interaction handler is in that language too.
 */
export interface Turn {
  lang: Lang;
}

/** A chat-input command definition as Discord's API takes it. */
export type CommandData = RESTPostAPIChatInputApplicationCommandsJSONBody;

/** The shape every file in `commands/` exports as `command` (checked when the list is loaded). */
export interface SlashCommand {
  /** The command's name, as Discord sends it back (the English one). */
  name: string;
  /**
   * The definition registered with Discord (options with their types and
   * ranges, ja localizations). A function for commands whose options depend
   * on the lessons (/train states each lesson's ranges).
   */
  data: CommandData | ((lessons: readonly Lesson[]) => CommandData);
  execute(interaction: ChatInputCommandInteraction, ctx: FaceContext, turn: Turn): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: FaceContext): Promise<void>;
}
