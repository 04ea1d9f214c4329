/**
 * The web face: `createApp(services, opts)` builds the express app (it does
 * not listen; `server.ts` does). Like the Discord face it only translates a
 * request into one call on the core and renders the result: the chat at `/`,
 * the TA dashboard at `/dashboard`, the JSON actions under `/api/`, and
 * `/healthz` and `/metrics`.
 *
 * Order matters: health and metrics first (no cookies, no session), then the
 * static files, the body parsers, the browser id / session / CSRF check, the
 * page language, the routes, and one error boundary that shows an expected
 * error in the person's language and anything else as an apology with a
 * reference id.
 */
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { describeUnexpected, UserError } from '../core/errors.ts';
import { createFigures } from '../escalation/figures.ts';
import type { Services } from '../services.ts';
import { authMiddleware, createAuth, loadSecret } from './auth.ts';
import { locals, pageContext, resolveLang, sendPage, statusOf, wantsJson, type WebDeps } from './context.ts';
import { createMetrics } from './metrics.ts';
import { apiRoutes } from './routes/api.ts';
import { chatRoutes } from './routes/chat.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { healthRoutes } from './routes/health.ts';
import { errorPage } from './views/layout.ts';
import { COMMON, INVALID } from './words.ts';

export const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'static');

export interface AppOptions {
  /** Signs sessions and CSRF tokens; default: `<dataDir>/web-secret` (created once). */
  secret?: Buffer;
  /** The address TAs open links with (e.g. `http://127.0.0.1:3000`); default: site-relative links. */
  baseUrl?: string | (() => string);
  /** Marks cookies Secure (behind HTTPS). */
  secure?: boolean;
  /** Clock of the dashboard's waiting times (tests). */
  now?: () => number;
  /** Express's `trust proxy` (behind a reverse proxy), for the sign-in limit's client address. */
  trustProxy?: boolean | string | number;
}

const SECURITY_HEADERS: Record<string, string> = {
  // Scripts and styles only from our own files: a script that slipped into a page could not run.
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
};

/** The web app on one services object. The app holds no state of its own besides the metrics registry. */
export function createApp(services: Services, opts: AppOptions = {}): express.Express {
  const secure = opts.secure ?? false;
  const auth = createAuth({
    tokens: services.config.web.taTokens,
    sessionHours: services.config.web.sessionHours,
    secret: opts.secret ?? loadSecret(join(services.config.dataDir, 'web-secret')),
  });
  const metrics = createMetrics(services);
  const base = opts.baseUrl ?? '';
  const deps: WebDeps = {
    services,
    auth,
    metrics,
    figures: createFigures({ answers: services.answers, escalations: services.escalations, conversations: services.conversations, assistant: services.assistant }),
    baseUrl: typeof base === 'function' ? base : () => base,
    secure,
    now: opts.now ?? Date.now,
  };

  const app = express();
  app.disable('x-powered-by');
  if (opts.trustProxy !== undefined) app.set('trust proxy', opts.trustProxy);
  app.use((_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  app.use(healthRoutes(deps));
  app.use('/static', express.static(STATIC_DIR, { index: false, maxAge: '10m', fallthrough: false }));
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  app.use(express.json({ limit: '64kb' }));
  app.use(authMiddleware(auth, { secure }));
  app.use((req, res, next) => {
    res.locals.lang = resolveLang(req, res, secure);
    next();
  });
  app.use(chatRoutes(deps));
  app.use(apiRoutes(deps));
  app.use(dashboardRoutes(deps));

  app.use((req: Request, res: Response) => {
    const lang = locals(res).lang;
    if (wantsJson(req) || req.path.startsWith('/api/')) return void res.status(404).json({ error: { id: 'web.not-found', message: COMMON.notFound[lang] } });
    sendPage(res, errorPage(pageContext(req, res, deps), COMMON.notFound[lang]), 404);
  });

  // The one error boundary of the web face.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return void res.end();
    const lang = (res.locals.lang as 'ja' | 'en' | undefined) ?? resolveLang(req, res, secure);
    res.locals.lang = lang;
    const e = err as { status?: number; type?: string; csrf?: boolean };
    let status: number;
    let message: string;
    let id: string;
    if (e?.csrf) {
      [status, id, message] = [403, 'web.csrf', COMMON.forbidden[lang]];
    } else if (err instanceof UserError) {
      [status, id, message] = [statusOf(err), err.id, err.messageFor(lang)];
    } else if (e?.status === 404) {
      [status, id, message] = [404, 'web.not-found', COMMON.notFound[lang]];
    } else if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      // The body parsers: malformed JSON, a body over the limit.
      [status, id, message] = [e.status, 'web.bad-request', INVALID.other[lang]];
    } else {
      [status, id] = [500, 'internal'];
      message = describeUnexpected(err, lang, (line) => services.log.error({ component: 'web', path: req.path }, line));
    }
    if (req.path.startsWith('/api/') && (wantsJson(req) || req.method === 'GET')) return void res.status(status).json({ error: { id, message } });
    // A page needs a browser id and a language even when the error came before they were set.
    if (res.locals.csrf === undefined) return void res.status(status).type('text').send(message);
    sendPage(res, errorPage(pageContext(req, res, deps), message, req.path.startsWith('/dashboard') ? '/dashboard' : '/'), status);
  });

  return app;
}
