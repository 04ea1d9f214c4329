/**
 * Who asked and where, in the core's terms: an `Actor` for a Discord user,
 * an `EscalationOrigin` for a message, thread or interaction, and the
 * conversation keys that make "one escalation per conversation" hold
 * (a thread is one conversation; so is each /ask).
 */
import type { GuildMember, User } from 'discord.js';
import type { Actor } from '../escalation/types.ts';

/** The name a TA knows someone by: their server nickname, else their display name. */
export function actorOf(user: User, member?: unknown): Actor {
  const nick = member && typeof (member as GuildMember).displayName === 'string' ? (member as GuildMember).displayName : undefined;
  const nickRaw = member && typeof (member as { nick?: unknown }).nick === 'string' ? (member as { nick: string }).nick : undefined;
  return { id: user.id, name: nick ?? nickRaw ?? user.globalName ?? user.username };
}

/** The web link of a channel (or thread), or of a message in it. */
export function discordUrl(guildId: string | null | undefined, channelId: string, messageId?: string): string {
  return `https://discord.com/channels/${guildId ?? '@me'}/${channelId}${messageId ? `/${messageId}` : ''}`;
}

/** The conversation key of a thread (help-channel thread or forum post). */
export const threadKey = (threadId: string) => `discord:thread:${threadId}`;

/** The conversation key of one /ask. */
export const interactionKey = (interactionId: string) => `discord:interaction:${interactionId}`;
