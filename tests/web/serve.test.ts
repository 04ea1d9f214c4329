/**
 * `tasuke serve` with no Discord token: prints the web chat's address and
 * whether the dashboard is on, serves the chat there, and on a stop request
 * closes the web, then the services.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { miniConfig, REPO } from '../qa/helpers.ts';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return { stream, text: () => text };
}

async function until<T>(f: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('tasuke serve', () => {
  for (const tokens of ['', 'alice:serve-test-token-01']) {
    it(`serves the web chat on TASUKE_HOST:TASUKE_PORT without Discord (${tokens ? 'with' : 'without'} TA tokens) and stops cleanly`, async () => {
      const config = miniConfig({ TASUKE_LESSONS_DIR: `${REPO}/lessons`, TASUKE_PORT: 0, TASUKE_TA_TOKENS: tokens, DISCORD_TOKEN: '' });
      const out = capture();
      const err = capture();
      const stop = new AbortController();
      const done = main(['serve'], { config, stdout: out.stream, stderr: err.stream, signal: stop.signal });
      const url = await until(() => /Web chat: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out.text())?.[1]);
      expect(out.text()).toContain(tokens ? 'TA dashboard: http://127.0.0.1' : 'TA dashboard: off. Set TASUKE_TA_TOKENS');
      expect(out.text()).toContain('Discord is off');
      const health = await fetch(`${url}/healthz`);
      expect(await health.json()).toMatchObject({ ok: true });
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect((await fetch(`${url}/dashboard`, { redirect: 'manual' })).status).toBe(tokens ? 303 : 404);
      stop.abort();
      expect(await done).toBe(0);
      expect(out.text()).toContain('Stopped.');
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    });
  }
});
