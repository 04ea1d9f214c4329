/**
 * A training run as a card: state, live progress (the core's progress line
 * and a bar), and once finished the summary, the chart and its reading (and
 * the job's notice: served from an identical finished run, chart not saved), all
 * in the submitter's language. `chat.js` replaces the card with a fresh
 * render when the run ends, so the page and the live view are the same HTML.
 */
import type { JobRecord } from '../../jobs/types.ts';
import type { EpochEvent } from '../../training/types.ts';
import { progressLine, summary } from '../../training/words.ts';
import { JOB_STATES, TRAIN } from '../words.ts';
import { html, type SafeHtml } from './html.ts';
import { csrfField, type PageContext } from './layout.ts';

/** Overall share done of a run (several series count one after another). */
export function progressShare(e: EpochEvent | undefined): { done: number; total: number } {
  if (!e) return { done: 0, total: 1 };
  return { done: e.seriesIndex * e.totalEpochs + e.epoch, total: e.seriesCount * e.totalEpochs };
}

export function isLive(j: JobRecord): boolean {
  return j.state === 'queued' || j.state === 'running';
}

export function jobCard(ctx: PageContext, j: JobRecord, opts: { cancellable?: boolean } = {}): SafeHtml {
  const L = j.submission.lang;
  const w = (b: { ja: string; en: string }) => b[L];
  const share = progressShare(j.progress);
  const live = isLive(j);
  const r = j.result;
  const finished = r
    ? html`<pre class="summary">${summary(r, L)}</pre>
      ${j.chartPath ? html`<img class="chart" src="/jobs/${j.id}/chart.png" alt="${w(TRAIN.chartAlt)}: ${j.submission.lesson}">` : ''}
      ${(r.images ?? []).filter((i) => /^[A-Za-z0-9+/=]+$/.test(i.pngBase64)).map(
        (i) => html`<figure><img class="chart" src="data:image/png;base64,${i.pngBase64}" alt="${i.title[L]}"><figcaption>${i.title[L]}</figcaption></figure>`,
      )}
      ${j.reading ? html`<h4>${w(TRAIN.reading)}</h4><p class="pre reading">${j.reading}</p>` : ''}`
    : '';
  const cancel =
    live && opts.cancellable !== false
      ? html`<form method="post" action="/api/jobs/${j.id}/cancel" class="inline" data-ajax="cancel">${csrfField(ctx)}<button type="submit" class="secondary">${w(TRAIN.cancel)}</button></form>`
      : '';
  return html`<section class="job state-${j.state}" id="job-${j.id}" data-job-id="${j.id}" data-state="${j.state}" lang="${L}">
  <h3>/train ${j.submission.lesson} <span class="muted">· ${w(TRAIN.job)} <code>${j.id}</code> ·</span> <span class="job-state">${w(JOB_STATES[j.state])}</span></h3>
  ${live ? html`<progress max="${share.total}" value="${share.done}"></progress>` : ''}
  <p class="line pre">${j.progress ? progressLine(j.progress, L) : j.state === 'queued' ? w(TRAIN.waiting) : j.state === 'running' ? w(TRAIN.starting) : ''}</p>
  ${j.error ? html`<p class="error">${j.error.message[L]}</p>` : ''}
  ${j.notice ? html`<p class="notice">${j.notice[L]}</p>` : ''}
  ${finished}
  ${cancel}
</section>`;
}
