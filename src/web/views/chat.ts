/**
 * The chat page: the conversation so far (questions, tasuke's answers with
 * sources, 👍 / 👎 / "Ask a TA", "Try it"), the question form, the training
 * form and the person's runs. Every action is a plain form that works without
 * JavaScript; `chat.js` turns them into in-page requests and live progress.
 */
import type { Lang } from '../../core/lang.ts';
import { claimedNotice, resolvedNotice, TA_ALREADY_CALLED, TA_CALLED } from '../../escalation/messages.ts';
import type { Escalation } from '../../escalation/types.ts';
import type { JobRecord } from '../../jobs/types.ts';
import type { AnswerRecord } from '../../qa/answer-log.ts';
import type { Lesson } from '../../training/lesson.ts';
import { CHAT, COMMON, TRAIN } from '../words.ts';
import { html, textWithCode, type SafeHtml } from './html.ts';
import { csrfField, layout, type PageContext } from './layout.ts';
import { jobCard } from './job.ts';

const fmt = (n: number) => n.toFixed(2);

/** What the asker sees about the conversation's escalation, in the core's words. */
export function escalationStatus(e: Escalation | undefined, lang: Lang, justCreated?: boolean): string | undefined {
  if (!e) return undefined;
  if (e.state === 'resolved') return resolvedNotice(e)[lang];
  if (e.state === 'claimed') return claimedNotice(e)[lang];
  if (e.state === 'open') return (justCreated === false ? TA_ALREADY_CALLED : TA_CALLED)[lang];
  return undefined;
}

/** One question and tasuke's answer, with its buttons. */
export function answerTurn(ctx: PageContext, a: AnswerRecord, opts: { status?: string } = {}): SafeHtml {
  const c = a.contract;
  const L = c.lang;
  const w = (b: { ja: string; en: string }) => b[L];
  const label = c.action === 'answer' ? w(CHAT.answer) : c.action === 'escalate' ? w(CHAT.escalated) : w(CHAT.refused);
  const sources = c.sources.length
    ? html`<div class="sources"><h4>${w(CHAT.sources)}</h4><ul>${c.sources.map(
        (s) => html`<li><span class="src-title">${s.title}</span> <code>${s.id}</code> <span class="muted">${s.topics.join(', ')} · ${fmt(s.score)}</span></li>`,
      )}</ul></div>`
    : '';
  const tryIt = c.lesson
    ? html`<form method="post" action="/api/train" class="inline try" data-ajax="train">
        ${csrfField(ctx)}<input type="hidden" name="lesson" value="${c.lesson.id}"><input type="hidden" name="lang" value="${L}">
        <button type="submit" title="${w(CHAT.tryHint)}">▶ ${w(CHAT.tryIt)}: ${c.lesson.id}</button></form>`
    : '';
  const fb = (value: 'helpful' | 'not-helpful', text: string) =>
    html`<form method="post" action="/api/answers/${a.id}/feedback" class="inline" data-ajax="feedback">
      ${csrfField(ctx)}<input type="hidden" name="value" value="${value}">
      <button type="submit" class="${a.feedback === value ? 'pressed' : ''}" aria-pressed="${a.feedback === value ? 'true' : 'false'}">${text}</button></form>`;
  const askTa =
    c.action === 'escalate'
      ? ''
      : html`<form method="post" action="/api/answers/${a.id}/ask-ta" class="inline" data-ajax="ask-ta">${csrfField(ctx)}<button type="submit">🙋 ${w(CHAT.askTa)}</button></form>`;
  return html`<article class="turn" id="${a.id}" data-answer-id="${a.id}">
  <div class="q" lang="${a.lang}"><span class="who">${w(CHAT.you)}</span><p class="pre">${a.question}</p></div>
  <div class="a action-${c.action}" lang="${L}">
    <div class="label">${label} <span class="muted">· ${w(CHAT.confidence)} ${fmt(c.confidence)}</span></div>
    <p class="pre answer-text">${textWithCode(c.answer)}</p>
    ${sources}
    <div class="actions">${tryIt}${fb('helpful', w(CHAT.helpful))}${fb('not-helpful', w(CHAT.notHelpful))}${askTa}</div>
    <p class="status pre" role="status">${opts.status ?? ''}</p>
  </div>
</article>`;
}

export interface ChatPageData {
  answers: AnswerRecord[];
  /** The escalations of the conversations shown, by conversation key. */
  escalations: Map<string, Escalation>;
  lessons: Lesson[];
  jobs: JobRecord[];
  error?: string;
}

function trainForm(ctx: PageContext, lessons: Lesson[]): SafeHtml {
  const w = (b: { ja: string; en: string }) => b[ctx.lang];
  const num = (name: string, label: string, step: string) =>
    html`<label>${label}<input type="number" name="${name}" step="${step}" inputmode="decimal"></label>`;
  return html`<form method="post" action="/api/train" class="card train-form" data-ajax="train">
  <h2>${w(TRAIN.title)}</h2>
  ${csrfField(ctx)}<input type="hidden" name="lang" value="${ctx.lang}">
  <label>${w(TRAIN.lesson)}
    <select name="lesson" required>${lessons.map(
      (l) => html`<option value="${l.id}" data-epochs="${l.defaults.epochs}" data-lr="${l.defaults.learningRate}" data-batch="${l.defaults.batchSize}" data-seed="${l.defaults.seed}">${l.id}: ${l.title[ctx.lang]}</option>`,
    )}</select></label>
  <div class="grid4">
    ${num('epochs', w(TRAIN.epochs), '1')}${num('learningRate', w(TRAIN.learningRate), 'any')}${num('batchSize', w(TRAIN.batchSize), '1')}${num('seed', w(TRAIN.seed), '1')}
  </div>
  <p class="muted small">${w(TRAIN.defaultsHint)}</p>
  <button type="submit">${w(TRAIN.start)}</button>
</form>`;
}

export function chatPage(ctx: PageContext, data: ChatPageData): SafeHtml {
  const w = (b: { ja: string; en: string }) => b[ctx.lang];
  // Each escalation's status goes under the question it was filed for (the latest one of its
  // conversation asked that way, else the conversation's latest).
  const statusOf = new Map<AnswerRecord, string | undefined>();
  for (const [key, e] of data.escalations) {
    const mine = data.answers.filter((a) => a.conversation === key);
    const at = mine.findLast((a) => a.question === e.question) ?? mine[mine.length - 1];
    if (at) statusOf.set(at, escalationStatus(e, e.lang));
  }
  const turns = data.answers.map((a) =>
    answerTurn(ctx, a, { status: statusOf.has(a) ? statusOf.get(a) : a.feedback === 'helpful' ? CHAT.thanks[a.contract.lang] : undefined }),
  );
  const live = [...data.escalations.values()].some((e) => e.state === 'open' || e.state === 'claimed');
  const body = html`<section class="chat card">
  <h1>${w(CHAT.title)}</h1>
  <p class="muted">${w(CHAT.intro)}</p>
  <noscript><p class="muted small">${w(COMMON.needsJs)}</p></noscript>
  <div id="thread" class="thread" aria-live="polite" data-escalation="${live ? 'open' : ''}">${turns.length ? turns : html`<p class="muted empty">${w(CHAT.empty)}</p>`}</div>
  <form method="post" action="/api/ask" id="ask-form" class="ask" data-ajax="ask">
    ${csrfField(ctx)}
    <textarea name="question" rows="3" maxlength="8000" required placeholder="${w(CHAT.placeholder)}" aria-label="${w(CHAT.title)}"></textarea>
    <div class="row">
      <button type="submit" data-busy="${w(CHAT.sending)}">${w(CHAT.send)}</button>
      <span class="form-error error-text" role="alert"></span>
    </div>
  </form>
  <form method="post" action="/api/chat/new" class="inline new-conv">${csrfField(ctx)}<button type="submit" class="link">＋ ${w(CHAT.newConversation)}</button></form>
</section>
<div class="side">
${trainForm(ctx, data.lessons)}
<section class="card">
  <h2>${w(TRAIN.myJobs)}</h2>
  <div id="jobs">${data.jobs.length ? data.jobs.map((j) => jobCard(ctx, j)) : html`<p class="muted empty">${w(TRAIN.noRuns)}</p>`}</div>
</section>
</div>`;
  return layout(ctx, { title: w(CHAT.title), body: html`<div class="chat-layout">${body}</div>`, scripts: ['chat.js'], error: data.error, wide: true });
}
