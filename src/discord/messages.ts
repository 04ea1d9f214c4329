/**
 * Plain messages: questions asked in the help channels and the forum.
 *
 * - A message in a help channel is answered in a new thread started on it
 *   (named after the question, at most 100 characters).
 * - A new post in the forum channel is answered inside the post; its
 *   question is the post's title and first message.
 * - A follow-up in such a thread is asked together with the thread's first
 *   question, as `first question + "\n" + follow-up`: a follow-up rarely
 *   stands alone ("and for the batch size?"), and the first question keeps
 *   retrieval on the thread's topic. The answer replies to the follow-up.
 *
 * A thread is tasuke's when its parent is a help channel or the forum, which
 * still holds after a restart. Ignored: bots (tasuke included), system
 * messages, messages pinging @everyone/@here, messages with no text, and
 * anything outside those channels. Inside threads, messages from TAs are
 * not answered: they are answering the person, not asking tasuke. Such a
 * reply is recorded as the TA's response in the thread's conversation
 * (`services.recordTaResponse`, key `discord:thread:<id>`, the key the
 * thread's questions were asked under), so the sweeper leaves the thread
 * alone and the response time counts from the question.
 *
 * Messages have no interaction to acknowledge, so this is the face's second
 * error boundary: a UserError (a rate limit) is answered in the thread, any
 * other error gets the apology with a reference id, and nothing escapes.
 */
import { ThreadAutoArchiveDuration, type AnyThreadChannel, type Message } from 'discord.js';
import type { Lang } from '../core/lang.ts';
import type { EscalationOrigin } from '../escalation/types.ts';
import type { FaceContext } from './context.ts';
import { errorText } from './interactions.ts';
import { chooseLang } from './lang.ts';
import { actorOf, discordUrl, threadKey } from './origin.ts';
import { renderAnswer } from './render/answer.ts';
import { threadName } from './render/limits.ts';
import { payload } from './render/payload.ts';
import { isTa } from './ta.ts';
import { UNTITLED_THREAD } from './words.ts';

/** What a message is to tasuke. */
export type MessageKind =
  | { kind: 'ignore' }
  | { kind: 'help-question' }
  | { kind: 'forum-post'; thread: AnyThreadChannel }
  | { kind: 'ta-reply'; thread: AnyThreadChannel }
  | { kind: 'follow-up'; thread: AnyThreadChannel; forum: boolean };

/** Sorts a message: which of tasuke's cases it is, if any. */
export function classify(m: Message, ctx: Pick<FaceContext, 'settings'>): MessageKind {
  const { settings } = ctx;
  if (m.author.bot || m.system || m.webhookId || !m.inGuild()) return { kind: 'ignore' };
  const ch = m.channel;
  if (!ch.isThread()) {
    if (m.mentions.everyone || !m.content.trim()) return { kind: 'ignore' };
    return settings.helpChannelIds.includes(ch.id) ? { kind: 'help-question' } : { kind: 'ignore' };
  }
  const parent = ch.parentId;
  const forum = !!settings.forumChannelId && parent === settings.forumChannelId;
  if (!forum && !(parent && settings.helpChannelIds.includes(parent))) return { kind: 'ignore' };
  // A TA's reply (a picture alone, or a ping, included) is a response, never a question.
  if (isTa(m.member, settings.taRoleId)) return { kind: 'ta-reply', thread: ch };
  if (m.mentions.everyone || !m.content.trim()) return { kind: 'ignore' };
  // A forum post's first message has the id of the post (the thread) itself.
  if (forum && m.id === ch.id) return { kind: 'forum-post', thread: ch };
  return { kind: 'follow-up', thread: ch, forum };
}

/** The first question of a thread: its starter message (a forum post's title too), else its name. */
export async function firstQuestion(thread: AnyThreadChannel, forum: boolean): Promise<string> {
  const starter = await thread.fetchStarterMessage().catch(() => null);
  const body = starter?.content?.trim() ?? '';
  const text = forum ? `${thread.name}\n${body}` : body || thread.name;
  return text.trim() || thread.name;
}

/** Builds the handler for `Events.MessageCreate`. The promise it returns never rejects. */
export function createMessageHandler(ctx: FaceContext, opts: { stopping?: () => boolean } = {}): (m: Message) => Promise<void> {
  const { services, log } = ctx;

  /** Asks and answers in `thread`; the answer replies to `replyTo` when given. */
  async function answer(
    m: Message,
    thread: AnyThreadChannel,
    question: string,
    lang: Lang,
    origin: EscalationOrigin,
    replyTo?: string,
  ): Promise<void> {
    await thread.sendTyping().catch(() => undefined);
    const r = await services.ask(question, { lang, asker: actorOf(m.author, m.member), origin, key: threadKey(thread.id) });
    const reply = replyTo ? { reply: { messageReference: replyTo, failIfNotExists: false } } : {};
    await thread.send({
      ...renderAnswer({ contract: r.contract, answerId: r.answer.id, escalation: r.escalation ? { created: !!r.created } : undefined }),
      ...reply,
    });
    await ctx.ta.filed(r);
  }

  /** Records a TA's reply as the TA's response in the thread's conversation (only the first counts). */
  function recordTaReply(m: Message, thread: AnyThreadChannel): void {
    try {
      const at = Number.isFinite(m.createdTimestamp) && m.createdTimestamp > 0 ? m.createdTimestamp : Date.now();
      const { first } = services.recordTaResponse(threadKey(thread.id), actorOf(m.author, m.member), at);
      if (first) log.info({ thread: thread.id, ta: m.author.id }, 'TA response recorded');
    } catch (err) {
      log.error({ err, message: m.id, thread: thread.id }, 'could not record a TA response');
    }
  }

  return async (m) => {
    let kind: MessageKind;
    try {
      kind = classify(m, ctx);
    } catch (err) {
      log.error({ err, message: m.id }, 'could not classify a message');
      return;
    }
    if (kind.kind === 'ignore') return;
    // Recording is one local write: done even while stopping (the services close after the bot).
    if (kind.kind === 'ta-reply') return recordTaReply(m, kind.thread);
    if (opts.stopping?.()) return;
    const content = m.content.trim();
    const fallback = m.guild?.preferredLocale;
    let lang: Lang = chooseLang(content, fallback);
    let where: AnyThreadChannel | undefined = kind.kind === 'help-question' ? undefined : kind.thread;
    try {
      services.limits.ask.take(`discord:${m.author.id}`);
      if (kind.kind === 'help-question') {
        where = await m.startThread({ name: threadName(content, UNTITLED_THREAD[lang]), autoArchiveDuration: ThreadAutoArchiveDuration.OneDay });
        await answer(m, where, content, lang, {
          face: 'discord',
          guildId: m.guildId ?? undefined,
          channelId: m.channelId,
          threadId: where.id,
          messageId: m.id,
          url: discordUrl(m.guildId, where.id),
        });
      } else if (kind.kind === 'forum-post') {
        const question = `${kind.thread.name}\n${content}`;
        lang = chooseLang(question, fallback);
        await answer(m, kind.thread, question, lang, {
          face: 'discord',
          guildId: m.guildId ?? undefined,
          channelId: kind.thread.id,
          threadId: kind.thread.id,
          messageId: m.id,
          url: discordUrl(m.guildId, kind.thread.id),
        });
      } else {
        const first = await firstQuestion(kind.thread, kind.forum);
        await answer(
          m,
          kind.thread,
          `${first}\n${content}`,
          lang,
          {
            face: 'discord',
            guildId: m.guildId ?? undefined,
            channelId: kind.thread.id,
            threadId: kind.thread.id,
            messageId: m.id,
            url: discordUrl(m.guildId, kind.thread.id, m.id),
          },
          m.id,
        );
      }
    } catch (err) {
      const text = errorText(err, lang, log, { message: m.id, channel: m.channelId, user: m.author.id });
      try {
        // In the thread when one was started on the message; otherwise as a reply where the message is.
        if (where && where.id !== m.channelId) await where.send(payload({ content: text }));
        else await m.reply(payload({ content: text }));
      } catch (sendErr) {
        log.warn({ err: sendErr, message: m.id }, 'could not tell the asker about an error');
      }
    }
  };
}
