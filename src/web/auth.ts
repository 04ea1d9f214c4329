/**
 * Who is asking, for the web face.
 *
 * - Everyone gets an anonymous browser id (cookie `tasuke_uid`): the asker of
 *   the chat, the owner of training runs, and what the CSRF token is bound to.
 * - TAs sign in with a token from `TASUKE_TA_TOKENS`; the session is a signed
 *   cookie holding the TA's name and its expiry, and the signature covers a
 *   hash of that TA's token, so changing the token ends their sessions. With
 *   no token configured there is no dashboard at all.
 * - Every state-changing request carries the CSRF token (a form field
 *   `_csrf` or the `x-csrf-token` header): an HMAC of the browser id, which a
 *   page of another site cannot read.
 *
 * The signing secret lives in `<dataDir>/web-secret` (created once, mode
 * 0600), so sessions and open pages survive a restart.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import type { TaToken } from '../config.ts';

export const COOKIES = { uid: 'tasuke_uid', session: 'tasuke_session', lang: 'tasuke_lang', conversation: 'tasuke_conv', since: 'tasuke_since' } as const;

/** Reads (or creates) the secret that signs sessions and CSRF tokens. */
export function loadSecret(path: string): Buffer {
  if (existsSync(path)) {
    const hex = readFileSync(path, 'utf8').trim();
    if (/^[0-9a-f]{64,}$/.test(hex)) return Buffer.from(hex, 'hex');
  }
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(path, secret.toString('hex') + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
  return secret;
}

/** Parses a Cookie header (no dependency: the format is small and fixed). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    if (!name || Object.hasOwn(out, name)) continue;
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}

const b64url = (b: Buffer) => b.toString('base64url');
const sameBytes = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** A signed-in TA. */
export interface TaSession {
  name: string;
  expiresAt: number;
}

export interface Auth {
  /** True when at least one TA token is configured (the dashboard exists). */
  readonly enabled: boolean;
  /** The TA whose token this is, or undefined (compared in constant time). */
  checkToken(token: string): string | undefined;
  /** A session cookie value for `name`, valid for the configured hours from `now`. */
  issueSession(name: string, now?: number): { value: string; expiresAt: number };
  /** The session in a cookie value, or why there is none. */
  readSession(value: string | undefined, now?: number): { session?: TaSession; expired?: boolean };
  /** The CSRF token of a browser id. */
  csrfFor(uid: string): string;
  checkCsrf(uid: string | undefined, token: unknown): boolean;
  newUid(): string;
  sessionMs: number;
}

export function createAuth(opts: { tokens: readonly TaToken[]; sessionHours: number; secret: Buffer }): Auth {
  const { secret } = opts;
  const sessionMs = Math.round(opts.sessionHours * 3600_000);
  const hmac = (...parts: string[]) => b64url(createHmac('sha256', secret).update(parts.join('\0')).digest());
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const byName = new Map(opts.tokens.map((t) => [t.name, t]));
  const fingerprint = (t: TaToken) => b64url(digest(`${t.name}\0${t.token}`)).slice(0, 16);

  return {
    enabled: opts.tokens.length > 0,
    sessionMs,
    checkToken(token) {
      if (typeof token !== 'string' || !token) return undefined;
      const given = digest(token);
      let found: string | undefined;
      // Compare against every token, so the time taken says nothing about which matched.
      for (const t of opts.tokens) if (timingSafeEqual(given, digest(t.token))) found = t.name;
      return found;
    },
    issueSession(name, now = Date.now()) {
      const t = byName.get(name);
      if (!t) throw new Error(`No TA named ${name}.`);
      const expiresAt = now + sessionMs;
      const payload = `${b64url(Buffer.from(name))}.${expiresAt}`;
      return { value: `${payload}.${hmac('session', payload, fingerprint(t))}`, expiresAt };
    },
    readSession(value, now = Date.now()) {
      if (!value) return {};
      const m = /^([A-Za-z0-9_-]+)\.(\d{1,15})\.([A-Za-z0-9_-]+)$/.exec(value);
      if (!m) return {};
      const name = Buffer.from(m[1], 'base64url').toString('utf8');
      const t = byName.get(name);
      if (!t) return {};
      if (!sameBytes(m[3], hmac('session', `${m[1]}.${m[2]}`, fingerprint(t)))) return {};
      const expiresAt = Number(m[2]);
      if (expiresAt <= now) return { expired: true };
      return { session: { name, expiresAt } };
    },
    csrfFor: (uid) => hmac('csrf', uid),
    checkCsrf(uid, token) {
      return typeof uid === 'string' && uid !== '' && typeof token === 'string' && sameBytes(token, hmac('csrf', uid));
    },
    newUid: () => b64url(randomBytes(16)),
  };
}

/** What the auth middleware puts on `res.locals`. */
export interface AuthLocals {
  uid: string;
  csrf: string;
  ta?: TaSession;
  sessionExpired?: boolean;
}

const UID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * Gives every browser its id (setting the cookie on first sight), reads the
 * TA session, and refuses a state-changing request without a valid CSRF
 * token (403) before any route sees it.
 */
export function authMiddleware(auth: Auth, opts: { secure?: boolean } = {}) {
  return (req: Request, res: Response, next: NextFunction) => {
    const cookies = parseCookies(req.headers.cookie);
    let uid = cookies[COOKIES.uid];
    const known = !!uid && UID.test(uid);
    if (!known) {
      uid = auth.newUid();
      res.cookie(COOKIES.uid, uid, { httpOnly: true, sameSite: 'lax', secure: opts.secure, path: '/', maxAge: 365 * 24 * 3600_000 });
    }
    const { session, expired } = auth.readSession(cookies[COOKIES.session]);
    const locals: AuthLocals = { uid: uid!, csrf: auth.csrfFor(uid!), ta: session, sessionExpired: expired };
    Object.assign(res.locals, locals);
    if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS') {
      const body = req.body as Record<string, unknown> | undefined;
      const token = req.get('x-csrf-token') ?? body?._csrf;
      // A browser seen for the first time has no page of ours, so it cannot hold a token either.
      if (!known || !auth.checkCsrf(uid, token)) {
        res.locals.csrfRefused = true;
        return next(Object.assign(new Error('CSRF token missing or invalid'), { status: 403, expose: true, csrf: true }));
      }
    }
    next();
  };
}
