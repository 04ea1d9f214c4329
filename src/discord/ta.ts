/**
 * Who is a TA: a member holding the configured TA role. Claiming and
 * resolving escalations check it here and nowhere else; everyone else gets a
 * polite refusal in their language (a UserError, which the interaction
 * handler shows ephemerally).
 */
import type { APIInteractionGuildMember, GuildMember } from 'discord.js';
import { UserError } from '../core/errors.ts';
import { TA } from './words.ts';

/** A member as discord.js hands it over: cached (`GuildMember`) or raw from the interaction. */
export type MemberLike = GuildMember | APIInteractionGuildMember | null | undefined;

/** Whether `member` holds the TA role `taRoleId`. A missing member (a DM) is not a TA. */
export function isTa(member: MemberLike, taRoleId: string): boolean {
  if (!member) return false;
  const roles = member.roles;
  if (Array.isArray(roles)) return roles.includes(taRoleId);
  return (roles as GuildMember['roles']).cache.has(taRoleId);
}

/** The refusal a non-TA gets. */
export function notTa(): UserError {
  return new UserError('discord.not-ta', TA.refusal);
}

/** Throws the polite refusal unless `member` is a TA. */
export function requireTa(member: MemberLike, taRoleId: string): void {
  if (!isTa(member, taRoleId)) throw notTa();
}
