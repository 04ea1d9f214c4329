/**
 * Escalations in SQLite (the `escalations` table of tasuke.db, beside the
 * jobs). Every change is one transaction with a guarded UPDATE and an event
 * row, so a restart loses nothing and a record never leaves a final state;
 * opening is idempotent on the escalation's key, so nothing is filed twice.
 */
import { shortId } from '../core/ids.ts';
import { migrate, type Db, type Migration } from '../storage/db.ts';
import { alreadyClosed, claimedByOther, escalationNotFound } from './messages.ts';
import type { Actor, Escalation, EscalationEvent, EscalationState, NewEscalation, TaPost } from './types.ts';

export const ESCALATION_MIGRATIONS: readonly Migration[] = [
  {
    id: 'escalations-001-create',
    up: `CREATE TABLE escalations (
      id TEXT PRIMARY KEY,
      key TEXT NOT NULL UNIQUE,
      state TEXT NOT NULL CHECK (state IN ('open','claimed','resolved','dismissed')),
      reason TEXT NOT NULL,
      question TEXT NOT NULL,
      lang TEXT NOT NULL,
      attempt TEXT,
      asker TEXT NOT NULL,
      origin TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      claimed_at INTEGER,
      claimed_by TEXT,
      resolved_at INTEGER,
      resolved_by TEXT,
      resolution TEXT,
      dismissed_at INTEGER,
      ta_post TEXT
    );
    CREATE INDEX escalations_state ON escalations (state, created_at);
    CREATE TABLE escalation_events (
      escalation_id TEXT NOT NULL REFERENCES escalations(id),
      at INTEGER NOT NULL,
      kind TEXT NOT NULL,
      actor TEXT,
      detail TEXT
    );
    CREATE INDEX escalation_events_id ON escalation_events (escalation_id, at);`,
  },
];

interface Row {
  id: string;
  key: string;
  state: EscalationState;
  reason: Escalation['reason'];
  question: string;
  lang: Escalation['lang'];
  attempt: string | null;
  asker: string;
  origin: string;
  created_at: number;
  claimed_at: number | null;
  claimed_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  resolution: string | null;
  dismissed_at: number | null;
  ta_post: string | null;
}

function toEscalation(r: Row): Escalation {
  const e: Escalation = {
    id: r.id,
    state: r.state,
    reason: r.reason,
    question: r.question,
    lang: r.lang,
    asker: JSON.parse(r.asker) as Actor,
    origin: JSON.parse(r.origin) as Escalation['origin'],
    createdAt: r.created_at,
  };
  if (r.attempt !== null) e.attempt = JSON.parse(r.attempt) as Escalation['attempt'];
  if (r.claimed_at !== null) e.claimedAt = r.claimed_at;
  if (r.claimed_by !== null) e.claimedBy = JSON.parse(r.claimed_by) as Actor;
  if (r.resolved_at !== null) e.resolvedAt = r.resolved_at;
  if (r.resolved_by !== null) e.resolvedBy = JSON.parse(r.resolved_by) as Actor;
  if (r.resolution !== null) e.resolution = r.resolution;
  if (r.dismissed_at !== null) e.dismissedAt = r.dismissed_at;
  if (r.ta_post !== null) e.taPost = JSON.parse(r.ta_post) as TaPost;
  return e;
}

/** A short id a TA can read out (`e-k7mq2x`). */
export function newEscalationId(): string {
  return shortId('e-', 8);
}

/** Texts are bounded so that one pasted notebook cannot bloat the database. */
const MAX_TEXT = 8000;
const bounded = (s: string) => (s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s);

export class EscalationStore {
  private readonly listeners = new Set<(e: EscalationEvent) => void>();

  constructor(readonly db: Db) {
    migrate(db, ESCALATION_MIGRATIONS);
  }

  /** Listens to changes made through this store (this process); returns an unsubscribe function. */
  subscribe(listener: (e: EscalationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(type: EscalationEvent['type'], escalation: Escalation): void {
    for (const l of this.listeners) {
      try {
        l({ type, escalation });
      } catch {
        // A listener's failure is its own; the change is already stored.
      }
    }
  }

  private event(id: string, kind: string, now: number, actor?: Actor, detail?: string): void {
    this.db
      .prepare('INSERT INTO escalation_events (escalation_id, at, kind, actor, detail) VALUES (?, ?, ?, ?, ?)')
      .run(id, now, kind, actor ? JSON.stringify(actor) : null, detail ?? null);
  }

  /**
   * Files an escalation, or returns the one already filed under the same key
   * (`created: false`), whatever its state.
   */
  open(input: NewEscalation, now = Date.now()): { escalation: Escalation; created: boolean } {
    const tx = this.db.transaction(() => {
      const existing = this.db.prepare('SELECT * FROM escalations WHERE key = ?').get(input.key) as Row | undefined;
      if (existing) return { escalation: toEscalation(existing), created: false };
      const id = newEscalationId();
      this.db
        .prepare(
          `INSERT INTO escalations (id, key, state, reason, question, lang, attempt, asker, origin, created_at)
           VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.key,
          input.reason,
          bounded(input.question),
          input.lang,
          input.attempt ? JSON.stringify({ ...input.attempt, answer: bounded(input.attempt.answer) }) : null,
          JSON.stringify(input.asker),
          JSON.stringify(input.origin),
          now,
        );
      this.event(id, 'opened', now, input.asker, input.reason);
      return { escalation: this.get(id)!, created: true };
    });
    const out = tx.immediate();
    if (out.created) this.emit('opened', out.escalation);
    return out;
  }

  get(id: string): Escalation | undefined {
    const row = this.db.prepare('SELECT * FROM escalations WHERE id = ?').get(id) as Row | undefined;
    return row ? toEscalation(row) : undefined;
  }

  byKey(key: string): Escalation | undefined {
    const row = this.db.prepare('SELECT * FROM escalations WHERE key = ?').get(key) as Row | undefined;
    return row ? toEscalation(row) : undefined;
  }

  /** Oldest first (the longest waiting at the top of a queue). */
  list(filter: { states?: readonly EscalationState[]; limit?: number } = {}): Escalation[] {
    const states = filter.states ?? [];
    const where = states.length ? `WHERE state IN (${states.map(() => '?').join(',')})` : '';
    const limit = Math.max(1, Math.min(filter.limit ?? 1000, 10_000));
    const rows = this.db.prepare(`SELECT * FROM escalations ${where} ORDER BY created_at, rowid LIMIT ${limit}`).all(...states) as Row[];
    return rows.map(toEscalation);
  }

  private require(id: string): Escalation {
    const e = this.get(id);
    if (!e) throw escalationNotFound(id);
    return e;
  }

  /**
   * open → claimed by `ta`. Claiming again by the same TA changes nothing;
   * by another TA, or once closed, is a UserError saying why.
   */
  claim(id: string, ta: Actor, now = Date.now()): Escalation {
    const tx = this.db.transaction(() => {
      const e = this.require(id);
      if (e.state === 'resolved' || e.state === 'dismissed') throw alreadyClosed(e);
      if (e.state === 'claimed') {
        if (e.claimedBy?.id === ta.id) return { e, changed: false };
        throw claimedByOther(e);
      }
      this.db
        .prepare(`UPDATE escalations SET state = 'claimed', claimed_at = ?, claimed_by = ? WHERE id = ? AND state = 'open'`)
        .run(now, JSON.stringify(ta), id);
      this.event(id, 'claimed', now, ta);
      return { e: this.get(id)!, changed: true };
    });
    const { e, changed } = tx.immediate();
    if (changed) this.emit('claimed', e);
    return e;
  }

  /** open|claimed → resolved by `ta`, with the TA's answer if one was given. */
  resolve(id: string, ta: Actor, answer?: string, now = Date.now()): Escalation {
    return this.close(id, 'resolved', ta, answer, now);
  }

  /** open|claimed → dismissed (nothing to answer: a duplicate, solved by the asker). */
  dismiss(id: string, ta: Actor, note?: string, now = Date.now()): Escalation {
    return this.close(id, 'dismissed', ta, note, now);
  }

  private close(id: string, to: 'resolved' | 'dismissed', ta: Actor, text: string | undefined, now: number): Escalation {
    const tx = this.db.transaction(() => {
      const e = this.require(id);
      if (e.state === 'resolved' || e.state === 'dismissed') throw alreadyClosed(e);
      const body = text?.trim() ? bounded(text.trim()) : null;
      if (to === 'resolved') {
        this.db
          .prepare(
            `UPDATE escalations SET state = 'resolved', resolved_at = ?, resolved_by = ?, resolution = ?
             WHERE id = ? AND state IN ('open','claimed')`,
          )
          .run(now, JSON.stringify(ta), body, id);
      } else {
        this.db
          .prepare(
            `UPDATE escalations SET state = 'dismissed', dismissed_at = ?, resolved_by = ?, resolution = ?
             WHERE id = ? AND state IN ('open','claimed')`,
          )
          .run(now, JSON.stringify(ta), body, id);
      }
      this.event(id, to, now, ta, body ?? undefined);
      return this.get(id)!;
    });
    const e = tx.immediate();
    this.emit(to, e);
    return e;
  }

  /**
   * Records where the TA notice was posted. Only the first post counts:
   * returns false if another post was recorded first.
   */
  setTaPost(id: string, post: TaPost, now = Date.now()): boolean {
    const tx = this.db.transaction(() => {
      const changed = this.db.prepare('UPDATE escalations SET ta_post = ? WHERE id = ? AND ta_post IS NULL').run(JSON.stringify(post), id).changes === 1;
      if (changed) this.event(id, 'posted', now, undefined, JSON.stringify(post));
      return changed;
    });
    const changed = tx.immediate();
    if (changed) this.emit('posted', this.get(id)!);
    return changed;
  }

  /**
   * Escalations whose TA notice was never posted (filed while no poster ran,
   * or a restart in between): oldest first. `face` keeps those asked on one
   * face (`unposted('discord')`); without it, every face's (the Discord TA
   * desk posts them all when the bot runs). `states` keeps those in a state.
   */
  unposted(filter: string | { face?: string; states?: readonly EscalationState[] } = {}): Escalation[] {
    const { face, states } = typeof filter === 'string' ? { face: filter, states: undefined } : filter;
    const rows = this.db.prepare(`SELECT * FROM escalations WHERE ta_post IS NULL ORDER BY created_at, rowid`).all() as Row[];
    return rows.map(toEscalation).filter((e) => (face === undefined || e.origin.face === face) && (!states || states.includes(e.state)));
  }

  /** The history of one escalation, oldest first. */
  history(id: string): { at: number; kind: string; actor?: Actor; detail?: string }[] {
    const rows = this.db
      .prepare('SELECT at, kind, actor, detail FROM escalation_events WHERE escalation_id = ? ORDER BY at, rowid')
      .all(id) as { at: number; kind: string; actor: string | null; detail: string | null }[];
    return rows.map((r) => ({ at: r.at, kind: r.kind, ...(r.actor ? { actor: JSON.parse(r.actor) as Actor } : {}), ...(r.detail ? { detail: r.detail } : {}) }));
  }
}
