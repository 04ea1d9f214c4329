/**
 * `/metrics` in Prometheus format (prom-client). The counts come from SQLite
 * at scrape time, so every face's questions and every process's jobs count
 * and a restart does not reset them: questions by action and language,
 * escalations by state, the time to a TA's first response, job durations by
 * lesson and backend, and the queue depth. The web chat's own answer latency
 * is measured here as it happens.
 *
 * Each app has its own registry, so several apps in one process (tests) do
 * not collide.
 */
import client from 'prom-client';
import type { Services } from '../services.ts';

export interface WebMetrics {
  registry: client.Registry;
  /** Seconds the web chat took to answer one question. */
  answerSeconds: client.Histogram<'action'>;
  render(): Promise<string>;
  contentType: string;
}

export function createMetrics(services: Services): WebMetrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ app: 'tasuke' });
  client.collectDefaultMetrics({ register: registry });
  const db = services.db;

  new client.Counter({
    name: 'tasuke_questions_total',
    help: 'Questions answered by tasuke (every face), by action and language.',
    labelNames: ['action', 'lang'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const rows = db.prepare('SELECT action, lang, COUNT(*) AS n FROM answers GROUP BY action, lang').all() as { action: string; lang: string; n: number }[];
      for (const r of rows) this.inc({ action: r.action, lang: r.lang }, r.n);
    },
  });

  new client.Gauge({
    name: 'tasuke_escalations',
    help: 'Escalations by state.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      for (const s of ['open', 'claimed', 'resolved', 'dismissed']) this.set({ state: s }, 0);
      const rows = db.prepare('SELECT state, COUNT(*) AS n FROM escalations GROUP BY state').all() as { state: string; n: number }[];
      for (const r of rows) this.set({ state: r.state }, r.n);
    },
  });

  new client.Counter({
    name: 'tasuke_escalations_filed_total',
    help: 'Escalations filed, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const rows = db.prepare('SELECT reason, COUNT(*) AS n FROM escalations GROUP BY reason').all() as { reason: string; n: number }[];
      for (const r of rows) this.inc({ reason: r.reason }, r.n);
    },
  });

  new client.Histogram({
    name: 'tasuke_first_ta_response_seconds',
    help: "Time from a question becoming a TA's to the TA's first response.",
    buckets: [30, 60, 120, 300, 600, 900, 1800, 3600, 7200],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of services.conversations.responseSeconds(0, Date.now() + 1)) this.observe(s);
    },
  });

  new client.Histogram({
    name: 'tasuke_job_duration_seconds',
    help: 'Training job run time (start to finish), by lesson and backend.',
    labelNames: ['lesson', 'backend', 'state'] as const,
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300, 600],
    registers: [registry],
    async collect() {
      this.reset();
      for (const j of await services.jobs.list({ states: ['succeeded', 'failed', 'cancelled'] })) {
        if (j.startedAt === undefined || j.finishedAt === undefined) continue;
        this.observe({ lesson: j.submission.lesson, backend: j.result?.backend ?? 'none', state: j.state }, (j.finishedAt - j.startedAt) / 1000);
      }
    },
  });

  new client.Gauge({
    name: 'tasuke_queue_depth',
    help: 'Training jobs waiting or running.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const live = await services.jobs.list({ states: ['queued', 'running'] });
      this.set({ state: 'queued' }, live.filter((j) => j.state === 'queued').length);
      this.set({ state: 'running' }, live.filter((j) => j.state === 'running').length);
    },
  });

  new client.Gauge({
    name: 'tasuke_knowledge_drafts',
    help: 'Knowledge drafts from TA resolutions, by state.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      for (const s of ['draft', 'approved', 'rejected']) this.set({ state: s }, 0);
      const rows = db.prepare('SELECT state, COUNT(*) AS n FROM knowledge_drafts GROUP BY state').all() as { state: string; n: number }[];
      for (const r of rows) this.set({ state: r.state }, r.n);
    },
  });

  const answerSeconds = new client.Histogram({
    name: 'tasuke_web_answer_seconds',
    help: 'Time the web chat took to answer a question (this process).',
    labelNames: ['action'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  return { registry, answerSeconds, render: () => registry.metrics(), contentType: registry.contentType };
}
