/**
 * The actions: what the chat's forms and script post (ask, 👍 / 👎, "Ask a
 * TA", train, cancel, the live progress of a run), and the TA API under
 * `/api/ta/` (JSON, 401 without a session). A chat action answers JSON to the
 * page's script and redirects a plain form back to the page.
 */
import { Router, type Request, type Response } from 'express';
import { UserError } from '../../core/errors.ts';
import { detectLang } from '../../core/lang.ts';
import { answerNotFound } from '../../qa/answer-log.ts';
import { dayRange } from '../../escalation/figures.ts';
import { FINAL_STATES, type JobRecord } from '../../jobs/types.ts';
import { progressLine } from '../../training/words.ts';
import {
  conversationId,
  conversationKey,
  locals,
  pageContext,
  validate,
  wantsJson,
  webActor,
  type WebDeps,
} from '../context.ts';
import { COOKIES } from '../auth.ts';
import { requireTa, taActor } from './dashboard.ts';
import { jobOf } from './chat.ts';
import { AnswerId, AskBody, Day, DismissBody, DraftId, EscalationId, FeedbackBody, ResolveBody, TrainBody } from '../schemas.ts';
import { answerTurn, escalationStatus } from '../views/chat.ts';
import { jobCard, progressShare } from '../views/job.ts';
import { CHAT, JOB_STATES, TRAIN } from '../words.ts';

/** The line of a run that has no epoch yet. */
const stateLine = (state: string, lang: 'ja' | 'en') => (state === 'queued' ? TRAIN.waiting[lang] : TRAIN.starting[lang]);

function notYours(): UserError {
  return new UserError('web.not-yours', {
    ja: 'このボタンは質問した本人だけが使えます。',
    en: 'Only the person who asked can use this button.',
  });
}

/** Answers a chat action: JSON for the script, back to the page for a plain form. */
function reply(req: Request, res: Response, json: unknown, redirect: string): void {
  if (wantsJson(req)) res.json(json);
  else res.redirect(303, redirect);
}

export function apiRoutes(deps: WebDeps): Router {
  const r = Router();
  const { services } = deps;

  r.post('/api/ask', async (req, res) => {
    const ui = locals(res).lang;
    const { question } = validate(AskBody, req.body);
    // From here on, messages follow the language the person wrote in.
    const lang = detectLang(question, ui);
    res.locals.lang = lang;
    const { uid } = locals(res);
    const asker = webActor(uid);
    services.limits.ask.take(asker.id);
    let key = conversationKey(uid, conversationId(req, res, deps.secure));
    // A conversation a TA has closed stays closed: a new question starts the next one,
    // so that it can reach a TA again (one escalation per conversation).
    const closed = services.escalations.byKey(key);
    if (closed && (closed.state === 'resolved' || closed.state === 'dismissed')) key = conversationKey(uid, conversationId(req, res, deps.secure, true));
    const started = performance.now();
    const out = await services.ask(question, {
      asker,
      origin: { face: 'web', url: `${deps.baseUrl()}/dashboard/conversations/${encodeURIComponent(key)}` },
      key,
    });
    deps.metrics.answerSeconds.observe({ action: out.contract.action }, (performance.now() - started) / 1000);
    const status = escalationStatus(out.escalation, out.contract.lang, out.created);
    const ctx = { ...pageContext(req, res, deps), lang: ui };
    reply(
      req,
      res,
      {
        answerId: out.answer.id,
        contract: out.contract,
        escalation: out.escalation ? { id: out.escalation.id, state: out.escalation.state, created: out.created } : null,
        status: status ?? null,
        html: answerTurn(ctx, out.answer, { status }).value,
      },
      `/#${out.answer.id}`,
    );
  });

  r.post('/api/chat/new', (req, res) => {
    conversationId(req, res, deps.secure, true);
    // The page shows questions from here on.
    res.cookie(COOKIES.since, String(deps.now()), { httpOnly: true, sameSite: 'lax', secure: deps.secure, path: '/' });
    reply(req, res, { ok: true }, '/');
  });

  // Where the conversation's escalation stands: the page polls it while a TA is on the way.
  r.get('/api/chat/status', (req, res) => {
    const key = conversationKey(locals(res).uid, conversationId(req, res, deps.secure));
    const e = services.escalations.byKey(key);
    res.json({ state: e?.state ?? null, status: escalationStatus(e, e?.lang ?? locals(res).lang) ?? null });
  });

  /** The answer of a path id, which must be this browser's. */
  const ownAnswer = (req: Request, res: Response) => {
    const id = String(req.params.id);
    const a = AnswerId.safeParse(id).success ? services.answers.get(id) : undefined;
    if (!a) throw answerNotFound(id.slice(0, 40));
    res.locals.lang = a.contract.lang;
    if (a.asker.id !== webActor(locals(res).uid).id) throw notYours();
    return a;
  };

  r.post('/api/answers/:id/feedback', (req, res) => {
    const a = ownAnswer(req, res);
    const { value } = validate(FeedbackBody, req.body);
    const out = services.feedback(a.id, value);
    const L = a.contract.lang;
    const status =
      value === 'helpful' ? CHAT.thanks[L] : [CHAT.thanksDown[L], escalationStatus(out.escalation, L, out.created)].filter(Boolean).join('\n');
    reply(req, res, { value, status, escalation: out.escalation ? { id: out.escalation.id, state: out.escalation.state } : null }, `/#${a.id}`);
  });

  r.post('/api/answers/:id/ask-ta', (req, res) => {
    const a = ownAnswer(req, res);
    const out = services.askTa(a.id);
    const status = escalationStatus(out.escalation, a.contract.lang, out.created);
    reply(req, res, { status, escalation: { id: out.escalation.id, state: out.escalation.state } }, `/#${a.id}`);
  });

  r.post('/api/train', async (req, res) => {
    const body = validate(TrainBody, req.body);
    const lang = body.lang ?? locals(res).lang;
    res.locals.lang = lang;
    const userId = webActor(locals(res).uid).id;
    services.limits.train.take(userId);
    const params: Record<string, number> = {};
    for (const k of ['epochs', 'learningRate', 'batchSize', 'seed'] as const) if (body[k] !== undefined) params[k] = body[k];
    const job = await services.jobs.submit({ lesson: body.lesson, params, mode: 'single', lang, userId });
    reply(req, res, { jobId: job.id, state: job.state, html: jobCard(pageContext(req, res, deps), job).value }, `/jobs/${job.id}`);
  });

  r.get('/api/jobs/:id', async (req, res) => {
    const j = await jobOf(deps, req.params.id);
    res.json({
      id: j.id,
      state: j.state,
      lesson: j.submission.lesson,
      progress: j.progress ?? null,
      chart: j.chartPath ? `/jobs/${j.id}/chart.png` : null,
      reading: j.reading ?? null,
      error: j.error ?? null,
      notice: j.notice ?? null,
      backend: j.result?.backend ?? null,
    });
  });

  r.post('/api/jobs/:id/cancel', async (req, res) => {
    const j = await jobOf(deps, req.params.id);
    res.locals.lang = j.submission.lang;
    const out = await services.jobs.cancel(j.id, webActor(locals(res).uid).id);
    reply(req, res, { state: out.state, html: jobCard(pageContext(req, res, deps), out).value }, `/jobs/${j.id}`);
  });

  // Live progress of a run (Server-Sent Events): `progress` per epoch, `state`, and `done` with the final card.
  r.get('/api/jobs/:id/events', async (req, res) => {
    const first = await jobOf(deps, req.params.id);
    const ctx = pageContext(req, res, deps);
    const L = first.submission.lang;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const send = (event: string, data: unknown) => {
      if (!res.writableEnded) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      unsubscribe();
      clearInterval(ping);
      res.end();
    };
    const finish = async () => {
      if (ended) return;
      const j = (await services.jobs.get(first.id).catch(() => undefined)) as JobRecord | undefined;
      if (j) send('done', { state: j.state, html: jobCard(ctx, j).value });
      end();
    };
    // Subscribe before reading the state, so an end in between is not missed.
    const unsubscribe = services.jobs.subscribe((ev) => {
      if (ev.type === 'progress' && ev.jobId === first.id) {
        send('progress', { line: progressLine(ev.event, L), ...progressShare(ev.event) });
      } else if (ev.type === 'state' && ev.job.id === first.id) {
        if (FINAL_STATES.includes(ev.job.state)) void finish();
        else send('state', { state: ev.job.state, label: JOB_STATES[ev.job.state][L], line: stateLine(ev.job.state, L) });
      }
    });
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    ping.unref();
    req.on('close', end);
    const now = await services.jobs.get(first.id);
    if (!now || FINAL_STATES.includes(now.state)) return void finish();
    send('state', { state: now.state, label: JOB_STATES[now.state][L], line: stateLine(now.state, L) });
    if (now.progress) send('progress', { line: progressLine(now.progress, L), ...progressShare(now.progress) });
  });

  // --- The TA API (JSON; 401 without a session) ---
  const ta = requireTa(deps, 'api');

  r.get('/api/ta/escalations', ta, (_req, res) => {
    res.json({ open: services.escalations.list({ states: ['open', 'claimed'] }), now: deps.now() });
  });

  r.post('/api/ta/escalations/:id/:action', ta, (req, res) => {
    const id = validate(EscalationId, req.params.id);
    const who = taActor(res);
    const action = req.params.action;
    if (action === 'claim') return void res.json(services.escalations.claim(id, who));
    if (action === 'resolve') return void res.json(services.escalations.resolve(id, who, validate(ResolveBody, req.body).answer));
    if (action === 'dismiss') return void res.json(services.escalations.dismiss(id, who, validate(DismissBody, req.body).note));
    res.status(404).json({ error: { id: 'web.not-found', message: 'Unknown action.' } });
  });

  r.get('/api/ta/drafts', ta, (_req, res) => {
    res.json({ drafts: services.drafts.list({ states: ['draft'] }) });
  });

  r.post('/api/ta/drafts/:id/:action', ta, async (req, res) => {
    const id = validate(DraftId, req.params.id);
    const who = taActor(res);
    if (req.params.action === 'approve') return void res.json(await services.drafts.approve(id, who));
    if (req.params.action === 'reject') return void res.json(services.drafts.reject(id, who));
    res.status(404).json({ error: { id: 'web.not-found', message: 'Unknown action.' } });
  });

  r.get('/api/ta/jobs', ta, async (_req, res) => {
    res.json({ jobs: (await services.jobs.list()).sort((a, b) => b.createdAt - a.createdAt).slice(0, 200) });
  });

  r.get('/api/ta/figures', ta, async (req, res) => {
    const day = validate(Day, req.query.day);
    const range = dayRange(day, deps.now());
    res.json({ day: range.day, ...(await deps.figures.day(range)) });
  });

  return r;
}
