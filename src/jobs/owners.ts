/**
 * Who owns a running job, in a way that survives pid reuse. Every open queue
 * is an *instance* with a random id, registered in the `job_owners` table
 * with its host, the machine's boot id, its pid and that pid's start time,
 * and a heartbeat. A running job records the instance that runs it.
 *
 * An owner is alive when, on this host and boot, a process with its pid
 * exists *and* started at the recorded time (a reused pid starts later), and
 * its instance was not closed. Where process start times cannot be read (not
 * Linux), or the owner is on another host, a fresh heartbeat decides. After a
 * reboot (another boot id) every owner of this host is dead.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Db } from '../storage/db.ts';

/** The identity of this process, as recorded for its queue instances. */
export interface ProcessIdentity {
  host: string;
  /** /proc/sys/kernel/random/boot_id; undefined where the OS has none. */
  bootId?: string;
  pid: number;
  /** The process's start time in clock ticks after boot (Linux), undefined elsewhere. */
  pidStart?: string;
}

/** The start time of `pid` (field 22 of /proc/<pid>/stat), or undefined if there is no such process or no /proc. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself hold spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** This process's identity (read once: none of it changes while it runs). */
export const currentProcess: () => ProcessIdentity = (() => {
  let me: ProcessIdentity | undefined;
  return () => (me ??= { host: hostname(), bootId: readBootId(), pid: process.pid, pidStart: processStartTime(process.pid) });
})();

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface OwnerRow {
  instance: string;
  host: string;
  boot_id: string | null;
  pid: number;
  pid_start: string | null;
  started_at: number;
  heartbeat_at: number;
  closed_at: number | null;
}

export interface OwnerRegistryOptions {
  /** An owner on another host (or without readable start times) is dead once its heartbeat is older than this (default 60 s). */
  staleMs?: number;
}

/** The `job_owners` table: registers queue instances, beats their heart, and says whether an owner lives. */
export class OwnerRegistry {
  private readonly staleMs: number;

  constructor(
    private readonly db: Db,
    opts: OwnerRegistryOptions = {},
  ) {
    this.staleMs = opts.staleMs ?? 60_000;
  }

  /** Records a new live instance of this process (tests may register another identity). */
  register(instance: string, now = Date.now(), identity: ProcessIdentity = currentProcess()): void {
    const me = identity;
    this.db
      .prepare(
        `INSERT INTO job_owners (instance, host, boot_id, pid, pid_start, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(instance, me.host, me.bootId ?? null, me.pid, me.pidStart ?? null, now, now);
  }

  beat(instance: string, now = Date.now()): void {
    this.db.prepare('UPDATE job_owners SET heartbeat_at = ? WHERE instance = ? AND closed_at IS NULL').run(now, instance);
  }

  /** The instance stopped owning anything: its running jobs are orphans from now on. */
  close(instance: string, now = Date.now()): void {
    this.db.prepare('UPDATE job_owners SET closed_at = ? WHERE instance = ?').run(now, instance);
  }

  /** Whether the owner recorded on a job still runs it. Unknown owners (and pre-registry `host:pid:x` tags) are dead. */
  isAlive(instance: string | null | undefined, now = Date.now()): boolean {
    if (!instance) return false;
    const row = this.db.prepare('SELECT * FROM job_owners WHERE instance = ?').get(instance) as OwnerRow | undefined;
    if (!row || row.closed_at !== null) return false;
    const me = currentProcess();
    const fresh = now - row.heartbeat_at < this.staleMs;
    if (row.host !== me.host) return fresh;
    if (row.boot_id && me.bootId && row.boot_id !== me.bootId) return false;
    if (row.pid_start !== null) {
      const start = processStartTime(row.pid);
      // Same pid, other start time: the pid was reused by another process.
      if (start !== undefined) return start === row.pid_start;
      // /proc is readable here and has no such process: it is gone.
      if (me.pidStart !== undefined) return false;
    }
    return pidExists(row.pid) && fresh;
  }

  /** Removes closed or long-silent instances last heard of before `cutoff`. */
  prune(cutoff: number): number {
    return this.db
      .prepare('DELETE FROM job_owners WHERE heartbeat_at < ? AND instance NOT IN (SELECT owner FROM jobs WHERE owner IS NOT NULL AND state = \'running\')')
      .run(cutoff).changes;
  }
}
