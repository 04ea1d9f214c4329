/**
 * Test support for the web face: services over a private knowledge base and
 * data dir, the app listening on 127.0.0.1:0, and a small browser-like client
 * (a cookie jar, the CSRF token read from the page's meta tag).
 */
import { cpSync, mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadConfig, type ConfigOverrides } from '../../src/config.ts';
import { silentLogger } from '../../src/core/log.ts';
import { openServices, type Services } from '../../src/services.ts';
import { createApp, type AppOptions } from '../../src/web/app.ts';
import { MINI, REPO } from '../qa/helpers.ts';

export const TA_TOKEN = 'ta-token-for-tests-0001';
export const TA2_TOKEN = 'ta-token-for-tests-0002';

export interface Harness {
  services: Services;
  url: string;
  server: Server;
  root: string;
  close(): Promise<void>;
}

/** Services on a copy of `knowledge` (the mini fixture by default) and a fresh data dir, the app listening. */
export async function startHarness(opts: { overrides?: ConfigOverrides; knowledge?: string; app?: AppOptions; sweepIntervalMs?: number } = {}): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), 'tasuke-web-'));
  cpSync(opts.knowledge ?? MINI, join(root, 'knowledge'), { recursive: true });
  const config = loadConfig(
    {
      TASUKE_KNOWLEDGE_DIR: 'knowledge',
      TASUKE_DATA_DIR: 'data',
      TASUKE_LESSONS_DIR: join(REPO, 'lessons'),
      TASUKE_TA_TOKENS: `alice:${TA_TOKEN},bob:${TA2_TOKEN}`,
      TASUKE_ASK_PER_MINUTE: 1000,
      TASUKE_TRAIN_PER_MINUTE: 100,
      TASUKE_MAX_QUEUED_PER_USER: 10,
      ...opts.overrides,
    },
    {},
    root,
  );
  const services = await openServices(config, { log: silentLogger(), sweepIntervalMs: opts.sweepIntervalMs ?? 3_600_000 });
  const app = createApp(services, opts.app);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    services,
    url,
    server,
    root,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await services.close();
    },
  };
}

/** A browser without a browser: keeps cookies, knows the page's CSRF token. */
export class Client {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly base: string, readonly lang?: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async fetch(path: string, init: RequestInit & { json?: unknown; form?: Record<string, string | string[]> } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    if (this.lang) headers.set('accept-language', this.lang);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      headers.set('accept', 'application/json');
      body = JSON.stringify(init.json);
    } else if (init.form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = p.toString();
    }
    const res = await fetch(this.base + path, { ...init, headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** GETs a page and remembers its CSRF token. */
  async page(path: string): Promise<{ res: Response; html: string }> {
    const res = await this.fetch(path);
    const html = await res.text();
    const m = /<meta name="csrf-token" content="([^"]+)">/.exec(html);
    if (m) this.csrf = m[1];
    return { res, html };
  }

  /** POSTs JSON with the CSRF header, as the page's script does. */
  post(path: string, json: unknown = {}): Promise<Response> {
    return this.fetch(path, { method: 'POST', json, headers: { 'x-csrf-token': this.csrf } });
  }

  /** POSTs a form with the CSRF field, as a page's form does. */
  postForm(path: string, form: Record<string, string | string[]> = {}): Promise<Response> {
    return this.fetch(path, { method: 'POST', form: { _csrf: this.csrf, ...form } });
  }

  async signIn(token = TA_TOKEN): Promise<Response> {
    await this.page('/signin');
    return this.postForm('/signin', { token });
  }
}
