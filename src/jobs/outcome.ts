/**
 * Turns how a run in a child ended into the job's final state, the same way
 * for both backends: a NaN stop is a failure with an explanation, a cancelled
 * run is cancelled even when the trainer returned a partial result, and so on.
 */
import type { TrainResult } from '../training/types.ts';
import { crashedError, internalError, nanError, timeoutError } from './messages.ts';
import type { RunOutcome } from './runner.ts';
import type { Finish } from './store.ts';
import type { JobError, JobSubmission } from './types.ts';

/** A final state plus the chart to store, before it has a path. */
export interface Settled {
  finish: Omit<Finish, 'chartPath'>;
  chartPngBase64?: string;
}

function nanStop(result: TrainResult): { epoch: number } | undefined {
  return result.series.find((s) => s.stopped?.reason === 'nan')?.stopped;
}

function cancelStop(result: TrainResult): boolean {
  return result.series.some((s) => s.stopped?.reason === 'cancelled');
}

export function settle(outcome: RunOutcome, submission: JobSubmission, log: (line: string) => void = console.error): Settled {
  switch (outcome.kind) {
    case 'completed': {
      const { result, chartPngBase64, reading, chartError } = outcome.value;
      if (chartError) log(`[jobs] chart for a ${result.lesson} run failed: ${chartError.stack ?? chartError.message}`);
      const produced = { result, reading };
      const nan = nanStop(result);
      if (nan) {
        const lr = submission.params.learningRate ?? result.params.learningRate;
        return { finish: { state: 'failed', ...produced, error: nanError(nan.epoch, lr) }, chartPngBase64 };
      }
      if (cancelStop(result) || outcome.cancelRequested && result.series.some((s) => s.stopped)) {
        return { finish: { state: 'cancelled', ...produced }, chartPngBase64 };
      }
      return { finish: { state: 'succeeded', ...produced }, chartPngBase64 };
    }
    case 'failed': {
      const { err } = outcome;
      if (outcome.cancelRequested && (err.name === 'AbortError' || /abort|cancel/i.test(err.message))) {
        return { finish: { state: 'cancelled' } };
      }
      if (err.userError) {
        const error: JobError = { code: 'invalid', message: err.userError.messages };
        return { finish: { state: 'failed', error } };
      }
      log(`[jobs] training failed: ${err.stack ?? err.message}`);
      return { finish: { state: 'failed', error: internalError(err.message) } };
    }
    case 'cancelled':
      return { finish: { state: 'cancelled' } };
    case 'timeout':
      return { finish: { state: 'failed', error: timeoutError(Math.round(outcome.limitMs / 1000)) } };
    case 'crashed':
      return { finish: { state: 'failed', error: crashedError(outcome.detail) } };
    case 'init-failed':
      log(`[jobs] worker could not start: ${outcome.err.stack ?? outcome.err.message}`);
      return { finish: { state: 'failed', error: internalError(`worker could not start: ${outcome.err.message}`) } };
  }
}
