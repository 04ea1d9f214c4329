/** The frame of every page: head, header with navigation and language switch, notices, footer. */
import type { Lang } from '../../core/lang.ts';
import { COMMON } from '../words.ts';
import { html, type SafeHtml } from './html.ts';

/** What every page needs to know about the request. */
export interface PageContext {
  lang: Lang;
  /** The CSRF token of this browser, put in every form and in a meta tag for scripts. */
  csrf: string;
  /** The signed-in TA, if any. */
  ta?: { name: string };
  /** False when no TA token is configured: no dashboard links at all. */
  dashboardOn: boolean;
  /** The current path (without query), for the language links. */
  path: string;
}

/** The hidden CSRF field of a form. */
export function csrfField(ctx: PageContext): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

export function layout(ctx: PageContext, opts: { title: string; body: SafeHtml; scripts?: string[]; notice?: string; error?: string; wide?: boolean }): SafeHtml {
  const w = (b: { ja: string; en: string }) => b[ctx.lang];
  const other: Lang = ctx.lang === 'ja' ? 'en' : 'ja';
  const nav = [
    html`<a href="/">${w(COMMON.chat)}</a>`,
    ctx.dashboardOn ? html`<a href="/dashboard">${w(COMMON.dashboard)}</a>` : '',
  ];
  const who = ctx.ta
    ? html`<span class="who">${w(COMMON.signedInAs)} <strong>${ctx.ta.name}</strong></span>
        <form method="post" action="/signout" class="inline">${csrfField(ctx)}<button type="submit" class="link">${w(COMMON.signOut)}</button></form>`
    : '';
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${ctx.csrf}">
<title>${opts.title} · tasuke</title>
<link rel="stylesheet" href="/static/app.css">
${(opts.scripts ?? []).map((s) => html`<script src="/static/${s}" defer></script>`)}
</head>
<body data-lang="${ctx.lang}">
<header class="top">
  <a class="brand" href="/">${w(COMMON.appName)}</a>
  <nav>${nav}</nav>
  <div class="right">
    ${who}
    <a class="lang" href="${ctx.path}?lang=${other}" hreflang="${other}">${other === 'ja' ? '日本語' : 'English'}</a>
  </div>
</header>
<main class="${opts.wide ? 'wide' : ''}">
${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ''}
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
${opts.body}
</main>
<footer><span>${w(COMMON.tagline)}</span></footer>
</body>
</html>`;
}

/** A small page for an error (bad input, not found, expired form), with a way back. */
export function errorPage(ctx: PageContext, message: string, back = '/'): SafeHtml {
  const w = (b: { ja: string; en: string }) => b[ctx.lang];
  return layout(ctx, {
    title: w(COMMON.error),
    body: html`<section class="card"><h1>${w(COMMON.error)}</h1><p class="pre">${message}</p><p><a href="${back}">${w(COMMON.back)}</a></p></section>`,
  });
}
