/**
 * The TA-channel post about an escalation: the question, tasuke's attempt and
 * its confidence, who asked, a link to the conversation, and where it stands
 * (open, claimed by whom and when, resolved), with Claim and Resolve buttons
 * while it is open. TAs read Japanese or English, so the post's own words are
 * bilingual; the question and attempt stay as the asker wrote them.
 *
 * Questions asked on another face (the web chat) are posted too, saying
 * where they were asked instead of linking to them.
 *
 * The footer and the buttons carry the escalation id: after a crash between
 * posting and recording the post, the face finds its post by that id instead
 * of posting twice.
 */
import { ButtonStyle, type APIEmbed } from 'discord.js';
import type { Escalation } from '../../escalation/types.ts';
import { customId } from '../ids.ts';
import { BUTTONS, TA } from '../words.ts';
import { truncate } from './limits.ts';
import { button, COLOURS, payload, row, type Payload } from './payload.ts';

/** The footer text of a TA post; `findEscalationId` reads it back. */
export function taFooter(id: string): string {
  return `escalation ${id}`;
}

/** The escalation id a TA post carries in its footer or buttons, if any. */
export function findEscalationId(message: {
  embeds?: { footer?: { text?: string } | null }[];
  components?: unknown[];
}): string | undefined {
  for (const e of message.embeds ?? []) {
    const m = /^escalation (e-[a-z0-9]+)$/.exec(e.footer?.text ?? '');
    if (m) return m[1];
  }
  const text = JSON.stringify(message.components ?? []);
  return /esc:(?:claim|resolve):(e-[a-z0-9]+)/.exec(text)?.[1];
}

function stateLine(e: Escalation): string {
  switch (e.state) {
    case 'open':
      return TA.open;
    case 'claimed':
      return TA.claimed(e.claimedBy?.name ?? '?', e.claimedAt ?? Date.now());
    case 'resolved':
      return TA.resolved(e.resolvedBy?.name ?? '?', e.resolvedAt ?? Date.now());
    case 'dismissed':
      return TA.dismissed;
  }
}

/** Who asked: a Discord user as a mention (never a ping: mentions are off), anyone else by name. */
function askerLine(e: Escalation): string {
  const name = truncate(e.asker.name, 80);
  return e.origin.face === 'discord' ? `<@${e.asker.id}> (${name})` : name;
}

/**
 * Where it was asked: a Discord link; for another face a line saying which
 * (its own links, such as the dashboard's, name the server's local address,
 * which means nothing to a TA reading Discord).
 */
function whereLine(e: Escalation): string {
  if (e.origin.face === 'discord') return e.origin.url ?? TA.noLink;
  return TA.askedOn[e.origin.face] ?? TA.noLink;
}

/** The TA post for `e` as it stands now. */
export function renderTaPost(e: Escalation): Payload {
  const fields: NonNullable<APIEmbed['fields']> = [
    { name: TA.asker, value: askerLine(e), inline: true },
    { name: TA.reason, value: TA.reasons[e.reason] ?? e.reason, inline: true },
    { name: TA.link, value: whereLine(e), inline: false },
  ];
  if (e.attempt) {
    const head = `${e.attempt.action} · ${e.attempt.confidence.toFixed(2)}`;
    fields.push({ name: `${TA.attempt} (${head})`, value: truncate(e.attempt.answer || '—', 1000) });
  }
  fields.push({ name: TA.state, value: stateLine(e) });
  if (e.resolution) fields.push({ name: TA.resolution, value: truncate(e.resolution, 1000) });
  const done = e.state === 'resolved' || e.state === 'dismissed';
  const embed: APIEmbed = {
    title: TA.postTitle(e.id),
    description: `**${TA.question}**\n${truncate(e.question, 3000)}`,
    color: done ? COLOURS.taDone : e.state === 'claimed' ? COLOURS.taClaimed : COLOURS.ta,
    fields,
    footer: { text: taFooter(e.id) },
    timestamp: new Date(e.createdAt).toISOString(),
  };
  const components = done
    ? []
    : [
        row(
          button(customId({ kind: 'claim', escalationId: e.id }), BUTTONS.claim.ja, ButtonStyle.Primary, { disabled: e.state === 'claimed' }),
          button(customId({ kind: 'resolve', escalationId: e.id }), BUTTONS.resolve.ja, ButtonStyle.Success),
        ),
      ];
  return payload({ embeds: [embed], components });
}
