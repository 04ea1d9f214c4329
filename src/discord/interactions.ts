/**
 * The one interaction handler, and the face's only error boundary for
 * interactions: it routes slash commands, autocomplete, buttons and forms,
 * and turns whatever they throw into a message for the person:
 *
 * - a UserError (a bad parameter, a rate limit, not a TA...) becomes an
 *   ephemeral message in the person's language;
 * - anything else becomes a short apology with a reference id, the full
 *   error logged next to that id.
 *
 * Handlers acknowledge within Discord's 3 seconds themselves (they defer
 * before anything slow); on an error this handler answers in whatever way
 * the interaction still allows (reply, edit of an ephemeral deferral, or an
 * ephemeral follow-up after removing a public "thinking…" placeholder).
 * Nothing thrown here escapes: one failing interaction never takes the bot
 * down.
 */
import { MessageFlags, type Interaction, type RepliableInteraction } from 'discord.js';
import { describeUnexpected, UserError } from '../core/errors.ts';
import type { Lang } from '../core/lang.ts';
import { onButton, onModal } from './buttons.ts';
import { COMMANDS_BY_NAME } from './commands/index.ts';
import type { FaceContext, SlashCommand, Turn } from './context.ts';
import { parseCustomId } from './ids.ts';
import { localeLang } from './lang.ts';
import { payload } from './render/payload.ts';
import { STOPPING } from './words.ts';

/** Options of `createInteractionHandler` (the bot passes its stopping state; tests may pass commands). */
export interface InteractionHandlerOptions {
  commands?: ReadonlyMap<string, SlashCommand>;
  /** True while the bot is stopping: new interactions get a "restarting" note. */
  stopping?: () => boolean;
}

/** The message a person sees for `err`; unexpected errors are logged with their reference id. */
export function errorText(err: unknown, lang: Lang, log: FaceContext['log'], context: Record<string, unknown> = {}): string {
  if (err instanceof UserError) return err.messageFor(lang);
  return describeUnexpected(err, lang, (line) => log.error({ ...context, err }, line));
}

/**
 * Shows `text` to the person behind `i`, privately, whatever the state of the
 * interaction. Never throws (the token may have expired; that is logged).
 */
export async function answerPrivately(i: RepliableInteraction, text: string, log: FaceContext['log']): Promise<void> {
  const message = payload({ content: text });
  try {
    if (!i.deferred && !i.replied) {
      await i.reply({ ...message, flags: MessageFlags.Ephemeral });
    } else if (i.deferred && !i.replied && i.ephemeral === true) {
      await i.editReply({ ...message, embeds: [], components: [] });
    } else if (i.deferred && !i.replied && i.ephemeral === false) {
      // A public "thinking…" placeholder: remove it so the error stays private.
      await i.deleteReply().catch((err: unknown) => log.warn({ err }, 'could not remove the deferred reply'));
      await i.followUp({ ...message, flags: MessageFlags.Ephemeral });
    } else {
      // Replied, or a deferred update of a message (whose reply is that message: never deleted).
      await i.followUp({ ...message, flags: MessageFlags.Ephemeral });
    }
  } catch (err) {
    log.warn({ err, interaction: i.id }, 'could not show an error to the person');
  }
}

function describe(i: Interaction): Record<string, unknown> {
  const what = i.isChatInputCommand() || i.isAutocomplete() ? `/${i.commandName}` : i.isButton() || i.isModalSubmit() ? i.customId : `type ${i.type}`;
  return { interaction: i.id, what, user: i.user.id, channel: i.channelId };
}

/** Builds the handler for `Events.InteractionCreate`. The promise it returns never rejects. */
export function createInteractionHandler(ctx: FaceContext, opts: InteractionHandlerOptions = {}): (i: Interaction) => Promise<void> {
  const commands = opts.commands ?? COMMANDS_BY_NAME;
  const log = ctx.log;
  return async (i) => {
    const turn: Turn = { lang: localeLang(i.locale) };
    try {
      if (opts.stopping?.()) {
        if (i.isAutocomplete()) await i.respond([]);
        else if (i.isRepliable()) await i.reply({ ...payload({ content: STOPPING[turn.lang] }), flags: MessageFlags.Ephemeral });
        return;
      }
      if (i.isChatInputCommand()) {
        const cmd = commands.get(i.commandName);
        if (!cmd) throw new Error(`Unknown command /${i.commandName} (register the commands again: npm run register-commands).`);
        await cmd.execute(i, ctx, turn);
      } else if (i.isAutocomplete()) {
        const cmd = commands.get(i.commandName);
        await (cmd?.autocomplete ? cmd.autocomplete(i, ctx) : i.respond([]));
      } else if (i.isButton()) {
        const action = parseCustomId(i.customId);
        if (!action) throw new Error(`Unknown button ${i.customId}.`);
        await onButton(i, action, ctx, turn);
      } else if (i.isModalSubmit()) {
        const action = parseCustomId(i.customId);
        if (!action) throw new Error(`Unknown form ${i.customId}.`);
        await onModal(i, action, ctx);
      }
    } catch (err) {
      if (i.isAutocomplete()) {
        log.warn({ ...describe(i), err }, 'autocomplete failed');
        if (!i.responded) await i.respond([]).catch(() => undefined);
        return;
      }
      const text = errorText(err, turn.lang, log, describe(i));
      if (err instanceof UserError) log.info({ ...describe(i), error: err.id }, 'user error');
      if (i.isRepliable()) await answerPrivately(i, text, log);
    }
  };
}
