/**
 * Listeners of one queue, the promises of `waitFor`, and the checks of
 * `cancel`: the event side of the submitting core (core.ts).
 */
import { alreadyFinished, jobNotFound, notYourJob } from './messages.ts';
import { FINAL_STATES, type JobEvent, type JobRecord } from './types.ts';

/** Whether a record is in a final state. */
export function isFinal(rec: JobRecord): boolean {
  return FINAL_STATES.includes(rec.state);
}

/** Listeners of one queue, and the promises of `waitFor`; a listener that throws is logged, never fatal. */
export class JobEvents {
  private listeners = new Set<(event: JobEvent) => void>();
  private waiters = new Set<{ id: string; resolve: (r: JobRecord) => void; reject: (e: Error) => void }>();

  constructor(private readonly log: (line: string) => void) {}

  subscribe(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: JobEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        this.log(`[jobs] a job listener threw: ${(err as Error).stack ?? String(err)}`);
      }
    }
    if (event.type === 'state' && isFinal(event.job)) {
      for (const w of [...this.waiters]) if (w.id === event.job.id) w.resolve(event.job);
    }
  }

  /** Resolves with the record once it is final; `current` reads it now (undefined: no such job). */
  waitFor(id: string, current: () => Promise<JobRecord | undefined>, timeoutMs?: number): Promise<JobRecord> {
    return new Promise<JobRecord>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter = {
        id,
        resolve: (r: JobRecord) => {
          this.waiters.delete(waiter);
          if (timer) clearTimeout(timer);
          resolve(r);
        },
        reject: (e: Error) => {
          this.waiters.delete(waiter);
          if (timer) clearTimeout(timer);
          reject(e);
        },
      };
      // Registered before reading, so a state change in between is not missed.
      this.waiters.add(waiter);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => waiter.reject(new Error(`Job ${id} did not finish within ${timeoutMs} ms.`)), timeoutMs);
      }
      current().then(
        (rec) => {
          if (!rec) waiter.reject(jobNotFound(id));
          else if (isFinal(rec)) waiter.resolve(rec);
        },
        (err: Error) => waiter.reject(err),
      );
    });
  }

  /** Rejects every pending `waitFor` (the queue is closing). */
  closeAll(reason: string): void {
    for (const w of [...this.waiters]) w.reject(new Error(reason));
    this.listeners.clear();
  }
}

/** Throws the UserError that explains why `userId` may not cancel `rec` (if any). */
export function checkCancellable(id: string, rec: JobRecord | undefined, userId: string | undefined): JobRecord {
  if (!rec) throw jobNotFound(id);
  if (userId !== undefined && rec.submission.userId !== userId) throw notYourJob(id);
  if (isFinal(rec)) throw alreadyFinished(id, rec.state);
  return rec;
}
