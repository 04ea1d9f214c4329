/**
 * `tasuke worker [--concurrency N]`: a training worker for the Redis queue,
 * meant for a GPU machine. It takes jobs that `tasuke serve` (with
 * TASUKE_QUEUE=redis) submitted, runs each in a worker child process and
 * sends progress and results back through Redis. Stops on SIGINT or SIGTERM,
 * failing the jobs it was running with code 'restart'.
 *
 * With the default embedded queue there is nothing for a worker to do (`tasuke
 * serve` trains itself), so it says so and how to switch, instead of trying
 * to reach a Redis nobody configured.
 */
import { secretsOf } from '../../core/log.ts';
import { redact } from '../../core/redact.ts';
import { RedisTrainingWorker, START_REDIS_HINT, type WorkerJobEvent } from '../../jobs/redis.ts';
import { flagValue, parseLine, UsageError } from '../args.ts';
import { EXIT, type CliCommand } from '../command.ts';
import { HELP_OPTION } from '../help.ts';
import { watchStop } from '../stop.ts';

function describeJob(e: WorkerJobEvent): string {
  const at = new Date().toISOString();
  if (e.phase === 'start') return `${at} job ${e.jobId} started (lesson ${e.lesson}, user ${e.userId})`;
  return `${at} job ${e.jobId} ${e.state}${e.code ? ` (${e.code})` : ''} after ${e.seconds} s`;
}

/** What `tasuke worker` says when the queue is the embedded one. */
export const EMBEDDED_QUEUE_MESSAGE =
  'tasuke worker takes training jobs from a Redis queue, but TASUKE_QUEUE is "embedded" (the default): ' +
  'there, `tasuke serve` runs training itself in child processes and needs no worker.\n' +
  'To spread training over GPU machines: start Redis, then set TASUKE_QUEUE=redis and REDIS_URL for ' +
  '`tasuke serve` and for `tasuke worker` on each GPU machine.\n' +
  START_REDIS_HINT;

export const command: CliCommand = {
  name: 'worker',
  usage: 'worker [--concurrency N]',
  summary: 'Run a training worker for the Redis queue (TASUKE_QUEUE=redis, on a GPU machine)',
  help: (ctx) => ({
    usage: ['tasuke worker [--concurrency N]'],
    summary: {
      ja: 'Redis のキューから学習ジョブを受け取って実行するワーカーです（GPU のあるマシンで TASUKE_QUEUE=redis の serve と組み合わせます）。SIGINT か SIGTERM で止まります。',
      en: 'A training worker that takes jobs from the Redis queue (on a GPU machine, next to a `serve` with TASUKE_QUEUE=redis). Stops on SIGINT or SIGTERM.',
    },
    options: [
      {
        flags: ['--concurrency N'],
        text: { ja: '同時に学習するジョブの数', en: 'jobs trained at the same time' },
        values: `1 … 64; ${ctx.lang === 'ja' ? '既定値' : 'default'} TASUKE_WORKER_CONCURRENCY = ${ctx.config.training.concurrency}`,
      },
      HELP_OPTION,
    ],
    examples: ['tasuke worker', 'REDIS_URL=redis://gpu-queue:6379 tasuke worker --concurrency 2'],
    notes: [{ ja: '終了コード: 0 合図で止まった、2 コマンドラインの誤り。', en: 'Exit codes: 0 stopped by a signal, 2 a mistake on the command line.' }],
  }),
  async run(argv, ctx) {
    const line = parseLine(argv, [{ name: 'concurrency' }]);
    if (line.positionals.length > 0) throw new UsageError({ ja: `「${line.positionals[0]}」は使えない引数です。`, en: `Unexpected argument "${line.positionals[0]}".` });
    const t = ctx.config.training;
    const given = flagValue(line, 'concurrency');
    const concurrency = given === undefined ? t.concurrency : Number(given);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      throw new UsageError({
        ja: `--concurrency は 1 から 64 までの整数で指定してください（指定された値: ${String(given)}）。`,
        en: `--concurrency must be an integer from 1 to 64 (got ${String(given)}).`,
      });
    }
    if (t.queue !== 'redis') {
      ctx.stderr.write(EMBEDDED_QUEUE_MESSAGE + '\n');
      return EXIT.usage;
    }
    const secrets = secretsOf(ctx.config);
    // Listening before Redis is opened: a SIGTERM during start-up is a clean stop once the worker is up.
    const stop = watchStop(ctx.signal);
    try {
      // Errors (a ConfigError when Redis is unreachable) are printed by main; they are redacted already.
      const worker = await RedisTrainingWorker.start({
        redisUrl: t.redisUrl,
        concurrency,
        timeoutMs: t.jobTimeoutS * 1000,
        // The runs this worker trains at once decide how many threads each may take (TASUKE_TRAIN_THREADS=0).
        trainConfig: { ...ctx.config, training: { ...t, concurrency } },
        secrets,
        log: (line) => ctx.stderr.write(redact(line, secrets) + '\n'),
        onJob: (e) => ctx.stdout.write(describeJob(e) + '\n'),
      });
      ctx.stdout.write(
        `tasuke worker: taking training jobs from ${redact(t.redisUrl, secrets)} ` +
          `(concurrency ${concurrency}, TensorFlow backend ${t.backend}, time limit ${t.jobTimeoutS} s). Ctrl-C stops.\n`,
      );
      const why = await stop.stopped;
      ctx.stdout.write(`tasuke worker: ${why}, stopping.\n`);
      await worker.close();
    } finally {
      stop.release();
    }
    ctx.stdout.write('tasuke worker: stopped.\n');
    return EXIT.ok;
  },
};
