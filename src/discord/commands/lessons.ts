/** `/lessons`: the lessons that can be trained, a line each (shown to the asker only). */
import { MessageFlags } from 'discord.js';
import type { SlashCommand } from '../context.ts';
import { renderLessons } from '../render/lessons.ts';

/** /lessons: definition and handler. */
export const command: SlashCommand = {
  name: 'lessons',
  data: {
    name: 'lessons',
    name_localizations: { ja: 'レッスン一覧' },
    description: 'List the lessons you can train with /train',
    description_localizations: { ja: '/train で学習できるレッスンの一覧' },
  },
  async execute(i, ctx, turn) {
    // Loading the lessons the first time imports their modules: acknowledge first.
    await i.deferReply({ flags: MessageFlags.Ephemeral });
    const lessons = await ctx.services.lessons.list();
    await i.editReply(renderLessons(lessons, turn.lang));
  },
};
