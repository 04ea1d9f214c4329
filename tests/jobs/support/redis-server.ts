/**
 * A real, throw-away redis-server for the tests: 127.0.0.1, a free port, no
 * persistence. Without `redis-server` on PATH the tests fail with a message
 * saying what to install; they never skip silently.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface RedisServer {
  /** With the password inside, when there is one. */
  url: string;
  port: number;
  password?: string;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Listen on this port (to restart a server where its clients expect it); a free one otherwise. */
  port?: number;
  /** `requirepass`: clients need it in their URL (redis://:password@host:port). */
  password?: string;
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function redisServerPath(): string {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || !path) {
    throw new Error(
      'redis-server is not on PATH. The Redis job-queue tests start a real Redis: install it ' +
        '(Debian/Ubuntu: `apt-get install -y redis-server`; CI installs it in scripts/setup.sh).',
    );
  }
  return path;
}

/** Starts a redis-server without persistence: stopping it loses every key, as a crashed or restarted Redis without a volume would. */
export async function startRedis(opts: RedisServerOptions = {}): Promise<RedisServer> {
  const bin = redisServerPath();
  let lastErr: unknown;
  // A port found free can be taken before redis binds it: try a few (a fixed port: a few times, it may still be closing).
  for (let attempt = 0; attempt < (opts.port ? 20 : 3); attempt++) {
    const port = opts.port ?? (await freePort());
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    if (opts.password) args.push('--requirepass', opts.password);
    const proc: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout?.on('data', (d) => (output += String(d)));
    proc.stderr?.on('data', (d) => (output += String(d)));
    const url = opts.password ? `redis://:${opts.password}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`;
    try {
      await waitReady(url, proc, () => output);
      return {
        url,
        port,
        password: opts.password,
        stop: () =>
          new Promise<void>((resolve) => {
            if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
            proc.once('exit', () => resolve());
            proc.kill('SIGTERM');
          }),
      };
    } catch (err) {
      lastErr = err;
      proc.kill('SIGKILL');
      if (opts.port) await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw lastErr;
}

async function waitReady(url: string, proc: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited (${proc.exitCode}):\n${output()}`);
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') return;
    } catch {
      // not up yet
    } finally {
      probe.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer on ${url} within 10 s:\n${output()}`);
}

/**
 * One redis-server per test file, started by the first test that asks for it.
 * Started lazily (not in `beforeAll`) so that a missing redis-server fails
 * every test that needs it, with the message above, rather than leaving them
 * reported as skipped.
 */
export function lazyRedis(): { get(): Promise<RedisServer>; stop(): Promise<void> } {
  let started: Promise<RedisServer> | undefined;
  return {
    get() {
      started ??= startRedis();
      return started;
    },
    async stop() {
      const s = await started?.catch(() => undefined);
      await s?.stop();
    },
  };
}
