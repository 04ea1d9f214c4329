/**
 * The web app in-process (listening on 127.0.0.1:0, driven with fetch):
 * routes, sign-in and sessions, CSRF, escaping, validation, health and
 * metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth, loadSecret } from '../../src/web/auth.ts';
import { Client, startHarness, TA2_TOKEN, TA_TOKEN, type Harness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Every route that needs a TA: pages redirect to /signin, the API answers 401. */
const PROTECTED_PAGES = [
  ['GET', '/dashboard'],
  ['GET', '/dashboard/drafts'],
  ['GET', '/dashboard/jobs'],
  ['GET', '/dashboard/knowledge'],
  ['GET', '/dashboard/knowledge/epochs-what-en'],
  ['GET', '/dashboard/figures'],
  ['GET', '/dashboard/conversations/web%3Ax%3Ay'],
  ['POST', '/dashboard/escalations/e-abcdefgh/claim'],
  ['POST', '/dashboard/escalations/e-abcdefgh/resolve'],
  ['POST', '/dashboard/escalations/e-abcdefgh/dismiss'],
  ['POST', '/dashboard/drafts/d-abcdefgh'],
] as const;
const PROTECTED_API = [
  ['GET', '/api/ta/escalations'],
  ['POST', '/api/ta/escalations/e-abcdefgh/claim'],
  ['POST', '/api/ta/escalations/e-abcdefgh/resolve'],
  ['POST', '/api/ta/escalations/e-abcdefgh/dismiss'],
  ['GET', '/api/ta/drafts'],
  ['POST', '/api/ta/drafts/d-abcdefgh/approve'],
  ['POST', '/api/ta/drafts/d-abcdefgh/reject'],
  ['GET', '/api/ta/jobs'],
  ['GET', '/api/ta/figures'],
] as const;

async function visitor(lang?: string): Promise<Client> {
  const c = new Client(h.url, lang);
  await c.page('/');
  return c;
}

describe('chat', () => {
  it('serves the chat page with a browser id, a CSRF token and the lessons', async () => {
    const c = new Client(h.url);
    const { res, html } = await c.page('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(c.cookies.has('tasuke_uid')).toBe(true);
    expect(c.csrf).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(html).toContain('name="question"');
    for (const l of ['linear', 'xor', 'iris', 'mnist', 'cnn']) expect(html).toContain(`value="${l}"`);
  });

  it('answers with the same contract as the core, with sources, and keeps the conversation across reloads', async () => {
    const c = await visitor();
    const res = await c.post('/api/ask', { question: 'What is an epoch?' });
    expect(res.status).toBe(200);
    const data = (await res.json()) as { answerId: string; contract: { action: string; lang: string; sources: { id: string }[] }; html: string };
    expect(data.contract.action).toBe('answer');
    expect(data.contract.lang).toBe('en');
    expect(data.contract.sources[0].id).toBe('epochs-what-en');
    const direct = await h.services.assistant.ask('What is an epoch?');
    expect(data.contract).toEqual(direct);
    expect(data.html).toContain('epochs-what-en');
    // The entry names a lesson: a "Try it" button that trains it with its defaults.
    expect(data.html).toMatch(/<form method="post" action="\/api\/train"[^>]*data-ajax="train">[\s\S]*name="lesson" value="mnist"[\s\S]*Try it: mnist/);
    const { html } = await c.page('/');
    expect(html).toContain(`id="${data.answerId}"`);
    // Another browser does not see it.
    const other = await visitor();
    expect((await other.page('/')).html).not.toContain(data.answerId);
  });

  it('works without JavaScript: a plain form posts and comes back to the page', async () => {
    const c = await visitor();
    const res = await c.postForm('/api/ask', { question: 'エポックって何ですか？' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/#a-/);
    const { html } = await c.page('/');
    expect(html).toContain('エポックって何ですか？');
  });

  it('shows a question containing HTML or a script as text (stored XSS)', async () => {
    const c = await visitor();
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)> What is an epoch?';
    const r = await c.post('/api/ask', { question: evil });
    const { html: fragment } = (await r.json()) as { html: string };
    expect(fragment).not.toContain('<script>alert');
    expect(fragment).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
    const { html } = await c.page('/');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    // And on the dashboard, where TAs read it.
    const ta = new Client(h.url);
    await ta.signIn();
    const key = h.services.answers.since(0).find((a) => a.question === evil)!.conversation;
    const conv = await ta.page(`/dashboard/conversations/${encodeURIComponent(key)}`);
    expect(conv.res.status).toBe(200);
    expect(conv.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(conv.html).not.toContain('<script>alert');
  });

  it('refuses bad input with a clear message in the asker\'s language, and changes nothing', async () => {
    const c = await visitor('ja');
    const before = h.services.answers.since(0).length;
    const empty = await c.post('/api/ask', { question: '   ' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toContain('質問は 1〜8,000 文字');
    const long = await c.post('/api/ask', { question: 'x'.repeat(8001) });
    expect(long.status).toBe(400);
    const wrongType = await c.post('/api/ask', { question: 42 });
    expect(wrongType.status).toBe(400);
    const broken = await c.fetch('/api/ask', { method: 'POST', body: '{"question":', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': c.csrf } });
    expect(broken.status).toBe(400);
    expect(h.services.answers.since(0).length).toBe(before);

    const en = await visitor('en');
    const bad = await en.post('/api/train', { lesson: 'linear', epochs: 'many' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('Epochs must be a whole number');
    const range = await en.post('/api/train', { lesson: 'linear', epochs: 100000 });
    expect(range.status).toBe(400);
    const unknown = await en.post('/api/train', { lesson: 'nope' });
    expect([400, 404]).toContain(unknown.status);
    expect(await h.services.jobs.list()).toHaveLength(0);
  });

  it('applies the per-person rate limit, with the message in the language of the question', async () => {
    const limited = await startHarness({ overrides: { TASUKE_ASK_PER_MINUTE: 2 } });
    try {
      const c = new Client(limited.url);
      await c.page('/');
      expect((await c.post('/api/ask', { question: 'What is an epoch?' })).status).toBe(200);
      expect((await c.post('/api/ask', { question: 'What is an epoch?' })).status).toBe(200);
      const third = await c.post('/api/ask', { question: 'エポックとは？' });
      expect(third.status).toBe(429);
      expect(((await third.json()) as { error: { message: string } }).error.message).toMatch(/質問は 1 分に 2 回まで/);
      // Someone else is not limited by it.
      const d = new Client(limited.url);
      await d.page('/');
      expect((await d.post('/api/ask', { question: 'What is an epoch?' })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('👍 / 👎 / "Ask a TA": only the asker, 👎 hands it to a TA once', async () => {
    const c = await visitor();
    const { answerId } = (await (await c.post('/api/ask', { question: 'What is one-hot encoding?' })).json()) as { answerId: string };
    const stranger = await visitor();
    expect((await stranger.post(`/api/answers/${answerId}/feedback`, { value: 'not-helpful' })).status).toBe(403);
    expect((await c.post(`/api/answers/${answerId}/feedback`, { value: 'maybe' })).status).toBe(400);
    expect((await c.post('/api/answers/a-doesnotexist/feedback', { value: 'helpful' })).status).toBe(404);

    const up = (await (await c.post(`/api/answers/${answerId}/feedback`, { value: 'helpful' })).json()) as { status: string };
    expect(up.status).toContain('Thanks');
    const down = (await (await c.post(`/api/answers/${answerId}/feedback`, { value: 'not-helpful' })).json()) as { escalation: { id: string }; status: string };
    expect(down.escalation.id).toMatch(/^e-/);
    expect(down.status).toContain('A TA has been called');
    const again = (await (await c.post(`/api/answers/${answerId}/ask-ta`)).json()) as { escalation: { id: string }; status: string };
    expect(again.escalation.id).toBe(down.escalation.id);
    expect(again.status).toContain('already been passed');
    expect(h.services.escalations.get(down.escalation.id)).toMatchObject({ reason: 'not-helpful', state: 'open', origin: { face: 'web' } });
  });

  it('follows the page language from ?lang, then the cookie, then Accept-Language', async () => {
    const c = new Client(h.url, 'en-US,en;q=0.9');
    expect((await c.page('/')).html).toContain('<html lang="en">');
    expect((await c.page('/?lang=ja')).html).toContain('<html lang="ja">');
    expect((await c.page('/')).html).toContain('<html lang="ja">');
    const j = new Client(h.url, 'ja,en;q=0.5');
    expect((await j.page('/')).html).toContain('質問する');
  });
});

describe('sign-in and sessions', () => {
  it('refuses every protected route without a session: 401 for the API, a redirect to /signin for pages', async () => {
    const c = await visitor();
    for (const [method, path] of PROTECTED_PAGES) {
      const res = method === 'GET' ? await c.fetch(path) : await c.postForm(path, { answer: 'x' });
      expect([res.status, path]).toEqual([303, path]);
      expect(res.headers.get('location')).toMatch(/^\/signin\?next=/);
    }
    for (const [method, path] of PROTECTED_API) {
      const res = method === 'GET' ? await c.fetch(path, { headers: { accept: 'application/json' } }) : await c.post(path, { answer: 'x' });
      expect([res.status, path]).toEqual([401, path]);
    }
  });

  it('signs a TA in with a configured token, and refuses a wrong one', async () => {
    const c = await visitor();
    const wrong = await c.signIn('not-the-token-at-all');
    expect(wrong.status).toBe(401);
    expect(c.cookies.has('tasuke_session')).toBe(false);
    const ok = await c.signIn(TA_TOKEN);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/dashboard');
    const { res, html } = await c.page('/dashboard');
    expect(res.status).toBe(200);
    expect(html).toContain('alice');
    expect((await c.fetch('/api/ta/escalations')).status).toBe(200);
    // Signing out ends it.
    await c.postForm('/signout');
    expect((await c.fetch('/dashboard')).status).toBe(303);
  });

  it('never redirects outside the dashboard after sign-in', async () => {
    const c = await visitor();
    await c.page('/signin');
    const res = await c.postForm('/signin', { token: TA2_TOKEN, next: 'https://evil.example/' });
    expect(res.headers.get('location')).toBe('/dashboard');
  });

  it('refuses an expired session and a tampered one', async () => {
    const c = await visitor();
    await c.signIn();
    // Sign with the app's own secret (read from the data dir, as the app does), at a time long past.
    const real = createAuth({ tokens: h.services.config.web.taTokens, sessionHours: 12, secret: loadSecret(`${h.services.config.dataDir}/web-secret`) });
    const old = real.issueSession('alice', Date.now() - 13 * 3600_000);
    c.cookies.set('tasuke_session', old.value);
    const expired = await c.fetch('/dashboard');
    expect(expired.status).toBe(303);
    expect(expired.headers.get('location')).toContain('expired=1');
    expect((await c.fetch('/api/ta/escalations')).status).toBe(401);
    // A session for another name, or with a changed expiry, does not verify.
    const good = real.issueSession('alice').value;
    const [name, , sig] = good.split('.');
    c.cookies.set('tasuke_session', `${name}.${Date.now() + 10 * 365 * 24 * 3600_000}.${sig}`);
    expect((await c.fetch('/api/ta/escalations')).status).toBe(401);
    c.cookies.set('tasuke_session', `${Buffer.from('bob').toString('base64url')}.${good.split('.')[1]}.${sig}`);
    expect((await c.fetch('/api/ta/escalations')).status).toBe(401);
    c.cookies.set('tasuke_session', good);
    expect((await c.fetch('/api/ta/escalations')).status).toBe(200);
  });

  it('has no dashboard at all when no TA token is configured', async () => {
    const off = await startHarness({ overrides: { TASUKE_TA_TOKENS: '' } });
    try {
      const c = new Client(off.url);
      const { html } = await c.page('/');
      expect(html).not.toContain('href="/dashboard"');
      expect((await c.fetch('/dashboard')).status).toBe(404);
      expect((await c.fetch('/signin')).status).toBe(404);
      expect((await c.postForm('/signin', { token: TA_TOKEN })).status).toBe(404);
      expect((await c.fetch('/api/ta/escalations')).status).toBe(404);
      // The chat still works.
      expect((await c.post('/api/ask', { question: 'What is an epoch?' })).status).toBe(200);
    } finally {
      await off.close();
    }
  });
});

describe('CSRF', () => {
  it('refuses a forged state-changing request without the token, and changes nothing', async () => {
    const ta = await visitor();
    await ta.signIn();
    const asker = await visitor();
    await asker.post('/api/ask', { question: '明日のお昼ご飯はどこで食べられますか？' });
    const open = h.services.escalations.list({ states: ['open'] });
    const target = open[open.length - 1];

    // A page on another site can make the browser send its cookies, but cannot read the token.
    const forged = await ta.fetch(`/dashboard/escalations/${target.id}/resolve`, {
      method: 'POST',
      form: { answer: 'forged' },
      headers: { origin: 'https://evil.example' },
    });
    expect(forged.status).toBe(403);
    const wrongToken = await ta.fetch(`/dashboard/escalations/${target.id}/claim`, { method: 'POST', form: { _csrf: 'x'.repeat(43) } });
    expect(wrongToken.status).toBe(403);
    const apiForged = await ta.fetch(`/api/ta/escalations/${target.id}/dismiss`, { method: 'POST', json: {} });
    expect(apiForged.status).toBe(403);
    const askForged = await asker.fetch('/api/ask', { method: 'POST', json: { question: 'What is an epoch?' } });
    expect(askForged.status).toBe(403);
    // Another browser's token does not work either.
    const other = await visitor();
    const crossed = await ta.fetch(`/dashboard/escalations/${target.id}/claim`, { method: 'POST', form: { _csrf: other.csrf } });
    expect(crossed.status).toBe(403);
    expect(h.services.escalations.get(target.id)!.state).toBe('open');

    // With the token, the same request works.
    const real = await ta.postForm(`/dashboard/escalations/${target.id}/claim`);
    expect(real.status).toBe(303);
    expect(h.services.escalations.get(target.id)!.state).toBe('claimed');
  });

  it('refuses a POST from a browser it has never seen (no id cookie, so no page of ours)', async () => {
    const c = new Client(h.url);
    const res = await c.fetch('/api/ask', { method: 'POST', json: { question: 'What is an epoch?' }, headers: { 'x-csrf-token': 'anything' } });
    expect(res.status).toBe(403);
  });
});

describe('dashboard', () => {
  it('lists the open queue oldest first and walks claim → resolve, with the answer shown to the asker', async () => {
    const asker = await visitor();
    const first = (await (await asker.post('/api/ask', { question: '修了証はいつもらえますか？' })).json()) as { escalation: { id: string } };
    await asker.post('/api/chat/new');
    await asker.page('/');
    const second = (await (await asker.post('/api/ask', { question: 'Where can I park my bike?' })).json()) as { escalation: { id: string } };
    const ta = await visitor();
    await ta.signIn();
    const { html } = await ta.page('/dashboard');
    const i1 = html.indexOf(`id="${first.escalation.id}"`);
    const i2 = html.indexOf(`id="${second.escalation.id}"`);
    expect(i1).toBeGreaterThan(0);
    expect(i2).toBeGreaterThan(i1);
    expect(html).toContain('修了証はいつもらえますか？');

    expect((await ta.postForm(`/dashboard/escalations/${second.escalation.id}/claim`)).status).toBe(303);
    // Another TA cannot claim it now.
    const bob = await visitor();
    await bob.signIn(TA2_TOKEN);
    const taken = await bob.postForm(`/dashboard/escalations/${second.escalation.id}/claim`);
    expect(taken.status).toBe(409);
    const empty = await ta.postForm(`/dashboard/escalations/${second.escalation.id}/resolve`, { answer: '' });
    expect(empty.status).toBe(400);
    const res = await ta.postForm(`/dashboard/escalations/${second.escalation.id}/resolve`, { answer: 'Behind building B.' });
    expect(res.status).toBe(303);
    const e = h.services.escalations.get(second.escalation.id)!;
    expect(e).toMatchObject({ state: 'resolved', resolution: 'Behind building B.', resolvedBy: { name: 'alice' } });
    // The resolution counts as the TA's first response in that conversation.
    const key = h.services.conversations.keyOf(e.id)!;
    expect(h.services.conversations.firstResponse(key)?.ta.name).toBe('alice');
    // The asker sees the TA's answer on their page.
    const page = await asker.page('/');
    expect(page.html).toContain('Behind building B.');
    const status = (await (await asker.fetch('/api/chat/status')).json()) as { state: string; status: string };
    expect(status.state).toBe('resolved');
    // A closed conversation stays closed: the next question that needs a TA reaches one, in a new conversation.
    const next = (await (await asker.post('/api/ask', { question: 'Where can I park my car?' })).json()) as { escalation: { id: string; created: boolean } };
    expect(next.escalation.created).toBe(true);
    expect(next.escalation.id).not.toBe(second.escalation.id);
    const again = await asker.page('/');
    expect(again.html).toContain('Behind building B.');
    expect(again.html).toContain('Where can I park my car?');
  });

  it('shows jobs, the knowledge base by topic and the day\'s figures', async () => {
    const ta = await visitor('en');
    await ta.signIn();
    const kb = await ta.page('/dashboard/knowledge?topic=epochs');
    expect(kb.html).toContain('epochs-what-en');
    expect(kb.html).not.toContain('pooling-max-en');
    const entry = await ta.page('/dashboard/knowledge/epochs-what-en');
    expect(entry.res.status).toBe(200);
    expect((await ta.page('/dashboard/knowledge/nope')).res.status).toBe(404);
    const fig = await ta.page('/dashboard/figures');
    expect(fig.res.status).toBe(200);
    expect(fig.html).toContain('<svg');
    expect(fig.html).toContain('Questions');
    const json = (await (await ta.fetch('/api/ta/figures')).json()) as { questions: number; escalated: number; mostAsked: { topic: string }[] };
    expect(json.questions).toBeGreaterThan(3);
    expect(json.escalated).toBeGreaterThan(0);
    expect(json.mostAsked.map((t) => t.topic)).toContain('epochs');
    expect((await ta.page('/dashboard/figures?day=yesterday')).res.status).toBe(400);
    expect((await ta.page('/dashboard/jobs')).res.status).toBe(200);
  });
});

describe('training from the web', () => {
  it('runs linear with live progress (SSE), then serves its chart by job id only', async () => {
    const c = await visitor('en');
    const res = await c.post('/api/train', { lesson: 'linear', epochs: 3 });
    expect(res.status).toBe(200);
    const { jobId, html } = (await res.json()) as { jobId: string; html: string };
    expect(html).toContain(`data-job-id="${jobId}"`);

    const events = await fetch(`${h.url}/api/jobs/${jobId}/events`, { headers: { cookie: c.cookieHeader() } });
    expect(events.headers.get('content-type')).toContain('text/event-stream');
    const text = await events.text(); // the stream ends after `done`
    expect(text).toMatch(/event: progress\ndata: .*epoch 3\/3/);
    const done = /event: done\ndata: (.*)\n/.exec(text);
    const final = JSON.parse(done![1]) as { state: string; html: string };
    expect(final.state).toBe('succeeded');
    expect(final.html).toContain(`/jobs/${jobId}/chart.png`);

    const chart = await c.fetch(`/jobs/${jobId}/chart.png`);
    expect(chart.status).toBe(200);
    expect(chart.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await chart.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    // Nothing but a job id reaches the file system.
    for (const bad of ['/jobs/..%2F..%2Fetc%2Fpasswd/chart.png', '/jobs/%2Fetc%2Fpasswd/chart.png', '/jobs/zzzzzzzzzz/chart.png']) {
      expect((await c.fetch(bad)).status).toBe(404);
    }
    const info = (await (await c.fetch(`/api/jobs/${jobId}`)).json()) as { state: string; backend: string; reading: string };
    expect(info.state).toBe('succeeded');
    expect(info.reading.length).toBeGreaterThan(10);
  });
});

describe('health and metrics', () => {
  it('answers /healthz and /metrics without a session', async () => {
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, db: true, queue: { ok: true } });
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/tasuke_questions_total\{action="answer",lang="en",app="tasuke"\} \d+/);
    expect(metrics).toMatch(/tasuke_escalations\{state="open",app="tasuke"\} \d+/);
    expect(metrics).toContain('tasuke_first_ta_response_seconds_bucket');
    expect(metrics).toMatch(/tasuke_job_duration_seconds_count\{app="tasuke",lesson="linear",backend="[a-z-]+",state="succeeded"\} 1/);
    expect(metrics).toMatch(/tasuke_queue_depth\{state="queued",app="tasuke"\} 0/);
    expect(metrics).toContain('tasuke_web_answer_seconds_bucket');
  });
});
