/**
 * Runs jobs in worker child processes. A child is forked (tsx's loader, the
 * `child.ts` entry), loads the trainer once and is reused for later jobs
 * while it stays healthy; a child that is killed (time limit, cancellation
 * grace period over) or crashes is replaced by a fresh one for the next job.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EpochEvent } from '../training/types.ts';
import {
  ChildCommand,
  isChildMessage,
  ParentCommand,
  type ChildMessage,
  type CompletedValue,
  type ParentMessage,
  type SerializedError,
  type StartValue,
} from './protocol.ts';

/** How a run in a child ended, before it becomes a job state. */
export type RunOutcome =
  | { kind: 'completed'; value: CompletedValue; cancelRequested: boolean }
  | { kind: 'failed'; err: SerializedError; cancelRequested: boolean }
  /** Cancelled and the child did not answer within the grace period, so it was killed. */
  | { kind: 'cancelled' }
  | { kind: 'timeout'; limitMs: number }
  | { kind: 'crashed'; detail: string }
  | { kind: 'init-failed'; err: SerializedError };

export interface RunOptions {
  /** Aborting it cancels the job: Cancel is sent, and the child is killed after the grace period. */
  signal?: AbortSignal;
  timeoutMs: number;
  onProgress?: (event: EpochEvent) => void;
}

export interface ChildPoolOptions {
  /** How many idle children to keep for reuse (normally the concurrency). */
  keepIdle: number;
  /** How long a cancelled child may take to stop before it is killed. */
  graceMs?: number;
  /** A child is retired after this many jobs, to bound what a long-lived TensorFlow process accumulates. */
  maxJobsPerChild?: number;
  /** Environment of the children (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
  /** Entry module of the children (tests of the pool machinery may pass another one). */
  entry?: string;
}

const DEFAULT_ENTRY = fileURLToPath(new URL('./child.ts', import.meta.url));

/** tsx's ESM loader as an absolute URL, so children start from any working directory. */
function tsxImport(): string {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch {
    return 'tsx';
  }
}

class WorkerChild {
  readonly proc: ChildProcess;
  /** Resolves when the child said Ready; rejects with its InitFailed error or its exit. */
  readonly ready: Promise<void>;
  jobs = 0;
  exited = false;
  exitDetail = '';
  private handlers = new Set<(msg: ChildMessage) => void>();
  private exitHandlers = new Set<(detail: string) => void>();

  constructor(entry: string, env: NodeJS.ProcessEnv | undefined) {
    this.proc = fork(entry, [], {
      execArgv: ['--import', tsxImport()],
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const onMsg = (msg: ChildMessage) => {
        if (msg.cmd === ChildCommand.Ready) {
          this.handlers.delete(onMsg);
          this.exitHandlers.delete(onExit);
          resolve();
        } else if (msg.cmd === ChildCommand.InitFailed) {
          this.handlers.delete(onMsg);
          this.exitHandlers.delete(onExit);
          reject(Object.assign(new Error(msg.err.message), { serialized: msg.err }));
        }
      };
      const onExit = (detail: string) => reject(new Error(`worker exited before it was ready (${detail})`));
      this.handlers.add(onMsg);
      this.exitHandlers.add(onExit);
    });
    // Nobody may await `ready` (a child spawned and then closed): keep the rejection handled.
    this.ready.catch(() => undefined);
    this.proc.on('message', (msg: unknown) => {
      if (!isChildMessage(msg)) return;
      for (const h of [...this.handlers]) h(msg);
    });
    // 'close' rather than 'exit': it comes after the last IPC message (an InitFailed sent just before exiting).
    this.proc.on('close', (code, signal) => {
      this.exited = true;
      this.exitDetail = signal ? `signal ${signal}` : `exit code ${code}`;
      for (const h of [...this.exitHandlers]) h(this.exitDetail);
    });
    this.proc.on('error', () => {
      // 'exit' follows (or the fork failed and 'exit' reports it); nothing more to do here.
    });
  }

  send(msg: ParentMessage): void {
    if (!this.exited && this.proc.connected) this.proc.send(msg);
  }

  onMessage(h: (msg: ChildMessage) => void): () => void {
    this.handlers.add(h);
    return () => this.handlers.delete(h);
  }

  onExit(h: (detail: string) => void): () => void {
    this.exitHandlers.add(h);
    return () => this.exitHandlers.delete(h);
  }

  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
  }
}

export class ChildPool {
  private idle: WorkerChild[] = [];
  private busy = new Set<WorkerChild>();
  private closed = false;
  private readonly graceMs: number;
  private readonly maxJobs: number;

  constructor(private readonly opts: ChildPoolOptions) {
    if (!Number.isInteger(opts.keepIdle) || opts.keepIdle < 0) throw new Error(`keepIdle must be an integer >= 0, got ${opts.keepIdle}`);
    this.graceMs = opts.graceMs ?? 5000;
    this.maxJobs = opts.maxJobsPerChild ?? 50;
  }

  /** Process ids of the children running a job right now. */
  busyPids(): number[] {
    return [...this.busy].map((c) => c.proc.pid).filter((p): p is number => p !== undefined);
  }

  /** Starts one child ahead of the first job, so that job does not wait for TensorFlow to load. */
  async warm(): Promise<void> {
    if (this.closed || this.idle.length > 0) return;
    const child = new WorkerChild(this.opts.entry ?? DEFAULT_ENTRY, this.opts.env);
    this.idle.push(child);
    child.onExit(() => (this.idle = this.idle.filter((c) => c !== child)));
    await child.ready.catch(() => undefined);
  }

  /** Runs one job in a child and reports how it ended. Never rejects. */
  async run(start: StartValue, opts: RunOptions): Promise<RunOutcome> {
    if (this.closed) return { kind: 'crashed', detail: 'worker pool closed' };
    const child = this.take();
    this.busy.add(child);
    let reusable = false;
    try {
      const outcome = await this.drive(child, start, opts);
      reusable = (outcome.kind === 'completed' || outcome.kind === 'failed') && !child.exited;
      return outcome;
    } finally {
      this.busy.delete(child);
      child.jobs++;
      if (reusable && !this.closed && child.jobs < this.maxJobs && this.idle.length < this.opts.keepIdle) {
        this.idle.push(child);
      } else {
        this.retire(child);
      }
    }
  }

  /** Kills every child, idle or busy; runs in progress end as 'crashed'. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.idle, ...this.busy];
    this.idle = [];
    await Promise.all(
      all.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exited) return resolve();
            c.onExit(() => resolve());
            c.kill();
          }),
      ),
    );
  }

  private take(): WorkerChild {
    while (this.idle.length > 0) {
      const c = this.idle.shift()!;
      if (!c.exited) return c;
    }
    const child = new WorkerChild(this.opts.entry ?? DEFAULT_ENTRY, this.opts.env);
    return child;
  }

  private retire(child: WorkerChild): void {
    if (child.exited) return;
    child.send({ cmd: ParentCommand.Stop });
    // A child that does not stop on its own within the grace period is killed.
    const t = setTimeout(() => child.kill(), this.graceMs);
    t.unref();
    child.onExit(() => clearTimeout(t));
  }

  private drive(child: WorkerChild, start: StartValue, opts: RunOptions): Promise<RunOutcome> {
    return new Promise<RunOutcome>((resolve) => {
      let settled = false;
      let cancelRequested = false;
      let killedFor: 'timeout' | 'cancel' | undefined;
      const cleanups: (() => void)[] = [];
      const finish = (o: RunOutcome) => {
        if (settled) return;
        settled = true;
        for (const c of cleanups) c();
        resolve(o);
      };

      const timer = setTimeout(() => {
        killedFor = 'timeout';
        child.kill();
      }, opts.timeoutMs);
      cleanups.push(() => clearTimeout(timer));

      const onAbort = () => {
        if (cancelRequested) return;
        cancelRequested = true;
        child.send({ cmd: ParentCommand.Cancel });
        const grace = setTimeout(() => {
          killedFor ??= 'cancel';
          child.kill();
        }, this.graceMs);
        cleanups.push(() => clearTimeout(grace));
      };

      let startSent = false;
      cleanups.push(
        child.onExit((detail) => {
          // Before Start, the rejection of `ready` reports the exit (with what the child said, if anything).
          if (!startSent) return;
          if (killedFor === 'timeout') finish({ kind: 'timeout', limitMs: opts.timeoutMs });
          else if (killedFor === 'cancel') finish({ kind: 'cancelled' });
          else if (cancelRequested) finish({ kind: 'cancelled' });
          else finish({ kind: 'crashed', detail });
        }),
      );

      cleanups.push(
        child.onMessage((msg) => {
          switch (msg.cmd) {
            case ChildCommand.Progress:
              try {
                opts.onProgress?.(msg.value);
              } catch {
                // A listener's bug must not end the job.
              }
              return;
            case ChildCommand.Completed:
              return finish({ kind: 'completed', value: msg.value, cancelRequested });
            case ChildCommand.Failed:
              return finish({ kind: 'failed', err: msg.err, cancelRequested });
            default:
              return;
          }
        }),
      );

      child.ready.then(
        () => {
          if (settled) return;
          if (opts.signal?.aborted) return finish({ kind: 'cancelled' });
          if (opts.signal) {
            opts.signal.addEventListener('abort', onAbort, { once: true });
            cleanups.push(() => opts.signal!.removeEventListener('abort', onAbort));
          }
          startSent = true;
          child.send({ cmd: ParentCommand.Start, value: start });
        },
        (err: Error & { serialized?: SerializedError }) => {
          if (killedFor === 'timeout') return finish({ kind: 'timeout', limitMs: opts.timeoutMs });
          if (killedFor === 'cancel') return finish({ kind: 'cancelled' });
          if (err.serialized) return finish({ kind: 'init-failed', err: err.serialized });
          finish({ kind: 'crashed', detail: err.message });
        },
      );
      // Cancelled while the child was still loading: no need to wait for it.
      if (opts.signal) {
        const early = () => {
          if (!settled) {
            killedFor ??= 'cancel';
            child.kill();
          }
        };
        if (opts.signal.aborted) early();
        else {
          opts.signal.addEventListener('abort', early, { once: true });
          cleanups.push(() => opts.signal!.removeEventListener('abort', early));
          child.ready.then(
            () => opts.signal!.removeEventListener('abort', early),
            () => undefined,
          );
        }
      }
    });
  }
}
