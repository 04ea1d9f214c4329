/**
 * The TA desk: escalations on Discord. When a question is handed to a TA
 * (tasuke's `escalate`, 👎, "Ask a TA"), the escalation is a record of
 * `src/escalation/` first; this posts its notice in the TA channel and
 * records the post (`setTaPost`). TAs claim and resolve from the post's
 * buttons; the asker's thread (or channel) is told.
 *
 * Nothing is posted twice and nothing is lost across restarts: the record is
 * written before the post, and at start-up the escalations whose post was
 * never recorded are posted then, unless a post carrying their id is found
 * among the TA channel's recent messages (a crash between posting and
 * recording), in which case that post is adopted.
 *
 * The desk also follows changes made elsewhere (`follow()`, subscribed to
 * the escalation store while the bot runs):
 * - opened by another part of tasuke (the sweeper, the web chat): posted in
 *   the TA channel, whatever face it was asked on, since the TAs live in
 *   Discord; the asker of a thread the sweeper handed on is told in it, in
 *   their language (`TA_CALLED_UNANSWERED`), once: right after the post is
 *   recorded (a post is recorded once, so the notice is sent once);
 * - claimed, resolved or dismissed on the web dashboard: the post is edited
 *   to show it, and a Discord asker is told (claimed, resolved with the TA's
 *   answer).
 * Changes made by this desk's own buttons are answered by their handlers
 * (the interaction's update, the notice), so the desk skips their events.
 * Work on one escalation runs in order (a claim's edit and notice before
 * the resolution's).
 */
import {
  ComponentType,
  TextInputStyle,
  type ButtonInteraction,
  type Client,
  type GuildTextBasedChannel,
  type Message,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { DiscordSettings } from '../config.ts';
import type { Bilingual } from '../core/lang.ts';
import type { Logger } from '../core/log.ts';
import { claimedNotice, escalationNotFound, resolvedNotice, alreadyClosed, TA_CALLED_UNANSWERED } from '../escalation/messages.ts';
import type { Escalation, EscalationEvent, EscalationState } from '../escalation/types.ts';
import type { Services } from '../services.ts';
import { customId } from './ids.ts';
import { actorOf } from './origin.ts';
import { findEscalationId, renderTaPost } from './render/escalation.ts';
import { LIMITS, truncate } from './render/limits.ts';
import { payload } from './render/payload.ts';
import { requireTa } from './ta.ts';
import { TA } from './words.ts';

/** How many of the TA channel's latest messages are searched for a post made before a crash. */
export const ADOPT_SEARCH_LIMIT = 100;

/** What the TA desk works with. */
export interface TaDeskDeps {
  client: Client;
  services: Services;
  settings: DiscordSettings;
  log: Logger;
  /**
   * Whether Resolve opens a form for the TA's answer (default true). Without
   * it, Resolve marks the question resolved at once and the TA answers in the
   * thread themselves.
   */
  resolveWithModal?: boolean;
}

/** The field of the resolve form that holds the TA's answer. */
export const RESOLUTION_FIELD = 'answer';

/** States in which an escalation still waits for a TA (worth a post). */
const WAITING: readonly EscalationState[] = ['open', 'claimed'];

/**
 * Whether the asker has to be told in Discord that a TA was called when the
 * post goes up: only for a Discord question the sweeper handed on. Every other
 * filing was the asker's own act on a face that already told them (the answer
 * saying a TA was called, the reply to 👎 / "Ask a TA", the web chat's status).
 */
function tellCalledOnPost(e: Escalation): boolean {
  return e.origin.face === 'discord' && e.reason === 'unanswered';
}

/** Posts escalations in the TA channel and handles Claim / Resolve (see the module comment). */
export class TaDesk {
  private readonly posting = new Map<string, Promise<void>>();
  /** Escalations this desk is changing right now (their events are its own). */
  private readonly acting = new Set<string>();
  /** The latest piece of work per escalation, so that work on one runs in order. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Work started by events, awaited by `idle()`. */
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly deps: TaDeskDeps) {}

  /**
   * Follows the escalation store: posts what others file, and mirrors on
   * Discord what others change (see the module comment). Returns the function
   * that stops following.
   */
  follow(): () => void {
    return this.deps.services.escalations.subscribe((ev) => this.onEvent(ev));
  }

  /** Resolves when the work started by events so far is done (posts, edits, notices). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private onEvent(ev: EscalationEvent): void {
    const e = ev.escalation;
    // The desk's own Claim / Resolve: the handler updates the post and tells the asker.
    if (this.acting.has(e.id)) return;
    switch (ev.type) {
      case 'opened':
        this.track(this.post(e));
        return;
      case 'claimed':
        this.inOrder(e.id, () => this.mirror(e, claimedNotice(e)));
        return;
      case 'resolved':
        this.inOrder(e.id, () => this.mirror(e, resolvedNotice(e)));
        return;
      case 'dismissed':
        this.inOrder(e.id, () => this.mirror(e));
        return;
      case 'posted':
        return;
    }
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.catch(() => undefined).finally(() => this.pending.delete(p));
  }

  /** Runs `work` after the work already queued for escalation `id`. Never rejects. */
  private inOrder(id: string, work: () => Promise<void>): void {
    const prev = this.chains.get(id) ?? Promise.resolve();
    const next = prev.then(work).catch((err: unknown) => this.deps.log.warn({ err, escalation: id }, 'could not follow an escalation change'));
    this.chains.set(id, next);
    this.track(next);
    void next.finally(() => {
      if (this.chains.get(id) === next) this.chains.delete(id);
    });
  }

  /** A change made elsewhere: the post shows it, and a Discord asker is told `notice`. */
  private async mirror(e: Escalation, notice?: Bilingual): Promise<void> {
    // A post still being made renders the state it finds, and is edited after recording if that changed.
    await this.posting.get(e.id);
    await this.refreshPost(this.deps.services.escalations.get(e.id) ?? e);
    if (notice) await this.notifyAsker(e, notice);
  }

  /** Runs a change of escalation `id` made by this desk, so that its event is known as the desk's own. */
  private own<T>(id: string, change: () => T): T {
    this.acting.add(id);
    try {
      return change();
    } finally {
      this.acting.delete(id);
    }
  }

  /** The TA channel, or an error naming the setting when it cannot take posts. */
  async taChannel(): Promise<GuildTextBasedChannel> {
    const id = this.deps.settings.taChannelId;
    const ch = await this.deps.client.channels.fetch(id);
    if (!ch || !ch.isTextBased() || ch.isDMBased() || !ch.isSendable()) {
      throw new Error(`DISCORD_TA_CHANNEL_ID=${id} is not a text channel tasuke can post in.`);
    }
    return ch;
  }

  /**
   * Posts the TA notice for what `services.ask` / `feedback` / `askTa`
   * returned, when that call filed a new escalation. Never throws: a post
   * that fails is logged and retried at the next start (`postUnposted`).
   */
  async filed(r: { escalation?: Escalation; created?: boolean }): Promise<void> {
    if (r.escalation && r.created) await this.post(r.escalation);
  }

  /** Posts `e`'s notice unless it was posted already (or is being posted now). Never throws. */
  post(e: Escalation): Promise<void> {
    let p = this.posting.get(e.id);
    if (p) return p;
    // `e` may be a snapshot from before the post (what `ask` returned): the store knows.
    if (e.taPost || this.deps.services.escalations.get(e.id)?.taPost) return Promise.resolve();
    p = this.doPost(e).finally(() => this.posting.delete(e.id));
    this.posting.set(e.id, p);
    return p;
  }

  private async doPost(e: Escalation): Promise<void> {
    const { services, log } = this.deps;
    try {
      const channel = await this.taChannel();
      const shown = services.escalations.get(e.id) ?? e;
      const msg = await channel.send(renderTaPost(shown));
      const recorded = services.escalations.setTaPost(e.id, { face: 'discord', channelId: channel.id, messageId: msg.id });
      if (!recorded) {
        // Someone recorded a post first (another process on the same data): ours is a duplicate.
        await msg.delete().catch((err: unknown) => log.warn({ err, escalation: e.id }, 'could not delete a duplicate TA post'));
        return;
      }
      log.info({ escalation: e.id, message: msg.id }, 'TA notice posted');
      const now = services.escalations.get(e.id);
      // Changed while the post was on its way (claimed on the dashboard): show it as it stands.
      if (now && now.state !== shown.state) await msg.edit(renderTaPost(now)).catch((err: unknown) => log.warn({ err, escalation: e.id }, 'could not refresh a new TA post'));
      if (tellCalledOnPost(shown) && WAITING.includes(shown.state)) await this.notifyAsker(shown, TA_CALLED_UNANSWERED);
    } catch (err) {
      log.error({ err, escalation: e.id }, 'could not post the TA notice; it is retried at the next start');
    }
  }

  /**
   * At start-up: posts the notices never recorded, adopting a post found in
   * the TA channel's recent messages instead of posting it again.
   */
  async postUnposted(): Promise<{ posted: number; adopted: number }> {
    const { services, client, log } = this.deps;
    // Every face's: the desk posts them all. One closed before any post needs no TA, unless a post is found to adopt.
    const waiting = services.escalations.unposted();
    if (waiting.length === 0) return { posted: 0, adopted: 0 };
    const channel = await this.taChannel();
    const mine = new Map<string, Message>();
    const recent = await channel.messages.fetch({ limit: ADOPT_SEARCH_LIMIT });
    // Newest first: the latest post of an escalation wins.
    for (const m of recent.values()) {
      if (m.author.id !== client.user?.id) continue;
      const id = findEscalationId(m);
      if (id && !mine.has(id)) mine.set(id, m);
    }
    let posted = 0;
    let adopted = 0;
    for (const e of waiting) {
      const found = mine.get(e.id);
      if (found) {
        if (!services.escalations.setTaPost(e.id, { face: 'discord', channelId: channel.id, messageId: found.id })) continue;
        adopted++;
        if (e.state !== 'open') await found.edit(renderTaPost(e)).catch((err: unknown) => log.warn({ err }, 'could not refresh an adopted TA post'));
        // The notice follows the recording of the post, which had not happened.
        if (tellCalledOnPost(e) && WAITING.includes(e.state)) await this.notifyAsker(e, TA_CALLED_UNANSWERED);
      } else if (WAITING.includes(e.state)) {
        await this.post(e);
        posted++;
      }
    }
    log.info({ posted, adopted }, 'TA notices recovered at start');
    return { posted, adopted };
  }

  /** Claim (TA only): records who, then edits the post and tells the asker. */
  async claim(i: ButtonInteraction, id: string): Promise<void> {
    requireTa(i.member, this.deps.settings.taRoleId);
    const e = this.own(id, () => this.deps.services.escalations.claim(id, actorOf(i.user, i.member)));
    await i.update(renderTaPost(e));
    await this.notifyAsker(e, claimedNotice(e));
  }

  /** Resolve (TA only): opens the answer form, or resolves at once without one. */
  async resolveButton(i: ButtonInteraction, id: string): Promise<void> {
    requireTa(i.member, this.deps.settings.taRoleId);
    const e = this.deps.services.escalations.get(id);
    if (!e) throw escalationNotFound(id);
    if (e.state === 'resolved' || e.state === 'dismissed') throw alreadyClosed(e);
    if (this.deps.resolveWithModal === false) {
      const done = this.own(id, () => this.deps.services.escalations.resolve(id, actorOf(i.user, i.member)));
      await i.update(renderTaPost(done));
      await this.notifyAsker(done, resolvedNotice(done));
      return;
    }
    await i.showModal({
      custom_id: customId({ kind: 'resolve-modal', escalationId: id }),
      title: truncate(TA.modalTitle, LIMITS.modalTitle),
      components: [
        {
          type: ComponentType.ActionRow,
          components: [
            {
              type: ComponentType.TextInput,
              custom_id: RESOLUTION_FIELD,
              label: truncate(TA.modalLabel, LIMITS.textInputLabel),
              placeholder: TA.modalPlaceholder,
              style: TextInputStyle.Paragraph,
              required: false,
              max_length: 1800,
            },
          ],
        },
      ],
    });
  }

  /** The answer form sent back: resolves with the TA's answer, edits the post and tells the asker. */
  async resolveModal(i: ModalSubmitInteraction, id: string): Promise<void> {
    requireTa(i.member, this.deps.settings.taRoleId);
    let answer: string | undefined;
    try {
      answer = i.fields.getTextInputValue(RESOLUTION_FIELD);
    } catch {
      answer = undefined;
    }
    const e = this.own(id, () => this.deps.services.escalations.resolve(id, actorOf(i.user, i.member), answer));
    if (i.isFromMessage()) {
      await i.update(renderTaPost(e));
    } else {
      await i.reply({ ...payload({ content: TA.resolvedOk.ja + ' / ' + TA.resolvedOk.en }), flags: 'Ephemeral' });
      await this.refreshPost(e);
    }
    await this.notifyAsker(e, resolvedNotice(e));
  }

  /** Edits the recorded TA post to show `e` as it stands (a change made elsewhere). */
  async refreshPost(e: Escalation): Promise<void> {
    if (!e.taPost || e.taPost.face !== 'discord' || !e.taPost.channelId) return;
    // Rendered from the store at the last moment: two quick changes never leave the older one shown.
    const render = () => renderTaPost(this.deps.services.escalations.get(e.id) ?? e);
    try {
      const ch = await this.deps.client.channels.fetch(e.taPost.channelId);
      if (!ch || !ch.isTextBased()) return;
      const msg = await ch.messages.fetch(e.taPost.messageId);
      await msg.edit(render());
    } catch (err) {
      this.deps.log.warn({ err, escalation: e.id }, 'could not refresh the TA post');
    }
  }

  /**
   * Tells the asker, in their language, in their thread (or as a reply in
   * their channel). Never throws: the TA's action is recorded already.
   */
  async notifyAsker(e: Escalation, text: Bilingual): Promise<void> {
    const o = e.origin;
    // Another face's asker reads the TA's answer there (the web chat shows where its escalation stands).
    if (o.face !== 'discord') return;
    const target = o.threadId ?? o.channelId;
    if (!target) return;
    try {
      const ch = await this.deps.client.channels.fetch(target);
      if (!ch || !ch.isSendable()) return;
      const reply = !o.threadId && o.messageId ? { reply: { messageReference: o.messageId, failIfNotExists: false } } : {};
      await ch.send({ ...payload({ content: text[e.lang] }), ...reply });
    } catch (err) {
      this.deps.log.warn({ err, escalation: e.id }, 'could not tell the asker');
    }
  }
}
