/**
 * `/ask question:`: asks the assistant and answers in the asker's language
 * (the question's, Discord's locale as the fallback), with the sources and
 * the feedback buttons. Acknowledged at once (a deferred reply), since
 * answering may take longer than Discord's 3 seconds.
 */
import { ApplicationCommandOptionType } from 'discord.js';
import type { SlashCommand } from '../context.ts';
import { chooseLang } from '../lang.ts';
import { actorOf, discordUrl, interactionKey } from '../origin.ts';
import { renderAnswer } from '../render/answer.ts';

/** /ask: definition and handler. */
export const command: SlashCommand = {
  name: 'ask',
  data: {
    name: 'ask',
    name_localizations: { ja: '質問' },
    description: 'Ask tasuke a question about the workshop (Japanese or English)',
    description_localizations: { ja: 'ワークショップについて tasuke に質問する（日本語でも英語でも）' },
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'question',
        name_localizations: { ja: '内容' },
        description: 'Your question',
        description_localizations: { ja: '質問の内容' },
        required: true,
        max_length: 2000,
      },
    ],
  },
  async execute(i, ctx, turn) {
    const question = i.options.getString('question', true);
    turn.lang = chooseLang(question, i.locale);
    ctx.services.limits.ask.take(`discord:${i.user.id}`);
    // The deferral's response carries the reply message, whose id makes the TA's
    // link point at the answer, without a second request (the client spends at
    // most 50 requests a second in all, so a burst of questions feels every one).
    const deferred = await i.deferReply({ withResponse: true });
    const reply = deferred.resource?.message ?? undefined;
    const r = await ctx.services.ask(question, {
      lang: turn.lang,
      asker: actorOf(i.user, i.member),
      origin: {
        face: 'discord',
        guildId: i.guildId ?? undefined,
        channelId: i.channelId,
        messageId: reply?.id,
        url: discordUrl(i.guildId, i.channelId, reply?.id),
      },
      key: interactionKey(i.id),
    });
    turn.lang = r.contract.lang;
    await i.editReply(
      renderAnswer({ contract: r.contract, answerId: r.answer.id, question, escalation: r.escalation ? { created: !!r.created } : undefined }),
    );
    await ctx.ta.filed(r);
  },
};
