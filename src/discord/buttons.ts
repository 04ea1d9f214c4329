/**
 * What tasuke's buttons and forms do: 👍 / 👎 / "Ask a TA" / "Try it" under an
 * answer, Cancel under a run, Claim / Resolve on a TA post. Each reads what it
 * needs from its custom id (`ids.ts`) and the core's records, so a button
 * pressed after a restart works the same. Errors are thrown to the
 * interaction handler, which shows them.
 */
import { MessageFlags, type ButtonInteraction, type ModalSubmitInteraction } from 'discord.js';
import { UserError } from '../core/errors.ts';
import { TA_ALREADY_CALLED, TA_CALLED } from '../escalation/messages.ts';
import { answerNotFound, type AnswerRecord } from '../qa/answer-log.ts';
import { jobUserId, startRun } from './commands/train.ts';
import type { FaceContext, Turn } from './context.ts';
import type { CustomAction } from './ids.ts';
import { payload } from './render/payload.ts';
import { FEEDBACK, TRAIN } from './words.ts';

/** The answer behind a button, pressed by the person who asked (feedback is theirs to give). */
function askersAnswer(i: ButtonInteraction, ctx: FaceContext, turn: Turn, answerId: string): AnswerRecord {
  const answer = ctx.services.answers.get(answerId);
  if (!answer) throw answerNotFound(answerId);
  // Someone else is refused in their own language; the asker is answered in the answer's.
  if (answer.asker.id !== i.user.id) throw new UserError('discord.only-asker', FEEDBACK.onlyAsker, { answerId });
  turn.lang = answer.lang;
  return answer;
}

async function feedback(i: ButtonInteraction, ctx: FaceContext, turn: Turn, answerId: string, value: 'helpful' | 'not-helpful'): Promise<void> {
  askersAnswer(i, ctx, turn, answerId);
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const r = ctx.services.feedback(answerId, value);
  const lang = turn.lang;
  const lines = [value === 'helpful' ? FEEDBACK.thanks[lang] : FEEDBACK.thanksDown[lang]];
  if (r.escalation) lines.push((r.created ? TA_CALLED : TA_ALREADY_CALLED)[lang]);
  await i.editReply(payload({ content: lines.join('\n') }));
  await ctx.ta.filed(r);
}

async function askTa(i: ButtonInteraction, ctx: FaceContext, turn: Turn, answerId: string): Promise<void> {
  askersAnswer(i, ctx, turn, answerId);
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const r = ctx.services.askTa(answerId);
  await i.editReply(payload({ content: (r.created ? TA_CALLED : TA_ALREADY_CALLED)[turn.lang] }));
  await ctx.ta.filed(r);
}

async function cancelJob(i: ButtonInteraction, ctx: FaceContext, turn: Turn, jobId: string): Promise<void> {
  const job = await ctx.services.jobs.get(jobId);
  if (job && job.submission.userId === jobUserId(i.user.id)) turn.lang = job.submission.lang;
  // Cancelling a running job waits for its worker to stop: acknowledge first.
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  await ctx.services.jobs.cancel(jobId, jobUserId(i.user.id));
  await i.editReply(payload({ content: TRAIN.cancelledBy[turn.lang] }));
}

/** Runs the button `action` pressed in `i`. */
export async function onButton(i: ButtonInteraction, action: CustomAction, ctx: FaceContext, turn: Turn): Promise<void> {
  switch (action.kind) {
    case 'feedback':
      return feedback(i, ctx, turn, action.answerId, action.value);
    case 'ask-ta':
      return askTa(i, ctx, turn, action.answerId);
    case 'try':
      if (action.lang) turn.lang = action.lang;
      return startRun(i, ctx, turn, action.lessonId, {});
    case 'cancel-job':
      return cancelJob(i, ctx, turn, action.jobId);
    case 'claim':
      return ctx.ta.claim(i, action.escalationId);
    case 'resolve':
      return ctx.ta.resolveButton(i, action.escalationId);
    case 'resolve-modal':
      throw new Error(`A button carries the custom id of a form (${i.customId}).`);
  }
}

/** Runs the form `action` sent back in `i`. */
export async function onModal(i: ModalSubmitInteraction, action: CustomAction, ctx: FaceContext): Promise<void> {
  if (action.kind !== 'resolve-modal') throw new Error(`Unexpected form ${i.customId}.`);
  return ctx.ta.resolveModal(i, action.escalationId);
}
