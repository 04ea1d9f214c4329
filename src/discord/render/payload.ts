/**
 * The shape of what the face sends: content, embeds, buttons and files, always
 * with mentions switched off. One type for replies, edits and channel posts,
 * so every renderer returns something any of them accepts, and the
 * no-mentions rule cannot be forgotten on one path.
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type AttachmentPayload,
} from 'discord.js';
import { buttonLabel, fitContent, fitEmbeds } from './limits.ts';

/**
 * Mentions off: user text is shown as written, and `@everyone`, a role or a
 * user in it never pings anyone. `repliedUser: false` also keeps a reply from
 * pinging the person it replies to.
 */
export const NO_MENTIONS = Object.freeze({ parse: [] as const, repliedUser: false });

/** An action row of buttons. */
export type ButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

/** A message the face sends (reply, edit, follow-up or channel post). */
export interface Payload {
  content?: string;
  embeds?: APIEmbed[];
  components?: ButtonRow[];
  files?: AttachmentPayload[];
  allowedMentions: { parse: readonly []; repliedUser: false };
}

/** Builds a payload fitted to Discord's limits, mentions off. */
export function payload(p: Omit<Payload, 'allowedMentions'>): Payload {
  const out: Payload = { allowedMentions: NO_MENTIONS };
  if (p.content !== undefined) out.content = fitContent(p.content);
  if (p.embeds !== undefined) out.embeds = fitEmbeds(p.embeds);
  if (p.components !== undefined) out.components = p.components;
  if (p.files !== undefined) out.files = p.files;
  return out;
}

/** One button with a custom id. */
export function button(
  customId: string,
  label: string,
  style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success | ButtonStyle.Danger = ButtonStyle.Secondary,
  opts: { emoji?: string; disabled?: boolean } = {},
): APIButtonComponentWithCustomId {
  return {
    type: ComponentType.Button,
    custom_id: customId,
    label: buttonLabel(label),
    style,
    ...(opts.emoji ? { emoji: { name: opts.emoji } } : {}),
    ...(opts.disabled ? { disabled: true } : {}),
  };
}

/** A row of up to five buttons. */
export function row(...buttons: APIButtonComponentWithCustomId[]): ButtonRow {
  return { type: ComponentType.ActionRow, components: buttons.slice(0, 5) };
}

/** Embed colours: one per kind of message, so a glance tells them apart. */
export const COLOURS = {
  answer: 0x2a9d8f,
  escalate: 0xf4a261,
  refuse: 0x8d99ae,
  running: 0x4361ee,
  succeeded: 0x2a9d8f,
  failed: 0xe63946,
  cancelled: 0x8d99ae,
  ta: 0xf4a261,
  taClaimed: 0x4361ee,
  taDone: 0x2a9d8f,
} as const;
