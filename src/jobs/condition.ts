/**
 * A condition that comes and goes (Redis unreachable, the disk refusing
 * writes), logged once when it starts and once when it ends, however often
 * the code retries in between. This is what keeps an outage to two log lines
 * instead of one per reconnection attempt.
 */

export interface ConditionWords {
  /** The line logged when the condition starts; `detail` is the first cause seen. */
  down(detail: string): string;
  /** The line logged when it ends; `ms` is how long it lasted. */
  up(ms: number): string;
}

export class Condition {
  private downSince?: number;
  private firstDetail?: string;

  constructor(
    private readonly log: (line: string) => void,
    private readonly words: ConditionWords,
    private readonly now: () => number = Date.now,
  ) {}

  /** True while the condition holds. */
  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** Since when it has held (undefined when it does not). */
  get since(): number | undefined {
    return this.downSince;
  }

  /** The cause first seen in this episode. */
  get detail(): string | undefined {
    return this.firstDetail;
  }

  /** The condition holds (again); logs only if it did not already. Returns whether it was newly entered. */
  fail(detail: string): boolean {
    if (this.downSince !== undefined) return false;
    this.downSince = this.now();
    this.firstDetail = detail;
    this.log(this.words.down(detail));
    return true;
  }

  /** The condition is over; logs only if it held. Returns whether it was newly left. */
  ok(): boolean {
    if (this.downSince === undefined) return false;
    const ms = this.now() - this.downSince;
    this.downSince = undefined;
    this.firstDetail = undefined;
    this.log(this.words.up(ms));
    return true;
  }
}

/** Seconds, for log lines: 12.3 s. */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
