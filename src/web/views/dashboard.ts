/**
 * The TA dashboard's pages: sign-in, the open queue (oldest first) with
 * claim / resolve / dismiss, the knowledge drafts to edit and approve, the
 * training jobs, the knowledge base by topic, the organizers' figures, and a
 * web conversation as the asker saw it.
 */
import type { Lang } from '../../core/lang.ts';
import type { KnowledgeDraft } from '../../escalation/drafts.ts';
import type { DayFigures } from '../../escalation/figures.ts';
import type { Escalation } from '../../escalation/types.ts';
import type { JobRecord } from '../../jobs/types.ts';
import type { AnswerRecord } from '../../qa/answer-log.ts';
import type { KnowledgeEntry } from '../../qa/knowledge.ts';
import { LESSON_IDS, TOPIC_SLUGS } from '../../qa/topics.ts';
import { COMMON, DASH, ESC_STATES, JOB_STATES, REASONS, SIGNIN, TRAIN, waited } from '../words.ts';
import { html, safeHref, type SafeHtml } from './html.ts';
import { csrfField, layout, type PageContext } from './layout.ts';
import { hbarChart, hourChart } from './svg.ts';
import { MAX_BODY_CHARS } from '../../qa/knowledge.ts';

type W = (b: { ja: string; en: string }) => string;
const words = (lang: Lang): W => (b) => b[lang];
const time = (ms: number, lang: Lang) => new Date(ms).toLocaleTimeString(lang === 'ja' ? 'ja-JP' : 'en-GB', { hour: '2-digit', minute: '2-digit' });

export type DashTab = 'queue' | 'drafts' | 'jobs' | 'knowledge' | 'figures';

function tabs(ctx: PageContext, active: DashTab, counts: { open?: number; drafts?: number } = {}): SafeHtml {
  const w = words(ctx.lang);
  const tab = (id: DashTab, href: string, label: string, count?: number) =>
    html`<a href="${href}" class="${id === active ? 'active' : ''}" ${id === active ? html`aria-current="page"` : ''}>${label}${count ? html` <span class="badge">${count}</span>` : ''}</a>`;
  return html`<nav class="tabs">
  ${tab('queue', '/dashboard', w(DASH.queue), counts.open)}
  ${tab('drafts', '/dashboard/drafts', w(DASH.drafts), counts.drafts)}
  ${tab('jobs', '/dashboard/jobs', w(DASH.jobs))}
  ${tab('knowledge', '/dashboard/knowledge', w(DASH.knowledge))}
  ${tab('figures', '/dashboard/figures', w(DASH.figures))}
</nav>`;
}

function dashLayout(ctx: PageContext, title: string, active: DashTab, body: SafeHtml, extra: { notice?: string; error?: string; counts?: { open?: number; drafts?: number } } = {}) {
  return layout(ctx, {
    title,
    body: html`${tabs(ctx, active, extra.counts)}${body}`,
    scripts: ['dashboard.js'],
    notice: extra.notice,
    error: extra.error,
    wide: true,
  });
}

export function signinPage(ctx: PageContext, opts: { error?: string; next?: string; expired?: boolean }): SafeHtml {
  const w = words(ctx.lang);
  return layout(ctx, {
    title: w(SIGNIN.title),
    error: opts.error,
    notice: opts.expired ? w(SIGNIN.expired) : undefined,
    body: html`<section class="card narrow">
  <h1>${w(SIGNIN.title)}</h1>
  <p class="muted">${w(SIGNIN.intro)}</p>
  <form method="post" action="/signin">
    ${csrfField(ctx)}<input type="hidden" name="next" value="${opts.next ?? '/dashboard'}">
    <label>${w(SIGNIN.token)}<input type="password" name="token" autocomplete="current-password" required autofocus></label>
    <button type="submit">${w(COMMON.signIn)}</button>
  </form>
</section>`,
  });
}

function attemptBlock(e: Escalation, w: W): SafeHtml {
  if (!e.attempt) return html``;
  return html`<details class="attempt"><summary>${w(DASH.attempt)} <span class="muted">(${e.attempt.action} · ${w(DASH.confidence)} ${e.attempt.confidence.toFixed(2)})</span></summary>
    <p class="pre">${e.attempt.answer}</p>
    ${e.attempt.sources.length ? html`<p class="muted small">${e.attempt.sources.map((s) => html`<code>${s}</code> `)}</p>` : ''}
  </details>`;
}

function escalationCard(ctx: PageContext, e: Escalation, now: number): SafeHtml {
  const w = words(ctx.lang);
  const mine = e.claimedBy && ctx.ta && e.claimedBy.name === ctx.ta.name;
  const link = e.origin.url ? html`<a href="${safeHref(e.origin.url)}" ${/^https?:/i.test(e.origin.url) ? html`target="_blank" rel="noopener noreferrer"` : ''}>${w(DASH.thread)} ↗</a>` : '';
  return html`<article class="esc card state-${e.state}" id="${e.id}" data-escalation-id="${e.id}">
  <header class="esc-head">
    <span class="state-pill">${w(ESC_STATES[e.state])}</span>
    <code>${e.id}</code>
    <span class="muted">${w(DASH.waiting)} <strong class="waited">${waited(now - e.createdAt, ctx.lang)}</strong> · ${w(DASH.reason)}: ${w(REASONS[e.reason])} · ${w(DASH.asker)}: ${e.asker.name} · ${e.origin.face} · ${e.lang}</span>
    ${link}
  </header>
  <blockquote class="pre question" lang="${e.lang}">${e.question}</blockquote>
  ${attemptBlock(e, w)}
  ${e.claimedBy ? html`<p class="muted small">${w(DASH.claimedBy)} ${e.claimedBy.name} (${time(e.claimedAt ?? now, ctx.lang)})</p>` : ''}
  <div class="esc-actions">
    ${e.state === 'open' ? html`<form method="post" action="/dashboard/escalations/${e.id}/claim" class="inline">${csrfField(ctx)}<button type="submit">${w(DASH.claim)}</button></form>` : ''}
    <form method="post" action="/dashboard/escalations/${e.id}/resolve" class="resolve">
      ${csrfField(ctx)}
      <textarea name="answer" rows="${mine ? 4 : 2}" maxlength="8000" required placeholder="${w(DASH.answerPlaceholder)}" lang="${e.lang}"></textarea>
      <button type="submit">${w(DASH.resolve)}</button>
    </form>
    <details class="dismiss"><summary>${w(DASH.dismiss)}</summary>
      <form method="post" action="/dashboard/escalations/${e.id}/dismiss">${csrfField(ctx)}<input name="note" maxlength="2000" placeholder="${w(DASH.dismissNote)}"><button type="submit" class="secondary">${w(DASH.dismiss)}</button></form>
    </details>
  </div>
</article>`;
}

export function queuePage(
  ctx: PageContext,
  data: { open: Escalation[]; recent: Escalation[]; drafts: number; now: number; notice?: string; error?: string },
): SafeHtml {
  const w = words(ctx.lang);
  const body = html`<section data-open-count="${data.open.length}" id="queue">
  <h1>${w(DASH.queue)} <span class="muted">(${data.open.length})</span></h1>
  <p class="new-items notice" hidden>${w(DASH.newItems)} <a href="/dashboard">${w(COMMON.reload)}</a></p>
  ${data.open.length ? data.open.map((e) => escalationCard(ctx, e, data.now)) : html`<p class="muted">${w(DASH.queueEmpty)}</p>`}
</section>
<section class="card">
  <h2>${w(DASH.recent)}</h2>
  ${data.recent.length
    ? html`<table><thead><tr><th>${w(DASH.state)}</th><th>${w(DASH.question)}</th><th>${w(DASH.resolvedBy)}</th></tr></thead><tbody>
      ${data.recent.map((e) => html`<tr><td><span class="state-pill">${w(ESC_STATES[e.state])}</span></td><td class="clip" lang="${e.lang}">${e.question}</td><td>${e.resolvedBy?.name ?? ''}${e.resolution ? html`<div class="muted small clip">${e.resolution}</div>` : ''}</td></tr>`)}
    </tbody></table>`
    : html`<p class="muted">${w(DASH.noData)}</p>`}
</section>`;
  return dashLayout(ctx, w(DASH.queue), 'queue', body, { notice: data.notice, error: data.error, counts: { open: data.open.length, drafts: data.drafts } });
}

function draftCard(ctx: PageContext, d: KnowledgeDraft, e: Escalation | undefined, error?: string): SafeHtml {
  const w = words(ctx.lang);
  return html`<article class="draft card" id="${d.id}" data-draft-id="${d.id}">
  ${error ? html`<p class="error pre" role="alert">${error}</p>` : ''}
  <p class="muted small">${w(DASH.entryId)} <code>${d.entryId}</code> · ${w(DASH.lang)} ${d.lang}${d.updatedBy ? html` · ${d.updatedBy.name}` : ''}</p>
  ${e ? html`<p class="muted small">${w(DASH.fromEscalation)} <code>${e.id}</code>: <span lang="${e.lang}">${e.question}</span></p>` : ''}
  <form method="post" action="/dashboard/drafts/${d.id}" class="draft-form">
    ${csrfField(ctx)}
    <label>${w(DASH.title)}<input name="title" value="${d.title}" maxlength="200" required lang="${d.lang}"></label>
    <div class="grid2">
      <label>${w(DASH.topics)}
        <select name="topics" multiple size="6">${TOPIC_SLUGS.map((t) => html`<option value="${t}" ${d.topics.includes(t) ? html`selected` : ''}>${t}</option>`)}</select>
      </label>
      <label>${w(DASH.lesson)}
        <select name="lesson"><option value="">—</option>${LESSON_IDS.map((l) => html`<option value="${l}" ${d.lesson === l ? html`selected` : ''}>${l}</option>`)}</select>
      </label>
    </div>
    <label>${w(DASH.questions)}<textarea name="questions" rows="3" maxlength="2000" lang="${d.lang}">${d.questions.join('\n')}</textarea></label>
    <label>${w(DASH.body)} <span class="muted small counter" data-for="body" data-max="${MAX_BODY_CHARS}"></span><textarea name="body" rows="7" maxlength="4000" lang="${d.lang}">${d.body}</textarea></label>
    <div class="row">
      <button type="submit" name="action" value="approve">✔ ${w(DASH.approve)}</button>
      <button type="submit" name="action" value="save" class="secondary">${w(DASH.save)}</button>
      <button type="submit" name="action" value="reject" class="danger">${w(DASH.reject)}</button>
    </div>
  </form>
</article>`;
}

export function draftsPage(
  ctx: PageContext,
  data: { drafts: { draft: KnowledgeDraft; escalation?: Escalation }[]; errors?: Record<string, string>; open: number; notice?: string; status?: number },
): SafeHtml {
  const w = words(ctx.lang);
  const body = html`<h1>${w(DASH.drafts)} <span class="muted">(${data.drafts.length})</span></h1>
  ${data.drafts.length ? data.drafts.map(({ draft, escalation }) => draftCard(ctx, draft, escalation, data.errors?.[draft.id])) : html`<p class="muted">${w(DASH.draftsEmpty)}</p>`}`;
  return dashLayout(ctx, w(DASH.drafts), 'drafts', body, { notice: data.notice, counts: { open: data.open, drafts: data.drafts.length } });
}

export function jobsPage(ctx: PageContext, data: { jobs: JobRecord[]; now: number }): SafeHtml {
  const w = words(ctx.lang);
  const dur = (j: JobRecord) => (j.startedAt ? waited((j.finishedAt ?? data.now) - j.startedAt, ctx.lang) : '');
  const body = html`<h1>${w(DASH.jobs)}</h1>
  ${data.jobs.length
    ? html`<table class="jobs"><thead><tr><th>${w(TRAIN.job)}</th><th>${w(TRAIN.lesson)}</th><th>${w(DASH.user)}</th><th>${w(DASH.state)}</th><th>${w(TRAIN.progress)}</th><th>${w(DASH.backend)}</th><th>${w(DASH.duration)}</th><th>${w(TRAIN.chart)}</th></tr></thead><tbody>
      ${data.jobs.map((j) => {
        const p = j.progress;
        return html`<tr class="state-${j.state}"><td><code>${j.id}</code></td><td>${j.submission.lesson}</td><td>${j.submission.userId}</td>
          <td>${w(JOB_STATES[j.state])}${j.error ? html`<div class="small error-text">${j.error.message[ctx.lang]}</div>` : ''}</td>
          <td>${p ? html`<progress max="${p.totalEpochs}" value="${p.epoch}"></progress> ${p.epoch}/${p.totalEpochs}` : ''}</td>
          <td>${j.result?.backend ?? ''}</td><td>${dur(j)}</td>
          <td>${j.chartPath ? html`<a href="/jobs/${j.id}/chart.png" target="_blank">PNG</a>` : ''}</td></tr>`;
      })}</tbody></table>`
    : html`<p class="muted">${w(DASH.jobsEmpty)}</p>`}`;
  return dashLayout(ctx, w(DASH.jobs), 'jobs', body);
}

export function knowledgePage(ctx: PageContext, data: { entries: KnowledgeEntry[]; topic?: string; entry?: KnowledgeEntry }): SafeHtml {
  const w = words(ctx.lang);
  const counts = new Map<string, number>();
  for (const e of data.entries) for (const t of e.topics) counts.set(t, (counts.get(t) ?? 0) + 1);
  const learned = (e: KnowledgeEntry) => e.file.replace(/\\/g, '/').startsWith('learned/');
  const list = data.entries.filter((e) => !data.topic || e.topics.includes(data.topic as never));
  const side = html`<nav class="topics card"><a href="/dashboard/knowledge" class="${data.topic ? '' : 'active'}">${w(DASH.allTopics)} (${data.entries.length})</a>
    ${TOPIC_SLUGS.filter((t) => counts.has(t)).map((t) => html`<a href="/dashboard/knowledge?topic=${t}" class="${data.topic === t ? 'active' : ''}">${t} <span class="muted">(${counts.get(t)})</span></a>`)}</nav>`;
  const main = data.entry
    ? html`<article class="card entry" lang="${data.entry.lang}">
        <h2>${data.entry.title}</h2>
        <p class="muted small"><code>${data.entry.id}</code> · ${data.entry.lang} · ${data.entry.topics.join(', ')}${data.entry.lesson ? html` · lesson ${data.entry.lesson}` : ''} · ${data.entry.file}${learned(data.entry) ? html` · <span class="badge">${w(DASH.learned)}</span>` : ''}</p>
        <ul class="small">${data.entry.questions.map((q) => html`<li>${q}</li>`)}</ul>
        <div class="pre">${data.entry.body}</div>
      </article>`
    : html`<table><tbody>${list.map(
        (e) => html`<tr><td><a href="/dashboard/knowledge/${e.id}">${e.title}</a>${learned(e) ? html` <span class="badge">${w(DASH.learned)}</span>` : ''}</td><td><code>${e.id}</code></td><td>${e.lang}</td><td class="muted small">${e.topics.join(', ')}</td></tr>`,
      )}</tbody></table>`;
  return dashLayout(ctx, w(DASH.knowledge), 'knowledge', html`<h1>${w(DASH.knowledge)}${data.topic ? html` · ${data.topic}` : ''}</h1><div class="kb">${side}<div>${main}</div></div>`);
}

export function figuresPage(ctx: PageContext, data: { figures: DayFigures; day: string }): SafeHtml {
  const w = words(ctx.lang);
  const f = data.figures;
  const card = (label: string, value: string | number, extra?: string) =>
    html`<div class="figure card"><div class="value">${value}</div><div class="label">${label}</div>${extra ? html`<div class="muted small">${extra}</div>` : ''}</div>`;
  const medianText = f.medianFirstResponseS === null ? '—' : waited(f.medianFirstResponseS * 1000, ctx.lang);
  const topicLabel = (t: string) => (t === 'none' ? w(DASH.figNoTopic) : t);
  const body = html`<h1>${w(DASH.figures)}</h1>
<form method="get" action="/dashboard/figures" class="row"><label>${w(DASH.day)} <input type="date" name="day" value="${data.day}"></label><button type="submit" class="secondary">${w(DASH.show)}</button></form>
<div class="figures">
  ${card(w(DASH.figQuestions), f.questions)}
  ${card(w(DASH.figAnswered), f.answered, f.questions ? `${Math.round((100 * f.answered) / f.questions)}%` : undefined)}
  ${card(w(DASH.figEscalated), f.escalated, Object.entries(f.escalatedBy).filter(([, n]) => n).map(([r, n]) => `${REASONS[r as keyof typeof REASONS][ctx.lang]}: ${n}`).join(' · '))}
  ${card(w(DASH.figRefused), f.refused)}
  ${card(`${w(DASH.figHelpful)} / ${w(DASH.figNotHelpful)}`, `${f.helpful} / ${f.notHelpful}`)}
  ${card(w(DASH.figMedian), medianText, f.responses ? `${f.responses} ${w(DASH.figResponses)}` : undefined)}
</div>
<section class="card"><h2>${w(DASH.figByHour)}</h2>
  ${f.questions || f.escalated ? hourChart(f.byHour.map((h) => ({ hour: h.hour, a: h.questions, b: h.escalated })), { title: w(DASH.figByHour), aLabel: w(DASH.figQuestions), bLabel: w(DASH.figEscalated) }) : html`<p class="muted">${w(DASH.noData)}</p>`}
</section>
<div class="grid2">
<section class="card"><h2>${w(DASH.figMostAsked)}</h2>
  ${f.mostAsked.length ? hbarChart(f.mostAsked.map((t) => ({ label: topicLabel(t.topic), value: t.count })), { title: w(DASH.figMostAsked) }) : html`<p class="muted">${w(DASH.noData)}</p>`}
</section>
<section class="card"><h2>${w(DASH.figMostEscalated)}</h2>
  ${f.mostEscalated.length ? hbarChart(f.mostEscalated.map((t) => ({ label: topicLabel(t.topic), value: t.count })), { title: w(DASH.figMostEscalated), colour: '#f59e0b' }) : html`<p class="muted">${w(DASH.noData)}</p>`}
</section>
</div>`;
  return dashLayout(ctx, w(DASH.figures), 'figures', body);
}

export function conversationPage(ctx: PageContext, data: { key: string; answers: AnswerRecord[]; escalation?: Escalation; now: number }): SafeHtml {
  const w = words(ctx.lang);
  const body = html`<h1>${w(DASH.conversation)} <code class="small">${data.key}</code></h1>
  ${data.escalation ? escalationCard(ctx, data.escalation, data.now) : ''}
  <section class="card">${data.answers.map(
    (a) => html`<div class="turn">
      <div class="q" lang="${a.lang}"><span class="who">${a.asker.name} · ${time(a.createdAt, ctx.lang)}</span><p class="pre">${a.question}</p></div>
      <div class="a action-${a.contract.action}" lang="${a.contract.lang}"><div class="label">${a.contract.action} · ${a.contract.confidence.toFixed(2)}${a.feedback ? ` · ${a.feedback === 'helpful' ? '👍' : '👎'}` : ''}</div><p class="pre">${a.contract.answer}</p></div>
    </div>`,
  )}</section>`;
  return dashLayout(ctx, w(DASH.conversation), 'queue', body);
}
