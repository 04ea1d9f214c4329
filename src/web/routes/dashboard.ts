/**
 * Sign-in and the TA dashboard's pages and forms. Every route here but the
 * sign-in page needs a TA session: a page redirects to `/signin`, the API
 * (see `api.ts`) answers 401. With no TA token configured, none of it exists.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { UserError } from '../../core/errors.ts';
import { createRateLimiter } from '../../core/rate-limit.ts';
import { dayRange } from '../../escalation/figures.ts';
import type { DraftFields } from '../../escalation/drafts.ts';
import { isTopicSlug } from '../../qa/topics.ts';
import { COOKIES } from '../auth.ts';
import { locals, pageContext, sendPage, validate, type WebDeps } from '../context.ts';
import { Day, DismissBody, DraftBody, DraftId, EscalationId, ResolveBody, SigninBody } from '../schemas.ts';
import { conversationPage, draftsPage, figuresPage, jobsPage, knowledgePage, queuePage, signinPage } from '../views/dashboard.ts';
import { errorPage } from '../views/layout.ts';
import { COMMON, isNoticeKey, NOTICES, SIGNIN, type NoticeKey } from '../words.ts';

/** The actor of a signed-in TA, as recorded on what they do. */
export function taActor(res: Response): { id: string; name: string } {
  const name = locals(res).ta!.name;
  return { id: `ta:${name}`, name };
}

/**
 * Lets a request through only with a TA session. Without one: 401 JSON for
 * the API, a redirect to the sign-in page (coming back here after) for pages.
 * With no TA configured at all: 404, the dashboard does not exist.
 */
export function requireTa(deps: Pick<WebDeps, 'auth'>, kind: 'page' | 'api') {
  return (req: Request, res: Response, next: NextFunction) => {
    const l = locals(res);
    if (!deps.auth.enabled) {
      if (kind === 'api') return void res.status(404).json({ error: { id: 'web.dashboard-off', message: SIGNIN.off[l.lang] } });
      return void res.status(404).type('html').send(errorPage(pageContext(req, res, deps), SIGNIN.off[l.lang]).value);
    }
    if (l.ta) return next();
    if (kind === 'api') {
      res.set('WWW-Authenticate', 'Cookie realm="tasuke-dashboard"');
      return void res.status(401).json({ error: { id: 'web.sign-in-required', message: (l.sessionExpired ? SIGNIN.expired : COMMON.signIn)[l.lang] } });
    }
    const back = req.method === 'GET' ? req.originalUrl : '/dashboard';
    res.redirect(303, `/signin?next=${encodeURIComponent(back)}${l.sessionExpired ? '&expired=1' : ''}`);
  };
}

/** Only a path of the dashboard may be a sign-in's destination (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/dashboard(?:[/?#]|$)/.test(next) && !next.includes('//') ? next : '/dashboard';
}

const noticeOf = (req: Request, lang: 'ja' | 'en') => {
  const n = req.query.notice;
  return isNoticeKey(n) ? NOTICES[n][lang] : undefined;
};

export function dashboardRoutes(deps: WebDeps): Router {
  const r = Router();
  const { services, auth } = deps;
  const page = requireTa(deps, 'page');
  // Guessing tokens: a few tries a minute per address.
  const signinLimit = createRateLimiter(10, { ja: 'サインイン', en: 'sign in' });

  r.get('/signin', (req, res) => {
    const ctx = pageContext(req, res, deps);
    if (!auth.enabled) return sendPage(res, errorPage(ctx, SIGNIN.off[ctx.lang]), 404);
    if (ctx.ta) return void res.redirect(303, safeNext(req.query.next));
    sendPage(res, signinPage(ctx, { next: safeNext(req.query.next), expired: req.query.expired === '1' }));
  });

  r.post('/signin', (req, res) => {
    const ctx = pageContext(req, res, deps);
    if (!auth.enabled) return sendPage(res, errorPage(ctx, SIGNIN.off[ctx.lang]), 404);
    const next = safeNext((req.body as { next?: unknown } | undefined)?.next);
    try {
      signinLimit.take(req.ip ?? 'unknown');
    } catch {
      return sendPage(res, signinPage(ctx, { error: SIGNIN.tooMany[ctx.lang], next }), 429);
    }
    const parsed = SigninBody.safeParse(req.body);
    const name = parsed.success ? auth.checkToken(parsed.data.token) : undefined;
    if (!name) return sendPage(res, signinPage(ctx, { error: SIGNIN.wrong[ctx.lang], next }), 401);
    const s = auth.issueSession(name, deps.now());
    res.cookie(COOKIES.session, s.value, { httpOnly: true, sameSite: 'lax', secure: deps.secure, path: '/', expires: new Date(s.expiresAt) });
    services.log.info({ component: 'web', ta: name }, 'TA signed in');
    res.redirect(303, next);
  });

  r.post('/signout', (_req, res) => {
    res.clearCookie(COOKIES.session, { path: '/' });
    res.redirect(303, '/');
  });

  const counts = () => ({
    open: services.escalations.list({ states: ['open', 'claimed'] }).length,
    drafts: services.drafts.list({ states: ['draft'] }).length,
  });

  r.get('/dashboard', page, (req, res) => {
    const ctx = pageContext(req, res, deps);
    const open = services.escalations.list({ states: ['open', 'claimed'] });
    const recent = services.escalations
      .list({ states: ['resolved', 'dismissed'] })
      .sort((a, b) => (b.resolvedAt ?? b.dismissedAt ?? 0) - (a.resolvedAt ?? a.dismissedAt ?? 0))
      .slice(0, 10);
    sendPage(res, queuePage(ctx, { open, recent, drafts: counts().drafts, now: deps.now(), notice: noticeOf(req, ctx.lang) }));
  });

  r.post('/dashboard/escalations/:id/:action', page, (req, res) => {
    const id = validate(EscalationId, req.params.id);
    const who = taActor(res);
    let notice: NoticeKey;
    switch (req.params.action) {
      case 'claim':
        services.escalations.claim(id, who);
        notice = 'claimed';
        break;
      case 'resolve':
        services.escalations.resolve(id, who, validate(ResolveBody, req.body).answer);
        notice = 'resolved';
        break;
      case 'dismiss':
        services.escalations.dismiss(id, who, validate(DismissBody, req.body).note);
        notice = 'dismissed';
        break;
      default:
        throw new UserError('web.not-found', { ja: 'この操作はありません。', en: 'There is no such action.' });
    }
    res.redirect(303, `/dashboard?notice=${notice}${notice === 'claimed' ? `#${id}` : ''}`);
  });

  const draftsWithEscalations = () =>
    services.drafts.list({ states: ['draft'] }).map((draft) => ({ draft, escalation: services.escalations.get(draft.escalationId) }));

  r.get('/dashboard/drafts', page, (req, res) => {
    const ctx = pageContext(req, res, deps);
    sendPage(res, draftsPage(ctx, { drafts: draftsWithEscalations(), open: counts().open, notice: noticeOf(req, ctx.lang) }));
  });

  r.post('/dashboard/drafts/:id', page, async (req, res) => {
    const ctx = pageContext(req, res, deps);
    const id = validate(DraftId, req.params.id);
    const body = validate(DraftBody, req.body);
    const who = taActor(res);
    const fields: Partial<DraftFields> = {};
    if (body.title !== undefined) fields.title = body.title;
    if (body.topics !== undefined) fields.topics = body.topics;
    if (body.questions !== undefined) fields.questions = body.questions.split(/\r?\n/).map((q) => q.trim()).filter(Boolean);
    if (body.body !== undefined) fields.body = body.body;
    if ('lesson' in (req.body as object)) fields.lesson = body.lesson;
    if (body.action === 'reject') {
      services.drafts.reject(id, who);
      return void res.redirect(303, '/dashboard/drafts?notice=rejected');
    }
    if (body.action === 'save') {
      services.drafts.update(id, fields, who);
      return void res.redirect(303, '/dashboard/drafts?notice=saved');
    }
    try {
      await services.drafts.approve(id, who, fields);
    } catch (err) {
      // Show what to fix on the draft itself; the edits were kept.
      if (err instanceof UserError && err.id === 'draft.invalid') {
        return sendPage(res, draftsPage(ctx, { drafts: draftsWithEscalations(), open: counts().open, errors: { [id]: err.messageFor(ctx.lang) } }), 400);
      }
      throw err;
    }
    res.redirect(303, '/dashboard/drafts?notice=approved');
  });

  r.get('/dashboard/jobs', page, async (req, res) => {
    const jobs = (await services.jobs.list()).sort((a, b) => b.createdAt - a.createdAt).slice(0, 100);
    sendPage(res, jobsPage(pageContext(req, res, deps), { jobs, now: deps.now() }));
  });

  r.get('/dashboard/knowledge', page, async (req, res) => {
    const { entries } = await services.assistant.ready();
    const topic = isTopicSlug(req.query.topic) ? req.query.topic : undefined;
    sendPage(res, knowledgePage(pageContext(req, res, deps), { entries, topic }));
  });

  r.get('/dashboard/knowledge/:id', page, async (req, res) => {
    const ctx = pageContext(req, res, deps);
    const { entries } = await services.assistant.ready();
    const entry = entries.find((e) => e.id === req.params.id);
    if (!entry) return sendPage(res, errorPage(ctx, COMMON.notFound[ctx.lang], '/dashboard/knowledge'), 404);
    sendPage(res, knowledgePage(ctx, { entries, entry }));
  });

  r.get('/dashboard/figures', page, async (req, res) => {
    const day = validate(Day, req.query.day);
    const range = dayRange(day, deps.now());
    const figures = await deps.figures.day(range);
    sendPage(res, figuresPage(pageContext(req, res, deps), { figures, day: range.day }));
  });

  r.get('/dashboard/conversations/:key', page, (req, res) => {
    const key = String(req.params.key).slice(0, 200);
    sendPage(
      res,
      conversationPage(pageContext(req, res, deps), {
        key,
        answers: services.conversations.answers(key),
        escalation: services.escalations.byKey(key),
        now: deps.now(),
      }),
    );
  });

  return r;
}
