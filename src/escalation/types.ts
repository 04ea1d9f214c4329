/**
 * The escalation contract: a question a human TA must answer. Every face
 * creates and changes escalations through `EscalationStore`; this is the one
 * place they live.
 */
import type { Lang } from '../core/lang.ts';

export type EscalationState = 'open' | 'claimed' | 'resolved' | 'dismissed';

export const ESCALATION_STATES: readonly EscalationState[] = ['open', 'claimed', 'resolved', 'dismissed'];

/** Why the question went to a human. */
export type EscalationReason =
  /** tasuke's own answer was `escalate`. */
  | 'tasuke'
  /** The asker pressed 👎 (not helpful). */
  | 'not-helpful'
  /** The asker pressed "Ask a TA" or ran /escalate. */
  | 'asked'
  /** Nobody answered in time (the sweeper). */
  | 'unanswered';

/** Where the question was asked, so a face can link to it and reply there. */
export interface EscalationOrigin {
  face: 'discord' | 'web' | 'cli';
  guildId?: string;
  channelId?: string;
  threadId?: string;
  messageId?: string;
  /** A link a TA can open (a Discord message URL, a web chat URL). */
  url?: string;
}

/** Who did something: a Discord user, a signed-in TA. */
export interface Actor {
  id: string;
  name: string;
}

/** Where the TA notice about this escalation was posted (set once, by the face that posted it). */
export interface TaPost {
  face: string;
  channelId?: string;
  messageId: string;
}

export interface Escalation {
  id: string;
  state: EscalationState;
  reason: EscalationReason;
  question: string;
  lang: Lang;
  /** tasuke's attempt: its answer text (or its escalate message) and confidence. */
  attempt?: { action: string; answer: string; confidence: number; sources: string[] };
  asker: Actor;
  origin: EscalationOrigin;
  createdAt: number;
  claimedAt?: number;
  claimedBy?: Actor;
  resolvedAt?: number;
  resolvedBy?: Actor;
  /** The TA's answer, when one was given on resolving. */
  resolution?: string;
  dismissedAt?: number;
  taPost?: TaPost;
}

export interface NewEscalation {
  reason: EscalationReason;
  question: string;
  lang: Lang;
  attempt?: Escalation['attempt'];
  asker: Actor;
  origin: EscalationOrigin;
  /**
   * What makes two requests the same escalation (a Discord thread, an answer
   * message): a second `open` with the same key returns the first record.
   */
  key: string;
}

export type EscalationEvent = { type: 'opened' | 'claimed' | 'resolved' | 'dismissed' | 'posted'; escalation: Escalation };
