/**
 * At most one call per interval, always ending on the latest state: the
 * live /train message is edited at most about once a second however fast the
 * epochs come (Discord rate-limits edits, and people cannot read faster), and
 * the last epoch is never dropped. Calls never overlap, so edits cannot
 * arrive out of order.
 */
export class Throttle {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private last = -Infinity;
  private closed = false;

  /**
   * @param run  does the work with the state it reads at call time; its
   *             failures go to `onError` and do not stop later calls
   * @param intervalMs  the least time between the starts of two calls
   */
  constructor(
    private readonly run: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Asks for a call with the latest state, as soon as the interval allows. */
  request(): void {
    if (this.closed) return;
    this.dirty = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.running || !this.dirty || this.closed) return;
    const wait = Math.max(0, this.last + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, wait);
  }

  private fire(): void {
    if (this.closed) return;
    this.dirty = false;
    this.last = Date.now();
    this.running = this.run()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
  }

  /** Stops further calls and waits for the one in progress, if any. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
