/**
 * A /train run, the Discord way: one message that says where the job is
 * (queued with its position, running with a progress line and a text bar,
 * finished with the chart, the summary and the reading, or failed with the
 * job's own explanation). The words of a run come from `training/words.ts`,
 * shared with the other faces; this file only lays them out.
 */
import { readFile } from 'node:fs/promises';
import { ButtonStyle, type APIEmbed, type AttachmentPayload } from 'discord.js';
import type { Lang } from '../../core/lang.ts';
import type { JobRecord } from '../../jobs/types.ts';
import type { Lesson } from '../../training/lesson.ts';
import type { EpochEvent } from '../../training/types.ts';
import { progressBar, progressLine, summary } from '../../training/words.ts';
import { customId } from '../ids.ts';
import { BUTTONS, TRAIN } from '../words.ts';
import { truncate } from './limits.ts';
import { button, COLOURS, payload, row, type Payload } from './payload.ts';

/** The file name of a run's loss chart, referenced by the embed as `attachment://chart.png`. */
export const CHART_NAME = 'chart.png';

/** A run as its message shows it. */
export interface RunView {
  job: JobRecord;
  lesson: Pick<Lesson, 'id' | 'title' | 'defaults'>;
  lang: Lang;
  /** Jobs ahead of this one when it was submitted. */
  ahead?: number;
  /** The latest epoch event (the job record's own may be older). */
  progress?: EpochEvent;
  /** Whether a chart file is attached to this message. */
  chart?: boolean;
  /** A note under the run (e.g. that the result will come in a new message). */
  note?: string;
}

/** The share of the whole run an epoch event stands for (every series counted). */
export function runShare(e: EpochEvent): { done: number; total: number } {
  return { done: e.seriesIndex * e.totalEpochs + e.epoch, total: e.seriesCount * e.totalEpochs };
}

/** The settings the run uses, as `key=value` (the lesson's defaults under what was asked). */
function settingsLine(view: RunView): string {
  const used = view.job.result?.params ?? { ...view.lesson.defaults, ...view.job.submission.params };
  return Object.entries(used)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/** The progress block: the run words' progress line and a bar. */
export function progressBlock(e: EpochEvent, lang: Lang): string {
  const { done, total } = runShare(e);
  return `\`${progressBar(done, total)}\` ${Math.round((done / total) * 100)}%\n${progressLine(e, lang)}`;
}

/** The message for the run as it stands. Buttons: Cancel while it may still be cancelled. */
export function renderRun(view: RunView): Payload {
  const { job, lang } = view;
  const title = TRAIN.heading(view.lesson.id, view.lesson.title[lang])[lang];
  const progress = view.progress ?? job.progress;
  const embed: APIEmbed = { title, fields: [], footer: { text: `${TRAIN.job[lang]} ${job.id}` } };
  const parts: string[] = [];
  switch (job.state) {
    case 'queued':
      embed.color = COLOURS.running;
      parts.push(TRAIN.queued(view.ahead ?? 0)[lang]);
      break;
    case 'running':
      embed.color = COLOURS.running;
      parts.push(progress ? progressBlock(progress, lang) : TRAIN.running[lang]);
      break;
    case 'succeeded':
      embed.color = COLOURS.succeeded;
      parts.push(`✅ ${TRAIN.succeeded[lang]}`);
      if (job.result) parts.push('```\n' + truncate(summary(job.result, lang), 1500) + '\n```');
      if (job.reading) parts.push(truncate(job.reading, 2000));
      if (view.chart) embed.image = { url: `attachment://${CHART_NAME}` };
      break;
    case 'failed':
      embed.color = COLOURS.failed;
      parts.push(`⚠️ ${TRAIN.failed[lang]}`);
      if (job.error) parts.push(job.error.message[lang]);
      if (progress) parts.push(progressLine(progress, lang));
      break;
    case 'cancelled':
      embed.color = COLOURS.cancelled;
      parts.push(`⏹️ ${TRAIN.cancelled[lang]}`);
      if (progress) parts.push(progressLine(progress, lang));
      if (job.result) parts.push('```\n' + truncate(summary(job.result, lang), 1500) + '\n```');
      break;
  }
  // What the job itself says about how it ended (served from an identical finished run, chart not saved).
  if (job.notice && job.state !== 'queued' && job.state !== 'running') parts.push(`ℹ️ ${job.notice[lang]}`);
  if (view.note) parts.push(view.note);
  embed.description = parts.join('\n\n');
  embed.fields!.push({ name: TRAIN.params[lang], value: settingsLine(view) || '—' });
  const live = job.state === 'queued' || job.state === 'running';
  const components = live
    ? [row(button(customId({ kind: 'cancel-job', jobId: job.id }), BUTTONS.cancel[lang], ButtonStyle.Danger, { emoji: '⏹️' }))]
    : [];
  return payload({ embeds: [embed], components });
}

/**
 * The files of a finished run: the loss chart (from `chartPath`) and the
 * lesson's extra images (the CNN's kernels). A chart that cannot be read is
 * left out rather than failing the whole message.
 */
export async function runFiles(job: JobRecord, lang: Lang): Promise<AttachmentPayload[]> {
  const files: AttachmentPayload[] = [];
  if (job.chartPath) {
    try {
      files.push({ attachment: await readFile(job.chartPath), name: CHART_NAME, description: TRAIN.chartAlt[lang] });
    } catch {
      // The result still reads without its picture.
    }
  }
  for (const img of job.result?.images ?? []) {
    if (files.length >= 10) break;
    files.push({ attachment: Buffer.from(img.pngBase64, 'base64'), name: `${img.key.replace(/[^\w-]/g, '_')}.png`, description: img.title[lang] });
  }
  return files;
}
