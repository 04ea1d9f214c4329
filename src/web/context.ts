/**
 * What the routes share: the services and options of the app, the page
 * context of a request (language, CSRF token, signed-in TA), input validation
 * with zod (bad input becomes a UserError in the person's language), and how
 * a result is sent (JSON for scripts, a page or a redirect for forms).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { UserError } from '../core/errors.ts';
import { isLang, type Lang } from '../core/lang.ts';
import type { createFigures } from '../escalation/figures.ts';
import type { Services } from '../services.ts';
import type { Auth, AuthLocals } from './auth.ts';
import { COOKIES, parseCookies } from './auth.ts';
import type { WebMetrics } from './metrics.ts';
import type { SafeHtml } from './views/html.ts';
import type { PageContext } from './views/layout.ts';
import { FIELDS, INVALID } from './words.ts';

export interface WebDeps {
  services: Services;
  auth: Auth;
  metrics: WebMetrics;
  figures: ReturnType<typeof createFigures>;
  /** Absolute address of this server for links a TA opens from elsewhere (empty: site-relative links). */
  baseUrl: () => string;
  secure: boolean;
  now: () => number;
}

/** The locals every request has after the auth middleware. */
export function locals(res: Response): AuthLocals & { lang: Lang } {
  return res.locals as AuthLocals & { lang: Lang };
}

/**
 * The page language: `?lang=` (remembered in a cookie), then the cookie, then
 * the browser's Accept-Language (the first of ja / en it names), then ja
 * (the workshop's language).
 */
export function resolveLang(req: Request, res: Response, secure: boolean): Lang {
  const q = req.query.lang;
  if (isLang(q)) {
    res.cookie(COOKIES.lang, q, { sameSite: 'lax', secure, path: '/', maxAge: 365 * 24 * 3600_000 });
    return q;
  }
  const c = parseCookies(req.headers.cookie)[COOKIES.lang];
  if (isLang(c)) return c;
  const accept = req.get('accept-language') ?? '';
  const ranked = accept
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const qv = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())).find(Boolean);
      return { tag: tag.split('-')[0], q: qv ? Number(qv[1]) : 1 };
    })
    .filter((x) => x.tag === 'ja' || x.tag === 'en')
    .sort((a, b) => b.q - a.q);
  return (ranked[0]?.tag as Lang | undefined) ?? 'ja';
}

export function pageContext(req: Request, res: Response, deps: Pick<WebDeps, 'auth'>): PageContext {
  const l = locals(res);
  return { lang: l.lang, csrf: l.csrf, ta: l.ta ? { name: l.ta.name } : undefined, dashboardOn: deps.auth.enabled, path: req.path };
}

/** True when the client asked for JSON (the page's script) rather than a page (a plain form). */
export function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') && (req.is('application/json') === 'application/json' || (req.get('accept') ?? '').includes('application/json'));
}

export function sendPage(res: Response, page: SafeHtml, status = 200): void {
  res.status(status).type('html').send(page.value);
}

/**
 * Validates `data` against `schema`; throws a UserError naming each bad field
 * in both languages (the words of FIELDS), so the person sees what to fix.
 */
export function validate<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  // A request without a body (express 5 leaves req.body undefined) is an empty form.
  const r = schema.safeParse(data === undefined && schema instanceof z.ZodObject ? {} : data);
  if (r.success) return r.data;
  const fields = [...new Set(r.error.issues.map((i) => String(i.path[0] ?? '')))];
  const known = fields.map((f) => FIELDS[f]).filter((b) => b !== undefined);
  const lines = known.length ? known : [INVALID.other];
  throw new UserError(
    'web.invalid-input',
    { ja: `${INVALID.heading.ja}\n${lines.map((l) => `・${l.ja}`).join('\n')}`, en: `${INVALID.heading.en}\n${lines.map((l) => `- ${l.en}`).join('\n')}` },
    { fields },
  );
}

/** The HTTP status of an expected error. */
export function statusOf(err: UserError): number {
  if (err.id === 'rate-limited') return 429;
  if (err.id === 'web.not-yours' || err.id === 'jobs.not-owner') return 403;
  if (err.id.endsWith('not-found') || err.id === 'unknown-lesson') return 404;
  if (err.id === 'jobs.too-many') return 429;
  if (['escalation.closed', 'escalation.claimed-by-other', 'draft.decided', 'jobs.already-finished'].includes(err.id)) return 409;
  return 400;
}

/** The conversation cookie of this browser (a new one is set when absent or malformed). */
export function conversationId(req: Request, res: Response, secure: boolean, fresh = false): string {
  const c = parseCookies(req.headers.cookie)[COOKIES.conversation];
  if (!fresh && c && /^[A-Za-z0-9_-]{8,40}$/.test(c)) return c;
  const id = randomBytes(9).toString('base64url');
  res.cookie(COOKIES.conversation, id, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
  return id;
}

/**
 * What identifies a browser in stored records: a hash of its id, since the id
 * itself is a bearer secret (whoever has it can act as that browser) and the
 * records are shown to TAs.
 */
export function browserRef(uid: string): string {
  return createHash('sha256').update(`tasuke-browser\0${uid}`).digest('base64url').slice(0, 16);
}

/** The key prefix of every conversation of one browser. */
export function browserKeyPrefix(uid: string): string {
  return `web:${browserRef(uid)}:`;
}

/** The escalation/answer-log key of a web conversation: one browser, one conversation. */
export function conversationKey(uid: string, conv: string): string {
  return browserKeyPrefix(uid) + conv;
}

/** The asker of the web chat and owner of its runs: the browser, named by a short prefix of its reference. */
export function webActor(uid: string): { id: string; name: string } {
  const ref = browserRef(uid);
  return { id: `web:${ref}`, name: `web-${ref.slice(0, 6)}` };
}
