/**
 * Every text about a job that a participant or TA reads, in Japanese and
 * English: why a job failed, why a submission was refused, what to do next.
 */
import { UserError } from '../core/errors.ts';
import type { Bilingual } from '../core/lang.ts';
import type { JobError } from './types.ts';

export function nanError(epoch: number | undefined, learningRate: unknown): JobError {
  const lr = typeof learningRate === 'number' ? String(learningRate) : undefined;
  const at = epoch !== undefined ? { ja: `エポック ${epoch} で`, en: ` at epoch ${epoch}` } : { ja: '', en: '' };
  return {
    code: 'nan',
    message: {
      ja:
        `${at.ja}損失が NaN（数値ではない値）になったため、学習を止めました。` +
        `学習率${lr ? `（${lr}）` : ''}が大きすぎて重みの更新が発散したのが一番よくある原因です。` +
        '学習率を 1/10 にして、もう一度試してみてください。',
      en:
        `The loss became NaN (not a number)${at.en}, so training was stopped. ` +
        `The most common cause is a learning rate${lr ? ` (${lr})` : ''} so large that the weight updates diverge. ` +
        'Try again with a learning rate ten times smaller.',
    },
  };
}

export function timeoutError(limitS: number): JobError {
  return {
    code: 'timeout',
    message: {
      ja: `学習が制限時間（${limitS} 秒）を超えたため、停止しました。エポック数を減らして試してみてください。`,
      en: `Training ran past the time limit (${limitS} s) and was stopped. Try fewer epochs.`,
    },
  };
}

export function crashedError(detail: string): JobError {
  return {
    code: 'worker-crashed',
    message: {
      ja: `学習用のワーカープロセスが途中で終了しました（${detail}）。もう一度試してください。続くようなら TA に伝えてください。`,
      en: `The training worker process stopped unexpectedly (${detail}). Please try again; if it keeps happening, tell a TA.`,
    },
  };
}

export function restartError(): JobError {
  return {
    code: 'restart',
    message: {
      ja: '学習中に tasuke が再起動したため、このジョブは中断されました。もう一度学習を始めてください。',
      en: 'tasuke restarted while this job was running, so it was interrupted. Please start it again.',
    },
  };
}

/**
 * The worker running the job stopped answering (killed, its machine lost) or
 * no result came back by the job's deadline. `detail` says which, for TAs.
 */
export function workerLostError(detail: string): JobError {
  return {
    code: 'worker-lost',
    message: {
      ja: `学習を担当していたワーカーとの連絡が途絶えたため、このジョブは失敗しました（${detail}）。もう一度学習を始めてください。続くようなら TA に伝えてください。`,
      en: `The worker running this job stopped answering, so the job failed (${detail}). Please start it again; if it keeps happening, tell a TA.`,
    },
  };
}

/** The queue (Redis) lost the job, or could not be reached until its deadline. */
export function queueLostError(detail: string): JobError {
  return {
    code: 'queue-lost',
    message: {
      ja: `学習キュー（Redis）がこのジョブを失ったため、ジョブは失敗しました（${detail}）。もう一度学習を始めてください。続くようなら TA に伝えてください。`,
      en: `The training queue (Redis) lost this job, so it failed (${detail}). Please start it again; if it keeps happening, tell a TA.`,
    },
  };
}

/** What a participant reads when training cannot be submitted now; questions still work. */
export const QUEUE_UNAVAILABLE: Bilingual = {
  ja: '現在、学習キューに接続できないため学習を受け付けられません。質問にはこれまでどおり答えます。数分後にもう一度 /train を試してください。続くようなら TA に伝えてください。',
  en: 'Training is unavailable right now: tasuke cannot reach its training queue. Questions still work as usual. Please try /train again in a few minutes; if it keeps happening, tell a TA.',
};

/** A submission refused because the queue cannot be reached; nothing was stored, so it can simply be retried. */
export function queueUnavailable(): UserError {
  return new UserError('jobs.queue-unavailable', QUEUE_UNAVAILABLE, { retry: true });
}

/** A submission refused because the job could not be saved (the server's disk is full or read-only). */
export function storageUnavailable(): UserError {
  return new UserError(
    'jobs.storage-unavailable',
    {
      ja: '現在、サーバーにジョブを保存できないため学習を受け付けられません（ディスクがいっぱいの可能性があります）。TA に伝えてください。質問にはこれまでどおり答えます。',
      en: 'Training cannot be accepted right now: tasuke cannot save new jobs (its disk may be full). Please tell a TA. Questions still work as usual.',
    },
    { retry: true },
  );
}

/** The notice of a finished job whose chart (or lesson images) could not be saved. */
export const CHART_NOT_SAVED: Bilingual = {
  ja: '学習は終わりましたが、グラフ画像をサーバーに保存できませんでした（ディスクがいっぱいの可能性があります）。結果の数値と解説はそのまま見られます。TA に伝えてください。',
  en: 'Training finished, but its chart could not be saved on the server (the disk may be full). The figures and the reading are still here. Please tell a TA.',
};

/**
 * The notice of a job served from an identical run that had already finished
 * (the run cache): nothing was trained again, and why that is the same.
 */
export const SERVED_FROM_FINISHED_RUN: Bilingual = {
  ja: 'このレッスンを同じパラメータ・同じシード・同じデータで学習した結果がすでにあったので、その記録を表示しています（学習は決まった手順で進むので、もう一度学習しても同じ曲線になります）。パラメータを1つでも変えると、新しく学習します。',
  en: 'This lesson had already been trained with exactly these parameters, seed and data, so this is that finished run, shown again (training is deterministic: running it again would draw the same curves). Change any parameter to train anew.',
};

export function internalError(detail: string): JobError {
  return {
    code: 'internal',
    message: {
      ja: `学習中に内部エラーが発生しました（${detail}）。TA に伝えてください。`,
      en: `An internal error stopped training (${detail}). Please tell a TA.`,
    },
  };
}

export function tooManyJobs(limit: number, active: number): UserError {
  return new UserError(
    'jobs.too-many',
    {
      ja: `実行待ち・実行中のジョブがすでに ${active} 件あります（1 人 ${limit} 件まで）。終わるのを待つか、どれかを取り消してから投入してください。`,
      en: `You already have ${active} queued or running job(s) (the limit is ${limit} per person). Wait for one to finish, or cancel one, then submit again.`,
    },
    { limit, active },
  );
}

export function jobNotFound(id: string): UserError {
  return new UserError(
    'jobs.not-found',
    { ja: `ジョブ「${id}」は見つかりません。`, en: `There is no job "${id}".` },
    { id },
  );
}

export function notYourJob(id: string): UserError {
  return new UserError(
    'jobs.not-owner',
    { ja: `ジョブ「${id}」は他の人のジョブなので取り消せません。`, en: `Job "${id}" belongs to someone else, so you cannot cancel it.` },
    { id },
  );
}

export function alreadyFinished(id: string, state: string): UserError {
  return new UserError(
    'jobs.already-finished',
    {
      ja: `ジョブ「${id}」はすでに終了しています（${stateJa(state)}）。`,
      en: `Job "${id}" has already finished (${state}).`,
    },
    { id, state },
  );
}

function stateJa(state: string): string {
  return ({ succeeded: '成功', failed: '失敗', cancelled: '取り消し済み' } as Record<string, string>)[state] ?? state;
}
