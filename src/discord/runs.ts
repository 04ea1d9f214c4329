/**
 * Keeps a /train message up to date while its job runs: one message (the
 * interaction's deferred reply) edited with the progress at most about once
 * a second, then with the chart, the summary and the reading when the job
 * ends. The training itself runs in the job queue's workers, never here.
 *
 * Discord lets a bot edit an interaction's reply for 15 minutes only (the
 * interaction token's life). A run that outlives it gets one last edit
 * saying the result will follow, and its result is posted as a new message
 * in the channel instead.
 */
import type { ChatInputCommandInteraction, Client, MessageComponentInteraction } from 'discord.js';
import type { Lang } from '../core/lang.ts';
import type { Logger } from '../core/log.ts';
import type { JobQueue, JobRecord } from '../jobs/types.ts';
import { FINAL_STATES } from '../jobs/types.ts';
import type { Lesson } from '../training/lesson.ts';
import type { EpochEvent } from '../training/types.ts';
import { payload, type Payload } from './render/payload.ts';
import { renderRun, runFiles, CHART_NAME, type RunView } from './render/training.ts';
import { Throttle } from './throttle.ts';
import { TRAIN } from './words.ts';

/** An interaction whose reply can be edited: a slash command or a button ("Try it"). */
export type RunInteraction = ChatInputCommandInteraction | MessageComponentInteraction;

/** Timing of the /train message (tests shorten it). */
export interface RunWatcherOptions {
  /** Least time between two progress edits (default 1,000 ms). */
  editIntervalMs?: number;
  /** How long an interaction token lets the bot edit its reply (Discord: 15 minutes). */
  tokenLifetimeMs?: number;
}

/** Said on a run's message when the bot stops before the run ends. */
export const INTERRUPTED = {
  ja: 'tasuke が再起動したため、この学習の経過はここに表示されなくなりました。結果が必要なら、もう一度 /train してください。',
  en: 'tasuke restarted, so this run is no longer followed here. If you need its result, start it again with /train.',
};

interface Watch {
  abort: AbortController;
  done: Promise<void>;
}

/** Follows /train runs on their messages (see the module comment); `stop()` lets them go. */
export class RunWatcher {
  private readonly watches = new Set<Watch>();
  private readonly editIntervalMs: number;
  private readonly tokenLifetimeMs: number;

  constructor(
    private readonly deps: { client: Client; jobs: JobQueue; log: Logger },
    opts: RunWatcherOptions = {},
  ) {
    this.editIntervalMs = opts.editIntervalMs ?? 1000;
    this.tokenLifetimeMs = opts.tokenLifetimeMs ?? 15 * 60_000;
  }

  /** Runs being followed now. */
  get size(): number {
    return this.watches.size;
  }

  /**
   * Follows `job` on the reply of `interaction` until it ends (or the bot
   * stops). Returns at once; the following never throws.
   */
  watch(interaction: RunInteraction, job: JobRecord, lesson: Pick<Lesson, 'id' | 'title' | 'defaults'>, lang: Lang, ahead: number): void {
    const abort = new AbortController();
    const w: Watch = { abort, done: Promise.resolve() };
    w.done = this.follow(interaction, job, lesson, lang, ahead, abort.signal)
      .catch((err: unknown) => this.deps.log.error({ err, job: job.id }, 'following a training run failed'))
      .finally(() => this.watches.delete(w));
    this.watches.add(w);
  }

  /** Stops following every run: each message says so (within `timeoutMs`). */
  async stop(timeoutMs = 5000): Promise<void> {
    for (const w of this.watches) w.abort.abort();
    const all = Promise.all([...this.watches].map((w) => w.done));
    await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private async follow(
    i: RunInteraction,
    job: JobRecord,
    lesson: Pick<Lesson, 'id' | 'title' | 'defaults'>,
    lang: Lang,
    ahead: number,
    signal: AbortSignal,
  ): Promise<void> {
    const { jobs, log } = this.deps;
    let latest = job;
    let progress: EpochEvent | undefined;
    const margin = Math.min(60_000, this.tokenLifetimeMs / 10);
    const editableUntil = i.createdTimestamp + this.tokenLifetimeMs - margin;
    const editable = () => Date.now() < editableUntil;
    const view = (extra: Partial<RunView> = {}): RunView => ({ job: latest, lesson, lang, ahead, progress, ...extra });

    const throttle = new Throttle(
      async () => {
        if (editable()) await i.editReply(renderRun(view()));
      },
      this.editIntervalMs,
      (err) => log.warn({ err, job: job.id }, 'could not edit the training message'),
    );
    const unsubscribe = jobs.subscribe((ev) => {
      if (ev.type === 'progress' && ev.jobId === job.id) {
        progress = ev.event;
        if (latest.state === 'queued') latest = { ...latest, state: 'running' };
        throttle.request();
      } else if (ev.type === 'state' && ev.job.id === job.id && !FINAL_STATES.includes(ev.job.state)) {
        latest = ev.job;
        throttle.request();
      }
    });
    // Before the token runs out: one last edit saying where the result will come.
    const lateTimer = setTimeout(
      () => {
        void throttle.close().then(() =>
          i.editReply(renderRun(view({ note: TRAIN.stillRunning[lang] }))).catch((err: unknown) => log.warn({ err }, 'could not edit the training message')),
        );
      },
      Math.max(0, editableUntil - Date.now()),
    );
    lateTimer.unref();

    let final: JobRecord | undefined;
    try {
      // The state may have moved on before the subscription; waitFor reads the record.
      const finished = jobs.waitFor(job.id);
      finished.catch(() => undefined);
      final = await Promise.race([
        finished,
        new Promise<undefined>((resolve) => {
          if (signal.aborted) resolve(undefined);
          signal.addEventListener('abort', () => resolve(undefined), { once: true });
        }),
      ]);
    } finally {
      unsubscribe();
      clearTimeout(lateTimer);
      await throttle.close();
    }

    if (!final) {
      // The bot is stopping while the job still runs or waits.
      if (editable()) await i.editReply(renderRun(view({ note: INTERRUPTED[lang] }))).catch(() => undefined);
      return;
    }
    latest = final;
    const files = final.state === 'succeeded' ? await runFiles(final, lang) : [];
    const message: Payload = renderRun(view({ job: final, chart: files.some((f) => f.name === CHART_NAME) }));
    if (editable()) {
      await i.editReply({ ...message, files });
      return;
    }
    await this.postLate(i, { ...message, files, content: TRAIN.lateResult(i.user.id)[lang] });
  }

  /** Posts a run's result as a new message when the interaction's reply can no longer be edited. */
  private async postLate(i: RunInteraction, message: Payload): Promise<void> {
    const channel = i.channel ?? (i.channelId ? await this.deps.client.channels.fetch(i.channelId) : null);
    if (!channel || !channel.isSendable()) {
      this.deps.log.warn({ channel: i.channelId }, 'no channel to post a late training result in');
      return;
    }
    await channel.send(payload(message));
  }
}
