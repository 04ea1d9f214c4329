/**
 * Scale-out over Redis with BullMQ, in two halves:
 *
 * - `RedisJobQueue` (redis-queue.ts), the submitting side (`tasuke serve`):
 *   the same JobQueue as the embedded backend, on the same submitting core.
 * - `RedisTrainingWorker` (redis-worker.ts), the working side (`tasuke
 *   worker`, on a GPU machine).
 *
 * What both share (job data, outcome, connections, outage logging) is in
 * redis-link.ts. This module gathers the public names.
 */
export { RedisJobQueue, type RedisQueueOptions } from './redis-queue.ts';
export { RedisTrainingWorker, type RedisWorkerOptions, type WorkerJobEvent } from './redis-worker.ts';
export { DEFAULT_QUEUE_NAME, probeRedis, unreachableError, START_REDIS_HINT, type RemoteJobData, type RemoteOutcome } from './redis-link.ts';
