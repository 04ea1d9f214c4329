/**
 * Fault tests of the embedded queue, done for real: the serving process
 * SIGKILLed mid-job and restarted while its old pid belongs to a live
 * process; the disk filling up under a running job (a small tmpfs volume
 * where the machine lets us mount one, and an honest simulation everywhere:
 * a charts path that is a file, and a database that refuses writes). Each
 * checks every job's final state, what the participant reads, and that
 * nothing is lost or finished twice.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { UserError } from '../../src/core/errors.ts';
import { EmbeddedJobQueue } from '../../src/jobs/embedded.ts';
import { CHART_NOT_SAVED } from '../../src/jobs/messages.ts';
import { processStartTime } from '../../src/jobs/owners.ts';
import { lessonValidator } from '../../src/jobs/validate.ts';
import { databasePath, openDatabase, type Db } from '../../src/storage/db.ts';
import { linear, long, record } from './support/contract.ts';
import { exited, fixture, rejection, sleep, until, watchOutput } from './support/processes.ts';

const LESSONS = resolve('lessons');
const FINAL = ['succeeded', 'failed', 'cancelled'];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tasuke-faults-emb-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

function open(dataDir: string, extra: Partial<Parameters<typeof EmbeddedJobQueue.open>[0]> = {}): EmbeddedJobQueue {
  const q = EmbeddedJobQueue.open({
    dataDir,
    concurrency: 1,
    timeoutMs: 120_000,
    maxQueuedPerUser: 5,
    validate: lessonValidator(LESSONS),
    trainConfig: loadConfig({ TASUKE_DATA_DIR: dataDir, TASUKE_LESSONS_DIR: LESSONS }, {}),
    sweepMs: 300,
    log: () => undefined,
    ...extra,
  });
  cleanups.push(() => q.close());
  return q;
}

function expectBilingual(text: { ja: string; en: string } | undefined): void {
  expect(text?.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  expect(text?.en).toMatch(/[a-z]{3}/i);
}

/** The row as any other process reads it from the file. */
function rowState(dataDir: string, id: string): string | undefined {
  const db = openDatabase(databasePath(dataDir));
  try {
    return (db.prepare('SELECT state FROM jobs WHERE id = ?').get(id) as { state: string } | undefined)?.state;
  } finally {
    db.close();
  }
}

// --- pid reuse ---------------------------------------------------------------

interface Killed {
  running: string;
  queued: string;
  /** The pid recorded for the dead owner, now held by a live process. */
  pid: number;
}

const canWriteNsLastPid = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    // Writing back what it holds changes nothing, and tells whether we may write it.
    writeFileSync('/proc/sys/kernel/ns_last_pid', readFileSync('/proc/sys/kernel/ns_last_pid', 'utf8').trim());
    return true;
  } catch {
    return false;
  }
})();
const canUnshare = process.platform === 'linux' && spawnSync('unshare', ['-Urpf', '--mount-proc', 'true']).status === 0;

/**
 * Starts the serving stand-in and waits until its long job runs. With
 * `group`, it leads its own process group, so that killing the group takes
 * everything it started (under unshare: the whole namespace). Without, only
 * the process itself is killed and its worker child exits on its own: a
 * process group id would keep the pid number in use for as long as any
 * member lingers (a zombie, where nothing reaps orphans), so that pid could
 * not be handed out again.
 */
async function startSubmitter(dataDir: string, opts: { wrap?: string[]; group?: boolean } = {}): Promise<{ proc: ChildProcess; info: Killed }> {
  const argv = [process.execPath, '--import', 'tsx', fixture('embedded-submitter-process.ts'), dataDir, LESSONS];
  const [cmd, ...args] = [...(opts.wrap ?? []), ...argv];
  const proc = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: !!opts.group });
  const out = watchOutput(proc);
  cleanups.push(() => {
    try {
      if (opts.group) process.kill(-proc.pid!, 'SIGKILL');
      else proc.kill('SIGKILL');
    } catch {
      // gone
    }
  });
  await out.until(/\{"running".*\}\n/, 120_000);
  const info = JSON.parse(/\{"running".*\}/.exec(out.text)![0]) as Killed;
  return { proc, info };
}

/** SIGKILL, as `kill -9` or the OOM killer would: no chance to close anything. */
async function sigkill(proc: ChildProcess, group = false): Promise<void> {
  if (group) process.kill(-proc.pid!, 'SIGKILL');
  else proc.kill('SIGKILL');
  await exited(proc);
  // Its worker child notices the lost channel and exits.
  await sleep(500);
}

/** A long-lived process that holds `pid`, made by setting the kernel's last pid (root only). */
async function occupyPid(pid: number): Promise<ChildProcess> {
  // Spawning may itself use up a pid or two (a helper thread) before the child's: aim a little earlier as needed.
  let shift = 0;
  for (let attempt = 0; attempt < 300; attempt++) {
    writeFileSync('/proc/sys/kernel/ns_last_pid', String(pid - 1 - shift));
    const p = spawn('sleep', ['600'], { stdio: 'ignore' });
    if (p.pid === pid) {
      cleanups.push(() => void p.kill('SIGKILL'));
      return p;
    }
    if (p.pid! > pid && p.pid! - pid <= 4 && shift === 0) shift = p.pid! - pid;
    else if (shift > 0) shift = (shift % 4) + 1;
    // Another process forked in between: try again.
    p.kill('SIGKILL');
    await exited(p);
  }
  throw new Error(`could not get pid ${pid} back within 300 tries`);
}

const PID_METHODS = [
  {
    name: 'the kernel hands the dead pid to a new process (ns_last_pid, root)',
    available: canWriteNsLastPid,
    async run(dataDir: string): Promise<Killed> {
      const { proc, info } = await startSubmitter(dataDir);
      await sigkill(proc);
      await occupyPid(info.pid);
      return info;
    },
  },
  {
    name: 'the dead owner ran in its own pid namespace, where its pid is 1; here pid 1 is init (unshare)',
    available: canUnshare,
    async run(dataDir: string): Promise<Killed> {
      const { proc, info } = await startSubmitter(dataDir, { wrap: ['unshare', '-Urpf', '--mount-proc'], group: true });
      await sigkill(proc, true);
      return info;
    },
  },
  {
    name: 'simulated: the dead owner\'s recorded pid is rewritten to that of a live process',
    available: true,
    async run(dataDir: string): Promise<Killed> {
      const { proc, info } = await startSubmitter(dataDir);
      await sigkill(proc);
      const live = spawn('sleep', ['600'], { stdio: 'ignore' });
      cleanups.push(() => void live.kill('SIGKILL'));
      const db = openDatabase(databasePath(dataDir));
      try {
        db.prepare('UPDATE job_owners SET pid = ? WHERE instance = (SELECT owner FROM jobs WHERE id = ?)').run(live.pid, info.running);
      } finally {
        db.close();
      }
      return { ...info, pid: live.pid! };
    },
  },
];

describe('embedded faults: the serving process SIGKILLed, restarted while its old pid is alive', () => {
  for (const method of PID_METHODS) {
    it.skipIf(!method.available)(`fails its running job (restart) at the next start and runs its queued one, when ${method.name}`, async () => {
      const dataDir = tempDir();
      const killed = await method.run(dataDir);
      // The scenario: the dead owner's job still says running, and its pid answers as alive.
      expect(rowState(dataDir, killed.running)).toBe('running');
      expect(() => process.kill(killed.pid, 0)).not.toThrow();

      const q = open(dataDir);
      const rec = record(q);
      // At once, at the start: not after a timeout.
      const failed = await q.get(killed.running);
      expect(failed?.state).toBe('failed');
      expect(failed?.error?.code).toBe('restart');
      expect(failed?.error?.message.en).toContain('restarted');
      expect(failed?.error?.message.ja).toContain('再起動');
      // Not stuck "running in another process": it is over, and says so.
      const again = (await rejection(q.cancel(killed.running, 'hana'))) as UserError;
      expect(again.id).toBe('jobs.already-finished');

      const ran = await q.waitFor(killed.queued, 120_000);
      expect(ran.state).toBe('succeeded');
      expect(rec.statesOf(killed.queued).filter((s) => FINAL.includes(s))).toHaveLength(1);
      expect((await q.list({ userId: 'hana' })).map((r) => r.state).sort()).toEqual(['failed', 'succeeded']);
    });
  }

  it('a pid reused after the owner died is told apart by its start time', () => {
    if (process.platform !== 'linux') return;
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
    expect(processStartTime(2 ** 22 + 7)).toBeUndefined();
  });
});

// --- full disk ---------------------------------------------------------------

interface Volume {
  name: string;
  available: boolean;
  /** A data folder on the volume, and the database to share (if the variant needs one). */
  prepare(): { dataDir: string; db?: Db };
  fill(dataDir: string, db?: Db): void;
  free(dataDir: string, db?: Db): void;
}

const canMountTmpfs = (() => {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const dir = mkdtempSync(join(tmpdir(), 'tasuke-mnt-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status === 0;
  if (ok) spawnSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  return ok;
})();

const VOLUMES: Volume[] = [
  {
    name: 'a small tmpfs volume filled to the last byte',
    available: canMountTmpfs,
    prepare() {
      const mnt = tempDir();
      const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`mount failed: ${r.stderr}`);
      cleanups.push(() => void spawnSync('umount', ['-l', mnt]));
      return { dataDir: join(mnt, 'data') };
    },
    fill(dataDir) {
      const fd = openSync(join(dataDir, '..', 'filler'), 'w');
      try {
        for (const size of [1 << 20, 1 << 16, 4096, 512, 1]) {
          const chunk = Buffer.alloc(size, 1);
          for (;;) {
            try {
              writeSync(fd, chunk);
            } catch {
              break;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free(dataDir) {
      rmSync(join(dataDir, '..', 'filler'));
    },
  },
  {
    name: 'simulated: the charts path is a file and the database refuses writes (query_only)',
    available: true,
    prepare() {
      const dataDir = tempDir();
      const db = openDatabase(databasePath(dataDir));
      cleanups.push(() => void db.close());
      return { dataDir, db };
    },
    fill(dataDir, db) {
      rmSync(join(dataDir, 'charts'), { recursive: true, force: true });
      writeFileSync(join(dataDir, 'charts'), 'not a folder');
      db!.pragma('query_only = ON');
    },
    free(dataDir, db) {
      rmSync(join(dataDir, 'charts'));
      db!.pragma('query_only = OFF');
    },
  },
];

describe('embedded faults: the disk fills up under a running job', () => {
  for (const volume of VOLUMES) {
    it.skipIf(!volume.available)(`${volume.name}: the job still ends (no chart, with a notice), new jobs are refused with a message, and all is written once there is room`, async () => {
      const { dataDir, db } = volume.prepare();
      const lines: string[] = [];
      const q = open(dataDir, { db, log: (l) => lines.push(l) });
      const rec = record(q);
      // Long enough (seconds) for the disk to fill before it ends.
      const job = await q.submit(long('gus', 'ja', { epochs: 3, batchSize: 32, hiddenUnits: 512 }));
      await rec.firstProgress(job.id);
      volume.fill(dataDir, db);

      const done = await q.waitFor(job.id, 120_000);
      expect(done.state).toBe('succeeded');
      expect(done.result?.history).toHaveLength(3);
      expect(done.reading).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      expect(done.chartPath).toBeUndefined();
      expect(done.notice).toEqual(CHART_NOT_SAVED);
      expectBilingual(done.notice);
      expect((await q.get(job.id))?.state).toBe('succeeded');
      // Not on disk yet: it is kept in memory until the disk has room.
      expect(rowState(dataDir, job.id)).toBe('running');

      const err = (await rejection(q.submit(linear('ivy', { epochs: 2 })))) as UserError;
      expect(err).toBeInstanceOf(UserError);
      expect(err.id).toBe('jobs.storage-unavailable');
      expectBilingual(err.messages);
      expect(await q.list({ userId: 'ivy' })).toEqual([]);
      expect(q.availability().available).toBe(false);

      volume.free(dataDir, db);
      await until(() => rowState(dataDir, job.id) === 'succeeded', 30_000, 'the end of the job written');
      const retry = await q.submit(linear('ivy', { epochs: 2 }));
      const ok = await q.waitFor(retry.id, 120_000);
      expect(ok.state).toBe('succeeded');
      expect(ok.chartPath).toBeDefined();
      expect(q.availability().available).toBe(true);

      // Once each, and the same after a restart.
      for (const id of [job.id, retry.id]) expect(rec.statesOf(id).filter((s) => FINAL.includes(s))).toHaveLength(1);
      await q.close();
      const reopened = open(dataDir, { db });
      expect(await reopened.get(job.id)).toMatchObject({ state: 'succeeded', notice: CHART_NOT_SAVED });
      expect((await reopened.get(retry.id))?.state).toBe('succeeded');
      expect(await reopened.list()).toHaveLength(2);
      // One line when the trouble started, one when it ended; none per failed write.
      expect(lines.filter((l) => /database: cannot write/.test(l))).toHaveLength(1);
      expect(lines.filter((l) => /charts: cannot write/.test(l))).toHaveLength(1);
      expect(lines.filter((l) => /database: writable again/.test(l))).toHaveLength(1);
    });
  }
});
