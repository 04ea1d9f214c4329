/**
 * The sweeper: hands to a TA every conversation nobody answered in time
 * (`TASUKE_UNANSWERED_AFTER_S`), with reason `unanswered`. It keeps no state of
 * its own: each sweep asks SQLite which conversations are overdue (see
 * `Conversations.overdue`), so a restart simply resumes the timers, and the
 * escalation key is the conversation key, so a conversation is never handed
 * on twice, whichever process sweeps first.
 */
import type { Logger } from '../core/log.ts';
import { attemptOf, type Conversations } from './conversations.ts';
import type { EscalationStore } from './store.ts';
import type { Escalation } from './types.ts';

export interface SweeperOptions {
  conversations: Conversations;
  escalations: EscalationStore;
  /** A conversation is overdue this long after its latest question. */
  afterMs: number;
  /** How often to sweep; defaults to a tenth of `afterMs`, between 1 s and 30 s. */
  intervalMs?: number;
  /** Conversations older than this are left alone (default 24 h). */
  maxAgeMs?: number;
  log?: Pick<Logger, 'info' | 'error'>;
}

export interface Sweeper {
  /** One pass: escalates every overdue conversation and returns what it filed. */
  sweep(now?: number): Escalation[];
  /** Sweeps now and then every `intervalMs` (an unref'd timer: it never keeps the process alive). */
  start(): void;
  stop(): void;
  readonly intervalMs: number;
}

export function createSweeper(opts: SweeperOptions): Sweeper {
  if (!Number.isFinite(opts.afterMs) || opts.afterMs < 0) throw new RangeError(`afterMs must be >= 0, got ${opts.afterMs}.`);
  const intervalMs = opts.intervalMs ?? Math.min(30_000, Math.max(1000, Math.round(opts.afterMs / 10)));
  if (!Number.isFinite(intervalMs) || intervalMs < 10) throw new RangeError(`intervalMs must be >= 10, got ${intervalMs}.`);
  const { conversations, escalations } = opts;
  let timer: NodeJS.Timeout | undefined;

  function sweep(now = Date.now()): Escalation[] {
    const filed: Escalation[] = [];
    for (const c of conversations.overdue(now, opts.afterMs, opts.maxAgeMs)) {
      const last = conversations.lastQuestion(c.key);
      if (!last) continue;
      // open() is idempotent on the key: a concurrent sweep or 👎 elsewhere files it once.
      const { escalation, created } = escalations.open(
        {
          reason: 'unanswered',
          question: last.question,
          lang: last.lang,
          attempt: attemptOf(last.contract),
          asker: last.asker,
          origin: last.origin,
          key: c.key,
        },
        now,
      );
      if (created) filed.push(escalation);
    }
    if (filed.length) opts.log?.info({ component: 'sweeper', escalated: filed.map((e) => e.id) }, `handed ${filed.length} unanswered conversation(s) to the TAs`);
    return filed;
  }

  return {
    intervalMs,
    sweep,
    start() {
      if (timer) return;
      const tick = () => {
        if (!timer) return; // stopped before this tick ran
        try {
          sweep();
        } catch (err) {
          // A locked or closing database: the next tick tries again.
          opts.log?.error({ component: 'sweeper', err }, 'sweep failed');
        }
      };
      timer = setInterval(tick, intervalMs);
      timer.unref();
      setImmediate(tick).unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
