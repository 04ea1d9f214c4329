/**
 * Web chat benchmark (`npm run bench -- web`). Starts the web app on
 * 127.0.0.1 over the real knowledge base (a fresh data dir, no LLM), then
 * sends a burst of 200 questions from 20 concurrent clients (each its own
 * browser: cookie, CSRF token) and prints the answer latency p50/p99 seen by
 * the clients, the throughput and the errors. The per-person limit is lifted
 * for the run: it measures the server, not the limiter.
 */
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/core/log.ts';
import { openServices } from '../../src/services.ts';
import { createApp } from '../../src/web/app.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLIENTS = 20;
const PER_CLIENT = 10;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;

function questions(): string[] {
  const file = join(REPO, 'tests/fixtures/questions.jsonl');
  if (!existsSync(file)) return ['エポックとは何ですか？', 'What is a learning rate?', 'なぜワンホットにするの', 'What does max pooling do?'];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { question: string }).question)
    // The eval's empty questions test the core's refusal; the web refuses them before (400).
    .filter((q) => q.trim());
}

/** One browser: gets the page (cookie and CSRF token), then asks. */
async function browser(base: string) {
  const res = await fetch(`${base}/`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(await res.text())?.[1] ?? '';
  return async (question: string) => {
    const r = await fetch(`${base}/api/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf, cookie },
      body: JSON.stringify({ question }),
    });
    await r.arrayBuffer();
    return r.status;
  };
}

export async function run(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tasuke-bench-web-'));
  const config = loadConfig({ TASUKE_DATA_DIR: dataDir, TASUKE_ASK_PER_MINUTE: 10_000, LLM_BASE_URL: '', LLM_MODEL: '' });
  const services = await openServices(config, { log: silentLogger(), assistant: { llm: null } });
  let server: Server | undefined;
  try {
    await services.assistant.ready();
    const app = createApp(services);
    server = await new Promise<Server>((ok) => {
      const s = app.listen(0, '127.0.0.1', () => ok(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const qs = questions();
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => browser(base)));
    // One warm-up question per client, not measured.
    await Promise.all(clients.map((ask, i) => ask(qs[i % qs.length])));

    const latencies: number[] = [];
    const errors: number[] = [];
    const started = performance.now();
    await Promise.all(
      clients.map(async (ask, c) => {
        for (let i = 0; i < PER_CLIENT; i++) {
          const q = qs[(c * PER_CLIENT + i) % qs.length];
          const t = performance.now();
          const status = await ask(q);
          latencies.push(performance.now() - t);
          if (status !== 200) errors.push(status);
        }
      }),
    );
    const wall = performance.now() - started;
    console.log(
      `web chat burst: ${latencies.length} questions from ${CLIENTS} concurrent clients on 127.0.0.1 in ${ms(wall)} ` +
        `(${((latencies.length / wall) * 1000).toFixed(0)} questions/s), ${errors.length} error(s)${errors.length ? ` (${[...new Set(errors)].join(', ')})` : ''}`,
    );
    console.log(`web chat answer latency under the burst: p50 ${ms(pct(latencies, 50))}, p99 ${ms(pct(latencies, 99))}, max ${ms(Math.max(...latencies))}`);
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((ok) => server!.close(() => ok()));
    }
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
