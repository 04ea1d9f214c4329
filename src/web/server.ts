/**
 * `startWeb(services, config)`: listens on TASUKE_HOST:TASUKE_PORT with the
 * web app and returns its address and a `close()` that stops accepting,
 * ends the open live-progress streams and waits for the server to stop. The
 * services stay open: whoever opened them closes them (`tasuke serve`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config.ts';
import type { Services } from '../services.ts';
import { createApp, type AppOptions } from './app.ts';

export interface WebServer {
  /** The address to open, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** False when no TA token is configured: the chat runs, the dashboard does not exist. */
  dashboard: boolean;
  server: Server;
  close(): Promise<void>;
}

/** The address a person can open for a listening socket (a wildcard host becomes localhost). */
export function addressUrl(addr: AddressInfo): string {
  const wildcard = addr.address === '0.0.0.0' || addr.address === '::';
  const host = wildcard ? 'localhost' : addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return `http://${host}:${addr.port}`;
}

export async function startWeb(services: Services, config: Pick<Config, 'host' | 'port'> = services.config, opts: AppOptions = {}): Promise<WebServer> {
  let url = '';
  const app = createApp(services, { baseUrl: () => url, ...opts });
  const server = createServer(app);
  // Live-progress streams stay open for minutes; keep-alive must not hold a close back forever.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  url = addressUrl(server.address() as AddressInfo);
  const dashboard = services.config.web.taTokens.length > 0;
  services.log.info({ component: 'web', url, dashboard }, `web chat at ${url}`);
  if (!dashboard) services.log.warn({ component: 'web' }, 'TASUKE_TA_TOKENS is not set: there is no TA dashboard');

  let closing: Promise<void> | undefined;
  return {
    url,
    dashboard,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Open event streams would keep close() waiting: end them after a moment's grace.
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      });
      return closing;
    },
  };
}
