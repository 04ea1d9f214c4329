/**
 * An answer of the assistant, the Discord way: the answer text in an embed,
 * its sources compactly (titles only), the confidence, and the buttons
 * 👍 / 👎 / "Ask a TA" / "Try it" in the asker's language. Escalations and
 * refusals render their own message; an escalation adds that a TA has been
 * called.
 */
import { ButtonStyle, type APIEmbed } from 'discord.js';
import type { Lang } from '../../core/lang.ts';
import { TA_ALREADY_CALLED, TA_CALLED } from '../../escalation/messages.ts';
import type { AnswerContract } from '../../qa/answer.ts';
import { customId } from '../ids.ts';
import { ANSWER, BUTTONS } from '../words.ts';
import { LIMITS, truncate } from './limits.ts';
import { button, COLOURS, payload, row, type ButtonRow, type Payload } from './payload.ts';

/** What an answer message shows. */
export interface AnswerView {
  contract: AnswerContract;
  /** The recorded answer's id (the buttons carry it). */
  answerId: string;
  /** Set when the question went to a TA: whether this call filed it. */
  escalation?: { created: boolean };
  /** Quoted above the answer where the question is not visible already (a slash command). */
  question?: string;
}

/** The sources as one compact line of titles ("A · B · C"), within a field's limit. */
export function sourcesLine(contract: AnswerContract): string {
  const seen = new Set<string>();
  const titles: string[] = [];
  for (const s of contract.sources) {
    if (seen.has(s.title)) continue;
    seen.add(s.title);
    titles.push(truncate(s.title, 120));
  }
  return truncate(titles.join(' · '), LIMITS.fieldValue);
}

/** The buttons under an answer. Escalated answers get none: a TA is already on the way. */
export function answerButtons(view: AnswerView): ButtonRow[] {
  const { contract, answerId } = view;
  const lang = contract.lang;
  if (contract.action === 'escalate') return [];
  const ta = button(customId({ kind: 'ask-ta', answerId }), BUTTONS.askTa[lang], ButtonStyle.Secondary, { emoji: '🙋' });
  if (contract.action === 'refuse') return [row(ta)];
  const buttons = [
    button(customId({ kind: 'feedback', value: 'helpful', answerId }), BUTTONS.helpful[lang], ButtonStyle.Secondary, { emoji: '👍' }),
    button(customId({ kind: 'feedback', value: 'not-helpful', answerId }), BUTTONS.notHelpful[lang], ButtonStyle.Secondary, { emoji: '👎' }),
    ta,
  ];
  if (contract.lesson) {
    buttons.push(button(customId({ kind: 'try', lessonId: contract.lesson.id, lang }), BUTTONS.tryIt[lang], ButtonStyle.Primary, { emoji: '🧪' }));
  }
  return [row(...buttons)];
}

/** The whole answer message. */
export function renderAnswer(view: AnswerView): Payload {
  const { contract } = view;
  const lang: Lang = contract.lang;
  const title = contract.action === 'answer' ? ANSWER.title : contract.action === 'escalate' ? ANSWER.escalated : ANSWER.refused;
  let description = contract.answer;
  if (view.question) description = `> ${truncate(view.question.replace(/\s+/g, ' ').trim(), 300)}\n\n${description}`;
  if (view.escalation) description += `\n\n${(view.escalation.created ? TA_CALLED : TA_ALREADY_CALLED)[lang]}`;
  const embed: APIEmbed = {
    title: title[lang],
    description,
    color: COLOURS[contract.action],
    fields: [],
  };
  if (contract.sources.length > 0) embed.fields!.push({ name: ANSWER.sources[lang], value: sourcesLine(contract) });
  if (contract.lesson && contract.action === 'answer') {
    embed.fields!.push({ name: '🧪 /train', value: ANSWER.tryHint(contract.lesson.id)[lang] });
  }
  if (contract.action === 'answer') embed.footer = { text: `${ANSWER.confidence[lang]} ${contract.confidence.toFixed(2)}` };
  return payload({ embeds: [embed], components: answerButtons(view) });
}
