/**
 * `tasuke register-commands` (also `npm run register-commands`): registers
 * tasuke's slash commands, with their option types, ranges and Japanese
 * localizations, in the guild DISCORD_GUILD_ID (at once) or globally when it
 * is not set (Discord may take up to an hour to show them). Registering is
 * its own step, not something the bot does at start-up: it is needed only
 * when the commands or the lessons' ranges change.
 */
// REST is @discordjs/rest's client, re-exported by discord.js (no second dependency to keep in step).
import { ApplicationCommandOptionType, REST, Routes, type APIApplicationCommand, type APIApplicationCommandOption } from 'discord.js';
import { discordSettings } from '../../config.ts';
import { commandDefinitions } from '../../discord/commands/index.ts';
import { loadLessons } from '../../training/lessons.ts';
import type { CliCommand } from '../command.ts';
import { HELP_OPTION, LANG_OPTION } from '../help.ts';

function describeOption(o: APIApplicationCommandOption): string {
  const type = (ApplicationCommandOptionType[o.type] ?? String(o.type)).toLowerCase();
  const range =
    'min_value' in o && (o.min_value !== undefined || o.max_value !== undefined) ? ` ${o.min_value ?? ''}–${o.max_value ?? ''}` : '';
  const flags = [o.required ? 'required' : '', 'autocomplete' in o && o.autocomplete ? 'autocomplete' : ''].filter(Boolean);
  return `${o.name}:${type}${range}${flags.length ? ` (${flags.join(', ')})` : ''}`;
}

/** `tasuke register-commands`. */
export const command: CliCommand = {
  name: 'register-commands',
  usage: 'register-commands',
  summary: 'Register the slash commands with Discord (in DISCORD_GUILD_ID, else globally)',
  help: () => ({
    usage: ['tasuke register-commands'],
    summary: {
      ja: 'スラッシュコマンド（/ask、/train、/lessons）をオプションの型と範囲つきで Discord に登録します。DISCORD_GUILD_ID があればそのサーバーに（すぐ表示されます）、なければ全体に登録します。初回と、アップグレードのあとに一度実行してください。',
      en: 'Registers the slash commands (/ask, /train, /lessons) with their option types and ranges: in DISCORD_GUILD_ID when set (they appear at once), else globally. Run it once, and again after an upgrade.',
    },
    options: [LANG_OPTION, HELP_OPTION],
    examples: ['tasuke register-commands', 'npm run register-commands'],
    notes: [
      {
        ja: '必要な設定: DISCORD_TOKEN、DISCORD_APPLICATION_ID、DISCORD_TA_CHANNEL_ID、DISCORD_TA_ROLE_ID（足りないものは名前を挙げて知らせます）。終了コード: 0 登録した、2 設定の誤り。',
        en: 'Needs DISCORD_TOKEN, DISCORD_APPLICATION_ID, DISCORD_TA_CHANNEL_ID and DISCORD_TA_ROLE_ID (a missing one is named). Exit codes: 0 registered, 2 a configuration mistake.',
      },
    ],
  }),
  async run(_argv, ctx) {
    const settings = discordSettings(ctx.config, { needToken: true })!;
    const lessons = await loadLessons(ctx.config.lessonsDir);
    const body = commandDefinitions(lessons);
    const rest = new REST(settings.apiUrl ? { api: settings.apiUrl } : {}).setToken(settings.token);
    try {
      const route = settings.guildId
        ? Routes.applicationGuildCommands(settings.applicationId, settings.guildId)
        : Routes.applicationCommands(settings.applicationId);
      const registered = (await rest.put(route, { body })) as APIApplicationCommand[];
      ctx.stdout.write(
        settings.guildId
          ? `Registered ${registered.length} slash commands in guild ${settings.guildId}:\n`
          : `Registered ${registered.length} slash commands globally (Discord may take up to an hour to show them):\n`,
      );
      for (const c of registered) {
        const options = (c.options ?? []).map(describeOption).join(' ');
        ctx.stdout.write(`  /${c.name}${options ? ` ${options}` : ''}\n`);
      }
    } finally {
      // The REST client's sweepers would otherwise keep the process alive.
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    }
    return 0;
  },
};
