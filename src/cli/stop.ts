/**
 * Stop requests for long-running commands (`serve`, `worker`). The handlers
 * are installed before the command starts anything, so a SIGTERM that comes
 * while tasuke is still starting (building the index, opening Redis) is a
 * clean stop once start-up is done, instead of Node's default: dying on the
 * spot with the database and queue left open.
 */

export interface StopWatch {
  /** Resolves with why the command was asked to stop: 'SIGTERM', 'SIGINT' or 'stop requested'. */
  readonly stopped: Promise<string>;
  /** Why a stop was requested, once it was; undefined before. */
  readonly reason: string | undefined;
  /** Removes the handlers and lets Node exit; call it whatever happened. */
  release(): void;
}

/** Starts listening for SIGTERM, SIGINT and `signal` (the tests' stop), keeping the process alive until released. */
export function watchStop(signal?: AbortSignal): StopWatch {
  let reason: string | undefined;
  let resolveStopped!: (why: string) => void;
  const stopped = new Promise<string>((resolve) => (resolveStopped = resolve));
  // A pending promise alone does not keep Node running; this interval does.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const unlisten = () => {
    process.removeListener('SIGTERM', onTerm);
    process.removeListener('SIGINT', onInt);
  };
  const release = () => {
    clearInterval(keepAlive);
    unlisten();
    signal?.removeEventListener('abort', onAbort);
  };
  const stop = (why: string) => {
    if (reason !== undefined) return;
    reason = why;
    // A second Ctrl+C while stopping gets Node's default again: it ends the process at once.
    unlisten();
    resolveStopped(why);
  };
  const onTerm = () => stop('SIGTERM');
  const onInt = () => stop('SIGINT');
  const onAbort = () => stop('stop requested');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  if (signal?.aborted) stop('stop requested');
  else signal?.addEventListener('abort', onAbort, { once: true });
  return {
    stopped,
    get reason() {
      return reason;
    },
    release,
  };
}
