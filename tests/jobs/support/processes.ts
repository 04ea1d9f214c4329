/**
 * Real processes for the fault tests: start a fixture with tsx, watch what it
 * prints, kill it the way an operator or a crash would, and wait (bounded)
 * for a condition.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** Output of a process so far, and a promise for the first time it contains `text`. */
export function watchOutput(proc: ChildProcess) {
  let out = '';
  const waiters: { test: (s: string) => boolean; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) if (w.test(out)) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  return {
    get text() {
      return out;
    },
    until(text: string | RegExp, timeoutMs = 90_000): Promise<void> {
      const test = (s: string) => (typeof text === 'string' ? s.includes(text) : text.test(s));
      if (test(out)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ${String(text)} within ${timeoutMs} ms; output so far:\n${out}`)), timeoutMs);
        waiters.push({ test, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
  };
}

/** Starts `node --import tsx <fixture> ...args`. */
export function spawnFixture(name: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', fixture(name), ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
}

/** Resolves with the exit code (or signal) once the process has exited. */
export function exited(proc: ChildProcess): Promise<number | NodeJS.Signals | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc.exitCode ?? proc.signalCode);
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal)));
}

/** SIGKILLs a process (and waits for it), as a crash or `kill -9` would. */
export async function killHard(proc: ChildProcess): Promise<void> {
  if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  await exited(proc);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `pred` until it holds; throws after `timeoutMs` (generous bounds: CI machines are slow). */
export async function until(pred: () => boolean | Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The rejection of `p` (fails if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
