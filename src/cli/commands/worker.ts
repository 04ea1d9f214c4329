/**
 * `tasuke worker [--concurrency N]`: a training worker for the Redis queue,
 * meant for a GPU machine. It takes jobs that `tasuke serve` (with
 * TASUKE_QUEUE=redis) submitted, runs each in a worker child process and
 * sends progress and results back through Redis. Stops on SIGINT or SIGTERM,
 * failing the jobs it was running with code 'restart'.
 */
import { parseArgs } from 'node:util';
import { RedisTrainingWorker, type WorkerJobEvent } from '../../jobs/redis.ts';
import type { CliCommand } from '../command.ts';

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

function describeJob(e: WorkerJobEvent): string {
  const at = new Date().toISOString();
  if (e.phase === 'start') return `${at} job ${e.jobId} started (lesson ${e.lesson}, user ${e.userId})`;
  return `${at} job ${e.jobId} ${e.state}${e.code ? ` (${e.code})` : ''} after ${e.seconds} s`;
}

export const command: CliCommand = {
  name: 'worker',
  usage: 'worker [--concurrency N]',
  summary: 'Run a training worker for the Redis queue (on a GPU machine)',
  async run(argv, ctx) {
    let values: { concurrency?: string };
    try {
      ({ values } = parseArgs({ args: argv, options: { concurrency: { type: 'string' } }, strict: true, allowPositionals: false }));
    } catch (err) {
      ctx.stderr.write(`${(err as Error).message}\nUsage: tasuke ${this.usage}\n`);
      return 2;
    }
    const t = ctx.config.training;
    const concurrency = values.concurrency === undefined ? t.concurrency : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      ctx.stderr.write(`--concurrency must be an integer from 1 to 64 (got ${values.concurrency}).\n`);
      return 2;
    }
    const worker = await RedisTrainingWorker.start({
      redisUrl: t.redisUrl,
      concurrency,
      timeoutMs: t.jobTimeoutS * 1000,
      trainConfig: ctx.config,
      log: (line) => ctx.stderr.write(line + '\n'),
      onJob: (e) => ctx.stdout.write(describeJob(e) + '\n'),
    });
    ctx.stdout.write(
      `tasuke worker: taking training jobs from ${redactUrl(t.redisUrl)} ` +
        `(concurrency ${concurrency}, TensorFlow backend ${t.backend}, time limit ${t.jobTimeoutS} s). Ctrl-C stops.\n`,
    );
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    ctx.stdout.write(`tasuke worker: ${signal}, stopping.\n`);
    await worker.close();
    ctx.stdout.write('tasuke worker: stopped.\n');
    return 0;
  },
};
