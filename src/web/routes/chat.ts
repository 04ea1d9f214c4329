/**
 * The chat's pages: `/` (the conversation, the question form, the training
 * form and the person's runs), a run's own page, and a run's chart. The
 * actions those pages post to live in `api.ts`.
 */
import { resolve, sep } from 'node:path';
import { Router } from 'express';
import { UserError } from '../../core/errors.ts';
import type { Escalation } from '../../escalation/types.ts';
import type { JobRecord } from '../../jobs/types.ts';
import { COOKIES, parseCookies } from '../auth.ts';
import { browserKeyPrefix, conversationId, locals, pageContext, sendPage, webActor, type WebDeps } from '../context.ts';
import { JobId } from '../schemas.ts';
import { chatPage } from '../views/chat.ts';
import { html } from '../views/html.ts';
import { jobCard } from '../views/job.ts';
import { layout } from '../views/layout.ts';
import { TRAIN } from '../words.ts';

export function jobNotFound(id: string): UserError {
  return new UserError('web.job-not-found', { ja: `学習ジョブ「${id}」は見つかりません。`, en: `There is no training job "${id}".` }, { id });
}

/** The job of a path id, or a 404 UserError (the id is checked before it reaches the queue). */
export async function jobOf(deps: WebDeps, id: string): Promise<JobRecord> {
  const ok = JobId.safeParse(id);
  const job = ok.success ? await deps.services.jobs.get(id) : undefined;
  if (!job) throw jobNotFound(String(id).slice(0, 40));
  return job;
}

export function chatRoutes(deps: WebDeps): Router {
  const r = Router();
  const { services } = deps;

  // The page shows this browser's questions of the last day (since "New conversation"),
  // across its conversations: one closed by a TA makes way for a new one (see api.ts).
  r.get('/', async (req, res) => {
    const ctx = pageContext(req, res, deps);
    const { uid } = locals(res);
    conversationId(req, res, deps.secure);
    const me = webActor(uid).id;
    const since = Math.max(deps.now() - 24 * 3600_000, Number(parseCookies(req.headers.cookie)[COOKIES.since]) || 0);
    const [lessons, jobs] = await Promise.all([services.lessons.list(), services.jobs.list({ userId: me })]);
    const answers = services.conversations.recentAnswers(browserKeyPrefix(uid), since, 50).filter((a) => a.asker.id === me);
    const escalations = new Map<string, Escalation>();
    for (const key of new Set(answers.map((a) => a.conversation))) {
      const e = services.escalations.byKey(key);
      if (e) escalations.set(key, e);
    }
    sendPage(
      res,
      chatPage(ctx, {
        answers,
        escalations,
        lessons,
        jobs: jobs.sort((a, b) => b.createdAt - a.createdAt).slice(0, 5),
      }),
    );
  });

  // A run on its own page: where a form without JavaScript lands, and a link to share with a TA.
  r.get('/jobs/:id', async (req, res) => {
    const ctx = pageContext(req, res, deps);
    const job = await jobOf(deps, req.params.id);
    const mine = job.submission.userId === webActor(locals(res).uid).id;
    sendPage(
      res,
      layout(ctx, {
        title: `${TRAIN.job[ctx.lang]} ${job.id}`,
        body: html`<section class="card">${jobCard(ctx, job, { cancellable: mine })}</section>`,
        scripts: ['chat.js'],
      }),
    );
  });

  // The chart is found by job id only; the path comes from the job record, never from the request.
  r.get('/jobs/:id/chart.png', async (req, res) => {
    const job = await jobOf(deps, req.params.id);
    const chartsDir = resolve(services.config.dataDir, 'charts') + sep;
    const path = job.chartPath ? resolve(job.chartPath) : undefined;
    if (!path || !path.startsWith(chartsDir)) throw jobNotFound(job.id);
    res.type('png').set('Cache-Control', 'private, max-age=3600');
    res.sendFile(path, (err) => {
      if (err && !res.headersSent) res.status(404).end();
    });
  });

  return r;
}
