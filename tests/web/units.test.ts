/**
 * The web face's pure parts: the escaping helper, TA tokens from the
 * configuration, sessions and CSRF tokens, cookies, and the language choice.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig, parseTaTokens } from '../../src/config.ts';
import { createAuth, parseCookies } from '../../src/web/auth.ts';
import { escapeHtml, html, safeHref, textWithCode, trusted } from '../../src/web/views/html.ts';

describe('html', () => {
  it('escapes every interpolated value, passes nested html and arrays of it through', () => {
    const evil = `<script>alert("1")</script>' \``;
    const out = html`<p title="${evil}">${evil}${[html`<b>${'<i>'}</b>`, '<u>']}${undefined}${null}${false}${0}</p>`;
    expect(out.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;&#39; &#96;">&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;&#39; &#96;<b>&lt;i&gt;</b>&lt;u&gt;0</p>',
    );
    expect(escapeHtml('a & b')).toBe('a &amp; b');
    expect(html`${trusted('<br>')}`.value).toBe('<br>');
  });

  it('lets only http(s) and site-relative links through', () => {
    expect(safeHref('https://discord.com/channels/1/2/3')).toBe('https://discord.com/channels/1/2/3');
    expect(safeHref('/dashboard/conversations/x')).toBe('/dashboard/conversations/x');
    for (const bad of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,x', '//evil.example/', '/\\evil.example', undefined, '']) expect(safeHref(bad)).toBe('#');
  });

  it('turns `code` spans into <code> and escapes everything, inside them too', () => {
    expect(textWithCode('call `fit(x, y)` then <b>`<i>`</b>').value).toBe('call <code>fit(x, y)</code> then &lt;b&gt;<code>&lt;i&gt;</code>&lt;/b&gt;');
  });
});

describe('TA tokens and sessions', () => {
  it('parses name:token lists and refuses weak or malformed ones, naming them', () => {
    expect(parseTaTokens(undefined)).toEqual([]);
    expect(parseTaTokens(' alice:0123456789abcdef , bob:fedcba9876543210 ')).toEqual([
      { name: 'alice', token: '0123456789abcdef' },
      { name: 'bob', token: 'fedcba9876543210' },
    ]);
    expect(() => parseTaTokens('alice')).toThrow(/item 1 is not name:token/);
    expect(() => parseTaTokens('alice:short')).toThrow(/"alice" has 5 characters; use at least 12/);
    expect(() => parseTaTokens('a:0123456789abcdef,a:fedcba9876543210')).toThrow(/listed twice/);
    expect(() => parseTaTokens('a:0123456789abcdef,b:0123456789abcdef')).toThrow(/same token/);
    // Through the configuration: an empty value means none (no dashboard), never a default password.
    expect(loadConfig({ TASUKE_TA_TOKENS: '' }, {}).web.taTokens).toEqual([]);
    expect(loadConfig({}, {}).web).toEqual({ taTokens: [], sessionHours: 12 });
    expect(loadConfig({}, {}).unansweredAfterS).toBe(600);
    expect(() => loadConfig({ TASUKE_SESSION_HOURS: 0 }, {})).toThrow(/TASUKE_SESSION_HOURS/);
  });

  const tokens = [
    { name: 'alice', token: 'alice-token-123456' },
    { name: 'bob', token: 'bob-token-1234567' },
  ];
  const auth = createAuth({ tokens, sessionHours: 2, secret: Buffer.alloc(32, 7) });

  it('checks tokens, issues sessions that expire, and refuses tampered ones', () => {
    expect(auth.enabled).toBe(true);
    expect(auth.checkToken('alice-token-123456')).toBe('alice');
    expect(auth.checkToken('alice-token-12345')).toBeUndefined();
    expect(auth.checkToken('')).toBeUndefined();
    const now = 1_700_000_000_000;
    const s = auth.issueSession('bob', now);
    expect(s.expiresAt).toBe(now + 2 * 3600_000);
    expect(auth.readSession(s.value, now + 1000).session).toEqual({ name: 'bob', expiresAt: s.expiresAt });
    expect(auth.readSession(s.value, s.expiresAt)).toEqual({ expired: true });
    expect(auth.readSession(s.value.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), now).session).toBeUndefined();
    expect(auth.readSession('garbage', now)).toEqual({});
    // Another secret, or a changed token, ends the session.
    const other = createAuth({ tokens, sessionHours: 2, secret: Buffer.alloc(32, 8) });
    expect(other.readSession(s.value, now).session).toBeUndefined();
    const rotated = createAuth({ tokens: [tokens[0], { name: 'bob', token: 'bob-token-NEW-0000' }], sessionHours: 2, secret: Buffer.alloc(32, 7) });
    expect(rotated.readSession(s.value, now).session).toBeUndefined();
    expect(createAuth({ tokens: [], sessionHours: 1, secret: Buffer.alloc(32) }).enabled).toBe(false);
  });

  it('binds CSRF tokens to the browser', () => {
    const a = auth.newUid();
    const b = auth.newUid();
    expect(auth.checkCsrf(a, auth.csrfFor(a))).toBe(true);
    expect(auth.checkCsrf(b, auth.csrfFor(a))).toBe(false);
    expect(auth.checkCsrf(undefined, auth.csrfFor(a))).toBe(false);
    expect(auth.checkCsrf(a, undefined)).toBe(false);
    expect(auth.checkCsrf(a, ['x'])).toBe(false);
  });

  it('parses cookie headers, the first of a name winning', () => {
    expect(parseCookies('a=1; b="two"; a=3; c=%E3%81%82; bad; =x')).toEqual({ a: '1', b: 'two', c: 'あ' });
    expect(parseCookies(undefined)).toEqual({});
  });
});
