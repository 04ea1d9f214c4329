/**
 * `/healthz` (is the database answering, how deep is the queue) and
 * `/metrics` (Prometheus). Both are open: a load balancer and a Prometheus
 * server have no session, and neither shows a question or a person.
 */
import { Router } from 'express';
import type { WebDeps } from '../context.ts';

export function healthRoutes(deps: Pick<WebDeps, 'services' | 'metrics'>): Router {
  const r = Router();
  const { services } = deps;

  r.get('/healthz', async (_req, res) => {
    let db = false;
    try {
      db = services.db.prepare('SELECT 1 AS one').get() !== undefined;
    } catch {
      db = false;
    }
    let queue: { ok: boolean; queued?: number; running?: number } = { ok: false };
    try {
      const live = await services.jobs.list({ states: ['queued', 'running'] });
      queue = { ok: true, queued: live.filter((j) => j.state === 'queued').length, running: live.filter((j) => j.state === 'running').length };
    } catch {
      queue = { ok: false };
    }
    const ok = db && queue.ok;
    res.status(ok ? 200 : 503).set('Cache-Control', 'no-store').json({ ok, db, queue });
  });

  r.get('/metrics', async (_req, res) => {
    res.set('Content-Type', deps.metrics.contentType).set('Cache-Control', 'no-store').send(await deps.metrics.render());
  });

  return r;
}
